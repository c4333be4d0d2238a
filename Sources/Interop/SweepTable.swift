import Foundation
import ModelFiles
import NetCore

/// One run of a sweep as `sweep.csv` holds it: its point, seed, whether it finished, and the
/// statistics of its summary.json as named columns (numbers, or words such as a regime).
public struct SweepRow: Sendable {
    public enum Value: Equatable, Sendable {
        case number(Double)
        case word(String)

        var csv: String {
            switch self {
            case .number(let x): return SweepRow.format(x)
            case .word(let w): return w
            }
        }
    }

    /// A number as sweep.csv writes it: whole numbers without a fraction, others as Swift prints them
    /// (the shortest text that reads back as the same double).
    public static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : formatNumber(x)
    }

    public var point: Int
    public var seed: UInt64
    /// Empty when the run finished; else the reason it did not (one line).
    public var error: String
    public var columns: [(String, Value)]

    public init(point: Int, seed: UInt64, error: String, columns: [(String, Value)]) {
        (self.point, self.seed, self.error, self.columns) = (point, seed, error, columns)
    }

    /// Columns that hold wall-clock times: they differ between runs of the same network.
    public static let timingColumns: Set<String> = ["build_s", "simulate_s"]

    /// The row of a finished run from its summary.json: per population the rate and CV of ISI over
    /// all cells (the `network` block), the network's synchrony, spectral peak and Brunel regime,
    /// each spike recorder's `activity` scalars and regime, and the build and simulate times.
    public static func finished(point: Int, seed: UInt64, summary s: [String: Any]) -> SweepRow {
        var cols: [(String, Value)] = []
        func num(_ x: Any?) -> Double? { (x as? NSNumber).map(\.doubleValue) }
        if let net = s["network"] as? [String: Any] {
            let pops = (net["populations"] as? [String: Any]) ?? [:]
            for name in orderedKeys(pops, in: s) {
                guard let p = pops[name] as? [String: Any] else { continue }
                if let r = num(p["rate_hz"]) { cols.append(("rate_hz.\(name)", .number(r))) }
                if let c = num(p["cv_isi"]) { cols.append(("cv_isi.\(name)", .number(c))) }
            }
            for key in ["synchrony", "peak_hz", "peak_power"] { if let v = num(net[key]) { cols.append((key, .number(v))) } }
            if let r = net["brunel_regime"] as? String { cols.append(("brunel_regime", .word(r))) }
        }
        if let acts = s["activity"] as? [String: Any] {
            for rec in acts.keys.sorted() {
                guard let a = acts[rec] as? [String: Any] else { continue }
                for key in a.keys.sorted() {
                    if key == "regime", let r = a[key] as? String { cols.append(("\(rec).regime", .word(r))) }
                    else if let v = a[key] as? NSNumber { cols.append(("\(rec).\(key)", .number(v.doubleValue))) }
                }
            }
        }
        for key in ["build_s", "simulate_s"] { if let v = num(s[key]) { cols.append((key, .number(v))) } }
        return SweepRow(point: point, seed: seed, error: "", columns: cols)
    }

    /// Population names in the order the summary's `populations` list has them (JSON objects have none).
    private static func orderedKeys(_ pops: [String: Any], in s: [String: Any]) -> [String] {
        let listed = ((s["populations"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        return listed.filter { pops[$0] != nil } + pops.keys.filter { !listed.contains($0) }.sorted()
    }

    public func value(_ column: String) -> Value? { columns.first { $0.0 == column }?.1 }
}

/// The rows of a sweep, sorted by point then seed, as `sweep.csv` and `sweep.json`.
public struct SweepTable: Sendable {
    public var plan: SweepPlan
    public var rows: [SweepRow]

    public init(plan: SweepPlan, rows: [SweepRow]) {
        self.plan = plan
        self.rows = rows.sorted { ($0.point, plan.seeds.firstIndex(of: $0.seed) ?? 0) < ($1.point, plan.seeds.firstIndex(of: $1.seed) ?? 0) }
    }

    /// Every statistic column, in the order the runs first name them.
    public var columnNames: [String] {
        var seen: Set<String> = [], out: [String] = []
        for r in rows { for (name, _) in r.columns where seen.insert(name).inserted { out.append(name) } }
        return out
    }

    public var csv: String {
        let cols = columnNames
        var out = (["run", "point"] + plan.axes.map(\.name) + ["seed", "status"] + cols).map(SweepTable.field).joined(separator: ",") + "\n"
        for r in rows {
            var fields = [plan.runName(point: r.point, seed: r.seed), String(r.point)]
            fields += plan.point(r.point).map(SweepRow.format)
            fields += [String(r.seed), r.error.isEmpty ? "ok" : "failed: " + r.error]
            fields += cols.map { r.value($0)?.csv ?? "" }
            out += fields.map(SweepTable.field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: summaries over seeds

    /// A point's statistics over its finished runs: per numeric column the mean, SD and 95%
    /// interval of the mean (Student's t); per word column the counts and Wilson 95% intervals.
    public struct PointSummary: Sendable {
        public var point: Int
        public var runs: Int
        public var failed: Int
        public var numbers: [(name: String, mean: Double, sd: Double, low: Double, high: Double)]
        public var words: [(name: String, counts: [(word: String, n: Int, low: Double, high: Double)])]

        /// The most frequent word of a column (ties: the first in order of appearance).
        public func majority(_ column: String) -> String? {
            guard let c = words.first(where: { $0.name == column })?.counts, let top = c.map(\.n).max() else { return nil }
            return c.first { $0.n == top }?.word
        }

        public func mean(_ column: String) -> Double? { numbers.first { $0.name == column }?.mean }
    }

    public func summaries() -> [PointSummary] {
        let cols = columnNames
        var byPoint: [Int: [SweepRow]] = [:]
        for r in rows { byPoint[r.point, default: []].append(r) }
        return byPoint.keys.sorted().map { p in
            let all = byPoint[p]!, done = all.filter { $0.error.isEmpty }
            var numbers: [(String, Double, Double, Double, Double)] = []
            var words: [(String, [(String, Int, Double, Double)])] = []
            for c in cols where !SweepRow.timingColumns.contains(c) {
                let values = done.compactMap { $0.value(c) }
                let xs = values.compactMap { v -> Double? in if case .number(let x) = v { return x } else { return nil } }
                if xs.count == values.count, !xs.isEmpty {
                    let (m, sd, half) = SweepStats.meanInterval(xs)
                    numbers.append((c, m, sd, m - half, m + half))
                } else if !values.isEmpty {
                    var order: [String] = [], n: [String: Int] = [:]
                    for v in values { let w = v.csv; if n[w] == nil { order.append(w) }; n[w, default: 0] += 1 }
                    words.append((c, order.map { w in
                        let (lo, hi) = SweepStats.wilson(n[w]!, of: values.count)
                        return (w, n[w]!, lo, hi)
                    }))
                }
            }
            return PointSummary(point: p, runs: done.count, failed: all.count - done.count,
                                numbers: numbers.map { ($0.0, $0.1, $0.2, $0.3, $0.4) },
                                words: words.map { ($0.0, $0.1.map { ($0.0, $0.1, $0.2, $0.3) }) })
        }
    }

    public var json: JSONOut {
        .obj([
            ("format", .str("netview-sweep")), ("plan", plan.json),
            ("runs", .int(rows.count)), ("failed", .int(rows.filter { !$0.error.isEmpty }.count)),
            ("points", .arr(summaries().map { s in
                .obj([
                    ("point", .int(s.point)),
                    ("params", .obj(zip(plan.axes.map(\.name), plan.point(s.point)).map { ($0, .num($1)) })),
                    ("runs", .int(s.runs)), ("failed", .int(s.failed)),
                    ("statistics", .obj(s.numbers.map { n in
                        (n.name, .obj([("mean", .num(n.mean)), ("sd", .num(n.sd)), ("ci95", .arr([.num(n.low), .num(n.high)]))]))
                    })),
                    ("counts", .obj(s.words.map { w in
                        (w.name, .obj(w.counts.map { c in
                            (c.word, .obj([("n", .int(c.n)), ("wilson95", .arr([.num(c.low), .num(c.high)]))]))
                        }))
                    })),
                ])
            })),
        ])
    }
}

public enum SweepStats {
    /// Wilson's 95% score interval for `k` successes of `n`.
    public static func wilson(_ k: Int, of n: Int) -> (Double, Double) {
        guard n > 0 else { return (0, 1) }
        let z = 1.959963984540054, nn = Double(n), p = Double(k) / nn
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Mean, sample SD and the half-width of the 95% interval of the mean (0 for one value).
    public static func meanInterval(_ xs: [Double]) -> (Double, Double, Double) {
        let n = Double(xs.count), m = xs.reduce(0, +) / n
        guard xs.count > 1 else { return (m, 0, 0) }
        let sd = (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
        return (m, sd, tQuantile975(df: n - 1) * sd / n.squareRoot())
    }

    /// The 97.5% quantile of Student's t, by bisection on its two-sided p-value.
    public static func tQuantile975(df: Double) -> Double {
        var lo = 0.0, hi = 1000.0
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if WelchTest.twoSidedP(t: mid, df: df) > 0.05 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
