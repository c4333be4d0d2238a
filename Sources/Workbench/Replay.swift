import Foundation
import Interop
import NetCore
import Session

/// A finished output folder played back along model time: the spikes of its spike recorders and
/// the V_m traces of its meters, from netview, an exported script or any simulator that writes
/// the format. Nothing is simulated; time moves by playback or seeking.
public final class Replay {
    public let name: String
    public let path: String
    public let info: NetworkInfo
    /// The last model time: the summary's `simulated_ms`, else the last event.
    public let end: Double
    public let seeds: Seeds
    /// All spikes, sorted by time then id.
    let spikeTimes: [Double]
    let spikeIDs: [Int32]
    /// V_m per recorded cell, in time order.
    let traces: [Int: (times: [Double], values: [Double])]
    /// Cells that spiked or have a trace, in id order: what [ and ] step through.
    public let cells: [Int]

    public private(set) var time = 0.0
    public var playing = true
    /// Model milliseconds per wall millisecond.
    public private(set) var speed = 1.0
    public private(set) var cell: Int
    public let window = 1000.0

    /// The largest node id the viewer shows (20 million; its per-cell statistics are kept by id).
    public static let maxID = OutputFolder.maxRecordedCells

    public static let speeds: [Double] = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]

    public init(folder: OutputFolder) throws {
        path = folder.path
        let summary = folder.summary
        name = summary?["model"] as? String ?? URL(fileURLWithPath: folder.path).lastPathComponent
        var times: [Double] = [], ids: [Int32] = []
        for (_, t) in folder.recorders.sorted(by: { $0.key < $1.key }) where t.isSpikes {
            times += t.times
            ids += t.senders.map { Int32(clamping: $0) }
        }
        let order = times.indices.sorted { (times[$0], ids[$0]) < (times[$1], ids[$1]) }
        spikeTimes = order.map { times[$0] }
        spikeIDs = order.map { ids[$0] }
        var tr: [Int: (times: [Double], values: [Double])] = [:]
        for (_, t) in folder.recorders.sorted(by: { $0.key < $1.key }) where !t.isSpikes {
            guard let col = t.columns.firstIndex(of: "V_m") else { continue }
            var mine: [Int: (times: [Double], values: [Double])] = [:]
            for i in t.senders.indices {
                mine[t.senders[i], default: ([], [])].times.append(t.times[i])
                mine[t.senders[i], default: ([], [])].values.append(t.values[i][col])
            }
            for (s, v) in mine where tr[s] == nil { tr[s] = v }
        }
        traces = tr
        guard !spikeTimes.isEmpty || !tr.isEmpty else {
            throw InteropError("\(folder.path): no spikes and no V_m trace to show")
        }
        let seen = Set(spikeIDs.map(Int.init)).union(tr.keys)
        cells = seen.sorted()
        // Recorded cells that never spiked still belong on the raster and in the histogram.
        var recorded = seen
        for (_, pops) in summary?["recorded"] as? [String: Any] ?? [:] {
            for (_, ranges) in pops as? [String: Any] ?? [:] {
                for r in ranges as? [[NSNumber]] ?? [] where r.count == 2 && r[0].intValue <= r[1].intValue {
                    recorded.formUnion(r[0].intValue..<r[1].intValue)
                }
            }
        }
        // Per-cell statistics are kept by id: ids far beyond any network's would cost memory for nothing.
        if let top = recorded.max(), top > Replay.maxID {
            throw InteropError("\(folder.path): node id \(top) is beyond the ids the viewer shows (up to \(Replay.maxID))")
        }
        info = Replay.populations(summary: summary, name: name, seen: recorded)
        let lastEvent = max(spikeTimes.last ?? 0, tr.values.map { $0.times.last ?? 0 }.max() ?? 0)
        let ms = (summary?["simulated_ms"] as? NSNumber)?.doubleValue ?? 0
        end = max(ms, lastEvent)
        if let s = summary?["seeds"] as? [String: Any] {
            func seed(_ k: String) -> UInt64 { (s[k] as? NSNumber)?.uint64Value ?? 0 }
            seeds = Seeds(network: seed("network"), stimulus: seed("stimulus"), state: seed("state"))
        } else {
            seeds = Seeds(network: 0, stimulus: 0, state: 0)
        }
        cell = tr.keys.min() ?? cells.first ?? 1
    }

    /// Populations from the summary's `nodes` (neuron models only), each narrowed to the ids the
    /// folder recorded; without a summary, one population of every id seen.
    static func populations(summary: [String: Any]?, name: String, seen: Set<Int>) -> NetworkInfo {
        var pops: [NetworkInfo.Population] = []
        for n in summary?["nodes"] as? [[String: Any]] ?? [] {
            guard let model = n["model"] as? String, ModelCatalog.spec(model)?.kind == .neuron,
                  let first = (n["first_id"] as? NSNumber)?.intValue, let count = (n["n"] as? NSNumber)?.intValue else { continue }
            let mine = seen.filter { $0 >= first && $0 < first + count }
            guard let lo = mine.min(), let hi = mine.max() else { continue }
            pops.append(NetworkInfo.Population(name: n["name"] as? String ?? "?", model: model, firstID: lo, count: hi - lo + 1,
                                               color: NetworkInfo.palette[pops.count % NetworkInfo.palette.count]))
        }
        let covered = pops.reduce(0) { $0 + $1.count }
        if pops.isEmpty || covered == 0, let lo = seen.min(), let hi = seen.max() {
            pops = [NetworkInfo.Population(name: "cells", model: "?", firstID: lo, count: hi - lo + 1, color: .cyan)]
        }
        return NetworkInfo(name: name, populations: pops)
    }

    public var hasTrace: Bool { traces[cell] != nil }

    /// Moves playback on by `seconds` of wall time; stops at the end.
    public func advance(wallSeconds seconds: Double) {
        guard playing else { return }
        seek(to: time + seconds * 1000 * speed)
        if time >= end { playing = false }
    }

    public func seek(to t: Double) {
        time = min(max(0, t), end)
    }

    public func faster() { speed = Replay.speeds.first { $0 > speed } ?? speed }
    public func slower() { speed = Replay.speeds.last { $0 < speed } ?? speed }

    /// The next (or previous) cell with events, wrapping around.
    public func stepCell(_ delta: Int) {
        guard !cells.isEmpty else { return }
        let i = cells.firstIndex { $0 >= cell } ?? 0
        let here = cells[i] == cell ? i : (delta > 0 ? i - 1 : i)
        cell = cells[((here + delta) % cells.count + cells.count) % cells.count]
    }

    /// Chooses a cell by id; false when the folder has no events of it.
    public func choose(_ id: Int) -> Bool {
        guard cells.contains(id) else { return false }
        cell = id
        return true
    }

    /// First index of a time greater than `t` in sorted `times`.
    static func upperBound(_ times: [Double], _ t: Double) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// What the widgets draw at the current time: the last `window` ms.
    public var frame: Frame {
        var f = Frame()
        f.modelName = name
        f.time = time
        f.endTime = end
        f.running = playing
        f.speed = speed
        f.seeds = seeds
        f.window = window
        f.cell = cell
        let lo = Replay.upperBound(spikeTimes, time - window), hi = Replay.upperBound(spikeTimes, time)
        f.spikes = SpikeWindow(times: Array(spikeTimes[lo..<hi]), ids: Array(spikeIDs[lo..<hi]), from: max(0, time - window), to: time)
        f.spikesPerSecond = Double(hi - lo) / (min(window, max(time, 1e-9)) / 1000)
        if let tr = traces[cell] {
            let a = Replay.upperBound(tr.times, time - window), b = Replay.upperBound(tr.times, time)
            f.vmTimes = Array(tr.times[a..<b])
            f.vmValues = Array(tr.values[a..<b])
        }
        return f
    }
}
