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
            let block = blocks[b]
            for p in projections {
                let firstTarget = populations[p.targetPop].firstID
                for s in 0..<p.sourceCount {
                    let source = block.firstID + s
                    if let from, !from.contains(source) { continue }
                    for k in p.offsets[s]..<p.offsets[s + 1] {
                        let target = firstTarget + p.target(k)
                        if let to, !to.contains(target) { continue }
                        let steps = Int64(p.delaySteps(k))
                        out.append(SynapseEntry(source: source, target: target, weight: p.weights?[k] ?? p.weight,
                                                delay: grid.ms(steps)))
                    }
                }
            }
        }
        return out
    }
}
