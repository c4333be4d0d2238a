import Foundation
import XCTest

/// The workbench as an instrument, in a real terminal at 120x40 and 80x24: statistics over the
/// window follow an edit, the regime badge names a fate, the master seed is set from the command
/// line, a recording lands on disk, and the bisection pane gives `netview bisect`'s answer
/// whenever it starts.
extension WorkbenchEndToEndTests {
    static let sizes = [(120, 40), (80, 24)]

    /// The histogram line of a population, e.g. "neuron n=1 12.3 Hz CV 0.9".
    func histogramRate(_ population: String) -> Double? {
        let s = screen()
        guard let r = s.range(of: population + #" n=[0-9]+ [0-9.]+ Hz"#, options: .regularExpression) else { return nil }
        return Double(s[r].split(separator: " ").dropLast().last ?? "")
    }

    /// Switching the drive off silences the neuron, and the rate on screen says so within the
    /// window (the mean since t = 0 would still read several Hz).
    func testRatesOnScreenFollowAnEdit() throws {
        for (w, h) in Self.sizes {
            start("assets/balanced_neuron.json", width: w, height: h)
            XCTAssertTrue(wait(20) { (modelTime() ?? 0) > 3000 && (histogramRate("neuron") ?? 0) > 1 }, "the neuron fires:\n\(screen())")
            XCTAssertTrue(screen().contains("over the last 1 s"), "the window is named:\n\(screen())")
            command("set noise_ex rate 0")
            let t = modelTime() ?? 0
            XCTAssertTrue(wait(20) { histogramRate("neuron") == 0 && (modelTime() ?? 0) > t + 1000 }, "the rate falls to 0 Hz:\n\(screen())")
            command("window 5000")
            XCTAssertTrue(wait(5) { screen().contains("window 5000 ms") }, screen())
            tearDown()
        }
    }

    /// The default Destexhe seed shows ACTIVE; `:seed 2` (as --seed 2) restarts with that master
    /// seed, shown in the status bar, and the network dies out: EXTINCT.
    func testRegimeBadgeAndMasterSeed() throws {
        for (w, h) in Self.sizes {
            start("assets/destexhe2009.json", width: w, height: h)
            XCTAssertTrue(wait(20) { (modelTime() ?? 0) > 1000 && screen().contains("│ ACTIVE") }, "the default seed is active:\n\(screen())")
            XCTAssertTrue(screen().contains("seed 11"), screen())
            command("seed 2")
            XCTAssertTrue(wait(20) { screen().contains("seed 2") && screen().contains("│ EXTINCT") }, "seed 2 dies out:\n\(screen())")
            XCTAssertFalse(screen().contains("seed 11"))
            tearDown()
        }
    }

    /// `:record DIR` streams to disk while the screen says REC; `:record stop` puts DIR in place
    /// with netview run's files.
    func testRecordingToDisk() throws {
        for (w, h) in Self.sizes {
            let dir = NSTemporaryDirectory() + "netview-rec-\(UUID().uuidString)"
            start("assets/balanced_neuron.json", width: w, height: h)
            XCTAssertTrue(wait(10) { (modelTime() ?? 0) > 100 })
            command("record \(dir)")
            XCTAssertTrue(wait(5) { screen().contains("●REC") }, screen())
            let t = modelTime() ?? 0
            XCTAssertTrue(wait(10) { (modelTime() ?? 0) > t + 2000 })
            command("record stop")
            XCTAssertTrue(wait(5) { screen().contains("recorded t = ") && !screen().contains("●REC") }, screen())
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            XCTAssertEqual(Set(files).intersection(["spikes.csv", "voltmeter.csv", "summary.json"]).count, 3, "\(files)")
            tearDown()
        }
    }

    /// Started from a running network, the pane searches a copy at t = 0 and finds what
    /// `netview bisect` finds for the same seeds; the live network goes on from where it was.
    func testBisectionFromARunningNetworkMatchesTheCommand() throws {
        let headless = Binary.run(["bisect", "assets/balanced_neuron.json"])
        guard let line = headless.out.split(separator: "\n").first(where: { $0.hasPrefix("Result:") }),
              let r = line.range(of: #"Result: [a-z ]+ [0-9.]+ Hz"#, options: .regularExpression) else {
            return XCTFail(headless.out + headless.err)
        }
        let expected = String(line[r])
        for (w, h) in Self.sizes {
            start("assets/balanced_neuron.json", width: w, height: h)
            XCTAssertTrue(wait(20) { (modelTime() ?? 0) > 2000 }, screen())
            keys("b")
            for _ in 0..<5 { keys("Down") }
            keys("Enter")
            XCTAssertTrue(wait(60) { screen().contains("Result:") }, screen())
            let t = modelTime() ?? 0
            XCTAssertTrue(screen().contains(expected), "the pane finds \(expected):\n\(screen())")
            XCTAssertTrue(screen().contains("varies noise_in.rate"), "it says what it varies:\n\(screen())")
            XCTAssertLessThan(t, 200_000, "the search ran on a copy, not on the live network (300 s of evaluations)")
            tearDown()
        }
    }
}
