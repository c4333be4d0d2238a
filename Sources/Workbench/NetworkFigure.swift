import Foundation
import Interop
import Session

/// A network's activity as a paper's figure (SVG): a raster with the populations coloured and
/// named, the population rates under it, the V_m of recorded cells, and a histogram of per-cell
/// rates per population; from an output folder (`netview plot`) or the workbench's view (`:plot`).
public struct NetworkFigure {
    public struct Trace {
        public var label: String
        public var times: [Double]
        public var values: [Double]
    }

    public var title: String
    public var subtitle: String
    public var populations: [NetworkInfo.Population]
    /// Spikes in (from, to], in time order.
    public var times: [Double]
    public var ids: [Int32]
    public var from: Double
    public var to: Double
    public var traces: [Trace]
    public var width: Double

    /// At most this many raster rows: more cells are shown evenly subsampled (and the caption says so).
    public static let maxRows = 400

    public init(title: String, subtitle: String = "", populations: [NetworkInfo.Population], times: [Double], ids: [Int32],
                from: Double, to: Double, traces: [Trace], width: Double) {
        (self.title, self.subtitle, self.populations, self.times, self.ids) = (title, subtitle, populations, times, ids)
        (self.from, self.to, self.traces, self.width) = (from, to, traces, width)
    }

    /// From a finished output folder over (from, to] (default the whole run); `cells` narrows the
    /// populations to id ranges, and the V_m traces to those cells (default: up to 3 recorded).
    public init(replay r: Replay, from: Double?, to: Double?, cells: [ClosedRange<Int>]?, width: Double) {
        let lo = from ?? 0, hi = to ?? r.end
        var pops = r.info.populations
        if let cells {
            pops = pops.compactMap { p in
                let ids = (p.firstID..<(p.firstID + p.count)).filter { id in cells.contains { $0.contains(id) } }
                guard let a = ids.first, let b = ids.last else { return nil }
                var q = p
                q.firstID = a
                q.count = b - a + 1
                return q
            }
        }
        let a = Replay.upperBound(r.spikeTimes, lo), b = Replay.upperBound(r.spikeTimes, hi)
        var traces: [Trace] = []
        let chosen = r.traces.keys.sorted().filter { id in cells.map { $0.contains { $0.contains(id) } } ?? true }.prefix(3)
        for id in chosen {
            let tr = r.traces[id]!
            let i = Replay.upperBound(tr.times, lo), j = Replay.upperBound(tr.times, hi)
            let pop = r.info.populations.first { id >= $0.firstID && id < $0.firstID + $0.count }?.name
            traces.append(Trace(label: "cell \(id)" + (pop.map { " (\($0))" } ?? ""), times: Array(tr.times[i..<j]), values: Array(tr.values[i..<j])))
        }
        let s = r.seeds
        self.init(title: r.name, subtitle: "seeds: network \(s.network), stimulus \(s.stimulus), state \(s.state)", populations: pops,
                  times: Array(r.spikeTimes[a..<b]), ids: Array(r.spikeIDs[a..<b]), from: lo, to: hi, traces: traces, width: width)
    }

    /// The workbench's view: its window of spikes and the chosen cell's V_m.
    public init(frame f: Frame, info: NetworkInfo, width: Double) {
        let lo = max(0, f.time - f.window)
        let keep = f.spikeTimes.indices.filter { f.spikeTimes[$0] > lo && f.spikeTimes[$0] <= f.time }
        let pop = info.populations.first { f.cell >= $0.firstID && f.cell < $0.firstID + $0.count }?.name
        let trace = f.vmTimes.isEmpty ? [] : [Trace(label: "cell \(f.cell)" + (pop.map { " (\($0))" } ?? ""), times: f.vmTimes, values: f.vmValues)]
        let s = f.seeds
        self.init(title: f.modelName, subtitle: "seeds: network \(s.network), stimulus \(s.stimulus), state \(s.state)", populations: info.populations,
                  times: keep.map { f.spikeTimes[$0] }, ids: keep.map { f.spikeIDs[$0] }, from: lo, to: f.time, traces: trace, width: width)
    }

    public var svg: String { render().document }

    func colour(_ k: Int) -> String { SVG.palette[k % SVG.palette.count] }

