import ArgumentParser
import Foundation
import Interop
import ModelFiles
import NetCore

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model over seeds and a grid of parameters, each run a process of its own.",
        discussion: """
        Every point of the grid (the product of the --param ranges) runs with every seed as `netview run \
        FILE --seed S --param ... --threads 1`, --jobs at a time, into DIR/runs/p<point>-s<seed>. DIR/sweep.csv \
        has one row per run (parameters, seed, rates and CV of ISI per population over all cells, synchrony, \
        spectral peak, Brunel's regime, each recorder's activity block); DIR/sweep.json the statistics per \
        point over its seeds with 95% intervals. A sweep started again with the same arguments skips the \
        runs it finished. --shard K/N runs every N-th point (for N machines or batch jobs); \
        `netview sweep --merge DIR1 DIR2 ... --out DIR` joins the shards into one sweep.
        """)

    @Argument(help: "Model file (.json, .yaml).") var file: String?
    @Option(help: "Seeds: a range and/or a list, e.g. 1-100 or 1,2,5 (default: the file's seed).") var seeds: String?
    @Option(name: .customLong("param"), help: "NAME=START:STOP:STEP (end included), NAME=A,B,C, or NAME=VALUE held fixed (repeatable).")
    var params: [String] = []
    @Option(parsing: .unconditional, help: "Model time of each run in ms (default: the file's simulate).") var time: Double?
    @Option(help: "Runs at a time (default: the machine's cores).") var jobs: Int?
    @Option(help: "The sweep's folder (default: out/<model>-sweep).") var out: String?
    @Option(help: "Run shard K of N: the points whose index is K-1 modulo N.") var shard: String?
    @Option(help: "The statistic the summary maps over a grid: a column of sweep.csv.") var map: String = "brunel_regime"
    @Option(parsing: .upToNextOption, help: "Join the folders of a sharded sweep into --out.") var merge: [String] = []
    @Flag(help: "Print only the sweep's folder.") var quiet = false

    func run() throws {
        if !merge.isEmpty { return try mergeShards() }
        guard let file else { throw fail("give a model file to sweep, or --merge DIR... to join shards") }
        if isSessionFile(file) {
            throw fail("\(file) is a session: sweep its model as edited (netview export \(file) --to model -o FILE, then netview sweep FILE)")
        }
        if let j = jobs, j < 1 || j > 256 { throw fail("--jobs must be within 1...256, got \(j)") }
        let (planned, slug) = try makePlan(file)
        var plan = planned
        if let shard {
            let parts = shard.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else {
                throw fail("--shard expects K/N with 1 <= K <= N, got '\(shard)'")
            }
            plan.shard = (k, n)
        }
        let dir = try SweepFolder.open(out ?? "out/\(slug)-sweep", plan: plan)
        let todo = plan.points.flatMap { p in plan.seeds.map { (p, $0) } }
        let left = todo.filter { !dir.finished(plan.runName(point: $0.0, seed: $0.1)) }
        if !quiet {
            let done = todo.count - left.count
            print("sweep of \(plan.model): \(plan.pointCount) points x \(plan.seeds.count) seeds" +
                  (plan.shard.n > 1 ? ", shard \(plan.shard.k)/\(plan.shard.n): \(todo.count) runs" : " = \(todo.count) runs") +
                  (done > 0 ? ", \(done) finished before (kept)" : "") + ", \(jobs ?? defaultJobs) at a time, into \(Home.absolute(dir.path))")
        }
        SweepRunner(plan: plan, folder: dir, jobs: jobs ?? defaultJobs, quiet: quiet).run(left, total: todo.count)
        let table = dir.table(plan: plan, runs: todo)
        try dir.write(table)
        if quiet { print(dir.path) } else { printSummary(table, in: dir.path) }
        let failed = table.rows.filter { !$0.error.isEmpty }.count
        if failed > 0 { throw fail("\(failed) of \(table.rows.count) runs failed (their reasons are in sweep.csv); run the sweep again to retry them", code: 1) }
    }

    var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The plan from the arguments: every grid point is checked by reading the file with its values.
    func makePlan(_ file: String) throws -> (SweepPlan, slug: String) {
        var fixed: [String: Double] = [:], axes: [SweepAxis] = []
        for p in params {
            let axis: SweepAxis
            do { axis = try SweepAxis.parse(p) } catch let e as SweepError { throw fail(e.description) }
            if axes.contains(where: { $0.name == axis.name }) || fixed[axis.name] != nil { throw fail("--param \(axis.name) is given twice") }
            if axis.values.count == 1 && !p.contains(":") && !p.contains(",") { fixed[axis.name] = axis.values[0] } else { axes.append(axis) }
        }
        let base = try loadModel(file, params: fixed.map { "\($0.key)=\(formatNumber($0.value))" }, seed: nil)
        guard let sha = base.sourceSHA256 else { throw fail("\(file): cannot read the model file") }
        let seedList: [UInt64]
        do { seedList = try seeds.map(SweepPlan.parseSeeds) ?? [base.seed] } catch let e as SweepError { throw fail(e.description) }
        let ms = time ?? base.simulate
        try checkTime(ms, resolution: base.resolution)
        let plan = SweepPlan(model: Home.absolute(file), modelSHA256: sha, fixed: fixed, axes: axes, seeds: seedList, timeMs: ms)
        guard plan.pointCount <= SweepPlan.maxRuns / max(1, seedList.count) else { throw fail("the sweep has more than \(SweepPlan.maxRuns) runs") }
        for p in 0..<plan.pointCount {
            let m = try loadModel(file, params: plan.overrides(point: p).map { "\($0.0)=\(formatNumber($0.1))" }, seed: nil)
            if m.resolution != base.resolution { try checkTime(ms, resolution: m.resolution) }
        }
        return (plan, base.slug)
    }

    /// For seeds alone: the count of each regime with its Wilson interval; for a grid of one or two
    /// parameters: a map of `--map` over it (a regime by its majority over seeds, a number by its mean).
    func printSummary(_ table: SweepTable, in dir: String) {
        let plan = table.plan, sums = table.summaries()
        print("sweep.csv and sweep.json written to \(Home.absolute(dir)) (\(table.rows.count) runs)")
        if plan.axes.isEmpty, let s = sums.first {
            for w in s.words {
                let counts = w.counts.map { String(format: "%@ %d/%d [%.2f, %.2f]", $0.word, $0.n, s.runs, $0.low, $0.high) }
                print("  \(w.name): " + counts.joined(separator: ", "))
            }
            for n in s.numbers where n.name.hasPrefix("rate_hz.") || n.name.hasPrefix("cv_isi.") {
                print(String(format: "  %@: mean %.4g, 95%% interval [%.4g, %.4g]", n.name, n.mean, n.low, n.high))
            }
            return
        }
        guard plan.axes.count <= 2 else { return }
        print(SweepMap(table: table, summaries: sums, column: map).text)
    }

    // MARK: merge

    func mergeShards() throws {
        guard file == nil else { throw fail("--merge takes shard folders, not a model file") }
        guard let out else { throw fail("--merge needs --out DIR for the joined sweep") }
        var plans: [(String, SweepPlan)] = []
        for d in merge {
            do { plans.append((d, try SweepPlan.read(d + "/" + SweepPlan.fileName))) } catch let e as SweepError { throw fail(e.description) }
        }
        let first = plans[0].1
        for (d, p) in plans.dropFirst() where !p.sameGrid(as: first) {
            throw fail("\(d) is a shard of another sweep than \(plans[0].0) (file, grid, seeds or time differ)")
        }
        let outAbs = Home.absolute(out)
        if merge.contains(where: { Home.absolute($0) == outAbs }) { throw fail("--out must not be one of the shards' folders") }
        var whole = first
        whole.shard = (1, 1)
        let dest = try SweepFolder.open(out, plan: whole)
        var missing: [String] = []
        let runs = (0..<whole.pointCount).flatMap { p in whole.seeds.map { (p, $0) } }
        for (p, s) in runs {
            let name = whole.runName(point: p, seed: s)
            if dest.finished(name) { continue }
            guard let src = plans.first(where: { SweepFolder.finished(in: $0.0, name) }) else {
                if !plans.contains(where: { SweepFolder.failure(in: $0.0, name) != nil }) { missing.append(name) }
                continue
            }
            try dest.copyRun(name, from: src.0)
        }
        for (p, s) in runs {
            let name = whole.runName(point: p, seed: s)
            if !dest.finished(name), let why = plans.lazy.compactMap({ SweepFolder.failure(in: $0.0, name) }).first { dest.recordFailure(name, why) }
        }
        guard missing.isEmpty else {
            throw fail("\(missing.count) of \(runs.count) runs are in none of the folders (first: \(missing.prefix(3).joined(separator: ", "))); give every shard's folder")
        }
        let table = dest.table(plan: whole, runs: runs)
        try dest.write(table)
        if quiet { print(dest.path) } else {
            print("merged \(merge.count) shards: \(runs.count) runs into \(outAbs)")
            printSummary(table, in: dest.path)
        }
    }
}

