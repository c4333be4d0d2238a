import Foundation
import NetCore

/// Arithmetic over named parameters, with Python's operators and precedence: numbers, names,
/// `+ - * / **`, unary signs, parentheses and the functions in `Expression.functions`.
///
/// Precedence, lowest first: `+ -`; `* /`; unary `+ -`; `**` (right-associative, and binding
/// tighter than a sign on its left: `-2**2` is -4, `2**-1` is 0.5), as in Python.
struct Expression {
    struct Failure: Error { let message: String }

    static func evaluate(_ text: String, _ names: [String: Double]) throws -> Double {
        var p = Expression(chars: Array(text), names: names)
        let v = try p.sum()
        p.skip()
        if p.pos < p.chars.count { throw Failure(message: "unexpected '\(p.chars[p.pos])' in expression '\(text)'") }
        return v
    }

    /// The deepest nesting (parentheses, function calls and chained `**`) an expression may have.
    static let maxDepth = 100

    /// A function an expression may call: its arity and its value (nil: outside its domain).
    struct Function {
        let arity: ClosedRange<Int>
        let apply: ([Double]) -> Double?
        let domain: String
    }

    /// The functions, as Python's `math` module and builtins compute them. `round` rounds half
    /// to even, as Python's `round` and numpy's `round` do (NEST's microcircuit example sizes its
    /// populations with `np.round`).
    static let functions: [String: Function] = [
        "round": Function(arity: 1...1, apply: { $0[0].rounded(.toNearestOrEven) }, domain: ""),
        "floor": Function(arity: 1...1, apply: { Foundation.floor($0[0]) }, domain: ""),
        "ceil": Function(arity: 1...1, apply: { Foundation.ceil($0[0]) }, domain: ""),
        "abs": Function(arity: 1...1, apply: { Swift.abs($0[0]) }, domain: ""),
        "exp": Function(arity: 1...1, apply: { Foundation.exp($0[0]) }, domain: ""),
        "log": Function(arity: 1...1, apply: { $0[0] > 0 ? Foundation.log($0[0]) : nil }, domain: "needs a value > 0"),
        "sqrt": Function(arity: 1...1, apply: { $0[0] >= 0 ? $0[0].squareRoot() : nil }, domain: "needs a value >= 0"),
        "min": Function(arity: 2...64, apply: { $0.min() }, domain: ""),
        "max": Function(arity: 2...64, apply: { $0.max() }, domain: ""),
    ]

    let chars: [Character]
    let names: [String: Double]
    var pos = 0
    var depth = 0

    mutating func skip() { while pos < chars.count && chars[pos] == " " { pos += 1 } }

    /// Whether the text at `pos` (after spaces) is `op`.
    mutating func at(_ op: String) -> Bool {
        skip()
        var i = pos
        for c in op {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
        }
        return true
    }

    mutating func deeper() throws {
        depth += 1
        if depth > Expression.maxDepth {
            throw Failure(message: "expression nests deeper than \(Expression.maxDepth) levels (parentheses, calls or **)")
        }
    }

    mutating func sum() throws -> Double {
        var v = try product()
        while true {
            skip()
            guard pos < chars.count, chars[pos] == "+" || chars[pos] == "-" else { return v }
            let op = chars[pos]
            pos += 1
            let r = try product()
            v = op == "+" ? v + r : v - r
        }
    }

    mutating func product() throws -> Double {
        var v = try unary()
        while true {
            skip()
            guard pos < chars.count, chars[pos] == "*" || chars[pos] == "/", !at("**") else { return v }
            let op = chars[pos]
            pos += 1
            let r = try unary()
            if op == "/" && r == 0 { throw Failure(message: "division by zero") }
            v = op == "*" ? v * r : v / r
        }
    }

    /// Any run of signs before a power, read in a loop (not one call per sign).
    mutating func unary() throws -> Double {
        var negative = false
        while true {
            skip()
            guard pos < chars.count, chars[pos] == "-" || chars[pos] == "+" else { break }
            if chars[pos] == "-" { negative.toggle() }
            pos += 1
        }
        let v = try power()
        return negative ? -v : v
    }

