import Foundation

/// Everything that changes while a network runs, and nothing that is rebuilt from the model:
/// enough to go on bit for bit from where it was taken.
public struct KernelState: Codable, Equatable, Sendable {
    public struct Population: Codable, Equatable, Sendable {
        public var state: [String: [Double]]
        public var refractory: [Int32]
        public var stimulus: [UInt64]
        public var inputSlots: Int
        public var input: [Double]

        public init(state: [String: [Double]], refractory: [Int32], stimulus: [UInt64], inputSlots: Int, input: [Double]) {
            (self.state, self.refractory, self.stimulus, self.inputSlots, self.input) = (state, refractory, stimulus, inputSlots, input)
        }
    }

    public struct Generator: Codable, Equatable, Sendable {
        public var id: Int
        /// Value history of rate or amplitude: (from step, value).
        public var history: [[Double]]
        public var position: Int

        public init(id: Int, history: [[Double]], position: Int) {
            (self.id, self.history, self.position) = (id, history, position)
        }
    }

    public struct Recorder: Codable, Equatable, Sendable {
        public var id: Int
        public var senders: [Int32]
        public var stamps: [Int64]
        public var values: [[Double]]

        public init(id: Int, senders: [Int32], stamps: [Int64], values: [[Double]]) {
            (self.id, self.senders, self.stamps, self.values) = (id, senders, stamps, values)
        }
    }

    public var now: Int64
    public var populations: [Population]
    public var generators: [Generator]
    public var recorders: [Recorder]
    public var spikeCounts: [Int]

    public init(now: Int64, populations: [Population], generators: [Generator], recorders: [Recorder], spikeCounts: [Int]) {
        (self.now, self.populations, self.generators, self.recorders, self.spikeCounts) = (now, populations, generators, recorders, spikeCounts)
    }
}

extension Kernel {
    /// `includingInput`: false leaves the input rings out (their `input` empty, which a restore
    /// takes as rings holding nothing).
    public func dynamicState(includingInput: Bool = true) -> KernelState {
        let pops = populations.map { p -> KernelState.Population in
            var st: [String: [Double]] = [:]
            for name in p.stateNames { st[name] = (0..<p.count).map { p.getState(name, $0) } }
            for (k, v) in p.extraState { st["_" + k] = v }
            return .init(state: st, refractory: p.refractory.array, stimulus: p.stimulus.array,
                         inputSlots: p.input.slots, input: includingInput ? p.input.snapshot : [])
        }
        var gens: [KernelState.Generator] = []
        var recs: [KernelState.Recorder] = []
        for d in devices {
            switch d {
            case let g as PoissonGenerator:
                gens.append(.init(id: g.id, history: g.rate.entries.map { [Double($0.from), $0.value] }, position: 0))
            case let g as DCGenerator:
                gens.append(.init(id: g.id, history: g.amplitude.entries.map { [Double($0.from), $0.value] }, position: 0))
            case let g as SpikeGenerator:
                gens.append(.init(id: g.id, history: [], position: g.position))
            case let r as SpikeRecorder:
                recs.append(.init(id: r.id, senders: r.senders, stamps: r.stamps, values: []))
            case let m as Multimeter:
                recs.append(.init(id: m.id, senders: m.rows.map(\.sender), stamps: m.rows.map(\.stamp), values: m.rows.map(\.values)))
            default: break
            }
        }
        return KernelState(now: now, populations: pops, generators: gens, recorders: recs, spikeCounts: spikeCounts)
    }

