import XCTest
@testable import NetCore

/// Large connection calls fill their rows through a sort by source; the network must come out
/// synapse for synapse as when filled one synapse at a time.
final class SortedFillTests: XCTestCase {
    func network(sorted: Bool, chunk: Int) throws -> (checksum: UInt64, synapses: Int) {
        let (minimum, size) = (Kernel.sortedFillMinimum, Kernel.sortedFillChunk)
        defer { (Kernel.sortedFillMinimum, Kernel.sortedFillChunk) = (minimum, size) }
        Kernel.sortedFillMinimum = sorted ? 0 : Int.max
        Kernel.sortedFillChunk = chunk
        let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 3), threads: 1)
        let e = try k.create("iaf_psc_delta", n: 160)
        let i = try k.create("iaf_psc_exp", n: 40)
        let noise = try k.create("poisson_generator", params: ["rate": .number(8000)])
        let all = e + i
        try k.connect(noise, all, ConnSpec(), SynSpec(weight: 0.1, delay: 1.5))
        try k.connect(e, all, ConnSpec(.fixedIndegree(16)), SynSpec(weight: 0.1, delay: 1.5))
        try k.connect(i, all, ConnSpec(.fixedOutdegree(30)), SynSpec(weight: -0.5, delay: 0.8))
        try k.connect(e, e, ConnSpec(.pairwiseBernoulli(p: 0.05, maxIndegree: nil)), SynSpec(weight: 0.2, delay: 2))
        try k.connect(i, i, ConnSpec(.allToAll, allowAutapses: false), SynSpec(weight: -0.1, delay: 1))
        return (k.connectivityChecksum(), k.connections.reduce(0) { $0 + $1.synapses })
    }

    func testSortedFillGivesTheSameRows() throws {
        let direct = try network(sorted: false, chunk: 1 << 22)
        XCTAssertGreaterThan(direct.synapses, 7000)
        // Chunks smaller than a row, of a few rows, and larger than a whole call.
        for chunk in [7, 100, 1000, 1 << 20] {
            let sorted = try network(sorted: true, chunk: chunk)
            XCTAssertEqual(sorted.synapses, direct.synapses, "chunk \(chunk)")
            XCTAssertEqual(sorted.checksum, direct.checksum, "chunk \(chunk)")
        }
    }
}
