import Foundation

extension Kernel {
    /// Bytes a connect call would need, estimated before building it.
    public func estimateBytes(_ pre: NodeCollection, _ post: NodeCollection, _ conn: ConnSpec, _ syn: SynSpec) -> Int {
        let e = PairEnumerator(spec: conn, sources: pre.ids, targets: post.ids, seed: 0, call: 0)
        var per = 4
        if case .random = syn.weight { per += 8 }
        if case .random = syn.delay { per += 2 }
        return e.estimatedSynapses * per
    }

    /// NEST 3's Connect. Neurons and spike generators connect to neurons; Poisson and DC generators
    /// drive neurons; neurons connect to a spike_recorder; a voltmeter or multimeter connects to the
    /// neurons it samples.
    /// The devices whose spikes a spike_recorder records when connected to it (besides neurons).
    public static let spikeSources: Set<String> = ["spike_generator", "poisson_generator"]

    public func connect(_ pre: NodeCollection, _ post: NodeCollection, _ conn: ConnSpec = ConnSpec(),
                        _ syn: SynSpec = SynSpec()) throws {
        let f = "Connect"
        guard !pre.ids.isEmpty else { throw NetError(f, "IllegalConnection: Presynaptic nodes cannot be an empty NodeCollection") }
        guard !post.ids.isEmpty else { throw NetError(f, "IllegalConnection: Postsynaptic nodes cannot be an empty NodeCollection") }
        let preGroups = try grouped(pre, function: f)
        let postGroups = try grouped(post, function: f)
        for case let .random(d) in [syn.weight, syn.delay] {
            do { try d.validate() } catch let e as NetError { throw NetError(f, e.message) }
        }
        if case let .constant(w) = syn.weight, !w.isFinite { throw NetError(f, "weight must be finite, got \(formatNumber(w))") }
        if case let .constant(d) = syn.delay {
            guard d.isFinite else { throw NetError(f, "delay must be finite, got \(formatNumber(d))") }
            if grid.delaySteps(d) < 1 {
                throw NetError(f, "delay \(formatNumber(d)) ms is below the resolution \(grid.resolution) ms (it rounds to 0 steps)")
            }
            if grid.delaySteps(d) > Int(UInt16.max) { throw NetError(f, "delay \(formatNumber(d)) ms is too long") }
        }
        let preKinds = Set(preGroups.map { $0.0.baseModel })
        let postKinds = Set(postGroups.map { $0.0.kind })
        // Which sort of link this call makes.
        let meters: Set<String> = ["voltmeter", "multimeter"]
        if preKinds.isSubset(of: meters) {
            // NEST's meters sample any node with recordables: neurons, and of netview's devices the
            // dc_generator (its current I).
            guard postGroups.allSatisfy({ $0.0.kind == .neuron || $0.0.baseModel == "dc_generator" }) else {
                throw NetError(f, ConnSpec.illegal("a \(preKinds.first!) connects to neurons and dc_generators only"))
            }
        } else if postGroups.allSatisfy({ $0.0.baseModel == "spike_recorder" }) {
            guard preGroups.allSatisfy({ $0.0.kind == .neuron || Kernel.spikeSources.contains($0.0.baseModel) }) else {
                throw NetError(f, ConnSpec.illegal("only neurons, spike_generators and poisson_generators connect to a spike_recorder"))
            }
            guard conn.mayReachDevices else { throw NetError(f, ConnSpec.noProxiesMessage) }
        } else {
            guard postKinds == [.neuron] else {
                let bad = postGroups.first { $0.0.kind != .neuron }!.0.model
                throw NetError(f, ConnSpec.illegal("targets must be neurons, but \(bad) is not (recorders: neurons connect to a spike_recorder; a voltmeter connects to neurons)"))
            }
            if let bad = preGroups.first(where: { $0.0.kind == .recorder }) {
                throw NetError(f, ConnSpec.illegal("\(bad.0.model) cannot be a source here: only voltmeters and multimeters send to neurons"))
            }
        }
        let call = UInt64(connections.count + 1)
        let e = PairEnumerator(spec: conn, sources: pre.ids, targets: post.ids, seed: seeds.network, call: call)
        try e.validate(function: f)

        // Pass 1: count synapses per (source block, target population) and source; degrees.
        // Counted through pointers: an array captured and changed in the loop over every pair
        // would be checked for uniqueness at each change.
        let indeg = Column<Int>(count: post.count, repeating: 0), outdeg = Column<Int>(count: pre.count, repeating: 0)
        let inP = indeg.ptr, outP = outdeg.ptr
        struct Key: Hashable { let src: Int, pop: Int }
        var recorderLinks: [(Int, Int)] = []
        var driveLinks: [(Int, Int, UInt64, Int)] = []  // source idx, target idx, row, k in row
        let srcBlock = pre.ids.map { Int(blockOf[$0]) }
        let dstBlock = post.ids.map { Int(blockOf[$0]) }
        let srcLocal = pre.ids.indices.map { pre.ids[$0] - blocks[srcBlock[$0]].firstID }
        let dstLocal = post.ids.indices.map { post.ids[$0] - blocks[dstBlock[$0]].firstID }
        // What each pair makes: 0 a synapse, 1 a generator drive, 2 a recorder link.
        let srcClass = srcBlock.map { b -> UInt8 in
            let blk = blocks[b]
            if blk.kind == .recorder { return 2 }
            return blk.baseModel == "poisson_generator" || blk.baseModel == "dc_generator" ? 1 : 0
        }
        let dstPop = dstBlock.map { blocks[$0].kind == .neuron ? blocks[$0].index : -1 }
        let nPops = max(populations.count, 1)
        var projIndex = [Int](repeating: -1, count: blocks.count * nPops)
        var keys: [Key] = []
        var counts: [Column<Int>] = []
        var countPtrs: [UnsafeMutablePointer<Int>] = []
        var total = 0
        // The projection from source `s`'s block to population `pop`, made when first met.
        func newProjection(_ s: Int, _ pop: Int) -> Int {
            let slot = srcBlock[s] * nPops + pop
            projIndex[slot] = keys.count
            keys.append(Key(src: srcBlock[s], pop: pop))
            counts.append(Column(count: blocks[srcBlock[s]].count, repeating: 0))
            countPtrs.append(counts[counts.count - 1].ptr)
            return keys.count - 1
        }
        // A large fixed_total_number call between neurons on several threads: the workers make
        // its chunks of pairs and count them.
        var chunkBatches: ChunkBatches?
        if case let .fixedTotalNumber(n) = conn.rule, threads > 1, n >= Kernel.parallelDrawMinimum,
           srcClass.allSatisfy({ $0 == 0 }), dstPop.allSatisfy({ $0 >= 0 }) {
            chunkBatches = ChunkBatches(enumerator: e, n: n, pool: workers(threads))
        }
        if let chunkBatches {
            total = chunkBatches.n
            for (pop, bySource) in chunkBatches.countPairs(targetPops: dstPop, populations: nPops, indegrees: inP) {
                for s in 0..<pre.count where bySource[s] > 0 {
                    outP[s] += bySource[s]
                    var pi = projIndex[srcBlock[s] * nPops + pop]
                    if pi < 0 { pi = newProjection(s, pop) }
                    countPtrs[pi][srcLocal[s]] += bySource[s]
                }
            }
        } else {
            e.forEachRow { row, pairs in
                total += pairs.count
                for (k, (s, t)) in pairs.enumerated() {
                    inP[t] += 1
                    outP[s] += 1
                    let pop = dstPop[t]
                    if srcClass[s] == 2 || pop < 0 {
                        recorderLinks.append((s, t))
                    } else if srcClass[s] == 1 {
                        driveLinks.append((s, t, row, k))
                    } else {
                        var pi = projIndex[srcBlock[s] * nPops + pop]
                        if pi < 0 { pi = newProjection(s, pop) }
                        countPtrs[pi][srcLocal[s]] += 1
                    }
                }
            }
        }

        if total > 0 && !conn.reachesDevices && postGroups.allSatisfy({ $0.0.baseModel == "spike_recorder" }) {
            throw NetError(f, ConnSpec.noProxiesMessage)
        }
        var record = ConnectionRecord(rule: conn.ruleName, synapses: total,
                                      indegree: Kernel.stats(indeg.array), outdegree: Kernel.stats(outdeg.array),
                                      weight: syn.weight, delay: syn.delay)
        let normals = seeds.normals
        let weightOf = { (rng: inout RandomStream) -> Double in
            if case let .random(d) = syn.weight { return d.draw(&rng, normals) }
            if case let .constant(w) = syn.weight { return w }
            return 1
        }
        var delayError: NetError?
        // A drawn delay in steps, nil when it is off the grid's range, and what to say then.
        let gridSteps = { (d: Double) -> Int? in
            let steps = d.isFinite ? self.grid.delaySteps(d) : 0
            return steps >= 1 && steps <= Int(UInt16.max) ? steps : nil
        }
        func offGrid(_ d: Double) -> NetError? {
            guard case let .random(dist) = syn.delay else { return nil }
            return NetError(f, "a delay drawn from \(dist.summary) is \(formatNumber(d)) ms: below the resolution or too long")
        }
        // A drawn delay in steps (1 and an error noted when it is off the grid's range).
        let drawnSteps = { (d: Double) -> Int in
            guard case .random = syn.delay else { return 1 }
            if let steps = gridSteps(d) { return steps }
            delayError = offGrid(d)
            return 1
        }
        let delayOf = { (rng: inout RandomStream) -> Int in
            switch syn.delay {
            case let .constant(d): return self.grid.delaySteps(d)
            case let .random(dist): return drawnSteps(dist.draw(&rng, normals))
            }
        }
        func synStream(_ row: UInt64) -> RandomStream { RandomStream(seed: seeds.network, call, row, 7) }

        // Pass 2: fill the compressed rows.
        var projections: [Projection] = []
        var cursors: [Column<Int>] = []
        let randomW: Bool, randomD: Bool
        if case .random = syn.weight { randomW = true } else { randomW = false }
        if case .random = syn.delay { randomD = true } else { randomD = false }
        let constW: Double = { if case let .constant(w) = syn.weight { return w }; return 0 }()
        let constD: Int = { if case let .constant(d) = syn.delay { return grid.delaySteps(d) }; return 0 }()
        // Drawn delays go straight into one byte each (1 to 256 steps); when one is longer, the
        // rows are filled again with two bytes a delay (the draws are the same the second time).
        var minD = Int.max, maxD = 0
        for narrowDelays in Kernel.narrowDelayFill ? [true, false] : [false] {
            projections = []
            cursors = []
            minD = Int.max
            maxD = 0
            for (pi, key) in keys.enumerated() {
                let p = Projection(sourceNode: key.src, targetPop: key.pop, targetCount: populations[key.pop].count,
                                   sourceCount: counts[pi].count, counts: counts[pi].array, weight: constW, randomWeights: randomW, delay: constD, randomDelays: randomD,
                                   narrowDelays: narrowDelays, minDelay: 0, maxDelay: 0)
                projections.append(p)
                let c = Column<Int>(count: counts[pi].count, repeating: 0)
                for i in 0..<c.count { c[i] = p.offsets[i] }
                cursors.append(c)
            }
            // Raw pointers in the fill loop: no reference counting per synapse.
            let cursorPtrs = cursors.map(\.ptr), targetPtrs = projections.map(\.fillTargets)
            let weightPtrs = projections.map { $0.weights?.ptr }, delayPtrs = projections.map(\.fillDelays)
            if !projections.isEmpty && !randomW && !randomD && total >= Kernel.sortedFillMinimum {
                let targets = SortedFillTargets(projIndex: projIndex, nPops: nPops, srcClass: srcClass, srcBlock: srcBlock,
                                                srcLocal: srcLocal, dstPop: dstPop, dstLocal: dstLocal)
                Kernel.fillSorted(e, targets, projections: projections, cursors: cursors)
            } else if !projections.isEmpty {
                // A synapse pair (not a generator or recorder link), and its place in its row.
                func isSynapse(_ s: Int, _ t: Int) -> Bool { srcClass[s] == 0 && dstPop[t] >= 0 }
                // Writes a synapse at its row's cursor (rows of different sources never share one, so
                // workers may place the synapses of their own sources at once).
                let projIndex = projIndex
                func place(_ s: Int, _ t: Int, weight w: Double, delay d: Int) {
                    let pi = projIndex[srcBlock[s] * nPops + dstPop[t]]
                    let local = srcLocal[s]
                    let pos = cursorPtrs[pi][local]
                    cursorPtrs[pi][local] = pos + 1
                    targetPtrs[pi].set(pos, dstLocal[t])
                    if randomW { weightPtrs[pi]![pos] = w }
                    if randomD { delayPtrs[pi].set(pos, d) }
                }
                func put(_ s: Int, _ t: Int, weight w: Double, delay d: Int) {
                    place(s, t, weight: w, delay: d)
                    if randomD {
                        minD = min(minD, d)
                        maxD = max(maxD, d)
                    }
                }
                if threads > 1 && total >= Kernel.parallelDrawMinimum {
                    // Rows draw from streams of their own: the workers draw a batch of rows' weights
                    // and delays, then place the synapses, each worker the rows of its own sources
                    // (a source's synapses land in batch order, as when one thread places them all).
                    let batch = ParallelDraws()
                    let pool = workers(threads)
                    // Per worker: the shortest and longest delay drawn, and a delay off the grid.
                    struct Drawn { var min = Int.max, max = 0, bad: Double? }
                    let drawn = Column<Drawn>(count: pool.count, repeating: Drawn())
                    let draw = { (t: Int, row: UInt64, lo: Int, hi: Int, w: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Int32>) in
                        var rng = synStream(row)
                        var mine = drawn[t]
                        for i in lo..<hi where isSynapse(Int(batch.sources[i]), Int(batch.targets[i])) {
                            if case let .random(dist) = syn.weight { w[i] = dist.draw(&rng, normals) }
                            if case let .random(dist) = syn.delay {
                                let x = dist.draw(&rng, normals)
                                var steps = 1
                                if let g = gridSteps(x) { steps = g } else if mine.bad == nil { mine.bad = x }
                                d[i] = Int32(steps)
                                mine.min = min(mine.min, steps)
                                mine.max = max(mine.max, steps)
                            }
                        }
                        drawn[t] = mine
                    }
                    let owners = pool.count
                    func drawAndPlace() {
                        batch.drawAll(pool, draw)
                        let src = batch.sources.ptr, tgt = batch.targets.ptr, ws = batch.weights.ptr, ds = batch.delays.ptr
                        let count = batch.count
                        pool.run { t in
                            for i in 0..<count {
                                let s = Int(src[i]), tt = Int(tgt[i])
                                guard (s >> 6) % owners == t, isSynapse(s, tt) else { continue }
                                place(s, tt, weight: ws[i], delay: Int(ds[i]))
                            }
                        }
                        batch.clear()
                    }
                    if let chunkBatches {
                        chunkBatches.forEach(into: batch, drawAndPlace)
                    } else {
                        e.forEachRow { row, pairs in
                            batch.add(row, pairs)
                            if batch.full { drawAndPlace() }
                        }
                        drawAndPlace()
                    }
                    for t in 0..<drawn.count {
                        let x = drawn[t]
                        minD = min(minD, x.min)
                        maxD = max(maxD, x.max)
                        if let bad = x.bad { delayError = offGrid(bad) }
                    }
                } else {
                    e.forEachRow { row, pairs in
                        var rng = synStream(row)
                        for (s, t) in pairs where isSynapse(s, t) {
                            let w = randomW ? weightOf(&rng) : 0
                            put(s, t, weight: w, delay: randomD ? delayOf(&rng) : 0)
                        }
                    }
                }
            }
            if !randomD || delayError != nil || maxD <= Projection.narrowDelayLimit { break }
        }
        counts = []
        if let delayError { throw delayError }
        if !projections.isEmpty && !randomD { minD = min(minD, constD); maxD = max(maxD, constD) }

        // Generator drives and recorder links.
        var drives: [Key: Drive] = [:]
        var rowStreams: [UInt64: RandomStream] = [:]
        for (s, t, row, _) in driveLinks {
            let sb = blocks[srcBlock[s]], tb = blocks[dstBlock[t]]
            let key = Key(src: sb.index + (pre.ids[s] - sb.firstID), pop: tb.index)
            if drives[key] == nil { drives[key] = Drive(generatorNode: key.src, targetPop: tb.index) }
            var rng = rowStreams[row] ?? synStream(row)
            let w = weightOf(&rng)
            let d = delayOf(&rng)
            rowStreams[row] = rng
            let dr = drives[key]!
            dr.targets.append(Int32(post.ids[t] - tb.firstID))
            dr.weights.append(w)
            dr.delays.append(d)
            minD = min(minD, d)
            maxD = max(maxD, d)
        }
        if let delayError { throw delayError }
        // NEST samples a neuron once per meter: a second link from the same meter is refused
        // (checked before anything is changed).
        var sampled: [Int: Set<Int>] = [:]
        for (s, t) in recorderLinks where blocks[srcBlock[s]].kind == .recorder && blocks[dstBlock[t]].kind != .recorder {
            let meter = pre.ids[s], tb = blocks[dstBlock[t]]
            if sampled[meter] == nil, let m = device(meter, blocks[srcBlock[s]]) as? Multimeter {
                sampled[meter] = m.sampledNodes { self.populations[$0].firstID }
            }
            guard sampled[meter]!.insert(post.ids[t]).inserted else {
                throw NetError(f, model: tb.model,
                               "IllegalConnection: Creation of connection is not possible because: Each multimeter can only be connected once to a given node.")
            }
        }
        for (s, t) in recorderLinks {
            let sb = blocks[srcBlock[s]], tb = blocks[dstBlock[t]]
            if sb.kind == .recorder, tb.kind != .recorder, let m = device(pre.ids[s], sb) as? Multimeter {
                let recordables = tb.kind == .neuron ? populations[tb.index].spec.recordables : device(post.ids[t], tb).spec.recordables
                for name in m.recordFrom where !recordables.contains(name) {
                    throw NetError(f, model: tb.model, ConnSpec.illegal("\(m.spec.name) records '\(name)', which \(tb.baseModel) does not have (recordables: \(recordables.joined(separator: ", ")))"))
                }
            }
            let d = constD > 0 ? constD : 1
            minD = min(minD, d)
            maxD = max(maxD, d)
        }
        if hasSimulated {
            // The extrema the run used: one step each when it had no connections (NEST's too).
            let usedMin = minDelaySteps == Int.max ? 1 : minDelaySteps, usedMax = max(maxDelaySteps, 1)
            if minD < usedMin && minD != Int.max || maxD > usedMax {
                let bad = grid.ms(Int64(minD < usedMin ? minD : maxD))
                let shown = bad == bad.rounded() && abs(bad) < 1e15 ? String(Int64(bad)) : formatNumber(bad)
                throw NetError(f, "BadDelay: Delay value \(shown) is invalid: Minimum and maximum delay cannot be changed after Simulate has been called (they are \(formatNumber(minDelay)) and \(formatNumber(maxDelay)) ms).")
            }
        }

        // Commit: nothing above has changed the kernel.
        for (s, t) in recorderLinks {
            let sb = blocks[srcBlock[s]], tb = blocks[dstBlock[t]]
            if tb.kind == .recorder, let r = device(post.ids[t], tb) as? SpikeRecorder {
                r.sources.insert(pre.ids[s])
            } else if sb.kind == .recorder, tb.kind == .neuron, let m = device(pre.ids[s], sb) as? Multimeter {
                m.targets[tb.index, default: []].append(post.ids[t] - tb.firstID)
            } else if sb.kind == .recorder, let m = device(pre.ids[s], sb) as? Multimeter {
                m.generatorTargets.append(post.ids[t])
            }
        }
        for p in projections.sorted(by: { ($0.sourceNode, $0.targetPop) < ($1.sourceNode, $1.targetPop) }) {
            if conn.ruleName == "fixed_outdegree" || conn.ruleName == "fixed_total_number" { p.sortRows(threads > 1 ? workers(threads) : nil) }
            p.compact()
            outgoing[p.sourceNode].append(p)
            record.projections.append(p)
        }
        for d in drives.values.sorted(by: { ($0.generatorNode, $0.targetPop) < ($1.generatorNode, $1.targetPop) }) {
            d.sortByTarget()
            drivesByPop[d.targetPop].append(d)
            record.drives.append(d)
        }
        for m in devices.compactMap({ $0 as? Multimeter }) {
            for k in m.targets.keys { m.targets[k] = Array(Set(m.targets[k]!)).sorted() }
            m.generatorTargets = Array(Set(m.generatorTargets)).sorted()
        }
        for r in devices.compactMap({ $0 as? SpikeRecorder }) {
            r.sourceMask = [Bool](repeating: false, count: blockOf.count)
            for s in r.sources { r.sourceMask[s] = true }
        }
        if minD != Int.max { minDelaySteps = min(minDelaySteps, minD) }
        maxDelaySteps = max(maxDelaySteps, maxD)
        connections.append(record)
    }

