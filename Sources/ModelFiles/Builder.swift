import Foundation
import NetCore

/// A kernel built from a model file, with the file's names for its nodes.
public final class BuiltModel: @unchecked Sendable {
    /// The model as the network runs it (a live edit of a model parameter replaces it).
    public var model: ModelFile
    public let kernel: Kernel
    /// Ids of every node of the file, by name.
    public let ids: [String: NodeCollection]
    public let buildSeconds: Double

    /// Every node's first id, size and name, in id order: the table `name(of:)` searches.
    private let blocks: [(first: Int, count: Int, name: String)]

    init(model: ModelFile, kernel: Kernel, ids: [String: NodeCollection], buildSeconds: Double) {
        self.model = model
        self.kernel = kernel
        self.ids = ids
        self.buildSeconds = buildSeconds
        blocks = model.nodes.compactMap { n in ids[n.name].flatMap { c in c.ids.first.map { ($0, c.count, n.name) } } }
            .sorted { $0.first < $1.first }
    }

    /// The file's name of the node holding `id`, with its index inside that node (a binary
    /// search: listings call it once per synapse).
    public func name(of id: Int) -> (node: String, index: Int)? {
        var lo = 0, hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blocks[mid].first <= id { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let b = blocks[lo - 1]
        return id < b.first + b.count ? (b.name, id - b.first) : nil
    }

    public func selection(_ s: Selection) -> NodeCollection {
        let all = ids[s.node]!
        return s.range.map { all[$0] } ?? all
    }

    public var neuronNodes: [NodeSpec] { model.nodes.filter { ModelCatalog.spec($0.model)?.kind == .neuron } }
    public var spikeRecorders: [NodeSpec] { model.nodes.filter { $0.model == "spike_recorder" } }
}

/// Estimates of what a model file builds, before building it.
public struct BuildEstimate: Sendable {
    public var neurons: Int
    public var devices: Int
    public var synapses: Int
    public var bytes: Int
}

extension ModelFile {
    public func estimate() -> BuildEstimate {
        var neurons = 0, devices = 0
        var sizes: [String: Int] = [:]
        for n in nodes {
            sizes[n.name] = n.n
            if ModelCatalog.spec(n.model)?.kind == .neuron { neurons += n.n } else { devices += n.n }
        }
        var synapses = 0, bytes = 0
        for c in connections {
            let ns = c.source.reduce(0) { $0 + ($1.range?.count ?? sizes[$1.node]!) }
            let nt = c.target.reduce(0) { $0 + ($1.range?.count ?? sizes[$1.node]!) }
            let k: Int
            switch c.conn.rule {
            case .allToAll: k = ns.multipliedReportingOverflow(by: nt).overflow ? Int.max / 64 : ns * nt
            case .oneToOne: k = nt
            case let .fixedIndegree(d): k = d * nt
            case let .fixedOutdegree(d): k = d * ns
            case let .fixedTotalNumber(n): k = n
            case let .pairwiseBernoulli(p, cap): k = Int(min(Double(cap ?? Int.max), p * Double(ns) + 1) * Double(nt))
            }
            synapses = synapses > Int.max / 2 - k ? Int.max / 2 : synapses + k
            var per = 4
            if case .random = c.syn.weight { per += 8 }
            if case .random = c.syn.delay { per += 2 }
            bytes = bytes > Int.max / 4 - k * per / 2 ? Int.max / 4 : bytes + k * per + ns * 8
        }
        bytes += neurons * 400
        return BuildEstimate(neurons: neurons, devices: devices, synapses: synapses, bytes: bytes)
    }

