import Foundation
import ModelFiles

/// One recorder's CSV: `sender,time_ms[,columns...]`, rows sorted by time then sender.
public struct RecorderTable: Sendable {
    public var name: String
    public var columns: [String]
    public var senders: [Int]
    public var times: [Double]
    /// Values of the columns after sender and time_ms, row by row (empty for spike recorders).
    public var values: [[Double]]

    public var isSpikes: Bool { columns.isEmpty }
}

/// A finished output folder in netview's format, from netview, an exported script or anything
/// that follows `model-files.md`. Accepted files:
/// - `R.csv` per recorder, or `R.rank-K.csv` per MPI rank (merged, re-sorted by time then sender);
///   both forms for one recorder is an error;
/// - `summary.json`, or `summary.rank-K.json` per rank (population spike counts summed).
public struct OutputFolder {
    public var path: String
    public var recorders: [String: RecorderTable]
    public var summary: [String: Any]?

    public static func read(_ path: String) throws -> OutputFolder {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw InteropError("\(path): no such output folder")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        var parts: [String: [String]] = [:]
        var whole: Set<String> = []
        for f in files where f.hasSuffix(".csv") {
            let stem = String(f.dropLast(4))
            if let (name, _) = rankSplit(stem) { parts[name, default: []].append(f) } else { whole.insert(stem); parts[stem, default: []].append(f) }
        }
        var recorders: [String: RecorderTable] = [:]
        for (name, list) in parts {
            if whole.contains(name) && list.count > 1 {
                throw InteropError("\(path): both \(name).csv and per-rank \(name).rank-K.csv files; keep one form")
            }
            var merged: RecorderTable?
            for f in list {
                let t = try readCSV("\(path)/\(f)", name: name)
                if var m = merged {
                    guard m.columns == t.columns else {
                        throw InteropError("\(path)/\(f): columns \(t.columns) differ from the other ranks' \(m.columns)")
                    }
                    m.senders += t.senders; m.times += t.times; m.values += t.values
                    merged = m
                } else { merged = t }
            }
            if var m = merged, list.count > 1 {
                let order = m.senders.indices.sorted { (m.times[$0], m.senders[$0]) < (m.times[$1], m.senders[$1]) }
                m.senders = order.map { m.senders[$0] }
                m.times = order.map { m.times[$0] }
                if !m.values.isEmpty { m.values = order.map { m.values[$0] } }
                merged = m
            }
            recorders[name] = merged
        }
        let summary = try readSummary(path, files: files)
        // Rank files left by an earlier run with more processes would be merged into wrong rates.
        if let processes = summary?["processes"], number(processes) >= 1 {
            let expected = Int(number(processes))
            for (name, list) in parts where !whole.contains(name) {
                let ks = Set(list.compactMap { rankSplit(String($0.dropLast(4)))?.1 })
                guard ks == Set(0..<expected) || (expected == 1 && ks.isEmpty) else {
                    throw InteropError("\(path): \(name) has files for ranks \(ks.sorted()) but the summary says \(expected) process\(expected == 1 ? "" : "es"); remove the files of the earlier run")
                }
            }
            if expected > 1, let single = parts.keys.first(where: { whole.contains($0) }) {
                throw InteropError("\(path): \(single).csv from a single-process run beside a summary of \(expected) processes; remove the files of the earlier run")
            }
        }
        return OutputFolder(path: path, recorders: recorders, summary: summary)
    }

    /// `R.rank-3` -> (`R`, 3).
    static func rankSplit(_ stem: String) -> (String, Int)? {
        guard let r = stem.range(of: ".rank-", options: .backwards), let k = Int(stem[r.upperBound...]), k >= 0 else { return nil }
        return (String(stem[..<r.lowerBound]), k)
    }

