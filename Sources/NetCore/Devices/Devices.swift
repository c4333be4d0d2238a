import Foundation

/// A device node: a generator or a recorder. Its parameters are kept as values; the kernel reads
/// the numbers it needs through typed accessors.
public class Device: @unchecked Sendable {
    public let spec: ModelSpec
    public let id: Int
    var params: [String: ParamValue]
    var grid: TimeGrid

    init(spec: ModelSpec, id: Int, grid: TimeGrid) {
        self.spec = spec
        self.id = id
        self.grid = grid
        params = Dictionary(uniqueKeysWithValues: spec.params.map { ($0.name, $0.defaultValue) })
        refreshWindow()
    }

    func num(_ name: String) -> Double { params[name]?.number ?? 0 }

    /// Window bounds in steps, origin included; stop may be "never". Kept up to date by `changed`.
    private(set) var startStep: Int64 = 0
    private(set) var stopStep: Int64 = Int64.max / 4

    func refreshWindow() {
        startStep = grid.steps(num("start") + num("origin"))
        let s = num("stop")
        stopStep = s >= 1e300 ? Int64.max / 4 : grid.steps(s + num("origin"))
    }

    /// Checks a new value against the table and the device's own rules; applies it at `now`.
    func set(_ name: String, _ value: ParamValue, now: Int64) throws {
        var next = params
        next[name] = value
        if let why = violation(next) { throw NetError("SetStatus", model: spec.name, why) }
        params = next
        changed(name, now: now)
    }

    /// Called after a parameter changed; subclasses call super.
    func changed(_ name: String, now: Int64) { refreshWindow() }

    func violation(_ p: [String: ParamValue]) -> String? {
        // NEST's Device::Parameters_: on the grid, or so far out that they mean never.
        for name in ["origin", "start", "stop"] {
            if let t = p[name]?.number, t.isFinite, abs(t) < 9e15, !grid.isOnGrid(t) {
                return "\(name) must be a multiple of the simulation resolution (\(grid.resolution) ms), got \(formatNumber(t))"
            }
        }
        if let a = p["start"]?.number, let b = p["stop"]?.number, b < a { return "stop must be >= start" }
        if case let .string(to)? = p["record_to"], !["memory", "ascii"].contains(to) {
            return "record_to '\(to)' is not supported: netview records to memory and writes R.csv (use \"memory\" or \"ascii\")"
        }
        return nil
    }

    /// A rule about which keys one SetStatus changes together (checked after `violation`).
    func violation(changing keys: Set<String>, from before: [String: ParamValue]) -> String? { nil }

    func resetDynamicState() {}
}

/// A value that changes between runs, remembered with the step from which it holds, so that an
/// event emitted before a change and still in flight keeps the old value (as in NEST).
struct ValueHistory {
    private(set) var entries: [(from: Int64, value: Double)]

    init(_ v: Double) { entries = [(Int64.min, v)] }

    mutating func set(_ v: Double, from step: Int64) {
        entries.removeAll { $0.from >= step }
        entries.append((step, v))
        if entries.count > 64 { entries.removeFirst(entries.count - 64) }
    }

    @inline(__always)
    func value(at step: Int64) -> Double {
        var i = entries.count - 1
        while i > 0 && entries[i].from > step { i -= 1 }
        return entries[i].value
    }

    var current: Double { entries.last!.value }
}

/// `poisson_generator`: each target draws its own Poisson count every active step.
final class PoissonGenerator: Device, @unchecked Sendable {
    var rate: ValueHistory

    init(id: Int, grid: TimeGrid) {
        rate = ValueHistory(0)
        super.init(spec: ModelCatalog.poissonGenerator, id: id, grid: grid)
    }

    override func changed(_ name: String, now: Int64) {
        super.changed(name, now: now)
        if name == "rate" { rate.set(num("rate"), from: now) }
    }

    /// Active when the emitting step's left edge lies in (start, stop].
    @inline(__always)
    func isActive(emitStep s: Int64) -> Bool { startStep < s && s <= stopStep }

