import Foundation
import ModelFiles
import NetCore

/// Writes a standalone PyNN 0.13 script for a model file: PyNN's standard cell types with their
/// units (nF, nA, uS), one Projection per connection, and recorders written in netview's output
/// format with netview's (and NEST's) node ids, so `netview compare` and `netview view` read it.
public struct PyNNExport {
    public enum Backend: String, CaseIterable, Sendable { case nest, neuron }

    public var model: ModelFile
    public var sourcePath: String
    public var backend: Backend

    /// The file's parameters as Python variables, and its expressions over them.
    let py: PythonParameters

    public init(model: ModelFile, sourcePath: String, backend: Backend = .nest) {
        self.model = model
        self.sourcePath = sourcePath
        self.backend = backend
        py = PythonParameters(model)
    }

    /// A NEST parameter as a PyNN one: name and the factor from NEST's unit to PyNN's.
    struct Param {
        let nest: String
        let pynn: String
        let scale: Double
    }

    /// One of PyNN's standard cell types and how NEST's parameters map onto it. `tau_m` of the
    /// conductance models is C_m / g_L (PyNN has no g_L).
    struct CellType {
        let name: String
        let params: [Param]
        let tauFromConductance: Bool
        /// netview's recordables: PyNN's variable and the factor from PyNN's unit back to NEST's.
        let recordables: [String: (String, Double)]
        /// The factor from a NEST weight to a PyNN weight.
        let weightScale: Double
        /// NEST parameters PyNN does not have: they must keep NEST's default.
        let unmapped: Set<String>
        let backends: Set<Backend>
    }

    static let common = [Param(nest: "E_L", pynn: "v_rest", scale: 1), Param(nest: "V_reset", pynn: "v_reset", scale: 1),
                         Param(nest: "C_m", pynn: "cm", scale: 0.001), Param(nest: "t_ref", pynn: "tau_refrac", scale: 1),
                         Param(nest: "V_th", pynn: "v_thresh", scale: 1), Param(nest: "I_e", pynn: "i_offset", scale: 0.001)]
    static let synapse = [Param(nest: "tau_syn_ex", pynn: "tau_syn_E", scale: 1), Param(nest: "tau_syn_in", pynn: "tau_syn_I", scale: 1)]
    static let reversal = [Param(nest: "E_ex", pynn: "e_rev_E", scale: 1), Param(nest: "E_in", pynn: "e_rev_I", scale: 1)]
    static let currents: [String: (String, Double)] = ["V_m": ("v", 1)]  // PyNN records only v of current-based cells
    static let conductances: [String: (String, Double)] = ["V_m": ("v", 1), "g_ex": ("gsyn_exc", 1000), "g_in": ("gsyn_inh", 1000)]

    static let cellTypes: [String: CellType] = [
        "iaf_psc_alpha": CellType(name: "IF_curr_alpha", params: common + synapse,
                                  tauFromConductance: false, recordables: currents, weightScale: 0.001, unmapped: [], backends: [.nest, .neuron]),
        "iaf_psc_exp": CellType(name: "IF_curr_exp", params: common + synapse,
                                tauFromConductance: false, recordables: currents, weightScale: 0.001, unmapped: [], backends: [.nest, .neuron]),
        "iaf_psc_delta": CellType(name: "IF_curr_delta", params: common,
                                  tauFromConductance: false, recordables: [:], weightScale: 1,  // pyNN.nest records its spikes only
                                  unmapped: ["V_min", "refractory_input"], backends: [.nest]),
        "iaf_cond_exp": CellType(name: "IF_cond_exp", params: common + synapse + reversal, tauFromConductance: true,
                                 recordables: conductances, weightScale: 0.001, unmapped: [], backends: [.nest, .neuron]),
        "aeif_cond_exp": CellType(name: "EIF_cond_exp_isfa_ista",
                                  params: common + synapse + reversal + [
                                      Param(nest: "V_peak", pynn: "v_spike", scale: 1), Param(nest: "a", pynn: "a", scale: 1),
                                      Param(nest: "b", pynn: "b", scale: 0.001), Param(nest: "Delta_T", pynn: "delta_T", scale: 1),
                                      Param(nest: "tau_w", pynn: "tau_w", scale: 1)],
                                  tauFromConductance: true, recordables: conductances.merging(["w": ("w", 1000)]) { a, _ in a },
                                  weightScale: 0.001, unmapped: ["gsl_error_tol"], backends: [.nest, .neuron]),
    ]

    /// The initial values PyNN sets with `initialize`: NEST's state name, PyNN's and the factor.
    static let initialState: [String: (String, Double)] = ["V_m": ("v", 1), "w": ("w", 0.001), "g_ex": ("gsyn_exc", 0.001), "g_in": ("gsyn_inh", 0.001)]

    func fail(_ what: String) -> InteropError { InteropError("\(sourcePath): \(what) has no PyNN equivalent (--to pynn --sim \(backend.rawValue))") }

