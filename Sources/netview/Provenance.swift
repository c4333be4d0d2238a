import Foundation
import ModelFiles
import NetCore
import Session

/// How a run came about, for summary.json (run-specific keys, like `build_s`): the master seed,
/// the `--param` overrides, the file it was read from with its SHA-256, the command line and the
/// commit netview was built from.
enum RunProvenance {
    /// A run of a model file: the file read, its SHA-256 taken from the bytes parsed.
    static func keys(_ m: ModelFile) -> [(String, JSONOut)] {
        let file = m.sourceSHA256.map { ("model_file", JSONOut.obj([("path", .str(Home.absolute(m.path))), ("sha256", .str($0))])) }
        return keys(m, source: file)
    }

    /// A resumed run: the model's seed and overrides as saved, and the session it went on from
    /// (read when this is called: call it before a save can replace the file).
    static func keys(resumed m: ModelFile, session path: String, savedMs: Double) -> [(String, JSONOut)] {
        var file: [(String, JSONOut)] = [("path", .str(Home.absolute(path)))]
        if let data = try? SafeFile.read(path, maxBytes: Int.max) { file.append(("sha256", .str(SHA256.hex([UInt8](data))))) }
        file.append(("saved_ms", .num(savedMs)))
        return keys(m, source: ("session_file", .obj(file)))
    }

    private static func keys(_ m: ModelFile, source: (String, JSONOut)?) -> [(String, JSONOut)] {
        [("master_seed", seed(m.seed)),
         ("params", .obj(m.overrides.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) }))]
            + (source.map { [$0] } ?? []) + [("command_line", commandLine), ("commit", commit)]
    }

    /// Seeds up to 2^53 as numbers (exact in every JSON reader), larger ones as decimal strings.
    static func seed(_ s: UInt64) -> JSONOut { s <= 1 << 53 ? .int(Int(s)) : .str(String(s)) }

    /// The command line, and the commit netview was built from (null outside a git checkout).
    static var commandLine: JSONOut { .arr(CommandLine.arguments.map { .str($0) }) }
    static var commit: JSONOut { Provenance.buildCommit.map { .str($0) } ?? .null }
}
