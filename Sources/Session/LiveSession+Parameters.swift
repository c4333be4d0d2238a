import Foundation
import ModelFiles
import NetCore

extension LiveSession {
    /// `set NAME VALUE` for a model parameter: the file is read again with the new value (as
    /// `--param NAME=VALUE` would) and every node parameter and constant weight that changes is
    /// set in the running network. What a built network cannot change (sizes, rules, delays,
    /// distributions) is kept for the next restart, and the message says so.
    func setModelParameter(_ name: String, _ value: Double) throws -> String {
        guard model.parameters.contains(where: { $0.name == name }) else {
            let names = model.parameters.map(\.name)
            let hint = suggestion(for: name, among: names + model.nodes.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            throw CommandError("no model parameter '\(name)' (\(names.isEmpty ? "the model has none" : names.joined(separator: ", ")))\(hint)")
        }
        var overrides = (pendingModel ?? model).overrides
        overrides[name] = value
        let text = String(decoding: SessionJSON.render(model.document.value), as: UTF8.self)
        let next: ModelFile
        do { next = try ModelFile.parse(text: text, file: model.path, overrides: overrides, seed: model.seedOverride) } catch {
            throw CommandError("\(name) = \(formatNumber(value)): \(error)")
        }
        let k = built.kernel
        var later: [String] = []
        for (a, b) in zip(model.nodes, next.nodes) where a.n != b.n { later.append("size of \(a.name) \(a.n) -> \(b.n)") }
        for (i, (a, b)) in zip(model.connections, next.connections).enumerated() {
            if a.conn != b.conn { later.append("rule of connection \(i)") }
            if a.syn.delay != b.syn.delay { later.append("delays of connection \(i)") }
            if a.syn.weight != b.syn.weight, case .random = b.syn.weight { later.append("weights of connection \(i)") }
        }
        if !later.isEmpty {
            pendingModel = next
            return "\(name) = \(formatReadable(value)): restart needed for the \(later.joined(separator: ", ")); R restarts with it (the running network is unchanged)"
        }
        var now: [(node: String, key: String, value: ParamValue)] = []
        for (a, b) in zip(model.nodes, next.nodes) {
            let old = Dictionary(a.params.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            for (key, v) in b.params where old[key] != v {
                if case .distribution = v { later.append("\(b.name).\(key) (a distribution)") } else { now.append((b.name, key, v)) }
            }
        }
        // A value the network refuses stops the edit with NEST's reason; the model keeps the old
        // parameter (values set before it in this edit stay, as a sequence of SetStatus would).
        for (node, key, v) in now {
            guard let ids = built.ids[node] else { continue }
            do { try k.setStatus(ids, [key: v]) } catch let e as NetError { throw CommandError("\(name) = \(formatNumber(value)) gives \(node).\(key) = \(v.readable): \(e.message)") }
        }
        var changed = now.map { "\($0.node).\($0.key) = \($0.value.readable)" }
        for (i, (a, b)) in zip(model.connections, next.connections).enumerated() where a.syn.weight != b.syn.weight {
            if case let .constant(w) = b.syn.weight {
                do { try k.setConnectionWeight(i, w) } catch let e as NetError { throw CommandError(e.message) }
                changed.append("connection \(i) weight = \(formatReadable(w))")
            }
        }
        model = next
        built.model = next
        pendingModel = nil
        return "\(name) = \(formatReadable(value))" + (changed.isEmpty ? ": nothing in the network uses it" : ": " + changed.joined(separator: ", "))
    }
}
