import Foundation
import XCTest

/// `netview sweep` as a user runs it: shards, merges, resumes, jobs and bad arguments.
final class SweepCommandTests: XCTestCase {
    let small = ["assets/brunel2000.json", "--param", "order=60", "--param", "g=4:6:1", "--param", "eta=1,2", "--seeds", "1-2", "--time", "60"]

    func temp(_ name: String) -> String { NSTemporaryDirectory() + "nv-sweep-\(name)-\(UUID().uuidString)" }

    /// sweep.csv without the columns that hold wall-clock times.
    func csvWithoutTimings(_ dir: String) throws -> [[String]] {
        let text = try String(contentsOfFile: dir + "/sweep.csv", encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let keep = rows[0].indices.filter { !["build_s", "simulate_s"].contains(rows[0][$0]) }
        return rows.map { r in keep.map { r[$0] } }
    }

    /// Two shards merged give the sweep one run gives, and so do 1 and 3 jobs: every column but
    /// the timings, rows by point and seed.
    func testShardsMergeAndJobsGiveTheSameSweep() throws {
        let one = temp("one"), a = temp("a"), b = temp("b"), merged = temp("merged"), three = temp("three")
        defer { for d in [one, a, b, merged, three] { try? FileManager.default.removeItem(atPath: d) } }
        var r = Binary.run(["sweep"] + small + ["--jobs", "1", "--out", one])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("[12/12]"), r.out)
        XCTAssertTrue(r.out.contains("g across, eta down"), r.out)
        r = Binary.run(["sweep"] + small + ["--jobs", "3", "--out", three])
        XCTAssertEqual(r.code, 0, r.err)
        r = Binary.run(["sweep"] + small + ["--shard", "1/2", "--out", a])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("shard 1/2: 6 runs"), r.out)
        r = Binary.run(["sweep"] + small + ["--shard", "2/2", "--out", b])
        XCTAssertEqual(r.code, 0, r.err)
        // A shard missing: refused, nothing merged.
        r = Binary.run(["sweep", "--merge", a, "--out", merged])
        XCTAssertEqual(r.code, 2, r.out)
        XCTAssertTrue(r.err.contains("6 of 12 runs are in none of the folders"), r.err)
        r = Binary.run(["sweep", "--merge", a, b, "--out", merged])
        XCTAssertEqual(r.code, 0, r.err)
        let reference = try csvWithoutTimings(one)
        XCTAssertEqual(reference.count, 13)
        XCTAssertEqual(reference[0].prefix(6), ["run", "point", "g", "eta", "seed", "status"])
        XCTAssertEqual(reference[1].prefix(6), ["p0-s1", "0", "4", "1", "1", "ok"])
        XCTAssertEqual(try csvWithoutTimings(merged), reference)
        XCTAssertEqual(try csvWithoutTimings(three), reference)
        // The runs differ from each other (the seeds and the grid reach the runs).
        XCTAssertEqual(Set(reference.dropFirst().map { $0.dropFirst(6) }).count, 12, "\(reference)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: merged + "/sweep.json"))) as! [String: Any]
        let points = try XCTUnwrap(json["points"] as? [[String: Any]])
        XCTAssertEqual(points.count, 6)
        XCTAssertEqual(points[0]["runs"] as? Int, 2)
        let stats = try XCTUnwrap(points[0]["statistics"] as? [String: Any])
        let rate = try XCTUnwrap(stats["rate_hz.E"] as? [String: Any])
        let ci = try XCTUnwrap(rate["ci95"] as? [Double]), mean = try XCTUnwrap(rate["mean"] as? Double)
        XCTAssertTrue(ci[0] < mean && mean < ci[1], "\(rate)")
    }