/// A sweep's folder: its plan, `runs/` (one run folder each) and the tables; locked while a sweep
/// writes it (the lock is held until the process ends).
struct SweepFolder {
    let path: String

    /// A folder to read (a sweep's tables for a figure), without taking its lock.
    init(reading path: String) { self.path = path }

    /// Opens (or creates) `path` for `plan`: refused when another sweep is writing it, when it holds
    /// another sweep, or files that are not a sweep's.
    static func open(_ path: String, plan: SweepPlan) throws -> SweepFolder {
        let fm = FileManager.default
        switch SafeFile.targetKind(path) {
        case .missing:
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch { throw fail("cannot create the sweep folder \(path)", code: 1) }
        case .folder:
            let names = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            if !names.isEmpty && !names.contains(SweepPlan.fileName) {
                throw fail("\(path) holds files that are not a netview sweep (no \(SweepPlan.fileName)); choose an empty or new folder")
            }
        case let k:
            throw fail("the sweep folder \(path) \(k.phrase)")
        }
        let lockPath = path + "/.sweep.lock"
        let fd = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw fail("cannot create the lock file \(lockPath)", code: 1) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw fail("another sweep is writing \(path) now (\(lockPath) is locked)", code: 1)
        }
        let planPath = path + "/" + SweepPlan.fileName
        if SafeFile.kind(planPath) != .missing {
            let old: SweepPlan
            do { old = try SweepPlan.read(planPath) } catch let e as SweepError { close(fd); throw fail(e.description) }
            guard old.sameGrid(as: plan) else {
                close(fd)
                throw fail("\(path) holds another sweep (its file, grid, seeds or time differ); choose another --out")
            }
            guard old.shard == plan.shard else {
                close(fd)
                throw fail("\(path) holds shard \(old.shard.k)/\(old.shard.n) of this sweep, not \(plan.shard.k)/\(plan.shard.n)")
            }
        } else {
            do { try writeAtomically(plan.json.render() + "\n", to: planPath) } catch { close(fd); throw fail("cannot write \(planPath)", code: 1) }
        }
        do { try fm.createDirectory(atPath: path + "/runs", withIntermediateDirectories: true) } catch {
            close(fd)
            throw fail("cannot create \(path)/runs", code: 1)
        }
        return SweepFolder(reading: path)
    }

    func runPath(_ name: String) -> String { "\(path)/runs/\(name)" }

    /// A run is finished when its folder was published whole (marker and summary.json present).
    func finished(_ name: String) -> Bool { SweepFolder.finished(in: path, name) }

    static func finished(in dir: String, _ name: String) -> Bool {
        let run = "\(dir)/runs/\(name)"
        return SafeFile.kind(run + "/" + RunFolder.marker) == .regular && SafeFile.kind(run + "/summary.json") == .regular
    }

    static func failurePath(_ dir: String, _ name: String) -> String { "\(dir)/runs/.\(name).failed" }

    static func failure(in dir: String, _ name: String) -> String? {
        guard !finished(in: dir, name), let d = try? SafeFile.read(failurePath(dir, name), maxBytes: 4096) else { return nil }
        return String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func recordFailure(_ name: String, _ why: String) { try? writeAtomically(oneLine(why) + "\n", to: SweepFolder.failurePath(path, name)) }

    func clearFailure(_ name: String) { unlink(SweepFolder.failurePath(path, name)) }

    func copyRun(_ name: String, from dir: String) throws {
        let tmp = "\(path)/runs/.\(name).copy-\(getpid())"
        try? FileManager.default.removeItem(atPath: tmp)
        do {
            try FileManager.default.copyItem(atPath: "\(dir)/runs/\(name)", toPath: tmp)
            try? FileManager.default.removeItem(atPath: runPath(name))
            try FileManager.default.moveItem(atPath: tmp, toPath: runPath(name))
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw fail("cannot copy \(dir)/runs/\(name) into \(path)/runs: \(error.localizedDescription)", code: 1)
        }
    }

    /// The rows of `runs`: a finished run's from its summary, else its recorded failure.
    func table(plan: SweepPlan, runs: [(Int, UInt64)]) -> SweepTable {
        let rows = runs.map { p, s -> SweepRow in
            let name = plan.runName(point: p, seed: s)
            if finished(name), let d = try? SafeFile.read(runPath(name) + "/summary.json", maxBytes: 256 << 20),
               let summary = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
                return SweepRow.finished(point: p, seed: s, summary: summary)
            }
            return SweepRow(point: p, seed: s, error: SweepFolder.failure(in: path, name) ?? "did not finish", columns: [])
        }
        return SweepTable(plan: plan, rows: rows)
    }

    func write(_ table: SweepTable) throws {
        do {
            try writeAtomically(table.csv, to: path + "/sweep.csv")
            try writeAtomically(table.json.render() + "\n", to: path + "/sweep.json")
        } catch { throw fail("cannot write the sweep's tables into \(path): \(error)", code: 1) }
    }
}

