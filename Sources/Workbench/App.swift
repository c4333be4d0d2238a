import Foundation
import ModelFiles
import NetCore
import Session

/// The workbench: turns keys into session actions and state changes, and renders the whole screen
/// from the app state and the session's latest frame (immediate mode).
public final class App {
    public let session: LiveSession
    public var state = AppState()
    public private(set) var info: NetworkInfo
    var rows: [ParamRow] = []
    var rowsStamp = -1.0
    var bisection: BisectionSettings?
    /// The Sweep pane's settings, its sweep (running or done) and the point under its cursor; they
    /// go with the workbench when a point is opened live.
    public var sweepSettings: SweepSettings
    public var sweep: SweepWatch?
    public var sweepCursor = 0
    /// A session to go on with instead of this one (a sweep's point opened live).
    public var replacement: LiveSession?
    /// Where the Sweep pane's sweeps are written (set by the executable).
    nonisolated(unsafe) public static var sweepsFolder = "sweeps"
    /// Where `f` writes figures (set by the executable).
    nonisolated(unsafe) public static var figuresFolder = "figures"
    /// Saves the session and returns its path (wired by the executable).
    public var saver: ((LiveSession, [String: String]) throws -> String)?
    public static let minWidth = 80, minHeight = 24

    public init(session: LiveSession) {
        self.session = session
        info = NetworkInfo(session.builtModel)
        sweepSettings = SweepSettings(model: session.model)
        if let p = session.restoredChoices["pane"].flatMap(Pane.init(rawValue:)) { state.pane = p }
        if let b = session.model.bisection {
            bisection = BisectionSettings(target: b.target, lower: b.lower, upper: b.upper, xtol: b.xtol, tEval: b.tEval)
        }
    }

    var frame: Frame { session.frame }

    // MARK: keys

    public func handle(_ key: Key) {
        if key == .resize { return }
        switch state.prompt {
        case .none: break
        default: return handlePrompt(key)
        }
        if frame.asking, case let .char(c) = key, c == "y" || c == "n" {
            session.send(.answer(c == "y"))
            return
        }
        if state.focusOnPane, let pane = state.pane, handlePaneKey(key, pane) { return }
        guard let action = KeyMap.action(for: key) else {
            if case let .char(ch) = key { state.message = "no key '\(ch)': ? lists the keys" }
            return
        }
        perform(action)
    }

    func perform(_ a: KeyAction) {
        switch a {
        case .togglePause: session.send(.toggleRun)
        case .step:
            if frame.running { state.message = "pause first (space), then s steps" } else { session.send(.step) }
        case .cancelRun: session.send(.cancelRun)
        case .reseed: state.prompt = .reseed
        case .restart: session.send(.restart); refreshInfoSoon()
        case .faster: session.send(.faster)
        case .slower: session.send(.slower)
        case .nextCell: chooseCell(frame.cell + 1)
        case .previousCell: chooseCell(frame.cell - 1)
        case .nextPopulation, .previousPopulation:
            let pops = info.populations
            guard let cur = pops.firstIndex(where: { frame.cell >= $0.firstID && frame.cell < $0.firstID + $0.count }) else { return }
            let next = (cur + (a == .nextPopulation ? 1 : pops.count - 1)) % pops.count
            chooseCell(pops[next].firstID)
        case .typeCell: state.prompt = .cell(""); state.cursor = 0
        case .cycleFocus:
            if state.pane == nil { state.pane = .parameters; refreshRows() }
            state.focusOnPane.toggle()
            state.selectedRow = firstEditableRow(from: state.selectedRow)
        case .openParameters: open(.parameters)
        case .openSeeds: open(.seeds)
        case .openBisection: open(.bisection)
        case .openNetwork: open(.network)
        case .openSweep: open(.sweep)
        case .openHelp: open(.help)
        case .closePane:
            session.send(.cancelRun)
            state.pane = nil
            state.focusOnPane = false
        case .commandLine:
            state.prompt = .command("")
            state.cursor = 0
            state.historyIndex = nil
        case .save: save()
        case .plot: plot(nil)
        case .quit:
            if frame.unsaved && saver != nil { state.prompt = .confirmQuit } else { state.quit = true }
        }
    }

    func open(_ p: Pane) {
        if state.pane == p {
            state.pane = nil
            state.focusOnPane = false
            return
        }
        state.pane = p
        state.selectedRow = 0
        state.scroll = 0
        state.focusOnPane = true
        if p == .parameters { refreshRows(); state.selectedRow = firstEditableRow(from: 0) }
    }

    func chooseCell(_ id: Int) {
        guard let first = info.populations.first, let last = info.populations.last else { return }
        let lo = first.firstID, hi = last.firstID + last.count - 1
        let c = id < lo ? hi : id > hi ? lo : id
        session.send(.selectCell(c))
    }

