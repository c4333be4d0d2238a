import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// Running 0 -> T in one go, or 0 -> T/2, saving, loading and going on to T, gives the same files.
final class ResumeTests: XCTestCase {
    /// One go to T: the recorder files after T/2, the summary, and the summary over (T/2, T]
    /// (what `netview run SESSION` writes).
    func oneGo(_ s: Scenario) throws -> (files: [String: String], summary: String, secondHalf: String) {
        let b = try s.model().build()
        try b.kernel.simulate(s.half)
        let counts = b.kernel.spikeCounts
        try b.kernel.simulate(s.ms - s.half)
        let whole = try Support.outputs(b, since: b.kernel.grid.steps(s.half))
        let second = try Support.outputs(b, since: b.kernel.grid.steps(s.half), countsAtStart: counts)
        return (whole.files, whole.summary, second.summary)
    }

    /// Runs to T/2 and saves, as `netview run FILE --time T/2 --save-session` does.
    func saveAtHalf(_ s: Scenario, in dir: String) throws -> String {
        let b = try s.model().build()
        try b.kernel.simulate(s.half)
        let path = dir + "/half" + Snapshot.fileExtension
        try Snapshot.save(built: b, edits: [], log: [(b.kernel.now, "simulate \(s.half)")], wallSeconds: 0, to: path)
        return path
    }

