import Foundation
import Session

/// The side panes: parameters, seeds, bisection, network and help.
public struct SidePane {
    public var pane: Pane
    public var frame: Frame
    public var info: NetworkInfo
    public var rows: [ParamRow]
    public var state: AppState
    public var bisection: BisectionSettings?

    public init(pane: Pane, frame: Frame, info: NetworkInfo, rows: [ParamRow], state: AppState, bisection: BisectionSettings?) {
        self.pane = pane
        self.frame = frame
        self.info = info
        self.rows = rows
        self.state = state
        self.bisection = bisection
    }

    public func render(into c: inout Canvas, area: Rect) {
        let focus = state.focusOnPane ? " (focused)" : ""
        c.box(area, title: pane.rawValue.capitalized + focus)
        let inner = Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 2)
        guard !inner.isEmpty else { return }
        switch pane {
        case .parameters: parameters(&c, inner)
        case .seeds: seeds(&c, inner)
        case .bisection: bisectionPane(&c, inner)
        case .network: network(&c, inner)
        case .help: help(&c, inner)
        }
    }

    func list(_ c: inout Canvas, _ r: Rect, _ lines: [(String, Style)], selected: Int?) {
        let first = max(0, min((selected ?? 0) - r.height / 2, lines.count - r.height))
        for (k, line) in lines.dropFirst(first).prefix(r.height).enumerated() {
            var s = line.1
            if selected == first + k && state.focusOnPane { s.reverse = true }
            c.text(r.x, r.y + k, line.0, s, limit: r.width)
        }
    }

    func parameters(_ c: inout Canvas, _ r: Rect) {
        let lines = rows.enumerated().map { k, row -> (String, Style) in
            if let h = row.header { return (h, Style(.yellow, bold: true)) }
            if case let .edit(editRow, text) = state.prompt, editRow == k {
                return (" \(row.name) = \(text)▏", Style(.green, bold: true))
            }
            let unit = row.unit.isEmpty ? "" : " \(row.unit)"
            return (" \(row.name) = \(row.value)\(unit)", row.command == nil ? Style(.gray) : .plain)
        }
        list(&c, r, lines, selected: state.selectedRow)
    }

    func seeds(_ c: inout Canvas, _ r: Rect) {
        let s = frame.seeds
        let lines: [(String, Style)] = [
            ("network  \(s.network)", .plain), ("stimulus \(s.stimulus)", .plain), ("state    \(s.state)", .plain),
            ("", .plain),
            ("Enter on a stream: type a new seed;", Style(.gray)), ("r: reseed a stream or all and", Style(.gray)),
            ("restart from t = 0.", Style(.gray)),
            ("network: connectivity; stimulus:", Style(.gray)), ("Poisson drive; state: random", Style(.gray)), ("initial values.", Style(.gray)),
        ]
        var shown = lines
        if case let .edit(row, text) = state.prompt, row < 3 {
            shown[row] = (["network  ", "stimulus ", "state    "][row] + text + "▏", Style(.green, bold: true))
        }
        list(&c, r, shown, selected: min(state.selectedRow, 2))
    }

    func bisectionPane(_ c: inout Canvas, _ r: Rect) {
        guard let b = bisection else {
            c.text(r.x, r.y, "This model has no bisection block.", Style(.gray), limit: r.width)
            return
        }
        let st = frame.bisection
        var lines: [(String, Style)] = BisectionSettings.fields.enumerated().map { k, f in
            if case let .edit(row, text) = state.prompt, row == k { return (" \(f) = \(text)▏", Style(.green, bold: true)) }
            return (" \(f) = \(b.value(k))", .plain)
        }
        lines.append((st.running ? " [ running… Enter or x cancels ]" : " [ Enter on this line: start ]", Style(.cyan, bold: true)))
        for e in st.evaluations {
            lines.append((String(format: "%@ %.2f %@ -> %.2f Hz", st.label, e.guess, st.unit, e.rate), .plain))
        }
        if let x = st.result { lines.append((String(format: "Result: %.2f %@", x, st.unit), Style(.green, bold: true))) }
        if let e = st.error { lines.append((e, Style(.red))) }
        let listRect = Rect(x: r.x, y: r.y, width: r.width, height: max(0, r.height - 8))
        list(&c, listRect, lines, selected: min(state.selectedRow, BisectionSettings.fields.count))
        // Rate against guess.
        let plot = Rect(x: r.x, y: r.maxY - 7, width: r.width, height: 7)
        guard !st.evaluations.isEmpty, plot.width > 10 else { return }
        // Rates far above the target (347 Hz at the lower bracket) are clipped to the top.
        let top = max(b.target * 4, 1)
        c.text(plot.x, plot.y, String(format: "rate vs guess (0-%.0f Hz, dotted: target)", top), Style(.gray), limit: plot.width)
        var g = BrailleGrid(columns: plot.width, rows: plot.height - 1)
        for e in st.evaluations {
            let px = Int((e.guess - b.lower) / max(b.upper - b.lower, 1e-9) * Double(g.pixelWidth - 1))
            let py = Int((1 - min(e.rate, top) / top) * Double(g.pixelHeight - 1))
            g.plot(px, py, .yellow)
        }
        let ty = Int((1 - b.target / top) * Double(g.pixelHeight - 1))
        for px in 0..<g.pixelWidth where px % 4 == 0 { g.plot(px, ty, .gray) }
        g.draw(into: &c, at: plot.x, plot.y + 1)
    }

    func network(_ c: inout Canvas, _ r: Rect) {
        var lines: [(String, Style)] = info.populations.map {
            ("\($0.name): \($0.model) x \($0.count) (ids \($0.firstID)-\($0.firstID + $0.count - 1))", Style($0.color))
        }
        lines.append(("", .plain))
        lines += info.connections.map { ($0, .plain) }
        list(&c, r, lines, selected: nil)
    }

    func help(_ c: inout Canvas, _ r: Rect) {
        var lines: [(String, Style)] = KeyMap.bindings.map { b in
            (b.label.padding(toLength: 6, withPad: " ", startingAt: 0) + b.help, .plain)
        }
        lines.append(("", .plain))
        lines.append(("Command line (:)", Style(.yellow, bold: true)))
        lines += SessionCommand.usage.map { ($0, Style(.gray)) }
        list(&c, r, lines, selected: nil)
    }
}

/// The editable settings of the bisection panel.
public struct BisectionSettings: Sendable {
    public var target: Double
    public var lower: Double
    public var upper: Double
    public var xtol: Double
    public var tEval: Double
    public static let fields = ["target (Hz)", "lower", "upper", "xtol", "t_eval (ms)"]

    public func value(_ k: Int) -> String {
        formatG([target, lower, upper, xtol, tEval][k])
    }

    public mutating func set(_ k: Int, _ v: Double) throws {
        guard v.isFinite else { throw CommandError("must be a finite number") }
        switch k {
        case 0: target = v
        case 1: lower = v
        case 2: upper = v
        case 3:
            guard v > 0 else { throw CommandError("xtol must be > 0") }
            xtol = v
        default:
            guard v > 0 else { throw CommandError("t_eval must be > 0 ms") }
            tEval = v
        }
    }
}

func formatG(_ x: Double) -> String { String(format: "%g", x) }
