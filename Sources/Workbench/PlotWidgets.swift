import Foundation
import NetCore
import Session

/// Spikes as braille dots, time scrolling left, one row of dots per cell (cells subsampled evenly
/// when there are more cells than rows), populations in their colours and named on the axis.
public struct RasterWidget {
    public var frame: Frame
    public var info: NetworkInfo
    /// Columns for the population names on the left (the longest name, 5 to 12 characters).
    public let labelWidth: Int

    public init(frame: Frame, info: NetworkInfo) {
        self.frame = frame
        self.info = info
        labelWidth = RasterWidget.labelWidth(info)
    }

    public static func labelWidth(_ info: NetworkInfo) -> Int {
        min(13, max(6, (info.populations.map(\.name.count).max() ?? 0) + 1))
    }

    /// Every `stride`-th cell gets a row of dots.
    public func stride(rows: Int) -> Int { max(1, Int((Double(info.neuronCount) / Double(max(rows, 1))).rounded(.up))) }

    public func render(into c: inout Canvas, area: Rect) {
        guard area.width > labelWidth + 2, area.height >= 2 else { return }
        let plot = Rect(x: area.x + labelWidth, y: area.y, width: area.width - labelWidth, height: area.height)
        var grid = BrailleGrid(columns: plot.width, rows: plot.height)
        let k = stride(rows: grid.pixelHeight)
        let t0 = max(0, frame.time - frame.window)
        frame.spikes.forEach(after: t0) { t, id in
            guard let o = info.ordinal(of: Int(id)), o % k == 0, let pop = info.population(of: Int(id)) else { return }
            let px = Int((t - t0) / frame.window * Double(grid.pixelWidth - 1))
            grid.plot(px, o / k, pop.color)
        }
        grid.draw(into: &c, at: plot.x, plot.y)
        // Population names at the middle of their rows.
        var base = 0
        for p in info.populations {
            let mid = (base + p.count / 2) / k / 4
            c.text(area.x, area.y + min(mid, area.height - 1), String(p.name.prefix(labelWidth - 1)), Style(p.color, bold: true))
            base += p.count
        }
    }
}

/// The population rate over time (Hz) in bins, as a bar strip, like NEST's raster_plot.
public struct RateStrip {
    public var frame: Frame
    public var neurons: Int
    public var labelWidth: Int
    /// Only the spikes of these populations count (nil: all).
    public var only: NetworkInfo?

    public init(frame: Frame, neurons: Int, labelWidth: Int = 6, only: NetworkInfo? = nil) {
        self.frame = frame
        self.neurons = neurons
        self.labelWidth = labelWidth
        self.only = only
    }

    public func rates(bins: Int) -> [Double] {
        guard bins > 0, neurons > 0 else { return [] }
        var counts = [Int](repeating: 0, count: bins)
        let t0 = max(0, frame.time - frame.window)
        frame.spikes.forEach(after: t0) { t, id in
            if let only, only.population(of: Int(id)) == nil { return }
            counts[min(bins - 1, max(0, Int((t - t0) / frame.window * Double(bins))))] += 1
        }
        let binSeconds = frame.window / Double(bins) / 1000
        return counts.map { Double($0) / Double(neurons) / binSeconds }
    }

    public func render(into c: inout Canvas, area: Rect) {
        guard area.width > labelWidth + 2, area.height >= 1 else { return }
        let w = area.width - labelWidth
        let r = rates(bins: w)
        let top = max(r.max() ?? 0, 1)
        c.text(area.x, area.y, String(format: "%4.0fHz", top).prefix(labelWidth).description, Style(.gray))
        let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        for (i, v) in r.enumerated() {
            let units = v.isFinite ? Int((v / top * Double(area.height * 8)).rounded()) : 0
            for row in 0..<area.height {
                let fromBottom = area.height - 1 - row
                let u = min(8, max(0, units - fromBottom * 8))
                if u > 0 { c.set(area.x + labelWidth + i, area.y + row, levels[u], Style(.blue)) }
            }
        }
    }
}

/// V_m of the chosen cell with a labelled mV axis and its spikes marked.
public struct TraceWidget {
    public var frame: Frame
    public var info: NetworkInfo

