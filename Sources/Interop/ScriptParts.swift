import ModelFiles
import NetCore

/// The parts the exported Python scripts share: constants, command line, numpy helpers and the
/// summary they write in netview's format.
enum ScriptParts {
    static func constants(_ model: ModelFile, rngSeed: UInt64, rngComment: String, parameterBlock: String? = nil) -> String {
        let params = parameterBlock != nil ? "" : model.parameters.map { "\($0.name) = \(Py.number($0.value))" }.joined(separator: ", ")
        return """
        MODEL = \(Py.string(model.name))
        OUT_NAME = \(Py.string(model.slug))  # the model's name as a path component: the default --out is out/OUT_NAME
        RNG_SEED = \(rngSeed)  # \(rngComment)
        NETWORK_SEED = \(model.seeds.network)  # the network seed: numpy draws of explicit connection lists
        \(params.isEmpty ? "" : "# parameters as resolved: \(Py.comment(params))\n")
        # What `netview compare` reads besides the recorders: node ids, recorded cells, determinism.
        FACTS = json.loads(\(Py.string(JSONOut.obj(model.comparisonFacts).render(pretty: false))))

        \(parameterBlock ?? "")
        """
    }

    /// FACTS' node ids and recorded cells as the script computes them from the network it builds,
    /// so that they follow parameters changed in the script: `firstID` and `size` are Python
    /// expressions of a node's name `k`, `ids` gives the Python iterable of a selection's ids.
    static func facts(_ model: ModelFile, firstID: String, size: String, ids: (Selection) -> String) -> String {
        var s = "FACTS[\"nodes\"] = [{\"name\": k, \"model\": m, \"first_id\": \(firstID), \"n\": \(size)} for k, m in ["
        s += model.nodes.map { "(\(Py.string($0.name)), \(Py.string($0.model)))" }.joined(separator: ", ") + "]]\n"
        s += "recorded_ids = {}\n"
        for rec in model.nodes where rec.model == "spike_recorder" {
            s += "recorded_ids[\(Py.string(rec.name))] = {}\n"
            for c in model.connections where c.target.contains(where: { $0.node == rec.name }) {
                for src in c.source {
                    guard let node = model.node(named: src.node), ModelCatalog.spec(node.model)?.kind == .neuron else { continue }
                    s += "recorded_ids[\(Py.string(rec.name))].setdefault(\(Py.string(src.node)), set()).update(\(ids(src)))\n"
                }
            }
        }
        let order = model.nodes.map { Py.string($0.name) }.joined(separator: ", ")
        s += "FACTS[\"recorded\"] = {r: {k: id_runs(got[k]) for k in [\(order)] if k in got} for r, got in recorded_ids.items()}\n"
        return s
    }

    /// `--time`, `--out`, `--threads`, `--seed`, as the script's argparse lines; sets SEEDS.
    static func arguments(_ model: ModelFile, seedHelp: String, extra: String = "") -> String {
        """
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--time", type=float, default=\(Py.number(model.simulate)), help="model time to simulate in ms")
        parser.add_argument("--out", default=os.path.join("out", OUT_NAME), help="output folder")
        parser.add_argument("--threads", type=int, default=\(model.threads), help="threads per process")
        parser.add_argument("--seed", type=int, default=None,
                            help="\(seedHelp)")
        \(extra)args = parser.parse_args()
        if args.seed is not None:
            if not 1 <= args.seed < 2**32:
                parser.error("--seed must lie in 1 to 2**32-1")
            RNG_SEED = NETWORK_SEED = args.seed
        SEEDS = {"network": NETWORK_SEED, "stimulus": RNG_SEED, "state": RNG_SEED}

        """
    }

