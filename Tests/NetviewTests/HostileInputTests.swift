import Foundation
import XCTest

/// netview given hostile or sloppy input, as an attacker or a careless user would give it. Every
/// attempt runs the real executable in a sandbox folder and must end with the expected exit code
/// (2 for bad input), one line on stderr, no signal, no hang, nothing outside its target touched
/// (the sandbox's `victim/` and `notrun/` folders are compared before and after).
final class HostileInputTests: XCTestCase {
    nonisolated(unsafe) static var attempts = 0

    override class func tearDown() {
        print("hostile-input attempts: \(attempts)")
        super.tearDown()
    }

    /// A small deterministic model: one neuron, a dc input, a spike recorder and a voltmeter.
    static func model(name: String = "tiny", recorder: String = "spikes", extraParams: String = "", simulate: Double = 20) -> String {
        """
        {"name": \(jsonString(name)), "kernel": {"resolution": 0.1, "seed": 1},
         "nodes": [{"name": "E", "model": "iaf_psc_alpha", "n": 2, "params": {"I_e": 400.0\(extraParams)}},
                   {"name": "\(recorder)", "model": "spike_recorder"},
                   {"name": "vm", "model": "voltmeter", "params": {"interval": 1.0}}],
         "connections": [{"source": "E", "target": "\(recorder)"}, {"source": "vm", "target": "E"}],
         "simulate": \(simulate)}
        """
    }

