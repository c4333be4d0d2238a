import Foundation
import ModelFiles
import NetCore

/// A session file: a readable, versioned JSON document holding everything needed to go on bit for
/// bit (the model as edited, seeds, time, dynamic state, command log), the workbench's choices,
/// provenance, and checksums. Connectivity is not stored: it is rebuilt from the model and the
/// network seed, and its checksum proves it came out the same.
///
/// Sections, in file order: format, version, model_name, time, provenance, workbench, seeds,
/// model, log, checksums, state, and optionally screen (the windows on screen, `ScreenHistory`). Checksums: `model` over seeds and model, `log` over the log,
/// `state_section` over time and state as written, `state` over the decoded dynamic state,
/// `connectivity` over every synapse.
public enum Snapshot {
    public static let format = "netview-session"
    /// 2: the iaf_psc models' V_m - E_L kept as is (`_V_rel`), so a resume is exact for any E_L.
    /// Version 1 files (no `_V_rel`) are read as before: V_m - E_L recomputed from V_m.
    /// 3: seeds name how normal values are drawn (`normals`); files without it drew them by
    /// Box-Muller, and rebuild their networks so.
    public static let version = 3
    public static let versionsRead: ClosedRange<Double> = 1...3
    public static let fileExtension = ".netview.json"

    /// `sessions/<slug>-<YYYYmmdd-HHMMSS>.netview.json` (`PathSlug` of the model's name), with a
    /// suffix if that name is taken.
    public static func defaultPath(model: String, in folder: String = "sessions", date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let stem = "\(folder)/\(PathSlug.make(model))-\(f.string(from: date))"
        var path = stem + fileExtension
        var k = 2
        while FileManager.default.fileExists(atPath: path) {
            path = "\(stem)-\(k)\(fileExtension)"
            k += 1
        }
        return path
    }

    /// Writes the session of `built` at its current time. `log` holds the commands since t = 0
    /// with the step each took effect; `edits` the parameter edits a rebuild applies.
    @discardableResult
    public static func save(built: BuiltModel, edits: [String], log: [(step: Int64, command: String)],
                            workbench: [String: String] = [:], screen: ScreenHistory? = nil, wallSeconds: Double, to path: String) throws -> Int {
        if let halted = built.kernel.halted {
            throw SnapshotError(path, "cannot save: the network stopped part way through a step (\(halted)); nothing was written")
        }
        return try save(built: built, edits: edits, log: log, workbench: workbench, screen: screen, wallSeconds: wallSeconds, to: path,
                 state: built.kernel.dynamicState())
    }

    /// The same with a given dynamic state: how the tests write a forged session whose checksums
    /// are all correct.
    @discardableResult
    static func save(built: BuiltModel, edits: [String], log: [(step: Int64, command: String)],
                     workbench: [String: String] = [:], screen: ScreenHistory? = nil, wallSeconds: Double, to path: String,
                     state: KernelState) throws -> Int {
        let k = built.kernel
        let stateValue = StateCoding.value(state, built: built)
        let time = Value.obj([("ms", .number(k.grid.ms(state.now))), ("steps", .int(state.now))])
        let seeds = seedsValue(k.seeds)
        let model = modelValue(built.model, edits: edits)
        let logValue = Value.arr(log.map {
            .obj([("step", .int($0.step)), ("time_ms", .number(k.grid.ms($0.step))), ("command", .string($0.command))])
        })
        let provenance = Provenance.current(wallSeconds: wallSeconds, threads: k.threads)
        var sums: [(String, Value)] = [
            ("model", .string(SessionJSON.hex(try roundTripChecksum(.obj([("seeds", seeds), ("model", model)]))))),
            ("log", .string(SessionJSON.hex(SessionJSON.checksum(logValue)))),
            ("connectivity", .string(SessionJSON.hex(k.connectivityChecksum()))),
            ("state", .string(SessionJSON.hex(state.checksum))),
            ("state_section", .string(SessionJSON.hex(SessionJSON.checksum(.obj([("time", time), ("state", stateValue)]))))),
        ]
        let screenValue = screen?.value
        if let v = screenValue { sums.append(("screen", .string(SessionJSON.hex(SessionJSON.checksum(v))))) }
        let checksums = Value.obj(sums)
        let doc = Value.obj([
            ("format", .string(format)),
            ("version", .int(version)),
            ("model_name", .string(built.model.name)),
            ("time", time),
            ("provenance", provenance.value),
            ("workbench", .obj(workbench.keys.sorted().map { ($0, .string(workbench[$0]!)) })),
            ("seeds", seeds),
            ("model", model),
            ("log", logValue),
            ("checksums", checksums),
            ("state", stateValue),
        ] + (screenValue.map { [("screen", $0)] } ?? []))
        let bytes = SessionJSON.render(doc)
        try AtomicFile.write(bytes, to: path)
        return bytes.count
    }

