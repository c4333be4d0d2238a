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
            var rng = RandomStream(seed: seed, call, 0, 3)
            var made = 0
            var chunk: UInt64 = 0
            while made < n {
                pairs.removeAll(keepingCapacity: true)
                while pairs.count < 4096 && made < n {
                    let s = rng.below(ns), t = rng.below(nt)
                    if !spec.allowAutapses && sources[s] == targets[t] { continue }
                    pairs.append((s, t))
                    made += 1
                }
                row(chunk | (1 << 61), pairs)
                chunk += 1
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
