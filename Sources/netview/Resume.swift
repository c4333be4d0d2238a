import ArgumentParser
import Foundation
import ModelFiles
import NetCore
import Session

/// A session file names its format near the top; a truncated or damaged one still does, so it
/// gets the session loader's diagnosis rather than the model reader's.
func isSessionFile(_ path: String) -> Bool {
    if path.hasSuffix(Snapshot.fileExtension) { return true }
    guard let bytes = SafeFile.head(path, bytes: 4096) else { return false }
    let head = String(decoding: bytes, as: UTF8.self)
    return head.contains("\"format\": \"\(Snapshot.format)\"") || head.contains("\"format\":\"\(Snapshot.format)\"")
}

/// Saves a headless run's session and says where, how large and how long it took.
func save(_ built: BuiltModel, edits: [String], log: [(step: Int64, command: String)], wallSeconds: Double, to path: String,
          quiet: Bool) throws {
    let start = Date()
    let bytes: Int
    do {
        bytes = try Snapshot.save(built: built, edits: edits, log: log, wallSeconds: wallSeconds, to: path)
    } catch let e as SnapshotError {
        throw fail(e.description, code: 1)
    }
    if !quiet {
        print(String(format: "session saved to %@ at %@ ms (%.1f MB in %.2f s)", path, formatNumber(built.kernel.time),
                     Double(bytes) / 1e6, Date().timeIntervalSince(start)))
    }
}

extension Run {
    /// `netview run SESSION`: goes on from the saved time and writes what happens after it.
    func resume() throws {
        guard params.isEmpty, seed == nil else {
            throw fail("--param and --seed do not apply to a session file (its model and seeds are saved in it)")
        }
        if let t = threads, t < 1 || t > 256 { throw fail("--threads must be within 1...256, got \(t)") }
        let session: LoadedSession
        do { session = try Snapshot.load(path: file, threads: threads) } catch let e as SnapshotError { throw fail(e.description) }
        let built = session.built, k = built.kernel
        let ms = time ?? built.model.simulate
        try checkTime(ms, resolution: k.grid.resolution)
        let folder = try outputFolder(out ?? "out/\(built.model.slug)")
        let countsAtStart = k.spikeCounts
        let provenance = RunProvenance.keys(resumed: built.model, session: file, savedMs: session.savedTime)
        let network = built.gatherNetworkStatistics(ms: ms)
        let wall = try simulateWithProgress(built, ms: ms, quiet: quiet)
        k.spikeTap = nil
        if let path = saveSession {
            let log = session.log + (ms > 0 ? [(k.now, "simulate \(formatNumber(ms))")] : [])
            try save(built, edits: session.edits, log: log, wallSeconds: session.provenance.wallSeconds + wall, to: path, quiet: quiet)
        }
        let dir = folder.path
        let summary: RunSummary
        do {
            // The summary covers the period the files hold, from the saved time on (`t_start_ms`);
            // `simulated_ms` is the model time since t = 0, as an uninterrupted run's.
            summary = try built.writeOutputs(into: folder, simulated: k.time, simulateSeconds: wall, since: session.savedStep,
                                             countsAtStart: countsAtStart,
                                             extra: provenance + [("network", network.statistics.result(until: k.time).json)])
        } catch let e as ModelFileError { throw fail(e.description, code: 1) }
        if quiet { print(dir); return }
        print(String(format: "%@: resumed at %@ ms, %@ ms more simulated in %.2f s (%.2fx real time)",
                     built.model.name, formatNumber(session.savedTime), formatNumber(ms), wall, wall > 0 ? ms / 1000 / wall : 0))
        for p in summary.populations {
            print(String(format: "  %@: %d neurons, %d spikes after %@ ms, %.2f Hz", p.name, p.n, p.spikes,
                         formatNumber(session.savedTime), p.rate))
        }
        print("  output after \(formatNumber(session.savedTime)) ms: \(dir)")
    }
}

struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the saved sessions: model, model time, date saved and size.",
        discussion: "Resume one with `netview run SESSION --time MS` or open it with `netview SESSION`.")

    @Option(help: "Folder to list (default: ./sessions and $NETVIEW_HOME/sessions).") var folder: String?

    func run() throws {
        let dirs = folder.map { [$0] } ?? Home.sessionFolders
        for dir in dirs {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
                .filter { $0.hasSuffix(Snapshot.fileExtension) && SafeFile.kind(dir + "/" + $0) == .regular }.sorted()
            if names.isEmpty { print("no sessions in \(dir)"); continue }
            print("\(dir):")
            var rows = [["MODEL", "TIME (ms)", "SEEDS", "EDITS", "SAVED", "SIZE", "FILE"]]
            for name in names {
                let path = dir + "/" + name
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                let head = SessionHeader(path: path)
                rows.append([head.model ?? "?", head.time ?? "?", head.seeds ?? "?", head.edits.map(String.init) ?? "?", head.date ?? "?",
                             String(format: "%.1f MB", Double(size) / 1e6), name])
            }
            let widths = (0..<7).map { c in rows.map { $0[c].count }.max()! }
            for r in rows {
                print("  " + r.enumerated().map { $1.padding(toLength: $0 < 6 ? widths[$0] : $1.count, withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
        }
    }
}

