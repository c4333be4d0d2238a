import Foundation
import Interop
import ModelFiles
import NetCore

/// What the Sweep pane shows: its settings, the sweep's progress, and the map of the chosen
/// statistic over the grid (the most frequent word or the mean over seeds), or for seeds alone
/// the count of each value as bars; under it the point under the cursor.
struct SweepView {
    var settings: SweepSettings
    var watch: SweepWatch?
    var cursor: Int
    var selectedRow: Int
    var focused: Bool
    var editing: (row: Int, text: String)?

    static let buttonRow = SweepSettings.fields.count
    static let mapRow = SweepSettings.fields.count + 1

    /// Colours of the regimes' short names.
    static func colour(_ word: String) -> Color {
        switch word {
        case "SR", "X": return .red
        case "AI", "A": return .green
        case "SIf", "L": return .yellow
        case "SIs": return .magenta
        case "Q": return .gray
        default: return .cyan
        }
    }

    func render(_ c: inout Canvas, _ r: Rect) {
        var y = r.y
        for (k, f) in SweepSettings.fields.enumerated() {
            var text = " \(f) = \(settings.values[k])"
            var style = Style.plain
            if let e = editing, e.row == k { text = " \(f) = \(e.text)▏"; style = Style(.green, bold: true) }
            if focused && selectedRow == k && editing == nil { style.reverse = true }
            c.text(r.x, y, text, style, limit: r.width)
            y += 1
        }
        let running = watch?.running ?? false
        var button = running ? " [ running: Enter or x stops it ]" : " [ Enter on this line: start ]"
        if watch != nil && !running { button = " [ Enter on this line: start again ]" }
        c.text(r.x, y, button, Style(.cyan, bold: true, reverse: focused && selectedRow == SweepView.buttonRow), limit: r.width)
        y += 1
        guard let w = watch else {
            let help = ["across/down: NAME=START:STOP:STEP or NAME=A,B,C", "(a model parameter; either may be empty),",
                        "seeds: 1-10 or 1,2,5. Runs go on in background", "processes, one core left to this network.",
                        "show: a column of sweep.csv (brunel_regime,", "rate_hz.E, RECORDER.regime, ...)."]
            for line in help where y < r.maxY { c.text(r.x, y, line, Style(.gray), limit: r.width); y += 1 }
            return
        }
        var status = "\(w.done)/\(w.total) runs"
        if let left = w.secondsLeft, running { status += String(format: ", about %.0f s left", left) }
        if w.cancelled { status += ", stopped" } else if !running && w.error == nil { status += ", done" }
        status += " (\(w.jobs) at a time)"
        c.text(r.x, y, status, Style(.gray), limit: r.width)
        y += 1
        if let e = w.error { c.text(r.x, y, e, Style(.red), limit: r.width); y += 1 }
        c.text(r.x, y, "into \(w.folder)", Style(.gray), limit: r.width)
        y += 1
        let table = w.table, sums = table.summaries()
        let column = settings.values[4].trimmingCharacters(in: .whitespaces)
        let area = Rect(x: r.x, y: y, width: r.width, height: r.maxY - y)
        if w.plan.axes.isEmpty { bars(&c, area, sums.first, column) } else { map(&c, area, w.plan, sums, column, table) }
    }

    /// Seeds alone: each value of a word column as a bar, with its Wilson interval; a number's mean.
    func bars(_ c: inout Canvas, _ r: Rect, _ s: SweepTable.PointSummary?, _ column: String) {
        guard let s else { return }
        var y = r.y
        if let w = s.words.first(where: { $0.name == column }) {
            c.text(r.x, y, "\(column) over \(s.runs) runs:", Style(.yellow, bold: true), limit: r.width)
            y += 1
            let barW = max(1, r.width - 24)
            for k in w.counts {
                guard y < r.maxY else { break }
                let code = SweepMap.short(k.word)
                let n = s.runs > 0 ? Int((Double(k.n) / Double(s.runs) * Double(barW)).rounded()) : 0
                c.text(r.x, y, code.padding(toLength: 4, withPad: " ", startingAt: 0), Style(SweepView.colour(code), bold: true))
                c.text(r.x + 4, y, String(repeating: "█", count: n), Style(SweepView.colour(code)))
                c.text(r.x + 5 + n, y, String(format: "%d [%.2f-%.2f]", k.n, k.low, k.high), .plain, limit: max(0, r.maxX - r.x - 5 - n))
                y += 1
            }
        } else if let n = s.numbers.first(where: { $0.name == column }) {
            c.text(r.x, y, String(format: "%@: mean %.4g, 95%% [%.4g, %.4g] over %d runs", column, n.mean, n.low, n.high, s.runs), .plain, limit: r.width)
        } else {
            c.text(r.x, y, s.runs == 0 ? "no run finished yet" : "no column '\(column)' (show: a column of sweep.csv)", Style(.gray), limit: r.width)
        }
    }