    static func readCSV(_ file: String, name: String) throws -> RecorderTable {
        let data: Data
        do { data = try SafeFile.read(file) } catch let e as SafeFile.Failure { throw InteropError(e.description) }
        let text = String(decoding: data, as: UTF8.self)
        // Lines end in LF or CRLF ("\r\n" is one Character, so it is matched as a newline, not as "\n").
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last == "" { lines.removeLast() }
        guard let head = lines.first else { throw InteropError("\(file): empty file, expected a header 'sender,time_ms,...'") }
        let header = head.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.count >= 2, header[0] == "sender", header[1] == "time_ms" else {
            throw InteropError("\(file):1: header must start with 'sender,time_ms', got '\(head)'")
        }
        var t = RecorderTable(name: name, columns: Array(header.dropFirst(2)), senders: [], times: [], values: [])
        t.senders.reserveCapacity(lines.count); t.times.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated().dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == header.count else {
                throw InteropError("\(file):\(i + 1): expected \(header.count) fields, got \(f.count)")
            }
            guard let s = Int(f[0]), let time = Double(f[1]) else {
                throw InteropError("\(file):\(i + 1): sender must be an integer and time_ms a number, got '\(line)'")
            }
            guard (1...OutputFolder.maxID).contains(s) else {
                throw InteropError("\(file):\(i + 1): sender \(s) is not a node id (1 to \(OutputFolder.maxID))")
            }
            guard time.isFinite else { throw InteropError("\(file):\(i + 1): time_ms \(f[1]) is not a finite number") }
            t.senders.append(s); t.times.append(time)
            if header.count > 2 {
                var row: [Double] = []
                for v in f.dropFirst(2) {
                    guard let x = Double(v) else { throw InteropError("\(file):\(i + 1): '\(v)' is not a number") }
                    row.append(x)
                }
                t.values.append(row)
            }
        }
        return t
    }

    static func readSummary(_ path: String, files: [String]) throws -> [String: Any]? {
        let single = files.contains("summary.json") ? ["summary.json"] : []
        let ranks = files.filter { $0.hasPrefix("summary.rank-") && $0.hasSuffix(".json") }
        if !single.isEmpty && !ranks.isEmpty { throw InteropError("\(path): both summary.json and summary.rank-K.json files; keep one form") }
        var merged: [String: Any]?
        var seenRanks: Set<Int> = []
        for f in single + ranks {
            let data: Data
            do { data = try SafeFile.read("\(path)/\(f)", maxBytes: 64 << 20) } catch let e as SafeFile.Failure { throw InteropError(e.description) }
            guard let obj = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any] else {
                throw InteropError("\(path)/\(f): not a JSON object")
            }
            if f != "summary.json", let (_, k) = rankSplit(String(f.dropLast(5))) { seenRanks.insert(k) }
            guard var m = merged else { merged = obj; continue }
            // Each rank counts the spikes of its own neurons and its own synapses; n is the whole
            // population everywhere; times are the slowest rank's, memory the sum.
            var pops = m["populations"] as? [String: Any] ?? [:]
            for (name, v) in obj["populations"] as? [String: Any] ?? [:] {
                guard var mine = pops[name] as? [String: Any], let other = v as? [String: Any] else { pops[name] = v; continue }
                mine["spikes"] = number(mine["spikes"]) + number(other["spikes"])
                pops[name] = mine
            }
            m["populations"] = pops
            m["synapses"] = number(m["synapses"]) + number(obj["synapses"])
            if var conns = m["connections"] as? [[String: Any]], let others = obj["connections"] as? [[String: Any]], conns.count == others.count {
                for i in conns.indices { conns[i]["synapses"] = number(conns[i]["synapses"]) + number(others[i]["synapses"]) }
                m["connections"] = conns
            }
            for key in ["build_s", "simulate_s"] { m[key] = max(number(m[key]), number(obj[key])) }
            m["peak_memory_mb"] = number(m["peak_memory_mb"]) + number(obj["peak_memory_mb"])
            merged = m
        }
        if !ranks.isEmpty, var m = merged {
            // Per-rank summaries carry each rank's share: the rates are the merged counts'.
            let expected = Int(number(m["processes"]))
            if expected > 0 && seenRanks != Set(0..<expected) {
                throw InteropError("\(path): summary.rank-K.json files for ranks \(seenRanks.sorted()) but the run had \(expected) processes")
            }
            var pops = m["populations"] as? [String: Any] ?? [:]
            let ms = number(m["simulated_ms"])
            for (name, v) in pops {
                guard var p = v as? [String: Any] else { continue }
                let n = number(p["n"]), spikes = number(p["spikes"])
                p["rate_hz"] = n > 0 && ms > 0 ? spikes / n / (ms / 1000) : 0
                pops[name] = p
            }
            m["populations"] = pops
            m["rank"] = nil
            merged = m
        }
        if let merged { try checkFacts(merged, "\(path)/\(single.first ?? ranks.first!)") }
        return merged
    }

    /// Node ids go up to this (NEST's and netview's ids are 32-bit).
    public static let maxID = Int(Int32.max)
    /// The most cells a summary's `recorded` ranges may name in all.
    public static let maxRecordedCells = 20_000_000

    /// The summary keys that name ids (`nodes`, `recorded`) must hold integers in range, so that
    /// nothing read later allocates or converts beyond what the data itself holds.
    static func checkFacts(_ s: [String: Any], _ file: String) throws {
        func id(_ v: Any?, _ what: String, lowest: Int) throws -> Int {
            let x = number(v)
            guard v != nil, x.isFinite, x == x.rounded(), x >= Double(lowest), x <= Double(maxID) + 1 else {
                throw InteropError("\(file): \(what) must be an integer from \(lowest) to \(maxID), got \(v.map { "\($0)" } ?? "nothing")")
            }
            return Int(x)
        }
        if let nodes = s["nodes"] {
            guard let list = nodes as? [[String: Any]] else { throw InteropError("\(file): 'nodes' must be a list of objects") }
            for (i, n) in list.enumerated() {
                let first = try id(n["first_id"], "nodes[\(i)].first_id", lowest: 1)
                let count = try id(n["n"], "nodes[\(i)].n", lowest: 0)
                guard first + count <= maxID + 1 else { throw InteropError("\(file): nodes[\(i)] runs past id \(maxID)") }
            }
        }
        if let recorded = s["recorded"] {
            guard let recs = recorded as? [String: Any] else { throw InteropError("\(file): 'recorded' must be an object") }
            var total = 0
            for (rec, pops) in recs {
                guard let pops = pops as? [String: Any] else { throw InteropError("\(file): recorded.\(rec) must be an object") }
                for (pop, ranges) in pops {
                    guard let ranges = ranges as? [[Any]] else { throw InteropError("\(file): recorded.\(rec).\(pop) must be a list of [first, end] pairs") }
                    for r in ranges {
                        guard r.count == 2 else { throw InteropError("\(file): recorded.\(rec).\(pop) holds a range that is not a [first, end] pair") }
                        let a = try id(r[0], "recorded.\(rec).\(pop) first", lowest: 1), b = try id(r[1], "recorded.\(rec).\(pop) end", lowest: 1)
                        guard a <= b else { throw InteropError("\(file): recorded.\(rec).\(pop) holds the reversed range [\(a), \(b)]") }
                        total += b - a
                        guard total <= maxRecordedCells else {
                            throw InteropError("\(file): 'recorded' names more than \(maxRecordedCells) cells")
                        }
                    }
                }
            }
        }
    }
}

func number(_ v: Any?) -> Double {
    if let x = v as? Double { return x }
    if let x = v as? Int { return Double(x) }
    if let x = v as? NSNumber { return x.doubleValue }
    return 0
}

extension OutputFolder {
    /// True when `path` holds recorder files or a summary itself.
    static func isOutputFolder(_ path: String) -> Bool {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return files.contains { $0.hasSuffix(".csv") || ($0.hasPrefix("summary") && $0.hasSuffix(".json")) }
    }

    /// An output folder, or a folder of runs (one output folder per subfolder, e.g. one per seed),
    /// read in natural name order (`seed-2` before `seed-10`).
    public static func readRuns(_ path: String) throws -> [OutputFolder] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw InteropError("\(path): no such output folder")
        }
        if isOutputFolder(path) { return [try read(path)] }
        let subs = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { isOutputFolder("\(path)/\($0)") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        guard !subs.isEmpty else {
            throw InteropError("\(path): no recorder files, no summary.json and no subfolder of runs that has them")
        }
        return try subs.map { try read("\(path)/\($0)") }
    }
}