    static func seedsValue(_ s: Seeds) -> Value {
        // Seeds beyond 2^53 do not survive a JSON number: those are written as strings.
        func v(_ x: UInt64) -> Value { x <= 1 << 53 ? .int(x) : .string(String(x)) }
        return .obj([("network", v(s.network)), ("stimulus", v(s.stimulus)), ("state", v(s.state)),
                     ("normals", .string(s.normals.rawValue))])
    }

    static func modelValue(_ m: ModelFile, edits: [String]) -> Value {
        .obj([
            ("name", .string(m.name)),
            ("file", .string(m.path)),
            ("params", .obj(m.overrides.keys.sorted().map { ($0, .number(m.overrides[$0]!)) })),
            ("seed", m.seedOverride.map { $0 <= 1 << 53 ? .int($0) : .string(String($0)) } ?? .null),
            ("edits", .arr(edits.map { .string($0) })),
            ("document", m.document.value),
        ])
    }

    /// The checksum of a value as it reads back from its text (what `load` computes).
    static func roundTripChecksum(_ v: Value) throws -> UInt64 {
        SessionJSON.checksum(try Node.parseJSON(SessionJSON.render(v)).value)
    }
}

/// How a session was made: enough for a reader to know where its numbers came from.
public struct Provenance: Sendable {
    public var netview: String
    public var gitCommit: String?
    public var platform: String
    public var date: String
    public var wallSeconds: Double
    public var threads: Int

    static func current(wallSeconds: Double, threads: Int) -> Provenance {
        let f = ISO8601DateFormatter()
        return Provenance(netview: netviewVersion, gitCommit: buildCommit, platform: platformDescription(),
                          date: f.string(from: Date()), wallSeconds: wallSeconds, threads: threads)
    }

    var value: Value {
        var pairs: [(String, Value)] = [("netview", .string(netview))]
        if let c = gitCommit { pairs.append(("git_commit", .string(c))) }
        pairs += [("platform", .string(platform)), ("date", .string(date)),
                  ("wall_seconds", .number((wallSeconds * 1000).rounded() / 1000)), ("threads", .int(threads))]
        return .obj(pairs)
    }

    init(netview: String, gitCommit: String?, platform: String, date: String, wallSeconds: Double, threads: Int) {
        self.netview = netview
        self.gitCommit = gitCommit
        self.platform = platform
        self.date = date
        self.wallSeconds = wallSeconds
        self.threads = threads
    }

    init(_ node: Node?) {
        func s(_ k: String) -> String? { if case let .string(x)? = node?[k]?.value { return x }; return nil }
        func n(_ k: String) -> Double? { if case let .number(x)? = node?[k]?.value { return x }; return nil }
        self.init(netview: s("netview") ?? "?", gitCommit: s("git_commit"), platform: s("platform") ?? "?",
                  date: s("date") ?? "?", wallSeconds: n("wall_seconds") ?? 0, threads: Int(n("threads") ?? 1))
    }

    /// The commit of the package netview was built from, when git can tell.
    public static let buildCommit: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", root.path, "rev-parse", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        guard (try? git.run()) != nil else { return nil }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return git.terminationStatus == 0 && text.count == 40 ? text : nil
    }()
}

/// A session file that cannot be saved or loaded, in one line naming the part that is wrong.
public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String

    public init(_ file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "session file \(file): \(message)" }
}

/// Writes through a temporary file in the same folder, fsync and rename: a crash or a full disk
/// leaves the previous file as it was.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let existed = FileManager.default.fileExists(atPath: path)
        func failure(_ why: String) -> SnapshotError {
            SnapshotError(path, "cannot save: \(why); " + (existed ? "the previous file is unchanged" : "nothing was written"))
        }
        do { try SafeFile.checkReplaceable(path) } catch let e as SafeFile.Failure { throw failure("the path \(e.reason)") }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create the folder \(folder)")
        }
        SafeFile.removeStaleTemporaries(in: folder, prefix: ".", marker: "\(Snapshot.fileExtension).tmp-")
        let tmp = "\(folder)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw failure(String(cString: strerror(errno))) }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let why = String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(tmp)
            throw failure(why)
        }
        guard rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw failure(why)
        }
        // The rename itself reaches the disk once the folder is synced.
        let dir = open(folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}
