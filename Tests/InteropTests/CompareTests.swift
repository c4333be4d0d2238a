import Foundation
import Interop
import XCTest

final class CompareTests: XCTestCase {
    func testSameDeterministicRunAgreesOnSpikeTimesAndTraces() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.protocolFile, into: a)
        try Support.run(Support.protocolFile, into: b)
        let r = try compare(try OutputFolder.read(a), try OutputFolder.read(b))
        XCTAssertTrue(r.deterministic)
        XCTAssertTrue(r.agree, r.text)
        XCTAssertTrue(r.verdicts.contains { $0.statistic == "spike times" && $0.pass })
        XCTAssertTrue(r.verdicts.contains { $0.statistic == "trace V_m" && $0.pass })
    }

    func testEditedSpikeTimeInDeterministicRunDiffers() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.protocolFile, into: a)
        try Support.run(Support.protocolFile, into: b)
        var lines = Support.read(b + "/spikes.csv").split(separator: "\n").map(String.init)
        let f = lines[2].split(separator: ",")
        lines[2] = "\(f[0]),\(Double(f[1])! + 0.1)"
        Support.write(lines.joined(separator: "\n") + "\n", b + "/spikes.csv")
        let r = try compare(try OutputFolder.read(a), try OutputFolder.read(b))
        XCTAssertFalse(r.agree)
        let failed = r.verdicts.filter { !$0.pass }.map(\.statistic)
        XCTAssertEqual(failed, ["spike times"], r.text)
        XCTAssertTrue(r.text.contains("differ: spikes spike times"), r.text)
        let cli = Support.netview(["compare", a, b])
        XCTAssertEqual(cli.code, 3, cli.out + cli.err)
        XCTAssertTrue(cli.out.contains("FAIL  spikes spike times"), cli.out)
        // A FAIL line prints the condition that failed, not the one that would pass.
        let failLine = cli.out.split(separator: "\n").first { $0.hasPrefix("FAIL") } ?? ""
        XCTAssertTrue(failLine.contains(" > ") && !failLine.contains("<="), String(failLine))
    }

    /// --from/--to: spike times, rates and CVs over a window of model time only.
    func testWindowLeavesOutATransient() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.protocolFile, into: a)
        try Support.run(Support.protocolFile, into: b)
        let lines = Support.read(b + "/spikes.csv").split(separator: "\n").map(String.init)
        let times = lines.dropFirst().compactMap { Double($0.split(separator: ",")[1]) }
        XCTAssertGreaterThan(times.filter { $0 < 100 }.count, 0)
        let kept = [lines[0]] + lines.dropFirst().filter { Double($0.split(separator: ",")[1])! >= 100 }
        Support.write(kept.joined(separator: "\n") + "\n", b + "/spikes.csv")
        XCTAssertFalse(try compare(try OutputFolder.read(a), try OutputFolder.read(b)).agree)
        var o = CompareOptions()
        o.from = 100
        let r = try compare(try OutputFolder.read(a), try OutputFolder.read(b), options: o)
        XCTAssertTrue(r.agree, r.text)
        // The rate is over the window's length: spikes in [100, end) over (end - 100) ms.
        let end = try XCTUnwrap((try OutputFolder.read(a)).summary?["simulated_ms"] as? Double)
        let inWindow = Double(times.filter { $0 >= 100 && $0 < end }.count)
        let rate = try XCTUnwrap(r.verdicts.first { $0.statistic.hasPrefix("rate") })
        XCTAssertEqual(rate.a, inWindow / ((end - 100) / 1000), accuracy: 1e-9)
        o.to = 150
        let short = try compare(try OutputFolder.read(a), try OutputFolder.read(b), options: o)
        XCTAssertEqual(short.verdicts.first { $0.statistic == "spike times" }?.a, Double(times.filter { $0 >= 100 && $0 < 150 }.count))
        let cli = Support.netview(["compare", a, b, "--from", "100"])
        XCTAssertEqual(cli.code, 0, cli.out + cli.err)
        XCTAssertEqual(Support.netview(["compare", a, b]).code, 3)
        let bad = Support.netview(["compare", a, b, "--from", "100", "--to", "50"])
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.err.contains("--to must be a time after --from"), bad.err)
    }

    /// Two folders with nothing in common are not in agreement: exit 2 and the reason.
    func testNothingComparedIsExitTwo() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        Support.write("sender,time_ms\n1,2.5\n", a + "/left.csv")
        Support.write("sender,time_ms\n1,2.5\n", b + "/right.csv")
        XCTAssertThrowsError(try compare(try OutputFolder.read(a), try OutputFolder.read(b)))
        let cli = Support.netview(["compare", a, b])
        XCTAssertEqual(cli.code, 2, cli.out + cli.err)
        XCTAssertTrue(cli.err.contains("no recorder file and no summary in common") || cli.err.contains("nothing to compare"), cli.err)
        XCTAssertFalse(cli.out.contains("agree"), cli.out)
    }

    func testStochasticNetworkWithAnotherSeedAgreesOnStatistics() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        let brunel = Support.root + "/assets/brunel2000.json"
        try Support.run(brunel, into: a, params: ["order": 100], seed: 1)
        try Support.run(brunel, into: b, params: ["order": 100], seed: 2)
        let r = try compare(try OutputFolder.read(a), try OutputFolder.read(b))
        XCTAssertFalse(r.deterministic)
        XCTAssertTrue(r.agree, r.text)
        for s in ["rate E", "CV ISI E", "KS cell rates E", "rate I (all cells)"] {
            XCTAssertTrue(r.verdicts.contains { $0.statistic == s }, "missing \(s): \(r.text)")
        }
        XCTAssertFalse(r.verdicts.contains { $0.statistic == "spike times" })
        // A 20% weaker inhibition is a different network: the distribution of cell rates says so.
        let c = Support.temporaryFolder()
        try Support.run(brunel, into: c, params: ["order": 100, "g": 4], seed: 1)
        let d = try compare(try OutputFolder.read(a), try OutputFolder.read(c))
        XCTAssertFalse(d.agree, d.text)
        XCTAssertTrue(d.verdicts.contains { $0.statistic == "KS cell rates E" && !$0.pass }, d.text)
    }

    func testPerRankFilesAreMerged() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.protocolFile, into: a)
        // Two ranks: alternate rows of every recorder file, spike counts split between two summaries.
        for name in ["spikes", "mm"] {
            let lines = Support.read("\(a)/\(name).csv").split(separator: "\n").map(String.init)
            for k in 0..<2 {
                let rows = lines.dropFirst().enumerated().filter { $0.offset % 2 == k }.map(\.element)
                Support.write(([lines[0]] + rows).joined(separator: "\n") + "\n", "\(b)/\(name).rank-\(k).csv")
            }
        }
        var summary = try JSONSerialization.jsonObject(with: Data(Support.read(a + "/summary.json").utf8)) as! [String: Any]
        var pops = summary["populations"] as! [String: [String: Any]]
        let spikes = pops["neuron"]!["spikes"] as! Int
        for (k, part) in [spikes / 2, spikes - spikes / 2].enumerated() {
            pops["neuron"]!["spikes"] = part
            pops["neuron"]!["rate_hz"] = 0
            summary["populations"] = pops
            try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: "\(b)/summary.rank-\(k).json"))
        }
        let merged = try OutputFolder.read(b)
        XCTAssertEqual(merged.recorders["spikes"]?.times, try OutputFolder.read(a).recorders["spikes"]?.times)
        let r = try compare(try OutputFolder.read(a), merged)
        XCTAssertTrue(r.agree, r.text)
        XCTAssertTrue(r.verdicts.contains { $0.statistic == "rate neuron (all cells)" && $0.pass && $0.a == $0.b }, r.text)
        // Both forms for one recorder is ambiguous.
        try FileManager.default.copyItem(atPath: a + "/spikes.csv", toPath: b + "/spikes.csv")
        XCTAssertThrowsError(try OutputFolder.read(b))
    }

    func testBadInputIsOneLineAndExitTwo() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.protocolFile, into: a)
        try Support.run(Support.protocolFile, into: b)
        Support.write("sender,time_ms\n1,2.5\n1,abc\n", b + "/spikes.csv")
        XCTAssertThrowsError(try OutputFolder.read(b)) { e in
            XCTAssertEqual("\(e)", "\(b)/spikes.csv:3: sender must be an integer and time_ms a number, got '1,abc'")
        }
        let cli = Support.netview(["compare", a, b])
        XCTAssertEqual(cli.code, 2)
        XCTAssertEqual(cli.err.split(separator: "\n").count, 1, cli.err)
        let missing = Support.netview(["compare", a, a + "/nothing"])
        XCTAssertEqual(missing.code, 2)
        XCTAssertTrue(missing.err.contains("no such output folder"), missing.err)
    }

    /// Folders of runs (one subfolder per seed) are compared over runs: other seeds of the same
    /// network agree, a 20% weaker inhibition differs, and the CLI reads the sets.
    func testFoldersOfRunsAreComparedOverRuns() throws {
        let brunel = Support.root + "/assets/brunel2000.json"
        let a = Support.temporaryFolder(), b = Support.temporaryFolder(), c = Support.temporaryFolder()
        for s in 1...4 {
            try Support.run(brunel, into: "\(a)/seed-\(s)", params: ["order": 100], seed: UInt64(s), ms: 300)
            try Support.run(brunel, into: "\(b)/seed-\(s + 4)", params: ["order": 100], seed: UInt64(s + 4), ms: 300)
            try Support.run(brunel, into: "\(c)/seed-\(s)", params: ["order": 100, "g": 4], seed: UInt64(s), ms: 300)
        }
        let runsA = try OutputFolder.readRuns(a)
        XCTAssertEqual(runsA.map { URL(fileURLWithPath: $0.path).lastPathComponent }, ["seed-1", "seed-2", "seed-3", "seed-4"])
        let same = try compare(runs: runsA, try OutputFolder.readRuns(b))
        XCTAssertEqual(same.ensemble?.1, 4)
        XCTAssertTrue(same.agree, same.text)
        for s in ["rate E (runs)", "CV ISI E (runs)", "KS run rates E", "rate I (all cells, runs)"] {
            XCTAssertTrue(same.verdicts.contains { $0.statistic == s }, "missing \(s): \(same.text)")
        }
        let other = try compare(runs: runsA, try OutputFolder.readRuns(c))
        XCTAssertFalse(other.agree, other.text)
        XCTAssertTrue(other.verdicts.contains { $0.statistic == "rate E (runs)" && !$0.pass }, other.text)
        let cli = Support.netview(["compare", a, c, "--json"])
        XCTAssertEqual(cli.code, 3, cli.err)
        XCTAssertTrue(cli.out.contains("\"runs\": [") || cli.out.contains("\"runs\":["), cli.out)
        let empty = Support.temporaryFolder()
        let none = Support.netview(["compare", a, empty])
        XCTAssertEqual(none.code, 2)
        XCTAssertTrue(none.err.contains("no subfolder of runs"), none.err)
    }

    /// The exact test of the fate mix: closed forms, and two sets of runs that differ only in fate.
    func testFateMixIsComparedExactly() throws {
        // Columns 3/3/0, rows of 3: the tables 0..3 have probabilities 1, 9, 9, 1 over 20.
        XCTAssertEqual(FateTest([3, 0, 0], [0, 3, 0]).p, 0.1, accuracy: 1e-12)
        XCTAssertEqual(FateTest([4, 0, 0], [4, 0, 0]).p, 1, accuracy: 1e-12)
        XCTAssertGreaterThan(FateTest([5, 2, 1], [5, 2, 1]).p, 0.5)
        func runs(_ regime: String, into dir: String) {
            for k in 1...8 {
                let run = "\(dir)/seed-\(k)"
                try? FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
                Support.write("sender,time_ms\n1,\(Double(k))\n2,\(Double(k) + 10)\n1,\(Double(k) + 20)\n", run + "/spikes.csv")
                Support.write(#"{"model": "m", "simulated_ms": 1000, "activity": {"spikes": {"regime": "\#(regime)"}}}"#, run + "/summary.json")
            }
        }
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        runs("active", into: a)
        runs("extinct", into: b)
        let r = try compare(runs: try OutputFolder.readRuns(a), try OutputFolder.readRuns(b))
        let fate = try XCTUnwrap(r.verdicts.first { $0.statistic == "fates active/locked/extinct" }, r.text)
        XCTAssertFalse(fate.pass, r.text)
        XCTAssertEqual(fate.value, 2.0 / 12870, accuracy: 1e-12, "8 active vs 8 extinct")
        XCTAssertTrue(fate.detail.contains("8/0/0 | 0/0/8"), fate.detail)
        XCTAssertTrue(try compare(runs: try OutputFolder.readRuns(a), try OutputFolder.readRuns(a)).verdicts
            .first { $0.statistic == "fates active/locked/extinct" }!.pass)
        let cli = Support.netview(["compare", a, b])
        XCTAssertEqual(cli.code, 3, cli.out + cli.err)
        XCTAssertTrue(cli.out.contains("FAIL  spikes fates active/locked/extinct"), cli.out)

        // Summaries without an activity block (an exported script's): the fate from the spikes,
        // by the same definitions (no spike in the last 100 ms: extinct).
        let c = Support.temporaryFolder()
        for k in 1...8 {
            let run = "\(c)/seed-\(k)"
            try? FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            let last = k <= 4 ? 990.0 : 500.0
            Support.write("sender,time_ms\n1,100.0\n2,\(last)\n", run + "/spikes.csv")
            Support.write(#"{"model": "m", "simulated_ms": 1000, "recorded": {"spikes": {"E": [[1, 3]]}}}"#, run + "/summary.json")
        }
        let mixed = try compare(runs: try OutputFolder.readRuns(a), try OutputFolder.readRuns(c))
        let f = try XCTUnwrap(mixed.verdicts.first { $0.statistic == "fates active/locked/extinct" }, mixed.text)
        XCTAssertTrue(f.detail.contains("8/0/0 | 4/0/4"), f.detail)
    }

    func testWelchTest() {
        // Closed forms: df 1, P(|T| >= 1) = 1 - 2 atan(1) / pi = 0.5; df 2, P(|T| >= 1) = 1 - 1/sqrt(3).
        XCTAssertEqual(WelchTest.twoSidedP(t: 1, df: 1), 0.5, accuracy: 1e-12)
        XCTAssertEqual(WelchTest.twoSidedP(t: 1, df: 2), 1 - 1 / 3.0.squareRoot(), accuracy: 1e-12)
        // Tables: the two-sided 5% points of df 10 and of the normal limit.
        XCTAssertEqual(WelchTest.twoSidedP(t: 2.2281389, df: 10), 0.05, accuracy: 1e-6)
        XCTAssertEqual(WelchTest.twoSidedP(t: 1.959964, df: 1e7), 0.05, accuracy: 1e-5)
        let w = WelchTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
        XCTAssertEqual(w.t, -3 / 2.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(w.df, 6.25 / 1.0625, accuracy: 1e-12)
        XCTAssertEqual(WelchTest([2, 2], [2, 2, 2]).p, 1)
        XCTAssertEqual(WelchTest([1, 1], [2, 2]).p, 0)
    }

    func testKolmogorovSmirnov() {
        let same = KolmogorovSmirnov([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
        XCTAssertEqual(same.d, 0)
        XCTAssertEqual(same.p, 1)
        let apart = KolmogorovSmirnov((0..<50).map(Double.init), (100..<150).map(Double.init))
        XCTAssertEqual(apart.d, 1)
        XCTAssertLessThan(apart.p, 1e-6)
        // scipy.stats.ks_2samp([1..10], [6..15]) gives D = 0.5.
        XCTAssertEqual(KolmogorovSmirnov((1...10).map(Double.init), (6...15).map(Double.init)).d, 0.5)
    }

    /// Tied samples (rates quantised by one duration) get a permutation p-value: high for two
    /// samples of one discrete distribution, low for shifted ones, the same on every call.
    func testKolmogorovSmirnovWithTies() {
        var state: UInt64 = 7
        func count(_ mean: Double) -> Double {  // a small Poisson count
            var k = 0.0, p = exp(-mean), u = 0.0
            state = state &* 6364136223846793005 &+ 1442695040888963407
            u = Double(state >> 11) * 0x1p-53
            var cdf = p
            while u > cdf { k += 1; p *= mean / k; cdf += p }
            return k
        }
        let a = (0..<200).map { _ in count(3) }, b = (0..<200).map { _ in count(3) }, c = (0..<200).map { _ in count(4.5) }
        let same = KolmogorovSmirnov(a, b), shifted = KolmogorovSmirnov(a, c)
        XCTAssertTrue(same.permutation && shifted.permutation)
        XCTAssertGreaterThan(same.p, 0.01)
        XCTAssertLessThan(shifted.p, 0.01)
        XCTAssertEqual(KolmogorovSmirnov(a, c).p, shifted.p)
        XCTAssertEqual(KolmogorovSmirnov(a, a).p, 1)
        XCTAssertFalse(KolmogorovSmirnov([1, 2, 3], [4, 5, 6]).permutation)
    }

    /// Byte-identical spike files agree when one folder has no summary: both take the run length
    /// from the one that has it.
    func testIdenticalSpikesAgreeWhenOneFolderLacksItsSummary() throws {
        let a = Support.temporaryFolder(), b = Support.temporaryFolder()
        try Support.run(Support.root + "/assets/brunel2000.json", into: a, params: ["order": 100], ms: 300)
        try Support.run(Support.root + "/assets/brunel2000.json", into: b, params: ["order": 100], ms: 300)
        try FileManager.default.removeItem(atPath: b + "/summary.json")
        let r = try compare(try OutputFolder.read(a), try OutputFolder.read(b))
        XCTAssertTrue(r.verdicts.contains { $0.statistic.hasPrefix("KS cell rates") }, r.text)
        XCTAssertTrue(r.agree, r.text)
        let rates = r.verdicts.filter { $0.statistic.hasPrefix("rate ") }
        XCTAssertTrue(rates.allSatisfy { $0.a == $0.b }, r.text)
    }
}
