import XCTest
import ModelFiles
import NetCore
import Session
import Workbench

final class WidgetTests: XCTestCase {
    let info = NetworkInfo(name: "t", populations: [
        .init(name: "E", model: "iaf_psc_delta", firstID: 1, count: 8, color: .cyan),
        .init(name: "I", model: "iaf_psc_delta", firstID: 9, count: 8, color: .red),
    ])

    func frame() -> Frame {
        var f = Frame()
        f.modelName = "test"
        f.time = 100
        f.window = 100
        f.seeds = Seeds(network: 11, stimulus: 22, state: 33)
        f.running = true
        f.speed = 1.5
        f.spikesPerSecond = 1234
        return f
    }

    func testRasterPutsBrailleDotsWhereTheSpikesAre() {
        var f = frame()
        // Cell 1 (row 0) at t = 0+ (left edge), cell 16 (row 15) at t = 100 (right edge).
        f.spikes = SpikeWindow(times: [0.1, 100], ids: [1, 16], to: 100)
        var c = Canvas(width: 26, height: 4)
        RasterWidget(frame: f, info: info).render(into: &c, area: c.bounds)
        // 20 plot columns, 16 rows of dots in 4 character rows: one cell per dot row.
        XCTAssertEqual(c[6, 0], "\u{2801}", "top-left dot for cell 1")
        XCTAssertEqual(c[25, 3], "\u{2880}", "bottom-right dot for cell 16")
        XCTAssertEqual(c.style(x: 6, y: 0).color, .cyan)
        XCTAssertEqual(c.style(x: 25, y: 3).color, .red)
        XCTAssertTrue(c.line(1).hasPrefix("E"), "population names on the axis: \(c.lines)")
        XCTAssertTrue(c.lines.contains { $0.hasPrefix("I") })
        let dots = c.lines.joined().unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
        XCTAssertEqual(dots, 2)
    }

    func testRasterSubsamplesEvenlyWhenCellsOutnumberDots() {
        let big = NetworkInfo(name: "b", populations: [.init(name: "E", model: "m", firstID: 1, count: 1000, color: .cyan)])
        let w = RasterWidget(frame: frame(), info: big)
        XCTAssertEqual(w.stride(rows: 40), 25)
    }

    func testRateStripMeasuresThePopulationRate() {
        var f = frame()
        // 16 neurons, 160 spikes in 100 ms: 100 Hz; all in the first half: 200 Hz in two bins.
        f.spikes = SpikeWindow(times: (0..<160).map { 0.1 + Double($0) * 49 / 160 }, ids: Array(repeating: 1, count: 160), to: 100)
        let r = RateStrip(frame: f, neurons: 16).rates(bins: 2)
        XCTAssertEqual(r[0], 200, accuracy: 1e-9)
        XCTAssertEqual(r[1], 0)
    }

    func testTraceHasALabelledAxisAndMarksSpikes() {
        var f = frame()
        f.cell = 2
        f.vmTimes = Array(stride(from: 1.0, through: 100, by: 1))
        f.vmValues = f.vmTimes.map { -70 + $0 / 10 }
        f.spikes = SpikeWindow(times: [50], ids: [2], to: 100)
        var c = Canvas(width: 90, height: 8)
        TraceWidget(frame: f, info: info).render(into: &c, area: c.bounds)
        XCTAssertTrue(c.line(0).contains("cell 2 (E[1], iaf_psc_delta)"), c.line(0))
        XCTAssertTrue(c.line(0).contains("V_m -60 mV, 10 Hz over the last 0.1 s"), "the cell now: \(c.line(0))")
        XCTAssertTrue(c.line(1).contains("-60.0"), c.lines.joined(separator: "\n"))
        XCTAssertTrue(c.line(6).contains("-69.9"), c.lines.joined(separator: "\n"))
        XCTAssertTrue(c.line(7).contains("0.10 s"), "a time axis under the trace: \(c.line(7))")
        XCTAssertTrue(c.contains("mV"))
        XCTAssertTrue(c.line(1).contains("▼"))
    }

