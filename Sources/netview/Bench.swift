import ArgumentParser
import Foundation
import ModelFiles

/// The one way speed is quoted in this project: each scenario built and run in a fresh process,
/// several times, with the medians.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark scenarios: build and simulate seconds, real-time factor, events per second, ns per event, peak memory.",
        discussion: "Each repetition runs `netview run` in a new process, so peak memory is the run's own. Example: netview bench brunel2000 --param order=1000 --repeat 3; an order-of-growth table: netview bench potjans2014 --param scale=0.1,0.25,0.5,1 --threads 2")

    @Argument(help: "Scenario names in assets/ or model files (default: every file in assets/).") var scenarios: [String] = []
    @Option(parsing: .unconditional, help: "Model time per run in ms (default: each file's simulate).") var time: Double?
    @Option(help: "Worker threads.") var threads: Int = 1
    @Option(help: "Repetitions per scenario.") var `repeat`: Int = 3
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE, or NAME=V1,V2,... for a row per value (repeatable: a row per combination; scenarios without the parameter are skipped).") var params: [String] = []
    @Option(help: "Master seed.") var seed: UInt64?
    @Flag(help: "Print the results as JSON.") var json = false

    struct Sample {
        var build, simulate, memory, events, synapses, connBytes, simulated: Double
    }

    func run() throws {
        guard self.repeat >= 1, self.repeat <= 100 else { throw fail("--repeat must be within 1...100") }
        guard threads >= 1, threads <= 256 else { throw fail("--threads must be within 1...256") }
        if let time { try checkTime(time) }
        let lists = try Bench.parseLists(params)
        // Every combination of the listed values, the first parameter's values outermost.
        var combos: [[String]] = [[]]
        for (name, values) in lists {
            combos = combos.flatMap { c in values.map { c + ["\(name)=\($0)"] } }
        }
        guard combos.count <= 100 else { throw fail("--param lists make \(combos.count) combinations (at most 100)") }
        var files = scenarios.map { s -> String in
            if FileManager.default.fileExists(atPath: s) { return s }
            return Home.scenario(s) ?? s
        }
        if files.isEmpty, let dir = Home.scenarioFolders.first {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted().map { dir + "/" + $0 }
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var table: [(String, [Sample])] = []
        for file in files {
            let m = try loadModel(file, params: [], seed: nil)
            let missing = lists.map(\.name).filter { k in !m.parameters.contains { $0.name == k } }
            if !missing.isEmpty {
                if !json { print("\(m.name): skipped (no parameter \(missing.joined(separator: ", ")))") }
                continue
            }
            for combo in combos {
                table.append((([m.name] + combo).joined(separator: " "), try samples(file, m, combo, exe)))
            }
        }
        report(table)
    }

    /// `--param` items as (name, values), a value list written V1,V2,...; every value checked.
    static func parseLists(_ items: [String]) throws -> [(name: String, values: [String])] {
        var out: [(name: String, values: [String])] = []
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw fail("--param expects NAME=NUMBER or NAME=N1,N2,..., got '\(item)'") }
            let values = parts[1].split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            for v in values { _ = try parseParams(["\(parts[0])=\(v)"]) }
            guard !out.contains(where: { $0.name == parts[0] }) else { throw fail("--param \(parts[0]) is given twice") }
            out.append((parts[0], values))
        }
        return out
    }

    /// The repetitions of one scenario with one combination of parameter values.
    func samples(_ file: String, _ m: ModelFile, _ combo: [String], _ exe: String) throws -> [Sample] {
        var samples: [Sample] = []
        for _ in 0..<self.repeat {
            let out = NSTemporaryDirectory() + "netview-bench-\(UUID().uuidString)"
            defer {
                try? FileManager.default.removeItem(atPath: out)
                try? FileManager.default.removeItem(atPath: RunFolder.lockPath(out))
            }
            var args = ["run", file, "--out", out, "--quiet", "--threads", "\(threads)", "--bench-stats", out + "/bench.json"]
            if let time { args += ["--time", "\(time)"] }
            if let seed { args += ["--seed", "\(seed)"] }
            for p in combo { args += ["--param", p] }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0,
                  let data = FileManager.default.contents(atPath: out + "/summary.json"),
                  let s = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw fail("\(m.name): the run failed (exit \(p.terminationStatus))", code: 1)
            }
            let extra = FileManager.default.contents(atPath: out + "/bench.json")
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
            func d(_ k: String) -> Double { ((s[k] ?? extra[k]) as? NSNumber)?.doubleValue ?? 0 }
            samples.append(Sample(build: d("build_s"), simulate: d("simulate_s"), memory: d("peak_memory_mb"),
                                  events: d("delivered_events"), synapses: d("synapses"), connBytes: d("connectivity_bytes"),
                                  simulated: d("simulated_ms")))
        }
        return samples
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func report(_ table: [(String, [Sample])]) {
        if json {
            let rows: [JSONOut] = table.map { name, ss in
                .obj([("scenario", .str(name)), ("threads", .int(threads)), ("runs", .int(ss.count)),
                      ("build_s", .num(median(ss.map(\.build)))), ("simulate_s", .num(median(ss.map(\.simulate)))),
                      ("simulated_ms", .num(ss[0].simulated)),
                      ("seconds_per_model_second", .num(median(ss.map { $0.simulate / max($0.simulated / 1000, 1e-12) }))),
                      ("events", .num(ss[0].events)), ("ns_per_event", .num(median(ss.map { $0.events > 0 ? $0.simulate / $0.events * 1e9 : 0 }))),
                      ("peak_memory_mb", .num(median(ss.map(\.memory)))), ("synapses", .num(ss[0].synapses)),
                      ("connectivity_bytes_per_synapse", .num(ss[0].synapses > 0 ? ss[0].connBytes / ss[0].synapses : 0)),
                      ("simulate_s_all", .arr(ss.map { .num($0.simulate) }))])
            }
            print(JSONOut.arr(rows).render())
            return
        }
        print("medians of \(self.repeat) runs, \(threads) thread(s), each in a new process")
        print("scenario                          build s  simulate s  s/model s  x real time   events/s  ns/event  peak MB  B/synapse")
        for (name, ss) in table {
            let sim = median(ss.map(\.simulate)), model = ss[0].simulated / 1000
            let ev = ss[0].events
            print(String(name.prefix(32)).padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: " %8.2f %11.2f %10.2f %12.2f %10.3g %9.2f %8.0f %10.1f",
                         median(ss.map(\.build)), sim, sim / max(model, 1e-12), model / max(sim, 1e-12),
                         ev / max(sim, 1e-12), ev > 0 ? sim / ev * 1e9 : 0, median(ss.map(\.memory)),
                         ss[0].synapses > 0 ? ss[0].connBytes / ss[0].synapses : 0))
        }
    }
}
