import ArgumentParser
import Foundation
import Interop
import Workbench

struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a finished output folder in the workbench: raster, V_m and rate histogram along model time.",
        discussion: """
        DIR is an output folder in netview's format from any simulator: netview run, an exported PyNEST or PyNN \
        script, per-rank R.rank-K.csv files (merged). Spike recorders fill the raster and histogram, a meter with \
        V_m the trace; summary.json, when present, names the populations. Nothing is simulated. \
        Press ? inside for every key.
        """)

    @Argument(help: "Output folder.") var dir: String
    @Flag(help: "Start paused at t = 0.") var paused = false

    func run() throws {
        // The folder is read before the screen is taken, so a mistake is one line in the shell.
        let replay: Replay
        do {
            replay = try Replay(folder: try OutputFolder.read(dir))
        } catch let e as InteropError {
            throw fail(e.message)
        }
        guard Terminal.available else {
            throw fail("the viewer needs a terminal (stdin and stdout a tty, TERM set)")
        }
        replay.playing = !paused
        let code = WorkbenchLoop.view(ReplayViewer(replay: replay))
        if code != 0 { throw ExitCode(code) }
    }
}
