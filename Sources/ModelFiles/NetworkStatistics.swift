import Foundation

/// Statistics of every neuron of a network over a run, gathered as its spikes happen, in memory
/// that does not grow with the spikes: per cell its count and the sum and sum of squares of its
/// inter-spike intervals, and the pooled count of the whole network per 1 ms bin (4 bytes per ms
/// of model time). They judge the regime of a network as Brunel (2000) names them
/// (definitions in `docs/model-files.md`, the summary's `network` block).
public struct NetworkStatistics: Sendable {
    public struct Population: Sendable {
        public var name: String
        public var n: Int
        public var spikes: Int
        public var rate: Double
        /// Mean CV of the inter-spike intervals of the cells with at least 3 spikes; 0 when none has.
        public var cvISI: Double
        /// The fraction of cells the CV is over.
        public var fracCV: Double
    }

    public struct Result: Sendable {
        public var fromMs: Double
        public var toMs: Double
        public var populations: [Population]
        /// Variance over its mean of the network's spike count in 1 ms bins (1 for independent Poisson cells).
        public var synchrony: Double
        /// Frequency of the highest peak of the network rate's power spectrum above 5 Hz (0 when silent).
        public var peakHz: Double
        /// How far the peak stands above the spectrum's median (power ratio).
        public var peakPower: Double
        public var regime: String

        public var json: JSONOut {
            .obj([
                ("from_ms", .num(fromMs)), ("to_ms", .num(toMs)),
                ("populations", .obj(populations.map { p in
                    (p.name, .obj([("n", .int(p.n)), ("spikes", .int(p.spikes)), ("rate_hz", .num(p.rate)),
                                   ("cv_isi", .num(p.cvISI)), ("frac_cv", .num(p.fracCV))]))
                })),
                ("synchrony", .num(synchrony)), ("peak_hz", .num(peakHz)), ("peak_power", .num(peakPower)),
                ("brunel_regime", .str(regime)),
            ])
        }
    }

    let names: [String]
    let sizes: [Int]
    /// Per id: its index among all cells (-1: not a neuron); ids far beyond the cells' number
    /// (a file's senders) go through `sparseCellOf`.
    let cellOf: [Int32]
    let sparseCellOf: [Int: Int32]
    let populationOfCell: [Int32]
    var moments: ISIMoments
    var bins: [Int32] = []
    public let fromMs: Double
    let resolution: Double

    /// `populations`: (name, ids) of the neurons; spikes stamped after `from` ms count.
    public init(populations: [(name: String, ids: [Int])], resolution: Double, from: Double) {
        names = populations.map(\.name)
        sizes = populations.map(\.ids.count)
        let all = populations.flatMap(\.ids)
        let maxID = all.max() ?? 0
        let dense = maxID <= 4 * all.count + 1_000_000
        var cellOf = [Int32](repeating: -1, count: dense ? maxID + 1 : 0), sparse: [Int: Int32] = [:], popOf: [Int32] = []
        for (p, pop) in populations.enumerated() {
            for id in pop.ids where id >= 0 {
                if dense { cellOf[id] = Int32(popOf.count) } else { sparse[id] = Int32(popOf.count) }
                popOf.append(Int32(p))
            }
        }
        self.cellOf = cellOf
        sparseCellOf = sparse
        populationOfCell = popOf
        moments = ISIMoments(cells: popOf.count)
        fromMs = from
        self.resolution = resolution
    }

    /// Adds spikes: `stamps` (steps) in time order, `ids` the senders.
    public mutating func add(stamps: [Int64], ids: [Int32]) {
        for (s, id) in zip(stamps, ids) { add(time: Double(s) * resolution, id: Int(id)) }
    }

