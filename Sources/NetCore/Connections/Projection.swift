import CPrefetch
import Foundation
/// Synapses from one source node (a neuron population or a spike generator) to one neuron
/// population, made by one connect call, stored by source in compressed rows: a synapse costs its
/// target index (2 bytes when the target population has at most 65,536 cells, else 4), plus its
/// weight (8 bytes) and its delay (1 byte above the projection's shortest, 2 when the delays span
/// more than 255 steps) when those are drawn per synapse rather than shared by the group.
///
/// A connect call writes targets straight into their final column (2 or 4 bytes, known from the
/// target population's size) and drawn delays into one byte each above one step; a call that
/// draws a delay longer than 256 steps fills its rows again with the wide delay column, which
/// `compact` then narrows if it can.
/// Rows stay sorted by target, so the order in which a cell's inputs are summed, and with it
/// every result, does not depend on the storage.
final class Projection: @unchecked Sendable {
    let sourceNode: Int
    let targetPop: Int
    let sourceCount: Int
    /// Row of source `i`: positions `offsets[i]..<offsets[i+1]`, targets ascending.
    let offsets: Column<Int>
    /// Target indices: 2 bytes each when the target population has at most 65,536 cells, else 4.
    private(set) var targets: Column<UInt32>?
    private(set) var targets16: Column<UInt16>?
    var weight: Double
    var weights: Column<Double>?
    let delay: Int
    /// Delays in steps while the connect call fills them, and afterwards when they span more
    /// than 255 steps; else `delayBase + delays8[k]`.
    private(set) var delays: Column<UInt16>?
    private(set) var delays8: Column<UInt8>?
    private(set) var delayBase = 0
    let minDelay: Int, maxDelay: Int

    init(sourceNode: Int, targetPop: Int, targetCount: Int, sourceCount: Int, counts: [Int], weight: Double,
         randomWeights: Bool, delay: Int, randomDelays: Bool, narrowDelays: Bool = false, minDelay: Int, maxDelay: Int) {
        self.sourceNode = sourceNode
        self.targetPop = targetPop
        self.sourceCount = sourceCount
        let off = Column<Int>(count: sourceCount + 1, repeating: 0)
        for i in 0..<sourceCount { off[i + 1] = off[i] + counts[i] }
        offsets = off
        let total = off[sourceCount]
        // Every position is written by the connect call's fill (pages touched first by the
        // threads that fill them; a column filled wide and copied narrow would touch 6 bytes a
        // synapse where 2 do).
        if targetCount <= Int(UInt16.max) + 1 { targets16 = Column(unfilled: total) } else { targets = Column(unfilled: total) }
        self.weight = weight
        weights = randomWeights ? Column(unfilled: total) : nil
        self.delay = delay
        if randomDelays && narrowDelays {
            delays8 = Column(unfilled: total)
            delayBase = 1
        } else if randomDelays {
            delays = Column(unfilled: total)
        }
        self.minDelay = minDelay
        self.maxDelay = maxDelay
    }

    var synapseCount: Int { offsets[sourceCount] }

    /// Whether synapses carry their own delays.
    var hasDelays: Bool { delays != nil || delays8 != nil }

    /// Bytes held per synapse and in total.
    var bytes: Int {
        let perSynapse = (targets16 == nil ? 4 : 2) + (weights == nil ? 0 : 8) + (delays8 != nil ? 1 : delays != nil ? 2 : 0)
        return synapseCount * perSynapse + (sourceCount + 1) * 8
    }

    /// Target index (within the target population) of synapse `k`.
    @inline(__always)
    func target(_ k: Int) -> Int { targets16.map { Int($0[k]) } ?? Int(targets![k]) }

    /// Delay of synapse `k` in steps.
    @inline(__always)
    func delaySteps(_ k: Int) -> Int {
        if let d = delays8 { return delayBase + Int(d[k]) }
        if let d = delays { return Int(d[k]) }
        return delay
    }

    /// The columns a connect call fills.
    var fillTargets: TargetColumn { TargetColumn(narrow: targets16?.ptr, wide: targets?.ptr) }
    var fillDelays: DelayColumn { DelayColumn(narrow: delays8?.ptr, wide: delays?.ptr, base: delayBase) }

    /// The longest delay in steps a one-byte fill column holds (as the steps above 1).
    static let narrowDelayLimit = 256

    /// Where a connect call writes drawn delays in steps: one byte above `base` (as `delaySteps`
    /// reads them back), or two.
    struct DelayColumn {
        let narrow: UnsafeMutablePointer<UInt8>?, wide: UnsafeMutablePointer<UInt16>?
        let base: Int

