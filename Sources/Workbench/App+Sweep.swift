import Foundation
import Interop
import ModelFiles
import NetCore
import Session

/// The Sweep pane: fields edited in place, Enter on the button starts or stops the sweep, and on
/// the map the arrows move the cursor and Enter opens the point's run as the live network.
extension App {
    func handleSweepKey(_ key: Key) -> Bool {
        let button = SweepView.buttonRow, mapRow = SweepView.mapRow
        let axes = sweep?.plan.axes ?? []
        let nDown = axes.count > 1 ? axes[1].values.count : 1
        let nAcross = axes.first?.values.count ?? 1
        let onMap = state.selectedRow == mapRow && !axes.isEmpty
        switch key {
        case .left where onMap:
            if sweepCursor >= nDown { sweepCursor -= nDown }
        case .right where onMap:
            if sweepCursor + nDown < nAcross * nDown { sweepCursor += nDown }
        case .up where onMap:
            if sweepCursor % nDown < nDown - 1 { sweepCursor += 1 } else { state.selectedRow = button }
        case .down where onMap:
            if sweepCursor % nDown > 0 { sweepCursor -= 1 }
        case .up:
            state.selectedRow = max(0, state.selectedRow - 1)
        case .down:
            state.selectedRow = min(axes.isEmpty ? button : mapRow, state.selectedRow + 1)
        case .enter, .char("o"):
            if state.selectedRow < button {
                guard key == .enter else { return false }
                let current = sweepSettings.values[state.selectedRow]
                state.prompt = .edit(row: state.selectedRow, text: current)
                state.cursor = current.count
            } else if state.selectedRow == button {
                guard key == .enter else { return false }
                if sweep?.running == true { stopSweep() } else { startSweep() }
            } else {
                openSweepPoint(sweepCursor, confirmed: false)
            }
        case .char("x"):
            stopSweep()
        default:
            return false
        }
        return true
    }

    func startSweep() {
        let plan: SweepPlan
        do { plan = try sweepSettings.plan(model: session.model) } catch {
            state.message = "sweep: \(error)"
            return
        }
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate, .withTime])
        let folder = "\(App.sweepsFolder)/\(session.model.slug)-\(stamp.replacingOccurrences(of: ":", with: ""))"
        let jobs = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        do {
            try FileManager.default.createDirectory(atPath: App.sweepsFolder, withIntermediateDirectories: true)
            sweep = try SweepWatch(plan: plan, folder: folder, executable: App.executable, jobs: jobs)
        } catch {
            state.message = "sweep: cannot start it: \(error)"
            return
        }
        sweepCursor = 0
        let edits = session.editList.filter { !$0.hasPrefix("set ") || $0.split(separator: " ").count != 3 }
        state.message = "sweep of \(plan.pointCount * plan.seeds.count) runs started into \(folder)" +
            (edits.isEmpty ? "" : "; it runs the file with its parameters: the \(edits.count) node edits made here are not in it")
        state.selectedRow = plan.axes.isEmpty ? SweepView.buttonRow : SweepView.mapRow
    }

    func stopSweep() {
        guard let s = sweep, s.running else { return }
        s.cancel()
        state.message = "sweep stopped; the finished runs stay in \(s.folder)"
    }

    /// Opens the first seed of point `p` as the live network, in place of this one.
    func openSweepPoint(_ p: Int, confirmed: Bool) {
        guard let s = sweep, p < s.plan.pointCount else { return }
        if frame.unsaved && !confirmed {
            state.prompt = .confirmOpen(point: p)
            return
        }
        var overrides = s.plan.fixed
        for (k, v) in zip(s.plan.axes.map(\.name), s.plan.point(p)) { overrides[k] = v }
        let seed = s.plan.seeds[0]
        do {
            let m = try ModelFile.load(path: s.plan.model, overrides: overrides, seed: seed)
            replacement = try LiveSession(model: m, running: true, threads: session.builtModel.kernel.threads)
        } catch {
            state.message = "cannot open the point: \(error)"
            return
        }
        let values = zip(s.plan.axes.map(\.name), s.plan.point(p)).map { "\($0)=\(formatG($1))" }.joined(separator: " ")
        state.message = "opened \(values) seed \(seed) from the sweep (w: its map)"
    }

    /// Takes over the sweep and the pane from the workbench this one replaces.
    func carry(from old: App) {
        sweep = old.sweep
        sweepSettings = old.sweepSettings
        sweepCursor = old.sweepCursor
        state.message = old.state.message
        state.history = old.state.history
    }

    /// The running executable, which the Sweep pane starts as `netview sweep`.
    static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }
}

extension App {
    /// Writes the view (the raster's window, the chosen cell's V_m, the histograms) as the figure
    /// `netview plot` draws, two columns wide, to `path` or to the figures folder.
    func plot(_ path: String?) {
        let target: String
        if let path {
            guard path.hasSuffix(".svg") else { state.message = "plot: the file must end in .svg, got '\(path)'"; return }
            target = path
        } else {
            let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate, .withTime])
            target = "\(App.figuresFolder)/\(session.model.slug)-\(stamp.replacingOccurrences(of: ":", with: "")).svg"
            try? FileManager.default.createDirectory(atPath: App.figuresFolder, withIntermediateDirectories: true)
        }
        do {
            try SafeFile.checkReplaceable(target)
            try writeAtomically(NetworkFigure(frame: frame, info: shownInfo, width: 180).svg, to: target)
            state.message = "figure written to \(target)"
        } catch let e as SafeFile.Failure {
            state.message = "plot: \(e.description)"
        } catch {
            state.message = "plot: \(error)"
        }
    }
}
