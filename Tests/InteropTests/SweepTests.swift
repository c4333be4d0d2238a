import Foundation
import XCTest
@testable import Interop
@testable import ModelFiles

/// The parts of a sweep that are arithmetic: grids, seeds, intervals, tables, and the network
/// statistics that judge Brunel's regimes.
final class SweepTests: XCTestCase {
    func testRangesIncludeTheirEndAndReadAsWritten() throws {
        XCTAssertEqual(try SweepAxis.parse("g=3:8:0.5").values, [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8])
        XCTAssertEqual(try SweepAxis.parse("eta=0.1:0.5:0.1").values, [0.1, 0.2, 0.3, 0.4, 0.5])
        XCTAssertEqual(try SweepAxis.parse("x=0:1:0.3").values, [0, 0.3, 0.6, 0.9])
        XCTAssertEqual(try SweepAxis.parse("x=2,1.5,-3").values, [2, 1.5, -3])
        XCTAssertEqual(try SweepPlan.parseSeeds("1-3,9"), [1, 2, 3, 9])
        XCTAssertThrowsError(try SweepPlan.parseSeeds("1-3,2"))
        XCTAssertThrowsError(try SweepAxis.parse("x=0:1e300:1e-300"))
        XCTAssertThrowsError(try SweepAxis.parse("=1"))
    }

