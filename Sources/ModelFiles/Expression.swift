import Foundation

/// Arithmetic over named parameters: numbers, names, `+ - * /`, unary minus, parentheses.
struct Expression {
    struct Failure: Error { let message: String }

    static func evaluate(_ text: String, _ names: [String: Double]) throws -> Double {
        var p = Expression(chars: Array(text), names: names)
        let v = try p.sum()
        p.skip()
        if p.pos < p.chars.count { throw Failure(message: "unexpected '\(p.chars[p.pos])' in expression '\(text)'") }
        return v
    }

    /// The deepest nesting of parentheses an expression may have.
    static let maxDepth = 100

    let chars: [Character]
    let names: [String: Double]
    var pos = 0
    var depth = 0

    mutating func skip() { while pos < chars.count && chars[pos] == " " { pos += 1 } }

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
            guard pos < chars.count, chars[pos] == "*" || chars[pos] == "/" else { return v }
            let op = chars[pos]
            pos += 1
            let r = try unary()
            if op == "/" && r == 0 { throw Failure(message: "division by zero") }
            v = op == "*" ? v * r : v / r
        }
    }

    /// Any run of signs before an atom, read in a loop (not one call per sign).
    mutating func unary() throws -> Double {
        var negative = false
        while true {
            skip()
            guard pos < chars.count, chars[pos] == "-" || chars[pos] == "+" else { break }
            if chars[pos] == "-" { negative.toggle() }
            pos += 1
        }
        let v = try atom()
        return negative ? -v : v
    }

    mutating func atom() throws -> Double {
        skip()
        guard pos < chars.count else { throw Failure(message: "expression ends too early") }
        let c = chars[pos]
        if c == "(" {
            pos += 1
            depth += 1
            defer { depth -= 1 }
            if depth > Expression.maxDepth { throw Failure(message: "parentheses nest deeper than \(Expression.maxDepth) levels") }
            let v = try sum()
            skip()
            guard pos < chars.count, chars[pos] == ")" else { throw Failure(message: "missing ')'") }
            pos += 1
            return v
        }
        if c.isNumber || c == "." {
            let start = pos
            while pos < chars.count && (chars[pos].isNumber || chars[pos] == "." ) { pos += 1 }
            if pos < chars.count && (chars[pos] == "e" || chars[pos] == "E") {
                pos += 1
                if pos < chars.count && (chars[pos] == "+" || chars[pos] == "-") { pos += 1 }
                while pos < chars.count && chars[pos].isNumber { pos += 1 }
            }
            let t = String(chars[start..<pos])
            guard let v = Double(t) else { throw Failure(message: "bad number '\(t)'") }
            return v
        }
        if c.isLetter || c == "_" {
            let start = pos
            while pos < chars.count && (chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_") { pos += 1 }
            let name = String(chars[start..<pos])
            guard let v = names[name] else {
                let hint = suggestion(names: Array(names.keys), name).map { "; did you mean '\($0)'?" } ?? ""
                throw Failure(message: "unknown parameter '\(name)' in expression\(hint)")
            }
            return v
        }
        throw Failure(message: "unexpected '\(c)' in expression")
    }

    private func suggestion(names: [String], _ w: String) -> String? {
        names.first { $0.lowercased() == w.lowercased() }
    }
}
