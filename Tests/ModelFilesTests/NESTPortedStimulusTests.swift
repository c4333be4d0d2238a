import Foundation
import NetCore
import XCTest

/// NEST 3.10's tests of spike_generator, poisson_generator, random parameters and the aeif model
/// against a reference solution, ported through the Swift API: each names its NEST source and
/// asserts what it asserts.
final class NESTPortedStimulusTests: XCTestCase {
    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    func recorded(_ k: Kernel, _ sr: NodeCollection) throws -> [Int64] {
        try XCTUnwrap(k.spikeRecorder(sr.ids[0])).stamps
    }

    /// stimulating/test_spike_generator.py, the on-grid tests: a spike time of 0 is refused; a
    /// time off the grid is refused unless allow_offgrid_times, which moves it to the end of its
    /// step, while a time within half a tic of a step is that step; a spike at the end of the
    /// run is not sent by the next one; shift_now_spikes moves a spike at "now" one step on;
    /// the flags go with spike times; GetStatus reports the times as steps' times.
    func testSpikeGenerator() throws {
        let k0 = try Kernel()
        let sg0 = try k0.create("spike_generator")
        XCTAssertTrue(message { try k0.setStatus(sg0, ["spike_times": .numbers([0])]) }.contains("spike time cannot be set to 0"))
        XCTAssertTrue(message {
            try k0.setStatus(sg0, ["precise_times": .bool(false), "spike_times": .numbers([4.33]), "origin": .number(0),
                                   "start": .number(0), "stop": .number(0)])
        }.contains("Time point 4.33 is not representable in current resolution"))
        XCTAssertTrue(message {
            try k0.setStatus(sg0, ["spike_times": .numbers([1, 1.05, 3.0001]), "origin": .number(0), "start": .number(0), "stop": .number(6)])
        }.contains("Time point 1.05 is not representable in current resolution"))

        for (times, offgrid, expected) in [([2.9999, 4.3001], false, [30, 43] as [Int64]), ([1.0, 1.9999, 3.0001], false, [10, 20, 30]),
                                           ([1.0, 1.05, 3.0001], true, [10, 11, 30])] {
            let k = try Kernel()
            let sg = try k.create("spike_generator", params: ["precise_times": .bool(false), "spike_times": .numbers(times),
                                                               "allow_offgrid_times": .bool(offgrid), "origin": .number(0),
                                                               "start": .number(0), "stop": .number(6)])
            let sr = try k.create("spike_recorder", params: ["time_in_steps": .bool(true)])
            try k.connect(sg, sr, ConnSpec(), SynSpec(weight: 1, delay: 1))
            try k.simulate(10)
            XCTAssertEqual(try recorded(k, sr), expected, "\(times)")
        }

        // A spike within half a tic of the step that ends the first run is not in the future.
        let k1 = try Kernel()
        let sg1 = try k1.create("spike_generator"), sr1 = try k1.create("spike_recorder")
        try k1.connect(sg1, sr1)
        try k1.simulate(10)
        try k1.setStatus(sg1, ["spike_times": .numbers([10.0001]), "origin": .number(0), "start": .number(0), "stop": .number(16)])
        try k1.simulate(10)
        XCTAssertEqual(try recorded(k1, sr1), [])

        // shift_now_spikes: 10.0001 is step 100 = now, sent at 101; 11.0001 is step 110.
        let k2 = try Kernel()
        let sg2 = try k2.create("spike_generator", params: ["shift_now_spikes": .bool(true), "origin": .number(0), "start": .number(0)])
        let sr2 = try k2.create("spike_recorder", params: ["time_in_steps": .bool(true)])
        try k2.connect(sg2, sr2, ConnSpec(), SynSpec(weight: 1, delay: 1))
        try k2.simulate(10)
        try k2.setStatus(sg2, ["spike_times": .numbers([10.0001, 11.0001])])
        try k2.simulate(10)
        XCTAssertEqual(try recorded(k2, sr2), [101, 110])

        // The flags change only together with spike times, or before any are set.
        let k3 = try Kernel()
        let sg3 = try k3.create("spike_generator", params: ["spike_times": .numbers([1])])
        XCTAssertTrue(message { try k3.setStatus(sg3, ["allow_offgrid_times": .bool(true)]) }
            .contains("Options can only be set together with spike times or if no spike times have been set"))
        try k3.setStatus(sg3, ["allow_offgrid_times": .bool(true), "spike_times": .numbers([1.05])])
        XCTAssertEqual(try k3.get(sg3.ids[0], "spike_times"), .numbers([1.1]))

        // test_spike_generator_set_and_get (the precise_times case is out: netview has no *_ps models).
        for (params, expected) in [(["spike_times": ParamValue.numbers([0.1, 10, 10.5, 10.50001])], [0.1, 10, 10.5, 10.5]),
                                   (["spike_times": .numbers([0.1, 10, 10.5, 10.50001, 10.55]), "allow_offgrid_times": .bool(true)],
                                    [0.1, 10, 10.5, 10.5, 10.6]),
                                   (["spike_times": .numbers([0, 10, 10.5, 10.50001]), "shift_now_spikes": .bool(true)],
                                    [0.1, 10, 10.5, 10.5])] {
            let k = try Kernel()
            let sg = try k.create("spike_generator")
            try k.setStatus(sg, params)
            guard case let .numbers(got) = try k.get(sg.ids[0], "spike_times") else { return XCTFail("spike_times") }
            XCTAssertEqual(got.count, expected.count)
            for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(params)") }
        }
    }

