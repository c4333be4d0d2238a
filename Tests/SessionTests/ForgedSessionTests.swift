import Foundation
import ModelFiles
import NetCore
@testable import Session
import XCTest

/// Session files forged with every checksum recomputed (the checksum is not a signature): each
/// out-of-range number is refused by the loader with one line, never a trap or a hang.
final class ForgedSessionTests: XCTestCase {
    let dir = Support.temporaryFolder()

    /// A small network with every kind of state: neurons, Poisson and dc generators, a spike
    /// generator part-way through its spikes, a spike recorder and a voltmeter.
    let text = """
    {"name": "forge", "kernel": {"resolution": 0.1, "seed": 5},
     "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 4, "params": {"I_e": 390.0, "E_L": -65.0, "t_ref": 2.0}},
               {"name": "C", "model": "aeif_cond_exp", "n": 2, "params": {"I_e": 800.0}},
               {"name": "pg", "model": "poisson_generator", "params": {"rate": 8000.0}},
               {"name": "sg", "model": "spike_generator", "params": {"spike_times": [1.0, 5.0, 40.0]}},
               {"name": "dc", "model": "dc_generator", "params": {"amplitude": 50.0}},
               {"name": "sr", "model": "spike_recorder"}, {"name": "vm", "model": "voltmeter"}],
     "connections": [{"source": "pg", "target": "E", "syn_spec": {"weight": 10.0, "delay": 1.0}},
                     {"source": "sg", "target": "C", "syn_spec": {"weight": 5.0, "delay": 1.0}},
                     {"source": "dc", "target": "E"}, {"source": "E", "target": "sr"}, {"source": "C", "target": "sr"},
                     {"source": "vm", "target": "E"}],
     "simulate": 20}
    """

    func forge(_ name: String, says part: String, file: StaticString = #filePath, line: UInt = #line,
               _ change: (inout KernelState, BuiltModel) -> Void) throws {
        let built = try ModelFile.parse(text: text, file: "forge.json").build()
        try built.kernel.simulate(20)
        var state = built.kernel.dynamicState()
        change(&state, built)
        let path = "\(dir)/\(name).netview.json"
        try Snapshot.save(built: built, edits: [], log: [(0, "simulate 20")], wallSeconds: 0, to: path, state: state)
        XCTAssertThrowsError(try Snapshot.load(path: path), name, file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(part), "\(name): \(message)", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
        let r = try Support.netview(["run", path, "--time", "10", "--out", dir + "/out-" + name])
        XCTAssertEqual(r.status, 2, "\(name): \(r.err)", file: file, line: line)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err, file: file, line: line)
    }

    /// A save killed mid-write leaves a hidden temporary file; the next save into the folder removes
    /// it once its process is gone (a live writer's file is left alone).
    func testTemporaryFilesOfKilledSavesAreRemovedByTheNextSave() throws {
        let built = try ModelFile.parse(text: text, file: "forge.json").build()
        let dead = "\(dir)/.old.netview.json.tmp-999999-42", alive = "\(dir)/.other.netview.json.tmp-\(getpid())-7"
        for f in [dead, alive] { _ = FileManager.default.createFile(atPath: f, contents: Data(repeating: 1, count: 1000)) }
        try Snapshot.save(built: built, edits: [], log: [], wallSeconds: 0, to: "\(dir)/new.netview.json")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a dead writer's temporary file is removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: alive), "a live writer's temporary file is kept")
    }

    func testForgedNumbersAreRefusedByRange() throws {
        let honest = try ModelFile.parse(text: text, file: "forge.json").build()
        try honest.kernel.simulate(20)
        let path = "\(dir)/honest.netview.json"
        try Snapshot.save(built: honest, edits: [], log: [(0, "simulate 20")], wallSeconds: 0, to: path, state: honest.kernel.dynamicState())
        XCTAssertEqual(try Snapshot.load(path: path).savedTime, 20, "the forging path writes a loadable file when nothing is changed")

        try forge("now-negative", says: "time step") { s, _ in s.now = -5 }
        try forge("now-huge", says: "state.now") { s, _ in s.now = 80_000_000_000_000_000 }
        // -1e300 is written as the "since ever" marker (then the state checksum fails); JSON has no NaN or inf.
        try forge("history-huge", says: "outside") { s, _ in s.generators[0].history.append([1e300, 5]) }
        try forge("history-negative", says: "checksum") { s, _ in s.generators[0].history.append([-1e300, 5]) }
        try forge("history-nan", says: "malformed") { s, _ in s.generators[0].history.append([.nan, 5]) }
        try forge("rate-inf", says: "malformed") { s, _ in s.generators[0].history.append([100, .infinity]) }
        try forge("rate-negative", says: "negative rate") { s, _ in s.generators[0].history.append([100, -4]) }
        try forge("position-negative", says: "position -7") { s, _ in s.generators[1].position = -7 }
        try forge("position-past", says: "position 9") { s, _ in s.generators[1].position = 9 }
        try forge("stamp-huge", says: "stamp") { s, _ in s.recorders[0].stamps[0] = 1 << 62 }
        try forge("stamp-zero", says: "stamp") { s, _ in s.recorders[0].stamps[0] = 0 }
        try forge("sender-device", says: "not a node it records from") { s, b in s.recorders[0].senders[0] = Int32(b.ids["pg"]!.ids[0]) }
        try forge("sender-negative", says: "not a node it records from") { s, _ in s.recorders[0].senders[0] = -3 }
        try forge("refractory-max", says: "refractory count") { s, _ in s.populations[0].refractory[0] = Int32.max }
        try forge("refractory-min", says: "refractory count") { s, _ in s.populations[0].refractory[0] = Int32.min }
        try forge("spike-count-min", says: "spike count") { s, _ in s.spikeCounts[1] = Int.min }
        try forge("state-nan", says: "not finite") { s, _ in s.populations[0].state["V_m"]![0] = .nan }
        try forge("state-inf", says: "not finite") { s, _ in s.populations[1].state["w"]![0] = -.infinity }
        try forge("step-zero", says: "integration step") { s, _ in s.populations[1].state["_h_int"]?[0] = 0 }
        try forge("input-inf", says: "not finite") { s, _ in s.populations[0].input[0] = .infinity }
        try forge("slots-huge", says: "input slots") { s, _ in s.populations[0].inputSlots = 1 << 40 }
        try forge("generator-id", says: "not a generator") { s, _ in s.generators[0].id = 1 }
        try forge("recorder-id", says: "not a recorder") { s, _ in s.recorders[0].id = -9 }
    }
}
