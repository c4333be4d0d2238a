import XCTest
@testable import NetCore

/// Connect calls with weights and delays drawn per synapse draw them on the kernel's workers and
/// place the synapses there, each worker the rows of its own sources: the network must come out
/// synapse for synapse as one thread makes it, and a delay drawn off the grid must stop the call
/// on any number of threads.
final class ParallelDrawTests: XCTestCase {
    override func setUp() {
        super.setUp()
        Kernel.parallelDrawMinimum = 0
    }

    override func tearDown() {
        Kernel.parallelDrawMinimum = 1 << 16
        super.tearDown()
    }

    func network(threads: Int, delay: Distribution = .normal(mean: 1.5, std: 0.75, min: 0.1, max: nil)) throws -> Kernel {
        let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 11), threads: threads)
        let e = try k.create("iaf_psc_exp", n: 400)
        let i = try k.create("iaf_psc_exp", n: 100)
        let all = e + i
        let w = SynValue.random(.normal(mean: 87.8, std: 8.78, min: 0, max: nil))
        // Enough pairs for several batches of draws, sources spread over every worker.
        try k.connect(e, all, ConnSpec(.fixedTotalNumber(300_000)), SynSpec(weight: w, delay: .random(delay)))
        try k.connect(i, all, ConnSpec(.fixedIndegree(40)), SynSpec(weight: .random(.normal(mean: -351, std: 35, min: nil, max: 0)), delay: .random(delay)))
        try k.connect(e, i, ConnSpec(.fixedOutdegree(30), allowAutapses: false), SynSpec(weight: w, delay: .constant(1)))
        try k.connect(i, e, ConnSpec(.pairwiseBernoulli(p: 0.1, maxIndegree: nil)), SynSpec(weight: .constant(2), delay: .random(delay)))
        // Autapses skipped: chunks made at once start from wrong guesses and are made again.
        try k.connect(all, e, ConnSpec(.fixedTotalNumber(50_000), allowAutapses: false), SynSpec(weight: w, delay: .random(delay)))
        return k
    }

    func testWorkersMakeTheNetworkOneThreadMakes() throws {
        let one = try network(threads: 1)
        XCTAssertGreaterThan(one.connections.reduce(0) { $0 + $1.synapses }, 300_000 + 20_000)
        for threads in [2, 3] {
            let k = try network(threads: threads)
            XCTAssertEqual(k.connectivityChecksum(), one.connectivityChecksum(), "\(threads) threads")
            XCTAssertEqual(k.minDelaySteps, one.minDelaySteps, "\(threads) threads")
            XCTAssertEqual(k.maxDelaySteps, one.maxDelaySteps, "\(threads) threads")
        }
    }

    func testADelayOffTheGridStopsTheCallOnAnyThreads() throws {
        for threads in [1, 2] {
            XCTAssertThrowsError(try network(threads: threads, delay: .normal(mean: 1, std: 2, min: nil, max: nil)), "\(threads) threads") {
                XCTAssertTrue("\($0)".contains("below the resolution or too long"), "\($0)")
            }
        }
    }

    /// fixed_total_number's chunks made on two workers, batch by batch, are the rows `forEachRow`
    /// makes in turn: with autapses allowed (every guessed start right) and skipped (guesses
    /// wrong from the first skip on), in chunks short enough for both to happen in one batch.
    func testChunksMadeAtOnceAreTheRowsMadeInTurn() {
        let pool = WorkerPool(count: 2)
        defer { pool.shutdown() }
        for (chunk, n) in [(4096, 3 * ParallelDraws.pairs + 1000), (64, 30_000)] {
            PairEnumerator.chunk = chunk
            defer { PairEnumerator.chunk = 4096 }
            for autapses in [true, false] {
                let e = PairEnumerator(spec: ConnSpec(.fixedTotalNumber(n), allowAutapses: autapses),
                                       sources: Array(1...200), targets: Array(1...300), seed: 5, call: 3)
                var inTurn: [UInt64: [Int32]] = [:]
                e.forEachRow { key, pairs in inTurn[key] = pairs.flatMap { [Int32($0.0), Int32($0.1)] } }
                var atOnce: [UInt64: [Int32]] = [:]
                let batch = ParallelDraws()
                ChunkBatches(enumerator: e, n: n, pool: pool).forEach(into: batch) {
                    for (r, key) in batch.rows.enumerated() {
                        atOnce[key] = (batch.starts[r]..<batch.starts[r + 1]).flatMap { [batch.sources[$0], batch.targets[$0]] }
                    }
                }
                XCTAssertEqual(inTurn.count, (n + chunk - 1) / chunk)
                XCTAssertTrue(atOnce == inTurn, "chunks of \(chunk), autapses \(autapses)")
            }
        }
    }

    func testABatchTakesRowsLongerThanItsSize() {
        let batch = ParallelDraws()
        let long = (0..<(ParallelDraws.pairs + 5)).map { ($0 % 1000, $0 % 7) }
        batch.add(1, [(3, 4), (5, 6)])
        batch.add(2, long)
        XCTAssertTrue(batch.full)
        XCTAssertEqual(batch.count, long.count + 2)
        XCTAssertEqual(batch.starts, [0, 2, long.count + 2])
        XCTAssertEqual([batch.sources[0], batch.targets[0], batch.sources[1], batch.targets[1]], [3, 4, 5, 6])
        XCTAssertEqual(batch.sources[long.count + 1], Int32(long.last!.0))
        XCTAssertEqual(batch.targets[long.count + 1], Int32(long.last!.1))
        batch.clear()
        batch.add(3, [(8, 9)])
        XCTAssertEqual(batch.count, 1)
        XCTAssertEqual([batch.sources[0], batch.targets[0]], [8, 9])
    }
}
