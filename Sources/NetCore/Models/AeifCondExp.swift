import Foundation

/// `aeif_cond_exp`: the adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005)
/// with exponential conductances (weights in nS), integrated with GSL's RKF45 as NEST does:
/// spikes are detected after every substep, so adaptation follows each spike at once.
final class AeifCondExp: NeuronPopulation, @unchecked Sendable {
    /// State per neuron: (V_m, g_ex, g_in, w).
    let y: Column<SIMD4<Double>>
    let iStim: Column<Double>
    let hInt: Column<Double>
    let refCounts: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        let d = ModelCatalog.aeifCondExp
        y = Column(count: count, repeating: SIMD4(d.param("V_m")!.defaultValue.number!, 0, 0, 0))
        iStim = Column(count: count, repeating: 0)
        hInt = Column(count: count, repeating: grid.resolution)
        refCounts = Column(count: count, repeating: 0)
        super.init(spec: d, count: count, grid: grid)
    }

    struct Field: VectorField {
        var refractory: Bool
        let vReset: Double, vPeak: Double, vTh: Double, deltaT: Double, invDeltaT: Double, gL: Double, eL: Double
        let eEx: Double, eIn: Double, iTotal: Double, invCm: Double, invTauEx: Double, invTauIn: Double
        let a: Double, invTauW: Double
        @inline(__always)
        func f(_ y: SIMD4<Double>) -> SIMD4<Double> {
            let v = refractory ? vReset : min(y[0], vPeak)
            let iSynEx = y[1] * (v - eEx)
            let iSynIn = y[2] * (v - eIn)
            let iSpike = deltaT == 0 ? 0 : gL * deltaT * exp((v - vTh) * invDeltaT)
            let dv = refractory ? 0 : (-gL * (v - eL) + iSpike - iSynEx - iSynIn - y[3] + iTotal) * invCm
            return SIMD4(dv, -y[1] * invTauEx, -y[2] * invTauIn, (a * (v - eL) - y[3]) * invTauW)
        }
    }

    override var stateNames: [String] { ["V_m", "g_ex", "g_in", "w"] }
    override func getState(_ name: String, _ i: Int) -> Double {
        switch name {
        case "g_ex": return y[i][1]
        case "g_in": return y[i][2]
        case "w": return y[i][3]
        default: return y[i][0]
        }
    }
    override func setState(_ name: String, _ i: Int, _ x: Double) {
        switch name {
        case "g_ex": y[i][1] = x
        case "g_in": y[i][2] = x
        case "w": y[i][3] = x
        default: y[i][0] = x
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
        var C_m: UnsafeMutablePointer<Double>
        var Delta_T: UnsafeMutablePointer<Double>
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
        var tau_syn_ex: UnsafeMutablePointer<Double>
        var tau_syn_in: UnsafeMutablePointer<Double>
        var tau_w: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    override func prepare() throws {
        hot = Hot(C_m: col("C_m"), Delta_T: col("Delta_T"), E_L: col("E_L"), E_ex: col("E_ex"), E_in: col("E_in"), I_e: col("I_e"), V_peak: col("V_peak"), V_reset: col("V_reset"), V_th: col("V_th"), a: col("a"), b: col("b"), g_L: col("g_L"), gsl_error_tol: col("gsl_error_tol"), tau_syn_ex: col("tau_syn_ex"), tau_syn_in: col("tau_syn_in"), tau_w: col("tau_w"))
        for i in 0..<count { refCounts[i] = refractorySteps(col("t_ref")[i]) }
        prepared = true
    }

    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let ex = input.row(0, slot), inh = input.row(1, slot), cur = input.row(2, slot)
        let h = grid.resolution
        let vReset = hot.V_reset, vTh = hot.V_th, vPeakP = hot.V_peak, dTp = hot.Delta_T
        let gL = hot.g_L, eL = hot.E_L, eEx = hot.E_ex, eIn = hot.E_in, ie = hot.I_e
        let cm = hot.C_m, tEx = hot.tau_syn_ex, tIn = hot.tau_syn_in, aP = hot.a, bP = hot.b
        let tauW = hot.tau_w, tol = hot.gsl_error_tol
        let r = refractory.ptr
        for i in lo..<hi {
            let ctl = StepControl.yp(tol[i], tol[i])
            let vPeak = vPeakP[i]
            let spikeAt = dTp[i] > 0 ? vPeak : vTh[i]
            var state = y[i]
            var t = 0.0
            var hi0 = hInt[i]
            // Inverses once per cell and step: the right-hand side multiplies instead of dividing.
            var field = Field(refractory: r[i] > 0, vReset: vReset[i], vPeak: vPeak, vTh: vTh[i],
                              deltaT: dTp[i], invDeltaT: dTp[i] > 0 ? 1 / dTp[i] : 0, gL: gL[i], eL: eL[i],
                              eEx: eEx[i], eIn: eIn[i], iTotal: ie[i] + iStim[i], invCm: 1 / cm[i],
                              invTauEx: 1 / tEx[i], invTauIn: 1 / tIn[i], a: aP[i], invTauW: 1 / tauW[i])
            while t < h {
                field.refractory = r[i] > 0
                RKF45.evolve(field, ctl, t: &t, t1: h, h: &hi0, y: &state)
                if state[0] < -1e3 || state[3] < -1e6 || state[3] > 1e6 || state[0].isNaN {
                    y[i] = state
                    throw NetError("Simulate", model: spec.name,
                                   "NumericalInstability in neuron \(firstID + i): V_m \(state[0]) mV, w \(state[3]) pA")
                }
                if r[i] > 0 {
                    state[0] = vReset[i]
                } else if state[0] >= spikeAt {
                    state[0] = vReset[i]
                    state[3] += bP[i]
                    r[i] = refCounts[i] > 0 ? refCounts[i] + 1 : 0
                    spikes.append(Int32(i))
                }
            }
            hInt[i] = hi0
            state = flushTiny(state)
            if r[i] > 0 { r[i] -= 1 }
            state[1] += ex[i]
            state[2] -= inh[i]
            ex[i] = 0
            inh[i] = 0
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
