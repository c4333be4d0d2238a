import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// A damaged or incompatible session file is refused in one line naming the part that is wrong,
/// by the loader and by `netview run SESSION` (non-zero exit); replaying the log reproduces the state.
final class IntegrityTests: XCTestCase {
    var dir = ""
    var good = ""
    var text = ""

    override func setUpWithError() throws {
        dir = Support.temporaryFolder()
        good = dir + "/good.netview.json"
        let b = try Scenario.brunel.model().build()
        try b.kernel.simulate(40)
        _ = try b.apply(.set(target: "I", param: "V_th", value: 19.5))
        try b.kernel.simulate(10)
        try Snapshot.save(built: b, edits: ["set I V_th 19.5"], log: [(400, "set I V_th 19.5")], wallSeconds: 1, to: good)
        text = try String(contentsOfFile: good, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Writes `damaged`, then checks the loader's message and the command line's exit and line.
    func checkRefused(_ damaged: String, says part: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = dir + "/bad.netview.json"
        try damaged.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Snapshot.load(path: path), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("session file \(path): "), message, file: file, line: line)
            XCTAssertTrue(message.contains(part), message, file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
        XCTAssertThrowsError(try LiveSession.open(snapshot: path), file: file, line: line)
        let r = try Support.netview(["run", path, "--time", "10", "--out", dir + "/out"])
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains(part), r.err, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out/summary.json"), file: file, line: line)
    }

    func testTheGoodFileLoadsAndItsLogReplaysToTheSavedState() throws {
        let loaded = try Snapshot.load(path: good)
        XCTAssertEqual(loaded.savedStep, 500)
        XCTAssertEqual(loaded.built.kernel.dynamicState().checksum, loaded.stateChecksum)
        XCTAssertEqual(try loaded.replayed().checksum, loaded.stateChecksum)
        XCTAssertEqual(try loaded.replayed(threads: 2).checksum, loaded.stateChecksum)
    }

    func testReplayingTheLogOfALiveSessionReproducesItsState() throws {
        let live = try LiveSession(model: try Scenario.destexhe.model(), running: false)
        live.start()
        defer { live.stop() }
        for c in ["simulate 40", "set RS a 2", "set LTS[0:5] V_m -55", "simulate 25.3", "weight 0 5.5", "simulate 10"] { live.send(.command(c)) }
        let path = try live.save(to: dir + "/live.netview.json")
        let loaded = try Snapshot.load(path: path)
        XCTAssertEqual(loaded.savedTime, 75.3)
        XCTAssertEqual(loaded.log.count, 6)
        XCTAssertEqual(try loaded.replayed().checksum, loaded.stateChecksum)
        XCTAssertEqual(live.sync { $0.kernel.dynamicState().checksum }, loaded.stateChecksum)
    }

    func testATruncatedFileIsRefused() throws {
        try checkRefused(String(text.prefix(text.count / 2)), says: "truncated JSON at line")
        try checkRefused(String(text.prefix(200)), says: "truncated JSON at line")
        try checkRefused("", says: "the file is empty")
    }

    func testOneChangedNumberOfTheStateIsRefused() throws {
        let r = try XCTUnwrap(text.range(of: "\"now\": 500"))
        try checkRefused(text.replacingCharacters(in: r, with: "\"now\": 501"), says: "state checksum mismatch (the state section was edited or corrupted)")
        // One character of a packed array.
        let v = try XCTUnwrap(text.range(of: "\"V_m\": {\"f64le\": \""))
        var chars = Array(text)
        let at = text.distance(from: text.startIndex, to: v.upperBound) + 40
        chars[at] = chars[at] == "A" ? "B" : "A"
        try checkRefused(String(chars), says: "state checksum mismatch")
    }

    func testAChangedModelIsRefused() throws {
        let r = try XCTUnwrap(text.range(of: "\"J\": 0.1"))
        try checkRefused(text.replacingCharacters(in: r, with: "\"J\": 0.2"), says: "model section does not match its checksum")
        let s = try XCTUnwrap(text.range(of: "\"network\": "))
        try checkRefused(text.replacingCharacters(in: s, with: "\"network\": 1"), says: "model section does not match its checksum")
        let e = try XCTUnwrap(text.range(of: "\"command\": \"set I V_th 19.5\""))
        try checkRefused(text.replacingCharacters(in: e, with: "\"command\": \"set I V_th 19.6\""), says: "log section does not match its checksum")
    }

    func testAnotherVersionOrFormatIsRefused() throws {
        let r = try XCTUnwrap(text.range(of: "\"version\": \(Snapshot.version)"))
        try checkRefused(text.replacingCharacters(in: r, with: "\"version\": 7"), says: "unsupported version 7")
        let f = try XCTUnwrap(text.range(of: "\"format\": \"netview-session\""))
        try checkRefused(text.replacingCharacters(in: f, with: "\"format\": \"netview-session2\""), says: "not a netview session")
    }

    /// A network changed behind the log's back (a weight edit not recorded) rebuilds differently.
    func testConnectivityThatDoesNotRebuildTheSameIsRefused() throws {
        let b = try Scenario.brunel.model().build()
        _ = try b.apply(.weight(connection: 1, value: 0.3))
        let path = dir + "/unlogged.netview.json"
        try Snapshot.save(built: b, edits: [], log: [], wallSeconds: 0, to: path)
        try checkRefused(try String(contentsOfFile: path, encoding: .utf8),
                         says: "connectivity rebuilt from the model differs from the saved one")
    }

    func testSavingIsAtomicAndAFailedSaveLeavesThePreviousFile() throws {
        let b = try Scenario.balanced.model().build()
        try b.kernel.simulate(50)
        let before = try Data(contentsOf: URL(fileURLWithPath: good))
        // A file size limit makes the write fail as a full disk would.
        var old = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, SIG_IGN)
        var small = old
        small.rlim_cur = 1024
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small)
        XCTAssertThrowsError(try Snapshot.save(built: b, edits: [], log: [], wallSeconds: 0, to: good)) { error in
            XCTAssertTrue("\(error)".contains("cannot save"), "\(error)")
            XCTAssertTrue("\(error)".contains("the previous file is unchanged"), "\(error)")
        }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: good)), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }, [])
        XCTAssertNoThrow(try Snapshot.load(path: good))

        // A folder in the way: nothing written, nothing left behind.
        try FileManager.default.createDirectory(atPath: dir + "/taken.netview.json/inner", withIntermediateDirectories: true)
        XCTAssertThrowsError(try Snapshot.save(built: b, edits: [], log: [], wallSeconds: 0, to: dir + "/taken.netview.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }, [])
    }

    func testSessionsListsModelTimeDateAndSize() throws {
        let r = try Support.netview(["sessions", "--folder", dir])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, r.out)
        XCTAssertEqual(lines[0], "\(dir):", "the folder is named")
        XCTAssertTrue(lines[1].contains("SEEDS") && lines[1].contains("EDITS"), r.out)
        XCTAssertTrue(lines[2].contains("brunel2000") && lines[2].contains(" 50 ") && lines[2].contains("MB") && lines[2].contains("good.netview.json"), r.out)
        XCTAssertTrue(lines[2].contains(" 1 "), "the session's edit is counted: \(r.out)")
    }
}
