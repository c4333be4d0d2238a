import Foundation
import ModelFiles

public struct CompareOptions: Sendable {
    public var traceTolerance = 1e-3
    public var rateTolerance = 0.1
    public var cvTolerance = 0.05
    public var alpha = 0.01
    /// Require equal spike times whatever the summaries say.
    public var exact = false
    /// Spike statistics over model time [from, to) in ms (to: nil, the end of each run), to leave
    /// out an initial transient.
    public var from = 0.0
    public var to: Double?
    public var windowed: Bool { from > 0 || to != nil }
    public init() {}

    /// The part of a run's spikes inside the window, and the window's length in seconds (the run
    /// length from its summary, else its last spike, when `to` is not given).
    func window(_ t: RecorderTable, simulatedMs: Double, lastSpike: Double) -> (senders: [Int], times: [Double], seconds: Double) {
        let end = to ?? (simulatedMs > 0 ? simulatedMs : lastSpike)
        guard windowed else { return (t.senders, t.times, end / 1000) }
        var senders: [Int] = [], times: [Double] = []
        for (s, time) in zip(t.senders, t.times) where time >= from && time < end {
            senders.append(s)
            times.append(time)
        }
        return (senders, times, max(0, end - from) / 1000)
    }
}

/// One statistic of one recorder, measured in both folders, and whether they agree.
public struct Verdict: Sendable {
    public var recorder: String
    public var statistic: String
    public var a: Double
    public var b: Double
    /// The compared quantity (difference, relative difference, p-value) and its bound.
    public var measure: String
    public var value: Double
    public var tolerance: Double
    public var pass: Bool
    public var detail: String = ""
}

public struct ComparisonReport: Sendable {
    public var a: String
    public var b: String
    public var deterministic: Bool
    public var verdicts: [Verdict] = []
    public var notes: [String] = []
    /// Runs on each side when folders of runs were compared.
    public var ensemble: (Int, Int)?
    public var agree: Bool { verdicts.allSatisfy(\.pass) }

    public var text: String {
        let kind = ensemble.map { "\($0.0) | \($0.1) runs: statistics over runs" }
            ?? (deterministic ? "deterministic inputs: spike times must be equal" : "stochastic inputs: statistics")
        var out = "compare \(a) vs \(b) (\(kind))\n"
        for v in verdicts {
            let what = "\(v.recorder) \(v.statistic)".padding(toLength: 36, withPad: " ", startingAt: 0)
            // A PASS line shows the condition that held, a FAIL line the one that did not.
            let op = v.measure == "p" ? (v.pass ? ">=" : "<") : (v.pass ? "<=" : ">")
            out += "\(v.pass ? "PASS" : "FAIL")  \(what) \(fmt(v.a)) | \(fmt(v.b))   \(v.measure) \(fmt(v.value)) \(op) \(fmt(v.tolerance))"
            out += v.detail.isEmpty ? "\n" : "  (\(v.detail))\n"
        }
        for n in notes { out += "note: \(n)\n" }
        let failed = verdicts.filter { !$0.pass }.map { "\($0.recorder) \($0.statistic)" }
        out += agree ? "agree (\(verdicts.count) statistics)\n" : "differ: \(failed.joined(separator: ", "))\n"
        return out
    }

    public var json: JSONOut {
        .obj([("a", .str(a)), ("b", .str(b)), ("deterministic", .bool(deterministic)), ("agree", .bool(agree)),
              ("runs", ensemble.map { .arr([.int($0.0), .int($0.1)]) } ?? .null),
              ("verdicts", .arr(verdicts.map { v in
                  .obj([("recorder", .str(v.recorder)), ("statistic", .str(v.statistic)), ("a", .num(v.a)), ("b", .num(v.b)),
                        ("measure", .str(v.measure)), ("value", .num(v.value)), ("tolerance", .num(v.tolerance)),
                        ("verdict", .str(v.pass ? "PASS" : "FAIL")), ("detail", .str(v.detail))])
              })),
              ("notes", .arr(notes.map { .str($0) }))])
    }
}

