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

    /// Run from another folder, S saves into ./sessions there (an absolute path is shown, the
    /// package is not written); the start screen lists the session with its model time, edits and
    /// saved date, and it opens with the raster and V_m it had.
    func testSessionsGoToTheWorkingFolderAndReopenAsSaved() throws {
        for (w, h) in Self.sizes {
            let dir = NSTemporaryDirectory() + "netview-home-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let before = Set((try? FileManager.default.contentsOfDirectory(atPath: Binary.root + "/sessions")) ?? [])
            start("'\(Binary.root)/assets/destexhe2009.json'", width: w, height: h, in: dir)
            XCTAssertTrue(wait { braille(screen()) > 50 && (modelTime() ?? 0) > 300 }, screen())
            command("set RS a 2")
            keys("Space")
            XCTAssertTrue(wait { screen().contains("PAUSED") })
            keys("S")
            XCTAssertTrue(wait { screen().contains("saved \(dir)/sessions/") }, "an absolute path in the working folder:\n\(screen())")
            let savedDots = braille(screen())
            keys("q")
            tearDown()
            let saved = try FileManager.default.contentsOfDirectory(atPath: dir + "/sessions")
            XCTAssertEqual(saved.count, 1)
            XCTAssertEqual(Set((try? FileManager.default.contentsOfDirectory(atPath: Binary.root + "/sessions")) ?? []), before,
                           "the package's sessions/ is not written")

            start("", width: w, height: h, in: dir)
            XCTAssertTrue(wait(5) { screen().contains("Sessions in \(dir)/sessions") }, screen())
            XCTAssertTrue(screen().contains("1 edit"), screen())
            let today = { () -> String in let f = DateFormatter(); f.dateFormat = "yyyy-MM-dd"; return f.string(from: Date()) }()
            XCTAssertTrue(screen().contains(today), "the saved date:\n\(screen())")
            XCTAssertTrue(screen().contains("Scenarios in \(Binary.root)/assets"), screen())
            // Past every scenario to the first session.
            let scenarios = try FileManager.default.contentsOfDirectory(atPath: Binary.root + "/assets").filter { $0.hasSuffix(".json") }
            for _ in scenarios { keys("Down") }
            keys("Enter")
            XCTAssertTrue(wait { screen().contains("PAUSED") && screen().contains("opened") }, screen())
            XCTAssertGreaterThan(braille(screen()), savedDots / 2, "the raster and V_m come back:\n\(screen())")
            XCTAssertFalse(screen().contains("no samples yet"), screen())
            tearDown()
        }
    }

    /// With NETVIEW_HOME set, sessions are saved there and listed from there.
    func testNetviewHomeHoldsSessions() throws {
        let home = NSTemporaryDirectory() + "netview-home-\(UUID().uuidString)"
        let cwd = NSTemporaryDirectory() + "netview-cwd-\(UUID().uuidString)"
        for d in [home, cwd] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        start("'\(Binary.root)/assets/balanced_neuron.json'", width: 120, height: 40, in: cwd, env: "NETVIEW_HOME='\(home)'")
        XCTAssertTrue(wait { (modelTime() ?? 0) > 100 }, screen())
        keys("S")
        XCTAssertTrue(wait { screen().contains("saved \(home)/sessions/balanced_neuron-") }, screen())
        XCTAssertFalse(FileManager.default.fileExists(atPath: cwd + "/sessions"))
        keys("q")
        keys("y")
        tearDown()
        start("", width: 120, height: 40, in: cwd, env: "NETVIEW_HOME='\(home)'")
        XCTAssertTrue(wait(5) { screen().contains("Sessions in \(home)/sessions") }, screen())
    }

    /// The command line edits as a shell's does and says what is wrong in the words of the model.
    func testCommandLine() throws {
        for (w, h) in Self.sizes {
            start("--paused assets/destexhe2009.json", width: w, height: h)
            XCTAssertTrue(wait { screen().contains("PAUSED") })
            // Cursor movement: type the end, go home, type the start.
            keys(":")
            _ = Binary.shell("tmux send-keys -t \(session) -l 'et RS[3]'")
            keys("C-a")
            keys("g")
            keys("Enter")
            XCTAssertTrue(wait { screen().contains("V_th=-50") }, "get RS[3], its output in full:\n\(screen())")
            XCTAssertTrue(screen().contains("Output"), "a long output opens in the Output pane:\n\(screen())")
            XCTAssertTrue(screen().contains("t_ref=2.6") && !screen().contains("2.6000"), "numbers as a person writes them:\n\(screen())")
            keys("Escape")
            // Ctrl-U clears, Ctrl-W deletes a word.
            keys(":")
            _ = Binary.shell("tmux send-keys -t \(session) -l 'nonsense words'")
            keys("C-u")
            _ = Binary.shell("tmux send-keys -t \(session) -l 'weight 0 junk'")
            keys("C-w")
            keys("BSpace")
            keys("Enter")
            XCTAssertTrue(wait { screen().contains("connection 0 (RS") && screen().contains("weight 6") }, "weight K reads:\n\(screen())")
            // History goes back more than one entry.
            command("models")
            XCTAssertTrue(wait { screen().contains("aeif_cond_exp") })
            keys(":")
            keys("Up")
            keys("Up")
            XCTAssertTrue(wait { screen().contains(":weight 0") }, "two entries back:\n\(screen())")
            keys("Escape")
            // Tab lists the candidates of an ambiguous prefix.
            keys(":")
            _ = Binary.shell("tmux send-keys -t \(session) -l 'set RS ta'")
            keys("Tab")
            XCTAssertTrue(wait { screen().contains("candidates: tau_") }, screen())
            keys("Escape")
            command("set RS[5:2] a 1")
            XCTAssertTrue(wait { screen().contains("is empty") }, screen())
            command("set RS delay 2")
            XCTAssertTrue(wait { screen().contains("delays belong to connections") }, screen())
            command("weight 1 0.6")
            XCTAssertTrue(wait { screen().contains("now excitatory") }, "a sign flip is said:\n\(screen())")
            // A cell as the command line names it.
            keys("c")
            _ = Binary.shell("tmux send-keys -t \(session) -l 'RS[170]'")
            keys("Enter")
            XCTAssertTrue(wait { screen().contains("cell 171 (RS[170]") }, screen())
            // :help opens the Help pane at the command reference, and it scrolls.
            command("help")
            XCTAssertTrue(wait { screen().contains("simulate MS") }, screen())
            keys("Home")
            XCTAssertTrue(wait(3) { screen().contains("pause / resume") }, screen())
            let before = screen()
            keys("PageDown")
            XCTAssertTrue(wait(3) { screen() != before }, "the Help pane scrolls:\n\(screen())")
            tearDown()
        }
    }
}