    /// Connection calls of at least this many synapses with one weight and one delay fill their rows
    /// through `fillSorted` (a variable so that tests can take that path with small networks).
    nonisolated(unsafe) static var sortedFillMinimum = 64 << 20
    /// Whether drawn delays are filled into one byte each first (a variable so that tests can
    /// compare with the two-byte fill).
    nonisolated(unsafe) static var narrowDelayFill = true
    /// Connect calls with drawn weights or delays and at least this many synapses draw them on
    /// the kernel's threads.
    nonisolated(unsafe) static var parallelDrawMinimum = 1 << 16
    /// Pairs per chunk of `fillSorted`.
    nonisolated(unsafe) static var sortedFillChunk = 1 << 22

    /// What the fill needs to know of each pair's source and target (indices as in `connect`).
    struct SortedFillTargets {
        let projIndex: [Int], nPops: Int, srcClass: [UInt8], srcBlock: [Int], srcLocal: [Int]
        let dstPop: [Int], dstLocal: [Int]
    }

    /// Pass 2 of a large connection call with one weight and one delay. Written one synapse at a
    /// time, the compressed rows of all sources are written at scattered places, a cache miss per
    /// synapse once they outgrow the caches. Instead the pairs of a chunk of rows are sorted by
    /// source (a stable counting sort) and each source's run is copied to its row at once. The
    /// rows come out the same, entry for entry, as one by one.
    static func fillSorted(_ e: PairEnumerator, _ x: SortedFillTargets, projections: [Projection], cursors: [Column<Int>]) {
        var base: [Int] = []
        var slots = 0
        for p in projections {
            base.append(slots)
            slots += p.sourceCount
        }
        let chunk = max(1, sortedFillChunk)
        let slotOf = Column<Int32>(count: chunk, repeating: 0), dst = Column<UInt32>(count: chunk, repeating: 0)
        let sorted = Column<UInt32>(count: chunk, repeating: 0)
        let start = Column<Int>(count: slots + 1, repeating: 0), next = Column<Int>(count: slots + 1, repeating: 0)
        var n = 0
        func flush() {
            if n == 0 { return }
            start.fill(0)
            for i in 0..<n { start[Int(slotOf[i]) + 1] += 1 }
            for j in 0..<slots { start[j + 1] += start[j] }
            next.ptr.update(from: start.ptr, count: slots + 1)
            for i in 0..<n {
                let j = Int(slotOf[i])
                sorted[next[j]] = dst[i]
                next[j] += 1
            }
            for (pi, p) in projections.enumerated() {
                let cursor = cursors[pi].ptr, row = p.fillTargets
                for local in 0..<p.sourceCount {
                    let j = base[pi] + local, a = start[j], b = start[j + 1]
                    if a == b { continue }
                    row.copy(to: cursor[local], from: sorted.ptr + a, count: b - a)
                    cursor[local] += b - a
                }
            }
            n = 0
        }
        e.forEachRow { _, pairs in
            for (s, t) in pairs {
                let pop = x.dstPop[t]
                if x.srcClass[s] != 0 || pop < 0 { continue }
                let pi = x.projIndex[x.srcBlock[s] * x.nPops + pop]
                slotOf[n] = Int32(base[pi] + x.srcLocal[s])
                dst[n] = UInt32(x.dstLocal[t])
                n += 1
                if n == chunk { flush() }
            }
        }
        flush()
    }

