import Foundation

/// The statistics of a spike recorder's neurons over a run (definitions:
/// `shared/reference/destexhe2009.md`), for any network.
public struct Activity: Sendable {
    public struct Population: Sendable {
        public var name: String
        public var n: Int
        public var rateMean: Double
        public var rateSD: Double
        public var fracActive: Double
        public var cvISI: Double
        public var earlyRate: Double
    }

    public var populations: [Population]
    public var fracUp: Double
    public var transitions: Int
    public var meanUpMs: Double
    public var meanDownMs: Double
    public var rateUpHz: Double
    public var silences: Int
    public var silenceMeanMs: Double
    public var silenceMaxMs: Double
    public var lateFracActive: Double
    public var lateRateActiveHz: Double
    public var fracCellsAbove100Hz: Double
    public var regime: String

    /// `cells`: (population name, neuron ids) in order; `spikes`: (id, time ms) pairs; `T` the run.
    public static func compute(cells: [(String, [Int])], senders: [Int32], times: [Double], duration T: Double) -> Activity {
        var trains: [Int: [Double]] = [:]
        for (s, t) in zip(senders, times) { trains[Int(s), default: []].append(t) }
        let seconds = T / 1000
        let early = min(100, T), lateStart = max(0, T - 1000), hiStart = min(1000, T)
        var pops: [Population] = []
        var allIDs: [Int] = []
        for (name, ids) in cells {
            allIDs += ids
            let rates = ids.map { seconds > 0 ? Double(trains[$0]?.count ?? 0) / seconds : 0 }
            let mean = rates.isEmpty ? 0 : rates.reduce(0, +) / Double(rates.count)
            let sd = rates.isEmpty ? 0 : (rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rates.count)).squareRoot()
            let active = ids.filter { (trains[$0]?.count ?? 0) > 0 }.count
            var cvs: [Double] = []
            for id in ids {
                guard let tr = trains[id], tr.count >= 3 else { continue }
                let isi = zip(tr.dropFirst(), tr).map { $0 - $1 }
                let m = isi.reduce(0, +) / Double(isi.count)
                let v = isi.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(isi.count)
                if m > 0 { cvs.append(v.squareRoot() / m) }
            }
            let earlySpikes = ids.reduce(0) { acc, id in acc + (trains[id]?.filter { $0 <= early }.count ?? 0) }
            pops.append(Population(name: name, n: ids.count, rateMean: mean, rateSD: sd,
                                   fracActive: ids.isEmpty ? 0 : Double(active) / Double(ids.count),
                                   cvISI: cvs.isEmpty ? 0 : cvs.reduce(0, +) / Double(cvs.count),
                                   earlyRate: ids.isEmpty || early <= 0 ? 0 : Double(earlySpikes) / Double(ids.count) / (early / 1000)))
        }
        let n = allIDs.count
        // Population rate in 10 ms bins; up when >= 5 Hz.
        let nBins = max(1, Int((T / 10).rounded(.up)))
        var counts = [Int](repeating: 0, count: nBins)
        let pooled = times.sorted()
        for t in pooled { counts[min(nBins - 1, max(0, Int(t / 10)))] += 1 }
        let binRate = counts.map { n > 0 ? Double($0) / Double(n) / 0.01 : 0 }
        let up = binRate.map { $0 >= 5 }
        var runs: [(Bool, Int)] = []
        for u in up {
            if let last = runs.last, last.0 == u { runs[runs.count - 1].1 += 1 } else { runs.append((u, 1)) }
        }
        let upRuns = runs.filter { $0.0 }.map { Double($0.1) * 10 }, downRuns = runs.filter { !$0.0 }.map { Double($0.1) * 10 }
        let upRates = zip(binRate, up).filter { $0.1 }.map { $0.0 }
        // Silences: gaps of at least 10 ms in the pooled train.
        let gaps = zip(pooled.dropFirst(), pooled).map { $0 - $1 }.filter { $0 >= 10 }
        // Late state.
        var lateActive = 0, lateSpikes = 0, above100 = 0
        for id in allIDs {
            let tr = trains[id] ?? []
            let late = tr.filter { $0 > lateStart }.count
            if late > 0 { lateActive += 1; lateSpikes += late }
            let hiWindow = (T - hiStart) / 1000
            if hiWindow > 0 && Double(tr.filter { $0 > hiStart }.count) / hiWindow > 100 { above100 += 1 }
        }
        let lateWindow = (T - lateStart) / 1000
        let lateFrac = n > 0 ? Double(lateActive) / Double(n) : 0
        let lateRate = lateActive > 0 && lateWindow > 0 ? Double(lateSpikes) / Double(lateActive) / lateWindow : 0
        let lastSpike = pooled.last ?? -.infinity
        let regime: String
        if lastSpike <= T - min(100, T) || pooled.isEmpty { regime = "extinct" } else if lateFrac < 0.5 && lateRate > 100 { regime = "locked" } else { regime = "active" }
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        return Activity(populations: pops, fracUp: Double(up.filter { $0 }.count) / Double(nBins),
                        transitions: max(0, runs.count - 1), meanUpMs: mean(upRuns), meanDownMs: mean(downRuns),
                        rateUpHz: mean(upRates), silences: gaps.count, silenceMeanMs: mean(gaps),
                        silenceMaxMs: gaps.max() ?? 0, lateFracActive: lateFrac, lateRateActiveHz: lateRate,
                        fracCellsAbove100Hz: n > 0 ? Double(above100) / Double(n) : 0, regime: regime)
    }

    public var json: JSONOut {
        .obj([
            ("populations", .obj(populations.map { p in
                (p.name, .obj([("n", .int(p.n)), ("rate_mean_hz", .num(p.rateMean)), ("rate_sd_hz", .num(p.rateSD)),
                               ("frac_active", .num(p.fracActive)), ("cv_isi", .num(p.cvISI))]))
            })),
            ("frac_up", .num(fracUp)), ("n_transitions", .int(transitions)),
            ("mean_up_ms", .num(meanUpMs)), ("mean_down_ms", .num(meanDownMs)), ("rate_up_hz", .num(rateUpHz)),
            ("n_silences", .int(silences)), ("silence_mean_ms", .num(silenceMeanMs)), ("silence_max_ms", .num(silenceMaxMs)),
            ("early_rate_hz", .obj(populations.map { ($0.name, .num($0.earlyRate)) })),
            ("late_frac_active", .num(lateFracActive)), ("late_rate_active_hz", .num(lateRateActiveHz)),
            ("frac_cells_gt100hz", .num(fracCellsAbove100Hz)), ("regime", .str(regime)),
        ])
    }
}
