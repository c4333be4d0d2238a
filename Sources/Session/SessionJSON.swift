import Foundation
import ModelFiles
import NetCore

/// Session files are documents of `Value`s: written here, read by the model file reader, and
/// checksummed over their values (not their text), so a checksum means the same after a round trip.
enum SessionJSON {
    /// Pretty JSON, keys in the order given; small objects and arrays of numbers on one line.
    static func render(_ v: Value) -> [UInt8] {
        var out: [UInt8] = []
        write(v, indent: 0, into: &out)
        out.append(0x0A)
        return out
    }

    private static func write(_ v: Value, indent: Int, into out: inout [UInt8]) {
        switch v {
        case .array(let items) where !items.isEmpty && !isFlat(v):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                out.append(contentsOf: k == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                out.append(contentsOf: repeatElement(0x20, count: indent + 2))
                write(item.value, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(UInt8(ascii: "]"))
        case .object(let pairs) where !pairs.isEmpty && !isFlat(v):
            out.append(UInt8(ascii: "{"))
            for (k, pair) in pairs.enumerated() {
                out.append(contentsOf: k == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                out.append(contentsOf: repeatElement(0x20, count: indent + 2))
                string(pair.key, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), 0x20])
                write(pair.value.value, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(UInt8(ascii: "}"))
        default:
            inline(v, into: &out)
        }
    }

    /// On one line: arrays of scalars (or of arrays of scalars), and objects of scalars that are
    /// short or hold a single packed array.
    private static func isFlat(_ v: Value) -> Bool {
        func scalar(_ x: Value) -> Bool {
            switch x {
            case .array, .object: return false
            default: return true
            }
        }
        switch v {
        case .array(let items):
            return items.allSatisfy { item in
                if case let .array(inner) = item.value { return inner.allSatisfy { scalar($0.value) } }
                return scalar(item.value)
            }
        case .object(let pairs):
            guard pairs.allSatisfy({ scalar($0.value.value) }) else { return false }
            if pairs.count == 1 { return true }
            var probe: [UInt8] = []
            inline(v, into: &probe)
            return probe.count <= 100
        default:
            return true
        }
    }

    private static func inline(_ v: Value, into out: inout [UInt8]) {
        switch v {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let x): out.append(contentsOf: number(x).utf8)
        case .string(let s): string(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
                inline(item.value, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (k, pair) in pairs.enumerated() {
                if k > 0 { out.append(contentsOf: [UInt8(ascii: ","), 0x20]) }
                string(pair.key, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), 0x20])
                inline(pair.value.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The shortest text that reads back to the same double; whole numbers without ".0".
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "\"\(formatNumber(x))\"" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    private static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Base64 and names need no escapes: copy them whole.
            if bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case ..<0x20: out.append(contentsOf: String(format: "\\u%04x", b).utf8)
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A checksum of a value: types, keys in order, numbers by their bits, strings by their bytes.
    static func checksum(_ v: Value) -> UInt64 {
        var h = Checksum64()
        feed(v, &h)
        return h.value
    }

    private static func feed(_ v: Value, _ h: inout Checksum64) {
        switch v {
        case .null: h.add(1)
        case .bool(let b): h.add(b ? 3 : 2)
        case .number(let x):
            // Written as a string when not finite, so hashed as one.
            if x.isFinite { h.add(4); h.add(x) } else { h.add(5); h.add(formatNumber(x)) }
        case .string(let s): h.add(5); h.add(s)
        case .array(let items):
            h.add(6)
            h.add(items.count)
            for item in items { feed(item.value, &h) }
        case .object(let pairs):
            h.add(7)
            h.add(pairs.count)
            for p in pairs {
                h.add(p.key)
                feed(p.value.value, &h)
            }
        }
    }

    static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Large arrays as base64 of their little-endian bytes, tagged with the element type:
/// `{"f64le": "..."}`.
enum Packed {
    static func value<T: FixedWidthInteger>(_ a: [T], tag: String) -> Value {
        .object([(tag, Node(.string(a.map(\.littleEndian).withUnsafeBytes { Data($0).base64EncodedString() })))])
    }

    static func value(_ a: [Double]) -> Value { value(a.map(\.bitPattern), tag: "f64le") }
    static func value(_ a: [Int32]) -> Value { value(a, tag: "i32le") }
    static func value(_ a: [Int64]) -> Value { value(a, tag: "i64le") }
    static func value(_ a: [UInt64]) -> Value { value(a, tag: "u64le") }

    /// The array in `node`, or nil when it is not a packed array of this type.
    static func ints<T: FixedWidthInteger>(_ node: Node?, tag: String, as: T.Type = T.self) -> [T]? {
        guard let node, case let .object(pairs) = node.value, pairs.count == 1, pairs[0].key == tag,
              case let .string(text) = pairs[0].value.value, let data = Data(base64Encoded: text),
              data.count % MemoryLayout<T>.size == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / MemoryLayout<T>.size)).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }

    static func doubles(_ node: Node?) -> [Double]? {
        ints(node, tag: "f64le", as: UInt64.self)?.map { Double(bitPattern: $0) }
    }
}

extension Value {
    /// An object from key/value pairs, without lines.
    static func obj(_ pairs: [(String, Value)]) -> Value { .object(pairs.map { (key: $0.0, value: Node($0.1)) }) }
    static func arr(_ items: [Value]) -> Value { .array(items.map { Node($0) }) }
    static func int<T: BinaryInteger>(_ x: T) -> Value { .number(Double(x)) }
}
