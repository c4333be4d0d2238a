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
    let params: Column<Params<Lane>>
    /// The same for each eight consecutive cells (two groups of four side by side, `LanePair`).
    let pairParams: Column<Params<LanePair>>
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
        pairParams = Column(count: count / (2 * laneWidth), repeating: Params())
        tPartial = Column(count: count, repeating: 0)
        unfinished = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    /// The parameters of a group of cells lane by lane (or of two groups), with two derived ones:
    /// g_L Delta_T, and Delta_T itself made infinite where it is 0 (the plain integrate-and-fire
    /// limit), so that the spike current is g_L Delta_T e^0 = 0 there, as NEST's is.
    /// No field has a default value: the initializers below must name every field, so one added
    /// later cannot be left 0 in one of them.
    struct Params<Pack: LanePack> {
        var vReset: Pack, vPeak: Pack, vTh: Pack, deltaT: Pack, gLDeltaT: Pack, gL: Pack
        var eL: Pack, eEx: Pack, eIn: Pack, iE: Pack, cm: Pack, tauEx: Pack
        var tauIn: Pack, a: Pack, tauW: Pack, b: Pack, spikeAt: Pack, tol: Pack
    }

    /// The right-hand side for a group of cells (or two), reading its parameters in place: NEST's
    /// `aeif_cond_exp_dynamics` operation for operation (the currents summed in its order, divisions
    /// where it divides, the C library's exp), so that each lane computes the doubles NEST computes.
    struct Field<Pack: LanePack>: LaneField {
        let q: UnsafePointer<Params<Pack>>
        var refractory: Pack.Mask
        let iStim: Pack
        let expTable: UnsafePointer<UInt64>?
        @inline(__always)
        func f(_ y: LaneState<Pack>) -> LaneState<Pack> {
            let p = q.pointee
            let v = select(refractory, p.vReset, vmin(y.x0, p.vPeak))
            let iSynEx = y.x1 * (v - p.eEx)
            let iSynIn = y.x2 * (v - p.eIn)
            let iSpike = p.gLDeltaT * ((v - p.vTh) / p.deltaT).map { laneExp($0, table: expTable) }
            var sum = -p.gL * (v - p.eL) + iSpike
            sum = sum - iSynEx
            sum = sum - iSynIn
            sum = sum - y.x3
            sum = sum + p.iE
            sum = sum + iStim
            let dv = select(refractory, Pack(repeating: 0), sum / p.cm)
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
            var q = Params<Lane>()
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
        for j in 0..<pairParams.count { pairParams[j] = Params(params[2 * j], params[2 * j + 1]) }
        for i in 0..<count { refCounts[i] = refractorySteps(tRef[i]) }
        prepared = true
    }

    /// A step in two passes. First every group of four consecutive cells takes one accepted
    /// substep (two groups side by side where eight cells are left); most cells have then
    /// finished the step. The cells that need more substeps (near a
    /// spike, after an input) are then packed four to a group and finished together, so that no lane
    /// idles while a neighbour works through its substeps. Each cell takes exactly the substeps it
    /// would take alone.
    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let first = spikes.count
        let rows = StepInput(input, slot: slot)
        let waiting = unfinished.ptr + lo  // this worker's part of the scratch list
        var count = 0
        func wait(_ left: LaneMask, _ from: Int) {
            if !anyLane(left) { return }
            for k in 0..<min(laneWidth, hi - from) where left[k] {
                waiting[count] = Int32(from + k)
                count += 1
            }
        }
        var i = lo
        while i < hi {
            if hi - i >= 2 * laneWidth {
                let (a, b) = try advance(CellRun(first: i), CellRun(first: i + laneWidth), rows, spikes: &spikes)
                wait(a, i)
                wait(b, i + laneWidth)
                i += 2 * laneWidth
                continue
            }
            let left = hi - i >= laneWidth
                ? try advance(CellRun(first: i), rows, resuming: false, spikes: &spikes)
                : try advance(CellList(first: i, count: hi - i), rows, resuming: false, spikes: &spikes)
            wait(left, i)
            i += laneWidth
        }
        for j in stride(from: 0, to: count, by: laneWidth) {
            _ = try advance(CellList(waiting, from: j, count: count - j), rows, resuming: true, spikes: &spikes)
        }
        if count > 0 && spikes.count > first { spikes[first...].sort() }
    }

    /// A group's cells within a step, as the integrator takes them and the spike test and the end
    /// of the step need them.
    private struct Group {
        var field: Field<Lane>
        var state: LaneState<Lane>
        var t: Lane
        var hStep: Lane
        var rCount: LaneInt
        let refCount: LaneInt
        var active: LaneMask
    }

    /// Advances a group's cells through the step, or (unless `resuming`) only through their first
    /// accepted substep; returns the lanes whose cells have not finished the step. A cell that has
    /// finished gets the step's input and its next stimulus.
    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ rows: StepInput, resuming: Bool, spikes: inout [Int32]) throws -> LaneMask {
        try cells.withParams(params.ptr) { try advance(cells, $0, rows, resuming: resuming, spikes: &spikes) }
    }

    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ q: UnsafePointer<Params<Lane>>, _ rows: StepInput, resuming: Bool,
                                       spikes: inout [Int32]) throws -> LaneMask {
        let h = grid.stepMs
        let ctl = ControlYP(epsAbs: q.pointee.tol, epsRel: q.pointee.tol)
        var g = start(cells, q, resuming: resuming)
        var k1 = g.field.f(g.state)
        var substeps = 0
        repeat {
            k1 = RKF45.evolve(g.field, ctl, t: &g.t, t1: h, h: &g.hStep, y: &g.state, k1: k1, active: g.active)
            let spiking = try afterSubstep(cells, &g, spikes: &spikes)
            // Another substep starts from y' with the reset.
            if resuming && anyLane(spiking) { k1 = k1.replacing(with: g.field.f(g.state), where: spiking) }
            substeps += 1
            if substeps > RKF45.maxSubsteps, anyLane(g.active) {
                cells.store(g.state, y)
                throw RKF45.tooStiff(spec.name, neuron: firstID + cells.cell((0..<cells.n).first { g.active[$0] }!), h: h)
            }
        } while resuming && anyLane(g.active)
        return finish(cells, g, rows)
    }

    /// The first substep of two groups of consecutive cells, integrated side by side (see
    /// `LanePack`); returns each group's lanes that have not finished the step.
    @inline(__always)
    private func advance(_ a: CellRun, _ b: CellRun, _ rows: StepInput, spikes: inout [Int32]) throws -> (LaneMask, LaneMask) {
        precondition(a.first % (2 * laneWidth) == 0 && b.first == a.first + laneWidth, "a pair of groups starts on a multiple of 8")
        let q = UnsafePointer(pairParams.ptr + a.first / (2 * laneWidth))
        var ga = start(a, UnsafePointer(params.ptr + a.first / laneWidth), resuming: false)
        var gb = start(b, UnsafePointer(params.ptr + b.first / laneWidth), resuming: false)
        let field = Field(q: q, refractory: LaneMaskPair(ga.field.refractory, gb.field.refractory),
                          iStim: LanePair(ga.field.iStim, gb.field.iStim), expTable: expTable)
        var state = LaneState(ga.state, gb.state)
        var t = LanePair(ga.t, gb.t), hStep = LanePair(ga.hStep, gb.hStep)
        let ctl = ControlYP(epsAbs: q.pointee.tol, epsRel: q.pointee.tol)
        _ = RKF45.evolve(field, ctl, t: &t, t1: grid.stepMs, h: &hStep, y: &state, k1: field.f(state),
                         active: LaneMaskPair(ga.active, gb.active))
        ga.state = state.lo
        gb.state = state.hi
        (ga.t, gb.t) = (t.lo, t.hi)
        (ga.hStep, gb.hStep) = (hStep.lo, hStep.hi)
        _ = try afterSubstep(a, &ga, spikes: &spikes)
        _ = try afterSubstep(b, &gb, spikes: &spikes)
        return (finish(a, ga, rows), finish(b, gb, rows))
    }

    @inline(__always)
    private func start<C: LaneCells>(_ cells: C, _ q: UnsafePointer<Params<Lane>>, resuming: Bool) -> Group {
        let rCount = cells.load(refractory.ptr)
        let field = Field(q: q, refractory: rCount .> 0, iStim: cells.load(iStim.ptr), expTable: expTable)
        return Group(field: field, state: cells.load(y), t: resuming ? cells.load(tPartial.ptr) : Lane(repeating: 0),
                     hStep: cells.load(hInt.ptr), rCount: rCount, refCount: cells.load(refCounts.ptr), active: cells.valid)
    }

    /// After a substep: the instability test, the spike test and reset (so that adaptation follows
    /// each spike at once), and which lanes are still within the step. Returns the lanes that spiked.
    @inline(__always)
    private func afterSubstep<C: LaneCells>(_ cells: C, _ g: inout Group, spikes: inout [Int32]) throws -> LaneMask {
        let q = g.field.q, h = grid.stepMs
        let unstable = g.active .& ((g.state.x0 .< -1e3) .| (g.state.x3 .< -1e6) .| (g.state.x3 .> 1e6)
            .| (g.state.x0 .!= g.state.x0))
        if anyLane(unstable) {
            cells.store(g.state, y)
            let k = (0..<cells.n).first { unstable[$0] }!
            throw NetError("Simulate", model: spec.name,
                           "NumericalInstability in neuron \(firstID + cells.cell(k)): V_m \(g.state.x0[k]) mV, w \(g.state.x3[k]) pA")
        }
        g.state.x0 = select(g.active .& g.field.refractory, q.pointee.vReset, g.state.x0)
        let spiking = g.active .& .!g.field.refractory .& (g.state.x0 .>= q.pointee.spikeAt)
        if anyLane(spiking) {
            g.state.x0 = select(spiking, q.pointee.vReset, g.state.x0)
            g.state.x3 = select(spiking, g.state.x3 + q.pointee.b, g.state.x3)
            g.rCount = select(spiking, select(g.refCount .> 0, g.refCount &+ 1, LaneInt()), g.rCount)
            g.field.refractory = g.rCount .> 0
            for k in 0..<cells.n where spiking[k] { spikes.append(Int32(cells.cell(k))) }
        }
        g.active = g.active .& (g.t .< h)
        return spiking
    }

    /// The end of the step for the cells that are through it: refractory count, the step's input,
    /// the stimulus of the next step. Returns the lanes whose cells are not through it.
    @inline(__always)
    private func finish<C: LaneCells>(_ cells: C, _ g: Group, _ rows: StepInput) -> LaneMask {
        // (The masks are computed afresh from t here, where they are used, which keeps them in
        // vector registers.)
        let h = grid.stepMs
        let left = cells.valid .& (g.t .< h)
        let done = cells.valid .& .!left
        var state = g.state.flushingTiny(where: done)
        let rCount = select(done .& (g.rCount .> 0), g.rCount &- 1, g.rCount)
        state.x1 = select(done, state.x1 + cells.take(rows.ex, where: done), state.x1)
        state.x2 = select(done, state.x2 - cells.take(rows.inh, where: done), state.x2)
        cells.store(cells.take(rows.cur, where: done), iStim.ptr, where: done)
        cells.store(state, y)
        cells.store(g.hStep, hInt.ptr)
        cells.store(rCount, refractory.ptr)
        if anyLane(left) { cells.store(g.t, tPartial.ptr) }
        return left
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.stepMs)
    }
}

