import Foundation
import ModelFiles
import NetCore
import Session

public typealias LiveSessionHandle = LiveSession

/// The first screen: the scenarios and the saved sessions, under the absolute paths of their
/// folders. A scenario shows its size (neurons, synapses, memory: what `netview check` knows); a
/// session its model time, seeds, edits and the date it was saved, so that several sessions of
/// one model can be told apart.
public struct StartScreen {
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var folder: String
        public var name: String
        public var description: String
        /// The facts shown after the name: size and cost, or time, seeds and edits.
        public var facts: String
        public var isSession: Bool
    }

    public var entries: [Entry]
    public var selected = 0
    public var message = ""
    /// The measured pace of each scenario, filled in the background (`probeSpeeds`).
    public let speeds = SpeedProbe()

    public init(scenarios: [String], sessions: [String]) {
        var out: [Entry] = []
        let fm = FileManager.default
        for (folders, session) in [(scenarios, false), (sessions, true)] {
            for dir in folders {
                let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
                for n in names where (session ? n.hasSuffix(Snapshot.fileExtension) : n.hasSuffix(".json") || n.hasSuffix(".yaml") || n.hasSuffix(".yml"))
                    && SafeFile.targetKind(dir + "/" + n) == .regular {
                    let path = dir + "/" + n
                    if session {
                        let h = SessionHeader(path: path)
                        let edits = h.edits.map { $0 == 1 ? "1 edit" : "\($0) edits" } ?? "? edits"
                        // Seeds last: a narrow screen cuts them first.
                        let facts = "t \(h.time.flatMap(Double.init).map { formatSig($0 / 1000, 4) + " s" } ?? "?")  \(edits)  \(h.shortDate ?? "?")  seeds \(h.seeds ?? "?")"
                        out.append(Entry(path: path, folder: dir, name: h.model ?? n, description: "saved session \(n): \(facts)",
                                         facts: facts, isSession: true))
                    } else if let m = try? ModelFile.load(path: path) {
                        let e = m.estimate()
                        let facts = "\(e.neurons) neurons, \(StartScreen.count(e.synapses)) synapses, \(StartScreen.count(e.bytes))B"
                        out.append(Entry(path: path, folder: dir, name: m.name, description: m.description, facts: facts, isSession: false))
                    } else {
                        out.append(Entry(path: path, folder: dir, name: n, description: "not a valid model file: open it to see why",
                                         facts: "invalid", isSession: false))
                    }
                }
            }
        }
        entries = out
    }

    /// Measures each scenario's pace in the background: built with `threads` and simulated for
    /// 200 ms of model time. Scenarios estimated above 2 GB are not built ("too large to probe").
    public func probeSpeeds(threads: Int) {
        let paths = entries.filter { !$0.isSession && $0.facts != "invalid" }.map(\.path)
        let probe = speeds
        DispatchQueue.global(qos: .utility).async {
            for path in paths where !probe.stopped {
                guard let m = try? ModelFile.load(path: path) else { continue }
                guard m.estimate().bytes < 2_000_000_000 else { probe.set(path, "too large to probe"); continue }
                guard let b = try? m.build(threads: threads) else { probe.set(path, "does not build"); continue }
                let start = Date()
                do { try b.kernel.simulate(200) } catch { probe.set(path, "stops: \(error)"); continue }
                let pace = 0.2 / max(Date().timeIntervalSince(start), 1e-6)
                probe.set(path, "about \(formatSig(pace, 2))x real time")
            }
        }
    }

    /// 1234567 as "1.2M".
    static func count(_ n: Int) -> String {
        let x = Double(n)
        if x >= 1e9 { return formatSig(x / 1e9, 2) + "G" }
        if x >= 1e6 { return formatSig(x / 1e6, 2) + "M" }
        if x >= 1e3 { return formatSig(x / 1e3, 2) + "k" }
        return "\(n)"
    }

    public mutating func handle(_ key: Key) -> String? {
        switch key {
        case .down: selected = min(selected + 1, max(entries.count - 1, 0))
        case .up: selected = max(selected - 1, 0)
        case .enter: return entries.isEmpty ? nil : entries[selected].path
        default: break
        }
        return nil
    }

    public func render(width: Int, height: Int) -> Canvas {
        var c = Canvas(width: width, height: height)
        guard width >= 40, height >= 10 else {
            c.text(0, 0, "terminal too small: \(width)x\(height)", Style(.yellow, bold: true))
            return c
        }
        c.text(1, 0, "netview: choose a scenario or a saved session (↑↓, Enter opens, q quits)", Style(.normal, bold: true), limit: width - 2)
        // The selected entry's description gets the bottom third, the list the rest.
        let descRows = max(3, height / 3)
        let listEnd = height - descRows - 1
        var rows: [(String, Style, Int?)] = []
        var lastFolder: String?
        for (k, e) in entries.enumerated() {
            if lastFolder != e.folder {
                rows.append(((e.isSession ? "Sessions in " : "Scenarios in ") + e.folder, Style(.yellow, bold: true), nil))
                lastFolder = e.folder
            }
            let nameW = min(22, max(12, width / 4))
            let name = e.name.count > nameW ? String(e.name.prefix(nameW - 1)) + "…" : e.name.padding(toLength: nameW, withPad: " ", startingAt: 0)
            let pace = e.isSession ? "" : speeds.text(e.path).map { ", " + $0 } ?? ", measuring speed…"
            rows.append(("  " + name + "  " + e.facts + pace, Style(.normal, reverse: k == selected), k))
        }
        // Keep the selected line in view.
        let visible = max(1, listEnd - 2)
        let selRow = rows.firstIndex { $0.2 == selected } ?? 0
        let first = max(0, min(selRow - visible / 2, rows.count - visible))
        for (i, r) in rows.dropFirst(first).prefix(visible).enumerated() {
            c.text(1, 2 + i, r.0, r.1, limit: width - 2)
        }
        if entries.isEmpty { c.text(3, 3, "no model files or sessions found in ./assets, ./sessions or $NETVIEW_HOME", Style(.gray)) }
        if !entries.isEmpty {
            let lines = StartScreen.wrap(entries[selected].path + ": " + entries[selected].description, width: width - 4, rows: descRows)
            for (i, l) in lines.enumerated() { c.text(2, listEnd + 1 + i, l, Style(.gray)) }
        }
        if !message.isEmpty { c.text(1, height - 1, message, Style(.red, bold: true), limit: width - 2) }
        return c
    }

    /// Words in lines of at most `width`, at most `rows` lines; a text that does not fit ends in "…"
    /// after a whole word.
    public static func wrap(_ text: String, width: Int, rows: Int) -> [String] {
        let lines = wrapWords(text, width: width)
        guard lines.count > rows, rows > 0 else { return lines }
        var last = lines[rows - 1]
        while last.count + 2 > width, let space = last.lastIndex(of: " ") { last = String(last[..<space]) }
        return Array(lines.prefix(rows - 1)) + [last + " …"]
    }
}