func fmt(_ x: Double) -> String {
    if x.isNaN { return "-" }
    if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
    return String(format: abs(x) < 1e-3 ? "%.3g" : "%.4g", x)
}

/// Compares two output folders recorder by recorder (see `OutputFolder` for what is read).
public func compare(_ a: OutputFolder, _ b: OutputFolder, options: CompareOptions = CompareOptions()) throws -> ComparisonReport {
    let detA = a.summary?["deterministic"] as? Bool ?? false, detB = b.summary?["deterministic"] as? Bool ?? false
    var report = ComparisonReport(a: a.path, b: b.path, deterministic: options.exact || (detA && detB))
    let common = a.recorders.keys.filter { b.recorders[$0] != nil }.sorted()
    for name in Set(a.recorders.keys).symmetricDifference(b.recorders.keys).sorted() {
        report.notes.append("\(name) is only in \(a.recorders[name] != nil ? a.path : b.path); not compared")
    }
    guard !common.isEmpty || (a.summary != nil && b.summary != nil) else {
        throw InteropError("\(a.path) and \(b.path) have no recorder file and no summary in common")
    }
    for name in common {
        let ta = a.recorders[name]!, tb = b.recorders[name]!
        if ta.isSpikes != tb.isSpikes { throw InteropError("\(name).csv is a spike file in one folder and a meter file in the other") }
    }
    let spikeNames = common.filter { a.recorders[$0]!.isSpikes }
    let sameSpikes = !spikeNames.isEmpty && spikeNames.allSatisfy {
        a.recorders[$0]!.senders == b.recorders[$0]!.senders && a.recorders[$0]!.times == b.recorders[$0]!.times
    }
    for name in spikeNames {
        report.verdicts += spikeVerdicts(name, a, b, options: options, exact: report.deterministic)
    }
    for name in common where !a.recorders[name]!.isSpikes {
        let judged = report.deterministic || sameSpikes
        let (vs, notes) = traceVerdicts(a.recorders[name]!, b.recorders[name]!, tolerance: options.traceTolerance, judged: judged)
        report.verdicts += vs
        report.notes += notes
    }
    report.verdicts += summaryVerdicts(a, b, options: options)
    // Nothing compared is not agreement.
    if report.verdicts.isEmpty {
        throw InteropError("\(a.path) and \(b.path): nothing to compare (no spike recorder, meter row or summary population in common)")
    }
    return report
}

