import NetCore

/// Facts about a model that both netview and an exported script write into summary.json, so that
/// `netview compare` can group recorded cells by population and knows when spike times must match.
extension ModelFile {
    /// First global id of every node, in file order (NEST's `Create` numbering).
    public var firstIDs: [String: Int] {
        var next = 1
        var out: [String: Int] = [:]
        for n in nodes { out[n.name] = next; next += n.n }
        return out
    }

    /// No random draws reach the network: no Poisson input, no distributions, only the
    /// deterministic connection rules. Spike times of two simulators must then be equal.
    public var isDeterministic: Bool {
        if nodes.contains(where: { $0.model == "poisson_generator" }) { return false }
        for n in nodes {
            for p in n.params { if case .distribution = p.value { return false } }
            // iaf_psc_exp's escape noise draws from the stimulus streams.
            if n.model == "iaf_psc_exp", n.params.contains(where: { $0.key == "delta" && ($0.value.number ?? 0) > 1e-10 }) { return false }
        }
        for c in connections {
            switch c.conn.rule {
            case .allToAll, .oneToOne: break
            default: return false
            }
            if case .random = c.syn.weight { return false }
            if case .random = c.syn.delay { return false }
        }
        return true
    }

    /// Global ids of the neurons connected to each spike recorder, by population, as [lo, hi) ranges.
    public var recordedRanges: [(recorder: String, populations: [(name: String, ranges: [Range<Int>])])] {
        let first = firstIDs
        var out: [(String, [(String, [Range<Int>])])] = []
        for rec in nodes where rec.model == "spike_recorder" {
            var ids: [String: Set<Int>] = [:]
            for c in connections where c.target.contains(where: { $0.node == rec.name }) {
                for s in c.source {
                    guard let node = node(named: s.node), ModelCatalog.spec(node.model)?.kind == .neuron else { continue }
                    let r = s.range ?? 0..<node.n
                    ids[s.node, default: []].formUnion(r.map { first[s.node]! + $0 })
                }
            }
            let pops = nodes.filter { ids[$0.name] != nil }.map { ($0.name, idRuns(ids[$0.name]!.sorted())) }
            out.append((rec.name, pops))
        }
        return out
    }

    /// The keys every summary.json carries for `netview compare` and `netview view`: deterministic,
    /// nodes, recorded.
    public var comparisonFacts: [(String, JSONOut)] {
        let first = firstIDs
        return [
            ("deterministic", .bool(isDeterministic)),
            ("nodes", .arr(nodes.map { .obj([("name", .str($0.name)), ("model", .str($0.model)),
                                             ("first_id", .int(first[$0.name]!)), ("n", .int($0.n))]) })),
            ("recorded", .obj(recordedRanges.map { r in
                (r.recorder, .obj(r.populations.map { p in
                    (p.name, .arr(p.ranges.map { .arr([.int($0.lowerBound), .int($0.upperBound)]) }))
                }))
            })),
        ]
    }
}

/// Sorted ids as maximal runs of consecutive ids.
func idRuns(_ sorted: [Int]) -> [Range<Int>] {
    var out: [Range<Int>] = []
    for id in sorted {
        if let last = out.last, last.upperBound == id { out[out.count - 1] = last.lowerBound..<(id + 1) } else { out.append(id..<(id + 1)) }
    }
    return out
}
