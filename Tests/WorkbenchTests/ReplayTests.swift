import Foundation
import Interop
import Session
import Workbench
import XCTest

final class ReplayTests: XCTestCase {
    /// A folder as any simulator would write it: two populations, one silent recorded cell, a meter.
    func folder(summary: Bool = true) throws -> OutputFolder {
        let dir = NSTemporaryDirectory() + "netview-replay-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var spikes = "sender,time_ms\n"
        for k in 0..<30 { spikes += "\(1 + k % 3),\(Double(k) * 100 + 5)\n" }  // cells 1-3, one spike per 100 ms
        spikes += "5,2500.0\n"
        try spikes.write(toFile: dir + "/spikes.csv", atomically: true, encoding: .utf8)
        var vm = "sender,time_ms,V_m\n"
        for k in 1...3000 { vm += "2,\(Double(k)),\(-70 + Double(k % 100) / 10)\n" }
        try vm.write(toFile: dir + "/vm.csv", atomically: true, encoding: .utf8)
        if summary {
            try """
            {"model": "two", "simulated_ms": 3000, "seeds": {"network": 7, "stimulus": 8, "state": 9},
             "nodes": [{"name": "E", "model": "iaf_psc_alpha", "first_id": 1, "n": 4},
                       {"name": "I", "model": "iaf_psc_alpha", "first_id": 5, "n": 2},
                       {"name": "spikes", "model": "spike_recorder", "first_id": 7, "n": 1}],
             "recorded": {"spikes": {"E": [[1, 5]], "I": [[5, 7]]}}}
            """.write(toFile: dir + "/summary.json", atomically: true, encoding: .utf8)
        }
        return try OutputFolder.read(dir)
    }

    func testPopulationsTimeWindowAndCounts() throws {
        let r = try Replay(folder: try folder())
        XCTAssertEqual(r.name, "two")
        XCTAssertEqual(r.end, 3000)
        XCTAssertEqual(r.info.populations.map(\.name), ["E", "I"])
        XCTAssertEqual(r.info.populations.map(\.count), [4, 2], "recorded silent cells 4 and 6 are kept")
        XCTAssertEqual(r.cell, 2, "the first cell with a trace")
        r.seek(to: 1500)
        var f = r.frame
        XCTAssertEqual(f.endTime, 3000)
        XCTAssertEqual(f.spikeTimes.count, 10, "spikes of (500, 1500] only")
        XCTAssertTrue(f.spikeTimes.allSatisfy { $0 > 500 && $0 <= 1500 })
        XCTAssertEqual(f.vmTimes.first, 501)
        XCTAssertEqual(f.vmTimes.last, 1500)
        // The histogram's rates are over the window the raster shows, (500, 1500].
        var st = HistogramWidget(frame: f, info: r.info).stats()
        XCTAssertEqual(st.from, 500)
        XCTAssertEqual(st.populations.map { $0.cellRates.reduce(0, +) }.reduce(0, +), 10, accuracy: 1e-9, "10 spikes in 1 s")
        // Seeking back looks at the window then.
        r.seek(to: 205)
        f = r.frame
        st = HistogramWidget(frame: f, info: r.info).stats()
        XCTAssertEqual(st.populations.map { $0.cellRates.reduce(0, +) }.reduce(0, +) * st.seconds, 3, accuracy: 1e-9)
        XCTAssertEqual(f.seeds.stimulus, 8)
        r.seek(to: 1e9)
        XCTAssertEqual(r.time, 3000)
        st = HistogramWidget(frame: r.frame, info: r.info).stats()
        XCTAssertEqual(st.populations[1].cellRates[0] * st.seconds, 1, accuracy: 1e-9, "cell 5 spiked once in the last second")
    }

