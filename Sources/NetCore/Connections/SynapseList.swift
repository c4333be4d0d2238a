/// One synapse as NEST's GetConnections lists it: source and target ids, weight, delay in ms.
public struct SynapseEntry: Equatable, Sendable {
    public let source: Int
    public let target: Int
    public let weight: Double
    public let delay: Double
}

extension Kernel {
    /// The synapses between neurons and from spike generators to neurons (NEST's GetConnections,
    /// without the device links), optionally only those from `sources` and to `targets`, by source
    /// block, then source, then target.
    public func synapses(from sources: NodeCollection? = nil, to targets: NodeCollection? = nil) -> [SynapseEntry] {
        let from = sources.map { Set($0.ids) }, to = targets.map { Set($0.ids) }
        var out: [SynapseEntry] = []
        for (b, projections) in outgoing.enumerated() {
            for p in projections {
                for s in 0..<p.sourceCount {
                    let source = blocks[b].firstID + s
                    if let from, !from.contains(source) { continue }
                    forEachSynapse(of: p, row: s, source: source, targets: to) { out.append(SynapseEntry(source: $0, target: $1, weight: $2, delay: $3)) }
                }
            }
        }
        return out
    }
}

extension Kernel {
    /// Visits every synapse and generator link that connect call `index` made (NEST's
    /// GetConnections for that call, device links to recorders and from meters left out): by
    /// source id, then target id; `sources` and `targets` restrict it. `body` gets source and
    /// target ids, weight, and delay in ms.
    public func forEachSynapse(ofConnection index: Int, sources: Set<Int>? = nil, targets: Set<Int>? = nil,
                               _ body: (Int, Int, Double, Double) -> Void) {
        let record = connections[index]
        let bySource = Dictionary(grouping: record.projections, by: \.sourceNode)
        for node in bySource.keys.sorted() {
            let projections = bySource[node]!.sorted { $0.targetPop < $1.targetPop }
            let first = blocks[node].firstID
            for s in 0..<projections[0].sourceCount {
                let source = first + s
                if let sources, !sources.contains(source) { continue }
                for p in projections { forEachSynapse(of: p, row: s, source: source, targets: targets, body) }
            }
        }
        for d in record.drives.sorted(by: { ($0.generatorNode, $0.targetPop) < ($1.generatorNode, $1.targetPop) }) {
            let source = devices[d.generatorNode].id
            if let sources, !sources.contains(source) { continue }
            let firstTarget = populations[d.targetPop].firstID
            for e in d.targets.indices {
                let target = firstTarget + Int(d.targets[e])
                if let targets, !targets.contains(target) { continue }
                body(source, target, d.weights[e], grid.ms(Int64(d.delays[e])))
            }
        }
    }

    /// The synapses of one source's row of a projection (to `targets` only, when given): source
    /// and target ids, weight, delay in ms.
    @inline(__always)
    private func forEachSynapse(of p: Projection, row s: Int, source: Int, targets: Set<Int>?,
                                _ body: (Int, Int, Double, Double) -> Void) {
        let firstTarget = populations[p.targetPop].firstID
        for k in p.offsets[s]..<p.offsets[s + 1] {
            let target = firstTarget + p.target(k)
            if let targets, !targets.contains(target) { continue }
            body(source, target, p.weights?[k] ?? p.weight, grid.ms(Int64(p.delaySteps(k))))
        }
    }

    /// Synapses and generator links connect call `index` made (recorder and meter links are not).
    public func listedSynapseCount(ofConnection index: Int) -> Int {
        let record = connections[index]
        return record.projections.reduce(0) { $0 + $1.synapseCount } + record.drives.reduce(0) { $0 + $1.targets.count }
    }
}

/// The smallest, largest and mean of numbers seen one at a time (the weights or delays of
/// listed synapses).
public struct RunningRange: Sendable {
    public private(set) var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, count = 0
    public init() {}
    public mutating func add(_ x: Double) {
        lo = min(lo, x)
        hi = max(hi, x)
        sum += x
        count += 1
    }
    public var mean: Double { sum / Double(count) }
    /// Every number seen was the same.
    public var isOneValue: Bool { lo == hi }
}