    static let numpyHelpers = """


    def clear_earlier_files(out):
        \"\"\"Removes what an earlier run left in `out` that this run would not overwrite, so that
        merging never mixes two runs: other ranks' files (R.rank-K.csv with K >= SIZE, or any when
        SIZE is 1), the single-process R.csv when SIZE > 1, and the summaries (each rank its own,
        rank 0 summary.json): a summary marks a complete folder.\"\"\"
        for f in os.listdir(out):
            stem, ext = os.path.splitext(f)
            base, sep, k = stem.rpartition(".rank-")
            ranked = sep != "" and k.isdigit()
            name = base if ranked else stem
            if ext not in (".csv", ".json") or not (name in nodes or name == "summary"):
                continue
            if ranked:
                stale = (int(k) == RANK and name == "summary") or (RANK == 0 and (SIZE == 1 or int(k) >= SIZE))
            else:
                stale = RANK == 0 and (name == "summary" or SIZE > 1)
            if stale:
                try:
                    os.remove(os.path.join(out, f))
                except FileNotFoundError:
                    pass


    def whole(x, what):
        \"\"\"An integer as netview reads one from an expression: within 1e-9 of a whole number.\"\"\"
        r = round(x)
        if abs(x - r) > 1e-9 * max(1.0, abs(x)):
            raise SystemExit("%s must be an integer, got %r" % (what, x))
        return int(r)


    def id_runs(ids):
        \"\"\"Sorted ids as [first, end) runs of consecutive ids.\"\"\"
        out = []
        for i in sorted(ids):
            if out and out[-1][1] == i:
                out[-1][1] = i + 1
            else:
                out.append([i, i + 1])
        return out


    def normal_redraw(rng, mean, std, lo, hi, size):
        \"\"\"Normal draws, values outside [lo, hi] redrawn (nest.math.redraw in numpy).\"\"\"
        x = rng.normal(mean, std, size)
        bad = (x < lo) | (x > hi)
        while bad.any():
            x[bad] = rng.normal(mean, std, int(bad.sum()))
            bad = (x < lo) | (x > hi)
        return x


    def capped_bernoulli(src, tgt, p, cap, autapses):
        \"\"\"pairwise_bernoulli with max_indegree: per target, scan the sources in order, accept each
        with probability p and keep the first `cap` accepted ones. Returns (pre, post) id arrays.\"\"\"
        pre, post = [], []
        block = max(1, 2_000_000 // max(1, len(src)))
        for t0 in range(0, len(tgt), block):
            t = tgt[t0:t0 + block]
            accept = rng.random((len(t), len(src))) < p
            if not autapses:
                accept &= src[None, :] != t[:, None]
            accept &= np.cumsum(accept, axis=1) <= cap
            ti, si = np.nonzero(accept)  # row-major: per target, sources in scan order
            pre.append(src[si])
            post.append(t[ti])
        return np.concatenate(pre), np.concatenate(post)

    """

    /// Sums spike counts over MPI ranks and writes summary.json (or summary.rank-K.json). Expects
    /// `populations` ({name: {n, spikes}}), `synapses`, `t_start`, `t_built`, `t_done`, RANK, SIZE.
    static func summary(resolution: String, version: String, simulator: String) -> String {
        """
        # Under MPI each rank counts its own neurons' spikes and its own synapses: summed over the
        # ranks with mpi4py (times as the slowest rank's, memory summed), else each rank writes
        # summary.rank-K.json with its share and no rates, and netview compare sums them.
        per_rank_summary = False
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        if SIZE > 1:
            try:
                from mpi4py import MPI
                comm = MPI.COMM_WORLD
                for p in populations.values():
                    p["spikes"] = comm.allreduce(p["spikes"])
                for e in synapses:
                    e["synapses"] = comm.allreduce(e["synapses"])
                t_start, t_built, t_done = comm.allreduce(t_start, op=MPI.MIN), comm.allreduce(t_built, op=MPI.MAX), comm.allreduce(t_done, op=MPI.MAX)
                peak_mb = comm.allreduce(peak_mb)
            except ImportError:
                per_rank_summary = True
        if not per_rank_summary:
            for p in populations.values():
                p["rate_hz"] = p["spikes"] / p["n"] / (args.time / 1000.0) if args.time > 0 else 0.0

        summary = {
            "model": MODEL,
            "simulated_ms": args.time,
            "resolution": \(resolution),
            "seeds": SEEDS,
            "threads": args.threads,
            "processes": SIZE,
            "populations": populations,
            "synapses": sum(e["synapses"] for e in synapses if not e["device_link"]),
            "connections": [{k: v for k, v in e.items() if k != "device_link"} for e in synapses],
            "build_s": t_built - t_start,
            "simulate_s": t_done - t_built,
            "realtime_factor": args.time / 1000.0 / (t_done - t_built) if t_done > t_built else 0.0,
            "peak_memory_mb": peak_mb,
            "version": \(version),
            "platform": "%s %s %s" % (platform.system(), platform.release(), platform.machine()),
            "simulator": \(Py.string(simulator)),
        }
        summary.update(FACTS)
        if per_rank_summary:
            summary["rank"] = RANK
        if per_rank_summary or RANK == 0:
            name = "summary.rank-%d.json" % RANK if per_rank_summary else "summary.json"
            with open(os.path.join(args.out, name + ".tmp"), "w") as f:
                json.dump(summary, f, indent=1)
                f.write("\\n")
            os.replace(os.path.join(args.out, name + ".tmp"), os.path.join(args.out, name))  # a summary marks a complete folder
        if RANK == 0:
            print("%s: built in %.2f s, simulated %g ms in %.2f s; wrote %s" % (MODEL, summary["build_s"], args.time, summary["simulate_s"], args.out))

        """
    }
}
