import Foundation

/// Global ids of nodes, 1-based, in creation order, as NEST's NodeCollection.
public struct NodeCollection: Equatable, Sendable {
    public var ids: [Int]
    public init(_ ids: [Int]) { self.ids = ids }
    public var count: Int { ids.count }
    public subscript(_ r: Range<Int>) -> NodeCollection { NodeCollection(Array(ids[r])) }
    public subscript(_ i: Int) -> NodeCollection { NodeCollection([ids[i]]) }
    public static func + (a: NodeCollection, b: NodeCollection) -> NodeCollection { NodeCollection(a.ids + b.ids) }
}

/// One Create call: a block of consecutive ids of one model.
public struct NodeBlock: Sendable {
    public let model: String
    public let baseModel: String
    public let kind: NodeKind
    public let firstID: Int
    public let count: Int
    /// Index into the kernel's populations (neurons) or devices (first device of the block).
    let index: Int
    public var ids: NodeCollection { NodeCollection(Array(firstID..<(firstID + count))) }
}

/// The simulator: nodes, connections, random streams and time, with an API that mirrors PyNEST's.
/// It knows nothing of files, terminals or background queues; its only threads are the workers of
/// one `simulate` call.
public final class Kernel: @unchecked Sendable {
    public private(set) var grid: TimeGrid
    public private(set) var seeds: Seeds
    public private(set) var threads: Int
    /// Worker threads for `threads` > 1 (see WorkerPool).
    var pool: WorkerPool?
    /// Model time in steps.
    public internal(set) var now: Int64 = 0

    public internal(set) var blocks: [NodeBlock] = []
    var populations: [NeuronPopulation] = []
    var devices: [Device] = []
    /// Block index of every id (index 0 unused).
    var blockOf: [Int32] = [-1]
    /// Projections leaving each block.
    var outgoing: [[Projection]] = []
    /// The projections leaving each block with their target populations, for the delivery of a
    /// run: block b's are routes[routeStart[b]..<routeStart[b + 1]] (set before each run).
    var routes: [Projection.Delivery] = []
    var routeStart: [Int] = []
    /// The error that stopped a run inside a step, after which the cells are part way through
    /// that step: the kernel refuses to simulate (and sessions to be saved) until its state is
    /// replaced (ResetNetwork, ResetKernel, a restored state).
    public internal(set) var halted: String?
    var drivesByPop: [[Drive]] = []
    /// Each worker's share of the populations and drives for a run (set before each run).
    var workPlans: [[RunPart]] = []
    public internal(set) var connections: [ConnectionRecord] = []
    var minDelaySteps = Int.max, maxDelaySteps = 0
    /// Spikes per neuron id since t = 0 (or the last reset).
    public internal(set) var spikeCounts: [Int] = [0]
    var customModels: [String: (base: String, params: [String: ParamValue])] = [:]
    /// The state at t = 0, for ResetNetwork: without the input rings, which hold nothing then and
    /// which the reset clears (a copy of them would be the largest part of it: 115 MB for the
    /// full-scale microcircuit).
    var initialState: KernelState?
    // Device lists by kind, refreshed before each run.
    var meters: [Multimeter] = []
    var sampling: [[Sampling]] = []
    var recorders: [SpikeRecorder] = []
    var spikeGenerators: [SpikeGenerator] = []
    /// Poisson generators and the spike recorders they are connected to.
    var poissonRecorded: [(PoissonGenerator, SpikeRecorder)] = []
    /// Spike events handed to synapses, and Poisson events drawn (per worker), since the network was built.
    var deliveredEvents = 0
    var poissonEvents = Column<Int>(count: 1, repeating: 0)
    public var eventsDelivered: Int { deliveredEvents &+ poissonEvents.array.reduce(0, &+) }

