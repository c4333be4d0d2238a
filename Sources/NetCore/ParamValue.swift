import Foundation
/// A value a parameter can take: what PyNEST's SetStatus accepts.
public enum ParamValue: Equatable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case numbers([Double])
    case strings([String])
    case distribution(Distribution)

    public var number: Double? {
        switch self {
        case let .number(x): return x
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    public var typeName: String {
        switch self {
        case .number: return "number"
        case .bool: return "boolean"
        case .string: return "string"
        case .numbers: return "array of numbers"
        case .strings: return "array of strings"
        case .distribution: return "distribution"
        }
    }

    public var display: String {
        switch self {
        case let .number(x): return formatNumber(x)
        case let .bool(b): return b ? "true" : "false"
        case let .string(s): return s
        case let .numbers(a): return "[" + a.map(formatNumber).joined(separator: ", ") + "]"
        case let .strings(a): return "[" + a.joined(separator: ", ") + "]"
        case let .distribution(d): return d.summary
        }
    }

    /// As a person reads it: 4 significant digits, integers without a decimal point, NEST's
    /// "never" (the largest double) and infinities as inf.
    public var readable: String {
        switch self {
        case let .number(x): return formatReadable(x)
        case let .numbers(a): return "[" + a.map(formatReadable).joined(separator: ", ") + "]"
        default: return display
        }
    }
}

/// A value as a person reads it (see `ParamValue.readable`).
public func formatReadable(_ x: Double) -> String {
    if abs(x) >= 1e300 { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return formatSig(x, 4)
}


/// The shortest text that reads back to the same double; infinities as NEST's JSON writes them.
public func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x == .infinity { return "inf" }
    if x == -.infinity { return "-inf" }
    return "\(x)"
}

/// What kind of value a parameter holds.
public enum ParamKind: Sendable {
    case number, bool, numbers, strings, string
}

/// The valid range of a parameter, checked whenever it is set.
public enum ParamRule: Sendable {
    case any, positive, nonNegative, finite
    /// Finite or +infinity (a threshold that is never reached, as NEST allows).
    case finiteOrInfinity

    func check(_ x: Double) -> String? {
        if x.isNaN { return "must be a number, not NaN" }
        switch self {
        case .any: return nil
        case .finite: return x.isFinite ? nil : "must be finite"
        case .finiteOrInfinity: return x.isFinite || x == .infinity ? nil : "must be finite or inf"
        case .positive: return x > 0 && x.isFinite ? nil : "must be > 0"
        case .nonNegative: return x >= 0 && x.isFinite ? nil : "must be >= 0 and finite"
        }
    }
}

/// One row of a model's parameter table: the single source for the model, the validator,
/// the parameter pane and `netview defaults`.
public struct ParamSpec: Sendable {
    public let name: String
    public let unit: String
    public let kind: ParamKind
    public let defaultValue: ParamValue
    public let rule: ParamRule
    public let isState: Bool
    /// Takes effect in a running network (false: needs a rebuild).
    public let live: Bool
    public let doc: String

    public init(_ name: String, _ unit: String, _ def: Double, _ rule: ParamRule = .finite,
                state: Bool = false, live: Bool = true, _ doc: String) {
        self.name = name
        self.unit = unit
        kind = .number
        defaultValue = .number(def)
        self.rule = rule
        isState = state
        self.live = live
        self.doc = doc
    }

    public init(_ name: String, _ unit: String, _ def: Double, state: Bool = false, _ doc: String) {
        self.init(name, unit, def, .finite, state: state, doc)
    }

    public init(flag name: String, _ def: Bool, _ doc: String) {
        self.name = name
        unit = ""
        kind = .bool
        defaultValue = .bool(def)
        rule = .any
        isState = false
        live = true
        self.doc = doc
    }

    /// A text setting (`label`, `record_to`).
    public init(text name: String, _ def: String, _ doc: String) {
        self.init(list: name, "", kind: .string, .string(def), doc)
    }

    public init(list name: String, _ unit: String, kind: ParamKind, _ def: ParamValue, _ doc: String) {
        self.name = name
        self.unit = unit
        self.kind = kind
        defaultValue = def
        rule = .finite
        isState = false
        live = true
        self.doc = doc
    }
}

/// `x` to `digits` significant digits as a person writes it: no exponent for everyday sizes, no
/// trailing zeros, "inf" for infinity.
public func formatSig(_ x: Double, _ digits: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == 0 { return "0" }
    let mag = Int(floor(log10(abs(x))))
    if mag >= 9 || mag < -4 { return String(format: "%.\(max(0, digits - 1))e", x) }
    let decimals = max(0, digits - 1 - mag)
    var t = String(format: "%.\(decimals)f", x)
    if t.contains(".") {
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
    }
    return t == "-0" ? "0" : t
}
