import Foundation
import XCTest
import ModelFiles
import NetCore

/// Every kind of bad model file ends in one clear error value, never a trap.
final class BadInputTests: XCTestCase {
    let good = """
    {"name": "t", "kernel": {"resolution": 0.1},
     "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 10, "params": {"I_e": 376.0}},
               {"name": "sr", "model": "spike_recorder"}],
     "connections": [{"source": "E", "target": "E", "conn_spec": {"rule": "fixed_indegree", "indegree": 2},
                      "syn_spec": {"weight": 5.0, "delay": 1.5}},
                     {"source": "E", "target": "sr"}],
     "simulate": 20}
    """

    func error(_ text: String, yaml: Bool = false) -> String {
        do {
            let m = try ModelFile.parse(text: text, file: "m.json", yaml: yaml)
            _ = try m.build()
            return ""
        } catch {
            return "\(error)"
        }
    }

    func expect(_ text: String, _ fragments: String..., yaml: Bool = false, line: UInt = #line) {
        let e = error(text, yaml: yaml)
        XCTAssertFalse(e.isEmpty, "expected an error", line: line)
        XCTAssertFalse(e.contains("\n"), "one line: \(e)", line: line)
        for f in fragments { XCTAssertTrue(e.contains(f), "'\(f)' missing in: \(e)", line: line) }
    }

    func replacing(_ a: String, _ b: String) -> String {
        precondition(good.contains(a))
        return good.replacingOccurrences(of: a, with: b)
    }

    func testGoodFileBuilds() { XCTAssertEqual(error(good), "") }

    func testNormalDrawsAreNamed() throws {
        XCTAssertEqual(try ModelFile.parse(text: good, file: "m.json").normals, .ziggurat)
        let bm = replacing("\"resolution\": 0.1}", "\"resolution\": 0.1, \"normal_draws\": \"box-muller\"}")
        XCTAssertEqual(try ModelFile.parse(text: bm, file: "m.json").seeds.normals, .boxMuller)
        expect(replacing("\"resolution\": 0.1}", "\"resolution\": 0.1, \"normal_draws\": \"gauss\"}"),
               "kernel.normal_draws", "must be one of 'ziggurat', 'box-muller', got 'gauss'")
        expect(replacing("\"resolution\": 0.1}", "\"resolution\": 0.1, \"normal_draws\": 1}"), "kernel.normal_draws")
    }

    func testMalformedJSONGivesLineAndColumn() {
        expect(replacing("\"n\": 10,", "\"n\": 10,,"), "malformed JSON", "line 2")
        expect(String(good.prefix(120)), "truncated")
    }

    func testMalformedYAMLGivesLine() {
        expect("name: t\nnodes:\n  - name: E\n   model: x\n", "malformed YAML", "line", yaml: true)
    }

    func testUnknownTopLevelKeySuggests() { expect(replacing("\"simulate\"", "\"simulat\""), "unknown key 'simulat'", "did you mean 'simulate'") }

    func testUnknownModelSuggests() { expect(replacing("iaf_psc_alpha", "iaf_psc_alpah"), "unknown model", "did you mean 'iaf_psc_alpha'", "nodes[0].model") }

    func testUnknownParameterSuggests() { expect(replacing("\"I_e\"", "\"I_ee\""), "unknown parameter 'I_ee' for iaf_psc_alpha", "did you mean 'I_e'", "nodes[0].params") }

    func testReadOnlyAndUnsupportedAreSaidSo() {
        expect(replacing("\"I_e\": 376.0", "\"t_spike\": 1.0"), "read-only")
        expect(replacing("\"I_e\": 376.0", "\"tau_minus\": 1.0"), "not supported")
    }

    func testWrongType() {
        expect(replacing("\"I_e\": 376.0", "\"I_e\": true"), "expected a number", "nodes[0].params.I_e")
        expect(replacing("\"n\": 10", "\"n\": \"ten\""), "unknown parameter 'ten'")
        expect(replacing("\"n\": 10", "\"n\": 2.5"), "must be an integer")
    }

    func testNegativeOrNonFiniteValues() {
        expect(replacing("\"I_e\": 376.0", "\"C_m\": -1.0"), "C_m must be > 0")
        expect(replacing("\"I_e\": 376.0", "\"tau_m\": \"1/0\""), "division by zero")
        expect(replacing("\"I_e\": 376.0", "\"C_m\": \"inf\""), "C_m must be > 0")
        expect(replacing("\"n\": 10", "\"n\": -3"), "must be >= 1")
        expect(replacing("\"simulate\": 20", "\"simulate\": -5"), "simulate", ">= 0")
    }

    func testDelayBelowResolution() { expect(replacing("\"delay\": 1.5", "\"delay\": 0.01"), "below the resolution", "connections[0].syn_spec.delay") }