/// Per-population rates of all cells from the two summaries.
func summaryVerdicts(_ a: OutputFolder, _ b: OutputFolder, options: CompareOptions) -> [Verdict] {
    guard let pa = a.summary?["populations"] as? [String: Any], let pb = b.summary?["populations"] as? [String: Any] else { return [] }
    let order = (a.summary?["nodes"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? pa.keys.sorted()
    return order.filter { pa[$0] != nil && pb[$0] != nil }.map { name in
        let ra = number((pa[name] as? [String: Any])?["rate_hz"]), rb = number((pb[name] as? [String: Any])?["rate_hz"])
        return rateVerdict("summary", "rate \(name) (all cells)", ra, rb, options.rateTolerance)
    }
}

func rateVerdict(_ recorder: String, _ statistic: String, _ ra: Double, _ rb: Double, _ tol: Double) -> Verdict {
    let scale = max(abs(ra), abs(rb))
    let rel = scale > 0 ? abs(ra - rb) / scale : 0
    return Verdict(recorder: recorder, statistic: statistic, a: ra, b: rb, measure: "rel diff", value: rel, tolerance: tol, pass: rel <= tol)
}

/// Cells of a spike recorder by population: from the summaries' `recorded` ranges, else the
/// senders seen, grouped by the summaries' `nodes`, else all senders as one group.
func cellGroups(_ name: String, _ a: OutputFolder, _ b: OutputFolder) -> [(String, [Int])] {
    for s in [a.summary, b.summary] {
        guard let rec = (s?["recorded"] as? [String: Any])?[name] as? [String: Any] else { continue }
        let order = (s?["nodes"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? rec.keys.sorted()
        return order.compactMap { pop in
            guard let rs = rec[pop] as? [[Any]] else { return nil }
            return (pop, rs.flatMap { Int(number($0.first))..<Int(number($0.last)) })
        }
    }
    let seen = Set(a.recorders[name]!.senders).union(b.recorders[name]!.senders).sorted()
    for s in [a.summary, b.summary] {
        guard let nodes = s?["nodes"] as? [[String: Any]] else { continue }
        var groups: [(String, [Int])] = []
        for n in nodes {
            let lo = Int(number(n["first_id"])), hi = lo + Int(number(n["n"]))
            let ids = seen.filter { $0 >= lo && $0 < hi }
            if !ids.isEmpty { groups.append((n["name"] as? String ?? "?", ids)) }
        }
        return groups
    }
    return [(name, seen)]
}

func spikeVerdicts(_ name: String, _ a: OutputFolder, _ b: OutputFolder, options: CompareOptions, exact: Bool) -> [Verdict] {
    let ta = a.recorders[name]!, tb = b.recorders[name]!
    // The run length: each folder's summary; one without takes the other's, so identical files
    // give identical rates; without either, the last spike of both.
    let lastSpike = max(ta.times.last ?? 0, tb.times.last ?? 0)
    let durA = number(a.summary?["simulated_ms"]), durB = number(b.summary?["simulated_ms"])
    let wa = options.window(ta, simulatedMs: durA > 0 ? durA : durB, lastSpike: lastSpike)
    let wb = options.window(tb, simulatedMs: durB > 0 ? durB : durA, lastSpike: lastSpike)
    var out: [Verdict] = []
    if exact {
        let n = min(wa.times.count, wb.times.count)
        let first = (0..<n).first { wa.times[$0] != wb.times[$0] || wa.senders[$0] != wb.senders[$0] }
        let equal = first == nil && wa.times.count == wb.times.count
        var detail = ""
        if let i = first {
            let row = options.windowed ? "spike \(i + 1) of the window" : "row \(i + 2)"
            detail = "first difference at \(row): \(wa.senders[i]),\(wa.times[i]) vs \(wb.senders[i]),\(wb.times[i])"
        } else if !equal { detail = "one file has \(abs(wa.times.count - wb.times.count)) more spikes" }
        let differing = equal ? 0 : Double(max(wa.times.count, wb.times.count) - (first ?? n))
        out.append(Verdict(recorder: name, statistic: "spike times", a: Double(wa.times.count), b: Double(wb.times.count),
                           measure: "rows differing", value: differing, tolerance: 0, pass: equal, detail: detail))
    }
    func trains(_ senders: [Int], _ times: [Double]) -> [Int: [Double]] {
        var out: [Int: [Double]] = [:]
        for (s, time) in zip(senders, times) { out[s, default: []].append(time) }
        return out
    }
    let trA = trains(wa.senders, wa.times), trB = trains(wb.senders, wb.times)
    for (pop, ids) in cellGroups(name, a, b) where !ids.isEmpty {
        let ratesA = ids.map { Double(trA[$0]?.count ?? 0) / max(wa.seconds, 1e-9) }
        let ratesB = ids.map { Double(trB[$0]?.count ?? 0) / max(wb.seconds, 1e-9) }
        let meanA = ratesA.reduce(0, +) / Double(ids.count), meanB = ratesB.reduce(0, +) / Double(ids.count)
        out.append(rateVerdict(name, "rate \(pop)", meanA, meanB, options.rateTolerance))
        let cvA = meanCV(ids.compactMap { trA[$0] }), cvB = meanCV(ids.compactMap { trB[$0] })
        if let ca = cvA, let cb = cvB {
            out.append(Verdict(recorder: name, statistic: "CV ISI \(pop)", a: ca, b: cb, measure: "abs diff",
                               value: abs(ca - cb), tolerance: options.cvTolerance, pass: abs(ca - cb) <= options.cvTolerance))
        } else if (cvA == nil) != (cvB == nil) {
            out.append(Verdict(recorder: name, statistic: "CV ISI \(pop)", a: cvA ?? .nan, b: cvB ?? .nan, measure: "abs diff",
                               value: .nan, tolerance: options.cvTolerance, pass: false,
                               detail: "only one side has cells with 3 or more spikes"))
        }
        if ids.count >= 2 {
            let ks = KolmogorovSmirnov(ratesA, ratesB)
            out.append(Verdict(recorder: name, statistic: "KS cell rates \(pop)", a: meanA, b: meanB, measure: "p",
                               value: ks.p, tolerance: options.alpha, pass: ks.p >= options.alpha,
                               detail: "D \(fmt(ks.d)), \(ids.count) cells" + (ks.permutation ? ", permutation p (tied rates)" : "")))
        }
    }
    return out
}

/// Mean CV of the inter-spike intervals over trains of 3 or more spikes (as summary.json's cv_isi).
func meanCV(_ trains: [[Double]]) -> Double? {
    var cvs: [Double] = []
    for tr in trains where tr.count >= 3 {
        let isi = zip(tr.dropFirst(), tr).map { $0 - $1 }
        let m = isi.reduce(0, +) / Double(isi.count)
        let v = isi.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(isi.count)
        if m > 0 { cvs.append(v.squareRoot() / m) }
    }
    return cvs.isEmpty ? nil : cvs.reduce(0, +) / Double(cvs.count)
}

/// Max abs difference per column on the (sender, time) rows both files have. Traces of two
/// stochastic runs are unrelated, so they are judged only for deterministic inputs or equal spikes.
func traceVerdicts(_ ta: RecorderTable, _ tb: RecorderTable, tolerance: Double, judged: Bool) -> ([Verdict], [String]) {
    struct Key: Hashable { var s: Int; var t: UInt64 }
    var rowB: [Key: Int] = [:]
    for i in tb.senders.indices { rowB[Key(s: tb.senders[i], t: tb.times[i].bitPattern)] = i }
    let cols = ta.columns.filter { tb.columns.contains($0) }
    var maxDiff = [Double](repeating: 0, count: cols.count)
    var common = 0
    let ia = cols.map { ta.columns.firstIndex(of: $0)! }, ib = cols.map { tb.columns.firstIndex(of: $0)! }
    for i in ta.senders.indices {
        guard let j = rowB[Key(s: ta.senders[i], t: ta.times[i].bitPattern)] else { continue }
        common += 1
        for c in cols.indices { maxDiff[c] = max(maxDiff[c], abs(ta.values[i][ia[c]] - tb.values[j][ib[c]])) }
    }
    var notes: [String] = []
    if cols.count < max(ta.columns.count, tb.columns.count) {
        notes.append("\(ta.name): columns not in both files are not compared")
    }
    if !judged {
        let diffs = zip(cols, maxDiff).map { "\($0) \(fmt($1))" }.joined(separator: ", ")
        notes.append("\(ta.name): stochastic inputs, traces not judged; max abs diff on \(common) common rows: \(diffs)")
        return ([], notes)
    }
    if common == 0 {
        return ([Verdict(recorder: ta.name, statistic: "common rows", a: Double(ta.senders.count), b: Double(tb.senders.count),
                         measure: "rows", value: 0, tolerance: 0, pass: false, detail: "no (sender, time) row in both files")], notes)
    }
    let vs = cols.indices.map { c in
        Verdict(recorder: ta.name, statistic: "trace \(cols[c])", a: Double(ta.senders.count), b: Double(tb.senders.count),
                measure: "max abs diff", value: maxDiff[c], tolerance: tolerance, pass: maxDiff[c] <= tolerance,
                detail: "\(common) common rows")
    }
    return (vs, notes)
}
