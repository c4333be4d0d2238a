import Foundation
import XCTest
@testable import Interop
import ModelFiles

/// Output folders written under MPI: per-rank files merged, per-rank summaries summed, and files
/// of an earlier run with another number of processes refused rather than merged.
final class RankFilesTests: XCTestCase {
    func folder(_ files: [String: String]) -> String {
        let dir = Support.temporaryFolder()
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { Support.write(text, dir + "/" + name) }
        return dir
    }

    func rankSummary(_ rank: Int, spikes: Int, synapses: Int, build: Double, memory: Double, processes: Int = 2) -> String {
        """
        {"model": "m", "simulated_ms": 1000, "processes": \(processes), "rank": \(rank), "synapses": \(synapses),
         "populations": {"E": {"n": 10, "spikes": \(spikes)}}, "build_s": \(build), "simulate_s": 1.0, "peak_memory_mb": \(memory),
         "connections": [{"source": "E", "target": "E", "rule": "all_to_all", "synapses": \(synapses)}]}
        """
    }

    func testPerRankSummariesAreSummed() throws {
        let dir = folder(["spikes.rank-0.csv": "sender,time_ms\n1,5.0\n", "spikes.rank-1.csv": "sender,time_ms\n2,3.0\n",
                          "summary.rank-0.json": rankSummary(0, spikes: 30, synapses: 45, build: 0.5, memory: 100),
                          "summary.rank-1.json": rankSummary(1, spikes: 20, synapses: 55, build: 0.7, memory: 120)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = try OutputFolder.read(dir)
        XCTAssertEqual(f.recorders["spikes"]?.senders, [2, 1], "merged and sorted by time")
        let s = try XCTUnwrap(f.summary)
        XCTAssertEqual(number(s["synapses"]), 100)
        XCTAssertEqual(number((s["connections"] as? [[String: Any]])?.first?["synapses"]), 100)
        XCTAssertEqual(number(s["build_s"]), 0.7)
        XCTAssertEqual(number(s["peak_memory_mb"]), 220)
        let e = try XCTUnwrap((s["populations"] as? [String: Any])?["E"] as? [String: Any])
        XCTAssertEqual(number(e["spikes"]), 50)
        XCTAssertEqual(number(e["rate_hz"]), 5, "the rate of the merged count, not one rank's share")
        XCTAssertNil(s["rank"])
    }

    func testFilesOfAnEarlierRunAreRefused() throws {
        let cases: [([String: String], String)] = [
            // Three ranks' event files under a summary of two processes.
            (["spikes.rank-0.csv": "sender,time_ms\n", "spikes.rank-1.csv": "sender,time_ms\n", "spikes.rank-2.csv": "sender,time_ms\n1,2.0\n",
              "summary.json": #"{"model": "m", "simulated_ms": 10, "processes": 2}"#], "files for ranks [0, 1, 2]"),
            // One rank's summary missing.
            (["spikes.rank-0.csv": "sender,time_ms\n", "spikes.rank-1.csv": "sender,time_ms\n",
              "summary.rank-0.json": rankSummary(0, spikes: 1, synapses: 1, build: 1, memory: 1)], "ranks [0] but the run had 2 processes"),
            // A single-process file beside a summary of two processes.
            (["spikes.csv": "sender,time_ms\n", "vm.rank-0.csv": "sender,time_ms,V_m\n", "vm.rank-1.csv": "sender,time_ms,V_m\n",
              "summary.json": #"{"model": "m", "simulated_ms": 10, "processes": 2}"#], "from a single-process run"),
        ]
        for (files, message) in cases {
            let dir = folder(files)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            XCTAssertThrowsError(try OutputFolder.read(dir)) { e in
                XCTAssertTrue("\(e)".contains(message), "\(e)")
            }
        }
    }

    /// The exported script removes what an earlier run with another number of processes left.
    func testExportedScriptClearsEarlierRankFiles() throws {
        guard let python = ProcessInfo.processInfo.environment["NETVIEW_NEST_PYTHON"], !python.isEmpty,
              Support.process(python, ["-c", "import nest"]).code == 0 else {
            throw XCTSkip("NEST-backed test skipped: set NETVIEW_NEST_PYTHON to a python with NEST 3.10")
        }
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        let m = try ModelFile.load(path: Support.root + "/assets/brunel2000.json", overrides: ["order": 50])
        Support.write(try PyNESTExport(model: m, sourcePath: "brunel2000.json").script(), dir + "/model.py")
        for f in ["espikes.rank-0.csv", "espikes.rank-3.csv", "summary.rank-1.json", "notes.txt"] { Support.write("stale\n", dir + "/out/" + f) }
        let r = Support.process(python, [dir + "/model.py", "--time", "100", "--out", dir + "/out"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted(),
                       ["espikes.csv", "ispikes.csv", "notes.txt", "summary.json"])
        XCTAssertNoThrow(try OutputFolder.read(dir + "/out"))
    }
}
