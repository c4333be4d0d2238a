import Foundation

/// One spike of a slice: its emission step, its sender, and its weight factor (spike generators
/// with spike_weights).
struct SliceEvent {
    var step: Int64
    var id: Int32
    var factor: Double
}

/// What one multimeter samples in one population.
struct Sampling {
    let pop: Int
    let locals: [Int]
    let readers: [(Int) -> Double]
}

extension Kernel {
    /// The neurons of population `p` that worker `t` of `n` owns.
    @inline(__always)
    /// Worker t's share of population p: boundaries on multiples of 8 neurons, so that workers never
    /// write the same cache line of a column and groups of cells start where the workers' shares do.
    func part(_ p: Int, _ t: Int, _ n: Int) -> Range<Int> {
        let c = populations[p].count
        func boundary(_ k: Int) -> Int { k == n ? c : min(c, (c * k / n) & ~7) }
        return boundary(t)..<boundary(t + 1)
    }

    func prepareRun() throws {
        for p in populations where !p.prepared {
            do { try p.prepare() } catch let e as NetError { throw NetError("Simulate", model: p.spec.name, e.message) }
        }
        let slots = max(minDelaySteps == Int.max ? 1 : minDelaySteps, 1) + max(maxDelaySteps, 1) + 1
        for p in populations where p.input.slots < slots { p.input.resize(slots: slots, now: now) }
        for m in devices.compactMap({ $0 as? Multimeter }) where m.pending.count != threads {
            m.merge()
            m.pending = Array(repeating: [], count: threads)
        }
        if poissonEvents.count != threads {
            deliveredEvents &+= poissonEvents.array.reduce(0, &+)
            poissonEvents = Column(count: threads, repeating: 0)
        }
        for d in drivesByPop.joined() {
            if d.tables.count != threads { d.tables = Column(count: threads, repeating: PoissonTable()) }
            d.findUniform()
        }
        workPlans = makeWorkPlans()
        for p in outgoing.joined() where p.splitWorkers != threads {
            p.computeSplits(workers: threads, bounds: (0...threads).map { part(p.targetPop, min($0, threads - 1), threads).lowerBound })
        }
        routes = []
        routeStart = [0]
        for projections in outgoing {
            routes += projections.map { $0.delivery(into: populations[$0.targetPop]) }
            routeStart.append(routes.count)
        }
        meters = devices.compactMap { $0 as? Multimeter }
        sampling = meters.map { m in
            m.targets.keys.sorted().map { p in
                Sampling(pop: p, locals: m.targets[p]!, readers: m.recordFrom.map { populations[p].reader($0)! })
            }
        }
        recorders = devices.compactMap { $0 as? SpikeRecorder }
        spikeGenerators = devices.compactMap { $0 as? SpikeGenerator }
        poissonRecorded = devices.compactMap { $0 as? PoissonGenerator }.flatMap { g in
            recorders.filter { $0.sources.contains(g.id) }.map { (g, $0) }
        }
        if let id = probeID, probeTarget == nil, let b = blockInfo(of: id), b.kind == .neuron {
            let pop = populations[b.index]
            probeTarget = (b.index, id - b.firstID, pop.reader("V_m")!)
        }
        if initialState == nil { initialState = dynamicState(includingInput: false) }
    }

    /// NEST's Simulate: advances model time by `ms`, in slices of min_delay steps.
    public func simulate(_ ms: Double) throws {
        guard ms.isFinite, ms >= 0 else { throw NetError("Simulate", "time must be a finite number >= 0 ms, got \(formatNumber(ms))") }
        guard grid.isOnGrid(ms) else {
            throw NetError("Simulate", "time \(formatNumber(ms)) ms is not a multiple of the resolution \(grid.resolution) ms")
        }
        if let halted {
            throw NetError("Simulate", "the network stopped part way through the step at \(formatNumber(grid.ms(now))) ms (\(halted)) and cannot go on from there: ResetNetwork, ResetKernel or a restored state start it again")
        }
        try prepareRun()
        let end = now + grid.steps(ms)
        let slice = Int64(minDelaySteps == Int.max ? 1 : max(1, minDelaySteps))
        while now < end {
            let sliceEnd = min(end, (now / slice + 1) * slice)
            do {
                try runSlice(from: now, to: sliceEnd)
            } catch {
                // Some cells have taken the step and others not (each worker stops where it
                // meets the error): the state is whole again only when it is replaced.
                halted = "\(error)"
                throw error
            }
            now = sliceEnd
        }
    }