    /// A sweep started again skips the runs it finished (their files untouched) and runs the rest;
    /// a sweep killed outright resumes too.
    func testKilledSweepResumesWithoutRecomputing() throws {
        let dir = temp("resume")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Binary.run(["sweep"] + small + ["--out", dir])
        XCTAssertEqual(r.code, 0, r.err)
        let kept = dir + "/runs/p0-s1/summary.json"
        let before = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as! Date
        try FileManager.default.removeItem(atPath: dir + "/runs/p3-s2")
        try FileManager.default.removeItem(atPath: dir + "/runs/p5-s1")
        Thread.sleep(forTimeInterval: 0.05)
        r = Binary.run(["sweep"] + small + ["--out", dir])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("10 finished before (kept)"), r.out)
        XCTAssertTrue(r.out.contains("[12/12]"), r.out)
        XCTAssertFalse(r.out.contains("p0-s1"), r.out)
        let after = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as! Date
        XCTAssertEqual(before, after)
        XCTAssertEqual(try String(contentsOfFile: dir + "/sweep.csv", encoding: .utf8).split(separator: "\n").count, 13)

        // Killed with SIGKILL after its first runs: the next sweep keeps them and finishes.
        let killed = temp("killed")
        defer { try? FileManager.default.removeItem(atPath: killed) }
        let longer = ["sweep", "assets/brunel2000.json", "--param", "order=200", "--param", "g=3:6:0.5", "--seeds", "1-2", "--time", "200",
                      "--jobs", "1", "--out", killed]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = longer
        p.currentDirectoryURL = URL(fileURLWithPath: Binary.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        func finished() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: killed + "/runs")) ?? []).filter {
                FileManager.default.fileExists(atPath: killed + "/runs/\($0)/summary.json")
            }.count
        }
        while finished() < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let done = finished()
        XCTAssertGreaterThanOrEqual(done, 2)
        r = Binary.run(longer)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("finished before (kept)"), r.out)
        XCTAssertEqual(try String(contentsOfFile: killed + "/sweep.csv", encoding: .utf8).split(separator: "\n").count, 15)
        XCTAssertFalse(try String(contentsOfFile: killed + "/sweep.csv", encoding: .utf8).contains("failed"))
    }

    /// SIGTERM (as the workbench's Sweep pane stops a sweep) ends the runs going on with the sweep.
    func testTerminatedSweepEndsItsRuns() throws {
        let dir = temp("term")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["sweep", "assets/brunel2000.json", "--param", "order=500", "--seeds", "1-6", "--time", "5000", "--jobs", "2", "--out", dir]
        p.currentDirectoryURL = URL(fileURLWithPath: Binary.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        func children() -> Int { Int(Binary.shell("pgrep -f -c -- '[-]-out \(dir)/runs/'").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
        let deadline = Date().addingTimeInterval(20)
        while children() < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(children(), 2)
        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 128 + SIGTERM)
        let gone = Date().addingTimeInterval(5)
        while children() > 0 && Date() < gone { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(children(), 0, "the runs end with the sweep")
    }

    /// Seeds alone: the fates with Wilson intervals.
    func testSeedsAloneGiveFateCounts() throws {
        let dir = temp("seeds")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=60", "--seeds", "1-4", "--time", "60", "--out", dir])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("espikes.regime: active 4/4 [0.51, 1.00]"), r.out)
        XCTAssertTrue(r.out.contains("rate_hz.E: mean"), r.out)
    }

    /// Bad arguments and folders: one line each, nothing run.
    func testBadArgumentsAreRefused() throws {
        let dir = temp("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [([String], String)] = [
            (["--param", "g=6:3:1"], "the range ends (3.0) before it starts (6.0)"),
            (["--param", "g=3:6:0"], "the step must be > 0"),
            (["--param", "g=3:nan:1"], "is not a finite number"),
            (["--param", "g=1,1"], "listed twice"),
            (["--seeds", "5-2"], "--seeds expects"),
            (["--shard", "3/2"], "--shard expects K/N"),
            (["--param", "nosuch=1:2:1"], "nosuch"),
            (["--time", "0.05"], "not a multiple of the resolution"),
            (["--jobs", "0"], "--jobs must be within"),
        ]
        for (args, message) in cases {
            let r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=60", "--out", dir] + args)
            XCTAssertNotEqual(r.code, 0, "\(args)")
            XCTAssertTrue(r.err.contains(message), "\(args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/runs"))
        // A session is not a model file: the message says how to sweep it.
        let session = dir + "-s.netview.json"
        defer { unlink(session) }
        XCTAssertEqual(Binary.run(["run", "assets/balanced_neuron.json", "--time", "10", "--save-session", session, "--out", dir + "-o", "--quiet"]).code, 0)
        defer { try? FileManager.default.removeItem(atPath: dir + "-o") }
        let s = Binary.run(["sweep", session, "--seeds", "1-2"])
        XCTAssertEqual(s.code, 2)
        XCTAssertTrue(s.err.contains("is a session: sweep its model as edited (netview export"), s.err)
        // A folder with other files, and a folder of another sweep.
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        var r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=60", "--time", "20", "--out", dir])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("not a netview sweep"), r.err)
        try FileManager.default.removeItem(atPath: dir + "/notes.txt")
        r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=60", "--time", "20", "--out", dir])
        XCTAssertEqual(r.code, 0, r.err)
        r = Binary.run(["sweep", "assets/brunel2000.json", "--param", "order=80", "--time", "20", "--out", dir])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("holds another sweep"), r.err)
        // A forged plan is refused in one line.
        try "{\"format\": \"netview-sweep-plan\", \"axes\": 3}".write(toFile: dir + "/sweep-plan.json", atomically: true, encoding: .utf8)
        r = Binary.run(["sweep", "--merge", dir, "--out", dir + "-m"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("malformed"), r.err)
    }
}

/// Brunel's (2000) four example networks, labelled as the paper labels them: order 2000 is the
/// smallest at which netview and NEST both do (at 1500 the AI point fires too regularly, CV 0.29).
final class BrunelRegimeTests: XCTestCase {
    func testFourExamplePointsAtOrder2000() throws {
        for seed in 1...2 {
            for (g, eta, label) in [("3", "2", "SR"), ("6", "4", "SI fast"), ("5", "2", "AI"), ("4.5", "0.9", "SI slow")] {
                let out = NSTemporaryDirectory() + "nv-regime-\(UUID().uuidString)"
                defer { try? FileManager.default.removeItem(atPath: out) }
                let r = Binary.run(["run", "assets/brunel2000.json", "--param", "order=2000", "--param", "V_r=10", "--param", "g=\(g)",
                                    "--param", "eta=\(eta)", "--seed", String(seed), "--threads", "2", "--out", out, "--quiet"])
                XCTAssertEqual(r.code, 0, r.err)
                let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
                let network = try XCTUnwrap(summary["network"] as? [String: Any])
                XCTAssertEqual(network["brunel_regime"] as? String, label, "g \(g) eta \(eta) seed \(seed): \(network)")
                XCTAssertEqual(network["from_ms"] as? Double, 100)
                // `netview stats` on the same folder would see only the 100 recorded cells: the
                // network block is over all 10,000.
                let pops = try XCTUnwrap(network["populations"] as? [String: [String: Any]])
                XCTAssertEqual(pops["E"]?["n"] as? Int, 8000)
            }
        }
    }
}

/// `netview stats` on a folder whose files claim spikes far in the future: the 1 ms bins stop at
/// their cap, so memory stays bounded and the command answers.
final class StatsCommandTests: XCTestCase {
    func testFarSpikesStayBounded() throws {
        let dir = NSTemporaryDirectory() + "nv-stats-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "sender,time_ms\n1,150.0\n2,157.5\n1,900000000000.0\n".write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        let out = Binary.shell("ulimit -v 2000000; '\(Binary.path)' stats '\(dir)' 2>&1; echo EXIT=$?")
        XCTAssertTrue(out.contains("EXIT=0"), out)
        XCTAssertTrue(out.contains("\"to_ms\": 900000000000"), out)
        XCTAssertTrue(out.contains("\"spikes\": 3"), out)
        XCTAssertFalse(out.contains("\"synchrony\": 0.0"), out)
    }
}
