import Foundation
import ModelFiles

/// What a list of sessions shows of each, read from the top of the file without loading it:
/// model, model time, seeds, number of edits and the date it was saved (from its provenance,
/// not the file's modification time).
public struct SessionHeader: Sendable {
    public var model: String?
    public var time: String?
    public var date: String?
    /// "network stimulus state".
    public var seeds: String?
    public var edits: Int?

    public init(path: String) {
        guard let bytes = SafeFile.head(path, bytes: 65536) else { return }
        let head = String(decoding: bytes, as: UTF8.self)
        guard head.contains("\"\(Snapshot.format)\"") else { return }
        model = SessionHeader.token(after: "\"model_name\": ", in: head)
        time = SessionHeader.token(after: "\"ms\": ", in: head)
        date = SessionHeader.token(after: "\"date\": ", in: head)
        if let r = head.range(of: "\"seeds\": {") {
            let sec = String(head[r.upperBound...].prefix { $0 != "}" })
            let parts = ["network", "stimulus", "state"].compactMap { SessionHeader.token(after: "\"\($0)\": ", in: sec) }
            if parts.count == 3 { seeds = parts.joined(separator: " ") }
        }
        if let r = head.range(of: "\"edits\": [") {
            let list = head[r.upperBound...].prefix { $0 != "]" }
            if list.count < head.count - 1 { edits = list.filter { $0 == "\"" }.count / 2 }
        }
    }

    /// The saved date as "yyyy-MM-dd HH:mm" in local time.
    public var shortDate: String? {
        guard let date, let d = ISO8601DateFormatter().date(from: date) else { return nil }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: d)
    }

    /// The string or number written after `key`.
    static func token(after key: String, in text: String) -> String? {
        guard let r = text.range(of: key) else { return nil }
        let rest = text[r.upperBound...]
        if rest.first == "\"" { return rest.dropFirst().prefix { $0 != "\"" }.description }
        let t = rest.prefix { !",}\n ".contains($0) }
        return t.isEmpty ? nil : String(t)
    }
}