        @inline(__always)
        func set(_ k: Int, _ steps: Int) {
            if let narrow { narrow[k] = UInt8(truncatingIfNeeded: steps - base) } else { wide![k] = UInt16(truncatingIfNeeded: steps) }
        }
    }

    /// Where a connect call writes targets: 2-byte or 4-byte entries.
    struct TargetColumn {
        let narrow: UnsafeMutablePointer<UInt16>?, wide: UnsafeMutablePointer<UInt32>?

        @inline(__always)
        func set(_ k: Int, _ target: Int) {
            if let narrow { narrow[k] = UInt16(truncatingIfNeeded: target) } else { wide![k] = UInt32(truncatingIfNeeded: target) }
        }

        /// Entries k..<k+count from `source`.
        func copy(to k: Int, from source: UnsafePointer<UInt32>, count: Int) {
            if let narrow {
                for i in 0..<count { narrow[k + i] = UInt16(truncatingIfNeeded: source[i]) }
            } else {
                (wide! + k).update(from: source, count: count)
            }
        }
    }

    /// Moves drawn delays into one byte each above the shortest, when they span at most 255
    /// steps (after the fill and the sort), freeing the wide column.
    func compact() {
        let total = synapseCount
        if let d = delays, total > 0 {
            var lo = UInt16.max, hi = UInt16.min
            for k in 0..<total {
                lo = Swift.min(lo, d[k])
                hi = Swift.max(hi, d[k])
            }
            if hi - lo <= UInt16(UInt8.max) {
                let narrow = Column<UInt8>(unfilled: total)
                for k in 0..<total { narrow[k] = UInt8(truncatingIfNeeded: d[k] - lo) }
                delays8 = narrow
                delayBase = Int(lo)
                delays = nil
            }
        }
    }

    /// Sorts each row by target, ties in fill order, carrying weights and delays along (rows
    /// filled source-wise; before `compact`): a least-significant-digit radix sort of the keys
    /// target << 32 | position, one pass per byte of the row's largest target (stable, so ties
    /// keep their fill order).
    func sortRows(_ pool: WorkerPool? = nil) {
        guard let pool, pool.count > 1 else {
            var scratch = RowSortScratch()
            for s in 0..<sourceCount { sortRow(s, &scratch) }
            return
        }
        // Rows are independent: each worker sorts blocks of 64 rows in turn.
        let n = pool.count
        pool.run { t in
            var scratch = RowSortScratch()
            var block = t
            while block << 6 < sourceCount {
                for s in (block << 6)..<Swift.min((block + 1) << 6, sourceCount) { sortRow(s, &scratch) }
                block += n
            }
        }
    }

    /// Buffers a row sort reuses from row to row.
    struct RowSortScratch {
        var keys: [UInt64] = [], other: [UInt64] = [], w: [Double] = [], d: [UInt16] = []
        var counts = [Int](repeating: 0, count: 257)
    }

    private func sortRow(_ s: Int, _ x: inout RowSortScratch) {
        if let t = targets16 { sortRow(s, t.ptr, &x) } else if let t = targets { sortRow(s, t.ptr, &x) }
    }

    private func sortRow<T: FixedWidthInteger & UnsignedInteger>(_ s: Int, _ targets: UnsafeMutablePointer<T>, _ x: inout RowSortScratch) {
        let lo = offsets[s], hi = offsets[s + 1], n = hi - lo
        if n < 2 { return }
        var isSorted = true, largest: T = targets[lo]
        for k in (lo + 1)..<hi {
            if targets[k] < targets[k - 1] { isSorted = false }
            largest = Swift.max(largest, targets[k])
        }
        if isSorted { return }
        x.keys.removeAll(keepingCapacity: true)
        for k in lo..<hi { x.keys.append(UInt64(targets[k]) << 32 | UInt64(k - lo)) }
        if x.other.count < n { x.other = [UInt64](repeating: 0, count: n) }
        var shift: UInt64 = 32
        while shift < 64 && (UInt64(largest) << 32) >> shift != 0 {
            x.keys.withUnsafeMutableBufferPointer { a in
                x.other.withUnsafeMutableBufferPointer { b in
                    x.counts.withUnsafeMutableBufferPointer { c in
                        for i in 0...256 { c[i] = 0 }
                        for v in a { c[Int((v >> shift) & 0xFF) + 1] += 1 }
                        for i in 0..<256 { c[i + 1] += c[i] }
                        for v in a {
                            let digit = Int((v >> shift) & 0xFF)
                            b[c[digit]] = v
                            c[digit] += 1
                        }
                        for i in 0..<n { a[i] = b[i] }
                    }
                }
            }
            shift += 8
        }
        if let ws = weights {
            x.w.removeAll(keepingCapacity: true)
            for k in lo..<hi { x.w.append(ws[k]) }
        }
        if let ds = delays {
            x.d.removeAll(keepingCapacity: true)
            for k in lo..<hi { x.d.append(ds[k]) }
        } else if let ds = delays8 {
            x.d.removeAll(keepingCapacity: true)
            for k in lo..<hi { x.d.append(UInt16(ds[k])) }
        }
        let ws = weights?.ptr, d16 = delays?.ptr, d8 = delays8?.ptr
        for (i, key) in x.keys.enumerated() {
            let from = Int(key & 0xFFFF_FFFF)
            targets[lo + i] = T(truncatingIfNeeded: key >> 32)
            if let ws { ws[lo + i] = x.w[from] }
            if let d16 { d16[lo + i] = x.d[from] } else if let d8 { d8[lo + i] = UInt8(truncatingIfNeeded: x.d[from]) }
        }
    }