    public init(frame: Frame, info: NetworkInfo) {
        self.frame = frame
        self.info = info
    }

    /// The chosen cell now: V_m at the last sample and its rate over the window.
    public static func nowText(_ f: Frame) -> String? {
        let t0 = max(0, f.time - f.window), span = (f.time - max(t0, f.spikes.coveredFrom)) / 1000
        guard span > 0 else { return nil }
        var n = 0
        f.spikes.forEach(after: t0) { _, id in if Int(id) == f.cell { n += 1 } }
        let vm = f.vmValues.last.map { " V_m \(formatSig($0, 4)) mV," } ?? ""
        return "\(vm) \(formatSig(Double(n) / span, 3)) Hz over the last \(formatSig(span, 3)) s"
    }

    public func render(into c: inout Canvas, area: Rect) {
        guard area.width > 12, area.height >= 3 else { return }
        let pop = info.population(of: frame.cell)
        let name = pop.map { "cell \(frame.cell) (\($0.name)[\(frame.cell - $0.firstID)], \($0.model))" } ?? "cell \(frame.cell)"
        c.text(area.x, area.y, name, Style(.normal, bold: true), limit: area.width)
        if let now = TraceWidget.nowText(frame) {
            c.text(area.x + name.count + 2, area.y, now, Style(.gray), limit: max(0, area.width - name.count - 2))
        }
        let plot = Rect(x: area.x + 8, y: area.y + 1, width: area.width - 8, height: area.height - 2)
        TimeAxis.render(into: &c, x: plot.x, y: area.maxY - 1, width: plot.width, frame: frame, note: "", legend: [])
        let t0 = max(0, frame.time - frame.window)
        let window = zip(frame.vmTimes, frame.vmValues).filter { $0.0 > t0 }
        // A diverged cell (V_m infinite or NaN after an extreme edit) has no place on the axis.
        let vs = window.filter { $0.1.isFinite && abs($0.1) < 1e300 }
        guard !vs.isEmpty else {
            if !window.isEmpty {
                c.text(plot.x, plot.y, "V_m is not finite (\(window.last!.1) mV)", Style(.red), limit: plot.width)
                return
            }
            c.text(plot.x, plot.y, frame.endTime == nil ? "no samples yet" : "no V_m recorded for this cell ([ ] steps to one that has)", Style(.gray))
            return
        }
        var lo = vs.map(\.1).min()!, hi = vs.map(\.1).max()!
        if hi - lo < 1 { lo -= 0.5; hi += 0.5 }
        c.text(area.x, plot.y, String(format: "%6.1f", hi), Style(.gray))
        c.text(area.x, plot.maxY - 1, String(format: "%6.1f", lo), Style(.gray))
        c.text(area.x, plot.y + plot.height / 2, "    mV", Style(.gray))
        var grid = BrailleGrid(columns: plot.width, rows: plot.height)
        let color = pop?.color ?? .normal
        var lastY: Int?
        var lastX = -1
        for (t, v) in vs {
            let px = pixel((t - t0) / frame.window, grid.pixelWidth, rounded: false)
            let py = pixel(hi > lo ? (hi - v) / (hi - lo) : 0.5, grid.pixelHeight, rounded: true)
            if let ly = lastY, px == lastX || px == lastX + 1 {
                for y in min(ly, py)...max(ly, py) { grid.plot(px, y, color) }
            } else {
                grid.plot(px, py, color)
            }
            lastY = py
            lastX = px
        }
        grid.draw(into: &c, at: plot.x, plot.y)
        // Spikes of this cell: a mark on the top row.
        frame.spikes.forEach(after: t0) { t, id in
            guard Int(id) == frame.cell else { return }
            let x = plot.x + pixel((t - t0) / frame.window, plot.width, rounded: false)
            c.set(x, plot.y, "▼", Style(.yellow, bold: true))
        }
    }
}

/// The distribution of per-cell mean rates, one row of bars per population, with mean and count.
public struct HistogramWidget {
    public var frame: Frame
    public var info: NetworkInfo

    public init(frame: Frame, info: NetworkInfo) {
        self.frame = frame
        self.info = info
    }