    func kind(_ node: String) -> NodeKind? { model.node(named: node).flatMap { ModelCatalog.spec($0.model)?.kind } }

    public func script() throws -> String {
        var body = section("setup (model file: kernel)")
        body += """
        t_start = time.perf_counter()
        MIN_DELAY = \(minDelay)  # the smallest delay of the model file: NEST's min_delay, as netview's and NEST's runs have it
        sim.setup(timestep=\(Py.number(model.resolution)), min_delay=MIN_DELAY\(backend == .nest ? ", threads=args.threads, rng_seed=RNG_SEED, spike_precision=\"on_grid\"" : ""))
        RANK, SIZE = sim.rank(), sim.num_processes()
        rng = np.random.default_rng(NETWORK_SEED)  # connection lists PyNN has no rule for (max_indegree)
        draws = NumpyRNG(seed=RNG_SEED)  # per-neuron and per-synapse distributions
        pops = {}


        """
        body += section("nodes (model file: nodes); PyNN's own ids differ from NEST's, so the output uses FIRST + index")
        var recorders: [String: [(node: String, range: Range<Int>?)]] = [:]
        var meters: [String: (vars: [String], interval: Double, targets: [Selection])] = [:]
        for (i, n) in model.nodes.enumerated() { body += try node(i, n) }
        body += "\n" + section("connections (model file: connections)")
        body += "synapses = []  # per entry: connections made\n"
        for (i, c) in model.connections.enumerated() {
            body += try connection(i, c, recorders: &recorders, meters: &meters)
        }
        body += "\n" + section("simulate (model file: simulate, or --time)")
        body += try simulateAndWrite(recorders: recorders, meters: meters)
        return header() + ScriptParts.constants(model, rngSeed: rngSeed, rngComment: "the simulator's stream (Poisson input) and the distributions",
                                                parameterBlock: py.block)
            + ScriptParts.arguments(model, seedHelp: "another seed for the simulator's stream, the distributions and the numpy network draws (1 to 2**32-1)")
            + ScriptParts.numpyHelpers + """


        def positions(ids, of):
            \"\"\"Where each of `ids` stands in the array `of` (all present).\"\"\"
            order = np.argsort(of, kind="stable")
            return order[np.searchsorted(of, ids, sorter=order)]


        """ + sizesAndFirstIDs() + "\n" + body
    }

    /// The smallest delay any connection of the file has (a drawn delay counts with its lower
    /// bound, or the resolution when it has none), as a Python expression when delays are
    /// expressions of the parameters.
    var minDelay: String {
        var numbers: [Double] = [], texts: [String] = []
        for (i, c) in model.connections.enumerated() {
            switch c.syn.delay {
            case let .constant(d):
                if let e = py.expression(["connections", i, "syn_spec", "delay"]) { if !texts.contains(e) { texts.append(e) } } else { numbers.append(d) }
            case let .random(.uniform(lo, _)): numbers.append(max(lo, model.resolution))
            case let .random(.normal(_, _, lo?, _)): numbers.append(max(lo, model.resolution))
            case .random: numbers.append(model.resolution)
            }
        }
        let all = texts + (numbers.min().map { [Py.number($0)] } ?? [])
        if all.isEmpty { return Py.number(model.resolution) }
        return all.count == 1 ? all[0] : "min(\(all.joined(separator: ", ")))"
    }

    var rngSeed: UInt64 { let s = model.seed % 4_294_967_295; return s == 0 ? 1 : s }

    func section(_ title: String) -> String { "# --- \(title)\n" }

    func header() -> String {
        let desc = wrap(model.description, width: 96).map { $0.isEmpty ? "" : "    " + Py.text($0) }.joined(separator: "\n")
        return """
        #!/usr/bin/env python3
        \"\"\"\(Py.text(model.name)): a PyNN 0.13 script (pyNN.\(backend.rawValue)) exported by `netview export` from \(Py.text(URL(fileURLWithPath: sourcePath).lastPathComponent)).

        \(desc)

        Run it with PyNN 0.13 and \(backend == .nest ? "NEST 3" : "NEURON") (numpy needed):
            python SCRIPT.py [--time MS] [--out DIR] [--threads N] [--seed N]
        It writes DIR/<recorder>.csv and DIR/summary.json in netview's output format (default
        out/\(Py.text(model.slug))), with the node ids netview and NEST give; compare with `netview compare`.
        PyNN's units: nF, nA, uS, mV, ms (NEST's pF, pA, nS are converted here and back on output).
        \"\"\"

        import argparse
        import json
        import os
        import platform
        import resource
        import time

        import numpy as np
        import pyNN.\(backend.rawValue) as sim
        from pyNN.random import NumpyRNG, RandomDistribution


        """
    }

