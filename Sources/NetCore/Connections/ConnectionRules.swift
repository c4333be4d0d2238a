/// The connection rules, as row-wise enumerations of (source index, target index) pairs.
/// A row is one target (or one source for fixed_outdegree); each row draws from its own stream
/// keyed by the network seed, the connect call and the row, so a row's pairs do not depend on
/// the order rows are visited in or on how often the enumeration is replayed.
struct PairEnumerator {
    let spec: ConnSpec
    let sources: [Int]  // global ids
    let targets: [Int]
    let seed: UInt64
    let call: UInt64

    func validate(function: String) throws {
        let ns = sources.count, nt = targets.count
        // Whether some node is both a source and a target (only asked where it matters).
        var overlap: Bool { !Set(sources).isDisjoint(with: targets) }
        switch spec.rule {
        case .oneToOne:
            if ns != nt {
                throw NetError(function, "one_to_one needs as many sources as targets (\(ns) vs \(nt))")
            }
        case let .fixedIndegree(k):
            if k < 0 { throw NetError(function, "BadProperty: Indegree cannot be less than zero (got \(k)).") }
            if !spec.allowMultapses && k > ns {
                throw NetError(function, "BadProperty: Indegree cannot be larger than population size (indegree \(k), \(ns) sources, allow_multapses false).")
            }
            if !spec.allowMultapses && !spec.allowAutapses && k == ns && k > 0 && overlap {
                throw NetError(function, "indegree \(k) equals the \(ns) sources with allow_multapses and allow_autapses false: a target among the sources has only \(ns - 1) to draw from (NEST would loop forever)")
            }
            if ns == 0 && k > 0 { throw NetError(function, "fixed_indegree has no sources to draw from") }
        case let .fixedOutdegree(k):
            if k < 0 { throw NetError(function, "BadProperty: Outdegree cannot be less than zero (got \(k)).") }
            if !spec.allowMultapses && k > nt {
                throw NetError(function, "BadProperty: Outdegree cannot be larger than population size (outdegree \(k), \(nt) targets, allow_multapses false).")
            }
            if !spec.allowMultapses && !spec.allowAutapses && k == nt && k > 0 && overlap {
                throw NetError(function, "outdegree \(k) equals the \(nt) targets with allow_multapses and allow_autapses false: a source among the targets has only \(nt - 1) to draw from (NEST would loop forever)")
            }
            if nt == 0 && k > 0 { throw NetError(function, "fixed_outdegree has no targets to draw from") }
        case let .fixedTotalNumber(n):
            if n < 0 { throw NetError(function, "N must be >= 0, got \(n)") }
            if !spec.allowMultapses { throw NetError(function, "fixed_total_number requires allow_multapses true (as in NEST)") }
            if n > 0 && (ns == 0 || nt == 0) { throw NetError(function, "fixed_total_number needs sources and targets") }
            if n > 0 && !spec.allowAutapses && Set(sources).count == 1 && Set(sources) == Set(targets) {
                throw NetError(function, "fixed_total_number with allow_autapses false has no pair to draw: the one source is the one target")
            }
        case let .pairwiseBernoulli(p, cap):
            if !(p >= 0 && p <= 1) { throw NetError(function, "p must be within [0, 1], got \(formatNumber(p))") }
            if let cap, cap < 0 { throw NetError(function, "max_indegree must be >= 0, got \(cap)") }
        case .allToAll:
            break
        }
    }

    /// Upper estimate of the synapses this call makes, for memory checks before building.
    var estimatedSynapses: Int {
        let ns = sources.count, nt = targets.count
        switch spec.rule {
        case .allToAll: return ns * nt
        case .oneToOne: return nt
        case let .fixedIndegree(k): return k * nt
        case let .fixedOutdegree(k): return k * ns
        case let .fixedTotalNumber(n): return n
        case let .pairwiseBernoulli(p, cap):
            let mean = Int((p * Double(ns)).rounded(.up)) + 1
            return nt * min(cap ?? mean, mean)
        }
    }

