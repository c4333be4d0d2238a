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

    /// The right-hand side for a group of cells: NEST's `iaf_cond_exp_dynamics` operation for
    /// operation, so that each lane computes the doubles NEST computes.
    struct Field: LaneField {
        let refractory: LaneMask
        let vReset: Lane, vTh: Lane, gL: Lane, eL: Lane, eEx: Lane, eIn: Lane
        let iStim: Lane, iE: Lane, cm: Lane, tauEx: Lane, tauIn: Lane

        @inline(__always)
        func f(_ y: LaneState3) -> LaneState3 {
            let v = select(refractory, vReset, vmin(y.x0, vTh))
            let iSynEx = y.x1 * (v - eEx)
            let iSynIn = y.x2 * (v - eIn)
            let iL = gL * (v - eL)
            var sum = -iL + iStim
            sum = sum + iE
            sum = sum - iSynEx
            sum = sum - iSynIn
            let dv = select(refractory, Lane(), sum / cm)
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
            if hi - i >= laneWidth {
                try advance(CellRun(first: i), p, rows, spikes: &spikes)
            } else {
                try advance(CellList(first: i, count: hi - i), p, rows, spikes: &spikes)
            }
            i += laneWidth
        }
    }

    /// Takes a group's cells through the step: every substep, then the step's input, the
    /// refractory count and the spike test.
    @inline(__always)
    private func advance<C: LaneCells>(_ cells: C, _ p: Hot, _ rows: StepInput, spikes: inout [Int32]) throws {
        let h = grid.stepMs
        let ctl = ControlY(epsAbs: Lane(repeating: 1e-3), epsRel: Lane(repeating: 0))
        let r = refractory.ptr
        var rCount = cells.load(r)
        let vReset = cells.load(p.V_reset), vTh = cells.load(p.V_th)
        let field = Field(refractory: rCount .> 0, vReset: vReset, vTh: vTh, gL: cells.load(p.g_L),
                          eL: cells.load(p.E_L), eEx: cells.load(p.E_ex), eIn: cells.load(p.E_in),
                          iStim: cells.load(iStim.ptr), iE: cells.load(p.I_e), cm: cells.load(p.C_m),
                          tauEx: cells.load(p.tau_syn_ex), tauIn: cells.load(p.tau_syn_in))
        var state: LaneState3 = cells.load(y)
        var t = Lane(repeating: 0)
        var hStep = cells.load(hInt.ptr)
        var active = cells.valid
        var k1 = field.f(state)
        var substeps = 0
        while anyLane(active) {
            k1 = RKF45.evolve(field, ctl, t: &t, t1: h, h: &hStep, y: &state, k1: k1, active: active)
            active = active .& (t .< h)
            substeps += 1
            if substeps > RKF45.maxSubsteps, anyLane(active) {
                throw RKF45.tooStiff(spec.name, neuron: firstID + cells.cell((0..<cells.n).first { active[$0] }!), h: h)
            }
        }
        let valid = cells.valid
        state = state.flushingTiny(where: valid)
        state.x1 += cells.take(rows.ex, where: valid)
        state.x2 -= cells.take(rows.inh, where: valid)
        let refractoryNow = rCount .> 0
        let spiking = .!refractoryNow .& (state.x0 .>= vTh) .& valid
        rCount = select(refractoryNow, rCount &- 1, rCount)
        rCount = select(spiking, cells.load(refCounts.ptr), rCount)
        state.x0 = select(refractoryNow .| spiking, vReset, state.x0)
        cells.store(state, y)
        cells.store(hStep, hInt.ptr)
        cells.store(cells.take(rows.cur, where: valid), iStim.ptr)
        cells.store(rCount, r)
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
