import Foundation
import ModelFiles
import NetCore

/// A session read back: the network rebuilt and put at its saved time, with what the session knew.
public struct LoadedSession: @unchecked Sendable {
    public let path: String
    /// The network at the saved time, state restored.
    public let built: BuiltModel
    public let edits: [String]
    public let log: [(step: Int64, command: String)]
    public let workbench: [String: String]
    public let provenance: Provenance
    public let savedStep: Int64
    public let seeds: Seeds
    public let stateChecksum: UInt64
    /// The windows on screen when it was saved, if the file has them and they check out.
    public var screen: ScreenHistory?

    public var savedTime: Double { built.kernel.grid.ms(savedStep) }

    /// The state reached by rebuilding the model and replaying the log from t = 0: each command
    /// at the step it took effect, then on to the saved time.
    public func replayed(threads: Int? = nil) throws -> KernelState {
        let fresh = try built.model.build(threads: threads, seeds: seeds)
        let k = fresh.kernel
        func advance(to step: Int64) throws {
            guard step >= k.now else { throw SnapshotError(path, "the log goes back in time at step \(step)") }
            if step > k.now { try k.simulate(k.grid.ms(step - k.now)) }
        }
        for (step, command) in log {
            try advance(to: step)
            let cmd: SessionCommand
            do { cmd = try SessionCommand.parse(command) } catch {
                throw SnapshotError(path, "replay cannot repeat '\(command)' from the log")
            }
            switch cmd {
            case .set, .weight: _ = try fresh.apply(cmd)
            // A model parameter's edit is in the model section (its overrides) already.
            case .simulate, .step, .get, .getWeight, .defaults, .models, .help, .record, .window, .setParameter, .zoom, .connections: break
            case .reset, .seed: throw SnapshotError(path, "replay cannot repeat '\(command)' (it restarts the log)")
            }
        }
        try advance(to: savedStep)
        return k.dynamicState()
    }
}

extension Snapshot {
    /// Reads a session file and rebuilds its network at the saved time. Refuses a truncated,
    /// edited or incompatible file with one line naming the part that is wrong; nothing is
    /// returned half-loaded.
    public static func load(path: String, threads: Int? = nil) throws -> LoadedSession {
        let maxBytes = 4 << 30
        func fail(_ message: String) -> SnapshotError { SnapshotError(path, message) }
        let data: Data
        do { data = try SafeFile.read(path, maxBytes: maxBytes) } catch let e as SafeFile.Failure { throw fail(e.reason) }
        if data.isEmpty { throw fail("the file is empty") }
        let root: Node
        do { root = try Node.parseJSON([UInt8](data)) } catch let e as JSONSyntaxError {
            throw fail(e.truncated ? "truncated JSON at line \(e.line) (the file ends before the document does)"
                                   : "malformed JSON at line \(e.line), column \(e.column): \(e.message)")
        }
        guard case .string(format)? = root["format"]?.value else { throw fail("not a netview session (no \"format\": \"\(format)\")") }
        guard case let .number(v)? = root["version"]?.value else { throw fail("missing version") }
        guard versionsRead.contains(v), v == v.rounded() else {
            throw fail("unsupported version \(SessionJSON.number(v)) (this netview reads versions 1 and \(version))")
        }

        func section(_ key: String) throws -> Node {
            guard let n = root[key] else { throw fail("missing section '\(key)'") }
            return n
        }
        func checksum(_ key: String) throws -> UInt64 {
            guard case let .string(s)? = try section("checksums")[key]?.value, let x = UInt64(s, radix: 16) else {
                throw fail("checksums section has no valid '\(key)'")
            }
            return x
        }
        let seedsNode = try section("seeds"), modelNode = try section("model"), logNode = try section("log")
        let timeNode = try section("time"), stateNode = try section("state")
        guard SessionJSON.checksum(.obj([("seeds", seedsNode.value), ("model", modelNode.value)])) == (try checksum("model")) else {
            throw fail("model section does not match its checksum (the model or its seeds were edited)")
        }
        guard SessionJSON.checksum(logNode.value) == (try checksum("log")) else {
            throw fail("log section does not match its checksum (the command log was edited)")
        }
        guard SessionJSON.checksum(.obj([("time", timeNode.value), ("state", stateNode.value)])) == (try checksum("state_section")) else {
            throw fail("state checksum mismatch (the state section was edited or corrupted)")
        }

        let state: KernelState
        do { state = try StateCoding.state(from: stateNode) } catch let e as StateCoding.Malformed {
            throw fail("state section is malformed at state.\(e.path)")
        }
        guard state.checksum == (try checksum("state")) else {
            throw fail("state checksum mismatch (the saved state does not decode to the state that was saved)")
        }
        guard case let .number(steps)? = timeNode["steps"]?.value, Int64(exactly: steps) == state.now else {
            throw fail("time section does not match the state's time")
        }

        let seeds = try readSeeds(seedsNode, fail)
        var (model, edits) = try readModel(modelNode, fail)
        model.normals = seeds.normals
        let log = try readLog(logNode, fail)

        let built: BuiltModel
        do { built = try model.build(threads: threads, seeds: seeds) } catch {
            throw fail("model section: \(error)")
        }
        // As a restart in the workbench does: edits that no longer apply are skipped, and the
        // connectivity and state checks below catch any difference they make.
        for e in edits {
            if let c = try? SessionCommand.parse(e) { _ = try? built.apply(c) }
        }
        guard built.kernel.connectivityChecksum() == (try checksum("connectivity")) else {
            throw fail("connectivity rebuilt from the model differs from the saved one")
        }
        do { try built.kernel.restoreDynamicState(state) } catch {
            throw fail("the state does not fit the model: \(error)")
        }
        var workbench: [String: String] = [:]
        if case let .object(pairs)? = root["workbench"]?.value {
            for p in pairs { if case let .string(s) = p.value.value { workbench[p.key] = s } }
        }
        // The screen section is display only: one that fails its checksum or its checks is left out.
        var screen: ScreenHistory?
        if let node = root["screen"], case let .string(s)? = root["checksums"]?["screen"]?.value,
           UInt64(s, radix: 16) == SessionJSON.checksum(node.value) {
            let ids = built.neuronNodes.compactMap { built.ids[$0.name]?.ids }.flatMap { $0 }
            if let lo = ids.min(), let hi = ids.max() {
                screen = ScreenHistory.read(node, now: built.kernel.time, neurons: lo...hi)
            }
        }
        return LoadedSession(path: path, built: built, edits: edits, log: log, workbench: workbench,
                             provenance: Provenance(root["provenance"]), savedStep: state.now, seeds: seeds,
                             stateChecksum: state.checksum, screen: screen)
    }