    /// A neuron whose V_m is kept every step for a live trace (drained by the caller).
    public var probeID: Int? {
        didSet { probeStamps.removeAll(); probeValues.removeAll(); probeTarget = nil }
    }
    var probeTarget: (pop: Int, local: Int, read: (Int) -> Double)?
    var probeStamps: [Int64] = []
    var probeValues: [Double] = []

    /// The probe's samples since the last call.
    public func drainProbe() -> (stamps: [Int64], values: [Double]) {
        defer { probeStamps.removeAll(keepingCapacity: true); probeValues.removeAll(keepingCapacity: true) }
        return (probeStamps, probeValues)
    }

    /// Called after every slice with the spikes of its neurons, in time then id order.
    public var spikeTap: ((_ stamps: [Int64], _ ids: [Int32]) -> Void)?

    public init(resolution: Double = 0.1, seeds: Seeds = Seeds(master: 1), threads: Int = 1) throws {
        grid = try TimeGrid(resolution: resolution)
        self.seeds = seeds
        guard threads >= 1 && threads <= 256 else { throw NetError("SetKernelStatus", "threads must be within 1...256, got \(threads)") }
        self.threads = threads
    }

    // MARK: kernel status

    public var time: Double { grid.ms(now) }
    /// NEST's has_been_simulated: a Simulate has run (or a session at t > 0 was restored).
    public var hasSimulated: Bool { now > 0 || initialState != nil }
    public var neuronCount: Int { populations.reduce(0) { $0 + $1.count } }
    public var nodeCount: Int { blockOf.count - 1 }
    public var synapseCount: Int {
        outgoing.joined().reduce(0) { $0 + $1.synapseCount } + drivesByPop.joined().reduce(0) { $0 + $1.targets.count }
    }
    public var connectivityBytes: Int { outgoing.joined().reduce(0) { $0 + $1.bytes } }
    public var minDelay: Double { grid.ms(Int64(minDelaySteps == Int.max ? 1 : minDelaySteps)) }
    public var maxDelay: Double { grid.ms(Int64(max(maxDelaySteps, 1))) }

    deinit { pool?.shutdown() }

    public func setThreads(_ n: Int) throws {
        guard n >= 1 && n <= 256 else { throw NetError("SetKernelStatus", "threads must be within 1...256, got \(n)") }
        threads = n
    }

    /// New seeds for the stimulus stream take effect from now; network and state seeds only shape
    /// what is built after the change (rebuild the network to apply them).
    public func setSeeds(_ s: Seeds) {
        let stimulusChanged = s.stimulus != seeds.stimulus
        seeds = s
        if stimulusChanged { seedStimulusStreams() }
    }

    public func setResolution(_ h: Double) throws {
        guard blocks.isEmpty else { throw NetError("SetKernelStatus", "resolution can only be changed before nodes are created (use ResetKernel)") }
        grid = try TimeGrid(resolution: h)
    }

    // MARK: models

    public static func models() -> [String] { ModelCatalog.all.map(\.name) }
    public func models() -> [String] { Kernel.models() + customModels.keys.sorted() }

    func resolve(_ model: String, function: String) throws -> (ModelSpec, [String: ParamValue]) {
        if let spec = ModelCatalog.spec(model) { return (spec, customModels[model]?.params ?? [:]) }
        if let custom = customModels[model], let spec = ModelCatalog.spec(custom.base) { return (spec, custom.params) }
        let hint = suggestion(for: model, among: models()).map { "; did you mean '\($0)'?" } ?? ""
        throw NetError(function, "unknown model '\(model)'\(hint)")
    }

    /// NEST's GetDefaults: every parameter netview implements, with NEST's values.
    public func defaults(of model: String) throws -> [(String, ParamValue)] {
        let (spec, overrides) = try resolve(model, function: "GetDefaults")
        var out = spec.params.map { ($0.name, overrides[$0.name] ?? $0.defaultValue) }
        if !spec.recordables.isEmpty { out.append(("recordables", .strings(spec.recordables))) }
        out.append(("model", .string(model)))
        return out.sorted { $0.0 < $1.0 }
    }