/// A group's parameters may be gathered lane by lane (`LaneCells.withParams`).
extension AeifCondExp.Params: LaneParams where Pack == Lane {}

extension AeifCondExp.Params {
    /// Every parameter 0 (a table's entries before `prepare` fills them).
    init() {
        let z = Pack(repeating: 0)
        self.init(vReset: z, vPeak: z, vTh: z, deltaT: z, gLDeltaT: z, gL: z, eL: z, eEx: z, eIn: z,
                  iE: z, cm: z, tauEx: z, tauIn: z, a: z, tauW: z, b: z, spikeAt: z, tol: z)
    }
}

extension AeifCondExp.Params where Pack == LanePair {
    /// Two groups' parameters side by side.
    init(_ a: AeifCondExp.Params<Lane>, _ b: AeifCondExp.Params<Lane>) {
        self.init(vReset: LanePair(a.vReset, b.vReset), vPeak: LanePair(a.vPeak, b.vPeak), vTh: LanePair(a.vTh, b.vTh),
                  deltaT: LanePair(a.deltaT, b.deltaT), gLDeltaT: LanePair(a.gLDeltaT, b.gLDeltaT), gL: LanePair(a.gL, b.gL),
                  eL: LanePair(a.eL, b.eL), eEx: LanePair(a.eEx, b.eEx), eIn: LanePair(a.eIn, b.eIn),
                  iE: LanePair(a.iE, b.iE), cm: LanePair(a.cm, b.cm), tauEx: LanePair(a.tauEx, b.tauEx),
                  tauIn: LanePair(a.tauIn, b.tauIn), a: LanePair(a.a, b.a), tauW: LanePair(a.tauW, b.tauW),
                  b: LanePair(a.b, b.b), spikeAt: LanePair(a.spikeAt, b.spikeAt), tol: LanePair(a.tol, b.tol))
    }
}
