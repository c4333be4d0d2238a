/// Synapses from one source node (a neuron population or a spike generator) to one neuron
/// population, made by one connect call, stored by source in compressed rows: a synapse costs its
/// 4-byte target index when weight and delay are shared by the group.
final class Projection: @unchecked Sendable {
    let sourceNode: Int
    let targetPop: Int
    let sourceCount: Int
    /// Row of source `i`: `targets[offsets[i]..<offsets[i+1]]`, ascending.
    let offsets: Column<Int>
    var targets: Column<UInt32>
    var weight: Double
    var weights: Column<Double>?
    let delay: Int
    let delays: Column<UInt16>?
    let minDelay: Int, maxDelay: Int

    init(sourceNode: Int, targetPop: Int, sourceCount: Int, counts: [Int], weight: Double, randomWeights: Bool,
         delay: Int, randomDelays: Bool, minDelay: Int, maxDelay: Int) {
        self.sourceNode = sourceNode
        self.targetPop = targetPop
        self.sourceCount = sourceCount
        let off = Column<Int>(count: sourceCount + 1, repeating: 0)
        for i in 0..<sourceCount { off[i + 1] = off[i] + counts[i] }
        offsets = off
        let total = off[sourceCount]
        targets = Column(count: total, repeating: 0)
        self.weight = weight
        weights = randomWeights ? Column(count: total, repeating: 0) : nil
        self.delay = delay
        delays = randomDelays ? Column(count: total, repeating: 0) : nil
        self.minDelay = minDelay
        self.maxDelay = maxDelay
    }

    var synapseCount: Int { offsets[sourceCount] }

    /// Bytes held per synapse and in total.
    var bytes: Int {
        synapseCount * (4 + (weights == nil ? 0 : 8) + (delays == nil ? 0 : 2)) + (sourceCount + 1) * 8
    }

    /// Sorts each row by target, carrying weights and delays along (rows filled source-wise).
    func sortRows() {
        for s in 0..<sourceCount {
            let lo = offsets[s], hi = offsets[s + 1]
            if hi - lo < 2 { continue }
            var isSorted = true
            for k in (lo + 1)..<hi where targets[k] < targets[k - 1] { isSorted = false; break }
            if isSorted { continue }
            var items = (lo..<hi).map { ($0, targets[$0]) }
            items.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            let t = items.map { $0.1 }
            let w = weights.map { ws in items.map { ws[$0.0] } }
            let d = delays.map { ds in items.map { ds[$0.0] } }
            for (k, i) in (lo..<hi).enumerated() {
                targets[i] = t[k]
                if let w { weights![i] = w[k] }
                if let d { delays![i] = d[k] }
            }
        }
    }

    /// First position in row `s` whose target is >= `bound`.
    @inline(__always)
    func lowerBound(_ s: Int, _ bound: UInt32) -> Int {
        var lo = offsets[s], hi = offsets[s + 1]
        while lo < hi {
            let mid = (lo + hi) >> 1
            if targets[mid] < bound { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Where each worker's targets start in each row, for `splitWorkers` workers: row s, worker t
    /// covers `splits[s*(n+1)+t] ..< splits[s*(n+1)+t+1]` (found once, not per spike).
    var splits: Column<Int>?
    var splitWorkers = 1

    func computeSplits(workers n: Int, bounds: [Int]) {
        guard n > 1 else { splits = nil; splitWorkers = 1; return }
        let c = Column<Int>(count: sourceCount * (n + 1), repeating: 0)
        for s in 0..<sourceCount {
            c[s * (n + 1)] = offsets[s]
            for t in 1..<n { c[s * (n + 1) + t] = lowerBound(s, UInt32(bounds[t])) }
            c[s * (n + 1) + n] = offsets[s + 1]
        }
        splits = c
        splitWorkers = n
    }

    /// Adds the spike of source `s` emitted in step `step` to worker `t`'s targets.
    @inline(__always)
    func deliver(_ s: Int, step: Int64, multiplicity: Double, into pop: NeuronPopulation, worker t: Int) {
        var lo = offsets[s], hi = offsets[s + 1]
        if lo == hi { return }
        if let sp = splits {
            let n = splitWorkers + 1
            lo = sp[s * n + t]
            hi = sp[s * n + t + 1]
        }
        let buf = pop.input
        let t = targets.ptr
        if weights == nil && delays == nil {
            let w = weight * multiplicity
            let base = buf.row(pop.channel(forWeight: w), buf.slot(for: step + Int64(delay)))
            for k in lo..<hi { base[Int(t[k])] += w }
            return
        }
        for k in lo..<hi {
            let w = (weights?[k] ?? weight) * multiplicity
            let d = delays.map { Int($0[k]) } ?? delay
            buf.row(pop.channel(forWeight: w), buf.slot(for: step + Int64(d)))[Int(t[k])] += w
        }
    }
}

/// Links from a Poisson or DC generator to neurons of one population: per link a target,
/// a weight and a delay, sorted by target so each worker thread takes a contiguous part.
final class Drive: @unchecked Sendable {
    let generatorNode: Int
    let targetPop: Int
    var targets: [Int32] = []
    var weights: [Double] = []
    var delays: [Int] = []
    /// One Poisson table per worker thread, kept while the rate stays.
    var tables = Column<PoissonTable>(count: 1, repeating: PoissonTable())

    init(generatorNode: Int, targetPop: Int) {
        self.generatorNode = generatorNode
        self.targetPop = targetPop
    }

    func sortByTarget() {
        let order = targets.indices.sorted { (targets[$0], $0) < (targets[$1], $1) }
        targets = order.map { targets[$0] }
        weights = order.map { weights[$0] }
        delays = order.map { delays[$0] }
    }

    func range(for part: Range<Int>) -> Range<Int> {
        func lb(_ x: Int) -> Int {
            var lo = 0, hi = targets.count
            while lo < hi {
                let m = (lo + hi) >> 1
                if Int(targets[m]) < x { lo = m + 1 } else { hi = m }
            }
            return lo
        }
        return lb(part.lowerBound)..<lb(part.upperBound)
    }
}