    /// Adds one spike at `time` ms (in time order).
    public mutating func add(time: Double, id: Int) {
        guard id >= 0, time > fromMs else { return }
        let c = id < cellOf.count ? Int(cellOf[id]) : Int(sparseCellOf[id] ?? -1)
        guard c >= 0 else { return }
        moments.add(c, at: time)
        // Bin k holds (from + k, from + k + 1] ms; the bins cover at most `maxBins` ms.
        let offset = (time - fromMs) - 1e-9
        guard offset < Double(NetworkStatistics.maxBins) else { return }
        let k = max(0, Int(offset.rounded(.down)))
        if k >= bins.count { bins.append(contentsOf: repeatElement(0, count: k + 1 - bins.count)) }
        bins[k] += 1
    }

    /// The statistics over (from, `until`] ms.
    public func result(until: Double) -> Result {
        let duration = max(0, until - fromMs)
        var spikes = [Int](repeating: 0, count: names.count), cvSum = [Double](repeating: 0, count: names.count)
        var cvCells = [Int](repeating: 0, count: names.count)
        for c in moments.count.indices {
            let p = Int(populationOfCell[c])
            spikes[p] += Int(moments.count[c])
            if let cv = moments.cv(c) {
                cvSum[p] += cv
                cvCells[p] += 1
            }
        }
        let pops = names.indices.map { p in
            Population(name: names[p], n: sizes[p], spikes: spikes[p],
                       rate: duration > 0 && sizes[p] > 0 ? Double(spikes[p]) / Double(sizes[p]) / (duration / 1000) : 0,
                       cvISI: cvCells[p] > 0 ? cvSum[p] / Double(cvCells[p]) : 0,
                       fracCV: sizes[p] > 0 ? Double(cvCells[p]) / Double(sizes[p]) : 0)
        }
        // Bins past the last spike are empty: counted, not stored.
        let nBins = max(1, min(NetworkStatistics.maxBins, Int((duration + 1e-9).rounded(.down))))
        let stored = bins.prefix(nBins)
        let mean = Double(stored.reduce(0) { $0 + Int($1) }) / Double(nBins)
        let variance = (stored.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
            + Double(nBins - stored.count) * mean * mean) / Double(nBins)
        let synchrony = mean > 0 ? variance / mean : 0
        let (peak, power) = mean > 0 ? NetworkStatistics.spectralPeak(Array(stored), length: nBins) : (0, 0)
        var r = Result(fromMs: fromMs, toMs: until, populations: pops, synchrony: synchrony, peakHz: peak, peakPower: power, regime: "")
        r.regime = NetworkStatistics.brunelRegime(r)
        return r
    }

    /// Brunel's (2000) regimes from the statistics (thresholds in `docs/model-files.md`).
    public static func brunelRegime(_ r: Result) -> String {
        let cells = r.populations.reduce(0) { $0 + $1.n }, spikes = r.populations.reduce(0) { $0 + $1.spikes }
        let seconds = (r.toMs - r.fromMs) / 1000
        let rate = cells > 0 && seconds > 0 ? Double(spikes) / Double(cells) / seconds : 0
        if rate < quiescentHz { return "Q" }
        let withCV = r.populations.filter { $0.fracCV > 0 }
        let cvCells = withCV.reduce(0.0) { $0 + $1.fracCV * Double($1.n) }
        let cv = cvCells > 0 ? withCV.reduce(0) { $0 + $1.cvISI * $1.fracCV * Double($1.n) } / cvCells : 0
        if cvCells > 0 && cv < regularBelow { return "SR" }
        if r.peakPower < synchronousAbove { return "AI" }
        return r.peakHz >= fastAboveHz ? "SI fast" : "SI slow"
    }

    /// The 1 ms bins of synchrony and the spectrum cover at most the first 2^24 ms (4.7 h) of the
    /// period (64 MiB); rates and CVs cover all of it.
    public static let maxBins = 1 << 24

