import XCTest
@testable import NetCore

/// Connect calls write drawn delays into one byte each (1 to 256 steps) and targets into two
/// bytes when the target population allows; a call that draws a longer delay fills its rows
/// again with two-byte delays. Either way the synapses must be the ones the two-byte fill makes.
final class DelayColumnTests: XCTestCase {
    override func tearDown() {
        Kernel.narrowDelayFill = true
        Kernel.parallelDrawMinimum = 1 << 16
        super.tearDown()
    }

    func network(threads: Int, delay: Distribution, narrow: Bool) throws -> Kernel {
        Kernel.narrowDelayFill = narrow
        Kernel.parallelDrawMinimum = 0
        let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 5), threads: threads)
        let e = try k.create("iaf_psc_exp", n: 300)
        let i = try k.create("iaf_psc_exp", n: 80)
        let w = SynValue.random(.normal(mean: 87.8, std: 8.78, min: 0, max: nil))
        try k.connect(e, e + i, ConnSpec(.fixedTotalNumber(40_000)), SynSpec(weight: w, delay: .random(delay)))
        try k.connect(i, e, ConnSpec(.fixedIndegree(20)), SynSpec(weight: .constant(-300), delay: .random(delay)))
        return k
    }

    func testOneByteDelaysListAsTwoByteDelaysDo() throws {
        // Up to 25.6 ms (256 steps): one byte holds every delay.
        let short = Distribution.uniform(min: 0.1, max: 25.6)
        // Up to 60 ms: the first fill meets a delay over 256 steps and fills again.
        let long = Distribution.uniform(min: 0.1, max: 60)
        for threads in [1, 2] {
            for (delay, oneByte) in [(short, true), (long, false)] {
                let wide = try network(threads: threads, delay: delay, narrow: false)
                let k = try network(threads: threads, delay: delay, narrow: true)
                let listed = k.synapses()
                XCTAssertEqual(listed, wide.synapses(), "\(threads) threads, \(delay)")
                XCTAssertEqual(k.minDelaySteps, wide.minDelaySteps)
                XCTAssertEqual(k.maxDelaySteps, wide.maxDelaySteps)
                XCTAssertEqual(k.connectivityChecksum(), wide.connectivityChecksum())
                let longest = listed.map(\.delay).max()!
                XCTAssertEqual(longest > 25.6, !oneByte, "\(longest)")
                for p in k.connections.flatMap(\.projections) {
                    XCTAssertNotNil(p.targets16, "targets of a population this small take two bytes")
                    XCTAssertEqual(p.delays8 != nil, oneByte, "\(delay)")
                    XCTAssertEqual(p.bytes - (p.sourceCount + 1) * 8, p.synapseCount * (2 + (p.weights == nil ? 0 : 8) + (oneByte ? 1 : 2)))
                }
            }
        }
    }

    func testANetworkRunsAlikeOnOneAndTwoByteDelays() throws {
        // Driven hard enough to fire, its spikes arriving after their drawn delays: the state
        // after 80 ms (membranes, rings of queued input, spike counts) must be the same.
        for delay in [Distribution.uniform(min: 0.1, max: 25.6), .uniform(min: 0.1, max: 60)] {
            var states: [KernelState] = []
            for narrow in [true, false] {
                let k = try network(threads: 2, delay: delay, narrow: narrow)
                let drive = try k.create("poisson_generator", params: ["rate": .number(60000)])
                try k.connect(drive, NodeCollection(Array(1...380)), ConnSpec(), SynSpec(weight: 30, delay: 1))
                try k.simulate(80)
                XCTAssertGreaterThan(k.spikeCounts.reduce(0, +), 100)
                states.append(k.dynamicState())
            }
            XCTAssertEqual(states[0], states[1], "\(delay)")
        }
    }
}