    static func jsonString(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed]), as: UTF8.self).dropFirst().dropLast().description
    }

    /// A folder with a valid model, special files and folders that must survive every attempt.
    struct Sandbox {
        let dir: String

        init() {
            dir = NSTemporaryDirectory() + "nv-hostile-\(UUID().uuidString)"
            let fm = FileManager.default
            try! fm.createDirectory(atPath: dir + "/victim", withIntermediateDirectories: true)
            try! fm.createDirectory(atPath: dir + "/notrun", withIntermediateDirectories: true)
            try! fm.createDirectory(atPath: dir + "/folder.json", withIntermediateDirectories: true)
            try! fm.createDirectory(atPath: dir + "/folder.netview.json", withIntermediateDirectories: true)
            try! fm.createDirectory(atPath: dir + "/sessions/dir.netview.json", withIntermediateDirectories: true)
            write("victim/summary.json", "{\"precious\": true}\n")
            write("victim/spikes.csv", "sender,time_ms\n1,2.0\n")
            write("notrun/notes.txt", "my notes\n")
            write("model.json", HostileInputTests.model())
            write("empty.json", "")
            write("garbage.json", String(decoding: (0..<512).map { UInt8(($0 * 37 + 11) % 256) }, as: UTF8.self))
            for f in ["fifo.json", "fifo.netview.json", "sessions/fifo.netview.json", "fifo.py"] { mkfifo(dir + "/" + f, 0o644) }
            _ = symlink("loop.json", dir + "/loop.json")
            _ = symlink("model.json", dir + "/link.json")
        }

        func write(_ name: String, _ text: String) {
            try! text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        }

        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: dir + "/" + name) }

        func read(_ name: String) -> String { (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? "" }

        func files(_ folder: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + folder)) ?? []).sorted()
        }

        /// Names and contents of the folders nothing may touch.
        func guarded() -> [String: String] {
            var out: [String: String] = [:]
            for folder in ["victim", "notrun"] {
                for f in files(folder) { out[folder + "/" + f] = read(folder + "/" + f) }
            }
            return out
        }
    }

    struct Outcome {
        var code: Int32
        var signaled: Bool
        var timedOut: Bool
        var out: String
        var err: String
    }

    static func launch(_ args: [String], cwd: String, executable: String = Binary.path) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardInput = FileHandle.nullDevice
        return p
    }

    static func execute(_ args: [String], cwd: String, timeout: Double, executable: String = Binary.path) -> Outcome {
        let p = launch(args, cwd: cwd, executable: executable)
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try! p.run()
        final class Box: @unchecked Sendable { var out = Data(), err = Data() }
        let done = DispatchSemaphore(value: 0), box = Box()
        DispatchQueue.global().async { box.out = o.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        DispatchQueue.global().async { box.err = e.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut || done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(p.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
            _ = done.wait(timeout: .now() + 5)
        }
        p.waitUntilExit()
        return Outcome(code: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal, timedOut: timedOut,
                       out: String(decoding: box.out, as: UTF8.self), err: String(decoding: box.err, as: UTF8.self))
    }

    /// Runs one attempt and checks the outcome every attempt must have.
    @discardableResult
    func attempt(_ args: [String], in box: Sandbox, code: Int32 = 2, says: String? = nil, timeout: Double = 60,
                 executable: String = Binary.path, file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        HostileInputTests.attempts += 1
        let before = box.guarded()
        let r = HostileInputTests.execute(args, cwd: box.dir, timeout: timeout, executable: executable)
        let what = args.map { $0.count > 60 ? String($0.prefix(60)) + "..." : $0 }.joined(separator: " ")
        XCTAssertFalse(r.timedOut, "\(what): hung for \(timeout) s", file: file, line: line)
        XCTAssertFalse(r.signaled, "\(what): killed by signal \(r.code)", file: file, line: line)
        XCTAssertLessThanOrEqual(r.code, 125, "\(what): exit \(r.code)", file: file, line: line)
        XCTAssertEqual(r.code, code, "\(what): \(r.err)", file: file, line: line)
        if code != 0 {
            XCTAssertEqual(r.err.split(separator: "\n", omittingEmptySubsequences: false).count, 2, "\(what): not one line: \(r.err.prefix(500))", file: file, line: line)
            XCTAssertTrue(r.err.hasPrefix("netview: "), "\(what): \(r.err.prefix(300))", file: file, line: line)
            XCTAssertLessThan(r.err.utf8.count, 1200, "\(what): a \(r.err.utf8.count)-byte message", file: file, line: line)
            XCTAssertFalse(r.err.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(what): control characters in \(r.err.debugDescription.prefix(300))", file: file, line: line)
        }
        if let says { XCTAssertTrue(r.err.contains(says), "\(what): expected '\(says)' in \(r.err.prefix(400))", file: file, line: line) }
        XCTAssertEqual(box.guarded(), before, "\(what): touched victim/ or notrun/", file: file, line: line)
        return r
    }

    // MARK: paths that are not regular files

    func testFoldersFIFOsAndLinksGivenAsFiles() {
        let box = Sandbox()
        let kinds: [(String, String)] = [("folder.json", "is a folder"), ("fifo.json", "FIFO"), ("missing.json", "does not exist"),
                                          ("loop.json", ""), ("empty.json", ""), ("garbage.json", ""),
                                          ("folder.netview.json", "is a folder"), ("fifo.netview.json", "FIFO"), ("/dev/zero", "device")]
        for (path, says) in kinds {
            for command in [["run", path], ["check", path], ["export", path, "--to", "pynest"], ["bisect", path], [path],
                            ["run", path, "--time", "10", "--out", "o"]] {
                attempt(command, in: box, says: says.isEmpty ? nil : says, timeout: 30)
            }
        }
        XCTAssertFalse(box.exists("o"))
    }

    func testSessionListingSkipsWhatIsNotAFile() {
        let box = Sandbox()
        let r = attempt(["sessions", "--folder", "sessions"], in: box, code: 0, timeout: 30)
        XCTAssertTrue(r.out.contains("no sessions"), r.out)
        attempt(["view", "fifo.json"], in: box, timeout: 30)
        attempt(["compare", "fifo.json", "folder.json"], in: box, timeout: 30)
        attempt(["compare", "folder.json", "folder.json"], in: box, timeout: 30)
        try? FileManager.default.createDirectory(atPath: box.dir + "/csvdir/spikes.csv", withIntermediateDirectories: true)
        attempt(["compare", "csvdir", "csvdir"], in: box, says: "is a folder", timeout: 30)
    }

    // MARK: where output goes

    func testOutputAndSessionPathsThatMustNotBeReplaced() {
        let box = Sandbox()
        for out in [".", "notrun", "model.json", "fifo.json", "link.json", "/dev/null", box.dir] {
            attempt(["run", "model.json", "--out", out], in: box, timeout: 30)
        }
        for session in ["fifo.json", "folder.json", "link.json", "fifo.netview.json"] {
            attempt(["run", "model.json", "--out", "o1", "--save-session", session], in: box, says: "regular file", timeout: 30)
        }
        XCTAssertEqual(box.read("model.json"), HostileInputTests.model())
        for output in ["model.json", "./model.json", "link.json"] {
            attempt(["export", "model.json", "--to", "pynest", "-o", output], in: box, timeout: 30)
        }
        for output in ["fifo.py", "folder.json"] {
            attempt(["export", "model.json", "--to", "pynest", "-o", output], in: box, says: "regular file", timeout: 30)
        }
        XCTAssertEqual(box.read("model.json"), HostileInputTests.model())
        XCTAssertFalse(box.exists("o1"))
    }

    /// A name from a model file is a slug wherever it becomes a path, and stays inside out/.
    func testModelNamesNeverLeaveTheOutputFolder() throws {
        let box = Sandbox()
        let names = ["../../victim", "../victim", "..", ".", "", "a/b", "/tmp/abs", "~", String(repeating: "x", count: 300),
                     "new\nline", "\u{1B}[2J", "victim/../../notrun"]
        for (i, name) in names.enumerated() {
            box.write("named-\(i).json", HostileInputTests.model(name: name))
            attempt(["run", "named-\(i).json"], in: box, code: 0, timeout: 30)
        }
        for slug in box.files("out") where !slug.hasPrefix(".") {
            XCTAssertTrue(slug.count <= 64 && slug != "." && slug != ".." && !slug.contains("/"), slug)
            XCTAssertTrue(box.exists("out/\(slug)/summary.json"), slug)
        }
        XCTAssertTrue(box.exists("out/.._.._victim/summary.json"))
        XCTAssertTrue(box.exists("out/model/summary.json"))
        XCTAssertEqual(box.files(".").filter { !$0.hasPrefix("named-") }.sorted(),
                       ["empty.json", "fifo.json", "fifo.netview.json", "fifo.py", "folder.json", "folder.netview.json", "garbage.json",
                        "link.json", "loop.json", "model.json", "notrun", "out", "sessions", "victim"])
    }

    /// A run's folder holds exactly one run: a re-run replaces all of it, a killed run leaves the
    /// previous one whole, a second run into a folder being written is refused at once.
    func testRunFoldersHoldExactlyOneRun() throws {
        let box = Sandbox()
        box.write("a.json", HostileInputTests.model(recorder: "first"))
        box.write("b.json", HostileInputTests.model(recorder: "second"))
        attempt(["run", "a.json", "--out", "o"], in: box, code: 0)
        XCTAssertEqual(box.files("o"), [".netview-run", "first.csv", "summary.json", "vm.csv"])
        attempt(["run", "b.json", "--out", "o"], in: box, code: 0)
        XCTAssertEqual(box.files("o"), [".netview-run", "second.csv", "summary.json", "vm.csv"])
        let previous = box.files("o").map { box.read("o/" + $0) }

        // A long run killed before it ends leaves the previous run as it was.
        box.write("long.json", HostileInputTests.model(recorder: "third", simulate: 10_000_000))
        let long = HostileInputTests.launch(["run", "long.json", "--out", "o"], cwd: box.dir)
        long.standardOutput = FileHandle.nullDevice
        long.standardError = FileHandle.nullDevice
        try long.run()
        var locked = false
        for _ in 0..<200 where !locked {
            usleep(50_000)
            let fd = open(box.dir + "/.o.lock", O_RDWR)
            if fd >= 0 {
                locked = flock(fd, LOCK_EX | LOCK_NB) != 0
                close(fd)
            }
        }
        XCTAssertTrue(locked, "the long run never took its folder's lock")
        attempt(["run", "a.json", "--out", "o"], in: box, says: "another run is writing")
        kill(long.processIdentifier, SIGKILL)
        long.waitUntilExit()
        XCTAssertEqual(box.files("o").map { box.read("o/" + $0) }, previous)

        // A copy killed while it writes (its temporary sibling) is cleaned up by the next run.
        try FileManager.default.createDirectory(atPath: box.dir + "/.o.tmp-999999-1", withIntermediateDirectories: true)
        box.write(".o.tmp-999999-1/summary.json", "{}")
        attempt(["run", "a.json", "--out", "o"], in: box, code: 0)
        XCTAssertFalse(box.exists(".o.tmp-999999-1"))
        XCTAssertEqual(box.files("o"), [".netview-run", "first.csv", "summary.json", "vm.csv"])
    }

    // MARK: output folders from elsewhere

    /// compare and view trust nothing in an output folder: ids, times and summary ranges are
    /// checked, one line and exit 2, memory bounded by what the folder holds.
    func testCompareAndViewRefuseOutOfRangeContent() {
        let box = Sandbox()
        let good = "{\"model\": \"m\", \"simulated_ms\": 100, \"populations\": {\"E\": {\"n\": 2, \"spikes\": 1}}}"
        let cases: [(String, String, String)] = [
            ("huge-sender", "sender,time_ms\n2000000000,1.0\n", good),
            ("beyond-int32", "sender,time_ms\n9000000000,1.0\n", good),
            ("negative-sender", "sender,time_ms\n-5,1.0\n", good),
            ("zero-sender", "sender,time_ms\n0,1.0\n", good),
            ("fraction-sender", "sender,time_ms\n1.5,1.0\n", good),
            ("nan-time", "sender,time_ms\n1,nan\n", good),
            ("inf-time", "sender,time_ms\n1,inf\n", good),
            ("reversed-range", "sender,time_ms\n1,1.0\n", "{\"recorded\": {\"spikes\": {\"E\": [[50, 10]]}}}"),
            ("huge-range", "sender,time_ms\n1,1.0\n", "{\"recorded\": {\"spikes\": {\"E\": [[1, 1e300]]}}}"),
            ("wide-range", "sender,time_ms\n1,1.0\n", "{\"recorded\": {\"spikes\": {\"E\": [[1, 2000000000]]}}}"),
            ("negative-range", "sender,time_ms\n1,1.0\n", "{\"recorded\": {\"spikes\": {\"E\": [[-7, 3]]}}}"),
            ("bad-nodes", "sender,time_ms\n1,1.0\n", "{\"nodes\": [{\"name\": \"E\", \"model\": \"iaf_psc_alpha\", \"first_id\": -1, \"n\": 1e300}]}"),
            ("nodes-not-list", "sender,time_ms\n1,1.0\n", "{\"nodes\": 7}"),
            ("summary-array", "sender,time_ms\n1,1.0\n", "[1, 2]"),
            ("fields", "sender,time_ms\n1\n", good),
        ]
        for (name, csv, summary) in cases {
            try? FileManager.default.createDirectory(atPath: box.dir + "/" + name, withIntermediateDirectories: true)
            box.write(name + "/spikes.csv", csv)
            box.write(name + "/summary.json", summary)
            attempt(["view", name], in: box, timeout: 30)
            // An id of 2e9 is a valid 32-bit id: compare takes it (its memory follows the rows), view refuses it.
            attempt(["compare", name, name], in: box, code: name == "huge-sender" ? 0 : 2, timeout: 30)
        }
    }

    // MARK: command-line values

    func testCommandLineValuesAreOneLineWithTheDocumentedCode() {
        let box = Sandbox()
        for (args, says) in [(["run", "model.json", "--time", "-1"], ">= 0"), (["run", "model.json", "--time", "nan"], ">= 0"),
                             (["run", "model.json", "--time", "inf"], ">= 0"), (["run", "model.json", "--time", "9e15"], "at most"),
                             (["run", "model.json", "--time", "1e300"], "at most"), (["run", "model.json", "--time", "0.05"], "multiple of the resolution"),
                             (["run", "model.json", "--threads", "0"], "--threads"), (["run", "model.json", "--threads", "100000"], "--threads"),
                             (["run", "model.json", "--param", "x=1"], "x"), (["run", "model.json", "--param", "x=nan"], "NAME=NUMBER"),
                             (["bench", "--time", "nan"], ">= 0"), (["bench", "--time", "-5"], ">= 0"), (["bench", "--repeat", "0"], "--repeat"),
                             (["bench", "--param", "order=10,nan"], "NAME=NUMBER"), (["bench", "--param", "order=10,,20"], "NAME=NUMBER"),
                             (["bench", "--param", "order=1,2", "--param", "order=3"], "given twice"),
                             (["defaults", "nope"], "nope"), (["export", "model.json", "--to", "pynest", "--param", "x=1"], "x"),
                             (["run", "model.json", "--seed", "0", "--time", "1e16"], "at most")] {
            attempt(args, in: box, says: says, timeout: 60)
        }
        for args in [["run", "model.json", "--seed", "-1"], ["run", "model.json", "--threads", "x"], ["run"], ["run", "model.json", "--bogus"],
                     ["export", "model.json", "--to", "fortran"], ["compare", "a"]] {
            attempt(args, in: box, code: 64, timeout: 30)
        }
        let help = HostileInputTests.execute(["run", "--help"], cwd: box.dir, timeout: 30)
        XCTAssertEqual(help.code, 0)
        XCTAssertTrue(help.out.contains("--save-session"), help.out)
    }

    /// The memory guard takes the process's own limit (ulimit -v) into account, not only the machine's.
    func testMemoryGuardHonoursProcessLimits() {
        let box = Sandbox()
        let brunel = Binary.root + "/assets/brunel2000.json"
        for command in ["check", "run --time 1 --out o"] {
            attempt(["-c", "ulimit -v 1500000 && exec \"$0\" \(command) \"$1\" --param order=20000", Binary.path, brunel],
                    in: box, says: "GB", timeout: 60, executable: "/bin/sh")
        }
        XCTAssertFalse(box.exists("o"))
    }

    /// Hostile names and paths change nothing of what is computed: the same file gives the same
    /// bytes under a hostile name, with 1 or 3 threads, into a fresh folder or over an old run.
    func testOutputStaysDeterministicUnderHostileNames() {
        let box = Sandbox()
        box.write("plain.json", HostileInputTests.model(name: "plain", simulate: 200))
        box.write("evil.json", HostileInputTests.model(name: "../\"\"\"evil\n", simulate: 200))
        attempt(["run", "plain.json", "--out", "a", "--threads", "1"], in: box, code: 0)
        attempt(["run", "evil.json", "--out", "b", "--threads", "3"], in: box, code: 0)
        attempt(["run", "evil.json", "--out", "a", "--threads", "2"], in: box, code: 0)
        for f in ["spikes.csv", "vm.csv"] {
            XCTAssertEqual(box.read("a/" + f), box.read("b/" + f), f)
            XCTAssertTrue(box.read("a/" + f).count > 20, f)
        }
    }

    // MARK: tiny files that would exhaust stack or memory

    func testNestingAndAliasBombs() {
        let box = Sandbox()
        func param(_ expr: String) -> String { HostileInputTests.model(extraParams: ", \"V_m\": \(HostileInputTests.jsonString(expr))") }
        box.write("parens.json", param(String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000)))
        box.write("minus.json", param(String(repeating: "-", count: 200_001) + "70"))
        box.write("mixed.json", param(String(repeating: "-(", count: 30_000) + "1" + String(repeating: ")", count: 30_000)))
        box.write("arrays.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        box.write("objects.json", String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000))
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (prev, name) in zip("abcdefgh", "bcdefghi") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        box.write("bomb.yaml", bomb)
        box.write("anchor.yaml", "name: &n tiny\nnodes: []\nother: *n\n")
        box.write("flow.yaml", "nodes: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n")
        box.write("dashes.yaml", "nodes:\n" + String(repeating: "- ", count: 100_000) + "x\n")
        box.write("dupkey.yaml", "name: a\nname: b\nnodes: []\n")
        for f in ["parens.json", "mixed.json", "arrays.json", "objects.json", "bomb.yaml", "anchor.yaml", "flow.yaml", "dashes.yaml", "dupkey.yaml"] {
            attempt(["check", f], in: box, timeout: 30)
            attempt(["run", f, "--out", "o"], in: box, timeout: 30)
        }
        attempt(["check", "bomb.yaml"], in: box, says: "anchors", timeout: 30)
        attempt(["check", "dupkey.yaml"], in: box, says: "duplicate key 'name'", timeout: 30)
        attempt(["check", "parens.json"], in: box, says: "deeper than 100", timeout: 30)
        // 200,001 signs are legal arithmetic: read in a loop, not one call per sign.
        attempt(["check", "minus.json"], in: box, code: 0, timeout: 30)
    }

    // MARK: what errors echo

    func testErrorsEscapeControlCharactersAndCutLongQuotes() {
        let box = Sandbox()
        box.write("esc-key.json", HostileInputTests.model(extraParams: ", \"tau\\u001b[31m\\u0007\": 1"))
        box.write("esc-name.json", HostileInputTests.model(name: "x").replacingOccurrences(of: "\"name\": \"E\"", with: "\"name\": \"E\\u001b]0;pwned\\u0007\""))
        box.write("long-name.json", HostileInputTests.model(extraParams: ", \"" + String(repeating: "y", count: 5_000_000) + "\": 1"))
        box.write("long-expr.json", HostileInputTests.model(extraParams: ", \"V_m\": \"1 + " + String(repeating: "z", count: 5_000_000) + "\""))
        for f in ["esc-key.json", "esc-name.json", "long-name.json", "long-expr.json"] {
            attempt(["check", f], in: box, timeout: 30)
        }
        try? FileManager.default.createDirectory(atPath: box.dir + "/crlf", withIntermediateDirectories: true)
        box.write("crlf/spikes.csv", "sender,time_ms\r\n" + String(repeating: "1,2.0\r\n", count: 100_000))
        box.write("crlf/summary.json", "{}")
        try? FileManager.default.createDirectory(atPath: box.dir + "/escsv", withIntermediateDirectories: true)
        box.write("escsv/spikes.csv", "sender\u{1B}[31m,time_ms\u{07}\n1,2.0\n")
        attempt(["compare", "escsv", "escsv"], in: box, timeout: 30)
        let r = HostileInputTests.execute(["compare", "crlf", "crlf"], cwd: box.dir, timeout: 30)
        HostileInputTests.attempts += 1
        XCTAssertFalse(r.signaled || r.timedOut)
        XCTAssertLessThan(r.err.utf8.count, 1200, r.err.prefix(300).description)
    }
}
