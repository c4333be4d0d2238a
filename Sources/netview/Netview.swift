import ArgumentParser
import Foundation
import ModelFiles
import NetCore
import Session

@main
struct Netview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netview",
        abstract: "A terminal workbench for spiking neural networks, speaking NEST 3's language.",
        discussion: """
        With no command, opens the workbench (`netview [FILE]`). Model files are described in the README.
        Files: scenarios are read from ./assets, then $NETVIEW_HOME/assets, then the package's (here: \
        \(Home.packageRoot)/assets); sessions are listed from ./sessions and $NETVIEW_HOME/sessions and saved \
        to $NETVIEW_HOME/sessions when it is set, else to ./sessions.
        Exit codes: 0 success, 1 runtime error, 2 bad input (a model file, a value), 3 `compare` found a difference, 64 malformed command line.
        """,
        subcommands: [WorkbenchCommand.self, Run.self, Sweep.self, Bisect.self, Bench.self, Models.self, Defaults.self, Check.self, Sessions.self, Compare.self, Stats.self, Plot.self, Export.self, View.self, Connections.self],
        defaultSubcommand: WorkbenchCommand.self
    )

    /// As ArgumentParser's own `main`, but a malformed command line is one line on stderr (exit 64),
    /// like every other error; `--help` still prints the whole help.
    static func main() {
        noInteractiveCrashReports()
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print("netview \(netviewVersion) (commit \(Provenance.buildCommit ?? "unknown: not built from a git checkout"))")
            return
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let first = message(for: error).split(separator: "\n").first.map(String.init) ?? "malformed command line"
            FileHandle.standardError.write(Data("netview: \(oneLine(first)) (see netview COMMAND --help)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

/// Swift's runtime answers a crash on a terminal with an interactive report that holds the
/// terminal for 30 s, and Ctrl-\ with a report after which the program goes on. Ctrl-\ gets its
/// default action back (quit), and netview restarts itself once with SWIFT_BACKTRACE=interactive=no,
/// so a crash report is printed and the process ends (a user's own SWIFT_BACKTRACE is kept). The
/// workbench replaces these handlers with its own, which restore the screen first.
func noInteractiveCrashReports() {
    // Ctrl-\ quits, as it does any Unix program (the runtime would print a report and go on).
    signal(SIGQUIT, SIG_DFL)
    guard getenv("SWIFT_BACKTRACE") == nil else { return }
    setenv("SWIFT_BACKTRACE", "interactive=no", 1)
    // The executable's own path (not /proc/self/exe), so the process keeps its name in ps and pgrep.
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    execv(exe, CommandLine.unsafeArgv)  // returns only if the restart failed: go on as we are
}

/// Checks a length of model time given on the command line: a number of ms, not negative, within
/// the time grid's range and a multiple of the resolution (when it is known).
func checkTime(_ ms: Double, resolution: Double? = nil) throws {
    guard ms.isFinite, ms >= 0 else { throw fail("--time must be a number of ms >= 0, got \(formatNumber(ms))") }
    guard ms <= TimeGrid.maxTime else {
        throw fail("--time must be at most \(formatNumber(TimeGrid.maxTime)) ms (the range of the time grid), got \(formatNumber(ms))")
    }
    if let resolution, let grid = try? TimeGrid(resolution: resolution), !grid.isOnGrid(ms) {
        throw fail("--time \(formatNumber(ms)) is not a multiple of the resolution \(formatNumber(resolution)) ms")
    }
}

/// Reports an error in one line on stderr and exits with `code`.
func fail(_ message: String, code: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("netview: \(oneLine(message))\n".utf8))
    return ExitCode(code)
}

/// `--param NAME=VALUE` pairs.
func parseParams(_ items: [String]) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for item in items {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
            throw fail("--param expects NAME=NUMBER, got '\(item)'")
        }
        out[parts[0]] = v
    }
    return out
}

