import ModelFiles
import NetCore

/// What the widgets need to know about the network, taken once per build.
public struct NetworkInfo: Sendable {
    public struct Population: Sendable {
        public var name: String
        public var model: String
        public var firstID: Int
        public var count: Int
        public var color: Color

        public init(name: String, model: String, firstID: Int, count: Int, color: Color) {
            self.name = name
            self.model = model
            self.firstID = firstID
            self.count = count
            self.color = color
        }
    }

    public var name: String
    public var populations: [Population]
    public var connections: [String]
    public var hasBisection: Bool

    public static let palette: [Color] = [.cyan, .red, .green, .yellow, .magenta, .blue, .white]

    public init(name: String, populations: [Population], connections: [String] = [], hasBisection: Bool = false) {
        self.name = name
        self.populations = populations
        self.connections = connections
        self.hasBisection = hasBisection
    }

    public init(_ b: BuiltModel) {
        name = b.model.name
        populations = b.neuronNodes.enumerated().map { k, n in
            let ids = b.ids[n.name]!
            return Population(name: n.name, model: n.model, firstID: ids.ids[0], count: ids.count,
                              color: NetworkInfo.palette[k % NetworkInfo.palette.count])
        }
        connections = zip(b.model.connections, b.kernel.connections).enumerated().map { k, pair in
            let (spec, rec) = pair
            let src = spec.source.map(\.text).joined(separator: ","), dst = spec.target.map(\.text).joined(separator: ",")
            let w: String
            switch spec.syn.weight {
            case let .constant(x): w = formatNumber(x)
            case let .random(d): w = d.summary
            }
            return "\(k): \(src) -> \(dst) \(rec.rule) w \(w): \(rec.synapses) syn"
        }
        hasBisection = b.model.bisection != nil
    }

    public var neuronCount: Int { populations.reduce(0) { $0 + $1.count } }

    public func population(of id: Int) -> Population? {
        populations.first { id >= $0.firstID && id < $0.firstID + $0.count }
    }

    /// Ordinal of a neuron among all neurons (0-based), for raster rows.
    public func ordinal(of id: Int) -> Int? {
        var base = 0
        for p in populations {
            if id >= p.firstID && id < p.firstID + p.count { return base + id - p.firstID }
            base += p.count
        }
        return nil
    }
}