    func testHistogramBinsKnownRatesOverTheWindow() {
        var f = frame()
        f.time = 2000
        f.window = 1000
        // E cells 1-8: 10 regular spikes each in (1000, 2000], I cells 9-16: 40, and spikes
        // before the window that must not count.
        var times: [Double] = [], ids: [Int32] = []
        for id in 1...16 {
            let n = id <= 8 ? 10 : 40
            for k in 0..<n { times.append(1000 + (Double(k) + 0.5) * 1000 / Double(n)); ids.append(Int32(id)) }
            times.append(500); ids.append(Int32(id))
        }
        let order = times.indices.sorted { times[$0] < times[$1] }
        f.spikes = SpikeWindow(times: order.map { times[$0] }, ids: order.map { ids[$0] }, from: 0, to: 2000)
        let h = HistogramWidget(frame: f, info: info)
        let st = h.stats()
        XCTAssertEqual(st.populations[0].cellRates, Array(repeating: 10, count: 8))
        XCTAssertEqual(st.populations[0].cv ?? -1, 0, accuracy: 1e-9, "regular spiking: CV 0")
        var c = Canvas(width: 80, height: 3)
        h.render(into: &c, area: c.bounds)
        XCTAssertTrue(c.line(0).contains("over the last 1 s"), c.line(0))
        XCTAssertTrue(c.line(1).contains("E n=8 10 Hz CV 0"), c.line(1))
        XCTAssertTrue(c.line(2).contains("I n=8 40 Hz CV 0"), c.line(2))
        XCTAssertEqual(c.line(2).last, "█", "the I cells sit in the top bin")
        XCTAssertTrue(c.line(1).contains("█"))
    }

    func testStatusBarShowsTheFields() {
        var c = Canvas(width: 160, height: 1)
        StatusBar(frame: frame()).render(into: &c, area: c.bounds)
        let l = c.line(0)
        for part in ["test", "t 100.0 ms", "RUNNING", "1.50x real time", "1234 spikes/s", "net 11", "stim 22", "state 33"] {
            XCTAssertTrue(l.contains(part), "\(part) missing: \(l)")
        }
        var narrow = Canvas(width: 80, height: 1)
        StatusBar(frame: frame()).render(into: &narrow, area: narrow.bounds)
        XCTAssertTrue(narrow.line(0).contains("seeds 11 22 33"), narrow.line(0))
        // The master seed and the regime badge when there are.
        var f = frame()
        f.masterSeed = 7
        f.regime = .locked
        var wide = Canvas(width: 160, height: 1)
        StatusBar(frame: f).render(into: &wide, area: wide.bounds)
        XCTAssertTrue(wide.line(0).contains("RUNNING │ LOCKED"), wide.line(0))
        XCTAssertTrue(wide.line(0).contains("seed 7 (net 11 stim 22 state 33)"), wide.line(0))
    }

    func testHelpListsEveryKeyBinding() {
        var c = Canvas(width: 100, height: 60)
        SidePane(pane: .help, frame: frame(), info: info, rows: [], state: AppState(), bisection: nil)
            .render(into: &c, area: c.bounds)
        for b in KeyMap.bindings {
            XCTAssertTrue(c.lines.contains { $0.contains(b.label) && $0.contains(b.help) }, "help lacks \(b.label)")
        }
        XCTAssertTrue(KeyMap.hint.contains("space") && KeyMap.hint.contains("q quit"))
    }

    /// The Network pane ends with the chosen cell's partners, as the session found them.
    func testNetworkPaneShowsTheChosenCellsPartners() {
        var f = frame()
        f.partners = ["E[3] (id 4, iaf_psc_delta): 51 synapses in, 54 out", "from E: 40 synapses, weight 0.1, delay 1.5 ms"]
        var c = Canvas(width: 70, height: 20)
        SidePane(pane: .network, frame: f, info: info, rows: [], state: AppState(), bisection: nil).render(into: &c, area: c.bounds)
        let heading = c.lines.firstIndex { $0.contains("Partners of the chosen cell") }
        XCTAssertNotNil(heading, c.lines.joined(separator: "\n"))
        XCTAssertTrue(c.lines[heading! + 1].contains("E[3] (id 4, iaf_psc_delta): 51 synapses in, 54 out"))
        XCTAssertTrue(c.lines[heading! + 2].contains("from E: 40 synapses"))
    }

