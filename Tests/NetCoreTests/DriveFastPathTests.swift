import XCTest
@testable import NetCore

/// A Poisson generator connected all_to_all to a population with one weight and one delay is
/// driven over the cells without reading its links: the draws and adds must be those of the loop
/// over the links, on any number of threads and after a live weight change.
final class DriveFastPathTests: XCTestCase {
    override func tearDown() {
        Drive.findsUniform = true
        super.tearDown()
    }

    func run(threads: Int, uniform: Bool) throws -> Kernel {
        Drive.findsUniform = uniform
        let (k, all) = try smallBrunel(threads: threads, order: 40)
        // A second generator with a multapse and two weights: never uniform.
        let extra = try k.create("poisson_generator", params: ["rate": .number(3000)])
        try k.connect(extra, NodeCollection([all.ids[0], all.ids[0], all.ids[5]]), ConnSpec(), SynSpec(weight: 0.3, delay: 1.5))
        try k.connect(extra, NodeCollection([all.ids[7], all.ids[9]]), ConnSpec(), SynSpec(weight: -0.2, delay: 1.5))
        try k.simulate(40)
        // The first connect call is the background drive of smallBrunel.
        try k.setConnectionWeight(0, 0.12)
        try k.simulate(40)
        return k
    }

    func testTheFastPathDrawsAndAddsAsTheLinksDo() throws {
        let links = try run(threads: 1, uniform: false)
        XCTAssertTrue(links.drivesByPop.joined().allSatisfy { $0.uniform == nil })
        XCTAssertGreaterThan(links.spikeCounts.reduce(0, +), 500)
        for threads in [1, 2] {
            let k = try run(threads: threads, uniform: true)
            let drives = Array(k.drivesByPop.joined())
            XCTAssertEqual(drives.filter { $0.uniform != nil }.count, 2, "the background drive into each population")
            XCTAssertTrue(drives.filter { $0.uniform != nil }.allSatisfy { $0.uniform!.weight == 0.12 }, "found again after the edit")
            XCTAssertEqual(k.dynamicState(), links.dynamicState(), "\(threads) threads")
            XCTAssertEqual(k.spikeCounts, links.spikeCounts)
        }
    }
}
