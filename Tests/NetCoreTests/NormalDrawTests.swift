import Foundation
import XCTest
@testable import NetCore

/// The ziggurat's draws against the standard normal: moments, the distribution function
/// (Kolmogorov-Smirnov), and the share of draws in the tail beyond the base layer and in each
/// layer's wedge region, where the rare paths of the method take over.
final class NormalDrawTests: XCTestCase {
    func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    func draws(_ n: Int, _ method: NormalDraws, seed: UInt64 = 5) -> [Double] {
        var rng = RandomStream(seed: seed, 99)
        return (0..<n).map { _ in rng.normal(method) }
    }

    func testTheTableClosesItsLayers() {
        let t = NormalTable.self
        let v = t.x[0] * t.f[1]
        XCTAssertEqual(t.r, 3.6541528853610088, accuracy: 1e-12)
        XCTAssertEqual(t.x[t.layers], 0)
        XCTAssertEqual(t.f[t.layers], 1)
        for i in 1..<t.layers {
            XCTAssertEqual(t.x[i] * (t.f[i + 1] - t.f[i]), v, accuracy: v * 1e-9, "layer \(i)")
            XCTAssertEqual(t.f[i], exp(-t.x[i] * t.x[i] / 2), accuracy: 1e-15, "layer \(i)")
        }
        // The base layer: the rectangle under f(r) and the tail beyond r.
        XCTAssertEqual(t.r * t.f[1] + (Double.pi / 2).squareRoot() * erfc(t.r / 2.0.squareRoot()), v, accuracy: v * 1e-9)
    }

    func testZigguratDrawsAreStandardNormal() {
        let n = 2_000_000
        let z = draws(n, .ziggurat)
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let fourth = z.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 5 / Double(n).squareRoot())
        XCTAssertEqual(variance, 1, accuracy: 5 * (2 / Double(n)).squareRoot())
        XCTAssertEqual(fourth, 3, accuracy: 5 * (96 / Double(n)).squareRoot())
        // Kolmogorov-Smirnov distance to the normal distribution function (0.1% critical value).
        let sorted = z.sorted()
        var d = 0.0
        for (k, x) in sorted.enumerated() {
            let f = phi(x)
            d = max(d, abs(f - Double(k) / Double(n)), abs(Double(k + 1) / Double(n) - f))
        }
        XCTAssertLessThan(d, 1.95 / Double(n).squareRoot())
        // Shares of |z| beyond r (the tail path), beyond 4.5, and between x_2 and x_1 (the base
        // layer's neighbour, mostly wedge), each within 5 binomial standard deviations.
        func share(_ lo: Double, _ hi: Double) {
            let p = 2 * (phi(hi) - phi(lo))
            let count = Double(z.filter { abs($0) >= lo && abs($0) < hi }.count)
            XCTAssertEqual(count, Double(n) * p, accuracy: 5 * (Double(n) * p * (1 - p)).squareRoot() + 1, "|z| in [\(lo), \(hi))")
        }
        share(NormalTable.r, .infinity)
        share(4.5, .infinity)
        share(NormalTable.x[2], NormalTable.r)
        share(0, 0.01)
        share(1, 2)
        // Both signs, evenly.
        XCTAssertEqual(Double(z.filter { $0 < 0 }.count), Double(n) / 2, accuracy: 5 * Double(n).squareRoot() / 2)
    }

    /// Box-Muller stays for sessions saved before the ziggurat: its draws are the ones they hold.
    func testBoxMullerDrawsAreThoseSavedSessionsHold() {
        var rng = RandomStream(seed: 5, 99)
        let u1 = rng.uniform(), u2 = rng.uniform()
        var again = RandomStream(seed: 5, 99)
        XCTAssertEqual(again.normal(.boxMuller), (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        let z = draws(200_000, .boxMuller)
        XCTAssertEqual(z.reduce(0, +) / 200_000, 0, accuracy: 5 / 200_000.0.squareRoot())
    }
}