    /// Every population's statistics over the window the raster shows.
    public func stats() -> WindowStats {
        WindowStats.compute(frame.spikes, from: frame.time - frame.window, to: frame.time,
                            populations: info.populations.map { ($0.name, $0.firstID, $0.count) })
    }

    public func render(into c: inout Canvas, area: Rect) {
        guard area.width > 30, area.height >= 2 else { return }
        let st = stats()
        let top = max(st.populations.flatMap(\.cellRates).max() ?? 0, 1)
        c.text(area.x, area.y, "rate per cell over the last \(formatSig(st.seconds, 3)) s, 0 to \(formatSig(top, 3)) Hz; mean rate, CV of ISI",
               Style(.gray), limit: area.width)
        let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let labelW = 30
        let bins = max(1, area.width - labelW - 1)
        // Each population gets an equal share of the rows: one row of bars, more when there is room.
        let perPop = max(1, (area.height - 1) / max(1, info.populations.count))
        for (k, p) in info.populations.enumerated() where 1 + k * perPop < area.height {
            let y0 = area.y + 1 + k * perPop
            let s = st.populations[k]
            let cv = s.cv.map { "CV \(formatSig($0, 2))" } ?? "CV -"
            c.text(area.x, y0, "\(p.name) n=\(p.count) \(formatSig(s.rate, 3)) Hz \(cv)", Style(p.color), limit: labelW)
            var h = [Int](repeating: 0, count: bins)
            for x in s.cellRates where x.isFinite && x >= 0 { h[min(bins - 1, Int(x / top * Double(bins - 1)))] += 1 }
            let peak = max(h.max() ?? 1, 1)
            let rows = min(perPop, area.height - 1 - k * perPop)
            for (i, n) in h.enumerated() where n > 0 {
                let units = max(1, Int((Double(n) / Double(peak) * Double(rows * 8)).rounded()))
                for r in 0..<rows {
                    let u = min(8, max(0, units - (rows - 1 - r) * 8))
                    if u > 0 { c.set(area.x + labelW + 1 + i, y0 + r, levels[u], Style(p.color)) }
                }
            }
        }
    }
}

/// Model name, time, running or paused, speed, spikes per second and the seeds.
public struct StatusBar {
    public var frame: Frame
    public init(frame: Frame) { self.frame = frame }

    /// The fields, compact when the terminal is narrow; the seeds come before the spike rate so a
    /// narrow screen loses the rate first.
    public func text(width: Int = 200) -> String {
        let s = frame.seeds
        if let end = frame.endTime {
            let play = frame.running ? "PLAYING" : "PAUSED"
            return String(format: " %@ │ replay t %.1f ms of %.1f │ %@ │ %gx │ seeds %llu %llu %llu │ %.0f sp/s ",
                          frame.modelName, frame.time, end, play, frame.speed, s.network, s.stimulus, s.state, frame.spikesPerSecond)
        }
        let run = (frame.running ? "RUNNING" : "PAUSED") + (frame.recordingTo == nil ? "" : " ●REC")
        let regime = frame.regime.map { " │ \($0.rawValue.uppercased())" } ?? ""
        if width >= 120 {
            let cap = frame.speedCap.map { String(format: " (cap %gx)", $0) } ?? ""
            let seeds = frame.masterSeed.map { "seed \($0) (net \(s.network) stim \(s.stimulus) state \(s.state))" }
                ?? "seeds net \(s.network) stim \(s.stimulus) state \(s.state)"
            return String(format: " %@ │ t %.1f ms │ %@%@ │ %.2fx real time%@ │ %@ │ %.0f spikes/s model ",
                          frame.modelName, frame.time, run, regime, frame.speed, cap, seeds, frame.spikesPerSecond)
        }
        let seeds = frame.masterSeed.map { "seed \($0)" } ?? "seeds \(s.network) \(s.stimulus) \(s.state)"
        return String(format: " %@ │ t %.1f ms │ %@%@ │ %.2fx │ %@ │ %.0f sp/s ",
                      frame.modelName, frame.time, run, regime, frame.speed, seeds, frame.spikesPerSecond)
    }

    public func render(into c: inout Canvas, area: Rect) {
        c.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), " ", Style(.normal, reverse: true))
        c.text(area.x, area.y, text(width: area.width), Style(.normal, bold: true, reverse: true), limit: area.width)
    }
}

