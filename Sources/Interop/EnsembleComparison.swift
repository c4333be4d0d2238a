import Foundation

/// Compares two sets of runs (e.g. seeds 1-8 of netview against seeds 1-8 of an exported
/// script). One run of a chaotic network is one sample of its fates, so sets are compared by
/// statistics over runs: per population the mean over runs of the population rate and of the
/// mean CV of ISI, each with Welch's t-test, a Kolmogorov-Smirnov test on the runs'
/// population rates, and the mix of fates (the summaries' `regime`) with an exact test; a
/// statistic differs when p < `alpha`. Traces of independent runs are not judged.
public func compare(runs a: [OutputFolder], _ b: [OutputFolder], options: CompareOptions = CompareOptions(),
                    names: (String, String)? = nil) throws -> ComparisonReport {
    guard let firstA = a.first, let firstB = b.first else { throw InteropError("no runs to compare") }
    if a.count == 1 && b.count == 1 { return try compare(firstA, firstB, options: options) }
    let (nameA, nameB) = names ?? (a.count == 1 ? firstA.path : parent(firstA.path), b.count == 1 ? firstB.path : parent(firstB.path))
    var report = ComparisonReport(a: nameA, b: nameB, deterministic: false)
    report.ensemble = (a.count, b.count)
    let spikeNames = Set(firstA.recorders.filter { $0.value.isSpikes }.keys)
        .intersection(firstB.recorders.filter { $0.value.isSpikes }.keys).sorted()
    for name in spikeNames {
        guard a.allSatisfy({ $0.recorders[name] != nil }), b.allSatisfy({ $0.recorders[name] != nil }) else {
            report.notes.append("\(name) is missing from some runs; not compared"); continue
        }
        for (pop, ids) in cellGroups(name, firstA, firstB) where !ids.isEmpty {
            let sa = a.map { runStats($0, name, ids, options) }, sb = b.map { runStats($0, name, ids, options) }
            report.verdicts.append(meanVerdict(name, "rate \(pop) (runs)", sa.map(\.rate), sb.map(\.rate), options.alpha))
            let cvA = sa.compactMap(\.cv), cvB = sb.compactMap(\.cv)
            if cvA.count >= 2 && cvB.count >= 2 {
                report.verdicts.append(meanVerdict(name, "CV ISI \(pop) (runs)", cvA, cvB, options.alpha))
            }
            let ks = KolmogorovSmirnov(sa.map(\.rate), sb.map(\.rate))
            report.verdicts.append(Verdict(recorder: name, statistic: "KS run rates \(pop)", a: mean(sa.map(\.rate)),
                                           b: mean(sb.map(\.rate)), measure: "p", value: ks.p, tolerance: options.alpha,
                                           pass: ks.p >= options.alpha, detail: "D \(fmt(ks.d)), \(a.count) | \(b.count) runs"))
        }
    }
    for name in spikeNames {
        // The mix of fates (active, locked, extinct): what matters for a multistable network.
        guard let fa = fates(a, recorder: name), let fb = fates(b, recorder: name) else { continue }
        let test = FateTest(fa, fb)
        func share(_ f: [Int]) -> Double { Double(f[0]) / Double(max(1, f.reduce(0, +))) }
        report.verdicts.append(Verdict(recorder: name, statistic: "fates active/locked/extinct", a: share(fa), b: share(fb),
                                       measure: "p", value: test.p, tolerance: options.alpha, pass: test.p >= options.alpha,
                                       detail: "exact test, \(fa.map(String.init).joined(separator: "/")) | \(fb.map(String.init).joined(separator: "/")) runs"))
    }
    let pops = (firstA.summary?["nodes"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        ?? ((firstA.summary?["populations"] as? [String: Any])?.keys.sorted() ?? [])
    if options.windowed && !pops.isEmpty {
        report.notes.append("summary rates cover whole runs: not compared over a window")
    }
    for pop in pops where !options.windowed {
        func rates(_ runs: [OutputFolder]) -> [Double]? {
            let r = runs.compactMap { (($0.summary?["populations"] as? [String: Any])?[pop] as? [String: Any])?["rate_hz"] }
            return r.count == runs.count ? r.map { number($0) } : nil
        }
        guard let ra = rates(a), let rb = rates(b) else { continue }
        report.verdicts.append(meanVerdict("summary", "rate \(pop) (all cells, runs)", ra, rb, options.alpha))
    }
    if report.verdicts.isEmpty { throw InteropError("\(nameA) and \(nameB) have no spike recorder and no summary rates in common") }
    report.notes.append("independent runs: traces not judged")
    return report
}

struct RunStats { var rate: Double; var cv: Double? }

/// Mean rate and mean CV of ISI of the cells `ids` in one run, over the options' window.
func runStats(_ run: OutputFolder, _ name: String, _ ids: [Int], _ options: CompareOptions) -> RunStats {
    let t = run.recorders[name]!
    let w = options.window(t, simulatedMs: number(run.summary?["simulated_ms"]), lastSpike: t.times.last ?? 0)
    let wanted = Set(ids)
    var trains: [Int: [Double]] = [:]
    for (s, time) in zip(w.senders, w.times) where wanted.contains(s) { trains[s, default: []].append(time) }
    let seconds = w.seconds
    let spikes = trains.values.reduce(0) { $0 + $1.count }
    return RunStats(rate: seconds > 0 ? Double(spikes) / Double(ids.count) / seconds : 0, cv: meanCV(Array(trains.values)))
}

func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

func variance(_ x: [Double]) -> Double {
    guard x.count > 1 else { return 0 }
    let m = mean(x)
    return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
}

/// Welch's t-test on the means of two samples: a verdict that fails when p < `alpha`.
func meanVerdict(_ recorder: String, _ statistic: String, _ x: [Double], _ y: [Double], _ alpha: Double) -> Verdict {
    let w = WelchTest(x, y)
    return Verdict(recorder: recorder, statistic: statistic, a: mean(x), b: mean(y), measure: "p", value: w.p,
                   tolerance: alpha, pass: w.p >= alpha,
                   detail: "t \(fmt(w.t)), df \(fmt(w.df)), \(x.count) | \(y.count) runs")
}

func parent(_ path: String) -> String { path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") }
