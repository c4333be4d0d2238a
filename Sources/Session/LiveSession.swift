import Foundation
import ModelFiles
import NetCore

/// A network running on a background queue in chunks. Commands queue up and take effect between
/// chunks at a known model time; the UI reads the latest frame and never waits for the kernel.
public final class LiveSession: @unchecked Sendable {
    public enum Action: Sendable {
        case toggleRun, pause, resume, step, restart
        case reseed(stream: String, value: UInt64?)
        case command(String)
        case selectCell(Int)
        case faster, slower
        case startBisection(BisectionSpec), cancelBisection
        /// Stops a `simulate` or a step in progress at the chunk it has reached.
        case cancelRun
        /// The answer to "this simulate takes more than a minute: go on?".
        case answer(Bool)

        /// The keys a simulate or step in progress refuses (they would restart the network or
        /// start another run): nil for the rest.
        var refusedDuringARun: String? {
            switch self {
            case .restart: return "restart"
            case .reseed: return "reseed"
            case .step: return "step"
            case .startBisection: return "bisection"
            default: return nil
            }
        }
    }

    /// A `simulate MS` or a step in progress: it goes on in chunks with the screen live and can
    /// be cancelled between them. A simulate that would take more than a minute asks first.
    private struct FixedRun {
        var what: String
        var total: Double
        var left: Double
        var confirmed: Bool
        var asking = false
        let began = Date()
    }

