import Foundation
import ModelFiles
import NetCore

extension LiveSession {
    /// Wall time spent on this run, across saves and opens.
    public var wallSeconds: Double { priorWallSeconds + Date().timeIntervalSince(openedAt) }

    /// Saves the session between two chunks and returns the file's path (by default a new file in
    /// `folder`). `workbench` holds the screen's choices (open pane...); the chosen cell and the
    /// speed level are added here.
    @discardableResult
    public func save(to path: String?, workbench: [String: String] = [:], folder: String = "sessions") throws -> String {
        try sync { built in
            let target = path ?? Snapshot.defaultPath(model: built.model.name, in: folder)
            var choices = workbench
            choices["cell"] = String(cell)
            choices["speed_level"] = String(speedLevel)
            try Snapshot.save(built: built, edits: edits, log: log, workbench: choices, screen: screenHistory,
                              wallSeconds: wallSeconds, to: target)
            savedLogCount = log.count
            return target
        }
    }

    /// A session opened from a file, paused at its saved time with its edits, log and cell.
    /// Call `start()` to run it.
    public static func open(snapshot path: String, threads: Int? = nil) throws -> LiveSession {
        LiveSession(restoring: try Snapshot.load(path: path, threads: threads))
    }
}