    func refreshRows() {
        rows = session.parameterRows()
        rowsStamp = frame.time
    }

    func refreshInfoSoon() { rowsStamp = -1 }

    func firstEditableRow(from r: Int) -> Int {
        guard state.pane == .parameters else { return r }
        var k = max(0, min(r, rows.count - 1))
        while k < rows.count && rows[k].header != nil { k += 1 }
        return min(k, max(rows.count - 1, 0))
    }

    /// Arrows and Enter inside the focused pane; false when the key belongs to the main map.
    func handlePaneKey(_ key: Key, _ pane: Pane) -> Bool {
        let count: Int
        switch pane {
        case .parameters: count = rows.count
        case .seeds: count = 3
        case .bisection: count = BisectionSettings.fields.count + 1
        case .sweep: return handleSweepKey(key)
        case .help, .output, .network:
            switch key {
            case .down: state.scroll += 1
            case .up: state.scroll = max(0, state.scroll - 1)
            case .pageDown, .char(" "): state.scroll += 10
            case .pageUp: state.scroll = max(0, state.scroll - 10)
            case .home: state.scroll = 0
            default: return false
            }
            return true
        }
        switch key {
        case .down:
            var r = min(state.selectedRow + 1, count - 1)
            if pane == .parameters { while r < count - 1 && rows[r].header != nil { r += 1 } }
            state.selectedRow = r
        case .up:
            var r = max(state.selectedRow - 1, 0)
            if pane == .parameters { while r > 0 && rows[r].header != nil { r -= 1 } }
            state.selectedRow = r
        case .enter: beginEdit(pane)
        case .char("x") where pane == .bisection: session.send(.cancelBisection)
        default: return false
        }
        return true
    }

    func beginEdit(_ pane: Pane) {
        let r = state.selectedRow
        switch pane {
        case .parameters:
            guard r < rows.count else { return }
            let row = rows[r]
            if row.command == nil { state.message = "\(row.name): \(row.note ?? "not editable")"; return }
            state.prompt = .edit(row: r, text: "")
            state.cursor = 0
        case .seeds: state.prompt = .edit(row: r, text: ""); state.cursor = 0
        case .sweep: break
        case .bisection:
            if r == BisectionSettings.fields.count {
                if frame.bisection.running { session.send(.cancelBisection) } else { startBisection() }
            } else {
                state.prompt = .edit(row: r, text: "")
                state.cursor = 0
            }
        default: break
        }
    }

    func startBisection() {
        guard var spec = session.model.bisection, let b = bisection else { state.message = "no bisection in this model"; return }
        guard b.lower < b.upper else { state.message = "lower must be < upper"; return }
        spec.target = b.target
        spec.lower = b.lower
        spec.upper = b.upper
        spec.xtol = b.xtol
        spec.tEval = b.tEval
        session.send(.startBisection(spec))
        state.message = "bisection started (x cancels)"
    }

    func handlePrompt(_ key: Key) {
        switch (state.prompt, key) {
        case (_, .escape):
            state.prompt = .none
            state.message = "cancelled"
        case (.reseed, .char(let c)):
            let stream = ["n": "network", "s": "stimulus", "t": "state", "a": "all"][String(c)]
            state.prompt = .none
            if let stream { session.send(.reseed(stream: stream, value: nil)); refreshInfoSoon() } else { state.message = "reseed cancelled" }
        case (.confirmQuit, .char(let c)):
            state.prompt = .none
            if c == "y" { state.quit = true } else if c == "S" { save(); state.quit = state.lastSaved != nil } else { state.message = "not quitting" }
        case (.confirmOpen(let point), .char(let c)):
            state.prompt = .none
            if c == "y" { openSweepPoint(point, confirmed: true) } else { state.message = "the point was not opened" }
        case let (.command(text), .enter):
            state.prompt = .none
            state.historyIndex = nil
            let line = text.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { return }
            if state.history.last != line { state.history.append(line) }
            if line == "help" || line == "?" {
                open(.help)
                let lines = SidePane.wrapped(SidePane.helpLines, width: SidePane.innerWidth(screen: lastWidth))
                state.scroll = lines.firstIndex { $0.0 == SidePane.commandHeading } ?? 0
                return
            }
            let words = line.split(separator: " ").map(String.init)
            if words.first == "plot" {
                guard words.count <= 2 else { state.message = "usage: plot [FILE.svg]"; return }
                plot(words.count == 2 ? words[1] : nil)
                return
            }
            if case let .zoom(name)? = try? SessionCommand.parse(line) {
                zoom(name)
                return
            }
            awaitingOutput = true
            session.send(.command(line))
            refreshInfoSoon()
        case let (.command(text), .tab):
            complete(text)
        case (.command, .up): historyStep(-1)
        case (.command, .down): historyStep(1)
        case let (.cell(text), .enter):
            state.prompt = .none
            if let id = info.cell(text.trimmingCharacters(in: .whitespaces)) { session.send(.selectCell(id)) } else {
                let names = info.populations.map { "\($0.name)[0-\($0.count - 1)]" }.joined(separator: ", ")
                state.message = "no neuron '\(text)': give an id (\(info.populations.first?.firstID ?? 1)-\(info.neuronCount)) or \(names)"
            }
        case let (.edit(row, text), .enter):
            state.prompt = .none
            applyEdit(row: row, text: text)
        case let (p, k):
            guard let text = p.text else { return }
            var line = LineEditor(text: text, cursor: state.cursor)
            guard line.apply(k) else { return }
            state.prompt = p.editing { _ in line.text }
            state.cursor = line.cursor
        }
    }