    /// stimulating/test_poisson_generator_campbell_alpha.py: 1000 iaf_psc_alpha (tau_m 5,
    /// tau_syn_ex 0.5, C_m 1, E_L 0, V_th 999) driven by one poisson_generator at the rate that
    /// Campbell's theorem says gives a mean V_m of 20 mV (weight 0.01, delay 0.1): after 200 ms the
    /// mean V_m is within 0.05 mV of 20. Judged on five seeds, four must pass.
    func testPoissonGeneratorCampbellAlpha() throws {
        let (tauM, tauSyn, target, j) = (5.0, 0.5, 20.0, 0.01)
        let rate = 1000 * target / (j * tauM * M_E * tauSyn)
        var means: [Double] = []
        for seed in 1...5 as ClosedRange<UInt64> {
            let k = try Kernel(resolution: 0.1, seeds: Seeds(master: seed))
            try k.setDefaults("iaf_psc_alpha", ["tau_m": .number(tauM), "tau_syn_ex": .number(tauSyn), "E_L": .number(0),
                                                "V_th": .number(999), "C_m": .number(1), "V_m": .number(0)])
            let neurons = try k.create("iaf_psc_alpha", n: 1000)
            let pg = try k.create("poisson_generator", params: ["rate": .number(rate)])
            try k.connect(pg, neurons, ConnSpec(.allToAll), SynSpec(weight: j, delay: 0.1))
            try k.simulate(200)
            let vm = try neurons.ids.map { try XCTUnwrap(k.get($0, "V_m").number) }
            means.append(vm.reduce(0, +) / Double(vm.count))
        }
        XCTAssertGreaterThanOrEqual(means.filter { abs($0 - target) < 0.05 }.count, 4, "\(means)")
    }

    /// The normal distribution's CDF.
    static func normalCDF(_ x: Double, mean: Double, std: Double) -> Double { 0.5 * erfc(-(x - mean) / (std * 2.0.squareRoot())) }

    /// Kolmogorov-Smirnov p-value of `x` against a distribution given by its CDF.
    static func ksP(_ x: [Double], cdf: (Double) -> Double) -> Double { NESTPortedConnectTests.ksUniformP(x.map(cdf)) }

    /// other/test_random_parameter.py, for the distributions netview has (uniform, normal,
    /// lognormal; uniform_int and exponential are out): 100 values of a node parameter drawn from
    /// each fit its distribution (KS p > 0.05), as do the weights of a 10 x 10 all_to_all drawn
    /// from uniform(-1.3, 2.7) and V_m of 10 neurons drawn from uniform(-60, -50). Judged on 20
    /// seeds, 16 must pass each.
    func testRandomParameter() throws {
        let cases: [(Distribution, (Double) -> Double)] = [
            (.uniform(min: -1.3, max: 2.7), { min(1, max(0, ($0 + 1.3) / 4)) }),
            (.normal(mean: 2.3, std: 1.7, min: nil, max: nil), { Self.normalCDF($0, mean: 2.3, std: 1.7) }),
            (.lognormal(mu: 1.7, sigma: 0.9), { $0 > 0 ? Self.normalCDF(log($0), mean: 1.7, std: 0.9) : 0 }),
        ]
        var passes = [Int](repeating: 0, count: cases.count + 2)
        for seed in 1...20 as ClosedRange<UInt64> {
            for (c, (d, cdf)) in cases.enumerated() {
                let k = try Kernel(seeds: Seeds(master: seed))
                let n = try k.create("iaf_psc_alpha", n: 100)
                try k.setStatus(n, ["I_e": .distribution(d)])
                let x = try n.ids.map { try XCTUnwrap(k.get($0, "I_e").number) }
                if Self.ksP(x, cdf: cdf) > 0.05 { passes[c] += 1 }
            }
            let k = try Kernel(seeds: Seeds(master: seed))
            let nodes = try k.create("iaf_psc_alpha", n: 10)
            try k.connect(nodes, nodes, ConnSpec(), SynSpec(weight: .random(.uniform(min: -1.3, max: 2.7)), delay: .constant(1)))
            let w = k.synapses().map(\.weight)
            XCTAssertEqual(w.count, 100)
            if Self.ksP(w, cdf: cases[0].1) > 0.05 { passes[cases.count] += 1 }
            try k.setStatus(nodes, ["V_m": .distribution(.uniform(min: -60, max: -50))])
            let vm = try nodes.ids.map { try XCTUnwrap(k.get($0, "V_m").number) }
            if Self.ksP(vm, cdf: { min(1, max(0, ($0 + 60) / 10)) }) > 0.05 { passes[cases.count + 1] += 1 }
        }
        for (i, p) in passes.enumerated() { XCTAssertGreaterThanOrEqual(p, 16, "case \(i): \(passes)") }
    }
}