    func testSliceOutOfRange() {
        expect(replacing("{\"source\": \"E\", \"target\": \"sr\"}", "{\"source\": \"E[5:20]\", \"target\": \"sr\"}"), "out of range", "E has 10")
        expect(replacing("{\"source\": \"E\", \"target\": \"sr\"}", "{\"source\": \"E[-1:3]\", \"target\": \"sr\"}"), "out of range")
        expect(replacing("{\"source\": \"E\", \"target\": \"sr\"}", "{\"source\": \"E[10]\", \"target\": \"sr\"}"), "index 10 is out of range")
    }

    func testReferenceToMissingNode() { expect(replacing("{\"source\": \"E\", \"target\": \"sr\"}", "{\"source\": \"F\", \"target\": \"sr\"}"), "no node named 'F'") }

    func testUnknownRuleAndForeignKeys() {
        expect(replacing("\"rule\": \"fixed_indegree\"", "\"rule\": \"fixed_indgree\""), "did you mean 'fixed_indegree'")
        expect(replacing("\"indegree\": 2", "\"indegree\": 2, \"p\": 0.1"), "'p' does not belong to rule fixed_indegree")
    }

    func testWrongDirectionOfRecording() {
        expect(replacing("{\"source\": \"E\", \"target\": \"sr\"}", "{\"source\": \"sr\", \"target\": \"E\"}"), "spike_recorder receives")
    }

    func testNetworkTooLargeForMemoryIsRefusedBeforeBuilding() {
        let big = replacing("\"n\": 10", "\"n\": 40000000").replacingOccurrences(of: "\"indegree\": 2", with: "\"indegree\": 100000")
        let m = try? ModelFile.parse(text: big, file: "m.json")
        XCTAssertNotNil(m)
        XCTAssertThrowsError(try m!.build(memoryLimit: 8_000_000_000)) { e in
            XCTAssertTrue("\(e)".contains("too large for this machine"), "\(e)")
        }
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try ModelFile.load(path: "/nonexistent/model.json")) { e in XCTAssertTrue("\(e)".contains("does not exist")) }
        XCTAssertThrowsError(try ModelFile.load(path: NSTemporaryDirectory())) { e in XCTAssertTrue("\(e)".contains("folder")) }
    }

    func testParameterExpressionsAndOverrides() throws {
        let text = """
        {"parameters": {"order": 10, "NE": "4*order", "J": 0.5},
         "nodes": [{"name": "E", "model": "iaf_psc_delta", "n": "NE"}],
         "connections": [{"source": "E", "target": "E", "syn_spec": {"weight": "-(J + 1) * 2"}}]}
        """
        let m = try ModelFile.parse(text: text, overrides: ["order": 3])
        XCTAssertEqual(m.nodes[0].n, 12)
        XCTAssertEqual(m.connections[0].syn, SynSpec(weight: -3, delay: 1))
        XCTAssertThrowsError(try ModelFile.parse(text: text, overrides: ["ordr": 3])) { e in
            XCTAssertTrue("\(e)".contains("did you mean 'order'"), "\(e)")
        }
    }

    func testYAMLModelFile() throws {
        let text = """
        # a comment
        name: y
        nodes:
          - {name: E, model: iaf_psc_exp, n: 3, params: {I_e: 400.0}}
          - {name: sr, model: spike_recorder}
        connections:
          - {source: E, target: sr}
        simulate: 100
        """
        let m = try ModelFile.parse(text: text, yaml: true)
        let b = try m.build()
        try b.kernel.simulate(m.simulate)
        XCTAssertGreaterThan(b.kernel.spikeCounts.reduce(0, +), 0)
    }

    /// Thousands of mutated and truncated files: each ends in a model or an error value.
    func testMutatedAndTruncatedFilesNeverCrash() {
        var seed: UInt64 = 12345
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        let bytes = Array(good.utf8)
        let alphabet = Array("{}[]:,\"-0123456789.eE tfnaxyz_\\".utf8)
        var models = 0, errors = 0
        let deadline = Date().addingTimeInterval(4)
        var i = 0
        while i < 3000 && Date() < deadline {
            i += 1
            var b = bytes
            switch next() % 4 {
            case 0: b = Array(b.prefix(Int(next() % UInt64(b.count))))
            case 1:
                for _ in 0..<(1 + next() % 4) { b[Int(next() % UInt64(b.count))] = alphabet[Int(next() % UInt64(alphabet.count))] }
            case 2:
                let at = Int(next() % UInt64(b.count))
                b.insert(contentsOf: Array(["1e308", "-1", "\"x\"", "[]", "{}", "null", "NaN", "0"][Int(next() % 8)].utf8), at: at)
            default:
                let at = Int(next() % UInt64(b.count)), len = Int(next() % 20)
                b.removeSubrange(at..<min(b.count, at + len))
            }
            let text = String(decoding: b, as: UTF8.self)
            do {
                let m = try ModelFile.parse(text: text, file: "fuzz.json")
                _ = try m.build(memoryLimit: 1_000_000_000)
                models += 1
            } catch is ModelFileError {
                errors += 1
            } catch {
                XCTFail("unexpected error type \(type(of: error)): \(error)")
            }
        }
        XCTAssertGreaterThan(errors, 100)
        XCTAssertGreaterThan(models + errors, 500)
    }
}