    /// First position in row `s` whose target is >= `bound`.
    func lowerBound(_ s: Int, _ bound: Int) -> Int {
        var lo = offsets[s], hi = offsets[s + 1]
        while lo < hi {
            let mid = (lo + hi) >> 1
            if target(mid) < bound { lo = mid + 1 } else { hi = mid }
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
            for t in 1..<n { c[s * (n + 1) + t] = lowerBound(s, bounds[t]) }
            c[s * (n + 1) + n] = offsets[s + 1]
        }
        splits = c
        splitWorkers = n
    }

    /// How many synapses ahead the scatter loop asks for the ring's cache line it will add to:
    /// with a weight and a delay per synapse each add goes to a line of its own, which the
    /// loop would otherwise wait for (microcircuit at scale 0.1, 1 thread: 32 ahead simulates
    /// in about 0.8 of the time of none, 16 in 0.9; 64 is no better than 32).
    static let prefetchDistance = 32

    /// The projection and its target population's input ring as a run's delivery reads them.
    func delivery(into pop: NeuronPopulation) -> Delivery {
        let buf = pop.input
        return Delivery(offsets: offsets.ptr, splits: splits?.ptr, splitStride: splitWorkers + 1,
                        targets16: targets16?.ptr, targets32: targets?.ptr, weights: weights?.ptr,
                        delays8: delays8?.ptr, delays16: delays?.ptr, delayBase: delayBase, delay: delay, weight: weight,
                        ring: buf.data.ptr, slots: buf.slots, n: buf.n, single: pop.singleSpikeChannel)
    }

    /// A projection's columns and its target's input ring as raw pointers, taken once per run: the
    /// kernel holds both objects for the run and neither changes its columns meanwhile, so a spike
    /// costs no reference counting (an atomic write to memory every worker writes).
    struct Delivery {
        let offsets: UnsafeMutablePointer<Int>
        /// Where each worker's targets start in each row (nil for one worker): row s, worker t
        /// covers `splits[s * splitStride + t] ..< splits[s * splitStride + t + 1]`.
        let splits: UnsafeMutablePointer<Int>?
        let splitStride: Int
        let targets16: UnsafeMutablePointer<UInt16>?, targets32: UnsafeMutablePointer<UInt32>?
        let weights: UnsafeMutablePointer<Double>?
        let delays8: UnsafeMutablePointer<UInt8>?, delays16: UnsafeMutablePointer<UInt16>?
        let delayBase: Int, delay: Int, weight: Double
        /// The target population's input ring (see `InputBuffer`).
        let ring: UnsafeMutablePointer<Double>
        let slots: Int, n: Int
        let single: Bool