    /// Builds the network: Create per node in file order, Connect per entry.
    public func build(threads: Int? = nil, seeds: Seeds? = nil, memoryLimit: Int? = nil) throws -> BuiltModel {
        let start = Date()
        let est = estimate()
        let limit = memoryLimit ?? availableMemory()
        if est.bytes > limit {
            throw ModelFileError(file: path, path: "", line: 0, message: String(
                format: "the network is too large for this machine: about %.1f GB needed (%d neurons, %d synapses), %.1f GB available",
                Double(est.bytes) / 1e9, est.neurons, est.synapses, Double(limit) / 1e9))
        }
        let kernel: Kernel
        do {
            kernel = try Kernel(resolution: resolution, seeds: seeds ?? self.seeds, threads: threads ?? self.threads)
        } catch let e as NetError {
            throw ModelFileError(file: path, path: "kernel", line: 0, message: e.message)
        }
        var ids: [String: NodeCollection] = [:]
        for (i, n) in nodes.enumerated() {
            do {
                let made = try kernel.create(n.model, n: n.n, params: Dictionary(n.params.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
                for s in n.slices {
                    try kernel.setStatus(made[s.range], Dictionary(s.params.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
                }
                ids[n.name] = made
            } catch let e as NetError {
                throw ModelFileError(file: path, path: "nodes[\(i)]", line: document["nodes"].flatMap(line(ofItem: i)) ?? 0, message: e.description)
            }
        }
        for (i, c) in connections.enumerated() {
            let pre = c.source.reduce(NodeCollection([])) { $0 + select($1, ids) }
            let post = c.target.reduce(NodeCollection([])) { $0 + select($1, ids) }
            do {
                try kernel.connect(pre, post, c.conn, c.syn)
            } catch let e as NetError {
                throw ModelFileError(file: path, path: "connections[\(i)]", line: document["connections"].flatMap(line(ofItem: i)) ?? 0,
                                     message: e.description)
            }
        }
        return BuiltModel(model: self, kernel: kernel, ids: ids, buildSeconds: Date().timeIntervalSince(start))
    }

    private func select(_ s: Selection, _ ids: [String: NodeCollection]) -> NodeCollection {
        let all = ids[s.node]!
        return s.range.map { all[$0] } ?? all
    }

    private func line(ofItem i: Int) -> (Node) -> Int? {
        { node in
            if case let .array(items) = node.value, i < items.count { return items[i].line }
            return nil
        }
    }
}

/// Memory this process may still use: MemAvailable on Linux.
public func availableMemory() -> Int {
    var limits: [Int] = []
    if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) {
        limits.append((line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024)
    } else {
        limits.append(Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }
    // The process's own limits (ulimit -v, -d), less what it already uses.
    let used = currentMemory()
    for resource in [RLIMIT_AS, RLIMIT_DATA] {
        var r = rlimit()
        if getrlimit(__rlimit_resource_t(resource.rawValue), &r) == 0, r.rlim_cur != rlim_t.max {
            limits.append(max(0, Int(clamping: r.rlim_cur) - (resource == RLIMIT_AS ? used.virtual : used.data)))
        }
    }
    // The cgroup's (v2) memory.max, less its memory.current.
    if let cgroup = cgroupMemoryLeft() { limits.append(cgroup) }
    return limits.min() ?? 0
}

/// Virtual and data-segment sizes of this process in bytes (VmSize, VmData).
func currentMemory() -> (virtual: Int, data: Int) {
    var v = 0, d = 0
    if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in text.split(separator: "\n") {
            let kb = (line.split(separator: " ").compactMap { Int($0) }.first ?? 0) * 1024
            if line.hasPrefix("VmSize:") { v = kb } else if line.hasPrefix("VmData:") { d = kb }
        }
    }
    return (v, d)
}

/// What the process's cgroup (v2) still allows: memory.max less memory.current, or nil without a limit.
func cgroupMemoryLeft() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
    let dir = "/sys/fs/cgroup" + line.dropFirst(3)
    func read(_ name: String) -> Int? {
        (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    guard let max = read("memory.max") else { return nil }  // "max": no limit
    return Swift.max(0, max - (read("memory.current") ?? 0))
}

/// Peak resident memory of this process in MB (VmHWM on Linux).
public func peakMemoryMB() -> Double {
    if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
    }
    var usage = rusage()
    getrusage(0, &usage)
    return Double(usage.ru_maxrss) / 1024
}
