import Foundation
import ModelFiles
import NetCore

/// Writes a standalone PyNEST 3 script that builds, runs and records a model file's network
/// exactly as the file says, and writes netview's output format (MPI-safe).
public struct PyNESTExport {
    public var model: ModelFile
    /// The model file's path as the user gave it, for the script's header.
    public var sourcePath: String

    /// The file's parameters as Python variables, and its expressions over them.
    let py: PythonParameters

    public init(model: ModelFile, sourcePath: String) {
        self.model = model
        self.sourcePath = sourcePath
        py = PythonParameters(model)
    }

    /// NEST's rng_seed must lie in 1...2^32-1.
    var rngSeed: UInt64 { let s = model.seed % 4_294_967_295; return s == 0 ? 1 : s }

    public func script() throws -> String {
        var out = header() + preamble() + "\n"
        out += section("kernel (model file: kernel)")
        out += """
        t_start = time.perf_counter()
        nest.ResetKernel()
        if hasattr(nest, "VerbosityLevel"):
            nest.verbosity = nest.VerbosityLevel.WARNING
        else:
            nest.set_verbosity("M_WARNING")
        nest.SetKernelStatus({"resolution": \(Py.number(model.resolution)), "rng_seed": RNG_SEED, "local_num_threads": args.threads})
        RANK, SIZE = nest.Rank(), nest.NumProcesses()
        rng = np.random.default_rng(NETWORK_SEED)  # connection lists NEST has no rule for (max_indegree)
        nodes = {}


        """
        out += section("nodes (model file: nodes), created in file order so node ids are the same")
        for (i, n) in model.nodes.enumerated() { out += node(i, n) }
        out += "\n" + section("connections (model file: connections)")
        out += "synapses = []  # per entry: connections made\n"
        for (i, c) in model.connections.enumerated() { out += try connection(i, c) }
        out += listConnections()
        out += "\n" + section("simulate (model file: simulate, or --time)")
        out += simulateAndWrite()
        return out
    }

    func section(_ title: String) -> String { "# --- \(title)\n" }

    /// The node ids and recorded cells of FACTS, taken from the network built (the parameters
    /// above may have been changed since the export).
    func factsFromTheNetwork() -> String {
        "# Node ids and recorded cells as built (sizes follow the parameters above).\n"
            + ScriptParts.facts(model, firstID: "nodes[k][0].global_id", size: "len(nodes[k])") { "\(selection($0)).tolist()" }
    }

    /// `--connections FILE`: NEST's GetConnections as `netview connections --csv` lists the
    /// kernel's synapses (recorder and meter links left out), one row per synapse, sorted.
    func listConnections() -> String {
        let left = model.nodes.filter { ["spike_recorder", "voltmeter", "multimeter"].contains($0.model) }.map { Py.string($0.name) }
        return """
        if args.connections:
            left_out = set()
            for name in [\(left.joined(separator: ", "))]:
                left_out.update(nodes[name].tolist())
            found = nest.GetConnections().get(["source", "target", "weight", "delay"])
            if not isinstance(found["source"], list):
                found = {k: [v] for k, v in found.items()}
            rows = sorted((s, t, w, d) for s, t, w, d in zip(found["source"], found["target"], found["weight"], found["delay"])
                          if s not in left_out and t not in left_out)
            with open(args.connections + ("" if SIZE == 1 else ".rank-%d" % RANK), "w") as f:
                f.write("source,target,weight,delay_ms\\n")
                f.writelines("%d,%d,%r,%r\\n" % (s, t, float(w), float(d)) for s, t, w, d in rows)

        """
    }

    func header() -> String {
        let desc = wrap(model.description, width: 96).map { $0.isEmpty ? "" : "    " + Py.text($0) }.joined(separator: "\n")
        return """
        #!/usr/bin/env python3
        \"\"\"\(Py.text(model.name)): a PyNEST 3 script exported by `netview export` from \(Py.text(URL(fileURLWithPath: sourcePath).lastPathComponent)).

        \(desc)

        Run it with NEST 3 (numpy needed; mpi4py used when present):
            python SCRIPT.py [--time MS] [--out DIR] [--threads N]
            mpirun -np N python SCRIPT.py     # an MPI build of NEST: each rank writes R.rank-K.csv
        It writes DIR/<recorder>.csv and DIR/summary.json in netview's output format (default
        out/\(Py.text(model.slug))); compare with `netview compare DIR OTHER_DIR`.
        \"\"\"

        import argparse
        import json
        import math
        import os
        import platform
        import resource
        import time

        import numpy as np
        import nest


        """
    }

