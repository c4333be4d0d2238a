import ModelFiles

/// Colours the widgets use; the backend maps them to the terminal's.
public enum Color: Int, CaseIterable, Sendable {
    case normal, red, green, yellow, blue, magenta, cyan, gray, white
}

public struct Style: Equatable, Sendable {
    public var color: Color
    public var bold: Bool
    public var reverse: Bool

    public init(_ color: Color = .normal, bold: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
    }

    public static let plain = Style()
}

public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}

/// An in-memory screen: widgets draw into it, the backend flushes it, tests read its text.
public struct Canvas: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var chars: [Character]
    public private(set) var styles: [Style]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        chars = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: .plain, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Character {
        guard x >= 0, y >= 0, x < width, y < height else { return " " }
        return chars[y * width + x]
    }

    public func style(x: Int, y: Int) -> Style { styles[y * width + x] }

    public mutating func set(_ x: Int, _ y: Int, _ c: Character, _ s: Style = .plain) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        chars[y * width + x] = c
        styles[y * width + x] = s
    }

    /// Writes text from (x, y), clipped to `limit` columns (and to the canvas). A control
    /// character (from a file's content, say) is drawn as `?`, never sent to the terminal.
    public mutating func text(_ x: Int, _ y: Int, _ s: String, _ style: Style = .plain, limit: Int? = nil) {
        var cx = x
        let end = limit.map { x + $0 } ?? width
        for c in s {
            if cx >= end { break }
            let control = c.unicodeScalars.contains(where: \.isControlOrSeparator)
            set(cx, y, control ? "?" : c, style)
            cx += 1
        }
    }

    public mutating func fill(_ r: Rect, _ c: Character = " ", _ s: Style = .plain) {
        for y in r.y..<r.maxY { for x in r.x..<r.maxX { set(x, y, c, s) } }
    }

    /// A box with a title on its top edge.
    public mutating func box(_ r: Rect, title: String = "", _ s: Style = Style(.gray)) {
        guard r.width >= 2, r.height >= 2 else { return }
        for x in (r.x + 1)..<(r.maxX - 1) {
            set(x, r.y, "─", s)
            set(x, r.maxY - 1, "─", s)
        }
        for y in (r.y + 1)..<(r.maxY - 1) {
            set(r.x, y, "│", s)
            set(r.maxX - 1, y, "│", s)
        }
        set(r.x, r.y, "┌", s)
        set(r.maxX - 1, r.y, "┐", s)
        set(r.x, r.maxY - 1, "└", s)
        set(r.maxX - 1, r.maxY - 1, "┘", s)
        if !title.isEmpty { text(r.x + 2, r.y, " \(title) ", Style(.normal, bold: true), limit: r.width - 4) }
    }

    public func line(_ y: Int) -> String { String(chars[(y * width)..<((y + 1) * width)]) }

    /// All lines, trailing spaces kept.
    public var lines: [String] { (0..<height).map(line) }

    public func contains(_ s: String) -> Bool { lines.contains { $0.contains(s) } }
}

/// Pixels at braille resolution (2 x 4 dots per character), one colour per character.
public struct BrailleGrid {
    public let columns: Int
    public let rows: Int
    var bits: [UInt8]
    var colors: [Color]

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        colors = Array(repeating: .normal, count: self.columns * self.rows)
    }

    public var pixelWidth: Int { columns * 2 }
    public var pixelHeight: Int { rows * 4 }

    private static let dot: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    public mutating func plot(_ px: Int, _ py: Int, _ color: Color = .normal) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let i = (py / 4) * columns + px / 2
        bits[i] |= BrailleGrid.dot[px % 2][py % 4]
        colors[i] = color
    }

    public func isSet(_ px: Int, _ py: Int) -> Bool {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return false }
        return bits[(py / 4) * columns + px / 2] & BrailleGrid.dot[px % 2][py % 4] != 0
    }

    public func draw(into c: inout Canvas, at x: Int, _ y: Int) {
        for r in 0..<rows {
            for col in 0..<columns where bits[r * columns + col] != 0 {
                let scalar = Unicode.Scalar(0x2800 + UInt32(bits[r * columns + col]))!
                c.set(x + col, y + r, Character(scalar), Style(colors[r * columns + col]))
            }
        }
    }
}

/// Words in lines of at most `width` characters; a word longer than a line is cut and ends in
/// "…"; lines after the first start with `indent`. A text that fits is one line, as it is.
func wrapWords(_ text: String, width: Int, indent: String = "") -> [String] {
    guard width > indent.count + 1, text.count > width else { return [text] }
    var out: [String] = [], line = ""
    for w in text.split(separator: " ") {
        if !line.isEmpty && line != indent && line.count + 1 + w.count > width {
            out.append(line)
            line = indent
        }
        let room = width - line.count - (line.isEmpty || line == indent ? 0 : 1)
        let word = w.count > room && w.count > width - indent.count ? String(w.prefix(max(1, room - 1))) + "…" : String(w)
        line += (line.isEmpty || line == indent ? "" : " ") + word
    }
    if !line.isEmpty && line != indent { out.append(line) }
    return out
}
