import Foundation
import ModelFiles
import NetCore
import XCTest

/// More of NEST 3.10's own tests (testsuite/pytests), ported: each names its NEST source and
/// asserts what that test asserts, with its tolerances (docs/nest-tests.md lists them all).
final class NESTPortedNeuronTests: XCTestCase {
    /// neurons/test_iaf_singularity.py: iaf_psc_exp and iaf_psc_alpha with tau_syn = tau_m + d
    /// (d = 0 and +-1e-10 ... +-0.1) at h 0.001 and 0.1 and tau_m 1, 10, 100 get a spike of
    /// +1000 pA at 2 ms and -1000 pA at 3 ms: V_m is never NaN, moves by more than 1 mV, and no step
    /// changes it by 3 h (max V_m - min V_m) or more.
    func testIafSingularity() throws {
        let magnitudes: [Double] = (0..<5).map { (i: Int) -> Double in pow(10.0, -10.0 + 2.25 * Double(i)) }  // np.logspace(-10, -1, 5)
        let deltas: [Double] = magnitudes.map { -$0 } + [0] + magnitudes
        for model in ["iaf_psc_exp", "iaf_psc_alpha"] {
            for h in [0.001, 0.1] {
                for tauM in [1.0, 10.0, 100.0] {
                    let k = try Kernel(resolution: h)
                    var cells: [Int] = []
                    for d in deltas {
                        let n = try k.create(model, params: ["tau_m": .number(tauM), "tau_syn_ex": .number(tauM + d),
                                                             "tau_syn_in": .number(tauM + d), "V_th": .number(.infinity)])
                        cells += n.ids
                    }
                    let neurons = NodeCollection(cells)
                    let sg = try k.create("spike_generator", params: ["spike_times": .numbers([1.0])])
                    let vm = try k.create("voltmeter", params: ["interval": .number(h)])
                    try k.connect(sg, neurons, ConnSpec(), SynSpec(weight: 1000, delay: 1))
                    try k.connect(sg, neurons, ConnSpec(), SynSpec(weight: -1000, delay: 2))
                    try k.connect(vm, neurons)
                    let meter = try XCTUnwrap(k.multimeter(vm.ids[0]))
                    var last: [Int32: Double] = [:]
                    var (lo, hi, maxStep) = (Double.infinity, -Double.infinity, 0.0)
                    var nan = false
                    let chunk = 10 * tauM / 100
                    for _ in 0..<100 {
                        try k.simulate(chunk)
                        for row in meter.rows {
                            let v = row.values[0]
                            if v.isNaN { nan = true }
                            lo = min(lo, v); hi = max(hi, v)
                            if let p = last[row.sender] { maxStep = max(maxStep, abs(v - p)) }
                            last[row.sender] = v
                        }
                        meter.clearEvents()
                    }
                    let what = "\(model) h \(h) tau_m \(tauM)"
                    XCTAssertFalse(nan, what)
                    XCTAssertGreaterThan(hi - lo, 1, what)
                    XCTAssertLessThan(maxStep, 3 * (hi - lo) * h, what)
                }
            }
        }
    }

    /// stimulating/test_split_simulation.py: an iaf_psc_alpha with I_e 376 pA spikes at the same
    /// times whether 10 s are simulated at once or in 100 runs of 100 ms.
    func testSplitSimulation() throws {
        func spikes(runs: Int) throws -> [Int64] {
            let k = try Kernel()
            let n = try k.create("iaf_psc_alpha", params: ["I_e": .number(376)])
            let sr = try k.create("spike_recorder")
            try k.connect(n, sr)
            for _ in 0..<runs { try k.simulate(10_000 / Double(runs)) }
            return try XCTUnwrap(k.spikeRecorder(sr.ids[0])).stamps
        }
        let whole = try spikes(runs: 1)
        XCTAssertGreaterThan(whole.count, 100)
        XCTAssertEqual(try spikes(runs: 100), whole)
    }
}
