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
    /// What a step reads of the parameters, for each group of four consecutive cells (`prepare`).
    let params: Column<Params>
    /// Within a step: the time a cell has reached after its first pass, and the cells left for the
    /// second pass (each worker uses the part of the list from its first cell on).
    let tPartial: Column<Double>
    let unfinished: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        let d = ModelCatalog.aeifCondExp
        vars = [d.param("V_m")!.defaultValue.number!, 0, 0, 0].map { Column(count: count, repeating: $0) }
        y = StateColumns(vars)
        iStim = Column(count: count, repeating: 0)
        hInt = Column(count: count, repeating: grid.stepMs)
        refCounts = Column(count: count, repeating: 0)
        params = Column(count: (count + laneWidth - 1) / laneWidth, repeating: Params())
        tPartial = Column(count: count, repeating: 0)
        unfinished = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    /// The parameters of a group of cells lane by lane, with two derived ones: g_L Delta_T, and
    /// Delta_T itself made infinite where it is 0 (the plain integrate-and-fire limit), so that the
    /// spike current is g_L Delta_T e^0 = 0 there, as NEST's is.
    struct Params: LaneParams {
        var vReset = Lane(), vPeak = Lane(), vTh = Lane(), deltaT = Lane(), gLDeltaT = Lane(), gL = Lane()
        var eL = Lane(), eEx = Lane(), eIn = Lane(), iE = Lane(), cm = Lane(), tauEx = Lane()
        var tauIn = Lane(), a = Lane(), tauW = Lane(), b = Lane(), spikeAt = Lane(), tol = Lane()
    }

    /// The right-hand side for a group of cells, reading its parameters in place: NEST's
    /// `aeif_cond_exp_dynamics` operation for operation (the currents summed in its order, divisions
    /// where it divides, the C library's exp), so that each lane computes the doubles NEST computes.
    struct Field: LaneField {
        let q: UnsafePointer<Params>
        var refractory: LaneMask
        let iStim: Lane
        let expTable: UnsafePointer<UInt64>?
        @inline(__always)
        func f(_ y: LaneState) -> LaneState {
            let p = q.pointee
            let v = select(refractory, p.vReset, vmin(y.x0, p.vPeak))
            let iSynEx = y.x1 * (v - p.eEx)
            let iSynIn = y.x2 * (v - p.eIn)
            let iSpike = p.gLDeltaT * laneExp((v - p.vTh) / p.deltaT, table: expTable)
            var sum = -p.gL * (v - p.eL) + iSpike
            sum = sum - iSynEx
            sum = sum - iSynIn
            sum = sum - y.x3
            sum = sum + p.iE
            sum = sum + iStim
            let dv = select(refractory, Lane(), sum / p.cm)
            return LaneState(dv, -y.x1 / p.tauEx, -y.x2 / p.tauIn, (p.a * (v - p.eL) - y.x3) / p.tauW)
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
    override var extraColumns: [String: Column<Double>] { ["I_stim": iStim, "h_int": hInt] }

    override func violation(_ i: Int) -> String? {
        let dT = col("Delta_T")[i], vPeak = col("V_peak")[i], vTh = col("V_th")[i]
        if vPeak < vTh { return "V_peak must be >= V_th" }
        if col("V_reset")[i] >= vPeak { return "V_reset must be < V_peak" }
        if dT > 0 && (vPeak - vTh) / dT >= log(Double.greatestFiniteMagnitude / 1e20) {
            return "(V_peak - V_th) / Delta_T is too large: exp((V_peak - V_th) / Delta_T) would overflow"
        }
        return nil
    }

    /// The table of `LaneExp.vector` if it gives the C library's e^x on this machine (found in `prepare`).
    private var expTable: UnsafePointer<UInt64>?

    override func prepare() throws {
        expTable = LaneExp.verifiedTable
        let dT = col("Delta_T"), gL = col("g_L"), cm = col("C_m"), tEx = col("tau_syn_ex"), tIn = col("tau_syn_in")
        let tauW = col("tau_w"), vPeak = col("V_peak"), vTh = col("V_th"), tRef = col("t_ref")
        let vReset = col("V_reset"), eL = col("E_L"), eEx = col("E_ex"), eIn = col("E_in"), iE = col("I_e")
        let a = col("a"), b = col("b"), tol = col("gsl_error_tol")
        for g in 0..<params.count {
            var q = Params()
            for k in 0..<laneWidth {
                // Lanes past the last cell repeat the group's first cell.
                let i = g * laneWidth + k < count ? g * laneWidth + k : g * laneWidth
                let exponential = dT[i] > 0
                q.vReset[k] = vReset[i]
                q.vPeak[k] = vPeak[i]
                q.vTh[k] = vTh[i]
                q.deltaT[k] = exponential ? dT[i] : .infinity
                q.gLDeltaT[k] = exponential ? gL[i] * dT[i] : 0
                q.gL[k] = gL[i]
                q.eL[k] = eL[i]
                q.eEx[k] = eEx[i]
                q.eIn[k] = eIn[i]
                q.iE[k] = iE[i]
                q.cm[k] = cm[i]
                q.tauEx[k] = tEx[i]
                q.tauIn[k] = tIn[i]
                q.a[k] = a[i]
                q.tauW[k] = tauW[i]
                q.b[k] = b[i]
                q.spikeAt[k] = exponential ? vPeak[i] : vTh[i]
                q.tol[k] = tol[i]
            }
            params[g] = q
        }
        for i in 0..<count { refCounts[i] = refractorySteps(tRef[i]) }
        prepared = true
    }

    /// A step in two passes. First every group of four consecutive cells takes one accepted
    /// substep; most cells have then finished the step. The cells that need more substeps (near a
    /// spike, after an input) are then packed four to a group and finished together, so that no lane
    /// idles while a neighbour works through its substeps. Each cell takes exactly the substeps it
    /// would take alone.
    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let first = spikes.count
        let rows = StepInput(input, slot: slot)
        let waiting = unfinished.ptr + lo  // this worker's part of the scratch list
        var count = 0
        var i = lo
        while i < hi {
            let left = hi - i >= laneWidth
                ? try advance(CellRun(first: i), rows, resuming: false, spikes: &spikes)
                : try advance(CellList(first: i, count: hi - i), rows, resuming: false, spikes: &spikes)
            if anyLane(left) {
                for k in 0..<min(laneWidth, hi - i) where left[k] {
                    waiting[count] = Int32(i + k)
                    count += 1
                }
            }
            i += laneWidth
        }
        for j in stride(from: 0, to: count, by: laneWidth) {
            _ = try advance(CellList(waiting, from: j, count: count - j), rows, resuming: true, spikes: &spikes)
        }
        if count > 0 && spikes.count > first { spikes[first...].sort() }
    }

    /// Advances a group's cells through the step, or (unless `resuming`) only through their first
    /// accepted substep; returns the lanes whose cells have not finished the step. A cell that has
    /// finished gets the step's input and its next stimulus.
    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ rows: StepInput, resuming: Bool, spikes: inout [Int32]) throws -> LaneMask {
        try cells.withParams(params.ptr) { try advance(cells, $0, rows, resuming: resuming, spikes: &spikes) }
    }

    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ q: UnsafePointer<Params>, _ rows: StepInput, resuming: Bool,
                                       spikes: inout [Int32]) throws -> LaneMask {
        let h = grid.stepMs
        let r = refractory.ptr
        let tol = q.pointee.tol
        let ctl = ControlYP(epsAbs: tol, epsRel: tol)
        var rCount = cells.load(r)
        let refCount = cells.load(refCounts.ptr)
        var field = Field(q: q, refractory: rCount .> 0, iStim: cells.load(iStim.ptr), expTable: expTable)
        var state: LaneState = cells.load(y)
        var t = resuming ? cells.load(tPartial.ptr) : Lane(repeating: 0)
        var hStep = cells.load(hInt.ptr)
        var active = cells.valid
        var k1 = field.f(state)
        var substeps = 0
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
            state.x0 = select(active .& field.refractory, q.pointee.vReset, state.x0)
            let spiking = active .& .!field.refractory .& (state.x0 .>= q.pointee.spikeAt)
            if anyLane(spiking) {
                state.x0 = select(spiking, q.pointee.vReset, state.x0)
                state.x3 = select(spiking, state.x3 + q.pointee.b, state.x3)
                rCount = select(spiking, select(refCount .> 0, refCount &+ 1, LaneInt()), rCount)
                field.refractory = rCount .> 0
                k1 = k1.replacing(with: field.f(state), where: spiking)
                for k in 0..<cells.n where spiking[k] { spikes.append(Int32(cells.cell(k))) }
            }
            active = active .& (t .< h)
            substeps += 1
            if substeps > RKF45.maxSubsteps, anyLane(active) {
                cells.store(state, y)
                throw RKF45.tooStiff(spec.name, neuron: firstID + cells.cell((0..<cells.n).first { active[$0] }!), h: h)
            }
        } while resuming && anyLane(active)
        // The end of the step for the cells that are through it: refractory count, the step's
        // input, the stimulus of the next step. (The masks are computed afresh from t here, where
        // they are used, which keeps them in vector registers.)
        let left = cells.valid .& (t .< h)
        let done = cells.valid .& .!left
        state = state.flushingTiny(where: done)
        rCount = select(done .& (rCount .> 0), rCount &- 1, rCount)
        state.x1 = select(done, state.x1 + cells.take(rows.ex, where: done), state.x1)
        state.x2 = select(done, state.x2 - cells.take(rows.inh, where: done), state.x2)
        cells.store(cells.take(rows.cur, where: done), iStim.ptr, where: done)
        cells.store(state, y)
        cells.store(hStep, hInt.ptr)
        cells.store(rCount, r)
        if anyLane(left) { cells.store(t, tPartial.ptr) }
        return left
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.stepMs)
    }
}
