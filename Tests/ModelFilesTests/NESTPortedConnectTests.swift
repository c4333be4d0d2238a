import Foundation
import NetCore
import XCTest

/// NEST 3.10's connection-rule tests (testsuite/pytests/connect/test_connect_*.py and the tests of
/// their base class connect_test_base.py), ported for the six rules netview has, read back through
/// `Kernel.synapses` (NEST's GetConnections). Parts about synapse models, receptor ports, arrays of
/// weights and make_symmetric are out (netview has static synapses and scalar or random values).
final class NESTPortedConnectTests: XCTestCase {
    /// A rule as NEST's test class sets it up: the rule and the class's N1, N2.
    struct Case {
        let name: String
        let rule: ConnSpec.Rule
        let n1: Int, n2: Int
    }

    static let cases = [
        Case(name: "all_to_all", rule: .allToAll, n1: 6, n2: 7),
        Case(name: "one_to_one", rule: .oneToOne, n1: 6, n2: 6),
        Case(name: "fixed_indegree", rule: .fixedIndegree(10), n1: 50, n2: 70),
        Case(name: "fixed_outdegree", rule: .fixedOutdegree(10), n1: 50, n2: 70),
        Case(name: "fixed_total_number", rule: .fixedTotalNumber(100), n1: 50, n2: 70),
        Case(name: "pairwise_bernoulli", rule: .pairwiseBernoulli(p: 0.5, maxIndegree: nil), n1: 6, n2: 6),
    ]

    /// Two populations of iaf_psc_alpha connected by `spec` (setUpNetwork, 2 threads).
    func network(_ spec: ConnSpec, _ n1: Int, _ n2: Int, syn: SynSpec = SynSpec(), seed: UInt64 = 1)
        throws -> (k: Kernel, pop1: NodeCollection, pop2: NodeCollection) {
        let k = try Kernel(seeds: Seeds(master: seed), threads: 2)
        let pop1 = try k.create("iaf_psc_alpha", n: n1), pop2 = try k.create("iaf_psc_alpha", n: n2)
        try k.connect(pop1, pop2, spec, syn)
        return (k, pop1, pop2)
    }

    /// M[i][j]: connections from the j-th of `a` to the i-th of `b` (get_connectivity_matrix).
    func matrix(_ k: Kernel, _ a: NodeCollection, _ b: NodeCollection) -> [[Int]] {
        var m = [[Int]](repeating: [Int](repeating: 0, count: a.count), count: b.count)
        let ia = Dictionary(uniqueKeysWithValues: a.ids.enumerated().map { ($1, $0) })
        let ib = Dictionary(uniqueKeysWithValues: b.ids.enumerated().map { ($1, $0) })
        for s in k.synapses(from: a, to: b) { m[ib[s.target]!][ia[s.source]!] += 1 }
        return m
    }

    // MARK: the base class, for every rule

    /// testWeightSetting, testDelaySetting, testDefaultParams: weight 0.351 on every synapse;
    /// delay 0.275 the same on every synapse and within one step (0.1 ms) of it; weight 1 and
    /// delay 1 by default.
    func testWeightDelayAndDefaults() throws {
        for c in Self.cases {
            let w = try network(ConnSpec(c.rule), c.n1, c.n2, syn: SynSpec(weight: 0.351, delay: 1))
            let ws = w.k.synapses(from: w.pop1, to: w.pop2)
            XCTAssertFalse(ws.isEmpty, c.name)
            XCTAssertTrue(ws.allSatisfy { $0.weight == 0.351 }, c.name)
            let d = try network(ConnSpec(c.rule), c.n1, c.n2, syn: SynSpec(weight: 1, delay: 0.275))
            let ds = d.k.synapses(from: d.pop1, to: d.pop2).map(\.delay)
            XCTAssertTrue(ds.allSatisfy { $0 == ds[0] } && abs(ds[0] - 0.275) < 0.1, "\(c.name): \(ds.first ?? .nan)")
            let def = try network(ConnSpec(c.rule), c.n1, c.n2)
            XCTAssertTrue(def.k.synapses(from: def.pop1, to: def.pop2).allSatisfy { $0.weight == 1 && $0.delay == 1 }, c.name)
        }
    }

