import ArgumentParser
import Foundation
import ModelFiles
import Session
import Workbench

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Open the workbench (the default command): a live view of a running network.",
        discussion: "With no FILE, a start screen lists the scenarios in assets/ and the sessions in sessions/. Press ? inside for every key.")

    @Argument(help: "A model file or a saved session.") var file: String?
    @Option(help: "Master seed for a model file.") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []
    @Flag(help: "Start paused.") var paused = false

    func run() throws {
        guard Terminal.available else {
            throw fail("the workbench needs a terminal (stdin and stdout a tty, TERM set); for headless runs use: netview run FILE")
        }
        let overrides = try parseParams(params)
        if let file { _ = try loadModel(file, params: params, seed: seed) }
        let code = WorkbenchLoop.run(path: file, home: Home.root, open: { path in
            let m = try ModelFile.load(path: path, overrides: overrides, seed: seed)
            return try LiveSession(model: m, running: !paused)
        }, saver: nil)
        if code != 0 { throw ExitCode(code) }
    }
}
