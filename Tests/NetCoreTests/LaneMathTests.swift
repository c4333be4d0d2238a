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
            let e = laneExp(lanes)
            for k in 0..<laneWidth where e[k].bitPattern != exp(lanes[k]).bitPattern { differing += 1 }
        }
        XCTAssertEqual(differing, 0)
        XCTAssertEqual(laneExp(Lane(repeating: 0))[0], 1)
        XCTAssertEqual(laneExp(Lane(repeating: -.infinity))[0], 0)
    }
}
