import Foundation
import ModelFiles
import NetCore

/// A model file written back with what was explored applied: `--param` values and model
/// parameters set since (`parameters`), the seeds, node edits (`params`, or `slices` for part of
/// a node), and connection weights (`syn_spec.weight`). What cannot be written so is said in notes.
public enum ModelExport {
    public struct Result {
        public var document: Value
        public var notes: [String]
        public var text: String { ModelExport.render(document) + "\n" }
    }

    /// `m` (its document, overrides and seed) with `edits` (the session's commands, in order) and
    /// the seeds the network ran with; `log` gives each edit's step, to say which came after t = 0.
    public static func edited(_ m: ModelFile, edits: [String] = [], log: [(step: Int64, command: String)] = [], seeds: Seeds? = nil)
        throws -> Result {
        var root = m.document.value
        var notes: [String] = []
        // Model parameters: the file's entries, replaced where overridden.
        if !m.overrides.isEmpty {
            var params = object(root, "parameters")
            for (k, v) in m.overrides.sorted(by: { $0.key < $1.key }) { params = setting(params, k, .number(v)) }
            root = setting(root, "parameters", params)
        }
        // Seeds: the master seed, and the streams themselves where they are not the master's.
        var kernel = object(root, "kernel")
        kernel = setting(kernel, "seed", .number(Double(m.seed)))
        let used = seeds ?? m.seeds
        let derived = Seeds(master: m.seed)
        if used.network != derived.network || used.stimulus != derived.stimulus || used.state != derived.state {
            kernel = setting(kernel, "seeds", .object([("network", Node(.number(Double(used.network)))),
                                                       ("stimulus", Node(.number(Double(used.stimulus)))),
                                                       ("state", Node(.number(Double(used.state))))]))
        } else if object(kernel, "seeds").keysOrEmpty.isEmpty == false {
            kernel = removing(kernel, "seeds")
        }
        // How normal values were drawn, where it is not the default.
        kernel = used.normals == .ziggurat ? removing(kernel, "normal_draws")
                                           : setting(kernel, "normal_draws", .string(used.normals.rawValue))
        root = setting(root, "kernel", kernel)

        var nodes = array(root, "nodes")
        var conns = array(root, "connections")
        for text in edits {
            let cmd: SessionCommand
            do { cmd = try SessionCommand.parse(text) } catch { throw CommandError("the edit '\(text)' does not read: \(error)") }
            switch cmd {
            case let .set(target, param, value):
                let name = String(target.prefix { $0 != "[" })
                guard let i = m.nodes.firstIndex(where: { $0.name == name }) else { throw CommandError("the edit '\(text)': no node '\(name)'") }
                let range = try sliceRange(target, n: m.nodes[i].n)
                var node = nodes[i].value
                if range.count == m.nodes[i].n {
                    node = setting(node, "params", setting(object(node, "params"), param, .number(value)))
                    // A value set on the whole node replaces what slices set before.
                    let slices = array(node, "slices").compactMap { s -> Node? in
                        let p = removing(object(s.value, "params"), param)
                        return p.keysOrEmpty.isEmpty ? nil : Node(setting(s.value, "params", p))
                    }
                    node = slices.isEmpty ? removing(node, "slices") : setting(node, "slices", .array(slices))
                } else {
                    var slices = array(node, "slices")
                    let r: Value = .array([Node(.number(Double(range.lowerBound))), Node(.number(Double(range.upperBound)))])
                    if let last = slices.last, last["range"]?.value == r {
                        slices[slices.count - 1] = Node(setting(last.value, "params", setting(object(last.value, "params"), param, .number(value))))
                    } else {
                        slices.append(Node(.object([("range", Node(r)), ("params", Node(.object([(param, Node(.number(value)))])))])))
                    }
                    node = setting(node, "slices", .array(slices))
                }
                nodes[i] = Node(node)
            case let .weight(k, w):
                guard conns.indices.contains(k) else { throw CommandError("the edit '\(text)': no connection \(k)") }
                let syn = setting(object(conns[k].value, "syn_spec"), "weight", .number(w))
                conns[k] = Node(setting(conns[k].value, "syn_spec", syn))
            case .setParameter:
                break  // in the model's overrides, written to `parameters` above
            default:
                notes.append("'\(text)' is not an edit of the network; left out")
            }
        }
        if !nodes.isEmpty { root = setting(root, "nodes", .array(nodes)) }
        if !conns.isEmpty { root = setting(root, "connections", .array(conns)) }
        let late = log.filter { $0.step > 0 && edits.contains($0.command) }
        if !late.isEmpty {
            notes.append("\(late.count) edit\(late.count == 1 ? "" : "s") made at t > 0 (\(late.map { "'\($0.command)'" }.prefix(3).joined(separator: ", "))\(late.count > 3 ? ", ..." : "")) written as if made at t = 0")
        }
        return Result(document: root, notes: notes)
    }

