import Foundation

/// `iaf_cond_exp`: a leaky membrane with exponentially decaying conductances (weights in nS),
/// integrated with GSL's RKF45 as NEST does.
final class IafCondExp: NeuronPopulation, @unchecked Sendable {
    /// State per neuron: (V_m, g_ex, g_in, unused).
    let y: Column<SIMD4<Double>>
    let iStim: Column<Double>
    let hInt: Column<Double>
    let refCounts: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        let d = ModelCatalog.iafCondExp
        y = Column(count: count, repeating: SIMD4(d.param("V_m")!.defaultValue.number!, 0, 0, 0))
        iStim = Column(count: count, repeating: 0)
        hInt = Column(count: count, repeating: grid.resolution)
        refCounts = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    struct Field: VectorField {
        let refractory: Bool
        let vReset: Double, vTh: Double, gL: Double, eL: Double, eEx: Double, eIn: Double
        let iTotal: Double, invCm: Double, cm: Double, tauEx: Double, tauIn: Double
        @inline(__always)
        func f(_ y: SIMD4<Double>) -> SIMD4<Double> {
            let v = refractory ? vReset : min(y[0], vTh)
            let iSynEx = y[1] * (v - eEx)
            let iSynIn = y[2] * (v - eIn)
            let iL = gL * (v - eL)
            let dv = refractory ? 0 : (-iL + iTotal - iSynEx - iSynIn) / cm
            return SIMD4(dv, -y[1] / tauEx, -y[2] / tauIn, 0)
        }
    }

    override var stateNames: [String] { ["V_m", "g_ex", "g_in"] }
    override func getState(_ name: String, _ i: Int) -> Double {
        switch name {
        case "g_ex": return y[i][1]
        case "g_in": return y[i][2]
        default: return y[i][0]
        }
    }
    override func setState(_ name: String, _ i: Int, _ x: Double) {
        switch name {
        case "g_ex": y[i][1] = x
        case "g_in": y[i][2] = x
        default: y[i][0] = x
        }
    }
    override var extraState: [String: [Double]] { ["I_stim": iStim.array, "h_int": hInt.array] }
    override func restoreExtra(_ name: String, _ values: [Double]) {
        let c = name == "I_stim" ? iStim : hInt
        for (i, x) in values.enumerated() where i < count { c[i] = x }
    }

    override func violation(_ i: Int) -> String? {
        if col("V_reset")[i] >= col("V_th")[i] { return "V_reset must be < V_th (reset potential must be below threshold)" }
        if col("ignore_and_spike")[i] != 0 { return "ignore_and_spike is not supported by netview" }
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
        let ex = input.row(0, slot), inh = input.row(1, slot), cur = input.row(2, slot)
        let h = grid.resolution
        let ctl = StepControl.y(1e-3, 0)
        let vReset = hot.V_reset, vTh = hot.V_th, gL = hot.g_L, eL = hot.E_L, eEx = hot.E_ex
        let eIn = hot.E_in, ie = hot.I_e, cm = hot.C_m, tEx = hot.tau_syn_ex, tIn = hot.tau_syn_in
        let r = refractory.ptr
        for i in lo..<hi {
            let field = Field(refractory: r[i] > 0, vReset: vReset[i], vTh: vTh[i], gL: gL[i], eL: eL[i],
                              eEx: eEx[i], eIn: eIn[i], iTotal: iStim[i] + ie[i], invCm: 1 / cm[i], cm: cm[i],
                              tauEx: tEx[i], tauIn: tIn[i])
            var state = y[i]
            var t = 0.0
            var hi0 = hInt[i]
            while t < h {
                RKF45.evolve(field, ctl, t: &t, t1: h, h: &hi0, y: &state)
            }
            hInt[i] = hi0
            state = flushTiny(state)
            state[1] += ex[i]
            state[2] -= inh[i]
            ex[i] = 0
            inh[i] = 0
            if r[i] > 0 {
                r[i] -= 1
                state[0] = vReset[i]
            } else if state[0] >= vTh[i] {
                r[i] = refCounts[i]
                state[0] = vReset[i]
                spikes.append(Int32(i))
            }
            y[i] = state
            iStim[i] = cur[i]
            cur[i] = 0
        }
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.resolution)
    }
}
