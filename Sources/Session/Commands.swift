import Foundation
import ModelFiles
import NetCore

/// The command line of a running session: the PyNEST high-level API in words
/// (`set E tau_m 15`, `get E[3]`, `defaults aeif_cond_exp`, `models`, `simulate 200`, `reset`,
/// `seed stimulus 7`, `weight 1 0.2`). Every command that changes the network is logged with the
/// model time it took effect, so a run can be replayed.
public enum SessionCommand: Equatable, Sendable {
    case set(target: String, param: String, value: Double)
    /// A model-level parameter (`parameters` of the file: g, eta, J...), every value that uses it re-derived.
    case setParameter(name: String, value: Double)
    case get(target: String)
    case defaults(model: String)
    case models
    case simulate(ms: Double)
    case step(ms: Double)
    case reset
    case seed(stream: String, value: UInt64)
    case weight(connection: Int, value: Double)
    case getWeight(connection: Int)
    /// What the screen shows: one population (nil: all). The workbench handles it.
    case zoom(population: String?)
    case record(dir: String)
    case window(ms: Double)
    /// In- and out-partners of a cell or selection, by population (NEST's GetConnections).
    case connections(target: String)
    case help

    public static let verbs = ["set", "get", "defaults", "models", "simulate", "step", "reset", "seed", "weight", "record", "window", "zoom", "connections", "help"]
    public static let usage = [
        "set NODE[sel] PARAM VALUE   SetStatus on a node or a slice (e.g. set E tau_m 15)",
        "set NAME VALUE              a model parameter (e.g. set g 6): what uses it is re-derived",
        "get NODE[i]                 GetStatus of one element",
        "defaults MODEL              GetDefaults",
        "models                      the models netview has",
        "simulate MS                 simulate MS ms now (in chunks; x or Esc cancels)",
        "step MS                     what s advances while paused (default 10 ms)",
        "reset                       back to t = 0 (ResetNetwork), edits kept",
        "seed N                      master seed, as --seed N; restarts from t = 0",
        "seed STREAM N               network|stimulus|state|all; restarts from t = 0",
        "record DIR                  stream every recorder to DIR as netview run writes it",
        "record stop                 end the recording (DIR gets summary.json)",
        "window MS                   what the raster and the statistics cover (default 1000)",
        "zoom NAME                   raster, rate and histogram of one population (zoom: all)",
        "weight K W                  weight of connection group K (see the Network pane)",
        "weight K                    the weight of connection group K now",
        "connections NODE[sel]       in- and out-partners by population, weights and delays",
        "plot [FILE.svg]             the view as a figure (SVG; default figures/<model>-<time>.svg)",
    ]