    /// Calls `row(key, pairs)` for every row; `pairs` holds (source index, target index).
    func forEachRow(_ row: (UInt64, [(Int, Int)]) -> Void) {
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(64)
        let ns = sources.count, nt = targets.count
        switch spec.rule {
        case .allToAll:
            for t in 0..<nt {
                pairs.removeAll(keepingCapacity: true)
                for s in 0..<ns where spec.allowAutapses || sources[s] != targets[t] { pairs.append((s, t)) }
                row(UInt64(targets[t]), pairs)
            }
        case .oneToOne:
            for t in 0..<nt {
                pairs.removeAll(keepingCapacity: true)
                if spec.allowAutapses || sources[t] != targets[t] { pairs.append((t, t)) }
                row(UInt64(targets[t]), pairs)
            }
        case let .fixedIndegree(k):
            var chosen = Set<Int>()
            for t in 0..<nt {
                pairs.removeAll(keepingCapacity: true)
                chosen.removeAll(keepingCapacity: true)
                var rng = RandomStream(seed: seed, call, UInt64(targets[t]), 1)
                var attempts = 0
                while pairs.count < k {
                    let s = rng.below(ns)
                    attempts += 1
                    if attempts > 1000 * (k + 10) { break }  // a set too small for the rule: validated earlier
                    if !spec.allowAutapses && sources[s] == targets[t] { continue }
                    if !spec.allowMultapses {
                        if chosen.contains(sources[s]) { continue }
                        chosen.insert(sources[s])
                    }
                    pairs.append((s, t))
                }
                row(UInt64(targets[t]), pairs)
            }
        case let .fixedOutdegree(k):
            var chosen = Set<Int>()
            for s in 0..<ns {
                pairs.removeAll(keepingCapacity: true)
                chosen.removeAll(keepingCapacity: true)
                var rng = RandomStream(seed: seed, call, UInt64(sources[s]), 2)
                var attempts = 0
                while pairs.count < k {
                    let t = rng.below(nt)
                    attempts += 1
                    if attempts > 1000 * (k + 10) { break }
                    if !spec.allowAutapses && sources[s] == targets[t] { continue }
                    if !spec.allowMultapses {
                        if chosen.contains(targets[t]) { continue }
                        chosen.insert(targets[t])
                    }
                    pairs.append((s, t))
                }
                row(UInt64(sources[s]) | (1 << 62), pairs)
            }
        case let .fixedTotalNumber(n):
            var rng = totalStream
            for c in 0..<PairEnumerator.chunkCount(n) {
                pairs.removeAll(keepingCapacity: true)
                makeChunk(PairEnumerator.chunkSize(c, of: n), &rng) { pairs.append(($0, $1)) }
                row(PairEnumerator.chunkKey(c), pairs)
            }
        case let .pairwiseBernoulli(p, cap):
            let limit = cap ?? Int.max
            for t in 0..<nt {
                pairs.removeAll(keepingCapacity: true)
                var rng = RandomStream(seed: seed, call, UInt64(targets[t]), 4)
                for s in 0..<ns {
                    if pairs.count >= limit { break }
                    if !spec.allowAutapses && sources[s] == targets[t] { continue }  // skipped without a draw
                    if rng.uniform() < p { pairs.append((s, t)) }
                }
                row(UInt64(targets[t]), pairs)
            }
        }
    }
}

/// fixed_total_number draws all its pairs from one stream, in chunks of `chunk` pairs; a chunk is
/// a row of the enumeration (weights and delays come from a stream of the chunk's own). A chunk
/// starts where the one before left the stream, so chunks made at once start from a guess:
/// a pair takes two draws unless a draw is retried (Lemire's rejection, about once in 2^64 / n
/// draws) or the pair is an autapse and skipped. A chunk whose guessed start was wrong is made
/// again from its true start, so the pairs are always the ones a single pass makes.
extension PairEnumerator {
    /// Pairs per chunk (a variable so that tests can make chunks short).
    nonisolated(unsafe) static var chunk = 4096

    static func chunkCount(_ n: Int) -> Int { (n + chunk - 1) / chunk }
    static func chunkSize(_ c: Int, of n: Int) -> Int { min(chunk, n - c * chunk) }
    static func chunkKey(_ c: Int) -> UInt64 { UInt64(c) | (1 << 61) }

    /// The stream chunk 0 starts from.
    var totalStream: RandomStream { RandomStream(seed: seed, call, 0, 3) }

    /// Draws `count` pairs from `rng`, calling `pair(source index, target index)` for each.
    @inline(__always)
    func makeChunk(_ count: Int, _ rng: inout RandomStream, _ pair: (Int, Int) -> Void) {
        let ns = sources.count, nt = targets.count
        var made = 0
        while made < count {
            let s = rng.below(ns), t = rng.below(nt)
            if !spec.allowAutapses && sources[s] == targets[t] { continue }
            pair(s, t)
            made += 1
        }
    }

    /// Makes chunks `chunks` of a fixed_total_number call of `n` pairs on the pool's workers,
    /// chunk `c`'s pairs at `(c - chunks.lowerBound) * chunk` in `sources` and `targets`, the first
    /// chunk from `start`; returns the stream where the last chunk left it.
    func makeChunks(_ chunks: Range<Int>, of n: Int, from start: RandomStream, pool: WorkerPool,
                    sources: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) -> RandomStream {
        let size = PairEnumerator.chunk, first = chunks.lowerBound
        func make(_ c: Int, _ rng: inout RandomStream) {
            let at = (c - first) * size
            var k = 0
            makeChunk(PairEnumerator.chunkSize(c, of: n), &rng) { s, t in
                sources[at + k] = Int32(truncatingIfNeeded: s)
                targets[at + k] = Int32(truncatingIfNeeded: t)
                k += 1
            }
        }
        func guess(_ c: Int) -> RandomStream { start.advanced(by: 2 * size * (c - first)) }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: chunks.count) { ends in
            let workers = pool.count
            pool.run { w in
                for c in stride(from: first + w, to: chunks.upperBound, by: workers) {
                    var rng = guess(c)
                    make(c, &rng)
                    ends[c - first] = rng.state
                }
            }
            var at = start
            for c in chunks {
                if at != guess(c) {
                    var rng = at
                    make(c, &rng)
                    ends[c - first] = rng.state
                }
                at = RandomStream(state: ends[c - first])
            }
            return at
        }
    }
}

