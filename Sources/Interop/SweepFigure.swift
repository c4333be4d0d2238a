import Foundation
import NetCore

/// A sweep's map as a paper's figure (SVG): the first parameter across, the second up (a phase
/// diagram's orientation), each point a cell coloured by the most frequent value of a word column
/// (with a legend) or the mean of a number column (with a colour bar); a sweep of one parameter is
/// one row, a sweep of seeds alone a bar per value.
public struct SweepFigure {
    public var table: SweepTable
    public var column: String
    public var width: Double

    public init(table: SweepTable, column: String, width: Double) {
        (self.table, self.column, self.width) = (table, column, width)
    }

    /// Colours of the regimes; other words take the palette in order.
    static let regimeColours = ["SR": "#D55E00", "AI": "#009E73", "SI fast": "#E69F00", "SI slow": "#CC79A7", "Q": "#999999",
                                "active": "#009E73", "locked": "#E69F00", "extinct": "#D55E00"]

    /// A colour for `t` in [0, 1]: dark blue to yellow (perceptually ordered, as viridis).
    static func ramp(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let u = min(1, max(0, t)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(u)), f = u - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        func c(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02X%02X%02X", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    public var svg: String {
        let plan = table.plan, sums = table.summaries()
        let left = 16.0, right = width < 120 ? 22.0 : 34.0, pw = width - left - right
        var g = SVG(width: width, height: 20)
        let name = URL(fileURLWithPath: plan.model).deletingPathExtension().lastPathComponent
        g.text(left, 4.5, "\(name): \(column)", bold: true)
        let fixed = plan.fixed.sorted { $0.key < $1.key }.map { "\($0.key) = \(SweepRow.format($0.value))" }.joined(separator: ", ")
        g.text(left, 8, "\(plan.seeds.count) seed\(plan.seeds.count == 1 ? "" : "s") per point, \(SweepRow.format(plan.timeMs)) ms each" +
               (fixed.isEmpty ? "" : "; \(fixed)"), size: SVG.small, color: "#444444")
        var words: [String] = []
        for s in sums { if let w = s.majority(column), !words.contains(w) { words.append(w) } }
        let numbers = sums.compactMap { $0.mean(column) }
        let lo = numbers.min() ?? 0, hi = numbers.max() ?? 1
        func colour(_ s: SweepTable.PointSummary) -> String? {
            if let w = s.majority(column) {
                return SweepFigure.regimeColours[w] ?? SVG.palette[(words.firstIndex(of: w) ?? 0) % SVG.palette.count]
            }
            if let m = s.mean(column) { return SweepFigure.ramp(hi > lo ? (m - lo) / (hi - lo) : 0.5) }
            return nil
        }
        let top = 11.0
        if plan.axes.isEmpty {
            // Seeds alone: a bar per value (word columns) with its Wilson interval.
            guard let s = sums.first, let w = s.words.first(where: { $0.name == column }) else { return g.document }
            let barH = 6.0
            for (k, c) in w.counts.enumerated() {
                let y = top + Double(k) * (barH + 2)
                let frac = Double(c.n) / Double(max(1, s.runs))
                g.rect(left, y, frac * pw, barH, fill: SweepFigure.regimeColours[c.word] ?? SVG.palette[k % SVG.palette.count])
                g.line(left + c.low * pw, y + barH / 2, left + c.high * pw, y + barH / 2, width: 0.3)
                g.text(left - 1, y + barH / 2 + SVG.font / 3, c.word, anchor: "end")
                g.text(left + frac * pw + 1, y + barH / 2 + SVG.small / 3, "\(c.n) of \(s.runs)", size: SVG.small)
            }
            let h = top + Double(w.counts.count) * (barH + 2)
            g.axes((left, top, pw, h - top), x: (0, 1, "fraction of runs (bars: 95% Wilson intervals)"), y: nil)
            g.grow(to: h + 12)
            return g.document
        }
        let across = plan.axes[0], down = plan.axes.count > 1 ? plan.axes[1] : nil
        let nA = across.values.count, nD = down?.values.count ?? 1
        let cw = pw / Double(nA)
        let ch = min(cw, (width < 120 ? 60.0 : 100.0) / Double(nD))
        let mapH = ch * Double(nD)
        let byPoint = Dictionary(uniqueKeysWithValues: sums.map { ($0.point, $0) })
        g.group("map") { g in
            for a in 0..<nA {
                for d in 0..<nD {
                    let p = a * nD + d
                    let x = left + Double(a) * cw, y = top + mapH - Double(d + 1) * ch
                    let values = zip(plan.axes.map(\.name), plan.point(p)).map { "\($0) = \(SweepRow.format($1))" }.joined(separator: ", ")
                    if let s = byPoint[p], s.runs > 0, let c = colour(s) {
                        let what = s.majority(column) ?? s.mean(column).map { String(format: "%.4g", $0) } ?? ""
                        g.rect(x, y, cw, ch, fill: c, stroke: "#ffffff", title: "\(values): \(what) (\(s.runs) runs)")
                    } else {
                        g.rect(x, y, cw, ch, fill: "#eeeeee", stroke: "#ffffff", title: "\(values): no run")
                    }
                }
            }
        }
        // Axes: a tick at each grid value (labels thinned to fit).
        g.line(left, top + mapH, left + pw, top + mapH)
        let everyA = max(1, Int((Double(nA) * 6 / pw).rounded(.up)))
        for a in 0..<nA where a % everyA == 0 {
            let x = left + (Double(a) + 0.5) * cw
            g.line(x, top + mapH, x, top + mapH + 0.8)
            g.text(x, top + mapH + 0.8 + SVG.small, SweepRow.format(across.values[a]), size: SVG.small, anchor: "middle")
        }
        g.text(left + pw / 2, top + mapH + 1.6 + SVG.small + SVG.font, across.name, anchor: "middle")
        if let down {
            g.line(left, top, left, top + mapH)
            let everyD = max(1, Int((Double(nD) * 3 / mapH).rounded(.up)))
            for d in 0..<nD where d % everyD == 0 {
                let y = top + mapH - (Double(d) + 0.5) * ch
                g.line(left - 0.8, y, left, y)
                g.text(left - 1.1, y + SVG.small / 3, SweepRow.format(down.values[d]), size: SVG.small, anchor: "end")
            }
            g.text(left - 9, top + mapH / 2, down.name, anchor: "middle", rotate: true)
        }
        // Legend or colour bar at the right.
        let lx = left + pw + 3
        if !words.isEmpty {
            for (k, w) in words.enumerated() {
                let y = top + Double(k) * 5
                g.rect(lx, y, 3.5, 3.5, fill: SweepFigure.regimeColours[w] ?? SVG.palette[k % SVG.palette.count])
                g.text(lx + 5, y + 3, w, size: SVG.small)
            }
        } else if !numbers.isEmpty {
            let steps = 20, bh = mapH / Double(steps)
            for k in 0..<steps { g.rect(lx, top + mapH - Double(k + 1) * bh, 3.5, bh + 0.05, fill: SweepFigure.ramp((Double(k) + 0.5) / Double(steps))) }
            g.text(lx + 5, top + SVG.small, String(format: "%.3g", hi), size: SVG.small)
            g.text(lx + 5, top + mapH, String(format: "%.3g", lo), size: SVG.small)
        }
        g.grow(to: top + mapH + 14)
        return g.document
    }
}