    /// `atom ** unary`: the exponent may carry its own sign and chain to the right.
    mutating func power() throws -> Double {
        let base = try atom()
        guard at("**") else { return base }
        pos += 2
        try deeper()
        defer { depth -= 1 }
        let exponent = try unary()
        if base == 0 && exponent < 0 { throw Failure(message: "0 raised to a negative power") }
        if base < 0 && exponent != exponent.rounded() {
            throw Failure(message: "a negative number raised to a fractional power")
        }
        return Foundation.pow(base, exponent)
    }

    mutating func atom() throws -> Double {
        skip()
        guard pos < chars.count else { throw Failure(message: "expression ends too early") }
        let c = chars[pos]
        if c == "(" {
            pos += 1
            try deeper()
            defer { depth -= 1 }
            let v = try sum()
            skip()
            guard pos < chars.count, chars[pos] == ")" else { throw Failure(message: "missing ')'") }
            pos += 1
            return v
        }
        if c.isNumber || c == "." {
            let start = pos
            pos = ExpressionTokens.numberEnd(chars, from: pos)
            let t = String(chars[start..<pos])
            guard let v = Double(t) else { throw Failure(message: "bad number '\(t)'") }
            return v
        }
        if c.isLetter || c == "_" {
            let start = pos
            pos = ExpressionTokens.nameEnd(chars, from: pos)
            let name = String(chars[start..<pos])
            if at("(") { return try call(name) }
            guard let v = names[name] else {
                let hint = suggestion(names: Array(names.keys), name).map { "; did you mean '\($0)'?" } ?? ""
                throw Failure(message: "unknown parameter '\(name)' in expression\(hint)")
            }
            return v
        }
        throw Failure(message: "unexpected '\(c)' in expression")
    }

    /// `name(arg, ...)`, with `pos` at the opening parenthesis.
    mutating func call(_ name: String) throws -> Double {
        guard let f = Expression.functions[name] else {
            let known = Expression.functions.keys.sorted().joined(separator: ", ")
            throw Failure(message: "unknown function '\(name)' in expression (known: \(known))")
        }
        pos += 1
        try deeper()
        defer { depth -= 1 }
        var args: [Double] = []
        if !at(")") {
            while true {
                args.append(try sum())
                guard at(",") else { break }
                pos += 1
                if args.count > f.arity.upperBound { break }
            }
        }
        guard at(")") else { throw Failure(message: "missing ')' after the arguments of \(name)") }
        pos += 1
        guard f.arity.contains(args.count) else {
            let want = f.arity.count == 1 ? "\(f.arity.lowerBound) argument" + (f.arity.lowerBound == 1 ? "" : "s")
                : "\(f.arity.lowerBound) or more arguments"
            throw Failure(message: "\(name) takes \(want), got \(args.count)")
        }
        guard let v = f.apply(args) else {
            throw Failure(message: "\(name)(\(args.map { formatNumber($0) }.joined(separator: ", "))) \(f.domain)")
        }
        return v
    }

    private func suggestion(names: [String], _ w: String) -> String? {
        names.first { $0.lowercased() == w.lowercased() }
    }
}

/// Where an expression's tokens end, shared by the evaluator and the translation of expressions
/// into exported scripts: a number (`12`, `.5`, `1e-3`) and a name (`g`, `nu_th`).
public enum ExpressionTokens {
    public static func numberEnd(_ chars: [Character], from start: Int) -> Int {
        var i = start
        while i < chars.count && (chars[i].isNumber || chars[i] == ".") { i += 1 }
        if i < chars.count && (chars[i] == "e" || chars[i] == "E") {
            i += 1
            if i < chars.count && (chars[i] == "+" || chars[i] == "-") { i += 1 }
            while i < chars.count && chars[i].isNumber { i += 1 }
        }
        return i
    }

    public static func nameEnd(_ chars: [Character], from start: Int) -> Int {
        var i = start
        while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
        return i
    }
}