    /// Shows one population alone in the raster, the rate and the histogram (nil: all of them).
    func zoom(_ name: String?) {
        guard let name else {
            state.zoom = nil
            state.message = "showing every population"
            return
        }
        guard info.populations.contains(where: { $0.name == name }) else {
            state.message = "zoom: no population '\(name)' (\(info.populations.map(\.name).joined(separator: ", ")))"
            return
        }
        state.zoom = name
        state.message = "showing \(name) alone (:zoom shows every population)"
    }

    /// What the main area shows: every population, or the zoomed one.
    var shownInfo: NetworkInfo {
        guard let z = state.zoom, let p = info.populations.first(where: { $0.name == z }) else { return info }
        return NetworkInfo(name: info.name, populations: [p], connections: info.connections, hasBisection: info.hasBisection)
    }

    /// Up (-1) and Down (+1) through the commands typed before; past the newest, the line being typed.
    func historyStep(_ d: Int) {
        guard !state.history.isEmpty, case let .command(text) = state.prompt else { return }
        if state.historyIndex == nil { state.draft = text }
        let i = max(0, min(state.history.count, (state.historyIndex ?? state.history.count) + d))
        state.historyIndex = i == state.history.count ? nil : i
        let t = state.historyIndex.map { state.history[$0] } ?? state.draft
        state.prompt = .command(t)
        state.cursor = t.count
    }

    /// Tab: completes the word being typed when one candidate fits, else its common prefix, and
    /// lists the candidates.
    func complete(_ text: String) {
        let done = SessionCommand.completions(text, nodes: session.model.nodes.map(\.name), parameters: session.model.parameters.map(\.name), params: { name in
            self.session.model.node(named: name).flatMap { ModelCatalog.spec($0.model)?.paramNames } ?? []
        })
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let partial = words.last ?? ""
        guard !done.isEmpty else {
            state.message = "no completion for '\(partial)'"
            return
        }
        if done.count == 1 {
            words[words.count - 1] = done[0]
            state.prompt = .command(words.joined(separator: " ") + " ")
        } else {
            var common = done[0]
            for d in done.dropFirst() { while !d.hasPrefix(common) { common.removeLast() } }
            words[words.count - 1] = common
            state.prompt = .command(words.joined(separator: " "))
            state.message = "\(done.count) candidates: " + done.joined(separator: " ")
        }
        if case let .command(t) = state.prompt { state.cursor = t.count }
    }

