import Foundation

/// One population of one neuron model: a structure of arrays, updated in one loop per step.
/// Subclasses (one file per model) hold their state and propagators and implement `update`.
public class NeuronPopulation: @unchecked Sendable {
    public let spec: ModelSpec
    public let count: Int
    /// Global id of the first neuron.
    public internal(set) var firstID = 1
    /// Parameters, one column per entry of `spec.params` that is not a state variable.
    var columns: [Column<Double>]
    let columnIndex: [String: Int]
    /// Remaining refractory steps.
    let refractory: Column<Int32>
    /// Per-neuron stimulus stream (Poisson drive).
    let stimulus: Column<UInt64>
    let input: InputBuffer
    var grid: TimeGrid
    var prepared = false

    /// Input channels: 0 excitatory (or all, for delta synapses), 1 inhibitory, last the current.
    class var channelCount: Int { 3 }
    var currentChannel: Int { input.channels - 1 }

    init(spec: ModelSpec, count: Int, grid: TimeGrid) {
        self.spec = spec
        self.count = count
        self.grid = grid
        var cols: [Column<Double>] = []
        var index: [String: Int] = [:]
        for p in spec.params where !p.isState {
            index[p.name] = cols.count
            cols.append(Column(count: count, repeating: p.defaultValue.number ?? 0))
        }
        columns = cols
        columnIndex = index
        refractory = Column(count: count, repeating: 0)
        stimulus = Column(count: count, repeating: 0)
        input = InputBuffer(channels: Self.channelCount, n: count)
    }

    @inline(__always)
    func col(_ name: String) -> UnsafeMutablePointer<Double> { columns[columnIndex[name]!].ptr }

    /// Which input channel a weight lands in: NEST's sign rule.
    @inline(__always)
    func channel(forWeight w: Double) -> Int { singleSpikeChannel || w > 0 ? 0 : 1 }
    /// Delta synapses: one input channel for both signs.
    var singleSpikeChannel: Bool { input.channels == 2 }

    // MARK: for subclasses

    /// Computes propagators and other derived values after a parameter change.
    func prepare() throws { prepared = true }

    /// Advances neurons `lo..<hi` through one step, reading and clearing input `slot`; appends the
    /// local index of each neuron that spiked (twice if it spiked twice).
    func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {}

    var stateNames: [String] { [] }
    func getState(_ name: String, _ i: Int) -> Double { 0 }
    func setState(_ name: String, _ i: Int, _ v: Double) {}
    /// Keeps absolute potentials when E_L moves (NEST stores them relative to E_L).
    func shiftResting(_ i: Int, by delta: Double) {}
    /// Called after `set` changed parameter `name` of the neurons `indices` (not for state variables):
    /// for state that NEST initializes when a parameter is set.
    func parameterSet(_ name: String, indices: [Int]) {}
    /// A per-neuron cross-parameter rule, or nil when all is well.
    func violation(_ i: Int) -> String? { nil }
    /// Extra dynamic state beyond the state variables (integration steps...), for snapshots.
    /// Internal columns a session holds beyond the named state variables, as the model keeps
    /// them (so a resumed run continues bit for bit), by name.
    var extraColumns: [String: Column<Double>] { [:] }
    var extraState: [String: [Double]] { extraColumns.mapValues(\.array) }
    /// Puts an internal column back; false for a name the model does not have.
    func restoreExtra(_ name: String, _ values: [Double]) -> Bool {
        guard let c = extraColumns[name] else { return false }
        for (i, x) in values.enumerated() where i < count { c[i] = x }
        return true
    }

    // MARK: parameters

    public func get(_ name: String, _ i: Int) -> ParamValue? {
        if let c = columnIndex[name] {
            let v = columns[c][i]
            return spec.param(name)?.kind == .bool ? .bool(v != 0) : .number(v)
        }
        if stateNames.contains(name) { return .number(getState(name, i)) }
        return nil
    }

    public func number(_ name: String, _ i: Int) -> Double? { get(name, i)?.number }

    /// Sets parameters and state variables of the neurons `indices` (each change a name and a value
    /// per neuron), checking each parameter's rule and then the model's cross-parameter rules over the
    /// whole change: on any error nothing changes.
    func set(_ changes: [(name: String, value: (Int) -> Double)], indices: [Int]) throws {
        for (name, value) in changes {
            guard let p = spec.param(name) else {
                throw NetError("SetStatus", model: spec.name, "unknown parameter '\(name)'")
            }
            for i in indices {
                let v = value(i)
                if let why = p.rule.check(v) {
                    throw NetError("SetStatus", model: spec.name, "\(name) \(why), got \(formatNumber(v))")
                }
            }
        }
        // E_L first: the potentials given with it are absolute.
        let ordered = changes.filter { $0.name == "E_L" } + changes.filter { $0.name != "E_L" }
        var undo: [() -> Void] = []
        for (name, value) in ordered {
            let p = spec.param(name)!
            if p.isState {
                for i in indices {
                    let old = getState(name, i)
                    undo.append { self.setState(name, i, old) }
                    setState(name, i, value(i))
                }
                continue
            }
            let c = columns[columnIndex[name]!]
            for i in indices {
                let old = c[i]
                let v = value(i)
                if name == "E_L" {
                    shiftResting(i, by: v - old)
                    undo.append { self.shiftResting(i, by: old - v) }
                }
                undo.append { c[i] = old }
                c[i] = v
            }
        }
        for i in indices {
            if let why = violation(i) {
                for u in undo.reversed() { u() }
                throw NetError("SetStatus", model: spec.name, why)
            }
        }
        for (name, _) in ordered where !spec.param(name)!.isState { parameterSet(name, indices: indices) }
        prepared = false
    }

    /// A reader of one recordable for the multimeter.
    func reader(_ name: String) -> ((Int) -> Double)? {
        guard spec.recordables.contains(name) else { return nil }
        return { [unowned self] i in self.getState(name, i) }
    }

    /// A refractory period in steps, at most 2^31-1 (longer ones are that long: the neuron stays
    /// silent for 2^31-1 steps, 59 hours of model time at 0.1 ms).
    func refractorySteps(_ tref: Double) -> Int32 { Int32(clamping: grid.durationSteps(tref)) }

    func resetDynamicState() {
        input.clear()
        refractory.fill(0)
    }
}
