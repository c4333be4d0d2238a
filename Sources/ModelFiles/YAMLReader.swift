import Foundation
import Yams

/// Reads YAML into the same values as JSON, keeping line numbers.
enum YAMLReader {
    struct Failure: Error {
        let line: Int
        let column: Int
        let message: String
    }

    static func parse(_ text: String) throws -> Node {
        let root: Yams.Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw describe(e)
        } catch {
            throw Failure(line: 0, column: 0, message: "\(error)")
        }
        guard let root else { return Node(.null, line: 1) }
        var depth = 0
        return try convert(root, &depth)
    }

    static func describe(_ e: YamlError) -> Failure {
        switch e {
        case let .scanner(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case let .parser(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case let .composer(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        default:
            return Failure(line: 0, column: 0, message: "\(e)")
        }
    }

    static func convert(_ n: Yams.Node, _ depth: inout Int) throws -> Node {
        depth += 1
        defer { depth -= 1 }
        let line = n.mark?.line ?? 0
        if depth > 200 { throw Failure(line: line, column: 0, message: "nesting is too deep") }
        switch n {
        case let .scalar(s):
            if s.style != .plain { return Node(.string(s.string), line: line) }
            let t = s.string
            switch t {
            case "", "~", "null", "Null", "NULL": return Node(.null, line: line)
            case "true", "True", "TRUE": return Node(.bool(true), line: line)
            case "false", "False", "FALSE": return Node(.bool(false), line: line)
            default: break
            }
            if let x = Double(t), x.isFinite, t.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                return Node(.number(x), line: line)
            }
            return Node(.string(t), line: line)
        case let .sequence(seq):
            return Node(.array(try seq.map { try convert($0, &depth) }), line: line)
        case let .mapping(map):
            var pairs: [(key: String, value: Node)] = []
            for (k, v) in map {
                guard case let .scalar(ks) = k else { throw Failure(line: k.mark?.line ?? line, column: 0, message: "keys must be plain strings") }
                if pairs.contains(where: { $0.key == ks.string }) {
                    throw Failure(line: k.mark?.line ?? line, column: k.mark?.column ?? 0, message: "duplicate key '\(ks.string)'")
                }
                pairs.append((ks.string, try convert(v, &depth)))
            }
            return Node(.object(pairs), line: line)
        case .alias:
            throw Failure(line: line, column: 0, message: "YAML aliases are not supported in model files")
        }
    }
}
