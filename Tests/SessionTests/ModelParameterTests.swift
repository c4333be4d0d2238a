import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// `set NAME VALUE` on a model parameter re-derives what uses it in the running network, and
/// keeps for the next restart what a built network cannot change.
final class ModelParameterTests: XCTestCase {
    func run(_ live: LiveSession, _ command: String) -> String {
        live.send(.command(command))
        let deadline = Date().addingTimeInterval(10)
        var last = live.frame.message
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            let m = live.frame.message
            if m != last && !m.isEmpty { return m }
            last = m
        }
        return live.frame.message
    }

    func testSetGAndEtaRederiveWeightsAndRates() throws {
        let live = try LiveSession(model: try Scenario.brunel.model(), running: false)
        live.start()
        defer { live.stop() }
        let k = live.kernel
        let inhibitory = try XCTUnwrap(k.connections.firstIndex { if case let .constant(w) = $0.weight { return w < 0 }; return false })
        let g = run(live, "set g 6")
        XCTAssertTrue(g.hasPrefix("g = 6: connection \(inhibitory) weight = -0.6"), g)
        XCTAssertEqual(k.connections[inhibitory].weight, .constant(-0.6000000000000001))
        let eta = run(live, "set eta 3")
        XCTAssertTrue(eta.contains("noise.rate = "), eta)
        let noise = try live.sync { b in try b.kernel.getStatus(b.ids["noise"]!.ids[0]).first { $0.0 == "rate" }!.1.number! }
        XCTAssertGreaterThan(noise, 0)
        let size = run(live, "set order 300")
        XCTAssertTrue(size.contains("restart needed for the size of E 1000 -> 1200"), size)
        // A session saved meanwhile holds the network as it runs (the size waits for the restart).
        let dir = Support.temporaryFolder()
        let path = try live.save(to: dir + "/g.netview.json")
        let opened = try LiveSession.open(snapshot: path)
        XCTAssertEqual(opened.builtModel.ids["E"]?.count, 1000)
        XCTAssertEqual(opened.kernel.connections[inhibitory].weight, .constant(-0.6000000000000001), "g = 6 is in the saved model")
        XCTAssertEqual(live.builtModel.ids["E"]?.count, 1000, "the running network keeps its size")
        XCTAssertTrue(run(live, "set gg 6").contains("no model parameter 'gg'"))
        XCTAssertTrue(run(live, "set g abc").contains("not a number"))
        // A restart builds the network with every parameter set so far.
        live.send(.restart)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(live.builtModel.ids["E"]?.count, 1200)
        XCTAssertEqual(live.kernel.connections[inhibitory].weight, .constant(-0.6000000000000001))
    }
}

/// `connections SEL` in a session: a cell's partners by node, with weights and delays.
final class ConnectionsCommandTests: XCTestCase {
    func testPartnersOfACellAndOfASlice() throws {
        let text = """
        {"name": "c", "nodes": [{"name": "A", "model": "iaf_psc_alpha", "n": 3}, {"name": "B", "model": "iaf_psc_alpha", "n": 2},
                               {"name": "pg", "model": "poisson_generator", "params": {"rate": 10.0}}],
         "connections": [{"source": "A", "target": "B", "syn_spec": {"weight": 2.5, "delay": 1.2}},
                         {"source": "A[0:2]", "target": "B", "conn_spec": "one_to_one",
                          "syn_spec": {"weight": {"uniform": {"min": -2, "max": -1}}, "delay": 0.1}},
                         {"source": "pg", "target": "A[1]", "syn_spec": {"weight": 3}}]}
        """
        let b = try ModelFile.parse(text: text).build()
        let a1 = try b.apply(try SessionCommand.parse("connections A[1]")).components(separatedBy: "; ")
        XCTAssertEqual(Array(a1.prefix(2)), ["A[1] (id 2, iaf_psc_alpha): 1 synapses in, 3 out", "from pg: 1 synapse, weight 3.0, delay 1.0 ms"])
        XCTAssertEqual(a1.count, 3)
        XCTAssertTrue(a1[2].hasPrefix("to B: 3 synapses, weight "), a1[2])
        XCTAssertTrue(a1[2].hasSuffix("delay 0.1..1.2 ms"), a1[2])
        let bAll = try b.apply(try SessionCommand.parse("connections B")).components(separatedBy: "; ")
        XCTAssertEqual(bAll[0], "B (2 cells): 8 synapses in, 0 out")
        XCTAssertTrue(bAll[1].hasPrefix("from A: 8 synapses"), bAll[1])
        XCTAssertThrowsError(try b.apply(try SessionCommand.parse("connections C"))) { XCTAssertTrue("\($0)".contains("no node named 'C'")) }
        XCTAssertThrowsError(try SessionCommand.parse("connections")) { XCTAssertTrue("\($0)".contains("usage: connections NODE[sel]")) }
        XCTAssertEqual(SessionCommand.completions("connections ", nodes: ["A", "B"], params: { _ in [] }), ["A", "B"])
    }

    /// The live session keeps the chosen cell's partners in its frame (the Network pane), and
    /// finds them again when another cell is chosen or a weight is edited.
    func testFrameCarriesTheChosenCellsPartners() throws {
        let text = """
        {"name": "c", "nodes": [{"name": "A", "model": "iaf_psc_alpha", "n": 3}, {"name": "B", "model": "iaf_psc_alpha", "n": 2}],
         "connections": [{"source": "A", "target": "B", "syn_spec": {"weight": 2.5, "delay": 1.2}}]}
        """
        let live = try LiveSession(model: try ModelFile.parse(text: text), running: false)
        live.start()
        defer { live.stop() }
        func waitFor(_ ok: (Frame) -> Bool) -> Frame {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !ok(live.frame) { Thread.sleep(forTimeInterval: 0.02) }
            return live.frame
        }
        live.send(.selectCell(4))
        var f = waitFor { $0.partners.first?.hasPrefix("B[0]") == true }
        XCTAssertEqual(f.partners, ["B[0] (id 4, iaf_psc_alpha): 3 synapses in, 0 out", "from A: 3 synapses, weight 2.5, delay 1.2 ms"])
        live.send(.command("weight 0 4"))
        f = waitFor { $0.partners.last?.contains("weight 4.0") == true }
        XCTAssertEqual(f.partners.last, "from A: 3 synapses, weight 4.0, delay 1.2 ms")
        live.send(.selectCell(1))
        f = waitFor { $0.partners.first?.hasPrefix("A[0]") == true }
        XCTAssertEqual(f.partners.last, "to B: 2 synapses, weight 4.0, delay 1.2 ms")
    }
}
