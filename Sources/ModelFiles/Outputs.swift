import Foundation
import NetCore

public let netviewVersion = "0.1.0"

/// What a run produced, as summary.json reports it.
public struct RunSummary: Sendable {
    public var json: JSONOut
    public var populations: [(name: String, n: Int, spikes: Int, rate: Double)]
    public var activity: [(recorder: String, activity: Activity)]
}

extension BuiltModel {
    /// Spike counts and rates of every neuron node over `duration` ms.
    /// With `before` (the spike counts at the start of a period), over that period.
    public func populationRates(duration: Double, before: [Int]? = nil) -> [(name: String, n: Int, spikes: Int, rate: Double)] {
        neuronNodes.map { node in
            let c = ids[node.name]!
            let spikes = c.ids.reduce(0) { acc, id in acc + kernel.spikeCounts[id] - (before?[id] ?? 0) }
            return (node.name, c.count, spikes, duration > 0 ? Double(spikes) / Double(c.count) / (duration / 1000) : 0)
        }
    }

    /// The activity block of one spike recorder: its neurons grouped by node, over `duration` ms.
    public func activity(recorder name: String, duration: Double, since start: Double = 0) -> Activity? {
        guard let id = ids[name]?.ids.first, let rec = kernel.spikeRecorder(id) else { return nil }
        let sources = Set(rec.sourceIDs)
        var cells: [(String, [Int])] = []
        for node in neuronNodes {
            let mine = ids[node.name]!.ids.filter { sources.contains($0) }
            if !mine.isEmpty { cells.append((node.name, mine)) }
        }
        // The neurons' spikes only: a generator connected to the recorder is recorded, not measured.
        let neurons = Set(cells.flatMap(\.1))
        let from = kernel.grid.steps(start)
        let keep = rec.senders.indices.filter { neurons.contains(Int(rec.senders[$0])) && rec.stamps[$0] > from }
        let senders = keep.count == rec.senders.count ? rec.senders : keep.map { rec.senders[$0] }
        let times = (keep.count == rec.senders.count ? rec.stamps : keep.map { rec.stamps[$0] }).map { kernel.grid.ms($0) - start }
        return Activity.compute(cells: cells, senders: senders, times: times, duration: duration)
    }

    /// Writes `R.csv` per recorder and summary.json as one run folder (`RunFolder`): the folder
    /// holds the previous run until the new one is complete.
    @discardableResult
    public func writeOutputs(to dir: String, simulated: Double, simulateSeconds: Double, since start: Int64 = 0,
                             countsAtStart: [Int]? = nil, extra: [(String, JSONOut)] = []) throws -> RunSummary {
        try writeOutputs(into: try RunFolder(dir), simulated: simulated, simulateSeconds: simulateSeconds, since: start,
                         countsAtStart: countsAtStart, extra: extra)
    }

    /// The same, into a run folder already checked and locked (`netview run` takes it before simulating).
    @discardableResult
    public func writeOutputs(into folder: RunFolder, simulated: Double, simulateSeconds: Double, since start: Int64 = 0,
                             countsAtStart: [Int]? = nil, extra: [(String, JSONOut)] = []) throws -> RunSummary {
        var summary: RunSummary?
        try folder.commit { dir in
            try writeRecorders(to: dir, since: start)
            let s = makeSummary(simulated: simulated, simulateSeconds: simulateSeconds, since: start, countsAtStart: countsAtStart,
                                extra: extra)
            try writeAtomically(s.json.render() + "\n", to: "\(dir)/summary.json")
            summary = s
        }
        return summary!
    }

    func writeRecorders(to dir: String, since start: Int64) throws {
        for node in model.nodes where ModelCatalog.spec(node.model)?.kind == .recorder {
            let id = ids[node.name]!.ids[0]
            var out = recorderHeader(id)
            out += recorderRows(id, after: start, upTo: kernel.now)
            try writeAtomically(out, to: "\(dir)/\(node.name).csv")
        }
    }

    /// The header line of recorder `id`'s CSV file.
    public func recorderHeader(_ id: Int) -> String {
        if let m = kernel.multimeter(id) { return "sender,time_ms" + m.recordFrom.map { "," + $0 }.joined() + "\n" }
        return "sender,time_ms\n"
    }

    /// The CSV rows of recorder `id` stamped in (after, upTo], in time then sender order.
    public func recorderRows(_ id: Int, after start: Int64, upTo end: Int64) -> String {
        let grid = kernel.grid
        var out = ""
        if let r = kernel.spikeRecorder(id) {
            var order = Array(r.senders.indices).filter { r.stamps[$0] > start && r.stamps[$0] <= end }
            order.sort { (r.stamps[$0], r.senders[$0]) < (r.stamps[$1], r.senders[$1]) }
            out.reserveCapacity(order.count * 16)
            for i in order { out += "\(r.senders[i]),\(grid.ms(r.stamps[i]))\n" }
        } else if let m = kernel.multimeter(id) {
            let rows = m.rows.filter { $0.stamp > start && $0.stamp <= end }.sorted { ($0.stamp, $0.sender) < ($1.stamp, $1.sender) }
            out.reserveCapacity(rows.count * 24 * (1 + m.recordFrom.count))
            for row in rows {
                out += "\(row.sender),\(grid.ms(row.stamp))"
                for v in row.values { out += ",\(v)" }
                out += "\n"
            }
        }
        return out
    }

