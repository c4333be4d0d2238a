import Foundation

/// `iaf_cond_exp`: a leaky membrane with exponentially decaying conductances (weights in nS),
/// integrated with GSL's RKF45 as NEST does.
final class IafCondExp: NeuronPopulation, @unchecked Sendable {
    /// State per neuron, a column per variable: V_m, g_ex, g_in.
    let vars: [Column<Double>]
    let y: StateColumns
    let iStim: Column<Double>
    let hInt: Column<Double>
    let refCounts: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        let d = ModelCatalog.iafCondExp
        vars = [d.param("V_m")!.defaultValue.number!, 0, 0].map { Column(count: count, repeating: $0) }
        y = StateColumns(vars)
        iStim = Column(count: count, repeating: 0)
        hInt = Column(count: count, repeating: grid.stepMs)
        refCounts = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    /// The right-hand side for a group of cells (or two): NEST's `iaf_cond_exp_dynamics` operation
    /// for operation, so that each lane computes the doubles NEST computes.
    struct Field<Pack: LanePack>: LaneField {
        let refractory: Pack.Mask
        let vReset: Pack, vTh: Pack, gL: Pack, eL: Pack, eEx: Pack, eIn: Pack
        let iStim: Pack, iE: Pack, cm: Pack, tauEx: Pack, tauIn: Pack

        @inline(__always)
        func f(_ y: LaneState3<Pack>) -> LaneState3<Pack> {
            let v = select(refractory, vReset, vmin(y.x0, vTh))
            let iSynEx = y.x1 * (v - eEx)
            let iSynIn = y.x2 * (v - eIn)
            let iL = gL * (v - eL)
            var sum = -iL + iStim
            sum = sum + iE
            sum = sum - iSynEx
            sum = sum - iSynIn
            let dv = select(refractory, Pack(repeating: 0), sum / cm)
            return LaneState3(dv, -y.x1 / tauEx, -y.x2 / tauIn)
        }
    }

    override var stateNames: [String] { ["V_m", "g_ex", "g_in"] }
    override func getState(_ name: String, _ i: Int) -> Double { vars[variable(name)][i] }
    override func setState(_ name: String, _ i: Int, _ x: Double) { vars[variable(name)][i] = x }
    private func variable(_ name: String) -> Int {
        switch name {
        case "g_ex": return 1
        case "g_in": return 2
        default: return 0
        }
    }
    override var extraColumns: [String: Column<Double>] { ["I_stim": iStim, "h_int": hInt] }

    override func violation(_ i: Int) -> String? {
        if col("V_reset")[i] >= col("V_th")[i] { return "V_reset must be < V_th (reset potential must be below threshold)" }
        return nil
    }

    /// Column pointers the update reads, fetched once by name in `prepare`.
    struct Hot {
        var C_m: UnsafeMutablePointer<Double>
        var E_L: UnsafeMutablePointer<Double>
        var E_ex: UnsafeMutablePointer<Double>
        var E_in: UnsafeMutablePointer<Double>
        var I_e: UnsafeMutablePointer<Double>
        var V_reset: UnsafeMutablePointer<Double>
        var V_th: UnsafeMutablePointer<Double>
        var g_L: UnsafeMutablePointer<Double>
        var tau_syn_ex: UnsafeMutablePointer<Double>
        var tau_syn_in: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    override func prepare() throws {
        hot = Hot(C_m: col("C_m"), E_L: col("E_L"), E_ex: col("E_ex"), E_in: col("E_in"), I_e: col("I_e"), V_reset: col("V_reset"), V_th: col("V_th"), g_L: col("g_L"), tau_syn_ex: col("tau_syn_ex"), tau_syn_in: col("tau_syn_in"))
        for i in 0..<count { refCounts[i] = refractorySteps(col("t_ref")[i]) }
        prepared = true
    }

    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let rows = StepInput(input, slot: slot), p = hot!
        var i = lo
        while i < hi {
            if hi - i >= 2 * laneWidth {
                try advance(CellRun(first: i), CellRun(first: i + laneWidth), p, rows, spikes: &spikes)
                i += 2 * laneWidth
            } else {
                if hi - i >= laneWidth {
                    try advance(CellRun(first: i), p, rows, spikes: &spikes)
                } else {
                    try advance(CellList(first: i, count: hi - i), p, rows, spikes: &spikes)
                }
                i += laneWidth
            }
        }
    }

    /// A group's cells at the start of a step, as the integrator takes them and the end of the
    /// step needs them.
    private struct Group {
        var field: Field<Lane>
        var state: LaneState3<Lane>
        var hStep: Lane
        var rCount: LaneInt
        let valid: LaneMask
    }

