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

    /// The right-hand side for a group of cells, with the inverses taken once per step.
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
            let iSpike = gLDeltaT * laneExp((v - vTh) * invDeltaT)
            let dv = ((-gL * (v - eL) + iSpike - iSynEx - iSynIn - y.x3 + iTotal) * invCm)
                .replacing(with: 0, where: refractory)
            return LaneState(dv, -y.x1 * invTauEx, -y.x2 * invTauIn, (a * (v - eL) - y.x3) * invTauW)
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
        let p = hot!
        let r = refractory.ptr
        var i = lo
        while i < hi {
            let n = min(laneWidth, hi - i)
            @inline(__always) func g(_ c: UnsafeMutablePointer<Double>) -> Lane { lanes(c, i, n) }
            let dT = g(p.Delta_T), vPeak = g(p.V_peak), vTh = g(p.V_th), vReset = g(p.V_reset), gL = g(p.g_L)
            let tol = g(p.gsl_error_tol)
            let ctl = StepControl.yp(tol, tol)
            let spikeAt = vPeak.replacing(with: vTh, where: dT .<= 0)
            var rCount = lanes(r, i, n)
            let refCount = lanes(refCounts.ptr, i, n)
            var field = Field(refractory: rCount .> 0, vReset: vReset, vPeak: vPeak, vTh: vTh,
                              invDeltaT: (1 / dT).replacing(with: 0, where: dT .<= 0),
                              gLDeltaT: (gL * dT).replacing(with: 0, where: dT .<= 0), gL: gL, eL: g(p.E_L),
                              eEx: g(p.E_ex), eIn: g(p.E_in), iTotal: g(p.I_e) + g(iStim.ptr), invCm: 1 / g(p.C_m),
                              invTauEx: 1 / g(p.tau_syn_ex), invTauIn: 1 / g(p.tau_syn_in), a: g(p.a),
                              invTauW: 1 / g(p.tau_w))
            let b = g(p.b)
            var state = LaneState(cells: y.ptr, i, n)
            var t = Lane(repeating: 0)
            var hStep = g(hInt.ptr)
            var spikeCounts = LaneInt(repeating: 0)
            var active = firstLanes(n)
            var k1 = field.f(state)
            while any(active) {
                let dydt = RKF45.evolve(field, ctl, t: &t, t1: h, h: &hStep, y: &state, k1: k1, active: active)
                k1 = dydt
                let unstable = active .& ((state.x0 .< -1e3) .| (state.x3 .< -1e6) .| (state.x3 .> 1e6)
                    .| (state.x0 .!= state.x0))
                if any(unstable) {
                    state.store(cells: y.ptr, i, n)
                    let k = (0..<n).first { unstable[$0] }!
                    throw NetError("Simulate", model: spec.name,
                                   "NumericalInstability in neuron \(firstID + i + k): V_m \(state.x0[k]) mV, w \(state.x3[k]) pA")
                }
                // Spikes are detected after every substep, so adaptation follows each spike at once.
                state.x0.replace(with: vReset, where: active .& field.refractory)
                let spiking = active .& .!field.refractory .& (state.x0 .>= spikeAt)
                if any(spiking) {
                    state.x0.replace(with: vReset, where: spiking)
                    state.x3.replace(with: state.x3 + b, where: spiking)
                    let counted = (refCount &+ 1).replacing(with: 0, where: refCount .<= 0)
                    rCount.replace(with: counted, where: spiking)
                    spikeCounts.replace(with: spikeCounts &+ 1, where: spiking)
                    field.refractory = rCount .> 0
                    k1 = k1.replacing(with: field.f(state), where: spiking)
                }
                active = active .& (t .< h)
            }
            state = state.flushingTiny
            rCount.replace(with: rCount &- 1, where: rCount .> 0)
            state.x1 += g(ex)
            state.x2 -= g(inh)
            state.store(cells: y.ptr, i, n)
            for k in 0..<n {
                hInt[i + k] = hStep[k]
                r[i + k] = Int32(rCount[k])
                ex[i + k] = 0
                inh[i + k] = 0
                iStim[i + k] = cur[i + k]
                cur[i + k] = 0
                for _ in 0..<spikeCounts[k] { spikes.append(Int32(i + k)) }
            }
            i += n
        }
    }

    override func resetDynamicState() {
        super.resetDynamicState()
        iStim.fill(0)
        hInt.fill(grid.resolution)
    }
}