    /// The summary of a run; with `countsAtStart` (the spike counts at step `start`), rates and
    /// activity are over (start, now] rather than since t = 0 and `t_start_ms` says where the
    /// period starts; `activitySince` (ms) starts the
    /// activity block later, where the recorders no longer hold the earlier events.
    public func makeSummary(simulated: Double, simulateSeconds: Double, since start: Int64 = 0, countsAtStart: [Int]? = nil,
                            activitySince: Double? = nil, extra: [(String, JSONOut)] = []) -> RunSummary {
        let from = countsAtStart == nil ? 0 : kernel.grid.ms(start)
        let pops = populationRates(duration: kernel.time - from, before: countsAtStart)
        let actFrom = max(from, activitySince ?? from)
        var acts: [(String, Activity)] = []
        for r in spikeRecorders {
            if let a = activity(recorder: r.name, duration: kernel.time - actFrom, since: actFrom) { acts.append((r.name, a)) }
        }
        let seeds = kernel.seeds
        let conns: [JSONOut] = zip(model.connections, kernel.connections).map { spec, rec in
            .obj([("source", JSONOut(spec.sourceText)), ("target", JSONOut(spec.targetText)), ("rule", .str(rec.rule)),
                  ("synapses", .int(rec.synapses)),
                  ("indegree", .obj([("min", .int(rec.indegree.min)), ("mean", .num(rec.indegree.mean)), ("max", .int(rec.indegree.max))])),
                  ("outdegree", .obj([("min", .int(rec.outdegree.min)), ("mean", .num(rec.outdegree.mean)), ("max", .int(rec.outdegree.max))]))])
        }
        var fields: [(String, JSONOut)] = [
            ("model", .str(model.name)),
            ("simulated_ms", .num(simulated)),
            ("resolution", .num(kernel.grid.resolution)),
            ("seeds", .obj([("network", .int(Int(seeds.network))), ("stimulus", .int(Int(seeds.stimulus))), ("state", .int(Int(seeds.state))),
                            ("normals", .str(seeds.normals.rawValue))])),
            ("threads", .int(kernel.threads)),
            ("populations", .obj(pops.map { ($0.name, .obj([("n", .int($0.n)), ("spikes", .int($0.spikes)), ("rate_hz", .num($0.rate))])) })),
            ("synapses", .int(kernel.synapseCount)),
            ("connections", .arr(conns)),
            ("activity", .obj(acts.map { ($0.0, $0.1.json) })),
            ("build_s", .num(buildSeconds)),
            ("simulate_s", .num(simulateSeconds)),
            ("realtime_factor", .num(simulateSeconds > 0 ? simulated / 1000 / simulateSeconds : 0)),
            ("peak_memory_mb", .num(peakMemoryMB())),

            ("version", .str(netviewVersion)),
            ("platform", .str(platformDescription())),
        ]
        if countsAtStart != nil { fields.append(("t_start_ms", .num(from))) }
        fields += model.comparisonFacts + extra
        return RunSummary(json: .obj(fields), populations: pops, activity: acts)
    }
}

/// Writes a file through a temporary file in the same folder and a rename.
public func writeAtomically(_ text: String, to path: String) throws {
    do { try SafeFile.checkReplaceable(path) } catch let e as SafeFile.Failure {
        throw ModelFileError(file: path, path: "", line: 0, message: "cannot write: the path \(e.reason)")
    }
    let url = URL(fileURLWithPath: path)
    SafeFile.removeStaleTemporaries(in: url.deletingLastPathComponent().path, prefix: url.lastPathComponent + ".tmp-")
    let tmp = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8)) else {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        let why = FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue
            ? "cannot write the file (disk full or no permission?)" : "cannot write the file: no folder \(folder)"
        throw ModelFileError(file: path, path: "", line: 0, message: why)
    }
    let fd = open(tmp, O_RDONLY)
    if fd >= 0 { fsync(fd); close(fd) }
    if rename(tmp, path) != 0 {
        unlink(tmp)
        throw ModelFileError(file: path, path: "", line: 0, message: "cannot move the file into place: \(String(cString: strerror(errno)))")
    }
}

public func platformDescription() -> String {
    var cpu = "unknown CPU"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
       let name = line.split(separator: ":", maxSplits: 1).last {
        cpu = name.trimmingCharacters(in: .whitespaces)
    }
    var uts = utsname()
    uname(&uts)
    let sys = withUnsafeBytes(of: &uts.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let rel = withUnsafeBytes(of: &uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    return "\(sys) \(rel) \(machine), \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}