    /// Takes a group's cells through the step: every substep, then the step's input, the
    /// refractory count and the spike test.
    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ p: Hot, _ rows: StepInput, spikes: inout [Int32]) throws {
        var g = start(cells, p)
        try integrate(g.field, &g.state, &g.hStep, active: g.valid) { cells.cell($0) }
        finish(cells, g, rows, spikes: &spikes)
    }

    /// Two groups of consecutive cells through the step, integrated side by side (see `LanePack`).
    @inline(__always)
    private func advance(_ a: CellRun, _ b: CellRun, _ p: Hot, _ rows: StepInput, spikes: inout [Int32]) throws {
        var ga = start(a, p), gb = start(b, p)
        var state = LaneState3(ga.state, gb.state)
        var hStep = LanePair(ga.hStep, gb.hStep)
        try integrate(Field(ga.field, gb.field), &state, &hStep, active: LaneMaskPair(ga.valid, gb.valid)) {
            $0 < laneWidth ? a.cell($0) : b.cell($0 - laneWidth)
        }
        ga.state = state.lo
        gb.state = state.hi
        ga.hStep = hStep.lo
        gb.hStep = hStep.hi
        finish(a, ga, rows, spikes: &spikes)
        finish(b, gb, rows, spikes: &spikes)
    }

    @inline(__always)
    private func start<C: LaneCells>(_ cells: C, _ p: Hot) -> Group {
        let rCount = cells.load(refractory.ptr)
        let field = Field(refractory: rCount .> 0, vReset: cells.load(p.V_reset), vTh: cells.load(p.V_th),
                          gL: cells.load(p.g_L), eL: cells.load(p.E_L), eEx: cells.load(p.E_ex),
                          eIn: cells.load(p.E_in), iStim: cells.load(iStim.ptr), iE: cells.load(p.I_e),
                          cm: cells.load(p.C_m), tauEx: cells.load(p.tau_syn_ex), tauIn: cells.load(p.tau_syn_in))
        return Group(field: field, state: cells.load(y), hStep: cells.load(hInt.ptr), rCount: rCount, valid: cells.valid)
    }

    /// Every substep of the step (NEST's loop of `gsl_odeiv_evolve_apply` until the step's end).
    /// `cell` names the cell of a lane.
    @inline(__always)
    private func integrate<P: LanePack>(_ field: Field<P>, _ state: inout LaneState3<P>, _ hStep: inout P,
                                        active valid: P.Mask, cell: (Int) -> Int) throws {
        let h = grid.stepMs
        let ctl = ControlY(epsAbs: P(repeating: 1e-3), epsRel: P(repeating: 0))
        var t = P(repeating: 0)
        var active = valid
        var k1 = field.f(state)
        var substeps = 0
        while active.anySet {
            k1 = RKF45.evolve(field, ctl, t: &t, t1: h, h: &hStep, y: &state, k1: k1, active: active)
            active = active .& (t .< P(repeating: h))
            substeps += 1
            if substeps > RKF45.maxSubsteps, active.anySet {
                throw RKF45.tooStiff(spec.name, neuron: firstID + cell((0..<P.width).first { active[$0] }!), h: h)
            }
        }
    }

    /// The end of the step: the step's input, the refractory count and the spike test.
    @inline(__always)
    private func finish<C: LaneCells>(_ cells: C, _ g: Group, _ rows: StepInput, spikes: inout [Int32]) {
        let valid = g.valid, vReset = g.field.vReset
        var state = g.state.flushingTiny(where: valid)
        var rCount = g.rCount
        state.x1 += cells.take(rows.ex, where: valid)
        state.x2 -= cells.take(rows.inh, where: valid)
        let refractoryNow = rCount .> 0
        let spiking = .!refractoryNow .& (state.x0 .>= g.field.vTh) .& valid
        rCount = select(refractoryNow, rCount &- 1, rCount)
        rCount = select(spiking, cells.load(refCounts.ptr), rCount)
        state.x0 = select(refractoryNow .| spiking, vReset, state.x0)
        cells.store(state, y)
        cells.store(g.hStep, hInt.ptr)
        cells.store(cells.take(rows.cur, where: valid), iStim.ptr)
        cells.store(rCount, refractory.ptr)
        if anyLane(spiking) {
            for k in 0..<cells.n where spiking[k] { spikes.append(Int32(cells.cell(k))) }
        }
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.stepMs)
    }
}

extension IafCondExp.Field where Pack == LanePair {
    /// Two groups' right-hand sides side by side.
    @inline(__always)
    init(_ a: IafCondExp.Field<Lane>, _ b: IafCondExp.Field<Lane>) {
        self.init(refractory: LaneMaskPair(a.refractory, b.refractory), vReset: LanePair(a.vReset, b.vReset),
                  vTh: LanePair(a.vTh, b.vTh), gL: LanePair(a.gL, b.gL), eL: LanePair(a.eL, b.eL),
                  eEx: LanePair(a.eEx, b.eEx), eIn: LanePair(a.eIn, b.eIn), iStim: LanePair(a.iStim, b.iStim),
                  iE: LanePair(a.iE, b.iE), cm: LanePair(a.cm, b.cm), tauEx: LanePair(a.tauEx, b.tauEx),
                  tauIn: LanePair(a.tauIn, b.tauIn))
    }
}
