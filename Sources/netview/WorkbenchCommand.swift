import ArgumentParser
import Foundation
import ModelFiles
import Session
import Workbench

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Open the workbench (the default command): a live view of a running network.",
        discussion: "With no FILE, a start screen lists the scenarios (./assets, $NETVIEW_HOME/assets, the package's) and the sessions (./sessions, $NETVIEW_HOME/sessions). Press ? inside for every key.")

    @Argument(help: "A model file or a saved session.") var file: String?
    @Option(help: "Master seed for a model file.") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []
    @Flag(help: "Start paused.") var paused = false
    @Option(help: "Worker threads (default: the machine's cores; the network's activity is the same for every value).") var threads: Int?

    func run() throws {
        let overrides = try parseParams(params)
        if let t = threads, t < 1 || t > 256 { throw fail("--threads must be within 1...256, got \(t)") }
        let workers = threads ?? min(256, max(1, ProcessInfo.processInfo.activeProcessorCount))
        // Check the file before the screen is taken, so a mistake is one line in the shell.
        if let file {
            if isSessionFile(file) {
                do { _ = try Snapshot.load(path: file) } catch { throw fail("\(error)") }
            } else {
                _ = try loadModel(file, params: params, seed: seed)
            }
        }
        guard Terminal.available else {
            throw fail("the workbench needs a terminal (stdin and stdout a tty, TERM set); for headless runs use: netview run FILE")
        }
        let folder = Home.saveFolder
        App.sweepsFolder = (Home.variable ?? Home.absolute(".")) + "/sweeps"
        App.figuresFolder = (Home.variable ?? Home.absolute(".")) + "/figures"
        let code = WorkbenchLoop.run(path: file, scenarios: Home.scenarioFolders, sessions: Home.sessionFolders, threads: workers, open: { path in
            if isSessionFile(path) { return try LiveSession.open(snapshot: path, threads: workers) }
            let m = try ModelFile.load(path: path, overrides: overrides, seed: seed)
            return try LiveSession(model: m, running: !paused, threads: workers)
        }, saver: { session, choices in
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw CommandError("cannot create the sessions folder \(folder)")
            }
            return try session.save(to: nil, workbench: choices, folder: folder)
        })
        if code != 0 { throw ExitCode(code) }
    }
}
