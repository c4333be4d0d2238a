import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// The regime badge: the `activity` block's definitions over rolling windows, and the default
/// seed of the Destexhe scenario, chosen for the self-sustained state of the paper's figure.
final class RegimeTests: XCTestCase {
    let pops: [(name: String, firstID: Int, count: Int)] = [("E", 1, 10)]

    func stats(_ spikes: [(Double, Int32)], now: Double) -> WindowStats {
        WindowStats.compute(SpikeWindow(times: spikes.map(\.0), ids: spikes.map(\.1), from: 0, to: now), from: now - 1000, to: now, populations: pops)
    }

    func testDefinitions() {
        // Every cell at 20 Hz up to now: active.
        var all: [(Double, Int32)] = []
        for k in 0..<20 { for id in 1...10 { all.append((1000 + Double(k) * 50 + Double(id), Int32(id))) } }
        XCTAssertEqual(Regime.of(stats(all, now: 2000), now: 2000), .active)
        // The same, 150 ms later with no spike since: extinct (no spike in the last 100 ms).
        XCTAssertEqual(Regime.of(stats(all, now: 2150), now: 2150), .extinct)
        // Two cells of ten at 300 Hz, the rest silent: locked.
        var locked: [(Double, Int32)] = []
        for k in 0..<300 { for id in 1...2 { locked.append((1000 + Double(k) * 1000 / 300 + Double(id) * 0.1, Int32(id))) } }
        XCTAssertEqual(Regime.of(stats(locked, now: 2000), now: 2000), .locked)
        // Two cells at 50 Hz: few, but not fast: active.
        let slow = locked.enumerated().filter { $0.offset % 12 < 2 }.map(\.element)
        XCTAssertEqual(Regime.of(stats(slow, now: 2000), now: 2000), .active)
    }

    /// The default seed stays in the self-sustained active state for 60 s of model time, checked
    /// every 500 ms with the badge's own definitions.
    func testDestexheDefaultSeedStaysActiveFor60s() throws {
        let m = try ModelFile.load(path: Support.asset("destexhe2009.json"))
        let b = try m.build(threads: 2)
        let cells = b.neuronNodes.map { n in (n.name, b.ids[n.name]!.ids[0], b.ids[n.name]!.count) }
        var window = SpikeWindow()
        var chunk: (times: [Double], ids: [Int32]) = ([], [])
        b.kernel.spikeTap = { stamps, ids in
            chunk.times += stamps.map { b.kernel.grid.ms($0) }
            chunk.ids += ids
        }
        var fates = ""
        while b.kernel.time < 60_000 {
            let from = b.kernel.time
            try b.kernel.simulate(500)
            window.append(SpikeWindow.Chunk(from: from, to: b.kernel.time, times: chunk.times, ids: chunk.ids))
            chunk = ([], [])
            window.drop(upTo: b.kernel.time - 1000, cap: .max)
            let now = b.kernel.time
            let r = Regime.of(WindowStats.compute(window, from: now - 1000, to: now, populations: cells), now: now)
            fates += r == .active ? "a" : r == .locked ? "L" : "X"
        }
        XCTAssertEqual(fates, String(repeating: "a", count: 120), "seed \(m.seed): a active, L locked, X extinct per 500 ms")
    }

    /// A newly chosen cell that a voltmeter records shows its V_m over the window at once.
    func testANewlyChosenCellStartsWithItsRecordedTrace() throws {
        let live = try LiveSession(model: try ModelFile.load(path: Support.asset("destexhe2009.json")), running: false)
        live.start()
        defer { live.stop() }
        live.send(.command("simulate 500"))
        let deadline = Date().addingTimeInterval(30)
        while live.frame.time < 500 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        live.send(.selectCell(171))  // RS[170], which the file's voltmeter records
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(live.frame.cell, 171)
        XCTAssertEqual(live.frame.vmTimes.count, 5000, "the last 1000 ms at 0.1 ms, from the voltmeter")
        XCTAssertTrue(live.frame.message.contains("from vm"), live.frame.message)
        live.send(.selectCell(172))
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(live.frame.vmTimes.count, 0, "a cell no meter records starts empty")
    }
}
