/// A line of text with a cursor, edited as a shell's readline does: ← → move, Home/End or
/// Ctrl-A/Ctrl-E jump, Backspace and Delete remove, Ctrl-U cuts to the start, Ctrl-K to the end,
/// Ctrl-W the word before the cursor.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: String
    public private(set) var cursor: Int

    public init(text: String, cursor: Int) {
        self.text = text
        self.cursor = max(0, min(cursor, text.count))
    }

    /// The text with a bar at the cursor.
    public var shown: String {
        let i = text.index(text.startIndex, offsetBy: cursor)
        return String(text[..<i]) + "▏" + String(text[i...])
    }

    /// Applies a key; false when the key is not an editing key.
    public mutating func apply(_ key: Key) -> Bool {
        let i = text.index(text.startIndex, offsetBy: cursor)
        switch key {
        case let .char(c):
            text.insert(c, at: i)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            text.remove(at: text.index(before: i))
            cursor -= 1
        case .delete:
            if cursor < text.count { text.remove(at: i) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text = String(text[i...])
            cursor = 0
        case .ctrl("k"):
            text = String(text[..<i])
        case .ctrl("w"):
            var j = cursor
            let chars = Array(text)
            while j > 0 && chars[j - 1] == " " { j -= 1 }
            while j > 0 && chars[j - 1] != " " { j -= 1 }
            text = String(chars[..<j]) + String(chars[cursor...])
            cursor = j
        default:
            return false
        }
        return true
    }
}