    /// The first axis varies slowest; names sort as the grid does.
    func testPointsAndNames() {
        let plan = SweepPlan(model: "m", modelSHA256: "", fixed: ["order": 100, "g": 1],
                             axes: [SweepAxis(name: "g", values: [3, 4]), SweepAxis(name: "eta", values: [1, 2, 3, 4, 5, 6])],
                             seeds: [1, 2], timeMs: 10)
        XCTAssertEqual(plan.pointCount, 12)
        XCTAssertEqual(plan.point(0), [3, 1])
        XCTAssertEqual(plan.point(7), [4, 2])
        XCTAssertEqual(plan.runName(point: 7, seed: 2), "p07-s2")
        // A fixed value of a swept parameter gives way to the grid's.
        XCTAssertEqual(plan.overrides(point: 7).map(\.0), ["order", "g", "eta"])
        var shard = plan
        shard.shard = (2, 5)
        XCTAssertEqual(shard.points, [1, 6, 11])
        XCTAssertTrue(shard.sameGrid(as: plan))
        XCTAssertNotEqual(shard, plan)
        let path = NSTemporaryDirectory() + "plan-\(UUID().uuidString).json"
        defer { unlink(path) }
        try! shard.json.render().write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try SweepPlan.read(path), shard)
    }

    /// Wilson's interval and Student's quantile against published values.
    func testIntervals() {
        let (lo, hi) = SweepStats.wilson(5, of: 10)
        XCTAssertEqual(lo, 0.2366, accuracy: 1e-4)
        XCTAssertEqual(hi, 0.7634, accuracy: 1e-4)
        let (l0, h0) = SweepStats.wilson(0, of: 20)
        XCTAssertEqual(l0, 0)
        XCTAssertEqual(h0, 0.1611, accuracy: 1e-4)
        XCTAssertEqual(SweepStats.tQuantile975(df: 9), 2.2622, accuracy: 1e-4)
        XCTAssertEqual(SweepStats.tQuantile975(df: 1), 12.706, accuracy: 1e-3)
        let (m, sd, half) = SweepStats.meanInterval([1, 2, 3, 4])
        XCTAssertEqual(m, 2.5)
        XCTAssertEqual(sd, 1.2910, accuracy: 1e-4)
        XCTAssertEqual(half, 3.1824 * 1.2910 / 2, accuracy: 1e-3)
    }

    func testCSVQuotesAndSummaries() {
        let plan = SweepPlan(model: "m", modelSHA256: "", fixed: [:], axes: [SweepAxis(name: "g,h", values: [1])], seeds: [1, 2, 3], timeMs: 10)
        let rows = [
            SweepRow(point: 0, seed: 3, error: "", columns: [("rate", .number(3)), ("regime", .word("AI"))]),
            SweepRow(point: 0, seed: 1, error: "", columns: [("rate", .number(1.5)), ("regime", .word("SR"))]),
            SweepRow(point: 0, seed: 2, error: "a \"bad\" run", columns: []),
        ]
        let t = SweepTable(plan: plan, rows: rows)
        XCTAssertEqual(t.csv, """
            run,point,"g,h",seed,status,rate,regime
            p0-s1,0,1,1,ok,1.5,SR
            p0-s2,0,1,2,"failed: a ""bad"" run",,
            p0-s3,0,1,3,ok,3,AI

            """)
        let s = t.summaries()[0]
        XCTAssertEqual(s.runs, 2)
        XCTAssertEqual(s.failed, 1)
        XCTAssertEqual(s.mean("rate"), 2.25)
        XCTAssertEqual(s.majority("regime"), "SR")
    }

    /// A train of independent Poisson cells: synchrony near 1 and no peak to speak of; the same
    /// cells firing together in a 50 Hz rhythm: synchrony far above, the peak at 50 Hz, and the
    /// CV of a perfectly regular cell 0.
    func testNetworkStatistics() {
        var rng = SystemRandomNumberGenerator()
        var poisson = NetworkStatistics(populations: [("E", Array(1...400))], resolution: 0.1, from: 0)
        var events: [(Double, Int)] = []
        for id in 1...400 {
            var t = 0.0
            while true {
                t += -log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) * 50
                if t > 2000 { break }
                events.append(((t * 10).rounded(.up) / 10, id))
            }
        }
        for (t, id) in events.sorted(by: { $0.0 < $1.0 }) { poisson.add(time: t, id: id) }
        let p = poisson.result(until: 2000)
        XCTAssertEqual(p.synchrony, 1, accuracy: 0.15)
        XCTAssertLessThan(p.peakPower, NetworkStatistics.synchronousAbove)
        XCTAssertEqual(p.populations[0].rate, 20, accuracy: 1.5)
        XCTAssertEqual(p.populations[0].cvISI, 1, accuracy: 0.1)
        XCTAssertEqual(p.regime, "AI")

        var rhythm = NetworkStatistics(populations: [("E", Array(1...100)), ("I", Array(101...120))], resolution: 0.1, from: 0)
        // Volleys every 20 ms, each cell joining with probability 0.6, spread by about 1.5 ms.
        var volleys: [(Double, Int)] = []
        for cycle in 0..<100 {
            for id in 1...120 where Double.random(in: 0..<1, using: &rng) < 0.6 {
                let jitter = (0..<12).reduce(0.0) { acc, _ in acc + Double.random(in: 0..<1, using: &rng) } - 6
                volleys.append((((Double(cycle) * 20 + 10 + 1.5 * jitter) * 10).rounded() / 10, id))
            }
        }
        for (t, id) in volleys.sorted(by: { $0.0 < $1.0 }) { rhythm.add(time: t, id: id) }
        let r = rhythm.result(until: 2000)
        XCTAssertGreaterThan(r.synchrony, 4)
        XCTAssertEqual(r.peakHz, 50, accuracy: 4)
        XCTAssertGreaterThan(r.peakPower, NetworkStatistics.synchronousAbove)
        XCTAssertEqual(r.populations.map(\.n), [100, 20])
        XCTAssertGreaterThan(r.populations[0].cvISI, NetworkStatistics.regularBelow)
        XCTAssertEqual(r.regime, "SI slow")

        var clock = NetworkStatistics(populations: [("E", [5])], resolution: 0.1, from: 100)
        for k in 1...100 { clock.add(time: Double(k) * 10, id: 5) }
        let c = clock.result(until: 1000)
        XCTAssertEqual(c.populations[0].spikes, 90)
        XCTAssertEqual(c.populations[0].cvISI, 0, accuracy: 1e-9)
        XCTAssertEqual(c.regime, "SR")
        XCTAssertEqual(NetworkStatistics(populations: [("E", [1])], resolution: 0.1, from: 0).result(until: 500).regime, "Q")
    }
}
