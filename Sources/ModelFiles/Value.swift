import Foundation

/// A document value with where it was written, so every error can point at a line.
public indirect enum Value: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Node])
    case object([(key: String, value: Node)])

    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x.map(\.value) == y.map(\.value)
        case let (.object(x), .object(y)):
            return x.map(\.key) == y.map(\.key) && x.map(\.value.value) == y.map(\.value.value)
        default: return false
        }
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// A value and its line (1-based; 0 when unknown).
public struct Node: Equatable, Sendable {
    public var value: Value
    public var line: Int

    public init(_ value: Value, line: Int = 0) {
        self.value = value
        self.line = line
    }

    public subscript(key: String) -> Node? {
        if case let .object(pairs) = value { return pairs.first { $0.key == key }?.value }
        return nil
    }

    public var keys: [String] {
        if case let .object(pairs) = value { return pairs.map(\.key) }
        return []
    }
}

/// A strict JSON reader (RFC 8259) that keeps line numbers and refuses duplicate keys.
struct JSONReader {
    let bytes: [UInt8]
    var pos = 0
    var line = 1
    var lineStart = 0
    var depth = 0

    init(_ text: String) { bytes = Array(text.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    struct Failure: Error {
        let line: Int
        let column: Int
        let message: String
        /// The text ended before the document did.
        var atEnd = false
    }

    func fail(_ msg: String) -> Failure { Failure(line: line, column: pos - lineStart + 1, message: msg, atEnd: pos >= bytes.count) }

    mutating func parseDocument() throws -> Node {
        skipSpace()
        let v = try parseValue()
        skipSpace()
        if pos < bytes.count { throw fail("unexpected text after the end of the document") }
        return v
    }

    mutating func skipSpace() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == 0x0A {
                line += 1
                pos += 1
                lineStart = pos
            } else if c == 0x20 || c == 0x09 || c == 0x0D {
                pos += 1
            } else {
                break
            }
        }
    }

    mutating func parseValue() throws -> Node {
        guard pos < bytes.count else { throw fail("unexpected end of file (the document is truncated)") }
        let here = line
        switch bytes[pos] {
        case UInt8(ascii: "{"): return Node(try parseObject(), line: here)
        case UInt8(ascii: "["): return Node(try parseArray(), line: here)
        case UInt8(ascii: "\""): return Node(.string(try parseString()), line: here)
        case UInt8(ascii: "t"): try literal("true"); return Node(.bool(true), line: here)
        case UInt8(ascii: "f"): try literal("false"); return Node(.bool(false), line: here)
        case UInt8(ascii: "n"): try literal("null"); return Node(.null, line: here)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return Node(.number(try parseNumber()), line: here)
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw fail("NaN and Infinity are not JSON; write a number (or \"inf\" where allowed)")
        default:
            throw fail("unexpected character '\(String(UnicodeScalar(bytes[pos])))'")
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<(pos + w.count)]) == w else {
            throw fail("unexpected text, expected '\(word)'")
        }
        pos += w.count
    }

    mutating func parseObject() throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > 200 { throw fail("nesting is too deep") }
        pos += 1
        var pairs: [(key: String, value: Node)] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of file inside an object (the document is truncated)") }
            guard bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
            let key = try parseString()
            if pairs.contains(where: { $0.key == key }) { throw fail("duplicate key '\(key)'") }
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key '\(key)'") }
            pos += 1
            skipSpace()
            pairs.append((key, try parseValue()))
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of file inside an object (the document is truncated)") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
            throw fail("expected ',' or '}' in an object")
        }
    }

    mutating func parseArray() throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > 200 { throw fail("nesting is too deep") }
        pos += 1
        var items: [Node] = []
        skipSpace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of file inside an array (the document is truncated)") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw fail("expected ',' or ']' in an array")
        }
    }

    mutating func parseString() throws -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated string (the document is truncated)") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard pos < bytes.count else { throw fail("unterminated string") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard pos + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16) else {
                    throw fail("bad \\u escape")
                }
                pos += 4
                let scalar = UnicodeScalar(code) ?? "?"
                out.append(contentsOf: Array(String(scalar).utf8))
            default: throw fail("bad escape '\\\(String(UnicodeScalar(e)))'")
            }
        }
        guard let s = String(bytes: out, encoding: .utf8) else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func parseNumber() throws -> Double {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits() -> Int {
            let s = pos
            while pos < bytes.count && bytes[pos] >= 0x30 && bytes[pos] <= 0x39 { pos += 1 }
            return pos - s
        }
        if digits() == 0 { throw fail("malformed number") }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            if digits() == 0 { throw fail("malformed number: digits expected after '.'") }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            if digits() == 0 { throw fail("malformed number: digits expected in the exponent") }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let x = Double(text) else { throw fail("malformed number '\(text)'") }
        if !x.isFinite { throw fail("number '\(text)' is out of range") }
        return x
    }
}

/// A JSON syntax error: where, what, and whether the text simply stopped (a truncated file).
public struct JSONSyntaxError: Error, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
    public let truncated: Bool
}

extension Node {
    /// Reads a strict JSON document (the model file reader, for other JSON files netview writes).
    public static func parseJSON(_ bytes: [UInt8]) throws -> Node {
        var r = JSONReader(bytes: bytes)
        do { return try r.parseDocument() } catch let f as JSONReader.Failure {
            throw JSONSyntaxError(line: f.line, column: f.column, message: f.message, truncated: f.atEnd)
        }
    }
}
