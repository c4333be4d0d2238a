import Foundation
import ModelFiles
import NetCore
@testable import Session
import XCTest

/// The live session keeps bounded windows: its recorders hold at most `historyMs` of model time
/// and `historyEvents` events each, its memory stays flat over long runs, and `:record DIR`
/// streams the full record to disk as `netview run` writes it.
final class LiveMemoryTests: XCTestCase {
    /// 20 cells firing at about 170 Hz, every spike recorded, V_m of 5 sampled every step (a dense meter).
    static let model = """
    {"name": "dense", "kernel": {"resolution": 0.1, "seed": 3},
     "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 20, "params": {"I_e": 300.0}},
               {"name": "noise", "model": "poisson_generator", "params": {"rate": 8000.0}},
               {"name": "spikes", "model": "spike_recorder"},
               {"name": "vm", "model": "voltmeter", "params": {"interval": 0.1}}],
     "connections": [{"source": "noise", "target": "E", "syn_spec": {"weight": 20.0, "delay": 1.0}},
                     {"source": "E", "target": "spikes"}, {"source": "vm", "target": "E[0:5]"}],
     "simulate": 1000}
    """

    /// Runs `:simulate ms` on the session's queue and waits for its end.
    func simulate(_ live: LiveSession, _ ms: Double, timeout: Double = 300) {
        let target = live.frame.time + ms
        live.send(.command("simulate \(Int(ms))"))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let f = live.frame
            if !f.runInProgress && f.time >= target - 1e-6 { return }
            if f.asking { live.send(.answer(true)) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTFail("simulate \(ms) did not finish in \(timeout) s (t = \(live.frame.time))")
    }

    func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    func testRecordersKeepAtMostTheHistory() throws {
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        defer { live.stop() }
        simulate(live, 90_000)
        let k = live.kernel, b = live.builtModel
        let rec = k.spikeRecorder(b.ids["spikes"]!.ids[0])!, vm = k.multimeter(b.ids["vm"]!.ids[0])!
        XCTAssertGreaterThan(rec.eventCount, 1000, "the recorder still holds the recent spikes")
        let oldest = k.grid.ms(rec.stamps.first!)
        XCTAssertGreaterThanOrEqual(oldest, 90_000 - LiveSession.historyMs, "no spike older than the history is kept")
        XCTAssertEqual(k.grid.ms(rec.stamps.last!), 90_000, accuracy: 100, "the newest spikes are kept")
        XCTAssertLessThanOrEqual(vm.rows.count, LiveSession.historyEvents, "a dense meter is capped by count")
        XCTAssertEqual(k.grid.ms(vm.rows.last!.stamp), 90_000, "the meter's newest row is kept")
        // Rates on screen come from the windows, not from the recorders.
        XCTAssertGreaterThan(live.frame.spikes.count, 0)
    }

    /// An hour of model time at full speed: once the windows are full, resident memory grows by
    /// less than 1 MB per 10 minutes of model time.
    func testMemoryIsFlatOverACompressedHour() throws {
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        defer { live.stop() }
        simulate(live, 120_000)
        var samples: [(t: Double, mb: Double)] = []
        for _ in 0..<6 {
            simulate(live, 580_000)
            samples.append((live.frame.time / 60_000, residentMB()))
        }
        // Least-squares slope in MB per 10 minutes of model time.
        let n = Double(samples.count)
        let mt = samples.map(\.t).reduce(0, +) / n, mm = samples.map(\.mb).reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for s in samples {
            sxy += (s.t - mt) * (s.mb - mm)
            sxx += (s.t - mt) * (s.t - mt)
        }
        let slope = sxy / sxx * 10
        print("compressed hour: RSS \(samples.map { String(format: "%.0f min %.1f MB", $0.t, $0.mb) }.joined(separator: ", ")); slope \(String(format: "%.3f", slope)) MB per 10 min")
        XCTAssertEqual(live.frame.time, 3_600_000, accuracy: 1)
        XCTAssertLessThan(slope, 1, "RSS slope \(slope) MB per 10 minutes of model time")
    }

    /// `:record DIR` from t = 0, across the history's trimming, gives the files `netview run`
    /// writes for the same time, byte for byte; `record stop` puts the folder in place.
    func testRecordStreamsWhatARunWrites() throws {
        let dir = Support.temporaryFolder() + "/rec"
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        defer { live.stop() }
        live.send(.command("record \(dir)"))
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(live.frame.recordingTo, dir)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir), "the folder appears when the recording ends")
        live.send(.command("record \(dir)2"))
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertTrue(live.frame.message.contains("already recording"), live.frame.message)
        simulate(live, 75_000)
        live.send(.command("record stop"))
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertNil(live.frame.recordingTo)
        XCTAssertTrue(live.frame.message.contains("recorded t = 0-75000 ms"), live.frame.message)

