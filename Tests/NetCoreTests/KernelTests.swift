import XCTest
@testable import NetCore

/// A small balanced network built through the Swift API, as a PyNEST user would.
func smallBrunel(threads: Int = 1, seed: UInt64 = 1, order: Int = 50) throws -> (Kernel, NodeCollection) {
    let k = try Kernel(resolution: 0.1, seeds: Seeds(master: seed), threads: threads)
    let p: [String: ParamValue] = ["C_m": .number(1), "tau_m": .number(20), "t_ref": .number(2), "E_L": .number(0),
                                   "V_reset": .number(0), "V_m": .number(0), "V_th": .number(20)]
    let e = try k.create("iaf_psc_delta", n: 4 * order, params: p)
    let i = try k.create("iaf_psc_delta", n: order, params: p)
    let noise = try k.create("poisson_generator", params: ["rate": .number(20000)])
    let all = e + i
    try k.connect(noise, all, ConnSpec(), SynSpec(weight: 0.1, delay: 1.5))
    try k.connect(e, all, ConnSpec(.fixedIndegree(4 * order / 10)), SynSpec(weight: 0.1, delay: 1.5))
    try k.connect(i, all, ConnSpec(.fixedIndegree(order / 10)), SynSpec(weight: -0.5, delay: 1.5))
    return (k, all)
}

final class KernelTests: XCTestCase {
    func testSimulateInChunksEqualsOneCallBitForBit() throws {
        let (a, _) = try smallBrunel()
        try a.simulate(200)
        let (b, _) = try smallBrunel()
        for _ in 0..<8 { try b.simulate(25) }
        let (c, _) = try smallBrunel()
        try c.simulate(0.7)
        try c.simulate(199.3)
        XCTAssertEqual(a.dynamicState(), b.dynamicState())
        XCTAssertEqual(a.dynamicState(), c.dynamicState())
        XCTAssertGreaterThan(a.spikeCounts.reduce(0, +), 1000)
    }

    func testThreadCountDoesNotChangeTheNetwork() throws {
        let (a, _) = try smallBrunel(threads: 1)
        let (b, _) = try smallBrunel(threads: 2)
        let (c, _) = try smallBrunel(threads: 3)
        try a.simulate(100)
        try b.simulate(100)
        try c.simulate(100)
        XCTAssertEqual(a.dynamicState(), b.dynamicState())
        XCTAssertEqual(a.dynamicState(), c.dynamicState())
    }

    /// Worker threads live as long as their kernel: a thousand short slices on 4 threads, kernels
    /// made and dropped, a thread count changed mid-run, and the process ends with the threads
    /// it had (they would pile up, spinning or asleep, if a pool outlived its kernel).
    func testWorkerThreadsEndWithTheirKernel() throws {
        func threadCount() -> Int {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            return status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
                .flatMap { Int($0.dropFirst(8).trimmingCharacters(in: .whitespaces)) } ?? 0
        }
        let before = threadCount()
        for round in 0..<20 {
            let (k, _) = try smallBrunel(threads: 4, order: 20)
            try k.simulate(10)
            if round % 5 == 0 {
                try k.setThreads(3)
                try k.simulate(10)
            }
        }
        var after = threadCount()
        for _ in 0..<100 where after > before + 2 {
            usleep(20_000)
            after = threadCount()
        }
        XCTAssertLessThanOrEqual(after, before + 2, "threads before \(before), after \(after)")
    }

    func testSeedsChangeTheSpikes() throws {
        let (a, _) = try smallBrunel(seed: 1)
        let (b, _) = try smallBrunel(seed: 2)
        try a.simulate(100)
        try b.simulate(100)
        XCTAssertNotEqual(a.spikeCounts, b.spikeCounts)
    }