    func testPlaybackStopsAtTheEndAndCellsWrap() throws {
        let r = try Replay(folder: try folder())
        r.advance(wallSeconds: 0.5)
        XCTAssertEqual(r.time, 500)
        r.faster()
        XCTAssertEqual(r.speed, 2)
        r.advance(wallSeconds: 10)
        XCTAssertEqual(r.time, 3000)
        XCTAssertFalse(r.playing)
        XCTAssertEqual(r.cells, [1, 2, 3, 5])
        r.stepCell(1); XCTAssertEqual(r.cell, 3)
        r.stepCell(1); XCTAssertEqual(r.cell, 5)
        r.stepCell(1); XCTAssertEqual(r.cell, 1)
        r.stepCell(-1); XCTAssertEqual(r.cell, 5)
        XCTAssertFalse(r.choose(4), "no events of cell 4")
        XCTAssertTrue(r.choose(2))
    }

    func testWithoutSummaryOnePopulationOfTheIdsSeen() throws {
        let r = try Replay(folder: try folder(summary: false))
        XCTAssertEqual(r.info.populations.count, 1)
        XCTAssertEqual(r.info.populations[0].firstID, 1)
        XCTAssertEqual(r.info.populations[0].count, 5)
        XCTAssertEqual(r.end, 3000, "the last event")
    }

    /// An MPI run's folder: each rank's events in R.rank-K.csv, merged into one time order.
    func testPerRankFilesAreMerged() throws {
        let dir = NSTemporaryDirectory() + "netview-ranks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "sender,time_ms\n1,10.0\n1,30.0\n".write(toFile: dir + "/spikes.rank-0.csv", atomically: true, encoding: .utf8)
        try "sender,time_ms\n2,20.0\n2,40.0\n".write(toFile: dir + "/spikes.rank-1.csv", atomically: true, encoding: .utf8)
        try "sender,time_ms,V_m\n2,1.0,-70.0\n2,2.0,-69.0\n".write(toFile: dir + "/vm.rank-1.csv", atomically: true, encoding: .utf8)
        let r = try Replay(folder: try OutputFolder.read(dir))
        r.seek(to: 40)
        XCTAssertEqual(r.frame.spikeTimes, [10, 20, 30, 40])
        XCTAssertEqual(r.frame.spikeIDs, [1, 2, 1, 2])
        XCTAssertEqual(r.cell, 2)
        XCTAssertEqual(r.frame.vmValues, [-70, -69])
    }

    func testViewerKeysAndScreen() throws {
        let r = try Replay(folder: try folder())
        r.playing = false
        let v = ReplayViewer(replay: r)
        v.handle(.right)
        XCTAssertEqual(r.time, 100)
        v.handle(.char(">"))
        XCTAssertEqual(r.time, 1100)
        v.handle(.left)
        XCTAssertEqual(r.time, 1000)
        v.handle(.char("g"))
        for ch in "2500" { v.handle(.char(ch)) }
        v.handle(.enter)
        XCTAssertEqual(r.time, 2500)
        v.handle(.char("0"))
        XCTAssertEqual(r.time, 0)
        v.handle(.char(" "))
        XCTAssertTrue(r.playing)
        v.handle(.char("c"))
        for ch in "3" { v.handle(.char(ch)) }
        v.handle(.enter)
        XCTAssertEqual(r.cell, 3)
        r.seek(to: 1500)
        let screen = v.render(width: 120, height: 40).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("replay t 1500.0 ms of 3000.0"), screen)
        XCTAssertTrue(screen.contains("PLAYING"), screen)
        XCTAssertTrue(screen.contains("cell 3 (E[2], iaf_psc_alpha)"), screen)
        XCTAssertTrue(screen.contains("no V_m recorded for this cell"), screen)
        v.handle(.char("?"))
        let help = v.render(width: 120, height: 40).lines.joined(separator: "\n")
        for b in ReplayViewer.bindings { XCTAssertTrue(help.contains(b.help), "help lists \(b.help)") }
        XCTAssertTrue(v.render(width: 60, height: 20).lines.joined().contains("terminal too small"))
        v.handle(.char("q"))
        XCTAssertTrue(v.quit)
    }
}