    /// The kernel's worker threads for `n` threads (made on first use, remade when `n` changes).
    func workers(_ n: Int) -> WorkerPool {
        if let p = pool, p.count == n { return p }
        pool?.shutdown()
        let p = WorkerPool(count: n)
        pool = p
        return p
    }

    private func runSlice(from: Int64, to: Int64) throws {
        let n = threads
        var spikeLists = [[SliceEvent]](repeating: [], count: n)
        var errors = [Error?](repeating: nil, count: n)
        if n == 1 {
            do { try updateNeurons(thread: 0, from: from, to: to, into: &spikeLists[0]) } catch { errors[0] = error }
        } else {
            spikeLists.withUnsafeMutableBufferPointer { lists in
                errors.withUnsafeMutableBufferPointer { errs in
                    workers(n).run { t in
                        do { try self.updateNeurons(thread: t, from: from, to: to, into: &lists[t]) } catch { errs[t] = error }
                    }
                }
            }
        }
        if let e = errors.compactMap({ $0 }).first { throw e }
        sampleGenerators(from: from, to: to)
        for m in meters { m.merge() }

        // Gather the slice's spikes in (step, id) order: the order of delivery, whatever the threads.
        var events = spikeLists.count == 1 ? spikeLists[0] : Array(spikeLists.joined())
        let neuronEvents = events.count
        for g in spikeGenerators {
            while g.position < g.stamps.count && g.stamps[g.position] - 1 < to {
                let stamp = g.stamps[g.position], m = g.multiplicities[g.position]
                if stamp - 1 >= from && g.startStep < stamp && stamp <= g.stopStep && m > 0 {
                    events.append(SliceEvent(step: stamp - 1, id: Int32(g.id), factor: g.weights[g.position]))
                    // The generator's own spikes reach the recorders connected to it, once per multiplicity, as in NEST.
                    for r in recorders { for _ in 0..<m { r.record(g.id, stamp: stamp) } }
                }
                g.position += 1
            }
        }
        try recordPoissonTrains(from: from, to: to)
        if n > 1 || events.count > neuronEvents {
            events.sort { ($0.step, $0.id) < ($1.step, $1.id) }
        }

        // Record.
        var tapStamps: [Int64] = [], tapIDs: [Int32] = []
        for ev in events where blocks[Int(blockOf[Int(ev.id)])].kind == .neuron {
            spikeCounts[Int(ev.id)] += 1
            for r in recorders { r.record(Int(ev.id), stamp: ev.step + 1) }
            if spikeTap != nil {
                tapStamps.append(ev.step + 1)
                tapIDs.append(ev.id)
            }
        }
        spikeTap?(tapStamps, tapIDs)

        // Deliver: each worker adds into the ring buffers of the neurons it owns.
        if events.isEmpty { return }
        if n == 1 {
            deliver(events, thread: 0)
        } else {
            workers(n).run { t in self.deliver(events, thread: t) }
        }
    }

    /// A poisson_generator connected to a spike_recorder sends it a train of its own, as NEST draws
    /// one per target: a Poisson count every active step, from a stream keyed by generator,
    /// recorder and step (so it needs no saved state and is the same for any thread count).
    private func recordPoissonTrains(from: Int64, to: Int64) throws {
        let h = grid.resolution
        for (g, r) in poissonRecorded {
            for step in from..<to where g.isActive(emitStep: step) {
                let mu = g.rate.value(at: step) * h / 1000
                if mu <= 0 { continue }
                var rng = RandomStream(seed: seeds.stimulus, 17, UInt64(g.id) << 32 | UInt64(r.id), UInt64(bitPattern: step))
                let count = rng.poisson(mu: mu, expNegMu: exp(-mu))
                // A recorder holds every event: a rate that would fill memory in a step stops the run.
                guard count <= Kernel.maxRecordedPerStep else {
                    throw NetError("Simulate", "poisson_generator \(g.id) would send spike_recorder \(r.id) \(count) spikes in one step (at most \(Kernel.maxRecordedPerStep) are recorded); lower its rate")
                }
                for _ in 0..<count { r.record(g.id, stamp: step + 1) }
            }
        }
    }

