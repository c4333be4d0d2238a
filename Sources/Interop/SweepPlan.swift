import Foundation
import ModelFiles
import NetCore

/// One parameter of a sweep and the values it takes.
public struct SweepAxis: Equatable, Sendable {
    public var name: String
    public var values: [Double]

    /// `NAME=START:STOP:STEP` (the end included when the steps land on it), `NAME=A,B,C` or `NAME=V`.
    public static func parse(_ text: String) throws -> SweepAxis {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { throw SweepError("--param expects NAME=START:STOP:STEP, NAME=A,B,C or NAME=VALUE, got '\(text)'") }
        let name = parts[0], spec = parts[1]
        func number(_ s: Substring) throws -> Double {
            guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw SweepError("--param \(name): '\(s)' is not a finite number")
            }
            return v
        }
        if spec.contains(":") {
            let r = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard r.count == 3 else { throw SweepError("--param \(name): a range is START:STOP:STEP, got '\(spec)'") }
            let start = try number(r[0]), stop = try number(r[1]), step = try number(r[2])
            guard step > 0 else { throw SweepError("--param \(name): the step must be > 0, got \(formatNumber(step))") }
            guard stop >= start else { throw SweepError("--param \(name): the range ends (\(formatNumber(stop))) before it starts (\(formatNumber(start)))") }
            let steps = ((stop - start) / step * (1 + 1e-12)).rounded(.down)
            guard steps < Double(SweepPlan.maxRuns) else { throw SweepError("--param \(name): more than \(SweepPlan.maxRuns) values") }
            // Values as a person would write them: 0.1 + 2 * 0.1 is 0.3, not 0.30000000000000004.
            let values = (0...Int(steps)).map { Double(String(format: "%.12g", start + Double($0) * step))! }
            return SweepAxis(name: name, values: values)
        }
        let values = try spec.split(separator: ",", omittingEmptySubsequences: false).map(number)
        guard Set(values).count == values.count else { throw SweepError("--param \(name): a value is listed twice in '\(spec)'") }
        return SweepAxis(name: name, values: values)
    }
}

public struct SweepError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// What a sweep runs: every point of the grid (the product of the axes, the first varying
/// slowest) with every seed, each as one single-threaded `netview run`. A sweep's folder keeps
/// its plan (`sweep-plan.json`) so that a resumed sweep or a merge of shards runs and joins the
/// same grid.
public struct SweepPlan: Equatable, Sendable {
    public static let fileName = "sweep-plan.json"
    public static let maxRuns = 1_000_000

    public var model: String
    public var modelSHA256: String
    /// `--param NAME=VALUE` held fixed.
    public var fixed: [String: Double]
    public var axes: [SweepAxis]
    public var seeds: [UInt64]
    public var timeMs: Double
    /// Shard K of N (K from 1): the points whose index is K - 1 modulo N.
    public var shard: (k: Int, n: Int) = (1, 1)

    public static func == (a: SweepPlan, b: SweepPlan) -> Bool {
        a.sameGrid(as: b) && a.shard == b.shard
    }

    public init(model: String, modelSHA256: String, fixed: [String: Double], axes: [SweepAxis], seeds: [UInt64], timeMs: Double) {
        (self.model, self.modelSHA256, self.fixed, self.axes, self.seeds, self.timeMs) = (model, modelSHA256, fixed, axes, seeds, timeMs)
    }

    /// The same runs of the same file, whatever the shard.
    public func sameGrid(as b: SweepPlan) -> Bool {
        modelSHA256 == b.modelSHA256 && fixed == b.fixed && axes == b.axes && seeds == b.seeds && timeMs == b.timeMs
    }

    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The axis values of point `i` (the last axis varies fastest).
    public func point(_ i: Int) -> [Double] {
        var rest = i, out = [Double](repeating: 0, count: axes.count)
        for a in axes.indices.reversed() {
            out[a] = axes[a].values[rest % axes[a].values.count]
            rest /= axes[a].values.count
        }
        return out
    }

    /// The points this shard runs.
    public var points: [Int] { (0..<pointCount).filter { $0 % shard.n == shard.k - 1 } }

    /// A run's folder name under `runs/`: its point and seed.
    public func runName(point: Int, seed: UInt64) -> String {
        let width = String(max(1, pointCount - 1)).count
        let p = String(point)
        return "p" + String(repeating: "0", count: max(0, width - p.count)) + p + "-s\(seed)"
    }

