import ArgumentParser
import Foundation
import ModelFiles
import NetCore

/// Simulates a built model in pieces so a long run shows progress, and reports wall time.
func simulateWithProgress(_ built: BuiltModel, ms: Double, quiet: Bool = false) throws -> Double {
    let k = built.kernel
    let start = Date()
    let piece = max(k.grid.resolution, (ms / 100 / k.grid.resolution).rounded(.up) * k.grid.resolution)
    var done = 0.0
    var shown = false
    let target = k.grid.steps(k.time + ms)
    while k.now < target {
        let left = k.grid.ms(target - k.now)
        let step = min(piece, left)
        do { try k.simulate(step) } catch let e as NetError { throw fail(e.description, code: 1) }
        done += step
        let t = Date().timeIntervalSince(start)
        if !quiet && t > 1 && isatty(2) != 0 {
            FileHandle.standardError.write(Data(String(format: "\r  %.0f / %.0f ms model time, %.1f s, %.2fx real time  ", done, ms, t, done / 1000 / t).utf8))
            shown = true
        }
    }
    if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    return Date().timeIntervalSince(start)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a model file headless and write NEST-style output files.",
        discussion: """
        Writes DIR/<recorder>.csv for every recorder and DIR/summary.json (see the README).
        Given a session file (saved with --save-session or from the workbench), resumes it at its saved \
        time, simulates --time ms more and writes only what happens after the saved time.
        """)

    @Argument(help: "Model file (.json, .yaml) or session file (.netview.json).") var file: String
    @Option(parsing: .unconditional, help: "Model time to simulate in ms (default: the file's simulate).") var time: Double?
    @Option(help: "Output folder (default: out/<model name as a slug>, see the README).") var out: String?
    @Option(parsing: .unconditional, help: "Master seed (explicit seeds in the file still win).") var seed: UInt64?
    @Option(help: "Worker threads (results are identical for every value).") var threads: Int?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []
    @Option(name: .customLong("save-session"), help: "Save the session to this file at the end of the run.") var saveSession: String?
    @Flag(help: "Print only the output folder.") var quiet = false
    @Option(help: .hidden) var benchStats: String?

    /// The output folder, checked and locked before anything is simulated; the session path too.
    func outputFolder(_ dir: String) throws -> RunFolder {
        if let path = saveSession {
            do { try SafeFile.checkReplaceable(path) } catch let e as SafeFile.Failure { throw fail("--save-session \(e.description)") }
        }
        do { return try RunFolder(dir) } catch let e as ModelFileError { throw fail(e.description) }
    }

    func run() throws {
        if isSessionFile(file) { return try resume() }
        let m = try loadModel(file, params: params, seed: seed)
        if let t = threads, t < 1 || t > 256 { throw fail("--threads must be within 1...256, got \(t)") }
        let ms = time ?? m.simulate
        try checkTime(ms, resolution: m.resolution)
        let folder = try outputFolder(out ?? "out/\(m.slug)")
        let built: BuiltModel
        do { built = try m.build(threads: threads) } catch let e as ModelFileError { throw fail(e.description) }
        let network = built.gatherNetworkStatistics(ms: ms)
        let wall = try simulateWithProgress(built, ms: ms, quiet: quiet)
        built.kernel.spikeTap = nil
        if let path = saveSession {
            try save(built, edits: [], log: ms > 0 ? [(built.kernel.now, "simulate \(formatNumber(ms))")] : [],
                     wallSeconds: built.buildSeconds + wall, to: path, quiet: quiet)
        }
        let dir = folder.path
        let summary: RunSummary
        do {
            summary = try built.writeOutputs(into: folder, simulated: ms, simulateSeconds: wall, extra: RunProvenance.keys(m) + [("network", network.statistics.result(until: built.kernel.time).json)])
        } catch let e as ModelFileError { throw fail(e.description, code: 1) }
        if let benchStats {
            // Counts `netview bench` needs beside summary.json (not part of the output contract).
            let k = built.kernel
            try? writeAtomically(JSONOut.obj([("delivered_events", .int(k.eventsDelivered)), ("connectivity_bytes", .int(k.connectivityBytes)),
                                              ("synapses", .int(k.synapseCount))]).render(), to: benchStats)
        }
        if quiet { print(dir); return }
        print(String(format: "%@: %.0f ms simulated in %.2f s (%.2fx real time), built in %.2f s, %d threads",
                     m.name, ms, wall, wall > 0 ? ms / 1000 / wall : 0, built.buildSeconds, built.kernel.threads))
        for p in summary.populations {
            print(String(format: "  %@: %d neurons, %d spikes, %.2f Hz", p.name, p.n, p.spikes, p.rate))
        }
        for (name, a) in summary.activity {
            let pops = a.populations.map { String(format: "%@ %.2f Hz (CV %.2f)", $0.name, $0.rateMean, $0.cvISI) }.joined(separator: ", ")
            print(String(format: "  %@: %@; up %.2f, %d silences, regime %@", name, pops, a.fracUp, a.silences, a.regime))
        }
        print("  output: \(dir)")
    }
}