    func testEveryKeyMapsToOneAction() {
        var seen: [Key: KeyAction] = [:]
        for b in KeyMap.bindings { for k in b.keys {
            XCTAssertNil(seen[k], "key \(k) bound twice")
            seen[k] = b.action
        } }
        XCTAssertEqual(KeyMap.action(for: .char(" ")), .togglePause)
    }

    func app() throws -> App {
        let m = try ModelFile.parse(text: """
        {"name": "a", "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 4, "params": {"I_e": 400.0}},
         {"name": "sr", "model": "spike_recorder"}], "connections": [{"source": "E", "target": "sr"}]}
        """)
        return App(session: try LiveSession(model: m, running: false))
    }

    func testTooSmallTerminalGetsAMessage() throws {
        let c = try app().render(width: 60, height: 20)
        XCTAssertTrue(c.contains("terminal too small: 60x20"))
    }

    func testKeysOpenPanesAndPrompts() throws {
        let a = try app()
        a.handle(.char("p"))
        XCTAssertEqual(a.state.pane, .parameters)
        let c = a.render(width: 100, height: 30)
        XCTAssertTrue(c.contains("E: iaf_psc_alpha x 4"), c.lines.joined(separator: "\n"))
        XCTAssertTrue(c.contains("tau_m = 10 ms"), c.lines.joined(separator: "\n"))
        a.handle(.char("p"))
        XCTAssertNil(a.state.pane)
        a.handle(.char(":"))
        a.handle(.char("m"))
        a.handle(.tab)
        XCTAssertEqual(a.state.prompt, .command("models "))
        a.handle(.escape)
        XCTAssertEqual(a.state.prompt, .none)
        a.handle(.char("r"))
        XCTAssertEqual(a.state.prompt, .reseed)
    }

    func testLineEditorEditsAtTheCursor() {
        var e = LineEditor(text: "et E[3]", cursor: 7)
        XCTAssertTrue(e.apply(.home))
        XCTAssertTrue(e.apply(.char("g")))
        XCTAssertEqual(e.text, "get E[3]")
        XCTAssertEqual(e.shown, "g▏et E[3]")
        XCTAssertTrue(e.apply(.end))
        XCTAssertTrue(e.apply(.ctrl("w")))
        XCTAssertEqual(e.text, "get ")
        XCTAssertTrue(e.apply(.left))
        XCTAssertTrue(e.apply(.backspace))
        XCTAssertEqual(e.text, "ge ")
        XCTAssertTrue(e.apply(.ctrl("k")))
        XCTAssertEqual(e.text, "ge")
        XCTAssertTrue(e.apply(.ctrl("u")))
        XCTAssertEqual(e.text, "")
        XCTAssertFalse(e.apply(.enter), "Enter is not an editing key")
    }

    func testNumbersReadAsAPersonWritesThem() {
        XCTAssertEqual(formatReadable(1.7976931348623157e308), "inf")
        XCTAssertEqual(formatReadable(-72.94773957764605), "-72.95")
        XCTAssertEqual(formatReadable(4.0), "4")
        XCTAssertEqual(formatReadable(-0.6000000000000001), "-0.6")
        XCTAssertEqual(formatReadable(0.000123456), "0.0001235")
    }

    func testZoomShowsOnePopulation() throws {
        let m = try ModelFile.parse(text: """
        {"name": "z", "nodes": [{"name": "Exc", "model": "iaf_psc_alpha", "n": 4}, {"name": "Inh", "model": "iaf_psc_alpha", "n": 2}]}
        """)
        let a = App(session: try LiveSession(model: m, running: false))
        func type(_ text: String) {
            a.handle(.char(":"))
            for ch in text { a.handle(.char(ch)) }
            a.handle(.enter)
        }
        type("zoom Inh")
        XCTAssertEqual(a.state.zoom, "Inh")
        var c = a.render(width: 100, height: 30)
        XCTAssertTrue(c.contains("Inh n=2"), c.lines.joined(separator: "\n"))
        XCTAssertFalse(c.contains("Exc n=4"), "only the zoomed population")
        type("zoom Nope")
        XCTAssertEqual(a.state.zoom, "Inh")
        XCTAssertTrue(a.state.message.contains("no population 'Nope'"), a.state.message)
        type("zoom")
        XCTAssertNil(a.state.zoom)
        c = a.render(width: 100, height: 30)
        XCTAssertTrue(c.contains("Exc n=4") && c.contains("Inh n=2"))
    }

