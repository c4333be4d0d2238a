import Foundation
import ModelFiles
import Session

public typealias LiveSessionHandle = LiveSession

/// The first screen: the scenarios in assets/ and the saved sessions in sessions/.
public struct StartScreen {
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var name: String
        public var description: String
        public var size: Int
        public var date: Date
        public var isSession: Bool
    }

    public var entries: [Entry]
    public var selected = 0
    public var message = ""

    public init(home: String) {
        var out: [Entry] = []
        let fm = FileManager.default
        for (folder, session) in [("assets", false), ("sessions", true)] {
            let dir = home + "/" + folder
            let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for n in names where (n.hasSuffix(".json") || n.hasSuffix(".yaml") || n.hasSuffix(".yml"))
                && SafeFile.targetKind(dir + "/" + n) == .regular {
                let path = dir + "/" + n
                let attrs = try? fm.attributesOfItem(atPath: path)
                let size = (attrs?[.size] as? NSNumber)?.intValue ?? 0
                let date = attrs?[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
                var name = n, desc = ""
                if !session, let m = try? ModelFile.load(path: path) {
                    name = m.name
                    desc = m.description
                } else if session {
                    desc = "saved session"
                }
                out.append(Entry(path: path, name: name, description: desc, size: size, date: date, isSession: session))
            }
        }
        entries = out
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
        let df = DateFormatter()
        df.dateFormat = "yyyy-MM-dd HH:mm"
        var y = 2
        var lastKind: Bool?
        for (k, e) in entries.enumerated() where y < height - 4 {
            if lastKind != e.isSession {
                c.text(1, y, e.isSession ? "Sessions (sessions/)" : "Scenarios (assets/)", Style(.yellow, bold: true))
                y += 1
                lastKind = e.isSession
            }
            let line = String(format: "%@  %@  %7.1f kB  %@", e.name.padding(toLength: 24, withPad: " ", startingAt: 0),
                              df.string(from: e.date), Double(e.size) / 1000, e.path.split(separator: "/").last.map(String.init) ?? "")
            c.text(3, y, line, Style(.normal, reverse: k == selected), limit: width - 4)
            y += 1
        }
        if entries.isEmpty { c.text(3, 3, "no model files found in assets/ or sessions/", Style(.gray)) }
        if !entries.isEmpty {
            let d = entries[selected].description
            var words = d.split(separator: " ").map(String.init)
            var line = ""
            var dy = height - 4
            while !words.isEmpty && dy < height - 1 {
                let w = words.removeFirst()
                if line.count + w.count + 1 > width - 4 {
                    c.text(2, dy, line, Style(.gray))
                    dy += 1
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + w
            }
            if dy < height { c.text(2, dy, line, Style(.gray)) }
        }
        if !message.isEmpty { c.text(1, height - 1, message, Style(.red, bold: true), limit: width - 2) }
        return c
    }
}

/// Runs the workbench until the person quits; returns the exit code.
public enum WorkbenchLoop {
    /// `open` turns a path (model file or session) into a running session.
    public static func run(path: String?, home: String, open: (String) throws -> LiveSessionHandle,
                           saver: ((LiveSessionHandle, [String: String]) throws -> String)?) -> Int32 {
        let term = Terminal()
        defer { term.close() }
        var target = path
        var start = StartScreen(home: home)
        while target == nil {
            if let k = term.readKey() {
                if k == .char("q") { return 0 }
                target = start.handle(k)
            }
            term.draw(start.render(width: term.width, height: term.height))
            if let t = target {
                do {
                    let s = try open(t)
                    return runApp(App(session: s), term: term, saver: saver)
                } catch {
                    start.message = "\(error)"
                    target = nil
                }
            }
        }
        do {
            let s = try open(target!)
            return runApp(App(session: s), term: term, saver: saver)
        } catch {
            term.close()
            FileHandle.standardError.write(Data("netview: \(oneLine("\(error)"))\n".utf8))
            return 2
        }
    }

    static func runApp(_ app: App, term: Terminal, saver: ((LiveSessionHandle, [String: String]) throws -> String)?) -> Int32 {
        app.saver = saver
        app.session.start()
        defer { app.session.stop() }
        var last = Date.distantPast
        while !app.state.quit {
            if let k = term.readKey() {
                app.handle(k)
                last = .distantPast
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