    /// `--param` overrides of a run: the fixed ones, then the point's.
    public func overrides(point: Int) -> [(String, Double)] {
        var out = fixed.filter { f in !axes.contains { $0.name == f.key } }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        out += zip(axes.map(\.name), self.point(point)).map { ($0, $1) }
        return out
    }

    /// `1-100`, `1,2,5`, `7`, or a mix (`1-3,9`).
    public static func parseSeeds(_ text: String) throws -> [UInt64] {
        var out: [UInt64] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let a = UInt64(ends[0]), let b = UInt64(ends.last!), a <= b else {
                throw SweepError("--seeds expects seeds and ranges like 1-100 or 1,2,5, got '\(text)'")
            }
            guard b - a < UInt64(maxRuns), out.count + Int(b - a) < maxRuns else { throw SweepError("--seeds: more than \(maxRuns) seeds") }
            out += Array(a...b)
        }
        guard Set(out).count == out.count else { throw SweepError("--seeds lists a seed twice: '\(text)'") }
        return out
    }

    // MARK: the plan file

    public var json: JSONOut {
        .obj([
            ("format", .str("netview-sweep-plan")), ("version", .int(1)),
            ("model", .str(model)), ("model_sha256", .str(modelSHA256)),
            ("fixed", .obj(fixed.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })),
            ("axes", .arr(axes.map { a in .obj([("name", .str(a.name)), ("values", .arr(a.values.map { .num($0) }))]) })),
            ("seeds", .arr(seeds.map { $0 <= 1 << 53 ? .int(Int($0)) : .str(String($0)) })),
            ("time_ms", .num(timeMs)), ("shard", .arr([.int(shard.k), .int(shard.n)])),
        ])
    }

    /// Reads a plan written by `json`; anything else is refused in one line.
    public static func read(_ path: String) throws -> SweepPlan {
        let data: Data
        do { data = try SafeFile.read(path, maxBytes: 64 << 20) } catch { throw SweepError("\(path): cannot read the sweep plan (\(error))") }
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any], o["format"] as? String == "netview-sweep-plan" else {
            throw SweepError("\(path) is not a netview sweep plan")
        }
        func bad(_ what: String) -> SweepError { SweepError("\(path): the sweep plan's \(what) is missing or malformed") }
        func num(_ x: Any?) -> Double? { (x as? NSNumber).map(\.doubleValue).flatMap { $0.isFinite ? $0 : nil } }
        guard let model = o["model"] as? String, let sha = o["model_sha256"] as? String else { throw bad("model") }
        guard let fixedRaw = o["fixed"] as? [String: Any] else { throw bad("fixed") }
        var fixed: [String: Double] = [:]
        for (k, v) in fixedRaw { guard let d = num(v) else { throw bad("fixed") }; fixed[k] = d }
        guard let axesRaw = o["axes"] as? [[String: Any]] else { throw bad("axes") }
        let axes = try axesRaw.map { a -> SweepAxis in
            guard let name = a["name"] as? String, let vs = a["values"] as? [Any], !vs.isEmpty else { throw bad("axes") }
            return SweepAxis(name: name, values: try vs.map { guard let d = num($0) else { throw bad("axes") }; return d })
        }
        guard let seedsRaw = o["seeds"] as? [Any], !seedsRaw.isEmpty else { throw bad("seeds") }
        let seeds = try seedsRaw.map { s -> UInt64 in
            if let str = s as? String, let v = UInt64(str) { return v }
            guard let n = s as? NSNumber, let v = UInt64(exactly: n.doubleValue) else { throw bad("seeds") }
            return v
        }
        guard let t = num(o["time_ms"]), t >= 0 else { throw bad("time_ms") }
        guard let sh = o["shard"] as? [Int], sh.count == 2, sh[1] >= 1, (1...sh[1]).contains(sh[0]) else { throw bad("shard") }
        var plan = SweepPlan(model: model, modelSHA256: sha, fixed: fixed, axes: axes, seeds: seeds, timeMs: t)
        plan.shard = (sh[0], sh[1])
        guard plan.pointCount * seeds.count <= maxRuns else { throw bad("size") }
        return plan
    }
}