/// neurons/test_aeif_lsodar.py, the aeif_cond_exp rows (NEST's other aeif_* models are out).
extension NESTPortedStimulusTests {
    /// NEST's compute_difference: the mean relative difference where the reference is not close
    /// to 0, leaving out V_m above (V_th + V_peak) / 2 when Delta_T > 0.
    static func meanRelativeDifference(_ x: [Double], _ ref: [Double], spikingAbove: Double? = nil) -> Double {
        var sum = 0.0, n = 0
        for (v, r) in zip(x, ref) where abs(r) > 1e-8 {
            if let lim = spikingAbove, v > lim { continue }
            sum += abs(r - v) / abs(r)
            n += 1
        }
        return sum / Double(max(n, 1))
    }

    static let dt0: [String: ParamValue] = [
        "V_reset": .number(-60), "V_peak": .number(0), "V_th": .number(-55), "I_e": .number(200), "g_L": .number(16.7),
        "E_L": .number(-70), "Delta_T": .number(0), "a": .number(0), "b": .number(0), "C_m": .number(250),
        "V_m": .number(-70), "w": .number(0), "t_ref": .number(2), "tau_syn_ex": .number(0.2),
    ]
    static let iafCond: [String: ParamValue] = [
        "V_reset": .number(-60), "V_th": .number(-55), "I_e": .number(200), "E_L": .number(-70), "C_m": .number(250),
        "V_m": .number(-70), "t_ref": .number(2), "tau_syn_ex": .number(0.2), "g_L": .number(16.7),
    ]

