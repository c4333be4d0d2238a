/// NEST 3's `conn_spec`: a connection rule and its parameters.
public struct ConnSpec: Equatable, Sendable {
    public enum Rule: Equatable, Sendable {
        case allToAll
        case oneToOne
        case fixedIndegree(Int)
        case fixedOutdegree(Int)
        case fixedTotalNumber(Int)
        case pairwiseBernoulli(p: Double, maxIndegree: Int?)
    }

    public var rule: Rule
    public var allowAutapses: Bool
    public var allowMultapses: Bool

    public init(_ rule: Rule = .allToAll, allowAutapses: Bool = true, allowMultapses: Bool = true) {
        self.rule = rule
        self.allowAutapses = allowAutapses
        self.allowMultapses = allowMultapses
    }

    public var ruleName: String {
        switch rule {
        case .allToAll: return "all_to_all"
        case .oneToOne: return "one_to_one"
        case .fixedIndegree: return "fixed_indegree"
        case .fixedOutdegree: return "fixed_outdegree"
        case .fixedTotalNumber: return "fixed_total_number"
        case .pairwiseBernoulli: return "pairwise_bernoulli"
        }
    }

    public static let ruleNames = ["all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree",
                                   "fixed_total_number", "pairwise_bernoulli"]
}

/// A weight or a delay: one number for the whole group, or a distribution drawn per synapse.
public enum SynValue: Equatable, Sendable {
    case constant(Double)
    case random(Distribution)
}

/// NEST 3's `syn_spec` for `static_synapse`.
public struct SynSpec: Equatable, Sendable {
    public var weight: SynValue
    public var delay: SynValue

    public init(weight: SynValue = .constant(1), delay: SynValue = .constant(1)) {
        self.weight = weight
        self.delay = delay
    }

    public init(weight: Double, delay: Double) {
        self.init(weight: .constant(weight), delay: .constant(delay))
    }
}

/// What one `connect` call made: the numbers PrintNetwork and summary.json report.
public struct ConnectionRecord: Sendable {
    public var rule: String
    public var synapses: Int
    public var indegree: (min: Int, mean: Double, max: Int)
    public var outdegree: (min: Int, mean: Double, max: Int)
    public var weight: SynValue
    public var delay: SynValue
    /// Index of the projections and drives this call made, for live weight edits.
    var projections: [Projection] = []
    var drives: [Drive] = []
}

extension ConnSpec {
    /// Whether NEST lets this rule connect to a device that has no proxies (a spike_recorder):
    /// all_to_all and one_to_one do. The random rules are refused as soon as they would make a
    /// connection there: pairwise_bernoulli only then (a call that draws none is accepted, with no
    /// connection, as in NEST), the others always (`mayReachDevices`).
    public var reachesDevices: Bool {
        switch rule {
        case .allToAll, .oneToOne: return true
        case .pairwiseBernoulli, .fixedIndegree, .fixedOutdegree, .fixedTotalNumber: return false
        }
    }

    /// Whether the call may be tried onto a spike_recorder at all (refused later if it draws a link).
    public var mayReachDevices: Bool {
        if case .pairwiseBernoulli = rule { return true }
        return reachesDevices
    }

    /// NEST's words when a rule cannot reach a device.
    public static let noProxiesMessage = illegal("Cannot use this rule to connect to nodes without proxies (usually devices).")

    /// NEST's words for a connection it refuses, with the reason.
    public static func illegal(_ reason: String) -> String {
        "IllegalConnection: Creation of connection is not possible because: \(reason)"
    }
}
