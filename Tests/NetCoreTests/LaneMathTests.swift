import Foundation
import XCTest
@testable import NetCore

final class LaneMathTests: XCTestCase {
    /// Four values over the lanes, repeated if there are more than four.
    func spread(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Lane {
        var l = Lane(repeating: 0)
        for k in 0..<laneWidth { l[k] = [a, b, c, d][k % 4] }
        return l
    }

    /// The integrator's own e^x against the C library over the range the neuron models use and beyond.
    func testLaneExpIsWithinTwoUlpOfLibm() {
        var worst = 0.0
        var x = -700.0
        while x < 700 {
            let lanes = spread(x, -x / 3, x / 1000, x * 1e-6)
            let e = laneExp(lanes)
            for k in 0..<laneWidth {
                let want = exp(lanes[k])
                worst = max(worst, abs(e[k] - want) / want.ulp)
            }
            x += 0.0137
        }
        XCTAssertLessThanOrEqual(worst, 2, "worst error \(worst) ulp")
        XCTAssertEqual(laneExp(Lane(repeating: 0))[0], 1)
        XCTAssertEqual(laneExp(Lane(repeating: -1e9))[0], exp(-708), accuracy: exp(-708) * 1e-12)
        XCTAssertTrue(laneExp(Lane(repeating: 1e9))[0].isFinite)
    }
}

extension LaneMathTests {
    /// The logarithm behind the step-size control's powers, against the C library from DBL_MIN up.
    func testLaneLogIsWithinFourUlpOfLibm() {
        var worst = 0.0
        var x = Double.leastNormalMagnitude * 2
        while x < 1e300 {
            let lanes = spread(x, x * 1.37, x * 0.71, 1 + x * 1e-300)
            let l = laneLog(lanes)
            for k in 0..<laneWidth {
                let want = log(lanes[k])
                worst = max(worst, abs(l[k] - want) / max(abs(want), 1).ulp)
            }
            x *= 1.618
        }
        XCTAssertLessThanOrEqual(worst, 4, "worst error \(worst) ulp")
        XCTAssertEqual(laneLog(Lane(repeating: 1))[0], 0)
        XCTAssertEqual(laneLog(Lane(repeating: 0.5))[0], -log(2), accuracy: 1e-16)
    }
}

/// Conductance cells are integrated a SIMD group at a time, each lane with its own steps and
/// retries: a cell must come out exactly as it does alone, whatever its neighbours and the threads.
final class LaneIndependenceTests: XCTestCase {
    /// Currents that put the cells in different regimes: silent, hyperpolarised, adapting, bursting.
    let currents: [Double] = [0, 150, 300, 450, 600, 800, 1000, -200, 350, 500, 700]

    func run(_ model: String, _ currents: [Double], threads: Int) throws -> (v: [Double], spikes: [Int]) {
        let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 1), threads: threads)
        let cells = try k.create(model, n: currents.count)
        for (i, c) in currents.enumerated() { try k.setStatus(cells[i], ["I_e": .number(c)]) }
        try k.simulate(300)
        let v = try cells.ids.map { try k.get($0, "V_m").number! }
        return (v, cells.ids.map { k.spikeCounts[$0] })
    }

    func testEachLaneIntegratesAsItsCellAlone() throws {
        for model in ["aeif_cond_exp", "iaf_cond_exp"] {
            let together = try run(model, currents, threads: 1)
            XCTAssertGreaterThan(Set(together.spikes).count, 4, "\(model): the currents should give varied rates")
            // 33 cells: every worker of 2 or 3 gets a share (shares start on multiples of 8), the
            // last one ending in a partial group.
            let many = currents + currents + currents
            let one = try run(model, many, threads: 1)
            XCTAssertEqual(Array(one.v[22...]), together.v, "\(model): the same cells further along")
            for threads in [2, 3] {
                let split = try run(model, many, threads: threads)
                XCTAssertEqual(split.v, one.v, "\(model), \(threads) threads")
                XCTAssertEqual(split.spikes, one.spikes, "\(model), \(threads) threads")
            }
            for (i, c) in currents.enumerated() {
                let alone = try run(model, [c], threads: 1)
                XCTAssertEqual(alone.v[0], together.v[i], "\(model) cell \(i) (\(c) pA)")
                XCTAssertEqual(alone.spikes[0], together.spikes[i], "\(model) cell \(i) (\(c) pA)")
            }
        }
    }

    func testWorkersSharesStartOnMultiplesOfEight() throws {
        for n in [1, 7, 11, 33, 100, 12_501] {
            for threads in 1...4 {
                let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 1), threads: threads)
                _ = try k.create("aeif_cond_exp", n: n)
                let shares = (0..<threads).map { k.part(0, $0, threads) }
                XCTAssertEqual(shares.first?.lowerBound, 0)
                XCTAssertEqual(shares.last?.upperBound, n)
                for t in 1..<threads {
                    XCTAssertEqual(shares[t].lowerBound, shares[t - 1].upperBound, "n \(n), \(threads) workers")
                    XCTAssertEqual(shares[t].lowerBound % 8, 0, "n \(n), \(threads) workers")
                }
            }
        }
    }
}