        let ref = try ModelFile.parse(text: Self.model).build()
        try ref.kernel.simulate(75_000)
        let refDir = Support.temporaryFolder() + "/run"
        try ref.writeOutputs(to: refDir, simulated: 75_000, simulateSeconds: 1)
        let got = try Support.recorderFiles(dir), want = try Support.recorderFiles(refDir)
        XCTAssertEqual(got.keys.sorted(), ["spikes.csv", "vm.csv"])
        for name in want.keys {
            XCTAssertTrue(got[name] == want[name], "\(name) differs from netview run's (\(got[name]?.count ?? 0) vs \(want[name]!.count) bytes)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as! [String: Any]
        let refSummary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: refDir + "/summary.json"))) as! [String: Any]
        func rate(_ s: [String: Any]) -> Double { ((s["populations"] as! [String: Any])["E"] as! [String: Any])["rate_hz"] as! Double }
        XCTAssertEqual(rate(summary), rate(refSummary), accuracy: 1e-9, "rates over the recording")
        XCTAssertEqual(summary["t_start_ms"] as? Double, 0)
        XCTAssertGreaterThan(summary["activity_from_ms"] as! Double, 0, "the activity block covers what the recorders still held")
    }

    /// A recording begun later holds only what follows, and its summary's rates are over that period.
    func testRecordingFromLaterHoldsOnlyWhatFollows() throws {
        let dir = Support.temporaryFolder() + "/later"
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        simulate(live, 500)
        live.send(.command("record \(dir)"))
        simulate(live, 500)
        live.stop()  // quitting ends the recording too
        let spikes = try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertFalse(spikes.isEmpty)
        XCTAssertTrue(spikes.allSatisfy { Double($0.split(separator: ",")[1])! > 500 }, "only spikes after t = 500 ms")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as! [String: Any]
        XCTAssertEqual(summary["t_start_ms"] as? Double, 500)
        let pops = summary["populations"] as! [String: Any], e = pops["E"] as! [String: Any]
        XCTAssertEqual(e["spikes"] as? Int, spikes.count, "the summary counts the recorded period's spikes")
    }

    /// A folder that is not a run, or a file, is refused in one line and nothing is written.
    func testRecordRefusesAFolderThatIsNotARun() throws {
        let dir = Support.temporaryFolder()
        try "keep me".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        defer { live.stop() }
        for target in [dir, dir + "/notes.txt"] {
            live.send(.command("record \(target)"))
            Thread.sleep(forTimeInterval: 0.2)
            XCTAssertTrue(live.frame.message.hasPrefix("error: record:"), live.frame.message)
            XCTAssertNil(live.frame.recordingTo)
        }
        XCTAssertEqual(try String(contentsOfFile: dir + "/notes.txt", encoding: .utf8), "keep me")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["notes.txt"])
    }

    /// A saved session keeps the windows on screen (and only them); an edited screen section is
    /// left out, the session still opens.
    func testASavedSessionKeepsItsWindowsAndOnlyThem() throws {
        let dir = Support.temporaryFolder()
        let live = try LiveSession(model: try ModelFile.parse(text: Self.model), running: false)
        live.start()
        simulate(live, 70_000)
        let shown = live.frame
        let path = try live.save(to: dir + "/s.netview.json")
        live.stop()
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        XCTAssertLessThan(size, 40_000_000, "the session holds the windows and the recorders' bounded history, not the run")
        let opened = try LiveSession.open(snapshot: path)
        // The spikes of the window (the session may hold a little more before it).
        var inWindow: [Double] = []
        shown.spikes.forEach(after: 70_000 - 1000) { t, _ in inWindow.append(t) }
        XCTAssertGreaterThan(inWindow.count, 1000)
        XCTAssertTrue(opened.frame.spikes.allTimes == inWindow, "the raster's spikes come back (\(opened.frame.spikes.count) of \(inWindow.count))")
        XCTAssertTrue(opened.frame.vmValues == shown.vmValues, "the V_m trace comes back")
        XCTAssertGreaterThan(opened.frame.vmValues.count, 0)
        // An edited screen section: the session opens, with empty windows.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let r = try XCTUnwrap(text.range(of: "\"window_ms\": 1000"))
        text.replaceSubrange(r, with: "\"window_ms\": 2000")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let forged = try LiveSession.open(snapshot: path)
        XCTAssertEqual(forged.frame.spikes.count, 0)
        XCTAssertEqual(forged.frame.time, 70_000)
    }
}
