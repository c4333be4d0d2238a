import Foundation
import Session

/// `netview view`: the workbench's raster, V_m and histogram panes over a finished output folder,
/// with play/pause, seeking and cell choice. Keys come from its own table, which the help reads.
public final class ReplayViewer {
    public enum Action: Equatable, Sendable {
        case togglePlay, back, forward, backLong, forwardLong, toStart, goTo, faster, slower
        case nextCell, previousCell, typeCell, help, quit
    }

    public typealias Binding = KeyBinding<Action>

    public static let bindings: [Binding] = [
        Binding(keys: [.char(" ")], label: "space", action: .togglePlay, help: "play / pause"),
        Binding(keys: [.left], label: "←", action: .back, help: "back 100 ms"),
        Binding(keys: [.right], label: "→", action: .forward, help: "forward 100 ms"),
        Binding(keys: [.char("<"), .char(",")], label: "<", action: .backLong, help: "back 1 s"),
        Binding(keys: [.char(">"), .char(".")], label: ">", action: .forwardLong, help: "forward 1 s"),
        Binding(keys: [.char("0")], label: "0", action: .toStart, help: "to t = 0"),
        Binding(keys: [.char("g")], label: "g", action: .goTo, help: "go to a model time (ms)"),
        Binding(keys: [.char("+"), .char("=")], label: "+", action: .faster, help: "play faster"),
        Binding(keys: [.char("-")], label: "-", action: .slower, help: "play slower"),
        Binding(keys: [.char("]"), .down], label: "] ↓", action: .nextCell, help: "next cell with events"),
        Binding(keys: [.char("["), .up], label: "[ ↑", action: .previousCell, help: "previous cell with events"),
        Binding(keys: [.char("c")], label: "c", action: .typeCell, help: "type a cell id"),
        Binding(keys: [.char("?"), .char("h")], label: "?", action: .help, help: "help: every key"),
        Binding(keys: [.char("q")], label: "q", action: .quit, help: "quit"),
    ]

    public static let hint = "space play  ←→ 100 ms  <> 1 s  0 start  g go to  +/- speed  [ ] cell  c cell id  ? help  q quit"

    enum Prompt: Equatable { case none, time(String), cell(String) }

    public let replay: Replay
    var prompt = Prompt.none
    public var message = ""
    public var showHelp = false
    public private(set) var quit = false

    public init(replay: Replay) {
        self.replay = replay
        message = "replay of \(replay.path): \(replay.cells.count) cells with events, \(String(format: "%.0f", replay.end)) ms"
    }

    public func handle(_ key: Key) {
        if key == .resize { return }
        switch (prompt, key) {
        case (.none, _): break
        case (_, .escape): prompt = .none; message = "cancelled"; return
        case let (.time(t), .enter):
            prompt = .none
            if let ms = Double(t), ms.isFinite { replay.seek(to: ms) } else { message = "'\(t)' is not a time in ms" }
            return
        case let (.cell(t), .enter):
            prompt = .none
            if let id = Int(t), replay.choose(id) {} else { message = "no events of cell '\(t)' in this folder" }
            return
        case let (.time(t), .backspace): prompt = .time(String(t.dropLast())); return
        case let (.cell(t), .backspace): prompt = .cell(String(t.dropLast())); return
        case let (.time(t), .char(c)): prompt = .time(t + String(c)); return
        case let (.cell(t), .char(c)): prompt = .cell(t + String(c)); return
        default: return
        }
        if showHelp && key == .escape { showHelp = false; return }
        guard let action = ReplayViewer.bindings.first(where: { $0.keys.contains(key) })?.action else {
            if case let .char(ch) = key { message = "no key '\(ch)': ? lists the keys" }
            return
        }
        perform(action)
    }

    func perform(_ a: Action) {
        switch a {
        case .togglePlay:
            if !replay.playing && replay.time >= replay.end { replay.seek(to: 0) }
            replay.playing.toggle()
        case .back: replay.seek(to: replay.time - 100)
        case .forward: replay.seek(to: replay.time + 100)
        case .backLong: replay.seek(to: replay.time - 1000)
        case .forwardLong: replay.seek(to: replay.time + 1000)
        case .toStart: replay.seek(to: 0)
        case .goTo: prompt = .time("")
        case .faster: replay.faster()
        case .slower: replay.slower()
        case .nextCell: replay.stepCell(1)
        case .previousCell: replay.stepCell(-1)
        case .typeCell: prompt = .cell("")
        case .help: showHelp.toggle()
        case .quit: quit = true
        }
    }

    public func render(width: Int, height: Int) -> Canvas {
        var c = Canvas(width: width, height: height)
        guard width >= App.minWidth, height >= App.minHeight else {
            let msg = "terminal too small: \(width)x\(height), netview needs \(App.minWidth)x\(App.minHeight)"
            c.text(max(0, (width - msg.count) / 2), height / 2, msg, Style(.yellow, bold: true))
            c.text(0, max(0, height - 1), "q quits", Style(.gray))
            return c
        }
        let f = replay.frame
        StatusBar(frame: f).render(into: &c, area: Rect(x: 0, y: 0, width: width, height: 1))
        MainArea.render(f, info: replay.info, into: &c, area: Rect(x: 0, y: 1, width: width, height: height - 3))
        if showHelp {
            let w = min(width - 4, 56), h = min(height - 4, ReplayViewer.bindings.count + 3)
            let box = Rect(x: (width - w) / 2, y: 2, width: w, height: h)
            c.fill(box)
            c.box(box, title: "Help (Esc or ? closes)")
            for (k, b) in ReplayViewer.bindings.prefix(h - 2).enumerated() {
                c.text(box.x + 2, box.y + 1 + k, b.label, Style(.yellow, bold: true))
                c.text(box.x + 10, box.y + 1 + k, b.help, .plain, limit: w - 12)
            }
        }
        c.text(0, height - 2, ReplayViewer.hint, Style(.gray), limit: width)
        switch prompt {
        case let .time(t): c.text(0, height - 1, "go to time (ms): " + t + "▏", Style(.normal, bold: true), limit: width)
        case let .cell(t): c.text(0, height - 1, "cell id: " + t + "▏", Style(.normal, bold: true), limit: width)
        case .none: c.text(0, height - 1, message, .plain, limit: width)
        }
        return c
    }
}

extension WorkbenchLoop {
    /// Plays a replay until the person quits; returns the exit code.
    public static func view(_ viewer: ReplayViewer) -> Int32 {
        let term = Terminal()
        defer { term.close() }
        var last = Date()
        var drawn = Date.distantPast
        while !viewer.quit {
            if let k = term.readKey() {
                viewer.handle(k)
                drawn = .distantPast
            }
            let now = Date()
            viewer.replay.advance(wallSeconds: now.timeIntervalSince(last))
            last = now
            if now.timeIntervalSince(drawn) >= 0.035 {
                term.draw(viewer.render(width: term.width, height: term.height))
                drawn = now
            }
        }
        return 0
    }
}