/// The start screen's measured paces, written by a background queue and read by the screen.
public final class SpeedProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: String] = [:]
    private var stopFlag = false

    /// Set when the start screen is left: no further scenario is built.
    public var stopped: Bool {
        get { lock.lock(); defer { lock.unlock() }; return stopFlag }
        set { lock.lock(); stopFlag = newValue; lock.unlock() }
    }

    public func text(_ path: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return texts[path]
    }

    func set(_ path: String, _ text: String) {
        lock.lock()
        texts[path] = text
        lock.unlock()
    }
}

/// Runs the workbench until the person quits; returns the exit code.
public enum WorkbenchLoop {
    /// `open` turns a path (model file or session) into a running session.
    public static func run(path: String?, scenarios: [String], sessions: [String], threads: Int, open: (String) throws -> LiveSessionHandle,
                           saver: ((LiveSessionHandle, [String: String]) throws -> String)?) -> Int32 {
        let term = Terminal()
        defer { term.close() }
        var target = path
        var start = StartScreen(scenarios: scenarios, sessions: sessions)
        if path == nil { start.probeSpeeds(threads: threads) }
        while target == nil {
            if let k = term.readKey() {
                if k == .char("q") { return 0 }
                target = start.handle(k)
            }
            term.draw(start.render(width: term.width, height: term.height))
            if let t = target {
                start.speeds.stopped = true
                do {
                    term.draw(openingScreen(t, width: term.width, height: term.height))
                    let s = try open(t)
                    return runApp(App(session: s), term: term, saver: saver)
                } catch {
                    start.message = "\(error)"
                    target = nil
                }
            }
        }
        do {
            term.draw(openingScreen(target!, width: term.width, height: term.height))
            let s = try open(target!)
            return runApp(App(session: s), term: term, saver: saver)
        } catch {
            term.close()
            FileHandle.standardError.write(Data("netview: \(oneLine("\(error)"))\n".utf8))
            return 2
        }
    }

    /// What the screen shows while a model is built or a session rebuilt (a full-scale cortical
    /// microcircuit takes tens of seconds): the file, and that the network is being built.
    public static func openingScreen(_ path: String, width: Int, height: Int) -> Canvas {
        var c = Canvas(width: width, height: height)
        let name = URL(fileURLWithPath: path).lastPathComponent
        c.text(1, 0, "netview: opening \(name)", Style(.normal, bold: true), limit: max(width - 2, 0))
        c.text(1, min(2, max(height - 1, 0)), "building the network (a large one takes a while)...", Style(.gray), limit: max(width - 2, 0))
        return c
    }

    static func runApp(_ first: App, term: Terminal, saver: ((LiveSessionHandle, [String: String]) throws -> String)?) -> Int32 {
        var app = first
        app.saver = saver
        app.session.start()
        defer {
            app.session.stop()
            app.sweep?.cancel()
        }
        var last = Date.distantPast
        while !app.state.quit {
            if let k = term.readKey() {
                app.handle(k)
                last = .distantPast
            }
            if let next = app.replacement {
                // A sweep's point opened live: the workbench goes on with it, the sweep's map kept.
                app.replacement = nil
                app.session.stop()
                let fresh = App(session: next)
                fresh.carry(from: app)
                fresh.saver = saver
                app = fresh
                app.session.start()
            }
            if Date().timeIntervalSince(last) >= 0.035 {
                app.tick()
                term.draw(app.render(width: term.width, height: term.height))
                last = Date()
            }
        }
        return 0
    }
}