    public static func defaults(of model: String) throws -> [(String, ParamValue)] {
        try Kernel().defaults(of: model)
    }

    public func setDefaults(_ model: String, _ params: [String: ParamValue]) throws {
        let (spec, overrides) = try resolve(model, function: "SetDefaults")
        for (k, v) in params { try checkKey(spec, k, v, function: "SetDefaults") }
        let merged = overrides.merging(params) { $1 }
        try checkPrototype(spec, merged, function: "SetDefaults")
        let base = ModelCatalog.spec(model) != nil ? model : customModels[model]!.base
        customModels[model] = (base, merged)
    }

    /// Applies defaults to a throwaway node of the model, so that they pass the model's own
    /// rules (V_reset < V_th, start/stop on the grid, ...) when they are set, as NEST checks them
    /// on its prototype, not only when a node is created.
    func checkPrototype(_ spec: ModelSpec, _ params: [String: ParamValue], function: String) throws {
        guard let maker = ModelRegistry.makers[spec.name] else { return }
        switch maker {
        case let .neuron(make):
            let pop = make(1, grid)
            let changes: [(name: String, value: (Int) -> Double)] = params.sorted { $0.key < $1.key }.compactMap { k, v in
                if case .distribution = v { return nil }
                guard let x = v.number else { return nil }
                return (k, { _ in x })
            }
            do { try pop.set(changes, indices: [0]) } catch let e as NetError {
                throw NetError(function, model: spec.name, e.message)
            }
        case let .device(make):
            let d = make(spec, 0, grid)
            var next = d.params
            for (k, v) in params {
                if case let .number(x) = v, spec.param(k)?.kind == .numbers { next[k] = .numbers([x]) } else { next[k] = v }
            }
            if let why = d.violation(next) { throw NetError(function, model: spec.name, why) }
        }
    }

    public func copyModel(_ existing: String, _ new: String, _ params: [String: ParamValue] = [:]) throws {
        guard ModelCatalog.spec(new) == nil && customModels[new] == nil else {
            throw NetError("CopyModel", "model '\(new)' already exists")
        }
        let (spec, overrides) = try resolve(existing, function: "CopyModel")
        for (k, v) in params { try checkKey(spec, k, v, function: "CopyModel") }
        customModels[new] = (spec.name, overrides.merging(params) { $1 })
    }

    /// Checks a key and the type and range of its value against the model's table.
    public func checkKey(_ spec: ModelSpec, _ key: String, _ value: ParamValue, function: String) throws {
        if key == Kernel.eventCounter, spec.kind == .recorder {
            // NEST's RecordingDevice: the counter may only be zeroed, which forgets the events.
            guard case .number(0) = value else {
                throw NetError(function, model: spec.name, "Property n_events can only be set to 0 (which clears all stored events).")
            }
            return
        }
        guard let p = spec.param(key) else {
            if spec.readOnly.contains(key) { throw NetError(function, model: spec.name, "'\(key)' is read-only") }
            if spec.unsupported.contains(key) {
                throw NetError(function, model: spec.name, "'\(key)' is not supported by netview (dynamics it does not implement)")
            }
            let hint = suggestion(for: key, among: spec.paramNames).map { "; did you mean '\($0)'?" } ?? ""
            throw NetError(function, model: spec.name, "unknown parameter '\(key)'\(hint)")
        }
        switch (p.kind, value) {
        case let (.number, .number(x)):
            if let why = p.rule.check(x) { throw NetError(function, model: spec.name, "\(key) \(why), got \(formatNumber(x))") }
        case let (.number, .distribution(d)):
            guard spec.kind == .neuron else {
                throw NetError(function, model: spec.name, "\(key) cannot be a distribution for a device")
            }
            do { try d.validate() } catch let e as NetError { throw NetError(function, model: spec.name, "\(key): \(e.message)") }
        case (.bool, .bool), (.numbers, .numbers), (.strings, .strings), (.string, .string):
            break
        case (.numbers, .number):
            break
        default:
            let want: String
            switch p.kind {
            case .number: want = "a number"
            case .bool: want = "a boolean"
            case .numbers: want = "an array of numbers"
            case .strings: want = "an array of strings"
            case .string: want = "a string"
            }
            throw NetError(function, model: spec.name, "\(key) must be \(want), got \(value.typeName)")
        }
    }