    /// testAutapsesTrue / testAutapsesFalse of the base class and of each rule's class: the
    /// diagonal of a population connected to itself.
    func testAutapses() throws {
        let rules: [(String, Int, ConnSpec.Rule, Bool, (Int) -> Bool)] = [  // name, N, rule, autapses, diagonal check
            ("all_to_all", 6, .allToAll, true, { $0 == 1 }), ("all_to_all", 6, .allToAll, false, { $0 == 0 }),
            ("one_to_one", 6, .oneToOne, true, { $0 == 1 }), ("one_to_one", 6, .oneToOne, false, { $0 == 0 }),
            ("fixed_indegree", 10, .fixedIndegree(10), true, { $0 == 1 }), ("fixed_indegree", 10, .fixedIndegree(9), false, { $0 == 0 }),
            ("fixed_outdegree", 10, .fixedOutdegree(10), true, { $0 == 1 }), ("fixed_outdegree", 10, .fixedOutdegree(9), false, { $0 == 0 }),
            ("pairwise_bernoulli", 10, .pairwiseBernoulli(p: 1, maxIndegree: nil), true, { $0 == 1 }),
            ("pairwise_bernoulli", 10, .pairwiseBernoulli(p: 1, maxIndegree: nil), false, { $0 == 0 }),
            ("fixed_total_number", 3, .fixedTotalNumber(6), false, { $0 == 0 }),
        ]
        for (name, n, rule, autapses, ok) in rules {
            let multapses: Bool
            switch rule { case .fixedTotalNumber: multapses = true; default: multapses = false }
            let k = try Kernel(threads: 2)
            let pop = try k.create("iaf_psc_alpha", n: n)
            try k.connect(pop, pop, ConnSpec(rule, allowAutapses: autapses, allowMultapses: multapses))
            let m = matrix(k, pop, pop)
            XCTAssertTrue((0..<n).allSatisfy { ok(m[$0][$0]) }, "\(name) autapses \(autapses): \((0..<n).map { m[$0][$0] })")
        }
        // fixed_total_number, autapses true: N^3 connections among N = 3 put more than N on the diagonal.
        let k = try Kernel(threads: 2)
        let pop = try k.create("iaf_psc_alpha", n: 3)
        try k.connect(pop, pop, ConnSpec(.fixedTotalNumber(27), allowAutapses: true))
        let m = matrix(k, pop, pop)
        XCTAssertGreaterThan((0..<3).reduce(0) { $0 + m[$1][$1] }, 3)
    }

    // MARK: each rule's own tests

    /// test_connect_all_to_all.testConnectivity and test_connect_one_to_one.testConnectivity:
    /// every pair once / the identity; nothing the other way.
    func testAllToAllAndOneToOneConnectivity() throws {
        let a = try network(ConnSpec(.allToAll), 6, 7)
        XCTAssertEqual(matrix(a.k, a.pop1, a.pop2), [[Int]](repeating: [Int](repeating: 1, count: 6), count: 7))
        XCTAssertTrue(matrix(a.k, a.pop2, a.pop1).joined().allSatisfy { $0 == 0 })
        let o = try network(ConnSpec(.oneToOne), 6, 6)
        XCTAssertEqual(matrix(o.k, o.pop1, o.pop2), (0..<6).map { i in (0..<6).map { $0 == i ? 1 : 0 } })
        XCTAssertTrue(matrix(o.k, o.pop2, o.pop1).joined().allSatisfy { $0 == 0 })
    }

