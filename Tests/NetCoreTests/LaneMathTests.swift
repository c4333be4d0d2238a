import Foundation
import XCTest
@testable import NetCore

final class LaneMathTests: XCTestCase {
    /// The integrators' e^x is the C library's, bit for bit, in every lane: any faster replacement
    /// must keep that over the range the neuron models use and beyond.
    func testLaneExpIsTheCLibrarysExp() {
        var rng = SystemRandomNumberGenerator()
        var differing = 0
        for _ in 0..<250_000 {
            var lanes = Lane()
            for k in 0..<laneWidth {
                // Mostly the arguments the spike current sees ((V - V_th) / Delta_T), some anywhere.
                lanes[k] = k == 3 ? Double.random(in: -745...710, using: &rng) : Double.random(in: -60...30, using: &rng)
            }
            let e = laneExp(lanes, table: LaneExp.verifiedTable)
            for k in 0..<laneWidth where e[k].bitPattern != exp(lanes[k]).bitPattern { differing += 1 }
        }
        XCTAssertEqual(differing, 0)
        XCTAssertEqual(laneExp(Lane(repeating: 0), table: LaneExp.tablePointer)[0], 1)
        XCTAssertEqual(laneExp(Lane(repeating: -.infinity), table: LaneExp.tablePointer)[0], 0)
        XCTAssertTrue(laneExp(Lane(repeating: .nan), table: LaneExp.tablePointer)[0].isNaN)
    }

    /// The vector e^x is glibc's on x86-64 with FMA (the machines the fixtures come from): if this
    /// fails there, the integrator has fallen back to calling exp lane by lane, and is slower.
    func testVectorExpMatchesTheCLibraryHere() throws {
        #if arch(x86_64) && os(Linux)
        XCTAssertTrue(LaneExp.matchesCLibrary)
        #else
        throw XCTSkip("the vector e^x follows glibc on x86-64")
        #endif
    }

    /// 10 million arguments over the range the spike current sees and the whole range of exp.
    func testVectorExpEqualsLibmOnMillionsOfArguments() throws {
        guard LaneExp.matchesCLibrary else { throw XCTSkip("the C library's exp is another one here") }
        var rng = SystemRandomNumberGenerator()
        var differing = 0
        for n in 0..<2_500_000 {
            var x = Lane()
            for k in 0..<laneWidth {
                x[k] = n % 5 == 4 ? Double.random(in: -746...710, using: &rng) : Double.random(in: -45...30, using: &rng)
            }
            let e = LaneExp.vector(x, LaneExp.tablePointer)
            for k in 0..<laneWidth where e[k].bitPattern != exp(x[k]).bitPattern { differing += 1 }
        }
        XCTAssertEqual(differing, 0)
    }
}