        /// Synapses in row `s`.
        @inline(__always)
        func count(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

        /// Row of channel `c` in the slot `d` steps after `now` (d < slots, as every delay is). The
        /// wrap is a select, not a branch: with delays drawn per synapse it goes either way from
        /// one synapse to the next.
        @inline(__always)
        func row(_ c: Int, now: Int, after d: Int) -> UnsafeMutablePointer<Double> {
            let slot = now + d, wrapped = slot - slots
            return ring + (c * slots + (wrapped >= 0 ? wrapped : slot)) * n
        }

        /// Adds the spike of source `s` emitted in step `step` to worker `t`'s targets.
        @inline(__always)
        func deliver(_ s: Int, step: Int64, multiplicity: Double, worker t: Int) {
            var lo = offsets[s], hi = offsets[s + 1]
            if lo == hi { return }
            if let splits {
                lo = splits[s * splitStride + t]
                hi = splits[s * splitStride + t + 1]
            }
            let now = Int(step % Int64(slots))
            if weights == nil && delays8 == nil && delays16 == nil {
                let w = weight * multiplicity
                let base = row(single || w > 0 ? 0 : 1, now: now, after: delay)
                if let t16 = targets16 {
                    for k in lo..<hi { base[Int(t16[k])] += w }
                } else if let t32 = targets32 {
                    for k in lo..<hi { base[Int(t32[k])] += w }
                }
                return
            }
            if let t16 = targets16 { scatter(t16, now, lo, hi, multiplicity) } else if let t32 = targets32 { scatter(t32, now, lo, hi, multiplicity) }
        }

        /// Per-synapse weights and/or delays: each synapse into its own slot and channel, in row order.
        @inline(__always)
        private func scatter<T: FixedWidthInteger>(_ tg: UnsafeMutablePointer<T>, _ now: Int, _ lo: Int, _ hi: Int, _ multiplicity: Double) {
            let ahead = Projection.prefetchDistance, base = delayBase
            for k in lo..<hi {
                let w = (weights?[k] ?? weight) * multiplicity
                let d = delays8.map { base + Int($0[k]) } ?? delays16.map { Int($0[k]) } ?? delay
                let channel = single || w > 0 ? 0 : 1
                if k + ahead < hi {
                    let da = delays8.map { base + Int($0[k + ahead]) } ?? delays16.map { Int($0[k + ahead]) } ?? delay
                    netview_prefetch_write(row(channel, now: now, after: da) + Int(tg[k + ahead]))
                }
                row(channel, now: now, after: d)[Int(tg[k])] += w
            }
        }
    }
}

/// Links from a Poisson or DC generator to neurons of one population: per link a target,
/// a weight and a delay, sorted by target so each worker thread takes a contiguous part.
final class Drive: @unchecked Sendable {
    let generatorNode: Int
    let targetPop: Int
    var targets: [Int32] = [] { didSet { uniformFound = false } }
    var weights: [Double] = [] { didSet { uniformFound = false } }
    var delays: [Int] = [] { didSet { uniformFound = false } }
    /// One Poisson table per worker thread, kept while the rate stays.
    var tables = Column<PoissonTable>(count: 1, repeating: PoissonTable())

    init(generatorNode: Int, targetPop: Int) {
        self.generatorNode = generatorNode
        self.targetPop = targetPop
    }

    /// The shortest and longest delay of the links, in steps (set by `sortByTarget`).
    private(set) var delaySpan = 0...0

    /// Set when the links share one weight and one delay and their targets are consecutive
    /// cells, one link each (a generator connected all_to_all to a population): the drive then
    /// runs over the cells without reading the links. Found before a run when the links have
    /// changed since it was last looked for (a live edit may change the weights).
    private(set) var uniform: (weight: Double, delay: Int, firstTarget: Int)?
    private var uniformFound = false

    /// Whether `findUniform` looks (a variable so that tests can compare with the loop over links).
    nonisolated(unsafe) static var findsUniform = true

    func findUniform() {
        if uniformFound { return }
        uniformFound = true
        uniform = nil
        guard Drive.findsUniform, let w = weights.first, let d = delays.first else { return }
        let first = Int(targets[0])
        for e in targets.indices where weights[e] != w || delays[e] != d || Int(targets[e]) != first + e { return }
        uniform = (w, d, first)
    }

    func sortByTarget() {
        let order = targets.indices.sorted { (targets[$0], $0) < (targets[$1], $1) }
        targets = order.map { targets[$0] }
        weights = order.map { weights[$0] }
        delays = order.map { delays[$0] }
        delaySpan = (delays.min() ?? 0)...(delays.max() ?? 0)
    }

    /// Whether the generator can reach a target in some step of from..<to: an event emitted in
    /// step s arrives d steps later, and the generator emits only in its window. Drives outside
    /// it are skipped without touching their links (the kick of a benchmark lasts 50 ms of a
    /// run of seconds, and every worker would otherwise walk its generators every step).
    func canArrive(from: Int64, to: Int64, generator: Device) -> Bool {
        // Earliest and latest emitting steps whose events arrive in from..<to.
        let first = from - Int64(delaySpan.upperBound), last = to - 1 - Int64(delaySpan.lowerBound)
        if generator is DCGenerator { return generator.startStep < last + 2 && first + 2 <= generator.stopStep }
        return generator.startStep < last && first <= generator.stopStep
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