/// Runs a sweep's runs as child processes, `jobs` at a time, and reports each as it ends.
final class SweepRunner: @unchecked Sendable {
    let plan: SweepPlan
    let folder: SweepFolder
    let jobs: Int
    let quiet: Bool
    private let lock = NSLock()
    private var next = 0
    private var finished = 0
    private let start = Date()
    /// The children running now, ended with the sweep when it is interrupted or terminated.
    private var children: Set<Int32> = []
    private var signalSources: [DispatchSourceSignal] = []

    init(plan: SweepPlan, folder: SweepFolder, jobs: Int, quiet: Bool) {
        (self.plan, self.folder, self.jobs, self.quiet) = (plan, folder, jobs, quiet)
    }

    static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    func run(_ runs: [(Int, UInt64)], total: Int) {
        guard !runs.isEmpty else { return }
        let alreadyDone = total - runs.count
        endChildrenOnSignals()
        let group = DispatchGroup()
        for _ in 0..<min(jobs, runs.count) {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                while let (p, s) = take(runs) {
                    let started = Date()
                    let error = runOne(point: p, seed: s)
                    report(point: p, seed: s, error: error, seconds: Date().timeIntervalSince(started), done: alreadyDone, left: runs.count)
                }
            }
        }
        group.wait()
    }

    /// Ctrl-C or a SIGTERM ends the runs going on too (their folders stay unpublished), then the sweep.
    private func endChildrenOnSignals() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                next = Int.max / 2
                for pid in children { kill(pid, SIGTERM) }
                lock.unlock()
                FileHandle.standardError.write(Data("netview: sweep stopped; finished runs are kept (run the same sweep again to go on)\n".utf8))
                exit(128 + sig)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    private func take(_ runs: [(Int, UInt64)]) -> (Int, UInt64)? {
        lock.lock(); defer { lock.unlock() }
        guard next < runs.count else { return nil }
        next += 1
        return runs[next - 1]
    }

    /// One run as a child process; nil when it finished, else its error line.
    func runOne(point p: Int, seed s: UInt64) -> String? {
        let name = plan.runName(point: p, seed: s)
        let dir = folder.runPath(name)
        // A run left going by a sweep that was killed holds its folder's lock: wait for it to end.
        let fd = open(RunFolder.lockPath(dir), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd >= 0 { flock(fd, LOCK_EX); close(fd) }
        if folder.finished(name) { return nil }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: SweepRunner.executable)
        var args = ["run", plan.model, "--seed", String(s), "--time", formatNumber(plan.timeMs), "--threads", "1", "--quiet", "--out", dir]
        for (k, v) in plan.overrides(point: p) { args += ["--param", "\(k)=\(formatNumber(v))"] }
        child.arguments = args
        let err = Pipe()
        child.standardError = err
        child.standardOutput = FileHandle.nullDevice
        child.standardInput = FileHandle.nullDevice
        lock.lock()
        guard next < Int.max / 2 else { lock.unlock(); return "stopped" }
        do { try child.run() } catch {
            lock.unlock()
            folder.recordFailure(name, "cannot start netview: \(error.localizedDescription)")
            return "cannot start netview"
        }
        children.insert(child.processIdentifier)
        lock.unlock()
        defer { lock.lock(); children.remove(child.processIdentifier); lock.unlock() }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        if child.terminationStatus == 0 && folder.finished(name) {
            folder.clearFailure(name)
            return nil
        }
        let line = text.split(separator: "\n").last.map { String($0).replacingOccurrences(of: "netview: ", with: "") }
            ?? (child.terminationReason == .uncaughtSignal ? "killed by signal \(child.terminationStatus)" : "exit \(child.terminationStatus)")
        folder.recordFailure(name, line)
        return line
    }

    private func report(point p: Int, seed s: UInt64, error: String?, seconds: Double, done: Int, left: Int) {
        lock.lock()
        finished += 1
        let n = finished
        lock.unlock()
        guard !quiet else { return }
        let values = zip(plan.axes.map(\.name), plan.point(p)).map { "\($0)=\(SweepRow.format($1))" }.joined(separator: " ")
        var line = String(format: "[%d/%d] %@ %@seed %llu: ", done + n, done + left, plan.runName(point: p, seed: s),
                          values.isEmpty ? "" : values + " ", s)
        if let error {
            line += "FAILED: " + error
        } else if let d = try? SafeFile.read(folder.runPath(plan.runName(point: p, seed: s)) + "/summary.json", maxBytes: 256 << 20),
                  let summary = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
            let row = SweepRow.finished(point: p, seed: s, summary: summary)
            let rates = row.columns.filter { $0.0.hasPrefix("rate_hz.") }.map { "\($0.0.dropFirst(8)) \(format3($0.1))" }
            let regimes = row.columns.filter { $0.0 == "brunel_regime" || $0.0.hasSuffix(".regime") }.map { $0.1 == .word("") ? "" : "\(csvWord($0.1))" }
            line += (rates.map { $0 + " Hz" } + regimes).joined(separator: ", ")
        }
        let elapsed = Date().timeIntervalSince(start)
        let eta = elapsed / Double(n) * Double(left - n)
        line += String(format: " (%.1f s; ETA %@)", seconds, duration(eta))
        lock.lock(); print(line); fflush(stdout); lock.unlock()
    }

    private func format3(_ v: SweepRow.Value) -> String {
        if case .number(let x) = v { return String(format: "%.3g", x) }
        return csvWord(v)
    }

    private func csvWord(_ v: SweepRow.Value) -> String {
        switch v {
        case .word(let w): return w
        case .number(let x): return formatNumber(x)
        }
    }

    private func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }
}
