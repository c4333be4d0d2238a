import Foundation
import ModelFiles
import NetCore

/// `:record DIR`: the workbench's recorders streamed to disk as `netview run` writes them, while
/// the live session keeps only bounded windows in memory. The files grow in a hidden sibling of
/// DIR and replace DIR as one run folder when the recording stops (`summary.json` included), so
/// the folder holds either its previous run or the whole recording.
final class Recording {
    let folder: RunFolder
    let staged: String
    /// Recorder ids with their open files.
    private var files: [(id: Int, handle: FileHandle)] = []
    /// Events up to this stamp are on disk; the recording began after `start`.
    private(set) var written: Int64
    let start: Int64
    let startedAt = Date()
    /// Spike counts per neuron when the recording began, for the summary's rates.
    let countsAtStart: [Int]

    init(_ dir: String, built: BuiltModel) throws {
        folder = try RunFolder(dir)
        staged = try folder.stage()
        start = built.kernel.now
        written = start
        countsAtStart = built.kernel.spikeCounts
        do {
            for node in built.model.nodes where ModelCatalog.spec(node.model)?.kind == .recorder {
                let id = built.ids[node.name]!.ids[0]
                let path = "\(staged)/\(node.name).csv"
                guard FileManager.default.createFile(atPath: path, contents: Data(built.recorderHeader(id).utf8)),
                      let h = FileHandle(forWritingAtPath: path) else {
                    throw CommandError("record: cannot create \(path)")
                }
                h.seekToEndOfFile()
                files.append((id, h))
            }
        } catch {
            close()
            try? FileManager.default.removeItem(atPath: staged)
            throw error
        }
    }

    /// Appends every event recorded since the last call (all events up to the kernel's now are final).
    func append(_ built: BuiltModel) throws {
        let now = built.kernel.now
        guard now > written else { return }
        for f in files {
            let text = built.recorderRows(f.id, after: written, upTo: now)
            guard !text.isEmpty else { continue }
            do { try f.handle.write(contentsOf: Data(text.utf8)) } catch {
                throw CommandError("record: writing \(staged) failed (\(error.localizedDescription)); recording stopped")
            }
        }
        written = now
    }

    /// Writes summary.json over the recorded period and puts the folder in place. `keptFrom`: the
    /// recorders hold events after this stamp only (the live session's bounded history), so the
    /// activity block covers (max(start, keptFrom), now]; its start is `activity_from_ms`.
    func finish(_ built: BuiltModel, keptFrom: Int64) throws {
        defer { close() }
        try append(built)
        let k = built.kernel
        let ms = k.grid.ms(written - start)
        let actFrom = k.grid.ms(max(start, keptFrom))
        let s = built.makeSummary(simulated: ms, simulateSeconds: Date().timeIntervalSince(startedAt), since: start,
                                  countsAtStart: countsAtStart, activitySince: actFrom,
                                  extra: [("activity_from_ms", .num(actFrom))])
        do {
            try writeAtomically(s.json.render() + "\n", to: "\(staged)/summary.json")
        } catch {
            try? FileManager.default.removeItem(atPath: staged)
            throw error
        }
        try folder.publish(staged)
    }

    /// Drops the recording: its staged files are removed.
    func abandon() {
        close()
        try? FileManager.default.removeItem(atPath: staged)
    }

    private func close() {
        for f in files { try? f.handle.close() }
        files = []
    }
}