    /// Below this mean rate (Hz) over all cells a network is quiescent (`Q`).
    public static let quiescentHz = 0.1
    /// Cells firing with a mean CV of ISI below this fire regularly (`SR`).
    public static let regularBelow = 0.3
    /// A network rate whose spectral peak stands this far above the spectrum's median oscillates.
    public static let synchronousAbove = 45.0
    /// An oscillation at this frequency (Hz) or above is fast.
    public static let fastAboveHz = 60.0

    /// Welch's estimate of the power spectrum of `x` (1 ms bins, mean removed; Hann windows of
    /// 256 ms overlapping by half, or one window of the largest power of 2 that fits in shorter
    /// records): the frequency of its highest bin above 5 Hz and its power over the median's.
    /// `x`: the counts of the first bins, the rest of `count` bins empty.
    static func spectralPeak(_ x: [Int32], length count: Int) -> (Double, Double) {
        var length = 256
        while length > count && length > 16 { length /= 2 }
        guard count >= length else { return (0, 0) }
        let mean = Double(x.reduce(0) { $0 + Int($1) }) / Double(count)
        let window = (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length)) }
        let twiddles = FFTTwiddles(length)
        var power = [Double](repeating: 0, count: length / 2 + 1)
        var start = 0
        while start + length <= count {
            var re = (0..<length).map { ((start + $0 < x.count ? Double(x[start + $0]) : 0) - mean) * window[$0] }
            var im = [Double](repeating: 0, count: length)
            fft(&re, &im, twiddles)
            for k in power.indices { power[k] += re[k] * re[k] + im[k] * im[k] }
            start += length / 2
        }
        let df = 1000 / Double(length)
        let first = max(1, Int((5 / df).rounded(.up)))
        guard first < power.count else { return (0, 0) }
        var best = first
        for k in first..<power.count where power[k] > power[best] { best = k }
        let sorted = power[first...].sorted()
        let median = sorted[sorted.count / 2]
        return (Double(best) * df, median > 0 ? power[best] / median : 0)
    }

    /// cos and sin of -2 pi k / n for k < n / 2: the factors of every stage, computed once.
    struct FFTTwiddles {
        let cos: [Double], sin: [Double]
        init(_ n: Int) {
            cos = (0..<n / 2).map { Foundation.cos(-2 * Double.pi * Double($0) / Double(n)) }
            sin = (0..<n / 2).map { Foundation.sin(-2 * Double.pi * Double($0) / Double(n)) }
        }
    }

    /// In-place radix-2 FFT (length a power of 2, the twiddles of that length).
    static func fft(_ re: inout [Double], _ im: inout [Double], _ w: FFTTwiddles) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let step = n / len
            for start in stride(from: 0, to: n, by: len) {
                for k in 0..<len / 2 {
                    let wr = w.cos[k * step], wi = w.sin[k * step]
                    let a = start + k, b = a + len / 2
                    let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
            }
            len <<= 1
        }
    }
}

/// A network's statistics gathered while it runs (see `BuiltModel.gatherNetworkStatistics`).
public final class NetworkStatisticsTap: @unchecked Sendable {
    public private(set) var statistics: NetworkStatistics
    init(_ s: NetworkStatistics) { statistics = s }
    func add(stamps: [Int64], ids: [Int32]) { statistics.add(stamps: stamps, ids: ids) }
}

extension BuiltModel {
    /// Gathers the statistics of every neuron from now on while the kernel simulates `ms` more:
    /// over the period after its first 100 ms, or all of it when it is shorter than 200 ms.
    public func gatherNetworkStatistics(ms: Double) -> NetworkStatisticsTap {
        let skip = ms >= 200 ? 100.0 : 0
        let s = NetworkStatistics(populations: neuronNodes.map { ($0.name, ids[$0.name]!.ids) },
                                  resolution: kernel.grid.resolution, from: kernel.time + skip)
        let tap = NetworkStatisticsTap(s)
        kernel.spikeTap = { stamps, ids in tap.add(stamps: stamps, ids: ids) }
        return tap
    }
}
