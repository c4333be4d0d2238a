import Foundation
import NetCore

/// Degrees (synapses per target or per source) in up to `maxBins` bins of equal width, for the
/// histograms of `netview connections` and the workbench's Network pane.
public struct DegreeBins: Sendable {
    public var lo: Int
    public var hi: Int
    public var mean: Double
    public var bins: [(from: Int, to: Int, count: Int)]

    public init(_ degrees: [Int], maxBins: Int = 10) {
        lo = degrees.min() ?? 0
        hi = degrees.max() ?? 0
        mean = degrees.isEmpty ? 0 : Double(degrees.reduce(0, +)) / Double(degrees.count)
        let n = min(maxBins, hi - lo + 1)
        let width = Double(hi - lo + 1) / Double(max(1, n))
        var counts = [Int](repeating: 0, count: max(1, n))
        for d in degrees { counts[min(counts.count - 1, Int(Double(d - lo) / width))] += 1 }
        let (l, w) = (lo, width)
        bins = counts.enumerated().map { b, c in
            (l + Int((Double(b) * w).rounded(.up)), l + Int((Double(b + 1) * w).rounded(.up)) - 1, c)
        }
    }

    /// The bins as a row of block characters, the fullest one full height.
    public var sparkline: String {
        let most = max(1, bins.map(\.count).max() ?? 1)
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return String(bins.map { $0.count == 0 ? " " : blocks[min(7, ($0.count * 8 - 1) / most)] })
    }

    /// The in- and out-degrees of connection entry `i` (targets and sources with at least one synapse).
    public static func of(_ k: Kernel, connection i: Int) -> (in: [Int], out: [Int]) {
        var inDegree: [Int: Int] = [:], outDegree: [Int: Int] = [:]
        k.forEachSynapse(ofConnection: i, sources: nil, targets: nil) { s, t, _, _ in
            inDegree[t, default: 0] += 1
            outDegree[s, default: 0] += 1
        }
        return (Array(inDegree.values), Array(outDegree.values))
    }
}