    private static func uint64(_ n: Node?) -> UInt64? {
        switch n?.value {
        case let .number(x)?: return x >= 0 ? UInt64(exactly: x) : nil
        case let .string(s)?: return UInt64(s)
        default: return nil
        }
    }

    private static func readSeeds(_ n: Node, _ fail: (String) -> SnapshotError) throws -> Seeds {
        guard let network = uint64(n["network"]), let stimulus = uint64(n["stimulus"]), let state = uint64(n["state"]) else {
            throw fail("seeds section needs network, stimulus and state as non-negative integers")
        }
        // Sessions saved before version 3 drew normal values by Box-Muller.
        var normals = NormalDraws.boxMuller
        if let n = n["normals"] {
            guard case let .string(text) = n.value, let method = NormalDraws(rawValue: text) else {
                throw fail("seeds.normals must be one of \(NormalDraws.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
            }
            normals = method
        }
        return Seeds(network: network, stimulus: stimulus, state: state, normals: normals)
    }

    private static func readModel(_ n: Node, _ fail: (String) -> SnapshotError) throws -> (ModelFile, [String]) {
        guard case let .string(file)? = n["file"]?.value, let document = n["document"] else {
            throw fail("model section needs 'file' and 'document'")
        }
        var overrides: [String: Double] = [:]
        if case let .object(pairs)? = n["params"]?.value {
            for p in pairs {
                guard case let .number(x) = p.value.value else { throw fail("model section: params.\(p.key) must be a number") }
                overrides[p.key] = x
            }
        }
        var seed: UInt64?
        if let s = n["seed"], s.value != .null {
            guard let x = uint64(s) else { throw fail("model section: seed must be a non-negative integer") }
            seed = x
        }
        var edits: [String] = []
        if case let .array(items)? = n["edits"]?.value {
            for item in items {
                guard case let .string(e) = item.value else { throw fail("model section: edits must be strings") }
                edits.append(e)
            }
        }
        let text = String(decoding: SessionJSON.render(document.value), as: UTF8.self)
        do {
            return (try ModelFile.parse(text: text, file: file, overrides: overrides, seed: seed), edits)
        } catch {
            throw fail("model section: \(error)")
        }
    }

    private static func readLog(_ n: Node, _ fail: (String) -> SnapshotError) throws -> [(step: Int64, command: String)] {
        guard case let .array(items) = n.value else { throw fail("log section must be an array") }
        return try items.enumerated().map { i, item in
            guard case let .number(s)? = item["step"]?.value, let step = Int64(exactly: s),
                  case let .string(c)? = item["command"]?.value else {
                throw fail("log[\(i)] needs a step and a command")
            }
            return (step, c)
        }
    }
}