    // MARK: nodes

    @discardableResult
    public func create(_ model: String, n: Int = 1, params: [String: ParamValue] = [:]) throws -> NodeCollection {
        let (spec, overrides) = try resolve(model, function: "Create")
        guard n >= 1 else { throw NetError("Create", model: model, "n must be >= 1, got \(n)") }
        guard n <= 100_000_000 else { throw NetError("Create", model: model, "n = \(n) is too large") }
        for (k, v) in params { try checkKey(spec, k, v, function: "Create") }
        guard let maker = ModelRegistry.makers[spec.name] else {
            throw NetError("Create", model: model, "no implementation is registered for this model")
        }
        let first = blockOf.count
        let block: NodeBlock
        switch maker {
        case let .neuron(make):
            let pop = make(n, grid)
            pop.firstID = first
            block = NodeBlock(model: model, baseModel: spec.name, kind: .neuron, firstID: first, count: n, index: populations.count)
            populations.append(pop)
            drivesByPop.append([])
        case let .device(make):
            block = NodeBlock(model: model, baseModel: spec.name, kind: spec.kind, firstID: first, count: n, index: devices.count)
            for k in 0..<n {
                let d = make(spec, first + k, grid)
                d.changed("", now: now)
                devices.append(d)
            }
        }
        let blockIndex = Int32(blocks.count)
        blocks.append(block)
        outgoing.append([])
        blockOf.append(contentsOf: repeatElement(blockIndex, count: n))
        spikeCounts.append(contentsOf: repeatElement(0, count: n))
        if spec.kind == .neuron { seedStimulusStreams(population: populations.count - 1) }
        let ids = block.ids
        let merged = overrides.merging(params) { $1 }
        if !merged.isEmpty {
            do { try setStatus(ids, merged, function: "Create") } catch {
                undoLastCreate()
                throw error
            }
        }
        return ids
    }

    private func undoLastCreate() {
        let b = blocks.removeLast()
        outgoing.removeLast()
        blockOf.removeLast(b.count)
        spikeCounts.removeLast(b.count)
        if b.kind == .neuron {
            populations.removeLast()
            drivesByPop.removeLast()
        } else {
            devices.removeLast(b.count)
        }
    }

    func block(of id: Int, function: String) throws -> NodeBlock {
        guard id >= 1 && id < blockOf.count else {
            throw NetError(function, "node \(id) does not exist (ids run from 1 to \(blockOf.count - 1))")
        }
        return blocks[Int(blockOf[id])]
    }

    public func blockInfo(of id: Int) -> NodeBlock? {
        id >= 1 && id < blockOf.count ? blocks[Int(blockOf[id])] : nil
    }

    func device(_ id: Int, _ b: NodeBlock) -> Device { devices[b.index + (id - b.firstID)] }

    public func spikeRecorder(_ id: Int) -> SpikeRecorder? {
        guard let b = blockInfo(of: id), b.kind == .recorder else { return nil }
        return device(id, b) as? SpikeRecorder
    }

    public func multimeter(_ id: Int) -> Multimeter? {
        guard let b = blockInfo(of: id), b.kind == .recorder else { return nil }
        return device(id, b) as? Multimeter
    }

