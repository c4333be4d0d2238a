import Foundation
import ModelFiles

/// The exact test of a 2 x k table with fixed margins (Freeman-Halton, Fisher's test for more
/// than two columns): the probability, under the hypothesis that both rows draw from one mix,
/// of a table as likely as the one observed or less. Used for the mix of fates of two sets of
/// runs (active, locked, extinct), where samples are small and counts discrete.
public struct FateTest: Sendable {
    public let p: Double

    /// `a`, `b`: counts per category (same order, same length).
    public init(_ a: [Int], _ b: [Int]) {
        precondition(a.count == b.count)
        let columns = zip(a, b).map { $0 + $1 }
        let n1 = a.reduce(0, +), total = columns.reduce(0, +)
        guard total > 0, n1 > 0, n1 < total else { p = 1; return }
        func logChoose(_ n: Int, _ k: Int) -> Double { lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) }
        let denominator = logChoose(total, n1)
        func logP(_ row: [Int]) -> Double { zip(columns, row).reduce(0) { $0 + logChoose($1.0, $1.1) } - denominator }
        let observed = logP(a)
        var sum = 0.0
        // Every first row with these margins: a recursion over the columns.
        func visit(_ j: Int, _ left: Int, _ row: inout [Int]) {
            if j == columns.count - 1 {
                guard left <= columns[j] else { return }
                row[j] = left
                let lp = logP(row)
                if lp <= observed + 1e-9 { sum += exp(lp) }
                return
            }
            for x in 0...min(columns[j], left) {
                row[j] = x
                visit(j + 1, left - x, &row)
            }
        }
        var row = [Int](repeating: 0, count: columns.count)
        visit(0, n1, &row)
        p = min(1, sum)
    }
}

/// The regimes the `activity` block names, in the order the fate test counts them.
let regimes = ["active", "locked", "extinct"]

/// The fate of each run: its summary's `activity` block for `recorder`, or, where the summary has
/// none (an exported script's), the same definition applied to the recorder's spikes over the run
/// (cells from the summary's `recorded` key, else the senders seen); nil when a run has neither.
func fates(_ runs: [OutputFolder], recorder: String) -> [Int]? {
    var counts = [Int](repeating: 0, count: regimes.count)
    for r in runs {
        guard let regime = fate(of: r, recorder: recorder), let k = regimes.firstIndex(of: regime) else { return nil }
        counts[k] += 1
    }
    return counts
}

func fate(of run: OutputFolder, recorder: String) -> String? {
    if let act = (run.summary?["activity"] as? [String: Any])?[recorder] as? [String: Any], let regime = act["regime"] as? String {
        return regime
    }
    guard let t = run.recorders[recorder], t.isSpikes else { return nil }
    let ms = number(run.summary?["simulated_ms"])
    guard ms.isFinite, ms > 0 else { return nil }
    var cells: [(String, [Int])] = []
    for (pop, ranges) in ((run.summary?["recorded"] as? [String: Any])?[recorder] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
        var ids: [Int] = []
        for range in ranges as? [[NSNumber]] ?? [] where range.count == 2 && range[0].intValue < range[1].intValue
            && range[1].intValue - range[0].intValue <= OutputFolder.maxRecordedCells {
            ids += Array(range[0].intValue..<range[1].intValue)
        }
        if !ids.isEmpty { cells.append((pop, ids)) }
    }
    if cells.isEmpty { cells = [("cells", Array(Set(t.senders)).sorted())] }
    let a = Activity.compute(cells: cells, senders: t.senders.map { Int32(clamping: $0) }, times: t.times, duration: ms)
    return a.regime
}
