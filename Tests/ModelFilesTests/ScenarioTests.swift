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