    /// The most spikes a poisson_generator may send a spike_recorder in one step.
    static let maxRecordedPerStep = 1_000_000

    /// A dc_generator's current I as NEST logs it: the amplitude in the steps it sends (it is
    /// active), else 0, stamped at the end of the step.
    private func sampleGenerators(from: Int64, to: Int64) {
        for m in meters where !m.generatorTargets.isEmpty {
            for step in from..<to where m.samples(atStamp: step + 1) {
                for id in m.generatorTargets {
                    guard let b = blockInfo(of: id), let g = device(id, b) as? DCGenerator else { continue }
                    let current = g.isActive(emitStep: step) ? g.amplitude.value(at: step) : 0
                    m.pending[0].append(Multimeter.Row(sender: Int32(id), stamp: step + 1,
                                                       values: m.recordFrom.map { _ in current }))
                }
            }
        }
    }


    private func deliver(_ events: [SliceEvent], thread t: Int) {
        var count = 0
        let routes = self.routes, routeStart = self.routeStart, blockOf = self.blockOf, blocks = self.blocks
        withExtendedLifetime((outgoing, populations)) {
            for ev in events {
                let id = Int(ev.id)
                let b = Int(blockOf[id])
                let local = id - blocks[b].firstID
                for r in routes[routeStart[b]..<routeStart[b + 1]] {
                    r.deliver(local, step: ev.step, multiplicity: ev.factor, worker: t)
                    if t == 0 { count += r.count(local) }
                }
            }
        }
        if t == 0 { deliveredEvents += count }
    }

    /// A worker's part of a population for a run, and the drives that reach it, read by the step
    /// loop through unowned references: counting references to the same objects every step is
    /// an atomic write to memory every worker writes (the delivery reads raw pointers for the same
    /// reason, see `Projection.Delivery`).
    struct RunPart {
        unowned(unsafe) let pop: NeuronPopulation
        let index: Int
        let cells: Range<Int>
        let drives: [RunDrive]
    }

    struct RunDrive {
        enum Kind { case poisson, dc, other }
        unowned(unsafe) let drive: Drive
        unowned(unsafe) let generator: Device
        /// What the generator is, found once per run rather than asked every step.
        let kind: Kind
        let links: Range<Int>

        init(drive: Drive, generator: Device, links: Range<Int>) {
            self.drive = drive
            self.generator = generator
            kind = generator is PoissonGenerator ? .poisson : generator is DCGenerator ? .dc : .other
            self.links = links
        }
    }

    /// Each worker's share of every population and of the drives that reach it, for a run.
    func makeWorkPlans() -> [[RunPart]] {
        (0..<threads).map { t in
            populations.indices.compactMap { p in
                let cells = part(p, t, threads)
                if cells.isEmpty { return nil }
                let drives = drivesByPop[p].compactMap { d in
                    let links = d.range(for: cells)
                    return links.isEmpty ? nil : RunDrive(drive: d, generator: devices[d.generatorNode], links: links)
                }
                return RunPart(pop: populations[p], index: p, cells: cells, drives: drives)
            }
        }
    }

    private func updateNeurons(thread t: Int, from: Int64, to: Int64, into out: inout [SliceEvent]) throws {
        var local: [Int32] = []
        local.reserveCapacity(256)
        let work = workPlans[t]
        // Which drives can reach a target in this slice, in the order of the plan: the others
        // are left out of the step loop.
        let driveCount = work.reduce(0) { $0 + $1.drives.count }
        try withUnsafeTemporaryAllocation(of: Bool.self, capacity: driveCount) { reach in
            var k = 0
            for w in work {
                for d in w.drives {
                    reach[k] = d.drive.canArrive(from: from, to: to, generator: d.generator)
                    k += 1
                }
            }
            try withExtendedLifetime((populations, drivesByPop, devices)) {
                try updateNeurons(work, reach: UnsafeBufferPointer(reach), thread: t, from: from, to: to, local: &local, into: &out)
            }
        }
    }

