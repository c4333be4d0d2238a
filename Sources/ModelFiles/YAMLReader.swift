import CYaml
import Foundation
import Yams

/// Reads YAML into the same values as JSON, keeping line numbers.
enum YAMLReader {
    struct Failure: Error {
        let line: Int
        let column: Int
        let message: String
    }

    /// The deepest nesting of sequences and mappings a model file may have.
    static let maxDepth = 200

    static func parse(_ text: String) throws -> Node {
        try scan(text)
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

    /// Walks the document's events (libyaml's parser keeps its own stack on the heap) before any
    /// tree is built: refuses anchors and aliases, which a tree would expand (a few hundred bytes
    /// can stand for gigabytes), and nesting deeper than `maxDepth`. Syntax errors are left to
    /// the composer, which describes them.
    static func scan(_ text: String) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Failure(line: 0, column: 0, message: "cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buf in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                func anchored(_ a: UnsafeMutablePointer<yaml_char_t>?) throws {
                    if a != nil { throw Failure(line: line, column: column, message: "YAML anchors (&) and aliases (*) are not supported in model files") }
                }
                switch event.type {
                case YAML_STREAM_END_EVENT: return
                case YAML_ALIAS_EVENT: try anchored(event.data.alias.anchor)
                case YAML_SCALAR_EVENT: try anchored(event.data.scalar.anchor)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    try anchored(event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                    depth += 1
                    if depth > maxDepth { throw Failure(line: line, column: column, message: "nesting is deeper than \(maxDepth) levels") }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT: depth -= 1
                default: break
                }
            }
        }
    }

    static func describe(_ e: YamlError) -> Failure {
        switch e {
        case let .scanner(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case let .parser(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case let .composer(context, problem, mark, _):
            return Failure(line: mark.line, column: mark.column, message: [context?.text, problem].compactMap { $0 }.joined(separator: ": "))
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams marks the mapping's end; its keys are listed by name.
            return Failure(line: context.mark.line, column: context.mark.column,
                           message: "duplicate key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) in the mapping that ends here")
        default:
            return Failure(line: 0, column: 0, message: String(describing: e).split(separator: "\n").first.map(String.init) ?? "malformed YAML")
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