    static func stats(_ xs: [Int]) -> (min: Int, mean: Double, max: Int) {
        guard !xs.isEmpty else { return (0, 0, 0) }
        return (xs.min()!, Double(xs.reduce(0, +)) / Double(xs.count), xs.max()!)
    }

    /// Changes the weight of every synapse a connect call made (a live edit; per-synapse weights are
    /// scaled to keep their distribution's shape).
    public func setConnectionWeight(_ index: Int, _ w: Double) throws {
        guard connections.indices.contains(index) else { throw NetError("SetStatus", "no connection group \(index)") }
        guard w.isFinite else { throw NetError("SetStatus", "weight must be finite, got \(formatNumber(w))") }
        for p in connections[index].projections {
            if let ws = p.weights {
                let old = p.weight == 0 ? 1 : p.weight
                for k in 0..<ws.count { ws[k] = ws[k] / old * w }
            }
            p.weight = w
        }
        for d in connections[index].drives { d.weights = d.weights.map { _ in w } }
        connections[index].weight = .constant(w)
    }
}

/// A batch of rows of one connect call (their pairs) and the weights and delays (in steps) drawn
/// for them.
final class ParallelDraws {
    var rows: [UInt64] = []
    var starts: [Int] = [0]
    /// Pairs 0..<count of the batch: source and target indices.
    private(set) var count = 0
    private(set) var sources = Column<Int32>(count: ParallelDraws.pairs, repeating: 0)
    private(set) var targets = Column<Int32>(count: ParallelDraws.pairs, repeating: 0)
    var weights = Column<Double>(count: 1, repeating: 0)
    var delays = Column<Int32>(count: 1, repeating: 0)
    /// Pairs a batch holds before it is drawn (a longer row makes its batch longer).
    static let pairs = 1 << 18

