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
    var sweep: SweepView?

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
        case .sweep: sweep?.render(&c, inner)
        case .help: help(&c, inner)
        case .output: output(&c, inner)
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

    /// Lines read from `state.scroll` down, wrapped at the pane's width; the last row says how to
    /// see the rest when there is more.
    func scrolled(_ c: inout Canvas, _ r: Rect, _ lines: [(String, Style)]) {
        let wrapped = SidePane.wrapped(lines, width: r.width)
        let first = max(0, min(state.scroll, wrapped.count - r.height))
        let more = wrapped.count - first > r.height
        for (k, line) in wrapped.dropFirst(first).prefix(more ? r.height - 1 : r.height).enumerated() {
            c.text(r.x, r.y + k, line.0, line.1, limit: r.width)
        }
        if more {
            let hint = state.focusOnPane ? "↓ \(wrapped.count - first - r.height + 1) more lines (↑↓ PgUp PgDn)" : "↓ more: Tab focuses, then ↑↓"
            c.text(r.x, r.maxY - 1, hint, Style(.cyan), limit: r.width)
        }
    }

    static func wrapped(_ lines: [(String, Style)], width: Int) -> [(String, Style)] {
        // Continuation lines are indented by one column, so a wrapped line reads as one.
        lines.flatMap { line in wrapWords(line.0, width: width, indent: " ").map { ($0, line.1) } }
    }

    /// The inner width of the side pane on a screen `width` wide.
    static func innerWidth(screen width: Int) -> Int { max(34, width * 2 / 5) - 2 }

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
        for l in st.lines {
            let style = l.hasPrefix("Result") ? Style(.green, bold: true) : l.hasPrefix("Cancelled") || l.hasPrefix("Failed") ? Style(.yellow, bold: true) : .plain
            lines.append((l, style))
        }
        if let e = st.error, st.lines.isEmpty { lines.append((e, Style(.red))) }
        let listRect = Rect(x: r.x, y: r.y, width: r.width, height: max(0, r.height - 10))
        // What the search varies stays in view above the plot.
        if !st.varies.isEmpty { c.text(r.x, r.maxY - 9, st.varies + "; on a copy of the network at t = 0", Style(.gray), limit: r.width) }
        // The newest lines stay in view while the search runs.
        let selected = st.running || st.result != nil || st.cancelled ? lines.count - 1 : min(state.selectedRow, BisectionSettings.fields.count)
        list(&c, listRect, lines, selected: selected)
        // Rate against guess, with labelled axes.
        let plot = Rect(x: r.x, y: r.maxY - 8, width: r.width, height: 8)
        guard !st.evaluations.isEmpty, plot.width > 16 else { return }
        // Rates far above the target (347 Hz at the lower bracket) are clipped to the top.
        let top = max(b.target * 4, 1)
        let axisW = 5
        c.text(plot.x, plot.y, "neuron rate (Hz) vs \(st.label)\(st.unit.isEmpty ? "" : " (\(st.unit))"); dotted: target", Style(.gray), limit: plot.width)
        c.text(plot.x, plot.y + 1, String(format: "%4.0f", top), Style(.gray))
        c.text(plot.x, plot.y + 5, String(format: "%4.0f", 0.0), Style(.gray))
        var g = BrailleGrid(columns: plot.width - axisW, rows: 5)
        for e in st.evaluations {
            let px = pixel((e.guess - b.lower) / max(b.upper - b.lower, 1e-9), g.pixelWidth, rounded: true)
            let py = pixel(1 - min(e.rate, top) / top, g.pixelHeight, rounded: true)
            g.plot(px, py, .yellow)
        }
        let ty = pixel(1 - b.target / top, g.pixelHeight, rounded: true)
        for px in 0..<g.pixelWidth where px % 4 == 0 { g.plot(px, ty, .gray) }
        g.draw(into: &c, at: plot.x + axisW, plot.y + 1)
        let lo = formatG(b.lower), hi = formatG(b.upper)
        c.text(plot.x + axisW, plot.y + 6, lo, Style(.gray))
        c.text(plot.maxX - hi.count, plot.y + 6, hi, Style(.gray))
        let xl = "\(st.label) (\(st.unit))"
        c.text(plot.x + axisW + max(lo.count + 1, (plot.width - axisW - xl.count) / 2), plot.y + 6, xl, Style(.gray), limit: max(0, plot.width - axisW - lo.count - hi.count - 2))
    }

    func network(_ c: inout Canvas, _ r: Rect) {
        var lines: [(String, Style)] = info.populations.map {
            ("\($0.name): \($0.model) x \($0.count) (ids \($0.firstID)-\($0.firstID + $0.count - 1))", Style($0.color))
        }
        lines.append(("", .plain))
        lines += info.connections.map { ($0, .plain) }
        if !frame.partners.isEmpty {
            lines.append(("", .plain))
            lines.append(("Partners of the chosen cell (← → choose)", Style(.yellow, bold: true)))
            lines += frame.partners.map { ($0, .plain) }
        }
        scrolled(&c, r, lines)
    }

    func output(_ c: inout Canvas, _ r: Rect) {
        scrolled(&c, r, state.output.components(separatedBy: "; ").map { ($0, .plain) })
    }

    func help(_ c: inout Canvas, _ r: Rect) { scrolled(&c, r, SidePane.helpLines) }

    static let commandHeading = "Command line (:)"

    static var helpLines: [(String, Style)] {
        var lines: [(String, Style)] = KeyMap.bindings.map { b in
            (b.label.padding(toLength: 6, withPad: " ", startingAt: 0) + b.help, .plain)
        }
        lines.append(("", .plain))
        lines.append((commandHeading, Style(.yellow, bold: true)))
        lines += SessionCommand.usage.map { ($0, Style(.gray)) }
        return lines
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