    override func resetDynamicState() { rate = ValueHistory(num("rate")) }
}

/// `dc_generator`: a current of `amplitude` pA between start and stop.
final class DCGenerator: Device, @unchecked Sendable {
    var amplitude: ValueHistory

    init(id: Int, grid: TimeGrid) {
        amplitude = ValueHistory(0)
        super.init(spec: ModelCatalog.dcGenerator, id: id, grid: grid)
    }

    override func changed(_ name: String, now: Int64) {
        super.changed(name, now: now)
        if name == "amplitude" { amplitude.set(num("amplitude"), from: now) }
    }

    /// NEST's current generators are active in step s when start < s + 2 <= stop (in steps).
    @inline(__always)
    func isActive(emitStep s: Int64) -> Bool { startStep < s + 2 && s + 2 <= stopStep }

    override func resetDynamicState() { amplitude = ValueHistory(num("amplitude")) }
}

/// `spike_generator`: spikes at given times, stamped at those times.
final class SpikeGenerator: Device, @unchecked Sendable {
    /// Spike times in steps, and their weights (1 without spike_weights).
    private(set) var stamps: [Int64] = []
    private(set) var weights: [Double] = []
    /// Spikes sent at each time (spike_multiplicities; 1 without it, 0 sends nothing).
    private(set) var multiplicities: [Int] = []
    var position = 0

    init(id: Int, grid: TimeGrid) {
        super.init(spec: ModelCatalog.spikeGenerator, id: id, grid: grid)
    }

    override func violation(_ p: [String: ParamValue]) -> String? {
        if let w = super.violation(p) { return w }
        if p["precise_times"]?.number ?? 0 != 0 {
            return "precise_times true needs NEST's precise-timing models (*_ps), which netview does not have"
        }
        guard case let .numbers(times)? = p["spike_times"] else { return nil }
        let offgrid = p["allow_offgrid_times"]?.number ?? 0 != 0
        var last = -Double.infinity
        for t in times {
            if !t.isFinite { return "spike_times must be finite, got \(formatNumber(t))" }
            if t < last { return "Spike times must be sorted in non-descending order (\(formatNumber(t)) after \(formatNumber(last)))." }
            last = t
            if !offgrid && !grid.isOnGrid(t) {
                return "Time point \(formatNumber(t)) is not representable in current resolution (\(formatNumber(grid.resolution)) ms; allow_offgrid_times rounds it up to the end of its step)."
            }
            if t == 0 && (p["shift_now_spikes"]?.number ?? 0) == 0 {
                return "spike time cannot be set to 0."
            }
        }
        if case let .numbers(w)? = p["spike_weights"], !w.isEmpty, w.count != times.count {
            return "spike_weights must be empty or as long as spike_times (\(w.count) vs \(times.count))"
        }
        if case let .numbers(m)? = p["spike_multiplicities"], !m.isEmpty {
            if m.count != times.count { return "spike_multiplicities must be empty or as long as spike_times (\(m.count) vs \(times.count))" }
            if let bad = m.first(where: { $0 < 0 || $0 != $0.rounded() || $0 > 1e9 }) {
                return "spike_multiplicities must be whole numbers from 0 to 1e9, got \(formatNumber(bad))"
            }
        }
        return nil
    }

    private static let flags = ["allow_offgrid_times", "shift_now_spikes", "precise_times"]

    override func violation(changing keys: Set<String>, from before: [String: ParamValue]) -> String? {
        let flagChanged = Self.flags.contains { keys.contains($0) && params[$0] != before[$0] }
        if flagChanged, !keys.contains("spike_times"), case let .numbers(t)? = before["spike_times"], !t.isEmpty {
            return "Options can only be set together with spike times or if no spike times have been set."
        }
        return nil
    }

    override func changed(_ name: String, now: Int64) {
        super.changed(name, now: now)
        if name == "spike_times" { placeOnGrid(now: now) }
        rebuild(now: now)
    }