    /// A run stopped by an error inside a step leaves the cells part way through it: such a
    /// state is not saved.
    func testAStateStoppedInsideAStepIsNotSaved() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let b = try Scenario.destexhe.model().build()
        try b.kernel.simulate(5)
        try b.kernel.setStatus(NodeCollection([7]), ["I_e": .number(-1e7)])
        XCTAssertThrowsError(try b.kernel.simulate(10))
        let path = dir + "/stopped" + Snapshot.fileExtension
        XCTAssertThrowsError(try Snapshot.save(built: b, edits: [], log: [], wallSeconds: 0, to: path)) { e in
            XCTAssertTrue("\(e)".contains("part way through a step"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// Both halves: loaded in this process and in a new `netview` process, against one go.
    func checkResumeIsExact(_ s: Scenario, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = try oneGo(s)
        XCTAssertFalse(whole.files.isEmpty, file: file, line: line)
        XCTAssertTrue(whole.files.values.allSatisfy { $0.split(separator: "\n").count > 2 }, "every recorder has events in the second half", file: file, line: line)
        let path = try saveAtHalf(s, in: dir)

        let loaded = try Snapshot.load(path: path)
        XCTAssertEqual(loaded.savedTime, s.half, file: file, line: line)
        try loaded.built.kernel.simulate(s.ms - s.half)
        let here = try Support.outputs(loaded.built, since: loaded.savedStep)
        XCTAssertEqual(here.files, whole.files, "loaded in this process", file: file, line: line)
        XCTAssertEqual(here.summary, whole.summary, file: file, line: line)

        let out = dir + "/out"
        let r = try Support.netview(["run", path, "--time", "\(s.ms - s.half)", "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        XCTAssertEqual(try Support.recorderFiles(out), whole.files, "loaded in a new process", file: file, line: line)
        XCTAssertEqual(try Support.stableSummary(out), whole.secondHalf, file: file, line: line)
        // The network block covers the period the resumed run simulated, after its first 100 ms.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any]
        let network = try XCTUnwrap(summary?["network"] as? [String: Any], file: file, line: line)
        XCTAssertEqual(network["from_ms"] as? Double, s.half + (s.ms - s.half >= 200 ? 100 : 0), file: file, line: line)
        XCTAssertEqual(network["to_ms"] as? Double, s.ms, file: file, line: line)
        XCTAssertNotEqual(whole.summary, whole.secondHalf, file: file, line: line)
    }

    /// The iaf_psc models keep V_m - E_L; with E_L far from 0 the session must keep that value
    /// itself (V_m + E_L - E_L differs from it in the last bits). Saved at 11 points, each resumed
    /// to the end, the V_m trace after the save point is byte-identical to one run's.
    func testResumeIsExactForCurrentBasedModelsWithRestingPotentialOffZero() throws {
        for model in ["iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta"] {
            let text = """
            {"name": "el", "kernel": {"resolution": 0.1, "seed": 3},
             "nodes": [{"name": "E", "model": "\(model)", "n": 20, "params": {"E_L": -63.37, "V_th": -48.91, "V_reset": -67.13,
                        "I_e": 185.3, "V_m": {"uniform": {"min": -70.1, "max": -50.3}}}},
                       {"name": "pg", "model": "poisson_generator", "params": {"rate": 9000.0}},
                       {"name": "vm", "model": "voltmeter", "params": {"interval": 0.1}}, {"name": "sr", "model": "spike_recorder"}],
             "connections": [{"source": "pg", "target": "E", "syn_spec": {"weight": 0.7, "delay": 1.0}},
                             {"source": "E", "target": "E", "conn_spec": {"rule": "fixed_indegree", "indegree": 3},
                              "syn_spec": {"weight": -2.3, "delay": 1.3}},
                             {"source": "vm", "target": "E"}, {"source": "E", "target": "sr"}],
             "simulate": 120}
            """
            let m = try ModelFile.parse(text: text, file: "el.json")
            let dir = Support.temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for cut in stride(from: 7.3, through: 107.3, by: 10.0) {
                let whole = try m.build()
                try whole.kernel.simulate(120)
                let expected = try Support.outputs(whole, since: whole.kernel.grid.steps(cut))
                let first = try m.build()
                try first.kernel.simulate(cut)
                let path = dir + "/cut\(cut)" + Snapshot.fileExtension
                try Snapshot.save(built: first, edits: [], log: [(first.kernel.now, "simulate \(cut)")], wallSeconds: 0, to: path)
                let loaded = try Snapshot.load(path: path)
                try loaded.built.kernel.simulate(120 - cut)
                let resumed = try Support.outputs(loaded.built, since: loaded.savedStep)
                XCTAssertEqual(resumed.files, expected.files, "\(model) saved at \(cut) ms")
            }
        }
    }

    func testResumeIsExactForBrunelAtOrder250() throws { try checkResumeIsExact(.brunel) }
    func testResumeIsExactForDestexhe2009() throws { try checkResumeIsExact(.destexhe) }
    func testResumeIsExactForBalancedNeuron() throws { try checkResumeIsExact(.balanced) }

    /// The command line end to end: run with --save-session, resume the file, compare with one run.
    func testCommandLineSaveAndResumeMatchOneRun() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = Scenario.balanced
        let session = dir + "/b.netview.json"
        var r = try Support.netview(["run", Support.asset(s.file), "--time", "\(s.half)", "--out", dir + "/first", "--save-session", session, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try Support.netview(["run", session, "--time", "\(s.ms - s.half)", "--out", dir + "/second", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try Support.netview(["run", Support.asset(s.file), "--time", "\(s.ms)", "--out", dir + "/whole", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let whole = try Support.recorderFiles(dir + "/whole"), second = try Support.recorderFiles(dir + "/second")
        XCTAssertEqual(Set(whole.keys), ["voltmeter.csv", "spikes.csv"])
        for (name, text) in whole {
            // The second half of one run: header, then the rows after T/2.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let after = [lines[0]] + lines.dropFirst().filter { !$0.isEmpty && Double($0.split(separator: ",")[1])! > s.half }
            XCTAssertEqual(second[name], after.joined(separator: "\n") + "\n", name)
        }
        // The resumed run's summary: the period its files hold, and where it came from.
        func summary(_ run: String) throws -> [String: Any] {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(run)/summary.json"))) as? [String: Any])
        }
        let resumed = try summary("second"), first = try summary("first")
        XCTAssertEqual(resumed["t_start_ms"] as? Double, s.half)
        XCTAssertEqual(resumed["simulated_ms"] as? Double, s.ms)
        let spikesAfter = whole["spikes.csv"]!.split(separator: "\n").dropFirst().count
        let neuron = try XCTUnwrap((resumed["populations"] as? [String: Any])?["neuron"] as? [String: Any])
        XCTAssertEqual(neuron["spikes"] as? Int, second["spikes.csv"]!.split(separator: "\n").count - 1)
        XCTAssertLessThan(neuron["spikes"] as! Int, spikesAfter)
        XCTAssertEqual(neuron["rate_hz"] as! Double, Double(neuron["spikes"] as! Int) / ((s.ms - s.half) / 1000), accuracy: 1e-9)
        let sessionFile = try XCTUnwrap(resumed["session_file"] as? [String: Any])
        let sessionBytes = try Data(contentsOf: URL(fileURLWithPath: session))
        XCTAssertEqual(sessionFile["sha256"] as? String, SHA256.hex([UInt8](sessionBytes)))
        XCTAssertEqual(sessionFile["saved_ms"] as? Double, s.half)
        XCTAssertEqual(resumed["master_seed"] as? Int, first["master_seed"] as? Int)
        XCTAssertEqual((resumed["command_line"] as? [String])?.dropFirst().first, "run")
        XCTAssertNil(first["t_start_ms"])
        // Resumed and saved again under the same name: the summary names the file it went on from.
        let again = dir + "/again" + Snapshot.fileExtension
        try FileManager.default.copyItem(atPath: session, toPath: again)
        r = try Support.netview(["run", again, "--time", "10", "--out", dir + "/third", "--save-session", again, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let third = try XCTUnwrap(try summary("third")["session_file"] as? [String: Any])
        XCTAssertEqual(third["sha256"] as? String, SHA256.hex([UInt8](sessionBytes)))
        XCTAssertNotEqual(SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: again)))), SHA256.hex([UInt8](sessionBytes)))
    }

    /// Resume stays exact after a reseed, parameter and weight edits made in a live session.
    func testResumeIsExactAfterReseedAndEditsInALiveSession() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try LiveSession(model: try Scenario.brunel.model(), running: false)
        live.start()
        defer { live.stop() }
        for a: LiveSession.Action in [
            .reseed(stream: "all", value: 42), .command("simulate 30"), .command("set E tau_m 15"),
            .command("set noise rate 22000"), .command("simulate 20.5"), .command("weight 1 0.12"), .command("simulate 49.5"),
        ] { live.send(a) }
        let path = try live.save(to: dir + "/live.netview.json", workbench: ["pane": "raster"])
        let (savedStep, savedChecksum) = live.sync { ($0.kernel.now, $0.kernel.dynamicState().checksum) }
        XCTAssertEqual(savedStep, 1000)
        XCTAssertEqual(live.sync { $0.kernel.seeds }, Seeds(master: 42))

        // The session goes on to 200 ms: the reference.
        let whole = try live.sync { b -> [String: String] in
            try b.kernel.simulate(100)
            return try Support.outputs(b, since: savedStep).files
        }
        XCTAssertGreaterThan(whole["espikes.csv"]?.count ?? 0, 1000)

        let opened = try LiveSession.open(snapshot: path)
        XCTAssertEqual(opened.frame.time, 100)
        XCTAssertFalse(opened.frame.running)
        XCTAssertEqual(opened.builtModel.kernel.dynamicState().checksum, savedChecksum)
        XCTAssertEqual(opened.log.map(\.command), ["simulate 30", "set E tau_m 15", "set noise rate 22000", "simulate 20.5", "weight 1 0.12", "simulate 49.5"])
        XCTAssertEqual(opened.log.map(\.step), [300, 300, 300, 505, 505, 1000])
        XCTAssertEqual(try Snapshot.load(path: path).edits, ["set E tau_m 15", "set noise rate 22000", "weight 1 0.12"])
        try opened.builtModel.kernel.simulate(100)
        XCTAssertEqual(try Support.outputs(opened.builtModel, since: savedStep).files, whole)

        let out = dir + "/out"
        let r = try Support.netview(["run", path, "--time", "100", "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try Support.recorderFiles(out), whole, "loaded in a new process")
    }

    /// A session saved while it runs is saved between two chunks: its log replays to its state.
    func testSavingWhileRunningSavesAConsistentState() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try LiveSession(model: try Scenario.brunel.model(), running: true)
        live.start()
        defer { live.stop() }
        while live.frame.time < 20 { Thread.sleep(forTimeInterval: 0.01) }
        live.send(.command("set E V_th 19.8"))
        let path = try live.save(to: dir + "/running.netview.json")
        let loaded = try Snapshot.load(path: path)
        XCTAssertGreaterThanOrEqual(loaded.savedTime, 20)
        XCTAssertEqual(loaded.log.map(\.command), ["set E V_th 19.8"])
        XCTAssertGreaterThanOrEqual(live.sync { $0.kernel.now }, loaded.savedStep)
        XCTAssertEqual(try loaded.replayed().checksum, loaded.stateChecksum)
    }

    /// The status bar's spikes per second (of model time) are the network's, also once the raster's
    /// window is full and drops as many old spikes as a chunk brings.
    func testSpikesPerSecondCountsTheChunksSpikes() throws {
        let live = try LiveSession(model: try Scenario.brunel.model(), running: true)
        live.start()
        defer { live.stop() }
        // Past the window (1 s) and the last 30 chunks (at most 100 ms each) the speed is averaged over.
        while live.frame.time < 4500 { Thread.sleep(forTimeInterval: 0.01) }
        let f = live.frame
        XCTAssertGreaterThan(f.speed, 0)
        // What the window holds, per model second.
        let expected = Double(f.spikeTimes.count) / (f.window / 1000)
        XCTAssertGreaterThan(expected, 0)
        XCTAssertGreaterThan(f.spikesPerSecond, expected / 2, "spikes per second \(f.spikesPerSecond), expected about \(expected)")
        XCTAssertLessThan(f.spikesPerSecond, expected * 2, "spikes per second \(f.spikesPerSecond), expected about \(expected)")
    }

    /// The workbench's choices come back: the chosen cell, the speed level and what the screen passed.
    func testOpenedSessionKeepsTheWorkbenchChoices() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try LiveSession(model: try Scenario.brunel.model(), running: false)
        live.start()
        live.send(.selectCell(17))
        live.send(.slower)
        live.send(.command("simulate 10"))
        let path = try live.save(to: nil, workbench: ["pane": "histogram"], folder: dir)
        live.stop()
        XCTAssertTrue(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("brunel2000-"))
        XCTAssertTrue(path.hasSuffix(".netview.json"))
        let loaded = try Snapshot.load(path: path)
        XCTAssertEqual(loaded.workbench["pane"], "histogram")
        XCTAssertEqual(loaded.workbench["cell"], "17")
        XCTAssertEqual(loaded.workbench["speed_level"], String(LiveSession.speedLevels.count - 2))
        let opened = try LiveSession.open(snapshot: path)
        XCTAssertEqual(opened.frame.cell, 17)
        XCTAssertEqual(opened.frame.speedCap, LiveSession.speedLevels[LiveSession.speedLevels.count - 2])
        XCTAssertEqual(loaded.provenance.netview, netviewVersion)
        XCTAssertGreaterThan(loaded.provenance.wallSeconds, 0)
    }
}
