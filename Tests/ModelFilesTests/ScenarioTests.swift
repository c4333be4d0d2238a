import Foundation
import XCTest
import ModelFiles
import NetCore

/// The shipped scenarios against NEST 3.10's published numbers (issue bands).
final class ScenarioTests: XCTestCase {
    func asset(_ name: String) -> String { Fixtures.assets.appendingPathComponent(name).path }

    func testBrunelAtOrder250MatchesNESTRatesAndCV() throws {
        var e = 0.0, i = 0.0, cv = 0.0
        for seed in 1...3 as ClosedRange<UInt64> {
            let m = try ModelFile.load(path: asset("brunel2000.json"), overrides: ["order": 250], seed: seed)
            let b = try m.build()
            try b.kernel.simulate(1000)
            let rates = b.populationRates(duration: 1000)
            e += rates[0].rate / 3
            i += rates[1].rate / 3
            cv += (b.activity(recorder: "espikes", duration: 1000)!.populations[0].cvISI) / 3
        }
        XCTAssertEqual(e, 57.20, accuracy: 57.20 * 0.03)
        XCTAssertEqual(i, 57.28, accuracy: 57.28 * 0.03)
        XCTAssertEqual(cv, 0.083, accuracy: 0.03)
    }

    /// The microcircuit is built as NEST's Potjans_2014 example builds it, at a small scale:
    /// population sizes round(N*scale) (half to even), per entry N = round(log(1-p) /
    /// log((Npre*Npost-1)/(Npre*Npost)) * scale) synapses, weights from a 0.15 mV PSP with the
    /// sign kept (87.8 pA, L4E to L23E doubled, inhibition x -4), delays on the grid, >= 1 step.
    func testMicrocircuitIsBuiltAsNESTsExample() throws {
        let scale = 0.005
        let full = [20683.0, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
        let p: [[Double]] = [
            [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
            [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
            [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
            [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
            [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
            [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
            [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
            [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
        ]
        let m = try ModelFile.load(path: asset("potjans2014.json"), overrides: ["scale": scale])
        XCTAssertEqual(m.nodes.prefix(8).map(\.n), full.map { Int(($0 * scale).rounded(.toNearestOrEven)) })
        let b = try m.build()
        var first = [1]
        for n in m.nodes.prefix(8) { first.append(first.last! + n.n) }
        func pop(_ id: Int) -> Int { first.lastIndex { $0 <= id }! }
        var count = [[Int]](repeating: [Int](repeating: 0, count: 8), count: 8)
        var weightSum = count.map { $0.map { _ in 0.0 } }, delaySum = weightSum
        var wrongSign = 0, offGrid = 0
        for syn in b.kernel.synapses() where syn.target < first[8] {
            let (s, t) = (pop(syn.source), pop(syn.target))
            count[t][s] += 1
            weightSum[t][s] += syn.weight
            delaySum[t][s] += syn.delay
            if (syn.weight > 0) != (s % 2 == 0) { wrongSign += 1 }
            let steps = syn.delay / 0.1
            if syn.delay < 0.1 || abs(steps - steps.rounded()) > 1e-9 { offGrid += 1 }
        }
        XCTAssertEqual(wrongSign, 0)
        XCTAssertEqual(offGrid, 0)
        let psc = 87.80849352920843
        for t in 0..<8 {
            for s in 0..<8 {
                let prod = full[t] * full[s]
                let want = Int((log(1 - p[t][s]) / log((prod - 1) / prod) * scale).rounded(.toNearestOrEven))
                XCTAssertEqual(count[t][s], want, "\(s) -> \(t)")
                guard count[t][s] >= 2000 else { continue }
                let w = (s % 2 == 0 ? 1 : -4) * (t == 0 && s == 2 ? 2 : 1) * psc
                XCTAssertEqual(weightSum[t][s] / Double(count[t][s]), w, accuracy: abs(w) * 0.01, "\(s) -> \(t)")
                let d = s % 2 == 0 ? 1.5 : 0.75
                XCTAssertEqual(delaySum[t][s] / Double(count[t][s]), d, accuracy: d * 0.05, "\(s) -> \(t)")
            }
        }
    }

    /// The per-entry listing (`netview connections`) holds the kernel's synapses, each once, with
    /// their weights and delays, plus one link per Poisson generator and target.
    func testPerEntryListingIsTheKernelsSynapses() throws {
        let b = try ModelFile.load(path: asset("potjans2014.json"), overrides: ["scale": 0.005]).build()
        let k = b.kernel
        struct Row: Hashable { let s: Int, t: Int, w: Double, d: Double }
        var listed: [Row] = [], links = 0
        for i in k.connections.indices {
            k.forEachSynapse(ofConnection: i) { s, t, w, d in
                if b.name(of: s)!.node.hasPrefix("bg_") { links += 1 } else { listed.append(Row(s: s, t: t, w: w, d: d)) }
            }
        }
        let kernel = k.synapses().map { Row(s: $0.source, t: $0.target, w: $0.weight, d: $0.delay) }
        XCTAssertEqual(listed.count, kernel.count)
        func key(_ r: Row) -> [Double] { [Double(r.s), Double(r.t), r.d, r.w] }
        XCTAssertEqual(listed.sorted { key($0).lexicographicallyPrecedes(key($1)) }, kernel.sorted { key($0).lexicographicallyPrecedes(key($1)) })
        XCTAssertEqual(links, b.neuronNodes.reduce(0) { $0 + $1.n })
        XCTAssertEqual(listed.count + links, k.synapseCount)
        // Every id names its node and index; ids outside every node name none.
        var id = 1
        for n in b.model.nodes {
            for i in 0..<n.n {
                let got = b.name(of: id)
                XCTAssertTrue(got?.node == n.name && got?.index == i, "\(id): \(String(describing: got))")
                id += 1
            }
        }
        XCTAssertNil(b.name(of: 0))
        XCTAssertNil(b.name(of: id))
        XCTAssertNil(b.name(of: -5))
    }

    /// The connectivity checksum (kept in saved sessions) does not depend on how synapses are
    /// stored: these values were written by the release that stored 4-byte targets and 2-byte
    /// delays for every synapse, so its sessions still open.
    func testConnectivityChecksumsOfEarlierSessionsStillHold() throws {
        // Drawn on 1, 2 and 3 threads (weights and delays of large calls are drawn by the workers),
        // normal values by Box-Muller (sessions before version 3) and by the ziggurat.
        for threads in 1...3 {
            var m = try ModelFile.load(path: asset("potjans2014.json"), overrides: ["scale": 0.005])
            m.normals = .boxMuller
            XCTAssertEqual(String(try m.build(threads: threads).kernel.connectivityChecksum(), radix: 16), "129de95531acd48c", "\(threads) threads")
            m.normals = .ziggurat
            XCTAssertEqual(String(try m.build(threads: threads).kernel.connectivityChecksum(), radix: 16), "c2ed0aac16ae8389", "\(threads) threads")
        }
        let brunel = try ModelFile.load(path: asset("brunel2000.json"), overrides: ["order": 250]).build()
        XCTAssertEqual(String(brunel.kernel.connectivityChecksum(), radix: 16), "27964462ba776cec")
    }

    /// The COBA benchmark's kick starts activity that the network then keeps up on its own, in
    /// NEST 3.10's band (E 11.6-15.9 Hz, I 13.0-15.4 Hz over 11 seeds, widened by a few tenths for
    /// five samples). The kick does not always ignite the network (NEST: 1 of 11 seeds here), so of
    /// seeds 1-5 at least 3 must, and every run either keeps going in the band or dies out.
    func testCOBAKeepsItsActivityInNESTsBand() throws {
        var active = 0
        for seed in 1...5 as ClosedRange<UInt64> {
            let m = try ModelFile.load(path: asset("vogels_abbott_coba.json"), seed: seed)
            let b = try m.build()
            try b.kernel.simulate(1000)
            let rates = b.populationRates(duration: 1000)
            if rates[0].rate < 3 { continue }
            active += 1
            XCTAssertEqual(rates[0].rate, 14.0, accuracy: 3.0, "seed \(seed) E")
            XCTAssertEqual(rates[1].rate, 14.2, accuracy: 2.0, "seed \(seed) I")
        }
        XCTAssertGreaterThanOrEqual(active, 3)
    }

    func testBrunelOutputIsIdenticalForOneAndTwoThreads() throws {
        var outputs: [String] = []
        for threads in [1, 2] {
            let m = try ModelFile.load(path: asset("brunel2000.json"), overrides: ["order": 250])
            let b = try m.build(threads: threads)
            try b.kernel.simulate(200)
            let dir = Fixtures.temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try b.writeOutputs(to: dir, simulated: 200, simulateSeconds: 0)
            outputs.append(try String(contentsOfFile: dir + "/espikes.csv", encoding: .utf8) + String(contentsOfFile: dir + "/ispikes.csv", encoding: .utf8))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertGreaterThan(outputs[0].count, 10_000)
    }

    func testBisectionFindsTheBalancedRateForEverySeed() throws {
        let m0 = try ModelFile.load(path: asset("balanced_neuron.json"))
        for seed in 1...3 as ClosedRange<UInt64> {
            let m = try ModelFile.load(path: asset("balanced_neuron.json"), seed: seed)
            let b = try m.build()
            let (outcome, evals) = try Bisection(built: b, spec: m0.bisection!).run()
            guard case let .found(x) = outcome else { return XCTFail("no result") }
            XCTAssertEqual(evals.count, 12)
            XCTAssertGreaterThan(x, 20.55, "seed \(seed)")
            XCTAssertLessThan(x, 21.05, "seed \(seed)")
            XCTAssertEqual(evals[0].rate, 347, accuracy: 10)
            XCTAssertLessThan(evals[1].rate, 0.5)
        }
    }

    func testDestexheInDegreesAreCappedAsInTheOriginal() throws {
        for seed in 1...5 as ClosedRange<UInt64> {
            let m = try ModelFile.load(path: asset("destexhe2009.json"), seed: seed)
            let b = try m.build()
            let ex = b.kernel.connections[0], inh = b.kernel.connections[1]
            XCTAssertEqual(ex.indegree.max, 32)
            XCTAssertEqual(inh.indegree.max, 8)
            XCTAssertTrue((29.1...30.6).contains(ex.indegree.mean), "\(ex.indegree.mean)")
            XCTAssertTrue((6.57...7.26).contains(inh.indegree.mean), "\(inh.indegree.mean)")
        }
    }

    /// Tier 1 of destexhe2009.md: one isolated cell of each type, a step current from 100 to 1100 ms.
    func singleCell(_ type: String, amplitude: Double) throws -> (during: Int, after: Int, v600: Double, v1100: Double) {
        let dx = try ModelFile.load(path: asset("destexhe2009.json"))
        var params = Dictionary(uniqueKeysWithValues: dx.node(named: type)!.params.map { ($0.key, $0.value) })
        params["V_m"] = .number(-60)
        let k = try Kernel(resolution: 0.1)
        let cell = try k.create("aeif_cond_exp", params: params)
        let dc = try k.create("dc_generator", params: ["amplitude": .number(amplitude), "start": .number(100), "stop": .number(1100)])
        let sr = try k.create("spike_recorder")
        let vm = try k.create("voltmeter", params: ["interval": .number(0.1)])
        try k.connect(dc, cell)
        try k.connect(cell, sr)
        try k.connect(vm, cell)
        try k.simulate(1600)
        let rec = k.spikeRecorder(sr.ids[0])!
        let times = rec.stamps.map { k.grid.ms($0) }
        let rows = k.multimeter(vm.ids[0])!.rows
        func v(_ t: Double) -> Double { rows.first { abs(k.grid.ms($0.stamp) - t) < 1e-9 }!.values[0] }
        return (times.filter { $0 > 100 && $0 <= 1100 }.count, times.filter { $0 > 1100 }.count, v(600), v(1100))
    }

    func testDestexheSingleCellsMatchNEST() throws {
        let expected: [(String, Int, Int, Double, Double, Int)] = [
            ("RS", 9, 61, -69.48, -96.99, 0), ("LTS", 1, 82, -63.90, -73.49, 20), ("FS", 20, 94, -69.48, -96.99, 0),
        ]
        for (type, at100, at300, v600, v1100, rebound) in expected {
            XCTAssertEqual(try singleCell(type, amplitude: 100).during, at100, "\(type) at 100 pA")
            XCTAssertEqual(try singleCell(type, amplitude: 300).during, at300, "\(type) at 300 pA")
            XCTAssertEqual(try singleCell(type, amplitude: -100).v600, v600, accuracy: 0.01, "\(type) V_m at -100 pA")
            let neg = try singleCell(type, amplitude: -400)
            XCTAssertEqual(neg.v1100, v1100, accuracy: 0.01, "\(type) V_m at -400 pA")
            XCTAssertEqual(neg.after, rebound, "\(type) rebound spikes")
        }
    }

    /// Tier 2 and 3 of destexhe2009.md over ten seeds, two at a time: the fates and the bands.
    func testDestexheTenSeedsLandInNESTsBands() throws {
        let seeds = Array(1...10)
        var results = [Activity?](repeating: nil, count: seeds.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for k in stride(from: worker, to: seeds.count, by: 2) {
                guard let m = try? ModelFile.load(path: asset("destexhe2009.json"), seed: UInt64(seeds[k])),
                      let b = try? m.build(), (try? b.kernel.simulate(5000)) != nil else { continue }
                let a = b.activity(recorder: "spikes", duration: 5000)
                lock.lock()
                results[k] = a
                lock.unlock()
            }
        }
        let acts = results.compactMap { $0 }
        XCTAssertEqual(acts.count, 10)
        let active = acts.filter { $0.regime == "active" }, locked = acts.filter { $0.regime == "locked" }
        let extinct = acts.filter { $0.regime == "extinct" }
        XCTAssertTrue((1...10).contains(active.count), "active \(active.count)")
        XCTAssertLessThanOrEqual(locked.count, 8)
        XCTAssertLessThanOrEqual(extinct.count, 6)
        XCTAssertGreaterThanOrEqual(acts.filter { $0.silences > 0 && $0.regime != "extinct" || $0.silences > 0 }.count, 3)
        var outside = 0
        func band(_ x: Double, _ lo: Double, _ hi: Double) -> Bool { x >= lo && x <= hi }
        for a in acts {
            let r = Dictionary(uniqueKeysWithValues: a.populations.map { ($0.name, $0) })
            var ok = band(r["RS"]!.earlyRate, 10.9, 109) && band(r["LTS"]!.earlyRate, 6.25, 156) && band(r["FS"]!.earlyRate, 21.8, 73)
            if a.regime == "active" {
                ok = ok && band(r["RS"]!.rateMean, 8.39, 84.2) && band(r["LTS"]!.rateMean, 6.8, 131) && band(r["FS"]!.rateMean, 11.7, 63)
                ok = ok && band(a.fracUp, 0.486, 1) && band(Double(a.transitions), 2, 81)
                ok = ok && band(r["RS"]!.cvISI, 0.987, 4.75)
            } else if a.regime == "locked" {
                ok = ok && band(a.lateFracActive, 0.091, 0.545) && band(a.lateRateActiveHz, 72.4, 350)
            }
            if !ok { outside += 1 }
        }
        XCTAssertLessThanOrEqual(outside, 1, "seeds outside a band")
    }
}