    /// Every node's size (the file's `n`, an expression of the parameters when it is one) and
    /// netview's id of its first element (NEST's Create numbering), and the node ids and recorded
    /// cells of FACTS from them.
    func sizesAndFirstIDs() -> String {
        var s = "# Node sizes (model file: nodes[].n) and netview's and NEST's ids: FIRST[node] + index.\nSIZES, FIRST = {}, {}\n"
        var previous: String?
        for (i, n) in model.nodes.enumerated() {
            let name = Py.string(n.name)
            s += "SIZES[\(name)] = \(py.integer(["nodes", i, "n"], n.n, what: "nodes[\(i)].n"))\n"
            s += "FIRST[\(name)] = \(previous.map { "FIRST[\($0)] + SIZES[\($0)]" } ?? "1")\n"
            previous = name
        }
        return s + ScriptParts.facts(model, firstID: "FIRST[k]", size: "SIZES[k]") { src in
            let first = "FIRST[\(Py.string(src.node))]"
            return "range(\(first) + \(src.range?.lowerBound ?? 0), \(first) + \(upper(src)))"
        }
    }

    /// The end of a selection's range in the script: its number, or the node's size.
    func upper(_ sel: Selection) -> String { sel.range.map { "\($0.upperBound)" } ?? "SIZES[\(Py.string(sel.node))]" }

    /// A selection's size in the script.
    func pySize(_ sel: Selection) -> String { sel.range.map { "\($0.count)" } ?? "SIZES[\(Py.string(sel.node))]" }

    /// A number of the file in PyNN's unit: the file's expression (times the factor), or the number.
    func scaled(_ path: [Any]?, _ x: Double, _ scale: Double) -> String {
        guard let path, let e = py.expression(path) else { return Py.number(x * scale) }
        return scale == 1 ? e : "\(e) * \(Py.number(scale))"
    }

    /// A device's parameter as the file gives it (an expression or a number), or its default.
    func deviceParam(_ node: NodeSpec, _ key: String) -> (value: Double, text: String) {
        var x = ModelCatalog.spec(node.model)?.param(key)?.defaultValue.number ?? 0
        if case let .number(v)? = node.params.first(where: { $0.key == key })?.value { x = v }
        let i = model.nodes.firstIndex { $0.name == node.name } ?? 0
        return (x, scaled(["nodes", i, "params", key], x, 1))
    }

    // MARK: nodes

    func node(_ i: Int, _ n: NodeSpec) throws -> String {
        let name = Py.string(n.name)
        var s = "# nodes[\(i)] \(Py.comment(n.name)): \(n.model) x \(n.n)\n"
        switch n.model {
        case "poisson_generator":
            try requireDefaults(n, except: ["rate", "start", "stop"])
            s += "# a poisson_generator gives each target its own train: one SpikeSourcePoisson cell per target, made per connection\n"
        case "spike_generator":
            try requireDefaults(n, except: ["spike_times"])
            let times = n.params.first { $0.key == "spike_times" }?.value ?? .numbers([])
            s += "pops[\(name)] = sim.Population(\(n.n), sim.SpikeSourceArray(spike_times=\(Py.value(times))), label=\(name))\n"
        case "dc_generator":
            try requireDefaults(n, except: ["amplitude", "start", "stop"])
            s += "# a dc_generator becomes a DCSource injected into its targets (connections below)\n"
        case "spike_recorder", "multimeter", "voltmeter":
            try requireDefaults(n, except: ["record_from", "interval"])
            s += "# a recorder: its sources are recorded with Population.record (connections below)\n"
        default:
            guard let type = PyNNExport.cellTypes[n.model] else { throw fail("model \(n.model) (nodes[\(i)] \(n.name))") }
            guard type.backends.contains(backend) else {
                throw fail("model \(n.model) (nodes[\(i)] \(n.name), PyNN's \(type.name) exists for pyNN.nest only)")
            }
            s += try cell(i, n, type)
        }
        return s
    }

    /// A device parameter PyNN cannot express must keep NEST's default.
    func requireDefaults(_ n: NodeSpec, except allowed: Set<String>) throws {
        guard let spec = ModelCatalog.spec(n.model) else { return }
        for (key, value) in n.params where !allowed.contains(key) {
            if let d = spec.param(key)?.defaultValue, d == value { continue }
            throw fail("\(n.model) parameter \(key) (nodes \(n.name))")
        }
    }