    /// Whether every generator has stopped for good by `step` (Poisson and DC past their stop,
    /// spike generators past their last spike): from then on the network runs on its own.
    public func generatorsDone(at step: Int64) -> Bool {
        devices.allSatisfy { d in
            switch d {
            case let g as PoissonGenerator: return g.stopStep <= step
            case let g as DCGenerator: return g.stopStep <= step
            case let g as SpikeGenerator: return (g.stamps.last ?? 0) <= step
            default: return true
            }
        }
    }

    /// The most events any recorder or meter holds.
    public var largestRecording: Int {
        devices.reduce(0) { acc, d in max(acc, (d as? SpikeRecorder)?.eventCount ?? (d as? Multimeter)?.rows.count ?? 0) }
    }

    /// Keeps recorders bounded: drops every recorded event stamped at or before `stamp`, and the
    /// oldest while a recorder or meter holds more than `most`. Returns the last stamp dropped.
    @discardableResult
    public func forgetEvents(upTo stamp: Int64, keepingAtMost most: Int = .max) -> Int64? {
        var last: Int64?
        for d in devices {
            let dropped: Int64?
            if let r = d as? SpikeRecorder { dropped = r.forgetEvents(upTo: stamp, keepingAtMost: most) } else if let m = d as? Multimeter {
                dropped = m.forgetEvents(upTo: stamp, keepingAtMost: most)
            } else { dropped = nil }
            if let x = dropped { last = max(last ?? x, x) }
        }
        return last
    }

    /// Groups ids by block, in order: (block, local indices).
    func grouped(_ nodes: NodeCollection, function: String) throws -> [(NodeBlock, [Int])] {
        var out: [(NodeBlock, [Int])] = []
        for id in nodes.ids {
            let b = try block(of: id, function: function)
            if let last = out.last, last.0.firstID == b.firstID {
                out[out.count - 1].1.append(id - b.firstID)
            } else {
                out.append((b, [id - b.firstID]))
            }
        }
        return out
    }

    /// PyNEST's SetStatus: one value for all the nodes, or a distribution drawn per neuron from
    /// the state stream.
    public func setStatus(_ nodes: NodeCollection, _ params: [String: ParamValue], function: String = "SetStatus") throws {
        for (b, locals) in try grouped(nodes, function: function) {
            let (spec, _) = try resolve(b.model, function: function)
            for (k, v) in params { try checkKey(spec, k, v, function: function) }
            if b.kind == .neuron {
                let pop = populations[b.index]
                var changes: [(name: String, value: (Int) -> Double)] = []
                for (k, v) in params.sorted(by: { $0.key < $1.key }) {
                    switch v {
                    case let .distribution(d):
                        let tag = Kernel.nameHash(k)
                        let drawn = Dictionary(uniqueKeysWithValues: locals.map { i -> (Int, Double) in
                            var rng = RandomStream(seed: seeds.state, tag, UInt64(b.firstID + i), 6)
                            return (i, d.draw(&rng, seeds.normals))
                        })
                        changes.append((k, { drawn[$0]! }))
                    default:
                        let x = v.number ?? 0
                        changes.append((k, { _ in x }))
                    }
                }
                do { try pop.set(changes, indices: locals) } catch let e as NetError {
                    throw NetError(function, model: b.model, e.message)
                }
            } else {
                for i in locals {
                    let d = device(b.firstID + i, b)
                    var ordered = params.sorted { $0.key < $1.key }
                    // Times before the flags that allow them.
                    ordered.sort { a, _ in a.key == "allow_offgrid_times" || a.key == "shift_now_spikes" }
                    if d.spec.kind == .recorder, params["time_in_steps"] != nil, hasSimulated {
                        throw NetError(function, model: b.model, "Property time_in_steps cannot be set after Simulate has been called.")
                    }
                    let before = d.params
                    let zeroCounter = ordered.contains { $0.key == Kernel.eventCounter }
                    ordered.removeAll { $0.key == Kernel.eventCounter }
                    do {
                        for (k, v) in ordered {
                            var value = v
                            if case let .number(x) = v, d.spec.param(k)?.kind == .numbers { value = .numbers([x]) }
                            d.params[k] = value
                        }
                        if let why = d.violation(d.params) ?? d.violation(changing: Set(ordered.map(\.key)), from: before) {
                            d.params = before
                            throw NetError(function, model: b.model, why)
                        }
                        for (k, _) in ordered { d.changed(k, now: now) }
                        if zeroCounter { d.resetDynamicState() }
                    }
                }
            }
        }
    }