    private func updateNeurons(_ work: [RunPart], reach: UnsafeBufferPointer<Bool>, thread t: Int, from: Int64, to: Int64,
                               local: inout [Int32], into out: inout [SliceEvent]) throws {
        let n = threads
        for step in from..<to {
            var k = 0
            for w in work {
                unowned(unsafe) let pop = w.pop
                let p = w.index, r = w.cells
                let slot = pop.input.slot(for: step)
                for d in w.drives {
                    if reach[k] { applyDrive(d, pop: pop, step: step, slot: slot, thread: t) }
                    k += 1
                }
                local.removeAll(keepingCapacity: true)
                try pop.update(r.lowerBound, r.upperBound, slot: slot, spikes: &local)
                for i in local { out.append(SliceEvent(step: step, id: Int32(pop.firstID) + i, factor: 1)) }
                if let pr = probeTarget, pr.pop == p, r.contains(pr.local) {
                    probeStamps.append(step + 1)
                    probeValues.append(pr.read(pr.local))
                }
            }
            let stamp = step + 1
            for (mi, m) in meters.enumerated() where m.samples(atStamp: stamp) {
                // A meter with nothing in record_from records no events, as in NEST.
                for s in sampling[mi] where !s.readers.isEmpty {
                    let r = part(s.pop, t, n)
                    for i in s.locals where r.contains(i) {
                        m.pending[t].append(Multimeter.Row(sender: Int32(populations[s.pop].firstID + i), stamp: stamp,
                                                           values: s.readers.map { $0(i) }))
                    }
                }
            }
        }
    }

    /// Poisson and DC input for step `step`: an event emitted `d` steps earlier arrives now, so the
    /// generator's state at step - d decides, as if the event had travelled.
    @inline(__always)
    private func applyDrive(_ d: RunDrive, pop: NeuronPopulation, step: Int64, slot: Int, thread: Int) {
        let h = grid.resolution
        let drive = d.drive, range = d.links
        switch d.kind {
        case .poisson:
            let g = unsafeDowncast(d.generator, to: PoissonGenerator.self)
            var lastDelay = -1
            var active = false
            let table = drive.tables.ptr + thread
            var drawn = 0
            defer { poissonEvents[thread] &+= drawn }  // a count of events: wraps rather than traps at absurd rates
            let rng = pop.stimulus.ptr
            let single = pop.singleSpikeChannel
            let ex = pop.input.row(0, slot), inh = single ? ex : pop.input.row(1, slot)
            // Cell j's Poisson count this step, from its own stream, times w into its input. No
            // branch on the count (0 in a fifth of draws at the rates of cortical background
            // input, which the processor cannot foresee): adding 0 * w leaves the +0-started sum
            // as it was.
            @inline(__always) func drawAndAdd(_ j: Int, _ w: Double) {
                var stream = RandomStream(state: rng[j])
                let k = table.pointee.sample(&stream)
                rng[j] = stream.state
                drawn &+= k
                if w > 0 { ex[j] += Double(k) * w } else { inh[j] += Double(k) * w }
            }
            if let u = drive.uniform {
                // The loop over the links below, without reading them.
                let s = step - Int64(u.delay)
                guard g.isActive(emitStep: s) else { return }
                table.pointee.prepare(g.rate.value(at: s) * h / 1000)
                for j in (u.firstTarget + range.lowerBound)..<(u.firstTarget + range.upperBound) { drawAndAdd(j, u.weight) }
                return
            }
            drive.targets.withUnsafeBufferPointer { targets in
                drive.weights.withUnsafeBufferPointer { weights in
                    drive.delays.withUnsafeBufferPointer { delays in
                        for e in range {
                            if delays[e] != lastDelay {
                                lastDelay = delays[e]
                                let s = step - Int64(lastDelay)
                                active = g.isActive(emitStep: s)
                                table.pointee.prepare(g.rate.value(at: s) * h / 1000)
                            }
                            if active { drawAndAdd(Int(targets[e]), weights[e]) }
                        }
                    }
                }
            }
        case .dc:
            let g = unsafeDowncast(d.generator, to: DCGenerator.self)
            let cur = pop.input.row(pop.currentChannel, slot)
            for e in range {
                let s = step - Int64(drive.delays[e])
                if g.isActive(emitStep: s) {
                    cur[Int(drive.targets[e])] += drive.weights[e] * g.amplitude.value(at: s)
                }
            }
        case .other:
            break
        }
    }
}