    /// NEST's spike_generator keeps each time as a step: a time within half a tic of a step is
    /// that step; another (allowed by allow_offgrid_times) the end of the step it falls in
    /// (Time::ms_stamp); with shift_now_spikes, a spike at origin + t = now moves one step later.
    /// The times are kept as those steps' times, which is what GetStatus reports.
    private func placeOnGrid(now: Int64) {
        guard case let .numbers(times)? = params["spike_times"] else { return }
        let perStep = grid.ticsPerStep, origin = grid.tics(num("origin")) / perStep
        let shift = num("shift_now_spikes") != 0
        params["spike_times"] = .numbers(times.map { t in
            let tics = grid.tics(t)
            var step: Int64
            if tics % perStep == 0 {
                step = tics / perStep
            } else {
                var n = Int64(t * Double(TimeGrid.ticsPerMs))
                n -= n % perStep
                step = n / perStep
                if grid.ms(step) < t { step += 1 }
            }
            if shift && origin + step == now { step += 1 }
            return grid.ms(step)
        })
    }

    func rebuild(now: Int64) {
        guard case let .numbers(times)? = params["spike_times"] else { return }
        var w: [Double] = []
        if case let .numbers(ws)? = params["spike_weights"] { w = ws }
        // NEST emits at origin + t; times before now (or before t = 0) are never sent.
        let origin = grid.tics(num("origin")) / grid.ticsPerStep
        stamps = times.map { origin + grid.tics($0) / grid.ticsPerStep }
        weights = w.isEmpty ? Array(repeating: 1, count: stamps.count) : w
        // NEST sends a spike of multiplicity m: the target sees m times the weight, a recorder m rows.
        multiplicities = Array(repeating: 1, count: stamps.count)
        if case let .numbers(m)? = params["spike_multiplicities"], m.count == weights.count {
            for i in weights.indices {
                multiplicities[i] = Int(m[i])
                weights[i] *= m[i]
            }
        }
        position = stamps.firstIndex { $0 > now } ?? stamps.count
    }

    override func resetDynamicState() { rebuild(now: 0) }
}

/// `spike_recorder`: the spikes of the neurons connected to it.
public final class SpikeRecorder: Device, @unchecked Sendable {
    public private(set) var senders: [Int32] = []
    /// Spike times as step counts (the stamp: end of the step of the threshold crossing).
    public private(set) var stamps: [Int64] = []
    /// Which global ids feed this recorder.
    var sources: Set<Int> = []
    var sourceMask: [Bool] = []

    init(id: Int, grid: TimeGrid) {
        super.init(spec: ModelCatalog.spikeRecorder, id: id, grid: grid)
    }

    public var sourceIDs: [Int] { sources.sorted() }

    @inline(__always)
    func record(_ gid: Int, stamp: Int64) {
        if gid < sourceMask.count && sourceMask[gid] && startStep < stamp && stamp <= stopStep {
            senders.append(Int32(gid))
            stamps.append(stamp)
        }
    }

    /// Forgets recorded events (the bisection zeroes the count this way).
    public func clearEvents() {
        senders.removeAll(keepingCapacity: true)
        stamps.removeAll(keepingCapacity: true)
    }

    public var eventCount: Int { senders.count }

    /// Drops the events stamped at or before `stamp`, and the oldest while more than `most` are
    /// kept (events arrive in stamp order, so they are a prefix). Returns the last dropped stamp.
    @discardableResult
    public func forgetEvents(upTo stamp: Int64, keepingAtMost most: Int = .max) -> Int64? {
        let cut = max(stamps.firstIndex { $0 > stamp } ?? stamps.count, stamps.count - most)
        guard cut > 0 else { return nil }
        let last = stamps[cut - 1]
        senders.removeFirst(cut)
        stamps.removeFirst(cut)
        return last
    }

    func restore(senders: [Int32], stamps: [Int64]) {
        self.senders = senders
        self.stamps = stamps
    }

    override func resetDynamicState() { clearEvents() }
}

