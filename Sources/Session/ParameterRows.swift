import Foundation
import ModelFiles
import NetCore

/// One line of the Parameters pane: a header, or a parameter with its value and how to edit it.
public struct ParamRow: Equatable, Sendable {
    public var header: String?
    public var name: String
    public var value: String
    public var unit: String
    /// The command an edit runs, with the value appended (`set E tau_m`); nil: not editable live.
    public var command: String?
    /// Why it cannot be edited live ("restart needed").
    public var note: String?
}

extension BuiltModel {
    /// Every node's parameters (the first neuron's value, or "varies"), then the connection groups.
    public func parameterRows() -> [ParamRow] {
        var rows: [ParamRow] = []
        let k = kernel
        for node in model.nodes {
            guard let spec = ModelCatalog.spec(node.model), let ids = ids[node.name] else { continue }
            rows.append(ParamRow(header: "\(node.name): \(node.model) x \(node.n)", name: "", value: "", unit: "", command: nil, note: nil))
            rows.append(ParamRow(header: nil, name: "n", value: "\(node.n)", unit: "", command: nil, note: "restart needed (edit the model file)"))
            let first = (try? k.getStatus(ids.ids[0])).map { Dictionary($0, uniquingKeysWith: { a, _ in a }) } ?? [:]
            let last = ids.count > 1 ? (try? k.getStatus(ids.ids[ids.count - 1])).map { Dictionary($0, uniquingKeysWith: { a, _ in a }) } : nil
            for p in spec.params {
                guard let v = first[p.name] else { continue }
                var text = v.readable
                if let l = last?[p.name], l != v { text = "varies (\(v.readable)…)" }
                let editable = p.kind == .number
                rows.append(ParamRow(header: nil, name: p.name, value: text, unit: p.unit,
                                     command: editable ? "set \(node.name) \(p.name)" : nil,
                                     note: editable ? nil : "edit in the model file"))
            }
        }
        for (i, rec) in k.connections.enumerated() {
            let spec = model.connections[i]
            let src = spec.source.map(\.text).joined(separator: ","), dst = spec.target.map(\.text).joined(separator: ",")
            rows.append(ParamRow(header: "connection \(i): \(src) -> \(dst)", name: "", value: "", unit: "", command: nil, note: nil))
            rows.append(ParamRow(header: nil, name: "rule", value: rec.rule, unit: "", command: nil, note: "restart needed (edit the model file)"))
            let w: String
            switch rec.weight {
            case let .constant(x): w = formatReadable(x)
            case let .random(d): w = d.summary
            }
            rows.append(ParamRow(header: nil, name: "weight", value: w, unit: "", command: "weight \(i)", note: nil))
            rows.append(ParamRow(header: nil, name: "synapses", value: "\(rec.synapses)", unit: "", command: nil, note: "restart needed"))
        }
        return rows
    }
}

extension LiveSession {
    /// The Parameters pane's rows, read between chunks.
    public func parameterRows() -> [ParamRow] { sync { $0.parameterRows() } }
}
