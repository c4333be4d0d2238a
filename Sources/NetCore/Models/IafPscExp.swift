import Foundation

/// `iaf_psc_exp`: exact integration with exponentially decaying synaptic currents (weights in pA).
final class IafPscExp: NeuronPopulation, @unchecked Sendable {
    let v: Column<Double>, iStim: Column<Double>, iEx: Column<Double>, iIn: Column<Double>
    let p11ex: Column<Double>, p11in: Column<Double>, p22: Column<Double>
    let p21ex: Column<Double>, p21in: Column<Double>, p20: Column<Double>
    let vth: Column<Double>, vreset: Column<Double>
    let refCounts: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        func c() -> Column<Double> { Column(count: count, repeating: 0) }
        v = c(); iStim = c(); iEx = c(); iIn = c()
        p11ex = c(); p11in = c(); p22 = c(); p21ex = c(); p21in = c(); p20 = c(); vth = c(); vreset = c()
        refCounts = Column(count: count, repeating: 0)
        super.init(spec: ModelCatalog.iafPscExp, count: count, grid: grid)
    }

    override var stateNames: [String] { ["V_m", "I_syn_ex", "I_syn_in"] }
    override func getState(_ name: String, _ i: Int) -> Double {
        switch name {
        case "I_syn_ex": return iEx[i]
        case "I_syn_in": return iIn[i]
        default: return v[i] + col("E_L")[i]
        }
    }
    override func setState(_ name: String, _ i: Int, _ x: Double) {
        switch name {
        case "I_syn_ex": iEx[i] = x
        case "I_syn_in": iIn[i] = x
        default: v[i] = x - col("E_L")[i]
        }
    }
    override func shiftResting(_ i: Int, by delta: Double) { v[i] -= delta }
    /// V_rel: V_m - E_L as kept (V_m + E_L - E_L is not always V_rel in floating point).
    override var extraColumns: [String: Column<Double>] { ["I_stim": iStim, "V_rel": v] }

    override func violation(_ i: Int) -> String? {
        if col("V_reset")[i] >= col("V_th")[i] { return "V_reset must be < V_th (reset potential must be below threshold)" }
        return nil
    }

    /// Column pointers the update reads, fetched once by name in `prepare`.
    struct Hot {
        var I_e: UnsafeMutablePointer<Double>
        var delta: UnsafeMutablePointer<Double>
        var rho: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    /// The update's parameters when every cell has the same ones and a deterministic threshold
    /// (NEST's default, and every population of the cortical microcircuit): the update then reads
    /// them once, not once a cell and step, and streams half the bytes a step.
    struct Shared {
        var p22 = 0.0, p21ex = 0.0, p21in = 0.0, p20 = 0.0, p11ex = 0.0, p11in = 0.0, ie = 0.0, vth = 0.0, vreset = 0.0
        var refCount: Int32 = 0
    }
    private(set) var shared: Shared?

    override func prepare() throws {
        hot = Hot(I_e: col("I_e"), delta: col("delta"), rho: col("rho"))
        let h = grid.stepMs
        let el = col("E_L"), tau = col("tau_m"), cm = col("C_m"), tex = col("tau_syn_ex"), tin = col("tau_syn_in")
        for i in 0..<count {
            p11ex[i] = exp(-h / tex[i])
            p11in[i] = exp(-h / tin[i])
            p22[i] = exp(-h / tau[i])
            p21ex[i] = IafPropagator(tauSyn: tex[i], tauM: tau[i], cm: cm[i]).p32(h).p32
            p21in[i] = IafPropagator(tauSyn: tin[i], tauM: tau[i], cm: cm[i]).p32(h).p32
            p20[i] = tau[i] / cm[i] * (1 - p22[i])
            vth[i] = col("V_th")[i] - el[i]
            vreset[i] = col("V_reset")[i] - el[i]
            refCounts[i] = refractorySteps(col("t_ref")[i])
        }
        shared = findShared()
        prepared = true
    }

    private func findShared() -> Shared? {
        guard count > 0 else { return nil }
        let s = Shared(p22: p22[0], p21ex: p21ex[0], p21in: p21in[0], p20: p20[0], p11ex: p11ex[0], p11in: p11in[0],
                       ie: hot.I_e[0], vth: vth[0], vreset: vreset[0], refCount: refCounts[0])
        for i in 0..<count {
            guard hot.delta[i] < 1e-10, p22[i] == s.p22, p21ex[i] == s.p21ex, p21in[i] == s.p21in, p20[i] == s.p20,
                  p11ex[i] == s.p11ex, p11in[i] == s.p11in, hot.I_e[i] == s.ie, vth[i] == s.vth, vreset[i] == s.vreset,
                  refCounts[i] == s.refCount else { return nil }
        }
        return s
    }

    /// Where the update finds a parameter of four cells: in their columns, or shared by all.
    private protocol Params {
        /// `column`'s four values from `c`, or `value` in every lane.
        func lanes(_ column: UnsafeMutablePointer<Double>, _ value: Double, _ c: CellRun) -> Lane
        func lanes(_ column: UnsafeMutablePointer<Int32>, _ value: Int32, _ c: CellRun) -> LaneInt
        /// Whether the four cells' thresholds are deterministic.
        func deterministic(_ delta: UnsafeMutablePointer<Double>, _ c: CellRun) -> Bool
    }

    private struct PerCell: Params {
        @inline(__always) func lanes(_ column: UnsafeMutablePointer<Double>, _ value: Double, _ c: CellRun) -> Lane { c.load(column) }
        @inline(__always) func lanes(_ column: UnsafeMutablePointer<Int32>, _ value: Int32, _ c: CellRun) -> LaneInt { c.load(column) }
        @inline(__always) func deterministic(_ delta: UnsafeMutablePointer<Double>, _ c: CellRun) -> Bool {
            allLanes(c.load(delta) .< Lane(repeating: 1e-10))
        }
    }

    private struct AllShared: Params {
        @inline(__always) func lanes(_ column: UnsafeMutablePointer<Double>, _ value: Double, _ c: CellRun) -> Lane { Lane(repeating: value) }
        @inline(__always) func lanes(_ column: UnsafeMutablePointer<Int32>, _ value: Int32, _ c: CellRun) -> LaneInt { LaneInt(repeating: Int64(value)) }
        @inline(__always) func deterministic(_ delta: UnsafeMutablePointer<Double>, _ c: CellRun) -> Bool { true }
    }

    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        if shared != nil { update(lo, hi, slot: slot, spikes: &spikes, AllShared()) } else { update(lo, hi, slot: slot, spikes: &spikes, PerCell()) }
    }

    @inline(__always)
    private func update<P: Params>(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32], _ params: P) {
        let ex = input.row(0, slot), inh = input.row(1, slot), cur = input.row(2, slot)
        let ie = hot.I_e, delta = hot.delta, rho = hot.rho
        let v = v.ptr, i0 = iStim.ptr, r = refractory.ptr, iEx = iEx.ptr, iIn = iIn.ptr, streams = stimulus.ptr
        let p22 = p22.ptr, p21ex = p21ex.ptr, p21in = p21in.ptr, p20 = p20.ptr, p11ex = p11ex.ptr, p11in = p11in.ptr
        let vth = vth.ptr, vreset = vreset.ptr, refCounts = refCounts.ptr
        let h = grid.stepMs
        let s = shared ?? Shared()
        /// One cell, any threshold.
        @inline(__always)
        func one(_ i: Int) {
            var x = v[i]
            if r[i] == 0 {
                x = x * p22[i] + iEx[i] * p21ex[i] + iIn[i] * p21in[i] + (ie[i] + i0[i]) * p20[i]
            } else {
                r[i] -= 1
            }
            iEx[i] *= p11ex[i]
            iIn[i] *= p11in[i]
            iEx[i] += ex[i]
            iIn[i] += inh[i]
            iEx[i] = flushTiny(iEx[i])
            iIn[i] = flushTiny(iIn[i])
            ex[i] = 0
            inh[i] = 0
            // NEST's threshold: deterministic for delta < 1e-10, else escape noise with rate
            // rho * exp((V - V_th) / delta), tested every step (also while refractory, as NEST does),
            // with a uniform from the neuron's own stimulus stream (the same for any thread count).
            let fires: Bool
            if delta[i] < 1e-10 {
                fires = x >= vth[i]
            } else if delta[i] > 1e-10 {
                var s = RandomStream(state: streams[i])
                fires = s.uniform() < rho[i] * exp(1 / delta[i] * (x - vth[i])) * h * 1e-3
                streams[i] = s.state
            } else {
                fires = false
            }
            if fires {
                r[i] = refCounts[i]
                x = vreset[i]
                spikes.append(Int32(i))
            }
            v[i] = x
            i0[i] = cur[i]
            cur[i] = 0
        }
        // Four cells at a time where all four have a deterministic threshold: the same operations
        // lane by lane, so the same numbers.
        let all = LaneMask(repeating: true)
        var i = lo
        while i + laneWidth <= hi {
            let c = CellRun(first: i)
            guard params.deterministic(delta, c) else {
                for k in i..<(i + laneWidth) { one(k) }
                i += laneWidth
                continue
            }
            var x = c.load(v), rc = c.load(r)
            let free = rc .== LaneInt(repeating: 0)
            let integrated = x * params.lanes(p22, s.p22, c) + c.load(iEx) * params.lanes(p21ex, s.p21ex, c)
                + c.load(iIn) * params.lanes(p21in, s.p21in, c) + (params.lanes(ie, s.ie, c) + c.load(i0)) * params.lanes(p20, s.p20, c)
            x = select(free, integrated, x)
            rc = select(free, rc, rc &- 1)
            c.store(flushTiny(c.load(iEx) * params.lanes(p11ex, s.p11ex, c) + c.load(ex), where: all), iEx)
            c.store(flushTiny(c.load(iIn) * params.lanes(p11in, s.p11in, c) + c.load(inh), where: all), iIn)
            c.store(Lane(), ex)
            c.store(Lane(), inh)
            let fires = x .>= params.lanes(vth, s.vth, c)
            if anyLane(fires) {
                rc = select(fires, params.lanes(refCounts, s.refCount, c), rc)
                x = select(fires, params.lanes(vreset, s.vreset, c), x)
                for k in 0..<laneWidth where fires[k] { spikes.append(Int32(i + k)) }
            }
            c.store(rc, r)
            c.store(x, v)
            c.store(c.load(cur), i0)
            c.store(Lane(), cur)
            i += laneWidth
        }
        while i < hi {
            one(i)
            i += 1
        }
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
    }
}