/// The main area both the workbench and the replay viewer draw: raster, rate strip, V_m trace
/// and rate histogram, top to bottom.
public enum MainArea {
    public static func render(_ f: Frame, info: NetworkInfo, into c: inout Canvas, area: Rect) {
        let rasterH = max(4, area.height * 2 / 5), stripH = 2
        let traceH = max(5, (area.height - rasterH - stripH - 1) * 3 / 5)
        let histH = area.height - rasterH - stripH - 1 - traceH
        var y = area.y
        let raster = RasterWidget(frame: f, info: info)
        raster.render(into: &c, area: Rect(x: area.x, y: y, width: area.width, height: rasterH))
        y += rasterH
        let strip = RateStrip(frame: f, neurons: info.neuronCount, labelWidth: raster.labelWidth, only: info)
        strip.render(into: &c, area: Rect(x: area.x, y: y, width: area.width, height: stripH))
        y += stripH
        // The time axis of the raster and the rate, with the rate's bin width and the legend.
        let plotW = area.width - raster.labelWidth
        let bin = plotW > 0 ? f.window / Double(plotW) : 0
        let legend = info.populations.map { ($0.name, $0.color) }
        TimeAxis.render(into: &c, x: area.x + raster.labelWidth, y: y, width: plotW, frame: f,
                        note: "bin \(formatSig(bin, 2)) ms", legend: legend)
        y += 1
        TraceWidget(frame: f, info: info).render(into: &c, area: Rect(x: area.x, y: y, width: area.width, height: traceH))
        y += traceH
        HistogramWidget(frame: f, info: info).render(into: &c, area: Rect(x: area.x, y: y, width: area.width, height: histH))
    }
}

/// The pixel (0..<count) a fraction of an axis (0 to 1) falls on: clamped, and 0 for NaN, so no
/// value, however extreme, becomes an out-of-range integer or a trap.
func pixel(_ fraction: Double, _ count: Int, rounded: Bool) -> Int {
    guard fraction.isFinite, count > 1 else { return 0 }
    let x = min(max(fraction, 0), 1) * Double(count - 1)
    return Int(rounded ? x.rounded() : x)
}

/// A time axis under a plot of the window: ticks with model time in seconds at the left, the
/// quarters and the right end, then a note and a legend of coloured names where there is room.
public enum TimeAxis {
    public static func render(into c: inout Canvas, x: Int, y: Int, width: Int, frame f: Frame, note: String,
                              legend: [(String, Color)]) {
        guard width > 10 else { return }
        let t0 = max(0, f.time - f.window), t1 = t0 + f.window
        let digits = f.window >= 4000 ? 0 : f.window >= 400 ? 1 : f.window >= 40 ? 2 : 3
        var used = [Bool](repeating: false, count: width)
        for k in 0...4 {
            let t = t0 + (t1 - t0) * Double(k) / 4
            let label = String(format: "%.\(digits)f", t / 1000) + (k == 4 ? " s" : "")
            let col = k == 0 ? 0 : k == 4 ? width - label.count : Int(Double(width - 1) * Double(k) / 4) - label.count / 2
            guard col >= 0, col + label.count <= width, !used[col..<(col + label.count)].contains(true) else { continue }
            c.set(x + Int(Double(width - 1) * Double(k) / 4), y, "╵", Style(.gray))
            c.text(x + col, y, label, Style(.gray))
            for i in max(0, col - 1)..<min(width, col + label.count + 1) { used[i] = true }
        }
        // The note and the legend go in the widest free stretch.
        var pieces: [(String, Style)] = note.isEmpty ? [] : [(note, Style(.gray))]
        for (name, color) in legend { pieces.append(("■" + name, Style(color, bold: true))) }
        var best = (start: 0, length: 0), run = 0
        for i in 0...width {
            if i < width && !used[i] { run += 1 } else {
                if run > best.length { best = (i - run, run) }
                run = 0
            }
        }
        var col = best.start + 1
        for (text, style) in pieces where col + text.count < best.start + best.length {
            c.text(x + col, y, text, style)
            col += text.count + 1
        }
    }
}
