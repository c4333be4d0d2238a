import Foundation

/// `aeif_cond_exp`: the adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005)
/// with exponential conductances (weights in nS), integrated with GSL's RKF45 as NEST does:
/// spikes are detected after every substep, so adaptation follows each spike at once.
final class AeifCondExp: NeuronPopulation, @unchecked Sendable {
    /// State per neuron, a column per variable: V_m, g_ex, g_in, w.
    let vars: [Column<Double>]
    let y: StateColumns
    let iStim: Column<Double>
    let hInt: Column<Double>
    let refCounts: Column<Int32>
    /// Derived per cell in `prepare`: 1/Delta_T and g_L Delta_T (both 0 when Delta_T is 0), 1/C_m,
    /// 1/tau_syn_ex, 1/tau_syn_in, 1/tau_w, and the potential that counts as a spike.
    let derived: [Column<Double>]
    /// Within a step: the time a cell has reached after its first pass, and the cells left for the
    /// second pass (each worker uses the part of the list from its first cell on).
    let tPartial: Column<Double>
    let unfinished: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        let d = ModelCatalog.aeifCondExp
        vars = [d.param("V_m")!.defaultValue.number!, 0, 0, 0].map { Column(count: count, repeating: $0) }
        y = StateColumns(vars)
        iStim = Column(count: count, repeating: 0)
        hInt = Column(count: count, repeating: grid.resolution)
        refCounts = Column(count: count, repeating: 0)
        derived = (0..<7).map { _ in Column(count: count, repeating: 0) }
        tPartial = Column(count: count, repeating: 0)
        unfinished = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    /// The right-hand side for a group of cells; the inverses come from `prepare`.
    struct Field: LaneField {
        var refractory: LaneMask
        let vReset: Lane, vPeak: Lane, vTh: Lane, invDeltaT: Lane, gLDeltaT: Lane, gL: Lane, eL: Lane
        let eEx: Lane, eIn: Lane, iTotal: Lane, invCm: Lane, invTauEx: Lane, invTauIn: Lane
        let a: Lane, invTauW: Lane
        @inline(__always)
        func f(_ y: LaneState) -> LaneState {
            let v = vmin(y.x0, vPeak).replacing(with: vReset, where: refractory)
            let iSynEx = y.x1 * (v - eEx)
            let iSynIn = y.x2 * (v - eIn)
            // Delta_T = 0 (the plain integrate-and-fire limit) has gLDeltaT = invDeltaT = 0: no spike current.
            // The other currents are summed while e^x is computed, the spike current added last.
            let rest = iTotal - iSynEx - iSynIn - y.x3 - gL * (v - eL)
            let dv = (rest.addingProduct(gLDeltaT, laneExp((v - vTh) * invDeltaT)) * invCm)
                .replacing(with: 0, where: refractory)
            return LaneState(dv, -y.x1 * invTauEx, -y.x2 * invTauIn, (a * (v - eL) - y.x3) * invTauW)
        }
    }

    override var stateNames: [String] { ["V_m", "g_ex", "g_in", "w"] }
    override func getState(_ name: String, _ i: Int) -> Double { vars[variable(name)][i] }
    override func setState(_ name: String, _ i: Int, _ x: Double) { vars[variable(name)][i] = x }
    private func variable(_ name: String) -> Int {
        switch name {
        case "g_ex": return 1
        case "g_in": return 2
        case "w": return 3
        default: return 0
        }
    }
    override var extraState: [String: [Double]] { ["I_stim": iStim.array, "h_int": hInt.array] }
    override func restoreExtra(_ name: String, _ values: [Double]) {
        let c = name == "I_stim" ? iStim : hInt
        for (i, x) in values.enumerated() where i < count { c[i] = x }
    }

