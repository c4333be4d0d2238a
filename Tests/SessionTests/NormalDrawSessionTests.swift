import Foundation
import ModelFiles
import NetCore
@testable import Session
import XCTest

/// Sessions saved before version 3 drew normal values by Box-Muller and say nothing of it: they
/// must rebuild their networks so (the loader checks the connectivity checksum they hold), and
/// keep doing so through a save and an export.
final class NormalDrawSessionTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = Support.temporaryFolder() }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func microcircuit(_ normals: NormalDraws) throws -> BuiltModel {
        var m = try ModelFile.load(path: Support.asset("potjans2014.json"), overrides: ["scale": 0.005])
        m.normals = normals
        let b = try m.build()
        try b.kernel.simulate(5)
        return b
    }

    /// A version 3 session rewritten as version 2 wrote it: no `normals` in its seeds.
    func asVersion2(_ path: String) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let entry = try XCTUnwrap(text.range(of: #",\s*"normals": "box-muller""#, options: .regularExpression))
        text.removeSubrange(entry)
        let version = try XCTUnwrap(text.range(of: "\"version\": \(Snapshot.version)"))
        text.replaceSubrange(version, with: "\"version\": 2")
        let root = try Node.parseJSON(Array(text.utf8))
        let old = try XCTUnwrap(root["checksums"]?["model"]).value
        guard case let .string(oldHex) = old else { throw XCTSkip("no model checksum") }
        let sum = SessionJSON.checksum(.obj([("seeds", try XCTUnwrap(root["seeds"]).value), ("model", try XCTUnwrap(root["model"]).value)]))
        let out = dir + "/v2.netview.json"
        try text.replacingOccurrences(of: oldHex, with: SessionJSON.hex(sum)).write(toFile: out, atomically: true, encoding: .utf8)
        return out
    }

    func testAVersion2SessionRebuildsItsNetworkByBoxMuller() throws {
        let b = try microcircuit(.boxMuller)
        XCTAssertNotEqual(b.kernel.connectivityChecksum(), try microcircuit(.ziggurat).kernel.connectivityChecksum())
        let saved = dir + "/bm.netview.json"
        try Snapshot.save(built: b, edits: [], log: [], wallSeconds: 0, to: saved)
        let old = try asVersion2(saved)
        XCTAssertFalse(try String(contentsOfFile: old, encoding: .utf8).contains("normals"))
        // The loader rebuilds the network and checks it against the saved connectivity checksum.
        let loaded = try Snapshot.load(path: old)
        XCTAssertEqual(loaded.built.kernel.seeds.normals, .boxMuller)
        XCTAssertEqual(loaded.built.kernel.connectivityChecksum(), b.kernel.connectivityChecksum())
        // Saved again, it says so; exported as a model file, the file says so.
        let again = dir + "/again.netview.json"
        try Snapshot.save(built: loaded.built, edits: [], log: [], wallSeconds: 0, to: again)
        XCTAssertTrue(try String(contentsOfFile: again, encoding: .utf8).contains("\"normals\": \"box-muller\""))
        XCTAssertEqual(try Snapshot.load(path: again).built.kernel.connectivityChecksum(), b.kernel.connectivityChecksum())
        let exported = dir + "/exported.json"
        let r = try Support.netview(["export", old, "--to", "model", "-o", exported])
        XCTAssertEqual(r.status, 0, r.err)
        let model = try ModelFile.load(path: exported)
        XCTAssertEqual(model.normals, .boxMuller)
        XCTAssertEqual(try model.build().kernel.connectivityChecksum(), b.kernel.connectivityChecksum())
    }

    func testANewSessionNamesItsMethodAndAForgedOneIsRefused() throws {
        let saved = dir + "/z.netview.json"
        try Snapshot.save(built: try microcircuit(.ziggurat), edits: [], log: [], wallSeconds: 0, to: saved)
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertTrue(text.contains("\"normals\": \"ziggurat\""))
        XCTAssertEqual(try Snapshot.load(path: saved).built.kernel.seeds.normals, .ziggurat)
        let forged = dir + "/forged.netview.json"
        try text.replacingOccurrences(of: "\"normals\": \"ziggurat\"", with: "\"normals\": \"box-muller\"")
            .write(toFile: forged, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Snapshot.load(path: forged)) { XCTAssertTrue("\($0)".contains("model section does not match its checksum"), "\($0)") }
    }
}