    public internal(set) var model: ModelFile
    var built: BuiltModel { didSet { builds += 1 } }
    /// How many networks this session has built (a restart or reseed builds a new one).
    private var builds = 0
    private let queue = DispatchQueue(label: "netview.session")
    /// Lets `sync` hold the loop still between chunks; its lock guards what the loop shares.
    private let gate = LoopGate()
    var lock: NSLock { gate.lock }
    var actions: [Action] = []
    var current = Frame()
    var alive = true
    private var running = false
    /// A run of a fixed length in progress (`simulate MS`, or a step while paused): it goes on in
    /// chunks with the screen live and can be cancelled between them.
    private var fixedRun: FixedRun?
    /// When the last refusal was said (progress lines wait a moment before replacing it).
    private var noticeAt = Date.distantPast
    /// What `s` advances while paused (`step MS` sets it).
    public private(set) var stepMs = 10.0
    private var chunkMs: Double
    /// Real-time caps the +/- keys step through (nil: as fast as it goes).
    public static let speedLevels: [Double?] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, nil]
    var speedLevel = speedLevels.count - 1
    /// The screen's choices saved with the session (open pane...), for the workbench to restore.
    public private(set) var restoredChoices: [String: String] = [:]
    /// Log length at the last save: later commands are unsaved changes.
    var savedLogCount = 0
    var bisectionCancelled = false
    /// Commands since t = 0 with the step they took effect at.
    public internal(set) var log: [(step: Int64, command: String)] = []
    /// Parameter edits kept across restarts.
    var edits: [String] = []
    /// The edits made in this session (commands as typed), in order.
    public var editList: [String] { sync { _ in edits } }
    private var speedSamples: [(wall: Double, model: Double, spikes: Int)] = []
    /// The spikes of the raster's window, and those of the piece being simulated.
    private var windowSpikes = SpikeWindow()
    private var pending: (times: [Double], ids: [Int32]) = ([], [])
    /// What the raster and the statistics cover (ms), at most `historyMs`.
    private var windowMs = 1000.0
    /// The most spikes the window keeps (about 12 MB); a window holding fewer than it covers
    /// says so by starting later (`SpikeWindow.coveredFrom`).
    static let windowCap = 1_000_000
    private var vm: (times: [Double], values: [Double]) = ([], [])
    /// Model time the recorders keep in the live session (ms), and the most events each keeps
    /// (a dense meter reaches it first); `:record DIR` streams everything to disk.
    public static let historyMs = 60_000.0
    public static let historyEvents = 500_000
    /// The recorders hold the events stamped after this step only.
    private(set) var keptFrom: Int64 = 0
    private var recording: Recording?
    /// The master seed of the streams, nil once one stream was reseeded on its own.
    private var masterSeed: UInt64?
    /// A model read again with a parameter a built network cannot take (a size, a rule): the
    /// next restart builds it.
    var pendingModel: ModelFile?
    var cell: Int
    /// The chosen cell's partners, found again when the cell, the network or an edit changes.
    private var partnersFor: (cell: Int, build: Int, edits: Int)?
    private var partnerLines: [String] = []
    /// Above this many synapses a cell's partners are found on request (`connections`), not on
    /// every choice of a cell: finding its inputs reads every synapse.
    static let partnersScanLimit = 2_000_000
    /// Wall time spent on this run before it was saved and opened again, and when it was opened.
    var priorWallSeconds = 0.0
    let openedAt = Date()

    /// `threads`: worker threads (default the file's; results are the same for every value).
    public init(model: ModelFile, running: Bool = true, threads: Int? = nil) throws {
        self.model = model
        let b = try model.build(threads: threads)
        built = b
        chunkMs = model.resolution * 10
        cell = b.neuronNodes.first.flatMap { b.ids[$0.name]?.ids.first } ?? 1
        self.running = running
        masterSeed = model.explicitSeeds == (nil, nil, nil) ? model.seed : nil
        attach()
        current.modelName = model.name
        publish(message: "")
    }

    /// A session restored from a snapshot, paused at its saved time (see LiveSession+Snapshot).
    init(restoring s: LoadedSession) {
        model = s.built.model
        built = s.built
        chunkMs = model.resolution * 10
        edits = s.edits
        log = s.log
        let chosen = s.workbench["cell"].flatMap { Int($0) }.flatMap { s.built.kernel.blockInfo(of: $0)?.kind == .neuron ? $0 : nil }
        cell = chosen ?? s.built.neuronNodes.first.flatMap { s.built.ids[$0.name]?.ids.first } ?? 1
        if let l = s.workbench["speed_level"].flatMap({ Int($0) }), LiveSession.speedLevels.indices.contains(l) { speedLevel = l }
        running = false
        restoredChoices = s.workbench
        savedLogCount = s.log.count
        if let h = s.screen {
            windowMs = h.windowMs
            windowSpikes = h.spikes
            if cell == s.workbench["cell"].flatMap({ Int($0) }) { vm = (h.vmTimes, h.vmValues) }
        }
        priorWallSeconds = s.provenance.wallSeconds
        masterSeed = Seeds(master: model.seed, normals: model.normals) == s.built.kernel.seeds ? model.seed : nil
        attach()
        current.modelName = model.name
        publish(message: "opened \(s.path) at \(formatNumber(s.built.kernel.time)) ms, paused")
    }

    private func attach() {
        built.kernel.probeID = cell
        built.kernel.spikeTap = { [unowned self] stamps, ids in
            let g = built.kernel.grid
            pending.times.append(contentsOf: stamps.map { g.ms($0) })
            pending.ids.append(contentsOf: ids)
        }
    }

    public var frame: Frame {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    public var kernel: Kernel { built.kernel }
    public var builtModel: BuiltModel { built }

    public func send(_ a: Action) {
        lock.lock()
        actions.append(a)
        lock.unlock()
    }

    public func start() {
        lock.lock()
        gate.loopStarting()
        lock.unlock()
        queue.async { [self] in loop() }
    }

    /// Stops the loop; a recording in progress is finished (its folder put in place).
    public func stop() {
        lock.lock()
        alive = false
        bisectionCancelled = true
        lock.unlock()
        queue.sync { endRecording(because: nil) }
    }

    /// Finishes a recording: the files and summary.json go into place as one run folder.
    private func endRecording(because event: String?) {
        guard let r = recording else { return }
        recording = nil
        let k = built.kernel
        do {
            try r.finish(built, keptFrom: keptFrom)
            let why = event.map { " (\($0) ends a recording)" } ?? ""
            say("recorded t = \(Self.millis(k.grid.ms(r.start)))-\(Self.millis(k.time)) ms into \(r.folder.path)\(why)")
        } catch {
            say("error: record: \(error)")
        }
    }

    /// The fate of a self-sustained network (no generator drives it any more) over the last second.
    private func regimeNow() -> Regime? {
        let k = built.kernel
        guard k.time >= 100, k.generatorsDone(at: k.now) else { return nil }
        let stats = WindowStats.compute(windowSpikes, from: k.time - 1000, to: k.time, populations: populations)
        return Regime.of(stats, now: k.time)
    }

    /// The V_m a meter of the model recorded of `id` over the window, and the meter's name (nil
    /// when none did), so a newly chosen cell's trace starts full where it can.
    private func recordedVm(of id: Int) -> (times: [Double], values: [Double], meter: String?) {
        let k = built.kernel, from = k.time - windowMs
        for n in built.model.nodes {
            guard let mid = built.ids[n.name]?.ids.first, let m = k.multimeter(mid), let col = m.recordFrom.firstIndex(of: "V_m") else { continue }
            var times: [Double] = [], values: [Double] = []
            for row in m.rows where Int(row.sender) == id {
                let t = k.grid.ms(row.stamp)
                if t > from, col < row.values.count { times.append(t); values.append(row.values[col]) }
            }
            if !times.isEmpty { return (times, values, n.name) }
        }
        return ([], [], nil)
    }

    /// The windows on screen, as a session saves them (called between chunks).
    var screenHistory: ScreenHistory {
        let now = built.kernel.time, from = max(0, now - max(windowMs, 1000))
        var times: [Double] = [], ids: [Int32] = []
        windowSpikes.forEach(after: from) { t, id in times.append(t); ids.append(id) }
        return ScreenHistory(windowMs: windowMs, spikes: SpikeWindow(times: times, ids: ids, from: max(from, windowSpikes.coveredFrom), to: now),
                             vmTimes: vm.times, vmValues: vm.values)
    }

    /// The neuron populations: name, first id, count.
    public var populations: [(name: String, firstID: Int, count: Int)] {
        built.neuronNodes.compactMap { n in built.ids[n.name].map { (n.name, $0.ids[0], $0.count) } }
    }

    /// Runs `body` between chunks, the session queue held still meanwhile (for saving a consistent state).
    public func sync<T>(_ body: (BuiltModel) throws -> T) rethrows -> T {
        guard let release = gate.park() else { return try queue.sync { try body(built) } }
        defer { release.signal() }
        return try body(built)
    }

    private func loop() {
        var lastPublish = Date.distantPast
        while true {
            lock.lock()
            let todo = actions
            actions.removeAll()
            let go = alive
            lock.unlock()
            if !go { return gate.serve(last: true) { false } }
            // While a simulate or step runs (also one begun by an earlier action here), keys act
            // between its chunks, except those that would restart the network or start another
            // run: they are refused, not kept for later. Commands wait their turn, in order, so a
            // script of commands runs as written.
            var waiting: [Action] = []
            for a in todo {
                if fixedRun != nil, let what = a.refusedDuringARun {
                    say("\(what): not done, a \(fixedRun!.what) is running (x or Esc cancels it)")
                    noticeAt = Date()
                } else if fixedRun != nil, case .command = a {
                    waiting.append(a)
                } else {
                    handle(a)
                }
            }
            if !waiting.isEmpty { lock.lock(); actions.insert(contentsOf: waiting, at: 0); lock.unlock() }
            // Actions sent before a `sync` take effect (a simulate among them ends) before it runs.
            gate.serve(last: false) { !actions.isEmpty || fixedRun != nil }
            if var run = fixedRun {
                if run.asking {
                    Thread.sleep(forTimeInterval: 0.01)
                    continue
                }
                let k = built.kernel
                let ms = max(k.grid.resolution, (min(chunkMs, run.left) / k.grid.resolution).rounded() * k.grid.resolution)
                guard runChunk(ms, capped: false) else { fixedRun = nil; continue }
                let left = run.left - ms
                if left < k.grid.resolution / 2 {
                    fixedRun = nil
                    if run.what == "simulate" { log.append((k.now, "simulate \(Self.millis(run.total))")) }
                    say("\(run.what == "step" ? "stepped" : "simulated") \(Self.millis(run.total)) ms, now t = \(Self.millis(k.time)) ms")
                } else {
                    run.left = left
                    let elapsed = Date().timeIntervalSince(run.began)
                    if !run.confirmed && elapsed > 0.3 {
                        // The pace of the chunks so far tells how long the rest takes.
                        let rest = left / (run.total - left) * elapsed
                        if rest > 60 {
                            run.asking = true
                            fixedRun = run
                            say("\(run.what) \(Self.millis(run.total)) ms would take about \(humanDuration(rest)) more: y goes on, n stops at t = \(Self.millis(k.time)) ms")
                            continue
                        }
                        run.confirmed = true
                    }
                    fixedRun = run
                    // Progress replaces the message line, but leaves a refusal readable for 3 s.
                    if Date().timeIntervalSince(lastPublish) > 0.03 && Date().timeIntervalSince(noticeAt) < 3 {
                        publish()
                        lastPublish = Date()
                    } else if Date().timeIntervalSince(lastPublish) > 0.03 {
                        say("\(run.what == "step" ? "stepping" : "simulating") \(Self.millis(run.total - left)) / \(Self.millis(run.total)) ms (x or Esc cancels)")
                        lastPublish = Date()
                    }
                }
            } else if running {
                // Under a cap a chunk is about 30 ms of wall time at the capped pace, so the pace
                // holds for every cap and keys are answered between chunks.
                let k = built.kernel
                var ms = chunkMs
                if let cap = LiveSession.speedLevels[speedLevel] {
                    ms = max(k.grid.resolution, min(ms, (cap * 30 / k.grid.resolution).rounded(.down) * k.grid.resolution))
                }
                guard runChunk(ms, capped: true) else { continue }
                if Date().timeIntervalSince(lastPublish) > 0.03 || !running {
                    publish()
                    lastPublish = Date()
                }
            } else {
                publish()
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Simulates `ms` and updates the windows; false (and paused) when the kernel stopped.
    @discardableResult
    private func runChunk(_ ms: Double, capped: Bool) -> Bool {
        let k = built.kernel
        let t0 = Date()
        let from = k.time
        do {
            try k.simulate(ms)
        } catch {
            sealPending(from: from)
            running = false
            // The hint first: a status line cuts a long error at the screen's width.
            publish(message: (k.halted == nil ? "stopped: " : "stopped (R restarts from t = 0): ") + "\(error)")
            return false
        }
        let wall = Date().timeIntervalSince(t0)
        let spikes = pending.ids.count
        sealPending(from: from)
        let probe = k.drainProbe()
        vm.times.append(contentsOf: probe.stamps.map { k.grid.ms($0) })
        vm.values.append(contentsOf: probe.values)
        trimWindows()
        keepRecordersBounded()
        // Chunks sized for about 30 ms of wall time each, so keys are answered quickly.
        let perMs = wall / ms
        if perMs > 0 {
            let ideal = min(100, max(k.grid.resolution, 0.03 / perMs))
            chunkMs = max(k.grid.resolution, (ideal / k.grid.resolution).rounded(.down) * k.grid.resolution)
        }
        if capped, let cap = LiveSession.speedLevels[speedLevel] {
            let wanted = ms / 1000 / cap
            if wanted > wall { Thread.sleep(forTimeInterval: min(1, wanted - wall)) }
        }
        speedSamples.append((Date().timeIntervalSince(t0), ms, spikes))
        return true
    }

    /// Moves the spikes of the piece just simulated, (from, now], into the window as one chunk.
    private func sealPending(from: Double) {
        windowSpikes.append(SpikeWindow.Chunk(from: from, to: built.kernel.time, times: pending.times, ids: pending.ids))
        pending = ([], [])
    }

    private func trimWindows() {
        // At least the last second, which the regime badge reads.
        let from = built.kernel.time - max(windowMs, 1000)
        windowSpikes.drop(upTo: from, cap: Self.windowCap)
        if let first = vm.times.firstIndex(where: { $0 > from }), first > 0 {
            vm.times.removeFirst(first)
            vm.values.removeFirst(first)
        }
    }

    /// Streams new events to a recording, then keeps at most `historyMs` of events in the
    /// recorders (trimmed to 90% of it when it is exceeded, so trimming is rare).
    private func keepRecordersBounded() {
        let k = built.kernel
        if let r = recording {
            do { try r.append(built) } catch {
                recording = nil
                r.abandon()
                say("error: \(error)")
            }
        }
        let history = k.grid.steps(Self.historyMs)
        if k.now - keptFrom > history || k.largestRecording > Self.historyEvents {
            let cut = k.now - history * 9 / 10
            let dropped = k.forgetEvents(upTo: cut, keepingAtMost: Self.historyEvents * 9 / 10)
            keptFrom = max(keptFrom, cut, dropped ?? cut)
        }
    }

    private func publish(message: String? = nil) {
        let k = built.kernel
        var f = Frame()
        f.modelName = model.name
        f.time = k.time
        f.running = running
        f.runInProgress = fixedRun != nil
        f.asking = fixedRun?.asking ?? false
        let recent = speedSamples.suffix(30)
        let wall = recent.reduce(0) { $0 + $1.wall }
        if wall > 0 {
            let model = recent.reduce(0) { $0 + $1.model }
            f.speed = model / 1000 / wall
            f.spikesPerSecond = model > 0 ? Double(recent.reduce(0) { $0 + $1.spikes }) / (model / 1000) : 0
        }
        if speedSamples.count > 200 { speedSamples.removeFirst(100) }
        f.seeds = k.seeds
        f.masterSeed = masterSeed
        f.spikes = windowSpikes
        f.window = windowMs
        f.vmTimes = vm.times
        f.vmValues = vm.values
        f.cell = cell
        f.partners = partnersOfCell()
        f.regime = regimeNow()
        f.recordingTo = recording?.folder.path
        f.speedCap = LiveSession.speedLevels[speedLevel]
        lock.lock()
        f.message = message ?? current.message
        f.bisection = current.bisection
        f.unsaved = log.count != savedLogCount
        current = f
        lock.unlock()
    }

    func say(_ text: String) { publish(message: text) }

    private func partnersOfCell() -> [String] {
        let key = (cell: cell, build: builds, edits: edits.count)
        if let p = partnersFor, p == key { return partnerLines }
        partnersFor = key
        let k = built.kernel
        if k.synapseCount > Self.partnersScanLimit {
            partnerLines = ["\(k.synapseCount) synapses: ':connections NAME[i]' lists a cell's partners"]
        } else if let (node, index) = built.name(of: cell) {
            partnerLines = ((try? built.partners(of: "\(node)[\(index)]")) ?? "").components(separatedBy: "; ")
        } else {
            partnerLines = []
        }
        return partnerLines
    }

    /// A time in ms as a person writes it: whole numbers without a decimal point.
    static func millis(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : formatNumber(x)
    }

    private func handle(_ a: Action) {
        let k = built.kernel
        switch a {
        case .toggleRun: running.toggle(); say(running ? "running" : "paused")
        case .pause: running = false; say("paused")
        case .resume: running = true; say("running")
        case .step:
            if running { say("pause first (space), then step") } else if fixedRun == nil {
                fixedRun = FixedRun(what: "step", total: stepMs, left: stepMs, confirmed: true)
            }
        case let .answer(yes):
            guard var run = fixedRun, run.asking else { return }
            if yes {
                run.asking = false
                run.confirmed = true
                fixedRun = run
                say("\(run.what == "step" ? "stepping" : "simulating") \(Self.millis(run.total - run.left)) / \(Self.millis(run.total)) ms (x or Esc cancels)")
            } else {
                handle(.cancelRun)
            }
        case .cancelRun:
            guard let run = fixedRun else { return }
            fixedRun = nil
            if run.what == "simulate" { log.append((k.now, "simulate \(Self.millis(run.total - run.left))")) }
            say("cancelled at t = \(Self.millis(built.kernel.time)) ms (\(Self.millis(run.total - run.left)) of \(Self.millis(run.total)) ms done)")
        case .faster: speedLevel = min(speedLevel + 1, LiveSession.speedLevels.count - 1); say(speedText)
        case .slower: speedLevel = max(speedLevel - 1, 0); say(speedText)
        case let .selectCell(id):
            guard let b = k.blockInfo(of: id), b.kind == .neuron else { say("cell \(id) is not a neuron"); return }
            cell = id
            k.probeID = id
            let recorded = recordedVm(of: id)
            vm = (recorded.times, recorded.values)
            say(recorded.meter.map { "cell \(id) (its V_m over the window from \($0))" } ?? "cell \(id)")
        case .restart: rebuild(seeds: k.seeds, message: "restarted from t = 0 with the same seeds")
        case let .reseed(stream, value):
            var s = k.seeds
            let v = value ?? UInt64.random(in: 1...999_999)
            switch stream {
            case "network": s.network = v
            case "stimulus": s.stimulus = v
            case "state": s.state = v
            default:
                // As `--seed N`: the file's explicit stream seeds still win.
                model.seed = v
                model.seedOverride = v
                s = model.seeds
                s.normals = k.seeds.normals
            }
            masterSeed = stream == "all" && model.explicitSeeds == (nil, nil, nil) ? v : nil
            rebuild(seeds: s, message: "reseeded \(stream) = \(v); restarted from t = 0")
        case let .command(text): runCommand(text)
        case let .startBisection(spec): bisect(spec)
        case .cancelBisection: break
        }
    }

    private var speedText: String {
        LiveSession.speedLevels[speedLevel].map { "speed cap \(formatNumber($0))x real time" } ?? "speed: as fast as possible"
    }

    private func runCommand(_ text: String) {
        let k = built.kernel
        do {
            let cmd = try SessionCommand.parse(text)
            switch cmd {
            case let .simulate(ms):
                guard k.grid.isOnGrid(ms) else { throw CommandError("simulate: \(ms) ms is not a multiple of the resolution") }
                guard fixedRun == nil else { throw CommandError("simulate: a run is in progress (x or Esc cancels it)") }
                guard ms < 1e12 else { throw CommandError("simulate: \(Self.millis(ms)) ms is beyond what the clock counts") }
                fixedRun = FixedRun(what: "simulate", total: ms, left: ms, confirmed: false)
                say("simulating 0 / \(Self.millis(ms)) ms (x or Esc cancels)")
            case let .step(ms):
                guard k.grid.isOnGrid(ms), ms > 0, ms < 1e12 else {
                    throw CommandError("step: \(Self.millis(ms)) ms is not a positive multiple of the resolution below 1e12 ms")
                }
                stepMs = ms
                say("s now steps \(Self.millis(ms)) ms")
            case .reset:
                endRecording(because: "reset")
                k.resetNetwork()
                keptFrom = 0
                windowSpikes = SpikeWindow()
                vm = ([], [])
                log = edits.map { (0, $0) }
                for e in edits { _ = try? built.apply(try SessionCommand.parse(e)) }
                say("reset to t = 0")
            case let .seed(stream, value):
                handle(.reseed(stream: stream, value: value))
            case let .record(dir):
                if dir == "stop" {
                    guard recording != nil else { throw CommandError("record: not recording (record DIR starts)") }
                    endRecording(because: nil)
                } else {
                    if let r = recording { throw CommandError("record: already recording to \(r.folder.path) (record stop ends it)") }
                    do { recording = try Recording(dir, built: built) } catch let e as ModelFileError { throw CommandError("record: \(e.message)") }
                    say("recording every recorder to \(dir) from t = \(Self.millis(k.time)) ms (record stop ends it)")
                }
            case let .setParameter(name, value):
                let out = try setModelParameter(name, value)
                edits.append(text)
                log.append((k.now, text))
                say(out)
            case let .window(ms):
                guard ms >= 10 * k.grid.resolution, ms <= Self.historyMs else {
                    throw CommandError("window: MS must be within \(Self.millis(10 * k.grid.resolution))...\(Self.millis(Self.historyMs)) ms")
                }
                windowMs = ms
                say("window \(Self.millis(ms)) ms: the raster and every statistic cover the last \(Self.millis(ms)) ms")
            default:
                let out = try built.apply(cmd)
                if case .set = cmd { edits.append(text); log.append((k.now, text)) }
                if case .weight = cmd { edits.append(text); log.append((k.now, text)) }
                say(out)
            }
        } catch {
            say("error: \(error)")
        }
    }

    private func rebuild(seeds: Seeds, message: String) {
        do {
            let fresh = try (pendingModel ?? model).build(threads: built.kernel.threads, seeds: seeds)
            if let p = pendingModel { model = p; pendingModel = nil }
            endRecording(because: "restart")
            built.kernel.spikeTap = nil
            built = fresh
            keptFrom = 0
            attach()
            windowSpikes = SpikeWindow()
            vm = ([], [])
            speedSamples = []
            log = []
            for e in edits {
                if let c = try? SessionCommand.parse(e), (try? built.apply(c)) != nil { log.append((0, e)) }
            }
            say(message)
        } catch {
            say("error: \(error)")
        }
    }
}

/// A wall time as a person says it: "45 s", "12 min", "3 h 20 min", "31 days", "2e+06 years".
func humanDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "forever" }
    if seconds < 90 { return "\(Int(seconds.rounded())) s" }
    if seconds < 3600 { return "\(Int((seconds / 60).rounded())) min" }
    if seconds < 86_400 * 2 {
        let m = Int((seconds / 60).rounded())
        return "\(m / 60) h \(m % 60) min"
    }
    if seconds < 86_400 * 365 * 2 { return "\(Int((seconds / 86_400).rounded())) days" }
    return "\(formatSignificant(seconds / (86_400 * 365.25))) years"
}

private func formatSignificant(_ x: Double) -> String { x < 1e6 ? "\(Int(x.rounded()))" : String(format: "%.1e", x) }