    func applyEdit(row: Int, text: String) {
        if state.pane == .sweep {
            if row < sweepSettings.values.count { sweepSettings.values[row] = text.trimmingCharacters(in: .whitespaces) }
            return
        }
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            state.message = "'\(text)' is not a number; the old value stays"
            return
        }
        switch state.pane {
        case .parameters?:
            guard row < rows.count, let cmd = rows[row].command else { return }
            session.send(.command("\(cmd) \(text)"))
            refreshInfoSoon()
        case .seeds?:
            guard v >= 0, v == v.rounded() else { state.message = "a seed is a non-negative integer"; return }
            session.send(.reseed(stream: ["network", "stimulus", "state"][row], value: UInt64(v)))
        case .bisection?:
            do { try bisection?.set(row, v) } catch { state.message = "\(error); the old value stays" }
        default: break
        }
    }

    func save() {
        guard let saver else { state.message = "saving is not available here"; return }
        if frame.runInProgress { state.message = "a :simulate or step is running: x cancels it, then S saves"; return }
        do {
            let path = try saver(session, ["cell": "\(frame.cell)", "pane": state.pane?.rawValue ?? "",
                                           "speed": frame.speedCap.map { "\($0)" } ?? "max"])
            state.lastSaved = path
            state.message = "saved \(path)"
        } catch {
            state.message = "save failed: \(error)"
        }
    }

    // MARK: rendering

    public func render(width: Int, height: Int) -> Canvas {
        lastWidth = width
        var c = Canvas(width: width, height: height)
        let f = frame
        guard width >= App.minWidth, height >= App.minHeight else {
            let msg = "terminal too small: \(width)x\(height), netview needs \(App.minWidth)x\(App.minHeight)"
            c.text(max(0, (width - msg.count) / 2), height / 2, msg, Style(.yellow, bold: true))
            c.text(0, max(0, height - 1), "q quits", Style(.gray))
            return c
        }
        if rowsStamp < 0, state.pane == .parameters { refreshRows() }
        if rowsStamp < 0 { info = NetworkInfo(session.builtModel); rowsStamp = f.time }
        StatusBar(frame: f).render(into: &c, area: Rect(x: 0, y: 0, width: width, height: 1))
        let sideW = state.pane == nil ? 0 : max(34, width * 2 / 5)
        let mainW = width - sideW
        let bodyH = height - 3
        MainArea.render(f, info: shownInfo, into: &c, area: Rect(x: 0, y: 1, width: mainW, height: bodyH))
        if let p = state.pane {
            var side = SidePane(pane: p, frame: f, info: info, rows: rows, state: state, bisection: bisection)
            if p == .sweep {
                var editing: (Int, String)?
                if case let .edit(row, text) = state.prompt { editing = (row, text) }
                side.sweep = SweepView(settings: sweepSettings, watch: sweep, cursor: sweepCursor, selectedRow: state.selectedRow,
                                       focused: state.focusOnPane, editing: editing)
            }
            side.render(into: &c, area: Rect(x: mainW, y: 1, width: sideW, height: bodyH))
        }
        // While a line is typed, the app's messages (Tab's candidates) show above it.
        let typing: Bool
        if case .none = state.prompt { typing = false } else { typing = true }
        if typing && !state.message.isEmpty {
            c.text(0, height - 2, state.message, Style(.cyan), limit: width)
        } else {
            c.text(0, height - 2, KeyMap.hint, Style(.gray), limit: width)
        }
        let bottom: (String, Style)
        switch state.prompt {
        case let .command(t): bottom = (":" + LineEditor(text: t, cursor: state.cursor).shown, Style(.normal, bold: true))
        case let .cell(t): bottom = ("cell (id or E[3]): " + LineEditor(text: t, cursor: state.cursor).shown, Style(.normal, bold: true))
        case let .edit(_, t): bottom = ("new value: " + t + "▏  (Enter applies, Esc cancels)", Style(.green, bold: true))
        case .reseed: bottom = ("reseed which stream? [n]etwork [s]timulus s[t]ate [a]ll, Esc cancels", Style(.yellow, bold: true))
        case .confirmQuit: bottom = ("unsaved changes: quit anyway? y quits, S saves and quits, any other key stays", Style(.yellow, bold: true))
        case .confirmOpen: bottom = ("unsaved changes: open the sweep's point anyway? y opens it, any other key stays", Style(.yellow, bold: true))
        case .none:
            let m = state.message.isEmpty ? f.message : state.message
            bottom = (m, m.hasPrefix("error") ? Style(.red, bold: true) : .plain)
        }
        c.text(0, height - 1, bottom.0, bottom.1, limit: width)
        return c
    }

    /// Clears the app's own message once the session has a newer one to show; a command's output
    /// too long for the message line opens in the Output pane.
    public func tick() {
        sweep?.poll()
        if lastFrameMessage != frame.message && awaitingOutput {
            awaitingOutput = false
            state.output = frame.message
            if frame.message.count > lastWidth - 1 {
                state.pane = .output
                state.scroll = 0
                state.focusOnPane = true
            }
        }
        if !state.message.isEmpty && !frame.message.isEmpty && lastFrameMessage != frame.message {
            state.message = ""
        }
        lastFrameMessage = frame.message
        if state.pane == .parameters, abs(frame.time - rowsStamp) > 0, case .none = state.prompt, rowsStamp >= 0, !frame.running {
            refreshRows()
        }
    }
    var lastFrameMessage = ""
    var awaitingOutput = false
    var lastWidth = 80
}

extension Prompt {
    /// The text being typed, for the prompts that take text.
    var text: String? {
        switch self {
        case let .command(t), let .cell(t), let .edit(_, t): return t
        default: return nil
        }
    }

    func editing(_ f: (String) -> String) -> Prompt {
        switch self {
        case let .command(t): return .command(f(t))
        case let .cell(t): return .cell(f(t))
        case let .edit(r, t): return .edit(row: r, text: f(t))
        default: return self
        }
    }
}