    /// testInDegree / testOutDegree / testTotalNumberOfConnections and testErrorMessages: exact
    /// degrees (50 -> 70, 10 each, no autapses or multapses), 100 connections in total, none back;
    /// a degree or total beyond the population without multapses is refused; testMultapsesTrue
    /// (indegree and outdegree 4 among 3 give 12 connections) and testMultapsesFalse (3 among 3: all pairs).
    func testDegreesAndTotals() throws {
        let i = try network(ConnSpec(.fixedIndegree(10), allowAutapses: false, allowMultapses: false), 50, 70)
        XCTAssertTrue(matrix(i.k, i.pop1, i.pop2).allSatisfy { $0.reduce(0, +) == 10 })
        XCTAssertTrue(i.k.synapses(from: i.pop2, to: i.pop1).isEmpty)
        let o = try network(ConnSpec(.fixedOutdegree(10), allowAutapses: false, allowMultapses: false), 50, 70)
        let mo = matrix(o.k, o.pop1, o.pop2)
        XCTAssertTrue((0..<50).allSatisfy { j in mo.reduce(0) { $0 + $1[j] } == 10 })
        let t = try network(ConnSpec(.fixedTotalNumber(100)), 50, 70)
        XCTAssertEqual(t.k.synapses(from: t.pop1, to: t.pop2).count, 100)
        XCTAssertTrue(t.k.synapses(from: t.pop2, to: t.pop1).isEmpty)
        for rule in [ConnSpec.Rule.fixedIndegree(51), .fixedOutdegree(71), .fixedTotalNumber(50 * 70 + 1)] {
            XCTAssertThrowsError(try network(ConnSpec(rule, allowAutapses: true, allowMultapses: false), 50, 70), "\(rule)")
        }
        for rule in [ConnSpec.Rule.fixedIndegree(4), .fixedOutdegree(4)] {
            let k = try Kernel(threads: 2)
            let pop = try k.create("iaf_psc_alpha", n: 3)
            try k.connect(pop, pop, ConnSpec(rule, allowAutapses: true, allowMultapses: true))
            XCTAssertEqual(k.synapses(from: pop, to: pop).count, 12, "\(rule)")
        }
        for rule in [ConnSpec.Rule.fixedIndegree(3), .fixedOutdegree(3)] {
            let k = try Kernel(threads: 2)
            let pop = try k.create("iaf_psc_alpha", n: 3)
            try k.connect(pop, pop, ConnSpec(rule, allowAutapses: true, allowMultapses: false))
            XCTAssertTrue(matrix(k, pop, pop).joined().allSatisfy { $0 == 1 }, "\(rule)")
        }
        // One neuron to itself without autapses: no pair exists, refused rather than drawn for ever.
        let k = try Kernel()
        let one = try k.create("iaf_psc_alpha")
        XCTAssertThrowsError(try k.connect(one, one, ConnSpec(.fixedTotalNumber(5), allowAutapses: false))) { e in
            XCTAssertTrue("\(e)".contains("no pair to draw"), "\(e)")
        }
        try k.connect(one, one, ConnSpec(.fixedTotalNumber(0), allowAutapses: false))
        try k.connect(one, one, ConnSpec(.fixedTotalNumber(5), allowAutapses: true))
        XCTAssertEqual(k.synapses(from: one, to: one).count, 5)
    }

    // MARK: statistics

    /// testStatistics of fixed_indegree (10 -> 10, indegree 10, 200 runs), fixed_outdegree (400
    /// runs), fixed_total_number (20 -> 20, N 100, both fans, 200 runs) and pairwise_bernoulli
    /// (50 -> 50, p 0.5, both fans, 20 runs): per run, a chi-squared test of the degrees against
    /// their expected distribution; over the runs, a Kolmogorov-Smirnov test that the p-values are
    /// uniform, passing at p > 0.05. NEST runs this once, on seeds 1..n; here it runs on five
    /// disjoint blocks of seeds and passes when at least four of the five pass (a correct rule fails
    /// one block with probability 0.05).
    func testDegreeStatistics() throws {
        struct Stat { let name: String; let rule: ConnSpec.Rule; let ns: Int; let nt: Int; let runs: Int; let fans: [Bool] }  // fan true: in
        let stats = [
            Stat(name: "fixed_indegree", rule: .fixedIndegree(10), ns: 10, nt: 10, runs: 200, fans: [false]),
            Stat(name: "fixed_outdegree", rule: .fixedOutdegree(10), ns: 10, nt: 10, runs: 400, fans: [true]),
            Stat(name: "fixed_total_number", rule: .fixedTotalNumber(100), ns: 20, nt: 20, runs: 200, fans: [true, false]),
            Stat(name: "pairwise_bernoulli", rule: .pairwiseBernoulli(p: 0.5, maxIndegree: nil), ns: 50, nt: 50, runs: 20, fans: [true, false]),
        ]
        for st in stats {
            for fanIn in st.fans {
                var passed = 0
                var ps: [Double] = []
                for block in 0..<5 {
                    var pvalues: [Double] = []
                    for run in 0..<st.runs {
                        let seed = UInt64(block * st.runs + run + 1)
                        let (k, pop1, pop2) = try network(ConnSpec(st.rule), st.ns, st.nt, seed: seed)
                        let m = matrix(k, pop1, pop2)
                        let degrees = fanIn ? m.map { Double($0.reduce(0, +)) }
                                            : (0..<st.ns).map { j in Double(m.reduce(0) { $0 + $1[j] }) }
                        pvalues.append(Self.chiSquaredP(degrees, rule: st.rule, fanIn: fanIn, ns: st.ns, nt: st.nt))
                    }
                    let p = Self.ksUniformP(pvalues)
                    ps.append(p)
                    if p > 0.05 { passed += 1 }
                }
                print("\(st.name) \(fanIn ? "in" : "out")-degrees: KS p per block \(ps.map { (($0 * 1000).rounded() / 1000) })")
                XCTAssertGreaterThanOrEqual(passed, 4, "\(st.name) \(fanIn ? "in" : "out")-degrees: KS p-values per block \(ps)")
            }
        }
    }