    /// The start screen shows each scenario's size and, measured in the background, its pace.
    /// While a model builds (tens of seconds for the full-scale microcircuit) the screen says so.
    func testOpeningScreenNamesTheFileWhileTheNetworkBuilds() {
        let c = WorkbenchLoop.openingScreen("/some/where/potjans2014.json", width: 80, height: 24)
        XCTAssertTrue(c.line(0).contains("opening potjans2014.json"), c.line(0))
        XCTAssertTrue(c.lines.joined().contains("building the network"))
        // Any size, down to one cell, draws without a trap.
        for (w, h) in [(1, 1), (5, 1), (20, 2), (0, 0)] { _ = WorkbenchLoop.openingScreen("m.json", width: w, height: h) }
    }

    func testStartScreenShowsSizeAndMeasuredSpeed() throws {
        let dir = NSTemporaryDirectory() + "netview-start-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        {"name": "tiny", "description": "A tiny network whose description is long enough to wrap over several lines of the start screen at eighty columns, so that the wrapping is seen to end in an ellipsis after a whole word rather than in the middle of one.",
         "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 10, "params": {"I_e": 400.0}}], "simulate": 100}
        """.write(toFile: dir + "/tiny.json", atomically: true, encoding: .utf8)
        let screen = StartScreen(scenarios: [dir], sessions: [])
        XCTAssertTrue(screen.render(width: 80, height: 24).contains("10 neurons"))
        screen.probeSpeeds(threads: 1)
        let deadline = Date().addingTimeInterval(20)
        while screen.speeds.text(dir + "/tiny.json") == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let c = screen.render(width: 80, height: 24)
        XCTAssertTrue(c.lines.contains { $0.contains("tiny") && $0.contains("x real time") }, c.lines.joined(separator: "\n"))
        XCTAssertTrue(c.contains("Scenarios in \(dir)"))
        let text = StartScreen.wrap(String(repeating: "word ", count: 100), width: 30, rows: 3)
        XCTAssertEqual(text.count, 3)
        XCTAssertTrue(text[2].hasSuffix("word …"), text[2])
    }
}

/// The Network pane's lines per connection entry carry the in- and out-degree histograms.
final class NetworkInfoDegreeTests: XCTestCase {
    func testEntriesShowDegreeHistograms() throws {
        let text = """
            {"name": "d", "kernel": {"seed": 2},
             "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 40}, {"name": "I", "model": "iaf_psc_alpha", "n": 10}],
             "connections": [{"source": "E", "target": "I", "conn_spec": {"rule": "fixed_indegree", "indegree": 8}},
                             {"source": "E", "target": "E", "conn_spec": {"rule": "pairwise_bernoulli", "p": 0.3}}]}
            """
        let b = try ModelFile.parse(text: text, file: "d.json").build()
        let info = NetworkInfo(b)
        XCTAssertTrue(info.connections[0].hasSuffix("in-degree 8 each, out-degree " + info.connections[0].components(separatedBy: "out-degree ")[1]),
                      info.connections[0])
        let (ins, outs) = DegreeBins.of(b.kernel, connection: 1)
        XCTAssertEqual(ins.reduce(0, +), b.kernel.connections[1].synapses)
        XCTAssertEqual(outs.reduce(0, +), b.kernel.connections[1].synapses)
        let h = DegreeBins(ins)
        XCTAssertTrue(info.connections[1].contains("in-degree \(h.sparkline) \(h.lo)-\(h.hi)"), info.connections[1])
        XCTAssertEqual(h.bins.map(\.count).reduce(0, +), 40)
        XCTAssertEqual(h.bins.first?.from, h.lo)
        XCTAssertEqual(h.bins.last?.to, h.hi)
        XCTAssertEqual(DegreeBins([3, 3, 3, 5]).sparkline, "█ ▃")
    }
}