    override func violation(_ i: Int) -> String? {
        let dT = col("Delta_T")[i], vPeak = col("V_peak")[i], vTh = col("V_th")[i]
        if vPeak < vTh { return "V_peak must be >= V_th" }
        if col("V_reset")[i] >= vPeak { return "V_reset must be < V_peak" }
        if dT > 0 && (vPeak - vTh) / dT >= log(Double.greatestFiniteMagnitude / 1e20) {
            return "(V_peak - V_th) / Delta_T is too large: exp((V_peak - V_th) / Delta_T) would overflow"
        }
        if col("ignore_and_spike")[i] != 0 { return "ignore_and_spike is not supported by netview" }
        return nil
    }

    /// Column pointers the update reads, fetched once by name in `prepare`.
    struct Hot {
        var E_L: UnsafeMutablePointer<Double>
        var E_ex: UnsafeMutablePointer<Double>
        var E_in: UnsafeMutablePointer<Double>
        var I_e: UnsafeMutablePointer<Double>
        var V_peak: UnsafeMutablePointer<Double>
        var V_reset: UnsafeMutablePointer<Double>
        var V_th: UnsafeMutablePointer<Double>
        var a: UnsafeMutablePointer<Double>
        var b: UnsafeMutablePointer<Double>
        var g_L: UnsafeMutablePointer<Double>
        var gsl_error_tol: UnsafeMutablePointer<Double>
        var invDeltaT: UnsafeMutablePointer<Double>
        var gLDeltaT: UnsafeMutablePointer<Double>
        var invCm: UnsafeMutablePointer<Double>
        var invTauEx: UnsafeMutablePointer<Double>
        var invTauIn: UnsafeMutablePointer<Double>
        var invTauW: UnsafeMutablePointer<Double>
        var spikeAt: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    override func prepare() throws {
        let d = derived.map(\.ptr)
        hot = Hot(E_L: col("E_L"), E_ex: col("E_ex"), E_in: col("E_in"), I_e: col("I_e"), V_peak: col("V_peak"),
                  V_reset: col("V_reset"), V_th: col("V_th"), a: col("a"), b: col("b"), g_L: col("g_L"),
                  gsl_error_tol: col("gsl_error_tol"), invDeltaT: d[0], gLDeltaT: d[1], invCm: d[2],
                  invTauEx: d[3], invTauIn: d[4], invTauW: d[5], spikeAt: d[6])
        let dT = col("Delta_T"), gL = col("g_L"), cm = col("C_m"), tEx = col("tau_syn_ex"), tIn = col("tau_syn_in")
        let tauW = col("tau_w"), vPeak = col("V_peak"), vTh = col("V_th"), tRef = col("t_ref")
        for i in 0..<count {
            refCounts[i] = refractorySteps(tRef[i])
            let exponential = dT[i] > 0
            d[0][i] = exponential ? 1 / dT[i] : 0
            d[1][i] = exponential ? gL[i] * dT[i] : 0
            d[2][i] = 1 / cm[i]
            d[3][i] = 1 / tEx[i]
            d[4][i] = 1 / tIn[i]
            d[5][i] = 1 / tauW[i]
            d[6][i] = exponential ? vPeak[i] : vTh[i]
        }
        prepared = true
    }

    /// A step in two passes. First every group of four consecutive cells takes one accepted
    /// substep; most cells have then finished the step. The cells that need more substeps (near a
    /// spike, after an input) are then packed four to a group and finished together, so that no lane
    /// idles while a neighbour works through its substeps. Each cell takes exactly the substeps it
    /// would take alone.
    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let p = hot!
        let first = spikes.count
        let waiting = unfinished.ptr + lo  // this worker's part of the scratch list
        var count = 0
        for i in stride(from: lo, to: hi, by: laneWidth) {
            let cells = CellRun(first: i, n: min(laneWidth, hi - i))
            let left = try advance(cells, p, slot: slot, resuming: false, spikes: &spikes)
            if anyLane(left) {
                for k in 0..<cells.n where left[k] {
                    waiting[count] = Int32(i + k)
                    count += 1
                }
            }
        }
        for j in stride(from: 0, to: count, by: laneWidth) {
            _ = try advance(CellList(waiting, from: j, count: count - j), p, slot: slot, resuming: true,
                            spikes: &spikes)
        }
        if count > 0 && spikes.count > first { spikes[first...].sort() }
    }