    /// test_closeness_nest_lsodar: at h = 0.01 ms, an aeif_cond_exp with I_e 420 pA (a 3, b 0,
    /// w 5 pA at the start) follows NEST's LSODAR reference solution for 100 ms: mean relative
    /// difference below 5e-4 for V_m (leaving out the spikes) and 1e-4 for w.
    func testAeifCondExpAgainstLSODAR() throws {
        let text = try String(contentsOf: Fixtures.tests.appendingPathComponent("nest-suite/test_aeif_data_lsodar.dat"), encoding: .utf8)
        let ref = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map { Double($0)! } }
        XCTAssertGreaterThan(ref.count, 1000)
        func interpolate(_ t: Double, _ column: Int) -> Double {
            var lo = 0, hi = ref.count - 1
            while hi - lo > 1 { let mid = (lo + hi) / 2; if ref[mid][0] <= t { lo = mid } else { hi = mid } }
            let (a, b) = (ref[lo], ref[hi])
            return a[column] + (b[column] - a[column]) * (t - a[0]) / (b[0] - a[0])
        }
        let k = try Kernel(resolution: 0.01)
        let n = try k.create("aeif_cond_exp", params: [
            "V_reset": .number(-58), "V_peak": .number(0), "V_th": .number(-50), "I_e": .number(420), "g_L": .number(11),
            "tau_w": .number(300), "E_L": .number(-70), "Delta_T": .number(2), "a": .number(3), "b": .number(0),
            "C_m": .number(200), "V_m": .number(-70), "w": .number(5),
        ])
        let mm = try k.create("multimeter", params: ["interval": .number(0.01), "record_from": .strings(["V_m", "w"])])
        try k.connect(mm, n)
        try k.simulate(100)
        let rows = try XCTUnwrap(k.multimeter(mm.ids[0])).rows.filter { k.grid.ms($0.stamp) <= ref.last![0] }
        XCTAssertGreaterThan(rows.count, 9000)
        let times = rows.map { k.grid.ms($0.stamp) }
        let spikes = k.spikeCounts[n.ids[0]]
        XCTAssertGreaterThan(spikes, 0, "the cell fires")
        let dv = Self.meanRelativeDifference(rows.map { $0.values[0] }, times.map { interpolate($0, 1) }, spikingAbove: -25)
        let dw = Self.meanRelativeDifference(rows.map { $0.values[1] }, times.map { interpolate($0, 2) })
        XCTAssertLessThan(dv, 5e-4)
        XCTAssertLessThan(dw, 1e-4)
    }

    /// test_iaf_spike_input: with Delta_T, a and b 0 and w starting at 0, aeif_cond_exp behaves as
    /// iaf_cond_exp under the same random spike train (NEST's poisson_generator at 10 kHz through a
    /// parrot_neuron; here the same train drawn once and sent by a spike_generator), weight 1 nS,
    /// 200 ms: V_m within a mean relative 5e-4, g_ex within 1e-6.
    func testAeifCondExpAsIafCondExpWithSpikeInput() throws {
        var rng = RandomStream(seed: 2024, 1)
        var times: [Double] = [], counts: [Double] = []
        for step in 1...20_000 {
            // Poisson counts with mean 0.1 per 0.01 ms step (10 kHz).
            var c = 0, p = exp(-0.1), u = rng.uniform(), cum = p
            while u > cum { c += 1; p *= 0.1 / Double(c); cum += p }
            if c > 0 { times.append(Double(step) / 100); counts.append(Double(c)) }
        }
        let k = try Kernel(resolution: 0.01)
        let sg = try k.create("spike_generator", params: ["spike_times": .numbers(times), "spike_multiplicities": .numbers(counts)])
        let aeif = try k.create("aeif_cond_exp", params: Self.dt0), iaf = try k.create("iaf_cond_exp", params: Self.iafCond)
        var meters: [NodeCollection] = []
        for n in [aeif, iaf] {
            let mm = try k.create("multimeter", params: ["interval": .number(0.01), "record_from": .strings(["V_m", "g_ex"])])
            try k.connect(mm, n)
            try k.connect(sg, n, ConnSpec(), SynSpec(weight: 1, delay: 1))
            meters.append(mm)
        }
        try k.simulate(200)
        let a = try XCTUnwrap(k.multimeter(meters[0].ids[0])).rows, b = try XCTUnwrap(k.multimeter(meters[1].ids[0])).rows
        XCTAssertEqual(a.count, 20_000)
        XCTAssertEqual(a.count, b.count)
        XCTAssertGreaterThan(k.spikeCounts[iaf.ids[0]], 0, "the reference fires")
        XCTAssertLessThan(Self.meanRelativeDifference(a.map { $0.values[0] }, b.map { $0.values[0] }), 5e-4)
        XCTAssertLessThan(Self.meanRelativeDifference(a.map { $0.values[1] }, b.map { $0.values[1] }), 1e-6)
    }

    /// test_iaf_dc_input: the same pair under a dc_generator of 250 pA from 50 to 150 ms, 200 ms:
    /// V_m within a mean relative 5e-4.
    func testAeifCondExpAsIafCondExpWithDCInput() throws {
        let k = try Kernel(resolution: 0.01)
        let dc = try k.create("dc_generator", params: ["amplitude": .number(250), "start": .number(50), "stop": .number(150)])
        var meters: [NodeCollection] = []
        for (model, params) in [("aeif_cond_exp", Self.dt0), ("iaf_cond_exp", Self.iafCond)] {
            let n = try k.create(model, params: params)
            let mm = try k.create("multimeter", params: ["interval": .number(0.01), "record_from": .strings(["V_m"])])
            try k.connect(mm, n)
            try k.connect(dc, n)
            meters.append(mm)
        }
        try k.simulate(200)
        let a = try XCTUnwrap(k.multimeter(meters[0].ids[0])).rows, b = try XCTUnwrap(k.multimeter(meters[1].ids[0])).rows
        XCTAssertEqual(a.count, 20_000)
        XCTAssertEqual(a.count, b.count)
        XCTAssertLessThan(Self.meanRelativeDifference(a.map { $0.values[0] }, b.map { $0.values[0] }), 5e-4)
    }
}
