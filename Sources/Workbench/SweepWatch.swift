import Foundation
import Interop
import ModelFiles
import NetCore

/// The Sweep pane's settings, as typed: the parameter across the map, the one down it (either
/// may be empty), the seeds, the model time of each run and the statistic the map shows.
public struct SweepSettings: Sendable {
    public static let fields = ["across", "down", "seeds", "time ms", "show"]
    public var values: [String]

    public init(model: ModelFile) {
        values = ["", "", "1-10", formatG(model.simulate), "brunel_regime"]
    }

    /// The plan these settings describe for `model` (its file, its `--param` values held fixed);
    /// a one-line reason when a field does not read.
    public func plan(model: ModelFile) throws -> SweepPlan {
        var axes: [SweepAxis] = []
        for text in values[0...1] where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let a = try SweepAxis.parse(text.trimmingCharacters(in: .whitespaces))
            guard model.parameters.contains(where: { $0.name == a.name }) else {
                throw SweepError("\(a.name) is not a parameter of this model (\(model.parameters.map(\.name).joined(separator: ", ")))")
            }
            guard !axes.contains(where: { $0.name == a.name }) else { throw SweepError("\(a.name) is both across and down") }
            axes.append(a)
        }
        let seeds = try SweepPlan.parseSeeds(values[2].trimmingCharacters(in: .whitespaces))
        guard let t = Double(values[3].trimmingCharacters(in: .whitespaces)), t.isFinite, t > 0, t <= TimeGrid.maxTime else {
            throw SweepError("time ms must be a number of ms > 0, got '\(values[3])'")
        }
        let plan = SweepPlan(model: model.path, modelSHA256: model.sourceSHA256 ?? "", fixed: model.overrides, axes: axes, seeds: seeds, timeMs: t)
        guard plan.pointCount * seeds.count <= 10_000 else { throw SweepError("\(plan.pointCount * seeds.count) runs: the pane runs at most 10,000") }
        return plan
    }
}

/// A sweep running in the background as a `netview sweep` process (its runs one-thread
/// processes, one core fewer than the machine has, so the live network keeps one), watched from
/// its folder: finished runs are read as they appear.
public final class SweepWatch: @unchecked Sendable {
    public let plan: SweepPlan
    public let folder: String
    public let jobs: Int
    public let started = Date()
    private let process: Process
    private let lock = NSLock()
    private var errorText = ""
    private var rowsByName: [String: SweepRow] = [:]
    private var lastScan = Date.distantPast
    public private(set) var cancelled = false

    /// Starts `executable sweep ...` for `plan` into `folder`.
    public init(plan: SweepPlan, folder: String, executable: String, jobs: Int) throws {
        self.plan = plan
        self.folder = folder
        self.jobs = jobs
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var args = ["sweep", plan.model, "--seeds", plan.seeds.map(String.init).joined(separator: ","), "--time", formatNumber(plan.timeMs),
                    "--jobs", String(jobs), "--out", folder, "--quiet"]
        for (k, v) in plan.fixed.sorted(by: { $0.key < $1.key }) { args += ["--param", "\(k)=\(formatNumber(v))"] }
        for a in plan.axes { args += ["--param", "\(a.name)=" + a.values.map(formatNumber).joined(separator: ",")] }
        process.arguments = args
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self, !d.isEmpty else { return }
            self.lock.lock()
            if self.errorText.count < 4096 { self.errorText += String(decoding: d, as: UTF8.self) }
            self.lock.unlock()
        }
        try process.run()
    }

    public var total: Int { plan.pointCount * plan.seeds.count }
    public var running: Bool { process.isRunning }

    /// The sweep's own error, once it ended with one.
    public var error: String? {
        guard !process.isRunning, process.terminationStatus != 0, !cancelled else { return nil }
        lock.lock(); defer { lock.unlock() }
        let line = errorText.split(separator: "\n").last.map(String.init) ?? "the sweep ended with exit \(process.terminationStatus)"
        return line.replacingOccurrences(of: "netview: ", with: "")
    }

    /// Stops the sweep and the runs going on; finished runs stay in its folder.
    public func cancel() {
        guard process.isRunning else { return }
        cancelled = true
        process.terminate()
    }

    /// Reads the runs finished since the last look (at most every half second).
    public func poll(force: Bool = false) {
        guard force || Date().timeIntervalSince(lastScan) >= 0.5 else { return }
        lastScan = Date()
        // One listing of runs/ a look; only runs not read before are opened.
        let present = Set((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/runs")) ?? [])
        for p in 0..<plan.pointCount {
            for s in plan.seeds {
                let name = plan.runName(point: p, seed: s)
                if rowsByName[name] != nil || !(present.contains(name) || present.contains(".\(name).failed")) { continue }
                let run = "\(folder)/runs/\(name)"
                if SafeFile.kind(run + "/" + RunFolder.marker) == .regular,
                   let d = try? SafeFile.read(run + "/summary.json", maxBytes: 256 << 20),
                   let summary = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
                    rowsByName[name] = SweepRow.finished(point: p, seed: s, summary: summary)
                } else if let d = try? SafeFile.read("\(folder)/runs/.\(name).failed", maxBytes: 4096) {
                    rowsByName[name] = SweepRow(point: p, seed: s, error: String(decoding: d, as: UTF8.self), columns: [])
                }
            }
        }
    }

    public var done: Int { rowsByName.count }
    public var table: SweepTable { SweepTable(plan: plan, rows: Array(rowsByName.values)) }

    /// Wall seconds left, from the pace so far.
    public var secondsLeft: Double? {
        guard done > 0, done < total else { return nil }
        return Date().timeIntervalSince(started) / Double(done) * Double(total - done)
    }
}