    /// The map: first parameter across, second down (largest on top), the cursor reversed.
    func map(_ c: inout Canvas, _ r: Rect, _ plan: SweepPlan, _ sums: [SweepTable.PointSummary], _ column: String, _ table: SweepTable) {
        let across = plan.axes[0], down = plan.axes.count > 1 ? plan.axes[1] : nil
        let nDown = down?.values.count ?? 1
        let byPoint = Dictionary(uniqueKeysWithValues: sums.map { ($0.point, $0) })
        let labels = (down?.values ?? [0]).map { down == nil ? "" : formatG($0) }
        let labelW = max(labels.map(\.count).max() ?? 0, 1)
        let cellW = max(1, min(4, (r.width - labelW - 1) / across.values.count))
        let detailRows = 4
        let mapRows = max(1, min(nDown, r.height - 2 - detailRows))
        guard r.height >= 3 + detailRows else { return }
        c.text(r.x, r.y, "\(column): \(across.name) →" + (down.map { ", \($0.name) ↑" } ?? ""), Style(.yellow, bold: true), limit: r.width)
        let numbers = sums.compactMap { $0.mean(column) }
        let lo = numbers.min() ?? 0, hi = numbers.max() ?? 1
        let cy = cursor % nDown
        // Rows from the top: the largest value of the down axis first; the cursor's row kept in view.
        let order = Array((0..<nDown).reversed())
        let cursorLine = order.firstIndex(of: cy) ?? 0
        let first = max(0, min(cursorLine - mapRows / 2, nDown - mapRows))
        for (line, row) in order.dropFirst(first).prefix(mapRows).enumerated() {
            let y = r.y + 1 + line
            c.text(r.x, y, String(repeating: " ", count: labelW - labels[row].count) + labels[row], Style(.gray))
            for col in 0..<across.values.count {
                let p = col * nDown + row
                var text = String(repeating: "·", count: cellW), style = Style(.gray)
                if let s = byPoint[p], s.runs > 0 {
                    if let w = s.majority(column) {
                        let code = SweepMap.short(w)
                        text = cellW >= 3 ? code.padding(toLength: cellW, withPad: " ", startingAt: 0) : String(repeating: "█", count: cellW)
                        style = Style(SweepView.colour(code), bold: true)
                    } else if let m = s.mean(column) {
                        let shades: [Character] = ["░", "▒", "▓", "█"]
                        let k = hi > lo ? min(3, Int((m - lo) / (hi - lo) * 4)) : 3
                        text = String(repeating: shades[k], count: cellW)
                        style = Style(.cyan)
                    }
                }
                if p == cursor && focused && selectedRow == SweepView.mapRow { style.reverse = true }
                c.text(r.x + labelW + 1 + col * cellW, y, text, style)
            }
        }
        var y = r.y + 1 + mapRows
        let firstLabel = formatG(across.values[0]), lastLabel = formatG(across.values.last!)
        let mapEnd = r.x + labelW + 1 + across.values.count * cellW
        c.text(r.x + labelW + 1, y, firstLabel, Style(.gray))
        if mapEnd - lastLabel.count > r.x + labelW + 2 + firstLabel.count { c.text(mapEnd - lastLabel.count, y, lastLabel, Style(.gray)) }
        y += 1
        if numbers.count > 0 && byPoint.values.allSatisfy({ $0.majority(column) == nil }) {
            c.text(r.x, y, String(format: "░ %.3g … █ %.3g", lo, hi), Style(.cyan), limit: r.width)
            y += 1
        }
        // The point under the cursor.
        let values = zip(plan.axes.map(\.name), plan.point(cursor)).map { "\($0)=\(formatG($1))" }.joined(separator: " ")
        guard y < r.maxY else { return }
        let s = byPoint[cursor]
        c.text(r.x, y, "\(values): \(s?.runs ?? 0)/\(plan.seeds.count) runs" + ((s?.failed ?? 0) > 0 ? ", \(s!.failed) failed" : ""), Style(.normal, bold: true), limit: r.width)
        y += 1
        if let s, y < r.maxY {
            var parts: [String] = []
            if let w = s.words.first(where: { $0.name == column }) { parts.append(w.counts.map { "\($0.word) \($0.n)" }.joined(separator: ", ")) }
            parts += s.numbers.filter { $0.name.hasPrefix("rate_hz.") }.map { String(format: "%@ %.3g Hz", String($0.name.dropFirst(8)), $0.mean) }
            if let m = s.mean(column) { parts.insert(String(format: "%@ %.4g", column, m), at: 0) }
            c.text(r.x, y, parts.joined(separator: "; "), .plain, limit: r.width)
            y += 1
        }
        if y < r.maxY {
            c.text(r.x, y, "←→↑↓ move, Enter opens seed \(plan.seeds[0]) of this point live", Style(.gray), limit: r.width)
        }
    }
}