    func testParameterOutOfRangeIsAnErrorNamingModelParameterAndRule() throws {
        let k = try Kernel()
        XCTAssertThrowsError(try k.create("iaf_psc_alpha", params: ["C_m": .number(0)])) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("iaf_psc_alpha") && text.contains("C_m must be > 0"), text)
        }
        XCTAssertThrowsError(try k.create("iaf_psc_delta", params: ["tau_m": .number(.nan)])) { e in
            XCTAssertTrue("\(e)".contains("NaN"), "\(e)")
        }
        XCTAssertThrowsError(try k.create("iaf_psc_delta", params: ["V_reset": .number(-50)])) { e in
            XCTAssertTrue("\(e)".contains("V_reset must be < V_th"), "\(e)")
        }
        XCTAssertThrowsError(try k.create("iaf_psc_delta", params: ["tau_mm": .number(1)])) { e in
            XCTAssertTrue("\(e)".contains("did you mean 'tau_m'"), "\(e)")
        }
        XCTAssertThrowsError(try k.create("iaf_psc_delta", params: ["t_spike": .number(1)])) { e in
            XCTAssertTrue("\(e)".contains("read-only"), "\(e)")
        }
        XCTAssertThrowsError(try k.create("iaf_psc_delta", params: ["tau_minus": .number(1)])) { e in
            XCTAssertTrue("\(e)".contains("not supported"), "\(e)")
        }
        XCTAssertThrowsError(try k.create("iaf_psc_dleta")) { e in XCTAssertTrue("\(e)".contains("iaf_psc_delta"), "\(e)") }
        XCTAssertEqual(k.nodeCount, 0, "a failed Create leaves nothing behind")
    }

    func testFailedSetStatusChangesNothing() throws {
        let k = try Kernel()
        let n = try k.create("aeif_cond_exp", n: 3)
        XCTAssertThrowsError(try k.setStatus(n, ["V_th": .number(-40), "V_peak": .number(-45)]))
        XCTAssertEqual(try k.get(1, "V_th"), .number(-50.4))
        try k.setStatus(n, ["V_th": .number(-40), "V_peak": .number(-30)])
        XCTAssertEqual(try k.get(3, "V_peak"), .number(-30))
    }

    func testDelayBelowResolutionIsRefused() throws {
        let k = try Kernel(resolution: 0.1)
        let a = try k.create("iaf_psc_delta", n: 2)
        XCTAssertThrowsError(try k.connect(a, a, ConnSpec(), SynSpec(weight: 1, delay: 0.04))) { e in
            XCTAssertTrue("\(e)".contains("below the resolution"), "\(e)")
        }
        try k.connect(a, a, ConnSpec(), SynSpec(weight: 1, delay: 0.05))  // rounds to one step, as in NEST
    }

    /// Every synapse arrives when and where the listing says, however its target index and delay
    /// are stored: targets in a population of 70,000 cells (4 bytes) or 300 (2 bytes), delays
    /// spanning about 400 steps (2 bytes) or 19 (1 byte above the shortest).
    func testEverySynapseArrivesWhenAndWhereItsListingSays() throws {
        for (n, longest) in [(70_000, 40.0), (300, 2.0), (70_000, 2.0), (300, 40.0)] {
            let k = try Kernel(resolution: 0.1)
            let src = try k.create("spike_generator", params: ["spike_times": .numbers([1.0])])
            let p: [String: ParamValue] = ["E_L": .number(0), "V_m": .number(0), "V_reset": .number(0), "V_th": .number(1e9),
                                           "tau_m": .number(1e12), "C_m": .number(1)]
            let pop = try k.create("iaf_psc_delta", n: n, params: p)
            try k.connect(src, pop, ConnSpec(.fixedOutdegree(3000)),
                          SynSpec(weight: .random(.uniform(min: 0.5, max: 1.5)), delay: .random(.uniform(min: 0.1, max: longest))))
            let list = k.synapses()
            XCTAssertEqual(list.count, 3000)
            XCTAssertTrue(list.allSatisfy { pop.ids.contains($0.target) && $0.delay >= 0.1 && $0.delay <= longest + 1e-9 })
            XCTAssertGreaterThan(Set(list.map(\.target)).max()!, n / 2, "targets reach the upper half")
            XCTAssertGreaterThan(list.map(\.delay).max()! - list.map(\.delay).min()!, longest * 0.8)
            let half = ((1 + longest / 2) * 10).rounded() / 10
            func vm() throws -> [Int: Double] {
                var out: [Int: Double] = [:]
                for t in Set(list.map(\.target)) { out[t] = try k.get(t, "V_m").number! }
                return out
            }
            try k.simulate(half)
            let early = try vm()
            // Whatever the arrival convention (c), one holds for every cell.
            let held = [-0.1, 0, 0.1].filter { c in
                var want: [Int: Double] = [:]
                for syn in list where 1 + syn.delay + c <= half + 1e-9 { want[syn.target, default: 0] += syn.weight }
                return early.allSatisfy { abs($0.value - (want[$0.key] ?? 0)) < 1e-6 }
            }
            XCTAssertEqual(held.count, 1, "n \(n), delays up to \(longest) ms")
            try k.simulate(longest + 2)
            let late = try vm()
            var all: [Int: Double] = [:]
            for syn in list { all[syn.target, default: 0] += syn.weight }
            XCTAssertTrue(late.allSatisfy { abs($0.value - all[$0.key]!) < 1e-6 }, "n \(n), delays up to \(longest) ms")
        }
    }

    func testFixedIndegreeGivesEveryTargetExactlyItsIndegree() throws {
        let k = try Kernel()
        let a = try k.create("iaf_psc_delta", n: 100)
        let b = try k.create("iaf_psc_delta", n: 40)
        try k.connect(a, b, ConnSpec(.fixedIndegree(7), allowAutapses: false, allowMultapses: false))
        let c = k.connections[0]
        XCTAssertEqual(c.synapses, 280)
        XCTAssertEqual(c.indegree.min, 7)
        XCTAssertEqual(c.indegree.max, 7)
    }

    func testPairwiseBernoulliRespectsMaxIndegree() throws {
        let k = try Kernel()
        // Destexhe 2009: 400 excitatory sources to all 500 cells, capped at 32 inputs.
        let a = try k.create("aeif_cond_exp", n: 500)
        try k.connect(a[0..<400], a, ConnSpec(.pairwiseBernoulli(p: 0.08, maxIndegree: 32), allowAutapses: false))
        let c = k.connections[0]
        XCTAssertEqual(c.indegree.max, 32)
        XCTAssertGreaterThan(c.indegree.mean, 29.1)
        XCTAssertLessThan(c.indegree.mean, 30.6)
    }

    func testOneToOneNeedsEqualSizes() throws {
        let k = try Kernel()
        let a = try k.create("iaf_psc_delta", n: 3)
        let b = try k.create("iaf_psc_delta", n: 4)
        XCTAssertThrowsError(try k.connect(a, b, ConnSpec(.oneToOne)))
    }

    func testPoissonCountsHaveMeanAndVarianceOfTheRate() throws {
        // 1000 neurons each driven at 20 kHz * 0.1 ms = 2 events per step: count received input.
        let k = try Kernel()
        let n = try k.create("iaf_psc_delta", n: 1000, params: ["V_th": .number(1e9), "E_L": .number(0), "V_m": .number(0),
                                                               "V_reset": .number(0), "tau_m": .number(1e12), "C_m": .number(1)])
        let g = try k.create("poisson_generator", params: ["rate": .number(20000)])
        try k.connect(g, n, ConnSpec(), SynSpec(weight: 1, delay: 0.1))
        try k.simulate(100.1)
        // Each neuron integrated (1000 steps) of input: its V_m is its event count.
        let counts = try (1...1000).map { try k.get($0, "V_m").number! }
        let mean = counts.reduce(0, +) / 1000
        let variance = counts.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 999
        XCTAssertEqual(mean, 2000, accuracy: 2000 * 0.01)
        XCTAssertEqual(variance, 2000, accuracy: 2000 * 0.15)
    }

    func testNumericalInstabilityNamesTheNeuron() throws {
        let k = try Kernel()
        let n = try k.create("aeif_cond_exp", n: 2, params: ["I_e": .number(-1e7)])
        _ = n
        XCTAssertThrowsError(try k.simulate(10)) { e in
            XCTAssertTrue("\(e)".contains("NumericalInstability in neuron 1"), "\(e)")
        }
        // In eight cells integrated side by side, the second group's cell is named.
        let k8 = try Kernel()
        let cells = try k8.create("aeif_cond_exp", n: 16)
        try k8.setStatus(cells[5], ["I_e": .number(-1e7)])
        XCTAssertThrowsError(try k8.simulate(10)) { e in
            XCTAssertTrue("\(e)".contains("NumericalInstability in neuron 6"), "\(e)")
        }
    }

    /// An error inside a step leaves some cells past it and others not: the kernel refuses to go
    /// on until its state is replaced, and then runs as a kernel that never stopped.
    func testAStepStoppedByAnErrorIsNotContinued() throws {
        func network() throws -> (Kernel, NodeCollection) {
            let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 2), threads: 2)
            let cells = try k.create("aeif_cond_exp", n: 24, params: ["I_e": .number(1000)])
            return (k, cells)
        }
        let (k, cells) = try network()
        try k.simulate(5)
        let before = k.dynamicState()
        try k.setStatus(cells[13], ["I_e": .number(-1e7)])
        XCTAssertThrowsError(try k.simulate(10))
        XCTAssertNotNil(k.halted)
        XCTAssertThrowsError(try k.simulate(1)) { e in
            XCTAssertTrue("\(e)".contains("part way through the step"), "\(e)")
        }
        try k.setStatus(cells[13], ["I_e": .number(1000)])
        try k.restoreDynamicState(before)
        XCTAssertNil(k.halted)
        try k.simulate(20)
        let (fresh, _) = try network()
        try fresh.simulate(25)
        XCTAssertEqual(k.dynamicState(), fresh.dynamicState())
        XCTAssertGreaterThan(fresh.spikeCounts.reduce(0, +), 0)
        try k.setStatus(cells[13], ["I_e": .number(-1e7)])
        XCTAssertThrowsError(try k.simulate(10))
        try k.setStatus(cells[13], ["I_e": .number(1000)])
        k.resetNetwork()
        XCTAssertNil(k.halted)
        try k.simulate(25)
        XCTAssertEqual(k.dynamicState(), fresh.dynamicState())
    }

    func testResetNetworkReturnsToTheFirstRun() throws {
        let (a, _) = try smallBrunel()
        try a.simulate(50)
        let first = a.spikeCounts
        a.resetNetwork()
        XCTAssertEqual(a.time, 0)
        try a.simulate(50)
        XCTAssertEqual(a.spikeCounts, first)
    }

    func testTheResetStateLeavesOutTheRingsAndTheResetClearsThem() throws {
        let (a, _) = try smallBrunel()
        try a.simulate(50)
        let state = a.dynamicState()
        // Spikes on their way at t = 50 ms (delays of 1.5 ms).
        XCTAssertTrue(state.populations.contains { $0.input.contains { $0 != 0 } })
        XCTAssertTrue(a.initialState!.populations.allSatisfy(\.input.isEmpty))
        a.resetNetwork()
        XCTAssertTrue(a.dynamicState().populations.allSatisfy { $0.input.allSatisfy { $0 == 0 } })
        // A state without rings restores as rings holding nothing.
        let (b, _) = try smallBrunel()
        try b.restoreDynamicState(a.dynamicState(includingInput: false))
        try a.simulate(50)
        try b.simulate(50)
        XCTAssertEqual(a.dynamicState(), b.dynamicState())
    }

    func testDefaultsMirrorGetDefaults() throws {
        let d = Dictionary(uniqueKeysWithValues: try Kernel.defaults(of: "aeif_cond_exp"))
        XCTAssertEqual(d["C_m"], .number(281))
        XCTAssertEqual(d["V_m"], .number(-70.6))
        XCTAssertEqual(d["recordables"], .strings(["V_m", "g_ex", "g_in", "w"]))
    }

    func testCopyModelAndSetDefaults() throws {
        let k = try Kernel()
        try k.copyModel("iaf_psc_alpha", "exc", ["I_e": .number(100)])
        try k.setDefaults("exc", ["tau_m": .number(20)])
        let n = try k.create("exc", n: 2)
        XCTAssertEqual(try k.get(n.ids[0], "I_e"), .number(100))
        XCTAssertEqual(try k.get(n.ids[1], "tau_m"), .number(20))
        XCTAssertTrue(k.models().contains("exc"))
    }
}
