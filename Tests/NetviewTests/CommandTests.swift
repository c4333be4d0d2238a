import Foundation
import XCTest

/// The executable's headless commands, as a user runs them.
final class CommandTests: XCTestCase {
    /// `netview --version`: the version and the commit it was built from.
    /// `--param NAME=V1,V2` gives a row per value: an order-of-growth table in one call.
    func testBenchGivesARowPerListedValue() throws {
        let r = Binary.run(["bench", "brunel2000", "--param", "order=60,120", "--time", "10", "--repeat", "1", "--json"])
        XCTAssertEqual(r.code, 0, r.err)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["scenario"] as? String }, ["brunel2000 order=60", "brunel2000 order=120"])
        let synapses = rows.compactMap { ($0["synapses"] as? NSNumber)?.doubleValue }
        XCTAssertEqual(synapses.count, 2)
        // Brunel's synapses grow with the square of the order.
        XCTAssertEqual(synapses[1] / synapses[0], 4, accuracy: 0.2)
    }

    func testVersionNamesTheCommit() {
        let r = Binary.run(["--version"])
        XCTAssertEqual(r.code, 0, r.err)
        let commit = Binary.shell("git -C '\(Binary.root)' rev-parse HEAD 2>/dev/null").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(r.out.hasPrefix("netview 0.1.0 (commit "), r.out)
        if commit.count == 40 { XCTAssertTrue(r.out.contains(commit), "\(r.out) vs \(commit)") }
    }

    /// summary.json says how the run came about: the master seed, the --param overrides, the
    /// model file's absolute path and SHA-256 (as sha256sum prints it), the command line and the
    /// commit; a seed beyond 2^53 is written as a string, so no JSON reader rounds it.
    func testSummaryRecordsProvenance() throws {
        let out = NSTemporaryDirectory() + "nv-prov-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let args = ["run", "assets/brunel2000.json", "--param", "order=100", "--param", "g=4.5", "--seed", "42", "--time", "20", "--out", out, "--quiet"]
        let r = Binary.run(args)
        XCTAssertEqual(r.code, 0, r.err)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["master_seed"] as? Int, 42)
        XCTAssertEqual(summary["params"] as? [String: Double], ["order": 100, "g": 4.5])
        let file = try XCTUnwrap(summary["model_file"] as? [String: String])
        XCTAssertEqual(file["path"], Binary.root + "/assets/brunel2000.json")
        let sha = Binary.shell("sha256sum '\(Binary.root)/assets/brunel2000.json'").split(separator: " ").first.map(String.init)
        XCTAssertEqual(file["sha256"], sha)
        XCTAssertEqual((summary["command_line"] as? [String])?.dropFirst().map { $0 }, args)
        XCTAssertNotNil(summary["commit"])
        let big = Binary.run(["run", "assets/balanced_neuron.json", "--seed", "18446744073709551615", "--time", "10", "--out", out, "--quiet"])
        XCTAssertEqual(big.code, 0, big.err)
        let s2 = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        XCTAssertEqual(s2["master_seed"] as? String, "18446744073709551615")
        XCTAssertEqual(s2["params"] as? [String: Double], [:])
    }

    /// `netview connections`: deterministic rules list exactly the synapses the file asks for;
    /// random ones as many as the run's summary counts; selections filter; bad ones are one line.
    func testConnectionsListsWhatTheKernelHolds() throws {
        let dir = NSTemporaryDirectory() + "nv-conn-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/m.json"
        try """
        {"name": "m", "nodes": [{"name": "A", "model": "iaf_psc_alpha", "n": 3}, {"name": "B", "model": "iaf_psc_alpha", "n": 2},
                               {"name": "pg", "model": "poisson_generator", "params": {"rate": 10.0}},
                               {"name": "sr", "model": "spike_recorder"}],
         "connections": [{"source": "A", "target": "B", "syn_spec": {"weight": 2.5, "delay": 1.2}},
                         {"source": "A[0:2]", "target": "B", "conn_spec": "one_to_one", "syn_spec": {"weight": -1, "delay": 0.1}},
                         {"source": "pg", "target": "A[1]", "syn_spec": {"weight": 3}},
                         {"source": "B", "target": "sr"}]}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = Binary.run(["connections", file, "--csv"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out, """
        entry,source,target,weight,delay_ms
        0,1,4,2.5,1.2
        0,1,5,2.5,1.2
        0,2,4,2.5,1.2
        0,2,5,2.5,1.2
        0,3,4,2.5,1.2
        0,3,5,2.5,1.2
        1,1,4,-1.0,0.1
        1,2,5,-1.0,0.1
        2,6,2,3.0,1.0

        """)
        let some = Binary.run(["connections", file, "--csv", "--source", "A[1]", "--target", "B[1]"])
        XCTAssertEqual(some.out, "entry,source,target,weight,delay_ms\n0,2,5,2.5,1.2\n1,2,5,-1.0,0.1\n", some.err)
        let text = Binary.run(["connections", file])
        XCTAssertEqual(text.code, 0, text.err)
        XCTAssertTrue(text.out.contains("connections[0]: A -> B, all_to_all\n  6 synapses\n  weight 2.5 (all), delay 1.2 (all) ms"), text.out)
        XCTAssertTrue(text.out.contains("2 device links"), text.out)
        XCTAssertTrue(text.out.hasSuffix("9 synapses listed\n"), text.out)
        for bad in [["--source", "A[7]"], ["--target", "C"], ["--source", "A[2:1]"]] {
            let e = Binary.run(["connections", file] + bad)
            XCTAssertEqual(e.code, 2, e.out)
            XCTAssertEqual(e.err.split(separator: "\n").count, 1, e.err)
            XCTAssertTrue(e.err.hasPrefix("netview: \(bad[0])"), e.err)
        }
        // A random network: the listing holds as many synapses per entry as the run's summary counts.
        let out = dir + "/out"
        XCTAssertEqual(Binary.run(["run", "assets/brunel2000.json", "--param", "order=50", "--time", "1", "--out", out, "--quiet"]).code, 0)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        let entries = summary["connections"] as! [[String: Any]]
        let rows = Binary.run(["connections", "assets/brunel2000.json", "--param", "order=50", "--csv"]).out.split(separator: "\n").dropFirst()
        for (i, entry) in entries.enumerated() where i < 3 {
            XCTAssertEqual(rows.filter { $0.hasPrefix("\(i),") }.count, entry["synapses"] as? Int, "entry \(i)")
        }
        XCTAssertEqual(rows.count, summary["synapses"] as? Int)
    }

    func testRunWritesOutputsAndSummary() throws {
        let out = NSTemporaryDirectory() + "nv-run-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = Binary.run(["run", "assets/brunel2000.json", "--param", "order=100", "--time", "100", "--out", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("E: 400 neurons"), r.out)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        for key in ["model", "simulated_ms", "resolution", "seeds", "threads", "populations", "synapses", "connections", "activity",
                    "build_s", "simulate_s", "realtime_factor", "peak_memory_mb", "version", "platform"] {
            XCTAssertNotNil(summary[key], key)
        }
        XCTAssertEqual(summary["synapses"] as? Int, 500 * 40 + 500 * 10 + 500)
        let csv = try String(contentsOfFile: out + "/espikes.csv", encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("sender,time_ms\n"))
    }

    func testSameSeedGivesByteIdenticalFilesForAnyThreadCount() throws {
        var texts: [String] = []
        for t in ["1", "2"] {
            let out = NSTemporaryDirectory() + "nv-det-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: out) }
            XCTAssertEqual(Binary.run(["run", "assets/destexhe2009.json", "--time", "300", "--threads", t, "--out", out]).code, 0)
            texts.append(try String(contentsOfFile: out + "/spikes.csv", encoding: .utf8) + String(contentsOfFile: out + "/vm.csv", encoding: .utf8))
        }
        XCTAssertEqual(texts[0], texts[1])
    }

    func testBadInputsGiveOneLineAndExitCode2() throws {
        let bad = NSTemporaryDirectory() + "nv-bad-\(UUID().uuidString).json"
        try "{\"nodes\": [{\"name\": \"E\", \"model\": \"iaf_psc_delta\", \"params\": {\"tau_mm\": 3}}]}".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        for args in [["run", bad], ["run", "missing.json"], ["check", bad], ["defaults", "iaf_psc_dlta"],
                     ["run", "assets/brunel2000.json", "--param", "order=x"], ["run", "assets/brunel2000.json", "--time=-3"],
                     ["run", "assets/brunel2000.json", "--threads", "0"], ["bisect", "assets/brunel2000.json"]] {
            let r = Binary.run(args)
            XCTAssertEqual(r.code, 2, "\(args): \(r.err)")
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, "\(args): \(r.err)")
        }
        XCTAssertTrue(Binary.run(["run", bad]).err.contains("did you mean 'tau_m'"))
    }

    func testDefaultsPrintsNESTKeys() throws {
        let r = Binary.run(["defaults", "aeif_cond_exp"])
        XCTAssertEqual(r.code, 0)
        let d = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        XCTAssertEqual(d["C_m"] as? Double, 281)
        XCTAssertEqual(d["gsl_error_tol"] as? Double, 1e-6)
    }

    func testViewChecksTheFolderThenTheTerminal() {
        let missing = Binary.run(["view", "no/such/folder"])
        XCTAssertEqual(missing.code, 2)
        XCTAssertEqual(missing.err, "netview: no/such/folder: no such output folder\n")
        let empty = NSTemporaryDirectory() + "netview-empty-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try? "sender,time_ms\n".write(toFile: empty + "/spikes.csv", atomically: true, encoding: .utf8)
        let nothing = Binary.run(["view", empty])
        XCTAssertEqual(nothing.code, 2)
        XCTAssertTrue(nothing.err.contains("no spikes and no V_m trace"), nothing.err)
        let noTerminal = Binary.run(["view", "Tests/Fixtures/nest-destexhe-500ms"])
        XCTAssertEqual(noTerminal.code, 2)
        XCTAssertEqual(noTerminal.err.split(separator: "\n").count, 1)
        XCTAssertTrue(noTerminal.err.contains("needs a terminal"), noTerminal.err)
    }

    func testWorkbenchWithoutATerminalSaysSoAndFails() {
        let r = Binary.run(["assets/destexhe2009.json"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.err.contains("netview run"), r.err)
    }
}