    var full: Bool { count >= ParallelDraws.pairs }

    func add(_ row: UInt64, _ pairs: [(Int, Int)]) {
        if count + pairs.count > sources.count { grow(to: count + pairs.count) }
        rows.append(row)
        let s = sources.ptr + count, t = targets.ptr + count
        pairs.withUnsafeBufferPointer { p in
            for k in 0..<p.count {
                s[k] = Int32(truncatingIfNeeded: p[k].0)
                t[k] = Int32(truncatingIfNeeded: p[k].1)
            }
        }
        count += pairs.count
        starts.append(count)
    }

    private func grow(to n: Int) {
        let size = Swift.max(n, 2 * sources.count)
        let s = Column<Int32>(count: size, repeating: 0), t = Column<Int32>(count: size, repeating: 0)
        s.ptr.update(from: sources.ptr, count: count)
        t.ptr.update(from: targets.ptr, count: count)
        sources = s
        targets = t
    }

    /// Rows for chunks `chunks` of a fixed_total_number call of `n` pairs after the batch's
    /// rows; their pairs are left for the caller to write.
    func addChunks(_ chunks: Range<Int>, of n: Int) {
        let end = count + chunks.reduce(0) { $0 + PairEnumerator.chunkSize($1, of: n) }
        if end > sources.count { grow(to: end) }
        for c in chunks {
            rows.append(PairEnumerator.chunkKey(c))
            count += PairEnumerator.chunkSize(c, of: n)
            starts.append(count)
        }
    }

    func clear() {
        rows.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        count = 0
    }

    /// Draws every row's values, rows dealt to the workers in turn: `draw(worker, row, lo, hi,
    /// weights, delays)`.
    func drawAll(_ pool: WorkerPool,
                 _ draw: (Int, UInt64, Int, Int, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Int32>) -> Void) {
        if weights.count < count {
            weights = Column(count: count, repeating: 0)
            delays = Column(count: count, repeating: 0)
        }
        let w = weights.ptr, d = delays.ptr, n = pool.count
        pool.run { t in
            var r = t
            while r < self.rows.count {
                draw(t, self.rows[r], self.starts[r], self.starts[r + 1], w, d)
                r += n
            }
        }
    }
}