    /// Parses one command line; errors say what would be right.
    public static func parse(_ line: String) throws -> SessionCommand {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let verb = words.first else { throw CommandError("empty command; try 'help'") }
        func number(_ i: Int, _ what: String) throws -> Double {
            guard i < words.count else { throw CommandError("\(verb): missing \(what)") }
            guard let x = Double(words[i]), x.isFinite else { throw CommandError("\(verb): \(what) must be a number, got '\(words[i])'") }
            return x
        }
        func arity(_ n: Int, _ form: String) throws {
            guard words.count == n else { throw CommandError("usage: \(form)") }
        }
        switch verb {
        case "set" where words.count == 3:
            guard let v = Double(words[2]), v.isFinite else {
                throw CommandError("usage: set NODE[sel] PARAM VALUE, or set NAME VALUE for a model parameter; '\(words[2])' is not a number")
            }
            return .setParameter(name: words[1], value: v)
        case "set", "SetStatus":
            try arity(4, "set NODE[sel] PARAM VALUE, or set NAME VALUE for a model parameter")
            return .set(target: words[1], param: words[2], value: try number(3, "VALUE"))
        case "get", "GetStatus":
            try arity(2, "get NODE[i]")
            return .get(target: words[1])
        case "defaults", "GetDefaults":
            try arity(2, "defaults MODEL")
            return .defaults(model: words[1])
        case "models", "Models": return .models
        case "simulate", "Simulate":
            try arity(2, "simulate MS")
            let ms = try number(1, "MS")
            guard ms > 0 else { throw CommandError("simulate: MS must be > 0") }
            return .simulate(ms: ms)
        case "step":
            try arity(2, "step MS")
            let ms = try number(1, "MS")
            guard ms > 0 else { throw CommandError("step: MS must be > 0") }
            return .step(ms: ms)
        case "reset", "ResetNetwork": return .reset
        case "seed" where words.count == 2:
            guard let v = UInt64(words[1]) else { throw CommandError("seed: N must be a non-negative integer, got '\(words[1])'") }
            return .seed(stream: "all", value: v)
        case "seed":
            try arity(3, "seed N, or seed network|stimulus|state|all N")
            guard ["network", "stimulus", "state", "all"].contains(words[1]) else {
                throw CommandError("seed: stream must be network, stimulus, state or all, got '\(words[1])'")
            }
            guard let v = UInt64(words[2]) else { throw CommandError("seed: N must be a non-negative integer, got '\(words[2])'") }
            return .seed(stream: words[1], value: v)
        case "weight":
            guard words.count == 2 || words.count == 3 else { throw CommandError("usage: weight K W (set), weight K (read)") }
            guard let k = Int(words[1]), k >= 0 else { throw CommandError("weight: K must be a connection index (the Network pane lists them)") }
            if words.count == 2 { return .getWeight(connection: k) }
            return .weight(connection: k, value: try number(2, "W"))
        case "record":
            try arity(2, "record DIR | record stop")
            return .record(dir: words[1])
        case "zoom":
            guard words.count <= 2 else { throw CommandError("usage: zoom NAME, or zoom for every population") }
            return .zoom(population: words.count == 2 ? words[1] : nil)
        case "window":
            try arity(2, "window MS")
            return .window(ms: try number(1, "MS"))
        case "connections", "GetConnections":
            try arity(2, "connections NODE[sel], e.g. connections E[3]")
            return .connections(target: words[1])
        case "help", "?": return .help
        default:
            let hint = suggestion(for: verb, among: verbs).map { "; did you mean '\($0)'?" } ?? "; try 'help'"
            throw CommandError("unknown command '\(verb)'\(hint)")
        }
    }

    /// Completions of the word being typed at the end of `line`.
    public static func completions(_ line: String, nodes: [String], parameters: [String] = [], params: (String) -> [String]) -> [String] {
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let partial = words.popLast() ?? ""
        let candidates: [String]
        switch (words.count, words.first) {
        case (0, _): candidates = verbs
        case (1, "set"?): candidates = nodes + parameters
        case (1, "zoom"?): candidates = nodes
        case (1, "get"?), (1, "connections"?): candidates = nodes
        case (1, "defaults"?): candidates = Kernel.models()
        case (1, "seed"?): candidates = ["network", "stimulus", "state", "all"]
        case (2, "set"?): candidates = params(String(words[1].prefix { $0 != "[" }))
        default: candidates = []
        }
        return candidates.filter { $0.hasPrefix(partial) }.sorted()
    }
}

public struct CommandError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}

extension BuiltModel {
    /// `connections SEL`: the synapses into and out of the selection, grouped by the partner's
    /// node: count, weight and delay (one value, or min..max with the mean), as lines for the
    /// Output pane ("; " separates them).
    func partners(of target: String) throws -> String {
        let (node, sel) = try resolve(target)
        let chosen = Set(sel.ids)
        struct Group {
            var weight = RunningRange(), delay = RunningRange()
            var n: Int { weight.count }
            mutating func add(_ w: Double, _ d: Double) {
                weight.add(w)
                delay.add(d)
            }
            var text: String {
                let w = weight.isOneValue ? formatNumber(weight.lo)
                    : "\(formatReadable(weight.lo))..\(formatReadable(weight.hi)) (mean \(formatReadable(weight.mean)))"
                let d = delay.isOneValue ? formatNumber(delay.lo) : "\(formatReadable(delay.lo))..\(formatReadable(delay.hi))"
                return "\(n) synapse\(n == 1 ? "" : "s"), weight \(w), delay \(d) ms"
            }
        }
        func nodeName(_ id: Int) -> String { name(of: id)?.node ?? "?" }
        var incoming: [String: Group] = [:], outgoing: [String: Group] = [:]
        for i in kernel.connections.indices {
            kernel.forEachSynapse(ofConnection: i, targets: chosen) { s, _, w, d in incoming[nodeName(s), default: Group()].add(w, d) }
            kernel.forEachSynapse(ofConnection: i, sources: chosen) { _, t, w, d in outgoing[nodeName(t), default: Group()].add(w, d) }
        }
        let order = model.nodes.map(\.name)
        let cells = sel.count == 1 ? "\(target) (id \(sel.ids[0]), \(node.model))" : "\(target) (\(sel.count) cells)"
        var lines = ["\(cells): \(incoming.values.reduce(0) { $0 + $1.n }) synapses in, \(outgoing.values.reduce(0) { $0 + $1.n }) out"]
        lines += order.compactMap { n in incoming[n].map { "from \(n): \($0.text)" } }
        lines += order.compactMap { n in outgoing[n].map { "to \(n): \($0.text)" } }
        return lines.joined(separator: "; ")
    }