    /// PyNEST's GetStatus for one node.
    public func getStatus(_ id: Int) throws -> [(String, ParamValue)] {
        let b = try block(of: id, function: "GetStatus")
        let (spec, _) = try resolve(b.model, function: "GetStatus")
        var out: [(String, ParamValue)] = [("global_id", .number(Double(id))), ("model", .string(b.model))]
        if b.kind == .neuron {
            let pop = populations[b.index]
            for p in spec.params { if let v = pop.get(p.name, id - b.firstID) { out.append((p.name, v)) } }
        } else {
            let d = device(id, b)
            for p in spec.params { out.append((p.name, d.params[p.name] ?? p.defaultValue)) }
            if let r = d as? SpikeRecorder { out.append(("n_events", .number(Double(r.eventCount)))) }
            if let m = d as? Multimeter { out.append(("n_events", .number(Double(m.rows.count)))) }
        }
        return out
    }

    public func get(_ id: Int, _ key: String) throws -> ParamValue {
        let status = try getStatus(id)
        guard let v = status.first(where: { $0.0 == key })?.1 else {
            let b = try block(of: id, function: "GetStatus")
            throw NetError("GetStatus", model: b.model, "no parameter '\(key)'")
        }
        return v
    }

    /// A recorder's `n_events`: read as the number of events held, set only to 0 to forget them.
    static let eventCounter = "n_events"

    static func nameHash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    func seedStimulusStreams(population p: Int? = nil) {
        for (k, pop) in populations.enumerated() where p == nil || p == k {
            for i in 0..<pop.count {
                pop.stimulus[i] = RandomStream(seed: seeds.stimulus, 5, UInt64(pop.firstID + i)).state
            }
        }
    }

    /// NEST's ResetKernel: an empty kernel with the same resolution, seeds and threads.
    public func resetKernel() {
        now = 0
        blocks = []
        populations = []
        devices = []
        blockOf = [-1]
        outgoing = []
        routes = []
        routeStart = []
        workPlans = []
        drivesByPop = []
        connections = []
        minDelaySteps = Int.max
        maxDelaySteps = 0
        spikeCounts = [0]
        customModels = [:]
        initialState = nil
        halted = nil
    }

    /// The PyNEST 2 ResetNetwork: back to t = 0 and the state the network had when it was first
    /// simulated, connectivity and parameters kept, recorders emptied, stimulus streams reseeded.
    public func resetNetwork() {
        if let s = initialState { try? restoreDynamicState(s) }
        now = 0
        halted = nil
        for p in populations { p.input.clear() }
        for d in devices { d.resetDynamicState() }
        for i in spikeCounts.indices { spikeCounts[i] = 0 }
        seedStimulusStreams()
    }

    /// A printNetwork-style summary: nodes by block, then connections.
    public func printNetwork(names: [Int: String] = [:]) -> String {
        var lines: [String] = []
        for b in blocks {
            let label = names[b.firstID].map { "\($0): " } ?? ""
            lines.append("\(label)\(b.model) ids \(b.firstID)..\(b.firstID + b.count - 1) (\(b.count))")
        }
        for (k, c) in connections.enumerated() {
            lines.append(String(format: "connection %d: %@, %d synapses, indegree %d/%.2f/%d", k, c.rule, c.synapses,
                                c.indegree.min, c.indegree.mean, c.indegree.max))
        }
        return lines.joined(separator: "\n")
    }
}
