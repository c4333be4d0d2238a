import XCTest
@testable import NetCore

/// The lane operations NetCore computes with (single AVX instructions on x86-64) against the
/// same operation on each lane's Double: every bit, signed zeros, infinities and NaNs included.
final class LaneArithmeticTests: XCTestCase {
    /// Lane values that test the edges: signed zeros, subnormals, infinities, NaN, and ordinary numbers.
    let edges: [Double] = [0, -0.0, 1, -1, 0.1, -2.5, Double.leastNormalMagnitude / 3, -Double.leastNormalMagnitude / 7,
                           Double.leastNormalMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 3e300,
                           -7e-300, 65.5]

    func lanes(_ rng: inout RandomStream) -> Lane {
        var x = Lane()
        for k in 0..<laneWidth {
            let u = rng.uniform()
            x[k] = u < 0.3 ? edges[Int(rng.uniform() * Double(edges.count))] : (u - 0.65) * pow(10, 60 * rng.uniform() - 30)
        }
        return x
    }

    func same(_ a: Lane, _ b: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for k in 0..<laneWidth where a[k].bitPattern != b[k].bitPattern && !(a[k].isNaN && b[k].isNaN) {
            XCTFail("\(what): lane \(k) is \(a[k]), the Double operation gives \(b[k])", file: file, line: line)
            return
        }
    }

    func testArithmeticIsTheDoubleOperationInEveryLane() {
        var rng = RandomStream(seed: 11, 1, 2, 3)
        for _ in 0..<20_000 {
            let a = lanes(&rng), b = lanes(&rng), s = lanes(&rng)[0]
            let ix = (0..<laneWidth)
            same(a + b, ix.map { a[$0] + b[$0] }, "+")
            same(a - b, ix.map { a[$0] - b[$0] }, "-")
            same(a * b, ix.map { a[$0] * b[$0] }, "*")
            same(a / b, ix.map { a[$0] / b[$0] }, "/")
            same(-a, ix.map { -a[$0] }, "negation")
            same(s * a, ix.map { s * a[$0] }, "scalar *")
            same(s + a, ix.map { s + a[$0] }, "scalar +")
            same(a - s, ix.map { a[$0] - s }, "- scalar")
            var c = a
            c += b
            same(c, ix.map { a[$0] + b[$0] }, "+=")
            c = a
            c -= b
            same(c, ix.map { a[$0] - b[$0] }, "-=")
        }
    }

    func testNegatedZeroKeepsItsSign() {
        let z = -Lane(repeating: 0)
        for k in 0..<laneWidth { XCTAssertEqual(z[k].sign, .minus) }
        let m = -Lane(repeating: -0.0)
        for k in 0..<laneWidth { XCTAssertEqual(m[k].sign, .plus) }
    }

    func testSelectionsAndMasksFollowEveryPattern() {
        let a = Lane(1, -0.0, .nan, 4), b = Lane(-1, 0, 7, .infinity)
        for bits in 0..<16 {
            var m = LaneMask(repeating: false)
            for k in 0..<laneWidth where bits & (1 << k) != 0 { m[k] = true }
            let r = a.replacing(with: b, where: m)
            same(r, (0..<laneWidth).map { m[$0] ? b[$0] : a[$0] }, "replacing, mask \(bits)")
            var q = a
            q.replace(with: b, where: m)
            same(q, (0..<laneWidth).map { m[$0] ? b[$0] : a[$0] }, "replace, mask \(bits)")
            XCTAssertEqual(anyLane(m), bits != 0, "any, mask \(bits)")
            XCTAssertEqual(allLanes(m), bits == 15, "all, mask \(bits)")
            for other in 0..<16 {
                var n = LaneMask(repeating: false)
                for k in 0..<laneWidth where other & (1 << k) != 0 { n[k] = true }
                for k in 0..<laneWidth {
                    XCTAssertEqual((m .& n)[k], m[k] && n[k])
                    XCTAssertEqual((m .| n)[k], m[k] || n[k])
                }
            }
            for k in 0..<laneWidth { XCTAssertEqual((.!m)[k], !m[k]) }
        }
    }
}