    func preamble() -> String {
        ScriptParts.constants(model, rngSeed: rngSeed, rngComment: "kernel.seed: NEST's one random stream (Poisson input, nest.random draws)",
                              parameterBlock: py.block)
            + ScriptParts.arguments(model, seedHelp: "another seed for both NEST's stream and the numpy network draws (1 to 2**32-1)",
                                    extra: "parser.add_argument(\"--connections\", default=None, metavar=\"FILE\",\n                    help=\"also write every synapse (GetConnections) to FILE as CSV, as netview connections --csv lists them\")\n")
            + ScriptParts.numpyHelpers + """


        def ids(nc):
            return np.array(nc.tolist(), dtype=np.int64)

        """
    }

    func node(_ i: Int, _ n: NodeSpec) -> String {
        // record_to and time_in_steps stay NEST's defaults: the script reads events from memory, in ms.
        let fixed = n.params.filter {
            if case .distribution = $0.value { return false }
            return $0.key != "record_to" && $0.key != "time_in_steps"
        }
        let drawn = n.params.filter { if case .distribution = $0.value { return true }; return false }
        var s = "# nodes[\(i)] \(Py.comment(n.name)): \(n.model) x \(n.n)\n"
        let p = fixed.isEmpty ? "" : ", params=" + Py.dict(fixed.map { f in
            if case let .number(x) = f.value { return (f.key, py.value(["nodes", i, "params", f.key], x)) }
            return (f.key, Py.value(f.value, integers: f.key == "spike_multiplicities"))
        })
        let count = py.integer(["nodes", i, "n"], n.n, what: "nodes[\(i)].n")
        s += "nodes[\(Py.string(n.name))] = nest.Create(\(Py.string(n.model)), \(count)\(p))\n"
        if !drawn.isEmpty {
            s += "nodes[\(Py.string(n.name))].set(\(Py.dict(drawn.map { ($0.key, Py.value($0.value)) })))  # one draw per neuron\n"
        }
        for sl in n.slices {
            s += "nodes[\(Py.string(n.name))][\(sl.range.lowerBound):\(sl.range.upperBound)].set(\(Py.dict(sl.params.map { ($0.key, Py.value($0.value)) })))  # slices\n"
        }
        return s
    }

    func selection(_ sel: Selection) -> String {
        let base = "nodes[\(Py.string(sel.node))]"
        guard let r = sel.range else { return base }
        return "\(base)[\(r.lowerBound):\(r.upperBound)]"
    }

    func selections(_ list: [Selection]) -> String { list.map(selection).joined(separator: " + ") }

    func text(_ v: Value) -> String {
        JSONOut(v).render(pretty: false)
    }

    func connection(_ i: Int, _ c: ConnectionSpec) throws -> String {
        let toDevice = c.target.allSatisfy { model.node(named: $0.node)?.model == "spike_recorder" }
            || c.source.allSatisfy { ["voltmeter", "multimeter"].contains(model.node(named: $0.node)?.model ?? "") }
        var s = "# connections[\(i)]: \(Py.comment(text(c.sourceText))) -> \(Py.comment(text(c.targetText))), \(c.conn.ruleName)\n"
        s += "before = nest.num_connections\n"
        var conn: [(String, String)] = [("rule", Py.string(c.conn.ruleName))]
        var cap: Int?
        var p = 0.0
        switch c.conn.rule {
        case .allToAll, .oneToOne: break
        case let .fixedIndegree(k): conn.append(("indegree", py.integer(["connections", i, "conn_spec", "indegree"], k, what: "connections[\(i)].conn_spec.indegree")))
        case let .fixedOutdegree(k): conn.append(("outdegree", py.integer(["connections", i, "conn_spec", "outdegree"], k, what: "connections[\(i)].conn_spec.outdegree")))
        case let .fixedTotalNumber(k): conn.append(("N", py.integer(["connections", i, "conn_spec", "N"], k, what: "connections[\(i)].conn_spec.N")))
        case let .pairwiseBernoulli(pp, maxIn): conn.append(("p", py.value(["connections", i, "conn_spec", "p"], pp))); cap = maxIn; p = pp
        }
        if !c.conn.allowAutapses { conn.append(("allow_autapses", "False")) }
        if !c.conn.allowMultapses { conn.append(("allow_multapses", "False")) }
        if let cap {
            // NEST has no max_indegree: the same scan as netview's, drawn here with numpy.
            s += "pre, post = capped_bernoulli(np.concatenate([\(c.source.map { "ids(\(selection($0)))" }.joined(separator: ", "))]), "
            s += "np.concatenate([\(c.target.map { "ids(\(selection($0)))" }.joined(separator: ", "))]), "
            s += "\(py.value(["connections", i, "conn_spec", "p"], p)), \(cap), \(c.conn.allowAutapses ? "True" : "False"))\n"
            s += "by_source = np.argsort(pre, kind=\"stable\")  # NEST stores by source; keep each source's scan order\n"
            func draw(_ v: SynValue, _ key: String) -> String {
                switch v {
                case let .constant(x): return "np.full(len(pre), \(py.value(["connections", i, "syn_spec", key], x)))"
                case let .random(d): return Py.numpyDraw(d, size: "len(pre)")
                }
            }
            s += "drawn_weight = \(draw(c.syn.weight, "weight"))[by_source]\n"
            s += "drawn_delay = \(draw(c.syn.delay, "delay"))[by_source]\n"
            s += "if len(pre):\n"
            s += "    nest.Connect(pre[by_source], post[by_source], \"one_to_one\", {\"synapse_model\": \"static_synapse\", \"weight\": drawn_weight, \"delay\": drawn_delay})\n"
        } else {
            var synPairs = [("synapse_model", "\"static_synapse\"")]
            // Recorder and meter links carry no events: NEST's defaults, as the file leaves them.
            func syn(_ v: SynValue, _ key: String) -> String {
                if case let .constant(x) = v { return py.value(["connections", i, "syn_spec", key], x) }
                return Py.synValue(v)
            }
            if !toDevice || c.syn != SynSpec() { synPairs += [("weight", syn(c.syn.weight, "weight")), ("delay", syn(c.syn.delay, "delay"))] }
            let syn = Py.dict(synPairs)
            s += "nest.Connect(\(selections(c.source)), \(selections(c.target)),\n             \(Py.dict(conn)),\n             \(syn))\n"
        }
        s += "synapses.append({\"source\": \(text(c.sourceText)), \"target\": \(text(c.targetText)), "
        s += "\"rule\": \(Py.string(c.conn.ruleName)), \"synapses\": nest.num_connections - before, \"device_link\": \(toDevice ? "True" : "False")})\n\n"
        return s
    }

