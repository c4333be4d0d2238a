import Foundation

/// The exact propagators of a leaky membrane driven by a synaptic current of time constant
/// `tauSyn` (NEST's IAFPropagator), with its treatment of the tau_m == tau_syn singularity.
struct IafPropagator {
    let tauSyn: Double, tauM: Double, cm: Double
    let hMinRegular: Double, beta: Double, gamma: Double
    let invTauSyn: Double, invTauM: Double, invCm: Double, invBeta: Double

    init(tauSyn: Double, tauM: Double, cm: Double) {
        self.tauSyn = tauSyn
        self.tauM = tauM
        self.cm = cm
        hMinRegular = 1e-7 * tauM * tauM / abs(tauM - tauSyn)
        beta = tauSyn * tauM / (tauM - tauSyn)
        gamma = beta / cm
        invTauSyn = 1 / tauSyn
        invTauM = 1 / tauM
        invCm = 1 / cm
        invBeta = (tauM - tauSyn) / (tauSyn * tauM)
    }

    /// P32: V's response to the current (the exp model's P21).
    func p32(_ h: Double) -> (p32: Double, expSyn: Double, expm1Beta: Double, expTauM: Double?) {
        let expSyn = exp(-h * invTauSyn)
        let em1 = NESTMath.expm1(h * invBeta)
        let p = gamma * expSyn * em1
        if p.isNormal && p > 0 { return (p, expSyn, em1, nil) }
        let expM = exp(-h * invTauM)
        return (h * invCm * expM, expSyn, em1, expM)
    }

    /// (P31, P32) for the alpha current: P31 multiplies dI, P32 multiplies I.
    func alpha(_ h: Double) -> (Double, Double) {
        let (p32, expSyn, em1, expM) = p32(h)
        if h > hMinRegular { return (gamma * expSyn * (beta * em1 - h), p32) }
        return (0.5 * h * h * invCm * (expM ?? exp(-h * invTauM)), p32)
    }
}

/// `iaf_psc_alpha`: exact integration with alpha-shaped synaptic currents (weights in pA).
final class IafPscAlpha: NeuronPopulation, @unchecked Sendable {
    let v: Column<Double>, iStim: Column<Double>
    let dIex: Column<Double>, iEx: Column<Double>, dIin: Column<Double>, iIn: Column<Double>
    // Derived.
    let p11ex: Column<Double>, p21ex: Column<Double>, p31ex: Column<Double>, p32ex: Column<Double>
    let p11in: Column<Double>, p21in: Column<Double>, p31in: Column<Double>, p32in: Column<Double>
    let p30: Column<Double>, expm1TauM: Column<Double>, epscInit: Column<Double>, ipscInit: Column<Double>
    let vth: Column<Double>, vreset: Column<Double>, vmin: Column<Double>
    let refCounts: Column<Int32>

    init(count: Int, grid: TimeGrid) {
        func c() -> Column<Double> { Column(count: count, repeating: 0) }
        v = c(); iStim = c(); dIex = c(); iEx = c(); dIin = c(); iIn = c()
        p11ex = c(); p21ex = c(); p31ex = c(); p32ex = c(); p11in = c(); p21in = c(); p31in = c(); p32in = c()
        p30 = c(); expm1TauM = c(); epscInit = c(); ipscInit = c(); vth = c(); vreset = c(); vmin = c()
        refCounts = Column(count: count, repeating: 0)
        super.init(spec: ModelCatalog.iafPscAlpha, count: count, grid: grid)
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
    override var extraColumns: [String: Column<Double>] { ["I_stim": iStim, "dI_ex": dIex, "dI_in": dIin, "V_rel": v] }

    override func violation(_ i: Int) -> String? {
        if col("V_reset")[i] >= col("V_th")[i] { return "V_reset must be < V_th (reset potential must be below threshold)" }
        return nil
    }

    /// Column pointers the update reads, fetched once by name in `prepare`.
    struct Hot {
        var I_e: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    override func prepare() throws {
        hot = Hot(I_e: col("I_e"))
        let h = grid.stepMs
        let el = col("E_L"), tau = col("tau_m"), cm = col("C_m"), tex = col("tau_syn_ex"), tin = col("tau_syn_in")
        for i in 0..<count {
            p11ex[i] = exp(-h / tex[i])
            p21ex[i] = h * p11ex[i]
            (p31ex[i], p32ex[i]) = IafPropagator(tauSyn: tex[i], tauM: tau[i], cm: cm[i]).alpha(h)
            p11in[i] = exp(-h / tin[i])
            p21in[i] = h * p11in[i]
            (p31in[i], p32in[i]) = IafPropagator(tauSyn: tin[i], tauM: tau[i], cm: cm[i]).alpha(h)
            expm1TauM[i] = NESTMath.expm1(-h / tau[i])
            p30[i] = -tau[i] / cm[i] * expm1TauM[i]
            epscInit[i] = M_E / tex[i]
            ipscInit[i] = M_E / tin[i]
            vth[i] = col("V_th")[i] - el[i]
            vreset[i] = col("V_reset")[i] - el[i]
            vmin[i] = col("V_min")[i] - el[i]
            refCounts[i] = refractorySteps(col("t_ref")[i])
        }
        prepared = true
    }

    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let ex = input.row(0, slot), inh = input.row(1, slot), cur = input.row(2, slot)
        let ie = hot.I_e
        let v = v.ptr, y0 = iStim.ptr, r = refractory.ptr
        let dIex = dIex.ptr, iEx = iEx.ptr, dIin = dIin.ptr, iIn = iIn.ptr
        for i in lo..<hi {
            var x = v[i]
            if r[i] == 0 {
                x = p30[i] * (y0[i] + ie[i]) + p31ex[i] * dIex[i] + p32ex[i] * iEx[i]
                    + p31in[i] * dIin[i] + p32in[i] * iIn[i] + expm1TauM[i] * x + x
                x = x < vmin[i] ? vmin[i] : x
            } else {
                r[i] -= 1
            }
            iEx[i] = p21ex[i] * dIex[i] + p11ex[i] * iEx[i]
            dIex[i] *= p11ex[i]
            dIex[i] += epscInit[i] * ex[i]
            iIn[i] = p21in[i] * dIin[i] + p11in[i] * iIn[i]
            dIin[i] *= p11in[i]
            dIin[i] += ipscInit[i] * inh[i]
            dIex[i] = flushTiny(dIex[i])
            iEx[i] = flushTiny(iEx[i])
            dIin[i] = flushTiny(dIin[i])
            iIn[i] = flushTiny(iIn[i])
            ex[i] = 0
            inh[i] = 0
            if x >= vth[i] {
                r[i] = refCounts[i]
                x = vreset[i]
                spikes.append(Int32(i))
            }
            v[i] = x
            y0[i] = cur[i]
            cur[i] = 0
        }
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        dIex.fill(0)
        dIin.fill(0)
    }
}
