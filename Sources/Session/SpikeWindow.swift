import Foundation
import ModelFiles

/// The spikes of the last stretch of model time, kept as a list of chunks (one per simulated
/// piece) so that a frame shares them with the session instead of copying them.
public struct SpikeWindow: Sendable {
    public struct Chunk: Sendable {
        /// The model time the chunk covers: (from, to].
        public var from: Double
        public var to: Double
        public var times: [Double]
        public var ids: [Int32]

        public init(from: Double, to: Double, times: [Double], ids: [Int32]) {
            self.from = from
            self.to = to
            self.times = times
            self.ids = ids
        }
    }

    public private(set) var chunks: [Chunk] = []
    public private(set) var count = 0

    public init() {}

    /// One chunk holding `times` and `ids` over (from, to].
    public init(times: [Double], ids: [Int32], from: Double = 0, to: Double? = nil) {
        append(Chunk(from: from, to: to ?? times.last ?? from, times: times, ids: ids))
    }

    /// From this time on the window holds every spike (earlier ones were dropped or never seen).
    public var coveredFrom: Double { chunks.first?.from ?? 0 }

    public mutating func append(_ c: Chunk) {
        chunks.append(c)
        count += c.times.count
    }

    /// Drops the chunks that end at or before `t`, and the oldest ones while more than `cap` spikes are kept.
    public mutating func drop(upTo t: Double, cap: Int) {
        var k = 0
        while k < chunks.count && (chunks[k].to <= t || count > cap && k < chunks.count - 1) {
            count -= chunks[k].times.count
            k += 1
        }
        if k > 0 { chunks.removeFirst(k) }
    }

    /// Calls `body` with every spike after `t0`, oldest first.
    @inline(__always)
    public func forEach(after t0: Double, _ body: (Double, Int32) -> Void) {
        for c in chunks where c.to > t0 {
            for i in c.times.indices where c.times[i] > t0 { body(c.times[i], c.ids[i]) }
        }
    }

    public var allTimes: [Double] { chunks.flatMap(\.times) }
    public var allIDs: [Int32] { chunks.flatMap(\.ids) }
}

/// What the screen reports of each population over a window of model time: mean rate, the
/// coefficient of variation of inter-spike intervals, the active fraction and every cell's rate.
public struct WindowStats: Sendable {
    public struct Population: Sendable {
        public var name: String
        public var n: Int
        /// Mean rate per cell (Hz).
        public var rate: Double
        /// Mean CV of ISIs over the cells with at least 3 spikes in the window; nil when none has.
        public var cv: Double?
        public var fracActive: Double
        public var cellRates: [Double]
    }

    /// The window: (from, to] in ms.
    public var from: Double
    public var to: Double
    public var populations: [Population]
    /// The time of the last spike in the window, nil when there is none.
    public var lastSpike: Double?

    public var seconds: Double { (to - from) / 1000 }

    /// Statistics over (max(from, what the window holds), to] of the cells of `populations`
    /// (name, first id, count; consecutive ids).
    public static func compute(_ w: SpikeWindow, from: Double, to: Double, populations: [(name: String, firstID: Int, count: Int)]) -> WindowStats {
        let start = max(from, w.coveredFrom, 0)
        guard let lo = populations.map(\.firstID).min(), let hi = populations.map({ $0.firstID + $0.count }).max(), hi > lo else {
            return WindowStats(from: start, to: to, populations: [], lastSpike: nil)
        }
        let n = hi - lo
        var moments = ISIMoments(cells: n)
        var lastSpike: Double?
        w.forEach(after: start) { t, id in
            let i = Int(id) - lo
            guard i >= 0 && i < n, t <= to else { return }
            moments.add(i, at: t)
            lastSpike = max(lastSpike ?? t, t)
        }
        let seconds = (to - start) / 1000
        let pops = populations.map { p -> Population in
            var rates: [Double] = []
            rates.reserveCapacity(p.count)
            var cvs = 0.0, cvCount = 0, active = 0
            for id in p.firstID..<(p.firstID + p.count) {
                let i = id - lo, c = Int(moments.count[i])
                rates.append(seconds > 0 ? Double(c) / seconds : 0)
                if c > 0 { active += 1 }
                if let cv = moments.cv(i) { cvs += cv; cvCount += 1 }
            }
            let mean = rates.isEmpty ? 0 : rates.reduce(0, +) / Double(rates.count)
            return Population(name: p.name, n: p.count, rate: mean, cv: cvCount > 0 ? cvs / Double(cvCount) : nil,
                              fracActive: p.count > 0 ? Double(active) / Double(p.count) : 0, cellRates: rates)
        }
        return WindowStats(from: start, to: to, populations: pops, lastSpike: lastSpike)
    }
}

/// The fate of a self-sustained network now, by the `activity` block's definitions applied to
/// rolling windows: extinct when no cell spiked in the last 100 ms; locked when fewer than half
/// the cells spiked in the last second and those that did fired above 100 Hz; active otherwise.
public enum Regime: String, Sendable {
    case active, locked, extinct

    /// `lastSecond`: statistics over the last 1000 ms (or what has run of it).
    public static func of(_ lastSecond: WindowStats, now: Double) -> Regime {
        guard let last = lastSecond.lastSpike, last > now - 100 else { return .extinct }
        let pops = lastSecond.populations
        let cells = pops.reduce(0) { $0 + $1.n }
        let active = pops.reduce(0.0) { $0 + $1.fracActive * Double($1.n) }
        let spikes = pops.reduce(0.0) { $0 + $1.rate * Double($1.n) }
        let rateActive = active > 0 ? spikes / active : 0
        if cells > 0 && active / Double(cells) < 0.5 && rateActive > 100 { return .locked }
        return .active
    }
}
