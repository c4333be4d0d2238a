import Foundation
import XCTest

/// The workbench in a real terminal: the built binary in a detached tmux session, read back with
/// capture-pane. Skipped (and said so) where tmux is missing; .ci/run installs it.
final class WorkbenchEndToEndTests: XCTestCase {
    var session = ""

    override func setUpWithError() throws {
        try XCTSkipIf(Binary.shell("command -v tmux").isEmpty, "tmux is not installed: end-to-end workbench tests skipped")
        session = "nv\(UInt32.random(in: 0...UInt32.max))"
    }

    override func tearDown() {
        _ = Binary.shell("tmux kill-session -t \(session) 2>/dev/null")
    }

    /// Starts netview in a new session. A new-session can meet a tmux server that is exiting (the
    /// previous test's kill-session ended its last session) and fail: then it is tried again.
    /// `dir`: the working folder (default the package's); `env`: extra variables (`NAME=value ...`).
    func start(_ args: String, width: Int, height: Int, in dir: String? = nil, env: String = "") {
        let cmd = "cd '\(dir ?? Binary.root)' && \(env) LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(Binary.path)' \(args); echo EXIT=\\$?; sleep 30"
        for _ in 0..<5 {
            Binary.detached("tmux -u new-session -d -s \(session) -x \(width) -y \(height) \"\(cmd)\"")
            if Binary.shell("tmux has-session -t \(session) 2>/dev/null && echo up").contains("up") { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    func screen() -> String { Binary.shell("tmux capture-pane -p -t \(session)") }
    func keys(_ k: String) { _ = Binary.shell("tmux send-keys -t \(session) \(k)") }
    /// Types a command on the workbench's command line and enters it.
    func command(_ text: String) {
        keys(":")
        _ = Binary.shell("tmux send-keys -t \(session) -l '\(text)'")
        keys("Enter")
    }

    /// Model time shown in the status bar.
    func modelTime() -> Double? {
        let s = screen()
        guard let r = s.range(of: #"t [0-9.]+ ms"#, options: .regularExpression) else { return nil }
        return Double(s[r].dropFirst(2).dropLast(3))
    }

    func wait(_ seconds: Double = 15, until ok: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if ok() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    func braille(_ s: String) -> Int { s.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count }

    func runMainScreenChecks(width: Int, height: Int) throws {
        start("assets/destexhe2009.json", width: width, height: height)
        XCTAssertTrue(wait { braille(screen()) > 50 }, "the raster fills with dots:\n\(screen())")
        let t0 = modelTime() ?? 0
        XCTAssertTrue(wait { (modelTime() ?? 0) > t0 + 5 }, "model time advances")
        keys("Space")
        Thread.sleep(forTimeInterval: 0.4)
        XCTAssertTrue(screen().contains("PAUSED"))
        let paused = modelTime()
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(modelTime(), paused, "space stops model time")
        keys("s")
        XCTAssertTrue(wait(5) { (modelTime() ?? 0) > (paused ?? 0) }, "s steps one chunk")
        let stepped = modelTime()
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(modelTime(), stepped, "one chunk only")
        keys("Space")
        XCTAssertTrue(wait(5) { (modelTime() ?? 0) > (stepped ?? 0) + 1 }, "space resumes")
        // Reseed all streams: the seeds shown change and time restarts.
        let seedsBefore = screen().components(separatedBy: "\n").first ?? ""
        keys("r")
        keys("a")
        // The network may run faster than real time: the restart is seen in the message it leaves
        // rather than in the few milliseconds of model time just after it.
        XCTAssertTrue(wait(10) {
            let s = screen()
            let line = s.components(separatedBy: "\n").first ?? ""
            func seedField(_ l: String) -> Substring? { l.split(separator: "│").first { $0.contains("seed") } }
            return s.contains("restarted from t = 0") && seedField(line) != nil && seedField(line) != seedField(seedsBefore)
        }, "r changes the seeds and restarts:\n\(screen())")
        keys("q")
        XCTAssertTrue(wait(5) { screen().contains("EXIT=0") }, "q exits 0:\n\(screen())")
    }

    /// `netview view` on a folder NEST wrote (the exported Destexhe script, 500 ms): raster, V_m
    /// and histogram at any time, seeking, playing, cell choice, q.
    func testViewReplaysANESTOutputFolder() throws {
        start("view --paused Tests/Fixtures/nest-destexhe-500ms", width: 120, height: 40)
        XCTAssertTrue(wait { screen().contains("replay t 0.0 ms of 500.0") && screen().contains("PAUSED") }, screen())
        XCTAssertLessThan(braille(screen().components(separatedBy: "\n").prefix(16).joined()), 5, "nothing before t = 0")
        keys("'>'")
        XCTAssertTrue(wait(5) { screen().contains("replay t 500.0 ms") }, screen())
        let s = screen()
        let lines = s.components(separatedBy: "\n")
        XCTAssertGreaterThan(braille(lines.prefix(16).joined()), 200, "the raster shows NEST's spikes:\n\(s)")
        XCTAssertTrue(s.contains("cell 171 (RS[170], aeif_cond_exp)"), s)
        XCTAssertTrue(s.contains("    mV"), s)
        XCTAssertTrue(s.contains("RS n=380"), s)
        keys("0")
        XCTAssertTrue(wait(5) { screen().contains("replay t 0.0 ms") }, screen())
        keys("Space")
        XCTAssertTrue(wait(5) { (modelTime() ?? 0) > 100 && screen().contains("PLAYING") }, screen())
        keys("]")
        XCTAssertTrue(wait(5) { !screen().contains("cell 171 (") }, screen())
        keys("q")
        XCTAssertTrue(wait(5) { screen().contains("EXIT=0") }, "q exits 0:\n\(screen())")
    }

    func testMainScreenAt120x40() throws { try runMainScreenChecks(width: 120, height: 40) }

    func testMainScreenAt80x24() throws { try runMainScreenChecks(width: 80, height: 24) }

    func testEditingAPoissonRateChangesTheMeasuredRate() throws {
        start("assets/balanced_neuron.json", width: 120, height: 40)
        func rate() -> Double? {
            let s = screen()
            guard let r = s.range(of: #"neuron n=1 [0-9.]+ Hz"#, options: .regularExpression) else { return nil }
            return Double(s[r].split(separator: " ")[2])
        }
        XCTAssertTrue(wait { (modelTime() ?? 0) > 2000 })
        let before = rate() ?? 0
        command("set noise_ex rate 400000")
        XCTAssertTrue(wait(20) { (rate() ?? 0) > before + 20 }, "rate \(before) -> \(rate() ?? -1):\n\(screen())")
    }

    /// Extreme values typed at `:set` are refused or taken without killing the app; Ctrl-\ quits
    /// like Ctrl-C, the terminal restored and no crash report drawn.
    func testExtremeEditsThenCtrlBackslash() throws {
        start("assets/balanced_neuron.json", width: 120, height: 40)
        XCTAssertTrue(wait { (modelTime() ?? 0) > 100 }, screen())
        for edit in ["set noise_in rate 1e300", "set neuron t_ref 1e300", "set neuron tau_m 1e-300", "set neuron C_m nan",
                     "set noise_ex rate inf", "set neuron V_th -1e300", "set neuron I_e 1e18"] {
            command(edit)
            Thread.sleep(forTimeInterval: 0.3)
            XCTAssertFalse(screen().contains("EXIT="), "\(edit):\n\(screen())")
        }
        let t = modelTime() ?? 0
        XCTAssertTrue(wait { (modelTime() ?? 0) > t }, "still running after the edits:\n\(screen())")
        keys("C-\\\\")
        XCTAssertTrue(wait(10) { screen().contains("EXIT=131") }, screen())
        let s = screen()
        XCTAssertFalse(s.contains("Backtrac") || s.contains("Crash") || s.contains("crashed"), s)
    }

    /// Outside the workbench too, Ctrl-\ on a terminal ends netview at once: no interactive report
    /// holds the terminal.
    func testCtrlBackslashDuringAHeadlessRunEndsIt() throws {
        start("run assets/brunel2000.json --param order=250 --time 10000000 --out \(NSTemporaryDirectory())nv-quit-\(session)", width: 120, height: 40)
        Thread.sleep(forTimeInterval: 2)
        keys("C-\\\\")
        XCTAssertTrue(wait(10) { screen().contains("EXIT=131") }, screen())
        XCTAssertFalse(screen().contains("Press space to interact"), screen())
    }

    /// `:simulate` runs in chunks with the screen live: the clock moves and the status line says
    /// how far it is; x cancels it at a chunk boundary, and keys pressed meanwhile act at once.
    /// Paused, `s` steps 10 ms and says so; `:step 25` makes it 25 ms.
    func runSimulateAndStep(width: Int, height: Int) throws {
        start("--paused assets/brunel2000.json --param order=250", width: width, height: height)
        XCTAssertTrue(wait { screen().contains("PAUSED") }, screen())
        let t0 = modelTime() ?? 0
        keys("s")
        XCTAssertTrue(wait { screen().contains("stepped 10 ms") }, screen())
        XCTAssertEqual(try XCTUnwrap(modelTime()), t0 + 10, accuracy: 0.01)
        command("step 25")
        XCTAssertTrue(wait { screen().contains("steps 25 ms") }, screen())
        keys("s")
        XCTAssertTrue(wait { screen().contains("stepped 25 ms") }, screen())
        XCTAssertEqual(try XCTUnwrap(modelTime()), t0 + 35, accuracy: 0.01)

        // A run of more than a minute asks first, and waits for the answer.
        command("simulate 1e9")
        XCTAssertTrue(wait { screen().contains("would take about") && screen().contains("y goes on") }, screen())
        let asked = modelTime()
        Thread.sleep(forTimeInterval: 0.4)
        XCTAssertEqual(modelTime(), asked, "it waits for the answer:\n\(screen())")
        keys("y")
        XCTAssertTrue(wait { screen().contains("simulating") && screen().contains("/ 1000000000 ms") }, screen())
        let a = modelTime() ?? 0
        XCTAssertTrue(wait { (modelTime() ?? 0) > a + 50 }, "the clock moves during :simulate:\n\(screen())")
        // A restart pressed meanwhile is refused, not kept for later.
        keys("R")
        XCTAssertTrue(wait { screen().contains("restart: not done, a simulate is running") }, screen())
        XCTAssertGreaterThan(modelTime() ?? 0, a, "the run goes on")
        keys("x")
        XCTAssertTrue(wait { screen().contains("cancelled at t =") }, screen())
        let stopped = modelTime() ?? 0
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(modelTime(), stopped, "nothing runs after the cancel:\n\(screen())")
        XCTAssertTrue(screen().contains("PAUSED"), screen())
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertGreaterThan(modelTime() ?? 0, 0, "the refused restart did not run after the cancel")
        // n stops a run that asks.
        command("simulate 1e9")
        XCTAssertTrue(wait { screen().contains("would take about") }, screen())
        keys("n")
        XCTAssertTrue(wait { screen().contains("cancelled at t =") }, screen())
    }

    func testSimulateAndStepAt120x40() throws { try runSimulateAndStep(width: 120, height: 40) }

    func testSimulateAndStepAt80x24() throws { try runSimulateAndStep(width: 80, height: 24) }

    /// Every real-time cap holds, the lowest too (it ran at 0.2x), and the status bar shows the
    /// pace it runs at, not what the machine could do.
    func testTheLowestSpeedCapHoldsAt120x40() throws { try runTheLowestSpeedCapHolds(width: 120, height: 40) }

    func testTheLowestSpeedCapHoldsAt80x24() throws { try runTheLowestSpeedCapHolds(width: 80, height: 24) }

    func runTheLowestSpeedCapHolds(width: Int, height: Int) throws {
        start("assets/brunel2000.json --param order=250", width: width, height: height)
        XCTAssertTrue(wait { (modelTime() ?? 0) > 50 }, screen())
        for _ in 0..<7 { keys("-") }
        XCTAssertTrue(wait { screen().contains("cap 0.05x") }, screen())
        Thread.sleep(forTimeInterval: 1.5)
        let a = modelTime() ?? 0, t0 = Date()
        Thread.sleep(forTimeInterval: 4)
        let paced = ((modelTime() ?? 0) - a) / 1000 / Date().timeIntervalSince(t0)
        XCTAssertEqual(paced, 0.05, accuracy: 0.02, screen())
        let s = screen()
        // The status bar's pace: "0.05x real time" wide, "0.05x" at 80 columns.
        guard let r = s.range(of: #"│ [0-9.]+x"#, options: .regularExpression), let shown = Double(s[r].dropFirst(2).dropLast()) else {
            return XCTFail(s)
        }
        XCTAssertEqual(shown, 0.05, accuracy: 0.02, s)
    }

    /// Cancelling a search leaves the live network as it was: its rate, its time; the transcript says so.
    func testBisectionCancelLeavesTheNetworkAsItWas() throws {
        start("--paused assets/balanced_neuron.json", width: 120, height: 40)
        XCTAssertTrue(wait { screen().contains("PAUSED") })
        keys("b")
        for _ in 0..<5 { keys("Down") }
        keys("Enter")
        XCTAssertTrue(wait(30) { screen().components(separatedBy: "estimate:").count > 3 }, screen())
        keys("x")
        XCTAssertTrue(wait(30) { screen().contains("Cancelled after") }, screen())
        keys("Escape")
        command("get noise_in")
        XCTAssertTrue(wait(5) { screen().contains("rate=82000") }, "the live rate is the file's 4000 x 20.5 Hz:\n\(screen())")
        XCTAssertEqual(modelTime(), 0, "the live network did not move")
    }

    func testResizeRedrawsWithoutGarbage() throws {
        start("assets/destexhe2009.json", width: 120, height: 40)
        XCTAssertTrue(wait { braille(screen()) > 20 })
        _ = Binary.shell("tmux resize-window -t \(session) -x 90 -y 28")
        XCTAssertTrue(wait(5) {
            let lines = screen().components(separatedBy: "\n")
            return lines.count >= 27 && lines[0].contains("destexhe2009") && lines[26].contains("space pause") && lines.allSatisfy { $0.count <= 90 }
        }, screen())
        _ = Binary.shell("tmux resize-window -t \(session) -x 60 -y 20")
        XCTAssertTrue(wait(5) { screen().contains("terminal too small") })
        _ = Binary.shell("tmux resize-window -t \(session) -x 100 -y 30")
        XCTAssertTrue(wait(5) { screen().contains("space pause") && !screen().contains("too small") })
    }

    /// A key is on screen within 100 ms while full-size Brunel runs; memory stays flat.
    func testKeysAnsweredUnderLoadAndMemoryBounded() throws {
        start("assets/brunel2000.json", width: 120, height: 40)
        XCTAssertTrue(wait(60) { (modelTime() ?? 0) > 5 }, screen())
        var latencies: [Double] = []
        for _ in 0..<7 {
            let t = Date()
            keys("?")
            guard wait(3, until: { screen().contains("Help") }) else { XCTFail("help did not open"); return }
            latencies.append(Date().timeIntervalSince(t) * 1000)
            keys("?")
            _ = wait(3) { !screen().contains("Help") }
        }
        latencies.sort()
        let median = latencies[latencies.count / 2]
        print("key-to-screen latency under full Brunel: median \(Int(median)) ms, all \(latencies.map { Int($0) })")
        XCTAssertLessThan(median, 250)
        let shell = Binary.shell("tmux list-panes -t \(session) -F '#{pane_pid}'").trimmingCharacters(in: .whitespacesAndNewlines)
        let pid = Binary.shell("pgrep -P \(shell) netview").trimmingCharacters(in: .whitespacesAndNewlines)
        func rss() -> Double { Double(Binary.shell("ps -o rss= -p \(pid)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
        // The spike window fills over the first second of model time; measure after that.
        Thread.sleep(forTimeInterval: 8)
        let early = rss()
        Thread.sleep(forTimeInterval: 15)
        let late = rss()
        print("workbench RSS with full Brunel: \(Int(early / 1024)) MB, 15 s later \(Int(late / 1024)) MB")
        XCTAssertGreaterThan(early, 0)
        XCTAssertLessThan(late - early, 8 * 1024, "memory grows")
    }
}

/// The Sweep pane at the smallest screen: a sweep defined in the pane runs in the background while
/// the network goes on, its map fills in, and a point opens as the live network.
extension WorkbenchEndToEndTests {
    func testSweepPaneRunsAMapAndOpensAPoint() throws {
        let t = self
        let dir = NSTemporaryDirectory() + "nv-sweep-pane-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        t.start("'\(Binary.root)/assets/brunel2000.json' --param order=100 --threads 1", width: 80, height: 24, in: dir)
        XCTAssertTrue(t.wait { (t.modelTime() ?? 0) > 0 }, t.screen())
        t.keys("w")
        XCTAssertTrue(t.wait(5) { t.screen().contains("Sweep (focused)") }, t.screen())
        for (down, text) in [(0, "g=3:5:1"), (1, "eta=1,2"), (1, "1-2"), (1, "200")] {
            for _ in 0..<down { t.keys("Down") }
            t.keys("Enter")
            t.keys("C-u")
            _ = Binary.shell("tmux send-keys -t \(t.session) -l '\(text)'")
            t.keys("Enter")
        }
        t.keys("Down")
        t.keys("Down")
        t.keys("Enter")
        let before = t.modelTime() ?? 0
        XCTAssertTrue(t.wait(60) { t.screen().contains("12/12 runs, done") }, t.screen())
        XCTAssertGreaterThan(t.modelTime() ?? 0, before, "the live network ran on meanwhile")
        let s = t.screen()
        XCTAssertTrue(s.contains("brunel_regime: g →, eta ↑"), s)
        XCTAssertTrue(s.contains("g=3 eta=1: 2/2 runs"), s)
        let sweeps = try FileManager.default.contentsOfDirectory(atPath: dir + "/sweeps")
        XCTAssertEqual(sweeps.count, 1)
        let csv = try String(contentsOfFile: "\(dir)/sweeps/\(sweeps[0])/sweep.csv", encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 13)
        // To g = 4, eta = 2 and open it: the live network's inhibitory weight is -g J = -0.4.
        t.keys("Right")
        t.keys("Up")
        XCTAssertTrue(t.wait(5) { t.screen().contains("g=4 eta=2: 2/2 runs") }, t.screen())
        t.keys("Enter")
        XCTAssertTrue(t.wait(30) { t.screen().contains("opened g=4 eta=2 seed 1 from the sweep") }, t.screen())
        t.command("weight 2")
        XCTAssertTrue(t.wait(5) { t.screen().contains("weight -0.4") }, t.screen())
        // The map came along.
        t.keys("w")
        XCTAssertTrue(t.wait(5) { t.screen().contains("12/12 runs, done") }, t.screen())
        t.keys("q")
        t.keys("y")
        XCTAssertTrue(t.wait(5) { t.screen().contains("EXIT=0") }, t.screen())
    }
}

extension WorkbenchEndToEndTests {
    /// `:plot FILE` and `f` write the view as the figure `netview plot` draws.
    func testPlotWritesTheViewAsAFigure() throws {
        let dir = NSTemporaryDirectory() + "nv-wb-plot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        start("'\(Binary.root)/assets/destexhe2009.json'", width: 120, height: 40, in: dir)
        XCTAssertTrue(wait { (modelTime() ?? 0) > 300 }, screen())
        command("plot view.svg")
        XCTAssertTrue(wait(10) { screen().contains("figure written to view.svg") }, screen())
        let e = try SVGElements.parse(dir + "/view.svg")
        XCTAssertTrue(e.texts.contains("destexhe2009"))
        XCTAssertTrue(e.texts.contains("V_m (mV)"), "the chosen cell's trace: \(e.texts)")
        XCTAssertEqual(e.elements.filter { $0.name == "path" && $0.attributes["data-label"] != nil }.count, 3)
        command("plot view.txt")
        XCTAssertTrue(wait(5) { screen().contains("must end in .svg") }, screen())
        keys("f")
        XCTAssertTrue(wait(10) { screen().contains("figure written to \(dir)/figures/destexhe2009-") }, screen())
        let figures = try FileManager.default.contentsOfDirectory(atPath: dir + "/figures")
        XCTAssertEqual(figures.count, 1)
        XCTAssertNoThrow(try SVGElements.parse("\(dir)/figures/\(figures[0])"))
    }
}
