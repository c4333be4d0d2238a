import Foundation
import NetCore

/// JSON to write, keys in the order given.
public indirect enum JSONOut: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case num(Double)
    case str(String)
    case arr([JSONOut])
    case obj([(String, JSONOut)])

    public static func == (a: JSONOut, b: JSONOut) -> Bool { a.render() == b.render() }

    public func render(pretty: Bool = true, indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .num(x):
            if !x.isFinite { return "\"\(formatNumber(x))\"" }
            return "\(x)"
        case let .str(s): return JSONOut.quote(s)
        case let .arr(items):
            if items.isEmpty { return "[]" }
            let flat = items.allSatisfy { if case .obj = $0 { return false }; if case .arr = $0 { return false }; return true }
            if !pretty || flat { return "[" + items.map { $0.render(pretty: false) }.joined(separator: ", ") + "]" }
            return "[\n" + items.map { inner + $0.render(pretty: true, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let .obj(pairs):
            if pairs.isEmpty { return "{}" }
            if !pretty { return "{" + pairs.map { JSONOut.quote($0.0) + ": " + $0.1.render(pretty: false) }.joined(separator: ", ") + "}" }
            return "{\n" + pairs.map { inner + JSONOut.quote($0.0) + ": " + $0.1.render(pretty: true, indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    public init(_ v: ParamValue) {
        switch v {
        case let .number(x): self = .num(x)
        case let .bool(b): self = .bool(b)
        case let .string(s): self = .str(s)
        case let .numbers(a): self = .arr(a.map { .num($0) })
        case let .strings(a): self = .arr(a.map { .str($0) })
        case let .distribution(d): self = .str(d.summary)
        }
    }

    public init(_ v: Value) {
        switch v {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .number(x): self = .num(x)
        case let .string(s): self = .str(s)
        case let .array(items): self = .arr(items.map { JSONOut($0.value) })
        case let .object(pairs): self = .obj(pairs.map { ($0.key, JSONOut($0.value.value)) })
        }
    }
}
