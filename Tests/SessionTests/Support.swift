import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// Paths, scenarios and the `netview` binary for the session tests.
enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func asset(_ name: String) -> String { root.appendingPathComponent("assets/\(name)").path }

    /// The built `netview`, beside the test bundle in the build folder.
    static var binary: String {
        let candidates = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for dir in candidates {
            for d in [dir, dir.deletingLastPathComponent()] {
                let p = d.appendingPathComponent("netview").path
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { return p }
            }
        }
        return "netview"
    }

    static func temporaryFolder() -> String {
        let dir = NSTemporaryDirectory() + "netview-session-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs `netview` with `args`; returns its exit status, stdout and stderr.
    @discardableResult
    static func netview(_ args: [String], in dir: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Every recorder file (`R.csv`) of an output folder, by name.
    static func recorderFiles(_ dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".csv") {
            out[name] = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
        }
        return out
    }

    /// summary.json without the keys that may differ between runs (wall times, memory, threads, platform).
    /// summary.json without the keys that depend on the machine, the run's timing or how it was
    /// started (the provenance keys), keys sorted.
    /// summary.json without the keys that differ between runs of one network, and without the
    /// `network` block, which a headless run measures while it simulates (its period is checked apart).
    static func stableSummary(_ dir: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["build_s", "simulate_s", "realtime_factor", "peak_memory_mb", "threads", "platform",
                    "master_seed", "params", "model_file", "session_file", "command_line", "commit", "network"] {
            object[key] = nil
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }

    /// Writes the recorders of `built` after `since` to a new folder and reads them back.
    static func outputs(_ built: BuiltModel, since: Int64, countsAtStart: [Int]? = nil) throws -> (files: [String: String], summary: String) {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try built.writeOutputs(to: dir, simulated: built.kernel.time, simulateSeconds: 0, since: since, countsAtStart: countsAtStart)
        return (try recorderFiles(dir), try stableSummary(dir))
    }
}

/// A shipped scenario run to `ms` and split at half time.
struct Scenario {
    var file: String
    var overrides: [String: Double] = [:]
    var ms: Double

    static let brunel = Scenario(file: "brunel2000.json", overrides: ["order": 250], ms: 200)
    static let destexhe = Scenario(file: "destexhe2009.json", ms: 300)
    static let balanced = Scenario(file: "balanced_neuron.json", ms: 1000)

    func model() throws -> ModelFile { try ModelFile.load(path: Support.asset(file), overrides: overrides) }
    var half: Double { ms / 2 }
}
