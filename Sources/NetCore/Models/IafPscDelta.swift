import Foundation

/// `iaf_psc_delta`: exact integration of a leaky membrane; a spike of weight w (mV) makes V_m
/// jump by w in the step it arrives.
final class IafPscDelta: NeuronPopulation, @unchecked Sendable {
    override class var channelCount: Int { 2 }  // spikes (either sign), current

    /// V_m relative to E_L, NEST's y3.
    let v: Column<Double>
    /// Current input acting in this step (NEST's y0).
    let iStim: Column<Double>
    /// Input that arrived while refractory (with refractory_input).
    let refrBuffer: Column<Double>
    // Derived, per neuron.
    let p33: Column<Double>, p30: Column<Double>, vth: Column<Double>, vreset: Column<Double>, vmin: Column<Double>
    let refCounts: Column<Int32>
    /// The ignore-and-spike mechanism: steps left until the next forced spike (counted down only
    /// while ignore_and_spike is on, set from the offset when the offset is set), and the interval
    /// in steps.
    let untilSpike: Column<Double>, intervalSteps: Column<Double>
    var anyRefractoryInput = false
    var anyIgnoreAndSpike = false
    /// All neurons share their parameters: the update reads scalars, not columns.
    var uniform: (p33: Double, p30: Double, ie: Double, vth: Double, vreset: Double, vmin: Double, rc: Int32)?

    init(count: Int, grid: TimeGrid) {
        v = Column(count: count, repeating: 0)
        iStim = Column(count: count, repeating: 0)
        refrBuffer = Column(count: count, repeating: 0)
        p33 = Column(count: count, repeating: 0)
        p30 = Column(count: count, repeating: 0)
        vth = Column(count: count, repeating: 0)
        vreset = Column(count: count, repeating: 0)
        vmin = Column(count: count, repeating: 0)
        refCounts = Column(count: count, repeating: 0)
        untilSpike = Column(count: count, repeating: 0)
        intervalSteps = Column(count: count, repeating: 0)
        super.init(spec: ModelCatalog.iafPscDelta, count: count, grid: grid)
        resetUntilSpike(indices: 0..<count)
    }

    /// NEST's `Time(Time::ms(offset)).get_steps()`: the offset in steps, rounded up.
    private func resetUntilSpike<S: Sequence<Int>>(indices: S) {
        let offset = col("ignore_and_spike_offset")
        for i in indices { untilSpike[i] = Double(grid.durationSteps(offset[i])) }
    }

    override func parameterSet(_ name: String, indices: [Int]) {
        if name == "ignore_and_spike_offset" { resetUntilSpike(indices: indices) }
    }

    override var stateNames: [String] { ["V_m"] }
    override func getState(_ name: String, _ i: Int) -> Double { v[i] + col("E_L")[i] }
    override func setState(_ name: String, _ i: Int, _ x: Double) { v[i] = x - col("E_L")[i] }
    override func shiftResting(_ i: Int, by delta: Double) { v[i] -= delta }
    /// V_rel: V_m - E_L as kept (V_m + E_L - E_L is not always V_rel in floating point).
    override var extraColumns: [String: Column<Double>] { ["I_stim": iStim, "refr_buffer": refrBuffer, "V_rel": v, "steps_until_spike": untilSpike] }

    override func violation(_ i: Int) -> String? {
        if col("V_reset")[i] >= col("V_th")[i] { return "V_reset must be < V_th (reset potential must be below threshold)" }
        return nil
    }

    /// Column pointers the update reads, fetched once by name in `prepare`.
    struct Hot {
        var I_e: UnsafeMutablePointer<Double>
        var refractory_input: UnsafeMutablePointer<Double>
        var tau_m: UnsafeMutablePointer<Double>
    }
    var hot: Hot!

    override func prepare() throws {
        hot = Hot(I_e: col("I_e"), refractory_input: col("refractory_input"), tau_m: col("tau_m"))
        let h = grid.stepMs
        let el = col("E_L"), tau = col("tau_m"), cm = col("C_m")
        anyRefractoryInput = false
        anyIgnoreAndSpike = false
        for i in 0..<count {
            intervalSteps[i] = Double(grid.durationSteps(col("ignore_and_spike_interval")[i]))
            if col("ignore_and_spike")[i] != 0 { anyIgnoreAndSpike = true }
            p33[i] = exp(-h / tau[i])
            p30[i] = 1 / cm[i] * (1 - p33[i]) * tau[i]
            vth[i] = col("V_th")[i] - el[i]
            vreset[i] = col("V_reset")[i] - el[i]
            vmin[i] = col("V_min")[i] - el[i]
            refCounts[i] = refractorySteps(col("t_ref")[i])
            if col("refractory_input")[i] != 0 { anyRefractoryInput = true }
        }
        let same = columns.allSatisfy { c in (0..<count).allSatisfy { c[$0] == c[0] || (c[$0].isNaN && c[0].isNaN) } }
        uniform = same && !anyRefractoryInput && !anyIgnoreAndSpike && count > 0
            ? (p33[0], p30[0], col("I_e")[0], vth[0], vreset[0], vmin[0], refCounts[0]) : nil
        prepared = true
    }

    override func update(_ lo: Int, _ hi: Int, slot: Int, spikes: inout [Int32]) throws {
        let inp = input.row(0, slot), cur = input.row(1, slot)
        let ie = hot.I_e, refrIn = hot.refractory_input, tau = hot.tau_m
        let h = grid.stepMs
        let v = v.ptr, y0 = iStim.ptr, r = refractory.ptr, p33 = p33.ptr, p30 = p30.ptr
        let vth = vth.ptr, vreset = vreset.ptr, vmin = vmin.ptr, rc = refCounts.ptr
        let ignore = col("ignore_and_spike"), until = untilSpike.ptr, interval = intervalSteps.ptr
        if let u = uniform {
            for i in lo..<hi {
                let arriving = inp[i]
                inp[i] = 0
                var x = v[i]
                if r[i] == 0 {
                    x = u.p30 * (y0[i] + u.ie) + u.p33 * x + arriving
                    x = x < u.vmin ? u.vmin : x
                } else {
                    r[i] -= 1
                }
                if x >= u.vth {
                    r[i] = u.rc
                    x = u.vreset
                    spikes.append(Int32(i))
                }
                v[i] = x
                y0[i] = cur[i]
                cur[i] = 0
            }
            return
        }
        for i in lo..<hi {
            let arriving = inp[i]
            inp[i] = 0
            var x = v[i]
            if r[i] == 0 {
                x = p30[i] * (y0[i] + ie[i]) + p33[i] * x + arriving
                if anyRefractoryInput && refrIn[i] != 0 && refrBuffer[i] != 0 {
                    x += refrBuffer[i]
                    refrBuffer[i] = 0
                }
                x = x < vmin[i] ? vmin[i] : x
            } else {
                if anyRefractoryInput && refrIn[i] != 0 {
                    refrBuffer[i] += arriving * exp(-Double(r[i]) * h / tau[i])
                }
                r[i] -= 1
            }
            // With ignore_and_spike the count alone decides (NEST's spike_event_is_due).
            var fires = x >= vth[i]
            if anyIgnoreAndSpike && ignore[i] != 0 {
                until[i] -= 1
                fires = until[i] == 0
                if fires { until[i] = interval[i] }
            }
            if fires {
                r[i] = rc[i]
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
        refrBuffer.fill(0)
        resetUntilSpike(indices: 0..<count)
    }
}