func loadModel(_ path: String, params: [String], seed: UInt64?) throws -> ModelFile {
    do {
        return try ModelFile.load(path: path, overrides: try parseParams(params), seed: seed)
    } catch let e as ModelFileError {
        throw fail(e.description)
    }
}

/// Where netview finds scenarios and sessions, and where it saves sessions (all absolute paths).
enum Home {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// $NETVIEW_HOME, when set.
    static var variable: String? {
        ProcessInfo.processInfo.environment["NETVIEW_HOME"].flatMap { $0.isEmpty ? nil : absolute($0) }
    }

    static func absolute(_ p: String) -> String {
        let full = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    /// Existing folders, each once (a link and its target count once), in order.
    static func unique(_ folders: [String]) -> [String] {
        var seen: Set<String> = [], out: [String] = []
        for f in folders where SafeFile.targetKind(f) == .folder {
            let real = URL(fileURLWithPath: f).resolvingSymlinksInPath().path
            if seen.insert(real).inserted { out.append(f) }
        }
        return out
    }

    /// Scenarios: ./assets, then $NETVIEW_HOME/assets, then the package's.
    static var scenarioFolders: [String] {
        unique([absolute("assets")] + (variable.map { [$0 + "/assets"] } ?? []) + [packageRoot + "/assets"])
    }

    /// Sessions: ./sessions and $NETVIEW_HOME/sessions.
    static var sessionFolders: [String] {
        unique([absolute("sessions")] + (variable.map { [$0 + "/sessions"] } ?? []))
    }

    /// Where the workbench saves sessions: $NETVIEW_HOME/sessions when set, else ./sessions.
    static var saveFolder: String { (variable ?? absolute(".")) + "/sessions" }

    /// A scenario by file name (`brunel2000` or `brunel2000.json`), from the first folder that has it.
    static func scenario(_ name: String) -> String? {
        let file = name.hasSuffix(".json") || name.hasSuffix(".yaml") ? name : name + ".json"
        return scenarioFolders.map { $0 + "/" + file }.first { SafeFile.targetKind($0) == .regular }
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models netview implements.")

    func run() throws {
        for spec in ModelCatalog.all {
            print("\(spec.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(spec.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(spec.doc)")
        }
    }
}

struct Defaults: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a model's defaults as JSON, with NEST's keys and values.")

    @Argument(help: "A model name, e.g. iaf_psc_alpha.") var model: String

    func run() throws {
        do {
            let d = try Kernel.defaults(of: model)
            print(JSONOut.obj(d.map { ($0.0, JSONOut($0.1)) }).render())
        } catch let e as NetError {
            throw fail(e.message)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a model file and say what it would build.")

    @Argument(help: "Model file (.json, .yaml).") var file: String
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []

    func run() throws {
        let m = try loadModel(file, params: params, seed: nil)
        let e = m.estimate()
        if e.bytes > availableMemory() {
            throw fail(String(format: "the network needs about %.1f GB, more than the %.1f GB this process may use", Double(e.bytes) / 1e9, Double(availableMemory()) / 1e9))
        }
        print("\(m.name): valid")
        print("  nodes: \(m.nodes.count) (\(e.neurons) neurons, \(e.devices) devices)")
        for n in m.nodes { print("    \(n.name): \(n.model) x \(n.n)") }
        print("  connections: \(m.connections.count), about \(e.synapses) synapses")
        print(String(format: "  memory: about %.1f MB; available %.1f GB", Double(e.bytes) / 1e6, Double(availableMemory()) / 1e9))
        print("  simulate: \(m.simulate) ms at resolution \(m.resolution) ms; seeds network \(m.seeds.network), stimulus \(m.seeds.stimulus), state \(m.seeds.state)")
        if let b = m.bisection { print("  bisection: \(b.node).\(b.param) in [\(b.lower), \(b.upper)] for \(b.target) Hz") }
    }
}