    /// Advances a group's cells through the step, or (unless `resuming`) only through their first
    /// accepted substep; returns the lanes whose cells have not finished the step. A cell that has
    /// finished gets the step's input and its next stimulus.
    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ p: Hot, slot: Int, resuming: Bool,
                                       spikes: inout [Int32]) throws -> LaneMask {
        let h = grid.resolution
        let r = refractory.ptr
        let vReset = cells.load(p.V_reset), spikeAt = cells.load(p.spikeAt)
        let tol = cells.load(p.gsl_error_tol)
        let ctl = ControlYP(epsAbs: tol, epsRel: tol)
        var rCount = cells.load(r)
        let refCount = cells.load(refCounts.ptr)
        var field = Field(refractory: rCount .> 0, vReset: vReset, vPeak: cells.load(p.V_peak), vTh: cells.load(p.V_th),
                          invDeltaT: cells.load(p.invDeltaT), gLDeltaT: cells.load(p.gLDeltaT), gL: cells.load(p.g_L),
                          eL: cells.load(p.E_L), eEx: cells.load(p.E_ex), eIn: cells.load(p.E_in),
                          iTotal: cells.load(p.I_e) + cells.load(iStim.ptr), invCm: cells.load(p.invCm),
                          invTauEx: cells.load(p.invTauEx), invTauIn: cells.load(p.invTauIn), a: cells.load(p.a),
                          invTauW: cells.load(p.invTauW))
        let b = cells.load(p.b)
        var state = cells.load(y)
        var t = resuming ? cells.load(tPartial.ptr) : Lane(repeating: 0)
        var hStep = cells.load(hInt.ptr)
        var active = cells.valid
        var k1 = field.f(state)
        repeat {
            k1 = RKF45.evolve(field, ctl, t: &t, t1: h, h: &hStep, y: &state, k1: k1, active: active)
            let unstable = active .& ((state.x0 .< -1e3) .| (state.x3 .< -1e6) .| (state.x3 .> 1e6)
                .| (state.x0 .!= state.x0))
            if anyLane(unstable) {
                cells.store(state, y)
                let k = (0..<cells.n).first { unstable[$0] }!
                throw NetError("Simulate", model: spec.name,
                               "NumericalInstability in neuron \(firstID + cells.cell(k)): V_m \(state.x0[k]) mV, w \(state.x3[k]) pA")
            }
            // Spikes are detected after every substep, so adaptation follows each spike at once.
            state.x0.replace(with: vReset, where: active .& field.refractory)
            let spiking = active .& .!field.refractory .& (state.x0 .>= spikeAt)
            if anyLane(spiking) {
                state.x0.replace(with: vReset, where: spiking)
                state.x3.replace(with: state.x3 + b, where: spiking)
                let counted = (refCount &+ 1).replacing(with: 0, where: refCount .<= 0)
                rCount.replace(with: counted, where: spiking)
                field.refractory = rCount .> 0
                k1 = k1.replacing(with: field.f(state), where: spiking)
                for k in 0..<cells.n where spiking[k] { spikes.append(Int32(cells.cell(k))) }
            }
            active = active .& (t .< h)
        } while resuming && anyLane(active)
        // The end of the step for the cells that are through it: refractory count, the step's
        // input, the stimulus of the next step.
        let done = cells.valid .& .!active
        let ex = input.row(0, slot), inh = input.row(1, slot), cur = input.row(2, slot)
        state = state.flushingTiny(where: done)
        rCount.replace(with: rCount &- 1, where: done .& (rCount .> 0))
        state.x1.replace(with: state.x1 + cells.take(ex, where: done), where: done)
        state.x2.replace(with: state.x2 - cells.take(inh, where: done), where: done)
        cells.store(cells.take(cur, where: done), iStim.ptr, where: done)
        cells.store(state, y)
        cells.store(hStep, hInt.ptr)
        cells.store(rCount, r)
        if anyLane(active) { cells.store(t, tPartial.ptr) }
        return active
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.resolution)
    }
}