    func render() -> SVG {
        let left = 14.0, right = 3.0, pw = width - left - right
        var g = SVG(width: width, height: 10)
        g.text(left, 4.5, title, bold: true)
        let total = populations.reduce(0) { $0 + $1.count }
        let stride = max(1, Int((Double(total) / Double(NetworkFigure.maxRows)).rounded(.up)))
        var caption = String(format: "%.6g-%.6g ms", from, to)
        if stride > 1 { caption += "; 1 cell in \(stride) of \(total) shown" }
        g.text(left, 7.8, subtitle, size: SVG.small, color: "#444444")
        g.text(left, 10.6, caption, size: SVG.small, color: "#444444")
        let span = max(to - from, 1e-9)
        let inSeconds = span > 2000
        let tScale = inSeconds ? 1000.0 : 1
        let tLabel = inSeconds ? "time (s)" : "time (ms)"
        func x(_ t: Double) -> Double { left + (t - from) / span * pw }

        // Raster: populations top to bottom in id order, each cell a row.
        let rasterTop = 13.0, rasterH = width < 120 ? 42.0 : 58.0
        let rows = populations.map { ($0.count + stride - 1) / stride }
        let rowH = rasterH / Double(max(1, rows.reduce(0, +)))
        var rowStart: [Double] = []
        var acc = 0
        for r in rows { rowStart.append(rasterTop + Double(acc) * rowH); acc += r }
        g.group("raster") { g in
            for (k, p) in populations.enumerated() {
                var d = ""
                for (t, id) in zip(times, ids) {
                    let i = Int(id) - p.firstID
                    guard i >= 0, i < p.count, i % stride == 0 else { continue }
                    d += "M\(SVG.n(x(t))) \(SVG.n(rowStart[k] + Double(i / stride) * rowH))v\(SVG.n(max(rowH * 0.9, 0.15)))"
                }
                g.path(d, color: colour(k), width: 0.18, label: p.name)
                g.text(left - 1, rowStart[k] + Double(rows[k]) * rowH / 2 + SVG.font / 3, p.name, anchor: "end", color: colour(k), bold: true)
            }
            g.line(left, rasterTop, left, rasterTop + rasterH)
            g.line(left, rasterTop + rasterH, left + pw, rasterTop + rasterH)
        }

        // Population rates in bins of about span / 150.
        let rateTop = rasterTop + rasterH + 3, rateH = 16.0
        // 1, 2 or 5 times a power of ten (0.1 ms at least): at most 150 bins over any period.
        let bin = (-1...300).lazy.flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }.first { span / $0 <= 150 } ?? span
        let nBins = max(1, Int((span / bin).rounded(.up)))
        var rates: [[Double]] = []
        for p in populations {
            var c = [Double](repeating: 0, count: nBins)
            for (t, id) in zip(times, ids) where Int(id) >= p.firstID && Int(id) < p.firstID + p.count {
                c[min(nBins - 1, max(0, Int((t - from) / bin)))] += 1
            }
            rates.append(c.map { $0 / Double(max(1, p.count)) / (bin / 1000) })
        }
        let top = max(1, rates.flatMap { $0 }.max() ?? 1) * 1.05
        g.group("rate") { g in
            for (k, r) in rates.enumerated() {
                let pts = r.enumerated().map { (x(from + (Double($0.offset) + 0.5) * bin), rateTop + rateH - $0.element / top * rateH) }
                g.polyline(pts, color: colour(k), label: populations[k].name)
            }
            g.axes((left, rateTop, pw, rateH), x: (from / tScale, to / tScale, tLabel), y: (0, top, "rate (Hz)"))
            g.text(left + pw, rateTop + SVG.small, "bins of \(SVG.n(bin)) ms", size: SVG.small, anchor: "end", color: "#444444")
        }
        var y = rateTop + rateH + 13

        // V_m of the recorded cells.
        let vmValues = traces.flatMap(\.values).filter(\.isFinite)
        if let vlo = vmValues.min(), let vhi = vmValues.max() {
            let h = 18.0, pad = max(1, (vhi - vlo) * 0.05)
            g.group("vm") { g in
                for (k, tr) in traces.enumerated() {
                    let pts = zip(tr.times, tr.values).filter { $0.1.isFinite }.map { (x($0.0), y + h - ($0.1 - vlo + pad) / (vhi - vlo + 2 * pad) * h) }
                    let c = ["#000000", "#777777", "#BBBBBB"][k % 3]
                    g.polyline(pts, color: c, width: 0.2, label: tr.label)
                    g.text(left + pw - Double(k) * 28, y - 1, tr.label, size: SVG.small, anchor: "end", color: c)
                }
                g.axes((left, y, pw, h), x: (from / tScale, to / tScale, tLabel), y: (vlo - pad, vhi + pad, "V_m (mV)"))
            }
            y += h + 11
        }

        // Per-cell rate histograms, one panel per population, up to 4 a row.
        let seconds = span / 1000
        let perRow = min(width < 120 ? 2 : 4, max(1, populations.count)), gap = 12.0
        let hw = (pw - Double(perRow - 1) * gap) / Double(perRow), hh = 16.0
        var counts: [Int: Int] = [:]
        for id in ids { counts[Int(id), default: 0] += 1 }
        g.group("histograms") { g in
            for (k, p) in populations.enumerated() {
                let px = left + Double(k % perRow) * (hw + gap), py = y + 4 + Double(k / perRow) * (hh + 16)
                let r = (0..<p.count).map { Double(counts[p.firstID + $0] ?? 0) / seconds }
                let hi = max(1, r.max() ?? 1)
                let nb = 20
                var h = [Int](repeating: 0, count: nb)
                for v in r { h[min(nb - 1, Int(v / hi * Double(nb)))] += 1 }
                let peak = Double(max(1, h.max() ?? 1))
                for (b, n) in h.enumerated() where n > 0 {
                    let bw = hw / Double(nb)
                    g.rect(px + Double(b) * bw, py + hh - Double(n) / peak * hh, bw * 0.9, Double(n) / peak * hh, fill: colour(k),
                           title: "\(p.name): \(n) cells")
                }
                let mean = r.isEmpty ? 0 : r.reduce(0, +) / Double(r.count)
                g.text(px, py - 1, String(format: "%@: mean %.3g Hz", p.name, mean), size: SVG.small, color: colour(k), bold: true)
                g.axes((px, py, hw, hh), x: (0, hi, "rate (Hz)"), y: (0, peak, "cells"))
            }
        }
        g.grow(to: y + 4 + Double((populations.count + perRow - 1) / perRow) * (hh + 16) + 2)
        return g
    }
}