/// `multimeter` and `voltmeter`: sample state variables every `interval`.
public final class Multimeter: Device, @unchecked Sendable {
    public struct Row: Equatable, Sendable {
        public var sender: Int32
        public var stamp: Int64
        public var values: [Double]
    }

    /// Rows per worker thread, merged after each slice.
    var pending: [[Row]] = [[]]
    public private(set) var rows: [Row] = []
    /// Sampled neurons by population index: local indices, ascending.
    var targets: [Int: [Int]] = [:]
    /// Sampled current generators (dc_generator, recordable I): global ids, ascending.
    var generatorTargets: [Int] = []

    /// The global ids of the nodes the meter samples, given each population's first id.
    func sampledNodes(firstID: (Int) -> Int) -> Set<Int> {
        Set(targets.flatMap { pop, locals in locals.map { firstID(pop) + $0 } } + generatorTargets)
    }


    public var recordFrom: [String] {
        if case let .strings(s)? = params["record_from"] { return s }
        return []
    }

    private(set) var intervalSteps: Int64 = 10
    private(set) var offsetSteps: Int64 = 0

    override func changed(_ name: String, now: Int64) {
        super.changed(name, now: now)
        intervalSteps = max(1, grid.steps(num("interval")))
        offsetSteps = max(0, grid.steps(num("offset")))
    }

    override func violation(_ p: [String: ParamValue]) -> String? {
        if let w = super.violation(p) { return w }
        if let iv = p["interval"]?.number {
            if grid.tics(iv) < grid.ticsPerStep {
                return "The sampling interval must be at least as long as the simulation resolution (\(formatNumber(grid.resolution)) ms), got \(formatNumber(iv))."
            }
            if !grid.isOnGrid(iv) {
                return "The sampling interval must be a multiple of the simulation resolution (\(formatNumber(grid.resolution)) ms), got \(formatNumber(iv))."
            }
        }
        if let off = p["offset"]?.number, !grid.isOnGrid(off) {
            return "The offset for the sampling interval must be a multiple of the simulation resolution (\(formatNumber(grid.resolution)) ms), got \(formatNumber(off))."
        }
        return nil
    }

    override func violation(changing keys: Set<String>, from before: [String: ParamValue]) -> String? {
        // NEST's multimeter: what a connected meter samples, and when, is fixed.
        if targets.values.contains(where: { !$0.isEmpty }) || !generatorTargets.isEmpty, !keys.isDisjoint(with: ["interval", "offset", "record_from"]) {
            return "The recording interval, the interval offset and the list of properties to record cannot be changed after the multimeter has been connected to nodes."
        }
        return nil
    }

    @inline(__always)
    /// Samples at offset + k * interval (NEST's multimeter), inside start/stop.
    func samples(atStamp t: Int64) -> Bool {
        t >= offsetSteps && (t - offsetSteps) % intervalSteps == 0 && startStep < t && t <= stopStep
    }

    func merge() {
        for k in pending.indices where !pending[k].isEmpty {
            rows.append(contentsOf: pending[k])
            pending[k].removeAll(keepingCapacity: true)
        }
    }

    public func clearEvents() { rows.removeAll() }

    /// Drops the rows stamped at or before `stamp`, and the oldest while more than `most` are
    /// kept (rows arrive in stamp order, so they are a prefix). Returns the last dropped stamp.
    @discardableResult
    public func forgetEvents(upTo stamp: Int64, keepingAtMost most: Int = .max) -> Int64? {
        let cut = max(rows.firstIndex { $0.stamp > stamp } ?? rows.count, rows.count - most)
        guard cut > 0 else { return nil }
        let last = rows[cut - 1].stamp
        rows.removeFirst(cut)
        return last
    }

    func restore(rows: [Row]) { self.rows = rows }

    override func resetDynamicState() { clearEvents() }
}

extension ValueHistory {
    init(restoring e: [(from: Int64, value: Double)]) {
        self.init(e.last?.value ?? 0)
        for x in e { set(x.value, from: x.from) }
    }
}