    func simulateAndWrite() -> String {
        let neurons = model.nodes.filter { ModelCatalog.spec($0.model)?.kind == .neuron }
        let recorders = model.nodes.filter { ModelCatalog.spec($0.model)?.kind == .recorder }
        var s = ""
        if !neurons.isEmpty {
            s += "# Counts every neuron of every population for the summary (created last: no id changes).\n"
            s += "counter = nest.Create(\"spike_recorder\")\n"
            for n in neurons { s += "nest.Connect(nodes[\(Py.string(n.name))], counter)\n" }
        }
        s += """
        t_built = time.perf_counter()
        nest.Simulate(args.time)
        t_done = time.perf_counter()

        os.makedirs(args.out, exist_ok=True)
        suffix = ".csv" if SIZE == 1 else ".rank-%d.csv" % RANK  # MPI: each rank writes its own events
        clear_earlier_files(args.out)


        def write_events(name, columns):
            \"\"\"One recorder's events in netview's format, rows sorted by time then sender.\"\"\"
            ev = nodes[name].get("events")
            s, t = np.asarray(ev["senders"], dtype=np.int64), np.asarray(ev["times"], dtype=float)
            cols = [np.asarray(ev[c], dtype=float) for c in columns]
            order = np.lexsort((s, t))
            with open(os.path.join(args.out, name + suffix), "w") as f:
                f.write(",".join(["sender", "time_ms"] + columns) + "\\n")
                f.writelines(",".join([str(int(s[i])), repr(float(t[i]))] + [repr(float(c[i])) for c in cols]) + "\\n"
                             for i in order)


        """
        for r in recorders {
            if r.model == "spike_recorder" {
                s += "write_events(\(Py.string(r.name)), [])  # nodes: \(Py.comment(r.name))\n"
            } else {
                s += "write_events(\(Py.string(r.name)), list(nodes[\(Py.string(r.name))].get(\"record_from\")))  # nodes: \(Py.comment(r.name))\n"
            }
        }
        let pops = neurons.map { "(\(Py.string($0.name)), len(nodes[\(Py.string($0.name))]))" }.joined(separator: ", ")
        s += """

        # Spike counts of this rank's neurons, summed over ranks with mpi4py when present.
        populations = {}
        senders = np.asarray(counter.get("events")["senders"], dtype=np.int64) if \(neurons.isEmpty ? "False" : "True") else np.zeros(0, dtype=np.int64)
        for name, n in [\(pops)]:
            first = nodes[name][0].global_id
            populations[name] = {"n": n, "spikes": int(np.count_nonzero((senders >= first) & (senders < first + n)))}
        """
        s += "\n" + factsFromTheNetwork()
        s += "\n" + ScriptParts.summary(resolution: "nest.resolution", version: "\"nest-\" + nest.__version__", simulator: "nest")
        return s
    }
}

/// Splits text into lines of at most `width` characters at spaces.
func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
        if !line.isEmpty && line.count + 1 + word.count > width { lines.append(line); line = "" }
        line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines
}
