import ModelFiles
import NetCore

/// Python source text for model-file values.
enum Py {
    static func number(_ x: Double) -> String {
        if x.isNaN { return "float(\"nan\")" }
        if x.isInfinite { return x > 0 ? "float(\"inf\")" : "-float(\"inf\")" }
        return "\(x)"
    }

    static func string(_ s: String) -> String { JSONOut.str(s).render() }

    static func value(_ v: ParamValue) -> String {
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