    /// Pearson's chi-squared p-value of observed degrees: for the fixed rules each node's degree
    /// against its expected share (scipy.stats.chisquare), for pairwise_bernoulli the histogram of
    /// degrees against Binomial(n, p), tails pooled until each bin expects at least 5.
    static func chiSquaredP(_ degrees: [Double], rule: ConnSpec.Rule, fanIn: Bool, ns: Int, nt: Int) -> Double {
        switch rule {
        case let .pairwiseBernoulli(p, _):
            let n = fanIn ? ns : nt, count = Double(degrees.count)
            var observed = [Double](repeating: 0, count: n + 1)
            for d in degrees { observed[Int(d)] += 1 }
            func pmf(_ k: Int) -> Double {
                let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
                let logP: Double = Double(k) * log(p) + Double(n - k) * log(1 - p)
                return exp(logChoose + logP)
            }
            let expected: [Double] = (0...n).map { count * pmf($0) }
            // Bins: pool from each end while the pooled expectation is below 5.
            var bins: [(o: Double, e: Double)] = []
            var lo = 0, hi = n
            var left = (o: 0.0, e: 0.0), right = (o: 0.0, e: 0.0)
            while lo <= hi && left.e + expected[lo] < 5 { left.o += observed[lo]; left.e += expected[lo]; lo += 1 }
            while hi >= lo && right.e + expected[hi] < 5 { right.o += observed[hi]; right.e += expected[hi]; hi -= 1 }
            for k in stride(from: lo, through: hi, by: 1) { bins.append((observed[k], expected[k])) }
            if !bins.isEmpty {
                bins[0].o += left.o; bins[0].e += left.e
                bins[bins.count - 1].o += right.o; bins[bins.count - 1].e += right.e
            }
            let chi = bins.reduce(0) { $0 + ($1.o - $1.e) * ($1.o - $1.e) / $1.e }
            return chiSquaredSurvival(chi, df: Double(bins.count - 1))
        case let .fixedIndegree(c), let .fixedOutdegree(c):
            let drivers = Double(fanIn ? ns : nt), pool = Double(degrees.count)
            let e = drivers * Double(c) / pool
            let chi = degrees.reduce(0) { $0 + ($1 - e) * ($1 - e) / e }
            return chiSquaredSurvival(chi, df: pool - 1)
        case let .fixedTotalNumber(total):
            let e = Double(total) / Double(degrees.count)
            let chi = degrees.reduce(0) { $0 + ($1 - e) * ($1 - e) / e }
            return chiSquaredSurvival(chi, df: Double(degrees.count - 1))
        default:
            return .nan
        }
    }

