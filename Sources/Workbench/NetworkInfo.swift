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
            func show(_ v: SynValue) -> String {
                switch v {
                case let .constant(x): return formatSig(x, 4)
                case let .random(d): return d.summary
                }
            }
            // The count first: a narrow pane cuts the end of the line.
            var line = "\(k): \(src) -> \(dst): \(rec.synapses) synapses, \(rec.rule), weight \(show(rec.weight)), delay \(show(rec.delay)) ms"
            // Degree histograms per entry, up to a network size where the walk stays quick.
            if b.kernel.synapseCount <= NetworkInfo.degreeLimit, b.kernel.listedSynapseCount(ofConnection: k) > 0 {
                let (ins, outs) = DegreeBins.of(b.kernel, connection: k)
                func h(_ d: [Int]) -> String {
                    let bins = DegreeBins(d)
                    return bins.lo == bins.hi ? "\(bins.lo) each" : "\(bins.sparkline) \(bins.lo)-\(bins.hi) (mean \(formatSig(bins.mean, 4)))"
                }
                line += "; in-degree \(h(ins)), out-degree \(h(outs))"
            }
            return line
        }
        hasBisection = b.model.bisection != nil
    }

    /// Above this many synapses the Network pane leaves degree histograms to `netview connections`.
    public static let degreeLimit = 2_000_000

    public var neuronCount: Int { populations.reduce(0) { $0 + $1.count } }

    public func population(of id: Int) -> Population? {
        populations.first { id >= $0.firstID && id < $0.firstID + $0.count }
    }

    /// A neuron by global id ("171") or as the command line names it ("RS[170]").
    public func cell(_ text: String) -> Int? {
        if let id = Int(text) { return population(of: id) != nil ? id : nil }
        guard text.hasSuffix("]"), let open = text.firstIndex(of: "["),
              let i = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]),
              let p = populations.first(where: { $0.name == String(text[..<open]) }), i >= 0, i < p.count else { return nil }
        return p.firstID + i
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