    /// Resolves `NAME`, `NAME[i]` or `NAME[a:b]` to node ids.
    public func resolve(_ target: String) throws -> (node: NodeSpec, ids: NodeCollection) {
        let name = String(target.prefix { $0 != "[" })
        guard let node = model.node(named: name), let all = ids[name] else {
            let hint = suggestion(for: name, among: model.nodes.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            throw CommandError("no node named '\(name)'\(hint)")
        }
        guard target.count > name.count else { return (node, all) }
        guard target.hasSuffix("]") else { throw CommandError("malformed selection '\(target)'") }
        let inner = target.dropFirst(name.count + 1).dropLast()
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 1, let i = parts[0], i >= 0, i < all.count { return (node, all[i]) }
        if parts.count == 2, let a = parts[0], let b = parts[1], a >= b {
            throw CommandError("selection '\(target)' is empty: \(name)[a:b] takes elements a to b-1, so a < b")
        }
        if parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, a < b, b <= all.count { return (node, all[a..<b]) }
        throw CommandError("selection '\(target)' is out of range: \(name) has \(all.count) elements")
    }

    /// Applies a command that changes nothing structural, returning the text to show.
    public func apply(_ cmd: SessionCommand) throws -> String {
        let k = kernel
        switch cmd {
        case let .set(target, param, value):
            let (node, sel) = try resolve(target)
            if param == "n" { throw CommandError("restart needed: the size of \(node.name) is fixed once built (edit the model file)") }
            if param == "delay" || param == "weight" {
                throw CommandError("\(param)s belong to connections, not to \(node.name): 'weight K W' sets a connection's weight (the Network pane lists K); delays are fixed once built")
            }
            do { try k.setStatus(sel, [param: .number(value)]) } catch let e as NetError { throw CommandError(e.message) }
            return "\(target).\(param) = \(formatNumber(value))"
        case let .get(target):
            let (_, sel) = try resolve(target)
            guard sel.count == 1 else { throw CommandError("get takes one element, e.g. \(target)[0]") }
            let st = try k.getStatus(sel.ids[0])
            return st.filter { $0.0 != "recordables" }.map { "\($0.0)=\($0.1.readable)" }.joined(separator: " ")
        case let .defaults(model):
            do { return try Kernel.defaults(of: model).map { "\($0.0)=\($0.1.readable)" }.joined(separator: " ") } catch let e as NetError {
                throw CommandError(e.message)
            }
        case .models:
            return Kernel.models().joined(separator: " ")
        case let .weight(index, w):
            let before = k.connections.indices.contains(index) ? k.connections[index].weight : nil
            do { try k.setConnectionWeight(index, w) } catch let e as NetError { throw CommandError(e.message) }
            if case let .constant(old)? = before, old * w < 0 {
                return "connection \(index) weight = \(formatNumber(w)) (it was \(formatNumber(old)): this projection is now \(w > 0 ? "excitatory" : "inhibitory"))"
            }
            return "connection \(index) weight = \(formatNumber(w))"
        case let .getWeight(index):
            guard k.connections.indices.contains(index) else {
                throw CommandError("no connection group \(index) (there are \(k.connections.count): 0-\(k.connections.count - 1))")
            }
            let c = model.connections[index]
            let w: String
            switch k.connections[index].weight {
            case let .constant(x): w = formatNumber(x)
            case let .random(d): w = d.summary
            }
            let src = c.source.map(\.text).joined(separator: ","), dst = c.target.map(\.text).joined(separator: ",")
            return "connection \(index) (\(src) -> \(dst), \(k.connections[index].rule)): weight \(w)"
        case let .connections(target):
            return try partners(of: target)
        case .help:
            return SessionCommand.usage.joined(separator: "; ")
        case .zoom:
            throw CommandError("zoom changes what the workbench's screen shows")
        case .simulate, .step, .reset, .seed, .record, .window, .setParameter:
            throw CommandError("this command is run by the session")
        }
    }
}