    /// P(X > x) for X chi-squared with `df` degrees of freedom: the regularized upper incomplete
    /// gamma function Q(df/2, x/2), by its series below a + 1 and its continued fraction above.
    static func chiSquaredSurvival(_ x: Double, df: Double) -> Double {
        let a = df / 2, z = x / 2
        if z <= 0 { return 1 }
        let front = exp(-z + a * log(z) - lgamma(a))
        if z < a + 1 {
            var sum = 1 / a, term = 1 / a, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= z / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - front * sum)
        }
        // Lentz's method for the continued fraction of Q.
        let tiny = 1e-300
        var b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return front * h
    }

    /// The p-value of the one-sample Kolmogorov-Smirnov test of `x` against the uniform
    /// distribution on [0, 1] (Kolmogorov's limit with Stephens' correction for n).
    static func ksUniformP(_ x: [Double]) -> Double {
        let s = x.sorted(), n = Double(s.count)
        var d = 0.0
        for (i, v) in s.enumerated() { d = max(d, Double(i + 1) / n - v, v - Double(i) / n) }
        let lambda = (n.squareRoot() + 0.12 + 0.11 / n.squareRoot()) * d
        var q = 0.0
        for j in 1...100 {
            let term = 2 * (j % 2 == 1 ? 1.0 : -1.0) * exp(-2 * Double(j * j) * lambda * lambda)
            q += term
            if abs(term) < 1e-12 { break }
        }
        return min(1, max(0, q))
    }

    /// The statistics helpers against values scipy gives: chi2.sf(10, 5) = 0.0752352, chi2.sf(3, 9)
    /// = 0.9642950, chi2.sf(40, 20) = 0.0049954; a uniform sample passes the KS test, a skewed one fails.
    func testStatisticsHelpers() {
        XCTAssertEqual(Self.chiSquaredSurvival(10, df: 5), 0.0752352, accuracy: 1e-6)
        XCTAssertEqual(Self.chiSquaredSurvival(3, df: 9), 0.9642950, accuracy: 1e-6)
        XCTAssertEqual(Self.chiSquaredSurvival(40, df: 20), 0.0049954, accuracy: 1e-6)
        let uniform = (0..<200).map { (Double($0) + 0.5) / 200 }
        XCTAssertGreaterThan(Self.ksUniformP(uniform), 0.99)
        XCTAssertLessThan(Self.ksUniformP(uniform.map { $0 * $0 }), 0.001)
    }
}

extension NESTPortedConnectTests {
    /// connect/test_connect_node_collection.py: one_to_one among 10 iaf_psc_exp makes 10
    /// connections and each node to itself 10 more; one node to another makes one; an empty
    /// collection as source or target is an IllegalConnection.
    func testConnectNodeCollection() throws {
        let k = try Kernel()
        let nc = try k.create("iaf_psc_exp", n: 10)
        try k.connect(nc, nc, ConnSpec(.oneToOne))
        XCTAssertEqual(k.synapseCount, 10)
        for id in nc.ids { try k.connect(NodeCollection([id]), NodeCollection([id])) }
        XCTAssertEqual(k.synapseCount, 20)
        let k2 = try Kernel()
        let two = try k2.create("iaf_psc_alpha", n: 2)
        try k2.connect(NodeCollection([two.ids[0]]), NodeCollection([two.ids[1]]))
        XCTAssertEqual(k2.synapseCount, 1)
        let five = try k2.create("iaf_psc_alpha", n: 5)
        let empty = NodeCollection([])
        for (pre, post) in [(five, empty), (empty, five), (empty, empty)] {
            XCTAssertThrowsError(try k2.connect(pre, post)) {
                XCTAssertTrue("\($0)".contains("IllegalConnection"), "\($0)")
            }
        }
    }

    /// connect/test_connect_after_simulate.py: fixed_indegree 2 among 10 iaf_psc_alpha lists the
    /// same synapses before and after a Simulate; a connection made after a Simulate is listed and
    /// carries spikes. NEST's second test relays through a parrot_neuron, which netview does not
    /// have: here an iaf_psc_delta that a 20 mV input makes fire stands in for it.
    func testConnectAfterSimulate() throws {
        let k = try Kernel()
        let neurons = try k.create("iaf_psc_alpha", n: 10)
        try k.connect(neurons, neurons, ConnSpec(.fixedIndegree(2)))
        let before = k.synapses()
        XCTAssertEqual(before.count, 20)
        try k.simulate(1)
        XCTAssertEqual(k.synapses(), before)

        let k2 = try Kernel()
        let neuron = try k2.create("iaf_psc_delta", params: ["I_e": .number(500)])
        let relay = try k2.create("iaf_psc_delta")
        let dummies = try k2.create("iaf_psc_delta", n: 10)
        let recorder = try k2.create("spike_recorder")
        try k2.connect(neuron, relay, ConnSpec(), SynSpec(weight: 20, delay: 1))
        try k2.connect(dummies, dummies, ConnSpec(.allToAll))
        try k2.connect(relay, recorder)
        try k2.simulate(20)
        XCTAssertEqual(k2.synapses(to: relay).count, 1)
        XCTAssertEqual(try k2.get(recorder.ids[0], "n_events"), .number(1), "one spike, one connection: one event")
        try k2.connect(neuron, relay, ConnSpec(), SynSpec(weight: 20, delay: 1))
        XCTAssertEqual(k2.synapses(to: relay).count, 2)
    }
}
