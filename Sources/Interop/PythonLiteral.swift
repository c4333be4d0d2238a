import ModelFiles
import NetCore

/// Python source text for model-file values. Every string from a model file (names, the file's
/// own name, descriptions) reaches a script through `string`, `text` or `comment`, which escape
/// quotes, backslashes and every control or line-breaking character, so no content can close a
/// literal, end a comment line or change the source's encoding.
enum Py {
    static func number(_ x: Double) -> String {
        if x.isNaN { return "float(\"nan\")" }
        if x.isInfinite { return x > 0 ? "float(\"inf\")" : "-float(\"inf\")" }
        return "\(x)"
    }

    /// A double-quoted literal that Python reads back as `s`.
    static func string(_ s: String) -> String { "\"" + text(s) + "\"" }

    /// The inside of a double-quoted (or triple-double-quoted) literal: Python reads it back as `s`.
    /// Printable characters, non-ASCII ones included, stay as they are.
    static func text(_ s: String) -> String { escaped(s, quotes: true) }

    /// Text for the rest of a `#` comment line: escaped as in a literal (quotes apart), so it cannot
    /// end the line.
    static func comment(_ s: String) -> String { escaped(s, quotes: false) }

    private static func escaped(_ s: String, quotes: Bool) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"" where quotes: out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.isControlOrSeparator || u.value == 0xFEFF {
                    out += u.value < 0x100 ? "\\x" + hex(u.value, digits: 2) : "\\u" + hex(u.value, digits: 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    private static func hex(_ v: UInt32, digits: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// `integers`: a list NEST takes as whole numbers (spike_multiplicities), written without ".0".
    static func value(_ v: ParamValue, integers: Bool = false) -> String {
        if integers, case let .numbers(a) = v, a.allSatisfy({ abs($0) < 9e15 && $0 == $0.rounded() }) {
            return "[" + a.map { String(Int64($0)) }.joined(separator: ", ") + "]"
        }
        switch v {
        case let .number(x): return number(x)
        case let .bool(b): return b ? "True" : "False"
        case let .string(s): return string(s)
        case let .numbers(a): return "[" + a.map(number).joined(separator: ", ") + "]"
        case let .strings(a): return "[" + a.map(string).joined(separator: ", ") + "]"
        case let .distribution(d): return distribution(d)
        }
    }

    /// A per-neuron or per-synapse draw with NEST's own random module.
    static func distribution(_ d: Distribution) -> String {
        switch d {
        case let .uniform(lo, hi): return "nest.random.uniform(min=\(number(lo)), max=\(number(hi)))"
        case let .normal(m, s, lo, hi):
            let n = "nest.random.normal(mean=\(number(m)), std=\(number(s)))"
            if lo == nil && hi == nil { return n }
            return "nest.math.redraw(\(n), min=\(number(lo ?? -.infinity)), max=\(number(hi ?? .infinity)))"
        case let .lognormal(mu, sigma): return "nest.random.lognormal(mean=\(number(mu)), std=\(number(sigma)))"
        }
    }

    /// The same draw with numpy, for explicit connection lists of `size` synapses.
    static func numpyDraw(_ d: Distribution, size: String) -> String {
        switch d {
        case let .uniform(lo, hi): return "rng.uniform(\(number(lo)), \(number(hi)), \(size))"
        case let .normal(m, s, lo, hi):
            return "normal_redraw(rng, \(number(m)), \(number(s)), \(number(lo ?? -.infinity)), \(number(hi ?? .infinity)), \(size))"
        case let .lognormal(mu, sigma): return "rng.lognormal(\(number(mu)), \(number(sigma)), \(size))"
        }
    }

    static func synValue(_ v: SynValue) -> String {
        switch v {
        case let .constant(x): return number(x)
        case let .random(d): return distribution(d)
        }
    }

    /// A dict literal on one line, keys in the given order.
    static func dict(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
