import Foundation
import XCTest
@testable import ModelFiles
import NetCore
@testable import Session

/// `netview export --to model`: the model file written back with a session's edits rebuilds the
/// session's network exactly (parameters, slices, weights, seeds).
final class ModelExportTests: XCTestCase {
    let model = """
        {"name": "small", "kernel": {"resolution": 0.1, "seed": 4},
         "parameters": {"g": 5.0, "J": 0.2},
         "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 40, "params": {"I_e": 300.0, "V_m": {"uniform": {"min": -70, "max": -55}}}},
                   {"name": "I", "model": "iaf_psc_alpha", "n": 10, "params": {"I_e": 320.0}},
                   {"name": "noise", "model": "poisson_generator", "params": {"rate": 8000.0}},
                   {"name": "sr", "model": "spike_recorder"}],
         "connections": [{"source": "noise", "target": ["E", "I"], "syn_spec": {"weight": "J", "delay": 1.0}},
                         {"source": "E", "target": ["E", "I"], "conn_spec": {"rule": "fixed_indegree", "indegree": 8}, "syn_spec": {"weight": "J", "delay": 1.5}},
                         {"source": "I", "target": ["E", "I"], "conn_spec": {"rule": "fixed_indegree", "indegree": 2}, "syn_spec": {"weight": "-g*J", "delay": 1.5}},
                         {"source": ["E", "I"], "target": "sr"}],
         "simulate": 200}
        """