    func cell(_ i: Int, _ n: NodeSpec, _ type: CellType) throws -> String {
        let spec = ModelCatalog.spec(n.model)!
        func value(_ key: String) -> ParamValue {
            n.params.first { $0.key == key }?.value ?? spec.param(key)?.defaultValue ?? .number(0)
        }
        let mapped = Set(type.params.map(\.nest) + (type.tauFromConductance ? ["g_L", "C_m"] : ["tau_m"]) + Array(PyNNExport.initialState.keys))
        for (key, v) in n.params where !mapped.contains(key) {
            if spec.param(key)?.defaultValue == v { continue }
            throw fail("\(n.model) parameter \(key) (nodes \(n.name))")
        }
        var pairs: [(String, String)] = []
        for p in type.params {
            pairs.append((p.pynn, try pyValue(value(p.nest), scale: p.scale, what: "\(n.name) \(p.nest)", at: ["nodes", i, "params", p.nest])))
        }
        if type.tauFromConductance {
            guard case let .number(cm) = value("C_m"), case let .number(gl) = value("g_L") else {
                throw fail("a distribution of C_m or g_L (nodes \(n.name): PyNN's tau_m is C_m / g_L)")
            }
            let cmText = py.expression(["nodes", i, "params", "C_m"]), glText = py.expression(["nodes", i, "params", "g_L"])
            let tau = cmText == nil && glText == nil ? Py.number(cm / gl) : "\(cmText ?? Py.number(cm)) / \(glText ?? Py.number(gl))"
            pairs.insert(("tau_m", tau), at: 3)
        } else {
            pairs.insert(("tau_m", try pyValue(value("tau_m"), scale: 1, what: "\(n.name) tau_m", at: ["nodes", i, "params", "tau_m"])), at: 3)
        }
        let name = Py.string(n.name)
        var s = "pops[\(name)] = sim.Population(SIZES[\(name)], sim.\(type.name)(\(pairs.map { "\($0.0)=\($0.1)" }.joined(separator: ", "))), label=\(name))\n"
        // V_m always (PyNN's default initial v is not NEST's); other state only where the file sets it.
        var initial = [("v", try pyValue(value("V_m"), scale: 1, what: "\(n.name) V_m", at: ["nodes", i, "params", "V_m"]))]
        for key in ["w", "g_ex", "g_in"] where n.params.contains(where: { $0.key == key }) {
            let (pynn, scale) = PyNNExport.initialState[key]!
            initial.append((pynn, try pyValue(value(key), scale: scale, what: "\(n.name) \(key)", at: ["nodes", i, "params", key])))
        }
        s += "pops[\(name)].initialize(\(initial.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")))  # NEST's initial state\n"
        // Values set on slices of the node (a slice edited in the workbench), in order.
        for sl in n.slices {
            let view = "pops[\(name)][\(sl.range.lowerBound):\(sl.range.upperBound)]"
            for (key, v) in sl.params {
                if type.tauFromConductance && (key == "C_m" || key == "g_L") {
                    throw fail("\(key) on a slice (nodes \(n.name): PyNN's tau_m is C_m / g_L)")
                } else if let (pynn, scale) = PyNNExport.initialState[key] {
                    s += "\(view).initialize(\(pynn)=\(try pyValue(v, scale: scale, what: "\(n.name) \(key)")))  # slices\n"
                } else if let p = type.params.first(where: { $0.nest == key }) {
                    s += "\(view).set(\(p.pynn)=\(try pyValue(v, scale: p.scale, what: "\(n.name) \(key)")))  # slices\n"
                } else if key == "tau_m" && !type.tauFromConductance {
                    s += "\(view).set(tau_m=\(try pyValue(v, scale: 1, what: "\(n.name) tau_m")))  # slices\n"
                } else if spec.param(key)?.defaultValue != v {
                    throw fail("\(n.model) parameter \(key) on a slice (nodes \(n.name))")
                }
            }
        }
        return s
    }

    /// A parameter value in PyNN's unit: a number (the file's expression when `path` holds one),
    /// or a RandomDistribution drawn per neuron.
    func pyValue(_ v: ParamValue, scale: Double, what: String, at path: [Any]? = nil) throws -> String {
        switch v {
        case let .number(x): return scaled(path, x, scale)
        case let .bool(b): return b ? "True" : "False"
        case let .distribution(d): return distribution(d, scale: scale)
        default: throw fail("a value of type \(v.typeName) for \(what)")
        }
    }

    /// PyNN's RandomDistribution for a netview distribution, scaled into PyNN's unit.
    func distribution(_ d: Distribution, scale: Double) -> String {
        switch d {
        case let .uniform(lo, hi):
            return "RandomDistribution(\"uniform\", low=\(Py.number(lo * scale)), high=\(Py.number(hi * scale)), rng=draws)"
        case let .normal(m, s, lo, hi):
            if lo == nil && hi == nil { return "RandomDistribution(\"normal\", mu=\(Py.number(m * scale)), sigma=\(Py.number(s * scale)), rng=draws)" }
            return "RandomDistribution(\"normal_clipped\", mu=\(Py.number(m * scale)), sigma=\(Py.number(s * scale)), "
                + "low=\(Py.number((lo ?? -.infinity) * scale)), high=\(Py.number((hi ?? .infinity) * scale)), rng=draws)"
        case let .lognormal(mu, sigma):
            return "RandomDistribution(\"lognormal\", mu=\(Py.number(mu + log(scale))), sigma=\(Py.number(sigma)), rng=draws)"
        }
    }

    // MARK: connections

    func view(_ sel: Selection) -> String {
        let base = "pops[\(Py.string(sel.node))]"
        guard let r = sel.range else { return base }
        return "\(base)[\(r.lowerBound):\(r.upperBound)]"
    }

    /// Several selections as one PyNN Assembly (`a + b`).
    func views(_ list: [Selection]) -> String { list.map(view).joined(separator: " + ") }

    func size(_ sel: Selection) -> Int { sel.range?.count ?? model.node(named: sel.node)?.n ?? 0 }

    func text(_ v: Value) -> String { JSONOut(v).render(pretty: false) }

    /// The target cell types' factor from a NEST weight to a PyNN weight (one factor per connection).
    func weightScale(_ targets: [Selection], at i: Int) throws -> Double {
        let scales = Set(targets.compactMap { model.node(named: $0.node).flatMap { PyNNExport.cellTypes[$0.model]?.weightScale } })
        guard scales.count <= 1 else { throw fail("one connection (connections[\(i)]) to iaf_psc_delta and other models at once") }
        return scales.first ?? 0.001
    }

    /// The sign of a weight picks PyNN's receptor type; PyNN wants inhibitory weights negative for
    /// current-based cells and positive for conductance-based ones.
    /// A weight the file writes as an expression stays one (its sign, and so the receptor type, as
    /// exported).
    func weight(_ w: SynValue, scale: Double, currentBased: Bool, at i: Int) throws -> (value: String, receptor: String) {
        switch w {
        case let .constant(x):
            let receptor = x < 0 ? "inhibitory" : "excitatory"
            guard let e = py.expression(["connections", i, "syn_spec", "weight"]) else {
                return (Py.number((currentBased ? x : abs(x)) * scale), receptor)
            }
            let signed = currentBased ? e : "abs(\(e))"
            return (scale == 1 ? signed : "\(signed) * \(Py.number(scale))", receptor)
        case let .random(d):
            let sign: Double
            switch d {
            case let .uniform(lo, hi) where lo >= 0 || hi <= 0: sign = hi <= 0 && lo < 0 ? -1 : 1
            case let .normal(_, _, lo?, hi?) where lo >= 0 || hi <= 0: sign = hi <= 0 && lo < 0 ? -1 : 1
            case .lognormal: sign = 1
            default: throw fail("a weight distribution that can take both signs (connections[\(i)])")
            }
            return (distribution(currentBased ? d : mirrored(d, sign), scale: scale), sign < 0 ? "inhibitory" : "excitatory")
        }
    }

    func mirrored(_ d: Distribution, _ sign: Double) -> Distribution {
        guard sign < 0 else { return d }
        switch d {
        case let .uniform(lo, hi): return .uniform(min: -hi, max: -lo)
        case let .normal(m, s, lo, hi): return .normal(mean: -m, std: s, min: hi.map { -$0 }, max: lo.map { -$0 })
        case .lognormal: return d
        }
    }

    func delay(_ d: SynValue, at i: Int) -> String {
        switch d {
        case let .constant(x): return scaled(["connections", i, "syn_spec", "delay"], x, 1)
        case let .random(dist): return distribution(dist, scale: 1)
        }
    }

    func connection(_ i: Int, _ c: ConnectionSpec,
                    recorders: inout [String: [(node: String, range: Range<Int>?)]],
                    meters: inout [String: (vars: [String], interval: Double, targets: [Selection])]) throws -> String {
        var s = "# connections[\(i)]: \(Py.comment(text(c.sourceText))) -> \(Py.comment(text(c.targetText))), \(c.conn.ruleName)\n"
        let sourceModels = Set(c.source.compactMap { model.node(named: $0.node)?.model })
        let targetModels = Set(c.target.compactMap { model.node(named: $0.node)?.model })
        // Recorders: PyNN records populations itself.
        if targetModels == ["spike_recorder"] {
            for rec in c.target {
                for src in c.source {
                    guard kind(src.node) == .neuron else { throw fail("recording spikes of \(src.node) (connections[\(i)]): only neurons") }
                    recorders[rec.node, default: []].append((src.node, src.range))
                }
            }
            return s + "# recorded below with Population.record(\"spikes\")\n\n"
        }
        if sourceModels.isSubset(of: ["multimeter", "voltmeter"]) && !sourceModels.isEmpty {
            for m in c.source {
                let node = model.node(named: m.node)!
                let vars: [String]
                if case let .strings(v)? = node.params.first(where: { $0.key == "record_from" })?.value { vars = v } else { vars = ["V_m"] }
                var interval = 1.0
                if case let .number(x)? = node.params.first(where: { $0.key == "interval" })?.value { interval = x }
                for t in c.target {
                    guard let type = model.node(named: t.node).flatMap({ PyNNExport.cellTypes[$0.model] }) else {
                        throw fail("recording \(t.node) with \(m.node) (connections[\(i)])")
                    }
                    for v in vars where type.recordables[v] == nil { throw fail("recording \(v) of \(t.node) (connections[\(i)])") }
                }
                meters[m.node, default: (vars, interval, [])].targets += c.target
            }
            return s + "# recorded below with Population.record(..., sampling_interval)\n\n"
        }
        guard c.target.allSatisfy({ kind($0.node) == .neuron }) else { throw fail("a connection to \(text(c.targetText)) (connections[\(i)])") }
        if sourceModels == ["dc_generator"] {
            guard c.conn.rule == .allToAll || (c.conn.rule == .oneToOne && c.source.map(size).reduce(0, +) == 1) else {
                throw fail("dc_generator with rule \(c.conn.ruleName) (connections[\(i)])")
            }
            for src in c.source {
                let node = model.node(named: src.node)!
                guard case let .constant(w) = c.syn.weight, case let .constant(d) = c.syn.delay else {
                    throw fail("a dc_generator connection with drawn weight or delay (connections[\(i)])")
                }
                let (amplitude, start, stop) = (deviceParam(node, "amplitude"), deviceParam(node, "start"), deviceParam(node, "stop"))
                let wText = scaled(["connections", i, "syn_spec", "weight"], w, 1), dText = delay(c.syn.delay, at: i)
                let end = stop.value.isFinite && stop.value < 1e300 ? "\(stop.text) + \(dText)" : "1e12"
                s += "# the current reaches the cells one delay (\(Py.number(d)) ms) after NEST's start and stop\n"
                s += "sim.DCSource(amplitude=\(amplitude.text) * \(wText) * 0.001 * \(pySize(src)), start=\(start.text) + \(dText), stop=\(end)).inject_into(\(views(c.target)))\n"
            }
            let count = "(\(c.target.map(pySize).joined(separator: " + "))) * (\(c.source.map(pySize).joined(separator: " + ")))"
            s += "synapses.append({\"source\": \(text(c.sourceText)), \"target\": \(text(c.targetText)), \"rule\": \(Py.string(c.conn.ruleName)), \"synapses\": \(count), \"device_link\": True})\n\n"
            return s
        }
        let scale = try weightScale(c.target, at: i)
        let currentBased = c.target.contains { model.node(named: $0.node).flatMap { PyNNExport.cellTypes[$0.model] }?.name.hasPrefix("IF_curr") ?? false }
        let (w, receptor) = try weight(c.syn.weight, scale: scale, currentBased: currentBased, at: i)
        let synapse = "sim.StaticSynapse(weight=\(w), delay=\(delay(c.syn.delay, at: i)))"
        var pre = views(c.source)
        if sourceModels == ["poisson_generator"] {
            guard c.source.count == 1, size(c.source[0]) == 1, c.conn.rule == .allToAll || c.conn.rule == .oneToOne else {
                throw fail("poisson_generator with n > 1 or rule \(c.conn.ruleName) (connections[\(i)]); netview exports one generator to all its targets")
            }
            let node = model.node(named: c.source[0].node)!
            let (rate, start, stop) = (deviceParam(node, "rate"), deviceParam(node, "start"), deviceParam(node, "stop"))
            let n = c.target.map(pySize).joined(separator: " + ")
            let duration = stop.value < 1e300 ? (stop.text == Py.number(stop.value) && start.text == Py.number(start.value)
                ? Py.number(stop.value - start.value) : "\(stop.text) - \(start.text)") : "1e12"
            s += "poisson = sim.Population(\(n), sim.SpikeSourcePoisson(rate=\(rate.text), start=\(start.text), duration=\(duration)), label=\(Py.string("\(node.name)->\(i)")))  # one train per target\n"
            s += "at = 0\n"
            for t in c.target {
                // PyNN connects a single cell with AllToAll; OneToOne wants more than one.
                let rule = size(t) == 1 ? "sim.AllToAllConnector()" : "sim.OneToOneConnector()"
                s += "sim.Projection(poisson[at:at + \(pySize(t))], \(view(t)), \(rule), \(synapse), receptor_type=\(Py.string(receptor)))\n"
                s += "at += \(pySize(t))\n"
            }
            s += "synapses.append({\"source\": \(text(c.sourceText)), \"target\": \(text(c.targetText)), \"rule\": \(Py.string(c.conn.ruleName)), \"synapses\": \(n), \"device_link\": False})\n\n"
            return s
        }
        guard sourceModels.allSatisfy({ ["spike_generator"].contains($0) || PyNNExport.cellTypes[$0] != nil }) else {
            throw fail("a connection from \(text(c.sourceText)) (connections[\(i)])")
        }
        let autapses = c.conn.allowAutapses ? "True" : "False", multapses = c.conn.allowMultapses ? "True" : "False"
        let connector: String
        func count(_ key: String, _ k: Int) -> String { py.integer(["connections", i, "conn_spec", key], k, what: "connections[\(i)].conn_spec.\(key)") }
        let probability = { (p: Double) in self.scaled(["connections", i, "conn_spec", "p"], p, 1) }
        switch c.conn.rule {
        case .allToAll: connector = "sim.AllToAllConnector(allow_self_connections=\(autapses))"
        case .oneToOne: connector = "sim.OneToOneConnector()"
        case let .fixedIndegree(k): connector = "sim.FixedNumberPreConnector(\(count("indegree", k)), allow_self_connections=\(autapses), with_replacement=\(multapses), rng=draws)"
        case let .fixedOutdegree(k): connector = "sim.FixedNumberPostConnector(\(count("outdegree", k)), allow_self_connections=\(autapses), with_replacement=\(multapses), rng=draws)"
        case let .fixedTotalNumber(k): connector = "sim.FixedTotalNumberConnector(\(count("N", k)), allow_self_connections=\(autapses), with_replacement=\(multapses), rng=draws)"
        case let .pairwiseBernoulli(p, nil): connector = "sim.FixedProbabilityConnector(\(probability(p)), allow_self_connections=\(autapses), rng=draws)"
        case let .pairwiseBernoulli(p, cap?):
            // PyNN has no max_indegree: the same scan as netview's, drawn with numpy, as a list.
            func ids(_ list: [Selection]) -> String {
                "np.concatenate([" + list.map { "FIRST[\(Py.string($0.node))] + np.arange(\($0.range?.lowerBound ?? 0), \(upper($0)))" }.joined(separator: ", ") + "])"
            }
            s += "src, tgt = \(ids(c.source)), \(ids(c.target))\n"
            s += "pre, post = capped_bernoulli(src, tgt, \(probability(p)), \(count("max_indegree", cap)), \(autapses))\n"
            s += "connections_list = np.column_stack([positions(pre, src), positions(post, tgt)])  # indices in the source and target assemblies\n"
            connector = "sim.FromListConnector(connections_list)"
            pre = views(c.source)
        }
        // One Projection per target selection (PyNN cannot count the synapses of a Projection onto an
        // Assembly); the same draws as one projection for rules that decide per target.
        switch c.conn.rule {
        case .fixedOutdegree, .fixedTotalNumber, .oneToOne:
            guard c.target.count == 1 && (c.conn.rule != .oneToOne || c.source.count == 1) else {
                throw fail("rule \(c.conn.ruleName) onto several selections (connections[\(i)])")
            }
        default: break
        }
        let capped: Bool
        if case .pairwiseBernoulli(_, _?) = c.conn.rule { capped = true } else { capped = false }
        s += capped ? "made = at = 0\n" : "made = 0\n"
        for t in c.target {
            var rule = connector
            if case .pairwiseBernoulli(_, _?) = c.conn.rule {
                s += "part = connections_list[(connections_list[:, 1] >= at) & (connections_list[:, 1] < at + \(pySize(t)))] - [0, at]\n"
                rule = "sim.FromListConnector(part)"
            } else if c.conn.rule == .oneToOne && size(t) == 1 {
                rule = "sim.AllToAllConnector()"
            }
            s += "made += sim.Projection(\(pre), \(view(t)), \(rule), \(synapse), receptor_type=\(Py.string(receptor))).size()\n"
            if capped { s += "at += \(pySize(t))\n" }
        }
        s += "synapses.append({\"source\": \(text(c.sourceText)), \"target\": \(text(c.targetText)), \"rule\": \(Py.string(c.conn.ruleName)), \"synapses\": made, \"device_link\": False})\n\n"
        return s
    }

    // MARK: run and write

    func simulateAndWrite(recorders: [String: [(node: String, range: Range<Int>?)]],
                          meters: [String: (vars: [String], interval: Double, targets: [Selection])]) throws -> String {
        let neurons = model.nodes.filter { ModelCatalog.spec($0.model)?.kind == .neuron }
        var s = "# Every neuron's spikes are recorded: the summary counts them all, recorders write their own cells.\n"
        for n in neurons { s += "pops[\(Py.string(n.name))].record(\"spikes\")\n" }
        // One sampling interval per population in PyNN.
        var recorded: [String: (vars: Set<String>, interval: Double)] = [:]
        for (name, m) in meters.sorted(by: { $0.key < $1.key }) {
            for t in m.targets {
                if let prior = recorded[t.node], prior.interval != m.interval {
                    throw fail("two sampling intervals for \(t.node) (\(name): \(Py.number(m.interval)) ms, another meter: \(Py.number(prior.interval)) ms)")
                }
                recorded[t.node, default: ([], m.interval)].vars.formUnion(m.vars)
            }
        }
        for n in neurons {
            guard let r = recorded[n.name], let type = PyNNExport.cellTypes[n.model] else { continue }
            let vars = r.vars.sorted().map { Py.string(type.recordables[$0]!.0) }.joined(separator: ", ")
            s += "pops[\(Py.string(n.name))].record([\(vars)], sampling_interval=\(Py.number(r.interval)))\n"
        }
        s += """

        t_built = time.perf_counter()
        sim.run(args.time)
        t_done = time.perf_counter()

        os.makedirs(args.out, exist_ok=True)
        suffix = ".csv" if SIZE == 1 else ".rank-%d.csv" % RANK  # MPI: each rank writes its own events
        clear_earlier_files(args.out)
        RES = \(Py.number(model.resolution))
        TICS_PER_STEP = round(RES * 1000)
        LAST_SAMPLE = args.time - MIN_DELAY  # NEST's meters hold back the last min-delay slice
        data = {name: p.get_data().segments[0] for name, p in pops.items() if name in \(Py.dict(neurons.map { ($0.name, "1") }))}


        def on_grid(t):
            \"\"\"A time as NEST writes it: its tics (0.001 ms each) times 0.001.\"\"\"
            return round(float(t) / RES) * TICS_PER_STEP * 0.001


        def write_rows(name, columns, rows):
            \"\"\"Rows (sender, time, values...) in netview's format, sorted by time then sender.\"\"\"
            rows.sort(key=lambda r: (r[1], r[0]))
            with open(os.path.join(args.out, name + suffix), "w") as f:
                f.write(",".join(["sender", "time_ms"] + columns) + "\\n")
                f.writelines(",".join([str(r[0]), repr(r[1])] + [repr(float(v)) for v in r[2:]]) + "\\n" for r in rows)


        def spikes(pop, lo, hi):
            \"\"\"(id, time) of the spikes of cells lo..hi-1 of a population, with netview's ids.\"\"\"
            out = []
            for st in data[pop].spiketrains:
                k = int(st.annotations["source_index"])
                if lo <= k < hi:
                    out += [(FIRST[pop] + k, on_grid(t)) for t in st.magnitude]
            return out


        def samples(pop, columns, scales, lo, hi):
            \"\"\"(id, time, values...) of cells lo..hi-1, in NEST's units; PyNN's sample at t = 0 is not NEST's.\"\"\"
            signals = {a.name: a for a in data[pop].analogsignals}
            first = signals[columns[0]]
            channels = list(first.array_annotations["channel_index"])
            rows = []
            for j, k in enumerate(channels):
                if not lo <= k < hi:
                    continue
                for i, t in enumerate(first.times.magnitude):
                    if t <= 0 or t > LAST_SAMPLE + RES / 2:
                        continue
                    rows.append((FIRST[pop] + int(k), on_grid(t)) + tuple(float(signals[c].magnitude[i, j]) * s for c, s in zip(columns, scales)))
            return rows


        """
        for rec in model.nodes where rec.model == "spike_recorder" {
            let parts = (recorders[rec.name] ?? []).map { p in
                "spikes(\(Py.string(p.node)), \(p.range?.lowerBound ?? 0), \(p.range.map { "\($0.upperBound)" } ?? "SIZES[\(Py.string(p.node))]"))"
            }
            s += "write_rows(\(Py.string(rec.name)), [], \(parts.isEmpty ? "[]" : parts.joined(separator: " + ")))  # nodes: \(Py.comment(rec.name))\n"
        }
        for rec in model.nodes where rec.model == "multimeter" || rec.model == "voltmeter" {
            guard let m = meters[rec.name] else {
                s += "write_rows(\(Py.string(rec.name)), [], [])  # nodes: \(Py.comment(rec.name)), connected to nothing\n"
                continue
            }
            var parts: [String] = []
            for t in m.targets {
                let type = PyNNExport.cellTypes[model.node(named: t.node)!.model]!
                let cols = m.vars.map { Py.string(type.recordables[$0]!.0) }.joined(separator: ", ")
                let scales = m.vars.map { Py.number(type.recordables[$0]!.1) }.joined(separator: ", ")
                parts.append("samples(\(Py.string(t.node)), [\(cols)], [\(scales)], \(t.range?.lowerBound ?? 0), \(upper(t)))")
            }
            s += "write_rows(\(Py.string(rec.name)), [\(m.vars.map(Py.string).joined(separator: ", "))], \(parts.joined(separator: " + ")))  # nodes: \(Py.comment(rec.name))\n"
        }
        s += "\n# Spike counts of this rank's neurons, summed over ranks with mpi4py when present.\npopulations = {}\n"
        for n in neurons {
            s += "populations[\(Py.string(n.name))] = {\"n\": SIZES[\(Py.string(n.name))], \"spikes\": sum(len(st) for st in data[\(Py.string(n.name))].spiketrains)}\n"
        }
        let version = backend == .nest
            ? "\"pynn-\" + __import__(\"pyNN\").__version__ + \" nest-\" + __import__(\"nest\").__version__"
            : "\"pynn-\" + __import__(\"pyNN\").__version__ + \" neuron-\" + __import__(\"neuron\").__version__"
        s += ScriptParts.summary(resolution: "RES", version: version, simulator: "pynn-\(backend.rawValue)")
        s += "sim.end()\n"
        return s
    }
}
