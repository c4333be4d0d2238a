import Foundation
import ModelFiles
import NetCore

/// The `state` section of a session file: a `KernelState` with node names for the reader and its
/// large arrays packed.
enum StateCoding {
    static func value(_ s: KernelState, built: BuiltModel) -> Value {
        let neuronNodes = built.neuronNodes
        let pops: [Value] = s.populations.enumerated().map { i, p in
            var pairs: [(String, Value)] = []
            if i < neuronNodes.count { pairs += [("node", .string(neuronNodes[i].name)), ("model", .string(neuronNodes[i].model))] }
            pairs += [
                ("n", .int(p.refractory.count)),
                ("state", .obj(p.state.keys.sorted().map { ($0, Packed.value(p.state[$0]!)) })),
                ("refractory", Packed.value(p.refractory)),
                ("stimulus_streams", Packed.value(p.stimulus)),
                ("input_slots", .int(p.inputSlots)),
                ("input", Packed.value(p.input)),
            ]
            return .obj(pairs)
        }
        let gens: [Value] = s.generators.map { g in
            .obj(named(g.id, built) + [
                // Histories start at "always" (Int64.min), written as null.
                ("history", .arr(g.history.map { .arr([$0[0] <= -9.2e18 ? .null : .number($0[0]), .number($0[1])]) })),
                ("position", .int(g.position)),
            ])
        }
        let recs: [Value] = s.recorders.map { r in
            .obj(named(r.id, built) + [
                ("events", .int(r.senders.count)),
                // Meter rows carry values (possibly none each); spike events carry none.
                ("kind", .string(r.values.isEmpty ? "spikes" : "samples")),
                ("senders", Packed.value(r.senders)),
                ("stamps", Packed.value(r.stamps)),
                ("width", .int(r.values.first?.count ?? 0)),
                ("values", Packed.value(Array(r.values.joined()))),
            ])
        }
        return .obj([
            ("now", .int(s.now)),
            ("spike_counts", Packed.value(s.spikeCounts.map { Int64($0) })),
            ("populations", .arr(pops)),
            ("generators", .arr(gens)),
            ("recorders", .arr(recs)),
        ])
    }

    private static func named(_ id: Int, _ built: BuiltModel) -> [(String, Value)] {
        [("id", .int(id))] + (built.name(of: id).map { [("node", .string($0.node))] } ?? [])
    }

    struct Malformed: Error { let path: String }

    static func state(from node: Node) throws -> KernelState {
        func int(_ n: Node?, _ path: String) throws -> Int64 {
            guard case let .number(x)? = n?.value, x == x.rounded(), abs(x) < 9e15 else { throw Malformed(path: path) }
            return Int64(x)
        }
        func list(_ n: Node?, _ path: String) throws -> [Node] {
            guard case let .array(items)? = n?.value else { throw Malformed(path: path) }
            return items
        }
        func packed<T>(_ got: T?, _ path: String) throws -> T {
            guard let got else { throw Malformed(path: path) }
            return got
        }
        let now = try int(node["now"], "now")
        let counts = try packed(Packed.ints(node["spike_counts"], tag: "i64le", as: Int64.self), "spike_counts")
        var pops: [KernelState.Population] = []
        for (i, p) in try list(node["populations"], "populations").enumerated() {
            let at = "populations[\(i)]"
            guard case let .object(vars)? = p["state"]?.value else { throw Malformed(path: at + ".state") }
            var st: [String: [Double]] = [:]
            for v in vars { st[v.key] = try packed(Packed.doubles(v.value), "\(at).state.\(v.key)") }
            pops.append(KernelState.Population(state: st,
                              refractory: try packed(Packed.ints(p["refractory"], tag: "i32le", as: Int32.self), at + ".refractory"),
                              stimulus: try packed(Packed.ints(p["stimulus_streams"], tag: "u64le", as: UInt64.self), at + ".stimulus_streams"),
                              inputSlots: Int(try int(p["input_slots"], at + ".input_slots")),
                              input: try packed(Packed.doubles(p["input"]), at + ".input")))
        }
        var gens: [KernelState.Generator] = []
        for (i, g) in try list(node["generators"], "generators").enumerated() {
            let at = "generators[\(i)]"
            var history: [[Double]] = []
            for (k, e) in try list(g["history"], at + ".history").enumerated() {
                guard case let .array(pair) = e.value, pair.count == 2, case let .number(v) = pair[1].value else {
                    throw Malformed(path: "\(at).history[\(k)]")
                }
                switch pair[0].value {
                case .null: history.append([Double(Int64.min), v])
                case let .number(from): history.append([from, v])
                default: throw Malformed(path: "\(at).history[\(k)]")
                }
            }
            gens.append(KernelState.Generator(id: Int(try int(g["id"], at + ".id")), history: history, position: Int(try int(g["position"], at + ".position"))))
        }
        var recs: [KernelState.Recorder] = []
        for (i, r) in try list(node["recorders"], "recorders").enumerated() {
            let at = "recorders[\(i)]"
            let senders = try packed(Packed.ints(r["senders"], tag: "i32le", as: Int32.self), at + ".senders")
            let stamps = try packed(Packed.ints(r["stamps"], tag: "i64le", as: Int64.self), at + ".stamps")
            let width = Int(try int(r["width"], at + ".width"))
            let flat = try packed(Packed.doubles(r["values"]), at + ".values")
            guard stamps.count == senders.count, width >= 0, flat.count == width * senders.count else {
                throw Malformed(path: at)
            }
            guard case let .string(kind)? = r["kind"]?.value, kind == "spikes" || kind == "samples" else { throw Malformed(path: at + ".kind") }
            let rows = kind == "spikes" ? [] : (0..<senders.count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
            recs.append(KernelState.Recorder(id: Int(try int(r["id"], at + ".id")), senders: senders, stamps: stamps, values: rows))
        }
        return KernelState(now: now, populations: pops, generators: gens, recorders: recs, spikeCounts: counts.map { Int($0) })
    }
}