    /// Every neuron's status and the connectivity of two builds, and their spikes over 200 ms.
    func assertSameNetwork(_ a: BuiltModel, _ b: BuiltModel, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.kernel.connectivityChecksum(), b.kernel.connectivityChecksum(), "connectivity", file: file, line: line)
        for name in ["E", "I"] {
            for id in a.ids[name]!.ids {
                XCTAssertEqual(try a.kernel.getStatus(id).map { "\($0.0)=\($0.1.readable)" }, try b.kernel.getStatus(id).map { "\($0.0)=\($0.1.readable)" },
                               "\(name) id \(id)", file: file, line: line)
            }
        }
        try a.kernel.simulate(200)
        try b.kernel.simulate(200)
        XCTAssertEqual(a.kernel.spikeCounts, b.kernel.spikeCounts, "spikes", file: file, line: line)
        XCTAssertGreaterThan(a.kernel.spikeCounts.reduce(0, +), 100, file: file, line: line)
    }

    func testEditedModelRebuildsTheSessionsNetwork() throws {
        let m = try ModelFile.parse(text: model, file: "small.json", overrides: ["g": 6], seed: 9)
        let edits = ["set E tau_m 15", "set E[0:10] I_e 20", "set E[5:8] I_e 30", "set E[5:8] C_m 200", "set I V_th -52",
                     "set E[30] t_ref 4", "weight 2 -0.7", "set E[12:20] tau_m 12", "set E tau_m 16"]
        let live = try m.build()
        for e in edits { _ = try live.apply(try SessionCommand.parse(e)) }
        let out = try ModelExport.edited(m, edits: edits, log: edits.map { (0, $0) }, seeds: live.kernel.seeds)
        XCTAssertTrue(out.notes.isEmpty, "\(out.notes)")
        let back = try ModelFile.parse(text: out.text, file: "edited.json")
        // The slices as written: a whole-node value replaced the earlier slices' tau_m.
        let e = try XCTUnwrap(back.nodes.first { $0.name == "E" })
        XCTAssertEqual(e.slices.map(\.range), [0..<10, 5..<8, 30..<31])
        XCTAssertEqual(e.slices[1].params.map(\.key), ["I_e", "C_m"])
        XCTAssertFalse(e.slices.contains { $0.params.contains { $0.key == "tau_m" } })
        XCTAssertEqual(back.overrides, [:])
        XCTAssertEqual(back.parameters.first { $0.name == "g" }?.value, 6)
        try assertSameNetwork(live, try back.build())
        // Reseeded streams are written as explicit seeds.
        var seeds = live.kernel.seeds
        seeds.stimulus = 77
        let reseeded = try ModelFile.parse(text: try ModelExport.edited(m, seeds: seeds).text, file: "r.json")
        XCTAssertEqual(reseeded.seeds.stimulus, 77)
        XCTAssertEqual(reseeded.seeds.network, live.kernel.seeds.network)
    }

    func testLateEditsAreNamedAndNonEditsLeftOut() throws {
        let m = try ModelFile.parse(text: model, file: "small.json")
        let out = try ModelExport.edited(m, edits: ["set E tau_m 15", "weight 1 0.3"], log: [(0, "set E tau_m 15"), (500, "weight 1 0.3")])
        XCTAssertEqual(out.notes.count, 1)
        XCTAssertTrue(out.notes[0].contains("1 edit made at t > 0 ('weight 1 0.3')"), out.notes[0])
        XCTAssertThrowsError(try ModelExport.edited(m, edits: ["set Q tau_m 15"]))
        XCTAssertThrowsError(try ModelExport.edited(m, edits: ["set E[0:99] tau_m 15"]))
    }

    /// Slices in a model file: read, checked, built.
    func testSlicesInModelFiles() throws {
        func node(_ slices: String) -> String {
            model.replacingOccurrences(of: #""params": {"I_e": 320.0}}"#, with: #""params": {"I_e": 320.0}, "slices": \#(slices)}"#)
        }
        let ok = try ModelFile.parse(text: node(#"[{"range": [2, 5], "params": {"I_e": 100.0, "V_th": -50}}]"#), file: "s.json")
        let b = try ok.build()
        let ids = b.ids["I"]!.ids
        func ie(_ i: Int) throws -> String { try b.kernel.getStatus(ids[i]).first { $0.0 == "I_e" }!.1.readable }
        XCTAssertEqual(try ie(1), "320")
        XCTAssertEqual(try ie(2), "100")
        XCTAssertEqual(try ie(4), "100")
        XCTAssertEqual(try ie(5), "320")
        let bad: [(String, String)] = [
            (#"[{"range": [5, 11], "params": {"I_e": 1}}]"#, "is not a slice of I, which has 10 elements"),
            (#"[{"range": [3, 3], "params": {"I_e": 1}}]"#, "is not a slice of I"),
            (#"[{"range": [0, 2], "params": {"I_ee": 1}}]"#, "unknown parameter 'I_ee'"),
            (#"[{"range": [0, 2], "params": {"V_m": {"uniform": {"min": 0, "max": 1}}}}]"#, "not a distribution"),
            (#"[{"range": [0, 2]}]"#, "expected an object of parameters"),
            (#"[{"range": [0, 2], "params": {"I_e": 1}, "extra": 1}]"#, "unknown key 'extra'"),
            (#"{"range": [0, 2]}"#, "expected an array"),
        ]
        for (slices, message) in bad {
            XCTAssertThrowsError(try ModelFile.parse(text: node(slices), file: "s.json"), slices) { e in
                XCTAssertTrue("\(e)".contains(message), "\(slices): \(e)")
                XCTAssertTrue("\(e)".contains("nodes[1].slices"), "\(e)")
            }
        }
    }

    /// The command: a session's model and seeds as a model file or a script, with its notes.
    func testExportCommandTakesASession() throws {
        let dir = Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try ModelFile.parse(text: model, file: dir + "/small.json")
        try model.write(toFile: dir + "/small.json", atomically: true, encoding: .utf8)
        let b = try ModelFile.load(path: dir + "/small.json").build()
        try b.kernel.simulate(50)
        _ = try b.apply(try SessionCommand.parse("set E[0:10] I_e 20"))
        let session = dir + "/s" + Snapshot.fileExtension
        try Snapshot.save(built: b, edits: ["set E[0:10] I_e 20"], log: [(b.kernel.now, "set E[0:10] I_e 20")], wallSeconds: 0, to: session)
        var r = try Support.netview(["export", session, "--to", "model", "-o", dir + "/edited.json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("1 edit made at t > 0 ('set E[0:10] I_e 20') written as if made at t = 0"), r.err)
        let back = try ModelFile.load(path: dir + "/edited.json")
        XCTAssertEqual(back.nodes[0].slices.first?.range, 0..<10)
        XCTAssertEqual(back.seeds.network, m.seeds.network)
        r = try Support.netview(["export", session, "--to", "pynest"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains(#"nodes["E"][0:10].set({"I_e": 20.0})"#), r.out)
        XCTAssertTrue(r.err.contains("is not carried"), r.err)
        r = try Support.netview(["export", session, "--to", "model", "--param", "g=3"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("do not apply to a session"), r.err)
    }
}