    /// A state from a file may be forged (its checksums recomputed): every number that later
    /// becomes a count, an index, a time or a step must lie in its range, before anything is put in place.
    func checkRanges(_ s: KernelState) throws {
        let f = "RestoreState"
        let lastStep = grid.steps(TimeGrid.maxTime)
        guard s.now >= 0, s.now <= lastStep else { throw NetError(f, "time step \(s.now) is outside 0...\(lastStep)") }
        if let bad = s.spikeCounts.first(where: { $0 < 0 }) { throw NetError(f, "a spike count of \(bad)") }
        for (p, ps) in zip(populations, s.populations) {
            guard ps.inputSlots >= 1, ps.inputSlots <= Int(UInt16.max) + 2 else {
                throw NetError(f, model: p.spec.name, "\(ps.inputSlots) input slots (1 to \(Int(UInt16.max) + 2))")
            }
            if let r = ps.refractory.first(where: { $0 < 0 || $0 == Int32.max }) {
                throw NetError(f, model: p.spec.name, "a refractory count of \(r) (0 to \(Int32.max - 1))")
            }
            for (name, values) in ps.state where values.contains(where: { !$0.isFinite }) {
                throw NetError(f, model: p.spec.name, "\(name) holds a value that is not finite")
            }
            if let hInt = ps.state["_h_int"], hInt.contains(where: { !($0 > 0) }) {
                throw NetError(f, model: p.spec.name, "an integration step that is not > 0 ms")
            }
            if ps.input.contains(where: { !$0.isFinite }) { throw NetError(f, model: p.spec.name, "an input buffer holds a value that is not finite") }
        }
        for g in s.generators {
            guard let b = blockInfo(of: g.id), b.kind == .generator else { throw NetError(f, "node \(g.id) is not a generator") }
            for h in g.history {
                guard h.count == 2, h[0] == Double(Int64.min) || (h[0] >= 0 && h[0] <= Double(lastStep)) else {
                    throw NetError(f, "generator \(g.id): a change at step \(h.first ?? .nan) is outside 0...\(lastStep)")
                }
                guard h[1].isFinite else { throw NetError(f, "generator \(g.id): a value that is not finite") }
                if device(g.id, b) is PoissonGenerator, h[1] < 0 { throw NetError(f, "generator \(g.id): a negative rate") }
            }
            if let sg = device(g.id, b) as? SpikeGenerator, g.position < 0 || g.position > sg.stamps.count {
                throw NetError(f, "spike_generator \(g.id): position \(g.position) is outside 0...\(sg.stamps.count)")
            }
        }
        for r in s.recorders {
            guard let b = blockInfo(of: r.id), b.kind == .recorder else { throw NetError(f, "node \(r.id) is not a recorder") }
            let recorder = device(r.id, b)
            let recordsFrom = (recorder as? SpikeRecorder)?.sources
                ?? (recorder as? Multimeter)?.sampledNodes { self.populations[$0].firstID } ?? []
            if let bad = r.senders.first(where: { !recordsFrom.contains(Int($0)) }) {
                throw NetError(f, "recorder \(r.id): sender \(bad) is not a node it records from")
            }
            if let bad = r.stamps.first(where: { $0 < 1 || $0 > s.now }) {
                throw NetError(f, "recorder \(r.id): a stamp at step \(bad), outside 1...\(s.now)")
            }
        }
    }

    /// Puts a state taken from a network built the same way back in place; refuses a state that
    /// does not fit this network.
    public func restoreDynamicState(_ s: KernelState) throws {
        let f = "RestoreState"
        guard s.populations.count == populations.count else {
            throw NetError(f, "the state has \(s.populations.count) populations, the network \(populations.count)")
        }
        guard s.spikeCounts.count == spikeCounts.count else { throw NetError(f, "the state has \(s.spikeCounts.count - 1) nodes, the network \(nodeCount)") }
        try checkRanges(s)
        // A kernel never run keeps its t = 0 state for ResetNetwork, as its first run would have.
        if initialState == nil && now == 0 { initialState = dynamicState(includingInput: false) }
        for (p, ps) in zip(populations, s.populations) {
            guard ps.refractory.count == p.count, ps.stimulus.count == p.count,
                  ps.input.isEmpty || ps.input.count == p.input.channels * ps.inputSlots * p.count else {
                throw NetError(f, model: p.spec.name, "population of \(p.count) does not match the saved state")
            }
            // Named state first, then the internal columns, which are the exact values where they overlap.
            for (name, values) in ps.state.sorted(by: { ($0.key.hasPrefix("_") ? 1 : 0, $0.key) < ($1.key.hasPrefix("_") ? 1 : 0, $1.key) }) {
                guard values.count == p.count else { throw NetError(f, model: p.spec.name, "\(name) has \(values.count) values for \(p.count) neurons") }
                if name.hasPrefix("_") {
                    guard p.restoreExtra(String(name.dropFirst()), values) else {
                        throw NetError(f, model: p.spec.name, "unknown internal state '\(name.dropFirst())'")
                    }
                } else if p.stateNames.contains(name) {
                    for (i, v) in values.enumerated() { p.setState(name, i, v) }
                } else {
                    throw NetError(f, model: p.spec.name, "unknown state variable '\(name)'")
                }
            }
            for i in 0..<p.count {
                p.refractory[i] = ps.refractory[i]
                p.stimulus[i] = ps.stimulus[i]
            }
            if ps.input.isEmpty { p.input.clear() } else { p.input.restore(ps.input, slots: ps.inputSlots) }
        }
        for g in s.generators {
            guard let b = blockInfo(of: g.id), b.kind == .generator else { throw NetError(f, "node \(g.id) is not a generator") }
            let hist = g.history.map { (from: Int64($0[0]), value: $0[1]) }
            switch device(g.id, b) {
            case let p as PoissonGenerator where !hist.isEmpty: p.rate = ValueHistory(restoring: hist)
            case let d as DCGenerator where !hist.isEmpty: d.amplitude = ValueHistory(restoring: hist)
            case let sg as SpikeGenerator: sg.position = g.position
            default: break
            }
        }
        for r in s.recorders {
            guard let b = blockInfo(of: r.id), b.kind == .recorder else { throw NetError(f, "node \(r.id) is not a recorder") }
            switch device(r.id, b) {
            case let sr as SpikeRecorder: sr.restore(senders: r.senders, stamps: r.stamps)
            case let m as Multimeter:
                m.restore(rows: (0..<r.senders.count).map { Multimeter.Row(sender: r.senders[$0], stamp: r.stamps[$0], values: r.values[$0]) })
            default: break
            }
        }
        spikeCounts = s.spikeCounts
        now = s.now
        halted = nil
    }
}
