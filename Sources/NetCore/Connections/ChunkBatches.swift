/// The pairs of a fixed_total_number call, made batch by batch on the kernel's workers (see
/// `PairEnumerator.makeChunks`): the same pairs, in the same rows, as `forEachRow` makes.
struct ChunkBatches {
    let enumerator: PairEnumerator
    /// The call's number of pairs.
    let n: Int
    let pool: WorkerPool

    /// Calls `body()` once per batch of chunks, `batch` holding the batch's rows and pairs.
    func forEach(into batch: ParallelDraws, _ body: () -> Void) {
        let perBatch = max(1, ParallelDraws.pairs / PairEnumerator.chunk), chunks = PairEnumerator.chunkCount(n)
        var rng = enumerator.totalStream
        var c = 0
        while c < chunks {
            let range = c..<min(chunks, c + perBatch)
            batch.clear()
            batch.addChunks(range, of: n)
            rng = enumerator.makeChunks(range, of: n, from: rng, pool: pool, sources: batch.sources.ptr, targets: batch.targets.ptr)
            body()
            c = range.upperBound
        }
    }

    /// Counts the pairs on the workers: adds each target's in-degree to `indegrees` and returns
    /// the number of pairs per source index for each target population that has any.
    /// `targetPops[t]` is target `t`'s population (every target a neuron's).
    func countPairs(targetPops: [Int], populations: Int, indegrees: UnsafeMutablePointer<Int>) -> [(pop: Int, bySource: [Int])] {
        let ns = enumerator.sources.count, nt = enumerator.targets.count
        // The target populations, numbered in the order of their indices.
        let pops = Array(Set(targetPops)).sorted()
        var slot = [Int](repeating: 0, count: populations)
        for (q, pop) in pops.enumerated() { slot[pop] = q }
        let targetSlot = Column<Int32>(count: nt, repeating: 0)
        for t in 0..<nt { targetSlot[t] = Int32(slot[targetPops[t]]) }
        // Per worker: pairs per (population slot, source), then per target.
        let width = pops.count * ns + nt, workers = pool.count
        let tallies = Column<Int>(count: workers * width, repeating: 0)
        let batch = ParallelDraws()
        forEach(into: batch) {
            let count = batch.count, src = batch.sources.ptr, tgt = batch.targets.ptr, slots = targetSlot.ptr
            pool.run { w in
                let mine = tallies.ptr + w * width, perTarget = mine + pops.count * ns
                for i in (count * w / workers)..<(count * (w + 1) / workers) {
                    let t = Int(tgt[i])
                    mine[Int(slots[t]) * ns + Int(src[i])] += 1
                    perTarget[t] += 1
                }
            }
        }
        var result: [(pop: Int, bySource: [Int])] = []
        for (q, pop) in pops.enumerated() {
            var bySource = [Int](repeating: 0, count: ns)
            for w in 0..<workers {
                let mine = tallies.ptr + w * width + q * ns
                for s in 0..<ns { bySource[s] += mine[s] }
            }
            result.append((pop, bySource))
        }
        for w in 0..<workers {
            let perTarget = tallies.ptr + w * width + pops.count * ns
            for t in 0..<nt { indegrees[t] += perTarget[t] }
        }
        return result
    }
}