    /// `E` (all), `E[a:b]`, `E[i]` as the range of elements it names.
    static func sliceRange(_ target: String, n: Int) throws -> Range<Int> {
        guard let open = target.firstIndex(of: "[") else { return 0..<n }
        guard target.hasSuffix("]") else { throw CommandError("'\(target)' is not NAME[a:b] or NAME[i]") }
        let inner = target[target.index(after: open)..<target.index(before: target.endIndex)]
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 1, let i = parts[0], i >= 0, i < n { return i..<(i + 1) }
        if parts.count == 2, let a = parts[0], let b = parts[1], 0 <= a, a < b, b <= n { return a..<b }
        throw CommandError("'\(target)' is not a slice of a node of \(n) elements")
    }

    // MARK: document helpers (objects keep their key order; a new key goes last)

    static func object(_ v: Value, _ key: String) -> Value {
        if case let .object(pairs) = v, let n = pairs.first(where: { $0.key == key }), case .object = n.value.value { return n.value.value }
        return .object([])
    }

    static func array(_ v: Value, _ key: String) -> [Node] {
        if case let .object(pairs) = v, let n = pairs.first(where: { $0.key == key }), case let .array(items) = n.value.value { return items }
        return []
    }

    static func setting(_ v: Value, _ key: String, _ new: Value) -> Value {
        guard case var .object(pairs) = v else { return .object([(key, Node(new))]) }
        if let i = pairs.firstIndex(where: { $0.key == key }) { pairs[i].value = Node(new) } else { pairs.append((key, Node(new))) }
        return .object(pairs)
    }

    static func removing(_ v: Value, _ key: String) -> Value {
        guard case let .object(pairs) = v else { return v }
        return .object(pairs.filter { $0.key != key })
    }

    // MARK: JSON text

    /// Pretty JSON, two spaces a level; arrays of plain values and small objects of plain values on one line.
    public static func render(_ v: Value, indent: String = "") -> String {
        let inner = indent + "  "
        switch v {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(x): return number(x)
        case let .string(s): return JSONOut.str(s).render(pretty: false)
        case let .array(items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({ isPlain($0.value) }) { return "[" + items.map { render($0.value) }.joined(separator: ", ") + "]" }
            return "[\n" + items.map { inner + render($0.value, indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case let .object(pairs):
            if pairs.isEmpty { return "{}" }
            let flat = "{" + pairs.map { JSONOut.str($0.key).render(pretty: false) + ": " + render($0.value.value) }.joined(separator: ", ") + "}"
            if pairs.allSatisfy({ isPlain($0.value.value) }) && flat.count <= 100 { return flat }
            return "{\n" + pairs.map { inner + JSONOut.str($0.key).render(pretty: false) + ": " + render($0.value.value, indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func isPlain(_ v: Value) -> Bool {
        switch v {
        case .array, .object: return false
        default: return true
        }
    }

    /// Whole numbers without a fraction, others in the shortest form that reads back the same.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}

extension Value {
    var keysOrEmpty: [String] {
        if case let .object(pairs) = self { return pairs.map(\.key) }
        return []
    }
}
