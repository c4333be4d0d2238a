import Foundation
import Interop
import ModelFiles
import XCTest

/// Paths, temporary folders and the built binary for the interop tests.
enum Support {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let protocolFile = root + "/Tests/Fixtures/nest/iaf_psc_alpha_firing.json"

    static func temporaryFolder() -> String {
        let dir = NSTemporaryDirectory() + "netview-interop-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a model file in-process and writes its output folder as `netview run` does.
    @discardableResult
    static func run(_ path: String, into dir: String, params: [String: Double] = [:], seed: UInt64? = nil, ms: Double? = nil) throws -> ModelFile {
        let m = try ModelFile.load(path: path, overrides: params, seed: seed)
        let built = try m.build()
        let t = ms ?? m.simulate
        try built.kernel.simulate(t)
        try built.writeOutputs(to: dir, simulated: t, simulateSeconds: 0)
        return m
    }

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("netview").path
    }

    static func netview(_ args: [String]) -> (code: Int32, out: String, err: String) {
        process(binary, args)
    }

    static func process(_ exe: String, _ args: [String], env: [String: String]? = nil, cwd: String = root) -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        if let env { p.environment = env }
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return (-1, "", "\(error)") }
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Brunel exported to `target` (pynest or pynn) three ways into a new folder: base.py at order
    /// 60, edited.py the same with `g = 6.0` and `order = 80` written into its Python, and param.py
    /// exported with `--param order=80 --param g=6`. Returns the folder and base.py's text.
    static func brunelEditedInPython(to target: String) throws -> (dir: String, base: String) {
        let dir = temporaryFolder()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let brunel = root + "/assets/brunel2000.json"
        var r = netview(["export", brunel, "--to", target, "--param", "order=60", "-o", dir + "/base.py"])
        XCTAssertEqual(r.code, 0, r.err)
        let base = read(dir + "/base.py")
        let edits = [("\ng = 5.0\n", "\ng = 6.0\n"), ("\norder = 60.0  # --param order=60.0\n", "\norder = 80\n")]
        var edited = base
        for (old, new) in edits {
            XCTAssertTrue(edited.contains(old), "\(target): \(old)")
            edited = edited.replacingOccurrences(of: old, with: new)
        }
        write(edited, dir + "/edited.py")
        r = netview(["export", brunel, "--to", target, "--param", "order=80", "--param", "g=6", "-o", dir + "/param.py"])
        XCTAssertEqual(r.code, 0, r.err)
        return (dir, base)
    }

    /// A JSON value as text with sorted keys, for comparing two summaries' entries.
    static func canonical(_ x: Any?) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: x ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
    static func write(_ text: String, _ path: String) { _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) }

    /// The system's python3, if there is one.
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Compiles a script with python3 when there is one.
    static func assertValidPython(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let python else { return }
        let path = temporaryFolder() + "/script.py"
        write(text, path)
        let r = process(python, ["-m", "py_compile", path])
        XCTAssertEqual(r.code, 0, r.err, file: file, line: line)
    }
}
