#!/usr/bin/env python3
"""Build and run a netview model file in NEST 3 (PyNEST).

Reads a model file in netview's format (docs/model-files.md: JSON, or YAML if PyYAML is
installed), creates the nodes in file order, connects each entry as NEST's Connect would,
simulates, and writes what `netview run --out DIR` writes, so the two can be compared:

  DIR/<R>.csv      one per spike_recorder (sender,time_ms) and per voltmeter/multimeter
                   (sender,time_ms,<record_from...>), rows sorted by time then sender
  DIR/summary.json model, simulated_ms, resolution, seeds, threads, populations
                   {NAME: {n, spikes, rate_hz, cv_isi}} (all neurons of each neuron node, counted
                   by a hidden spike recorder), synapses, connections, build_s, simulate_s,
                   realtime_factor, peak_memory_mb, version, platform

Usage:
  python bench/nest_model.py assets/brunel2000.json --param order=250 --seed 1 --out /tmp/x
  python bench/nest_model.py assets/balanced_neuron.json --bisect --out /tmp/b

NEST has a single random stream: kernel.seed (or --seed) becomes rng_seed; explicit
kernel.seeds are ignored (their `network` entry seeds the max_indegree scan, see below).

pairwise_bernoulli with max_indegree (not a NEST rule): for each target, the sources are
scanned in order, each accepted with probability p (autapses skipped unless allowed), and the
first max_indegree accepted ones are kept; drawn with numpy from the network seed and connected
as explicit one_to_one lists.
"""

import argparse
import ast
import json
import math
import os
import platform
import re
import resource
import sys
import time

import numpy as np

DEVICE_MODELS = {"poisson_generator", "spike_generator", "dc_generator",
                 "spike_recorder", "voltmeter", "multimeter"}
RECORDERS = {"spike_recorder"}
METERS = {"voltmeter", "multimeter"}
INTEGER_KEYS = {"n", "indegree", "outdegree", "N", "max_indegree"}


class ModelError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# expressions and parameters

def evaluate(expr, names, where):
    """Evaluate an arithmetic expression (+ - * /, parentheses, numbers, parameter names)."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError:
        raise ModelError(f"{where}: cannot parse expression '{expr}'")

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise ModelError(f"{where}: unknown parameter '{node.id}' in '{expr}'")
            return names[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if b == 0:
                raise ModelError(f"{where}: division by zero in '{expr}'")
            return a / b
        raise ModelError(f"{where}: only + - * / ( ) numbers and parameter names are allowed in '{expr}'")

    return ev(tree)


def is_expression(s):
    return isinstance(s, str) and re.fullmatch(r"[\sA-Za-z0-9_.+\-*/()eE]+", s) is not None \
        and s.strip().lower() not in ("inf", "-inf")


class Env:
    def __init__(self, parameters, overrides):
        self.names = {}
        unknown = set(overrides) - set(parameters or {})
        if unknown:
            raise ModelError(f"--param: no parameter named {', '.join(sorted(unknown))} in the file")
        for key, value in (parameters or {}).items():
            where = f"parameters.{key}"
            if key in overrides:
                value = overrides[key]
            self.names[key] = self.number(value, where)

    def number(self, value, where, integer=False):
        if isinstance(value, bool):
            raise ModelError(f"{where}: expected a number, got {value}")
        if isinstance(value, (int, float)):
            x = float(value)
        elif isinstance(value, str):
            if value.strip().lower() in ("inf", "-inf"):
                x = float(value.strip())
            else:
                x = evaluate(value, self.names, where)
        else:
            raise ModelError(f"{where}: expected a number or an expression, got {json.dumps(value)}")
        if integer:
            r = round(x)
            if abs(x - r) > 1e-9 * max(1.0, abs(x)):
                raise ModelError(f"{where}: expected an integer, '{value}' is {x}")
            return int(r)
        return x

    def value(self, value, where, integer=False):
        """A parameter value: number, expression, string, bool, array or distribution."""
        if isinstance(value, dict):
            return self.distribution(value, where)
        if isinstance(value, list):
            return [self.value(v, f"{where}[{i}]") if not isinstance(v, str) else v
                    for i, v in enumerate(value)]
        if isinstance(value, str) and not is_expression(value):
            if value.strip().lower() in ("inf", "-inf"):
                return float(value.strip())
            return value
        if isinstance(value, str):
            try:
                return self.number(value, where, integer)
            except ModelError:
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value.strip()) and value.strip() not in self.names:
                    return value  # a plain string such as a model name
                raise
        if isinstance(value, bool):
            return value
        return self.number(value, where, integer)

    def distribution(self, d, where):
        import nest
        if len(d) != 1:
            raise ModelError(f"{where}: a distribution is one of uniform, normal, lognormal")
        kind, args = next(iter(d.items()))
        a = {k: self.number(v, f"{where}.{kind}.{k}") for k, v in args.items()}
        if kind == "uniform":
            return nest.random.uniform(min=a["min"], max=a["max"])
        if kind == "normal":
            p = nest.random.normal(mean=a.get("mean", 0.0), std=a.get("std", 1.0))
            if "min" in a or "max" in a:
                p = nest.math.redraw(p, min=a.get("min", -math.inf), max=a.get("max", math.inf))
            return p
        if kind == "lognormal":
            return nest.random.lognormal(mean=a.get("mu", 0.0), std=a.get("sigma", 1.0))
        raise ModelError(f"{where}: unknown distribution '{kind}' (uniform, normal, lognormal)")

    def numpy_draw(self, value, size, rng, where):
        """Draw a weight/delay for explicit connection lists."""
        if not isinstance(value, dict):
            return self.number(value, where)
        kind, args = next(iter(value.items()))
        a = {k: self.number(v, f"{where}.{kind}.{k}") for k, v in args.items()}
        if kind == "uniform":
            return rng.uniform(a["min"], a["max"], size)
        if kind == "normal":
            x = rng.normal(a.get("mean", 0.0), a.get("std", 1.0), size)
            lo, hi = a.get("min", -math.inf), a.get("max", math.inf)
            bad = (x < lo) | (x > hi)
            while bad.any():
                x[bad] = rng.normal(a.get("mean", 0.0), a.get("std", 1.0), bad.sum())
                bad = (x < lo) | (x > hi)
            return x
        if kind == "lognormal":
            return rng.lognormal(a.get("mu", 0.0), a.get("sigma", 1.0), size)
        raise ModelError(f"{where}: unknown distribution '{kind}'")


# ---------------------------------------------------------------------------------------------
# model file

def load(path):
    with open(path) as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        import yaml
        return yaml.safe_load(text)
    return json.loads(text)


SELECTOR = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*(\d+)\s*(?::\s*(\d+)\s*)?\])?\s*$")


def select(spec, nodes, where):
    """Global ids (numpy int64, in order) of a node name / slice / element / array of these."""
    if isinstance(spec, list):
        if not spec:
            raise ModelError(f"{where}: empty list")
        return np.concatenate([select(s, nodes, f"{where}[{i}]") for i, s in enumerate(spec)])
    if not isinstance(spec, str):
        raise ModelError(f"{where}: expected a node name, a slice or a list")
    m = SELECTOR.match(spec)
    if not m:
        raise ModelError(f"{where}: cannot read '{spec}' (NAME, NAME[a:b] or NAME[i])")
    name, a, b = m.group(1), m.group(2), m.group(3)
    if name not in nodes:
        raise ModelError(f"{where}: no node named '{name}'")
    first, n = nodes[name]["first"], nodes[name]["n"]
    if a is None:
        return np.arange(first, first + n, dtype=np.int64)
    a = int(a)
    if b is None:
        if a >= n:
            raise ModelError(f"{where}: index {a} outside {name} (n {n})")
        return np.array([first + a], dtype=np.int64)
    b = int(b)
    if not (a < b <= n):
        raise ModelError(f"{where}: slice [{a}:{b}] outside {name} (n {n}) or empty")
    return np.arange(first + a, first + b, dtype=np.int64)


def collection(ids, where):
    import nest
    if len(ids) > 1 and not np.all(np.diff(ids) > 0):
        raise ModelError(f"{where}: NEST needs node lists in ascending id order without repeats")
    return nest.NodeCollection([int(i) for i in ids]) if len(ids) else None


# ---------------------------------------------------------------------------------------------
# building

def build(model, args, env):
    import nest
    kernel = model.get("kernel", {})
    h = env.number(kernel.get("resolution", 0.1), "kernel.resolution")
    seed = args.seed if args.seed is not None else env.number(kernel.get("seed", 1), "kernel.seed", True)
    seeds = dict(kernel.get("seeds", {}))
    network_seed = int(seeds.get("network", seed))
    threads = args.threads if args.threads is not None else env.number(kernel.get("threads", 1), "kernel.threads", True)

    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.WARNING
    else:
        nest.set_verbosity("M_WARNING")
    nest.SetKernelStatus({"resolution": h, "rng_seed": int(seed), "local_num_threads": int(threads)})

    nodes = {}
    for i, nd in enumerate(model["nodes"]):
        where = f"nodes[{i}]"
        name, mdl = nd["name"], nd["model"]
        if name in nodes:
            raise ModelError(f"{where}.name: duplicate node name '{name}'")
        n = env.number(nd.get("n", 1), f"{where}.n", integer=True)
        params = {k: env.value(v, f"{where}.params.{k}") for k, v in (nd.get("params") or {}).items()}
        static = {k: v for k, v in params.items() if not isinstance(v, nest.Parameter)}
        random = {k: v for k, v in params.items() if isinstance(v, nest.Parameter)}
        nc = nest.Create(mdl, n, params=static or None)
        if random:
            nc.set(random)
        nodes[name] = {"model": mdl, "n": n, "first": nc[0].global_id, "nc": nc,
                       "neuron": mdl not in DEVICE_MODELS}

    rng = np.random.default_rng(network_seed)
    entries = []
    for i, c in enumerate(model.get("connections", [])):
        where = f"connections[{i}]"
        src = select(c["source"], nodes, f"{where}.source")
        tgt = select(c["target"], nodes, f"{where}.target")
        cs = c.get("conn_spec", "all_to_all")
        if isinstance(cs, str):
            cs = {"rule": cs}
        cs = {k: (env.value(v, f"{where}.conn_spec.{k}", k in INTEGER_KEYS) if k != "rule" else v)
              for k, v in cs.items()}
        ss_in = c.get("syn_spec", {}) or {}
        ss = {"synapse_model": ss_in.get("synapse_model", "static_synapse")}
        for k in ("weight", "delay"):
            if k in ss_in:
                ss[k] = env.value(ss_in[k], f"{where}.syn_spec.{k}")
        before = nest.num_connections
        if cs.get("rule") == "pairwise_bernoulli" and "max_indegree" in cs:
            connect_capped(src, tgt, cs, ss, ss_in, env, rng, where)
        else:
            nest.Connect(collection(src, f"{where}.source"), collection(tgt, f"{where}.target"), cs, ss)
        made = nest.num_connections - before
        to_devices = all(nodes[n]["model"] in RECORDERS for n in node_names(c["target"])) \
            or all(nodes[n]["model"] in METERS for n in node_names(c["source"]))
        entries.append({"source": c["source"], "target": c["target"], "rule": cs.get("rule", "all_to_all"),
                        "synapses": made, "device_link": bool(to_devices), "_src": src, "_tgt": tgt})

    # hidden recorder counting every neuron of every neuron node
    hidden = None
    neuron_nodes = [k for k, v in nodes.items() if v["neuron"]]
    if neuron_nodes:
        hidden = nest.Create("spike_recorder")
        for k in neuron_nodes:
            nest.Connect(nodes[k]["nc"], hidden)
    return {"nodes": nodes, "entries": entries, "hidden": hidden, "h": h, "threads": int(threads),
            "seed": int(seed), "seeds": {"network": network_seed, "stimulus": int(seed), "state": int(seed)}}


def degrees(entries, limit=5_000_000):
    """in/out-degree {min, mean, max} per entry, from GetConnections, for networks up to `limit`
    synapses and entries whose (source, target) sets no other entry shares."""
    import nest
    if nest.num_connections > limit:
        return
    for i, e in enumerate(entries):
        if e["device_link"]:
            continue
        shared = any(j != i and not f["device_link"]
                     and np.intersect1d(e["_src"], f["_src"]).size and np.intersect1d(e["_tgt"], f["_tgt"]).size
                     for j, f in enumerate(entries))
        if shared:
            continue
        src, tgt = np.unique(e["_src"]), np.unique(e["_tgt"])
        conns = nest.GetConnections(source=nest.NodeCollection(src.tolist()), target=nest.NodeCollection(tgt.tolist()))
        st = np.atleast_1d(conns.get("source")) if len(conns) else np.zeros(0, dtype=np.int64)
        tt = np.atleast_1d(conns.get("target")) if len(conns) else np.zeros(0, dtype=np.int64)
        for key, ids, col in (("indegree", e["_tgt"], tt), ("outdegree", e["_src"], st)):
            uniq, counts = np.unique(col, return_counts=True)
            d = dict(zip(uniq.tolist(), counts.tolist()))
            v = np.array([d.get(int(k), 0) for k in ids])
            e[key] = {"min": int(v.min()), "mean": float(v.mean()), "max": int(v.max())}


def node_names(spec):
    return [SELECTOR.match(s).group(1) for s in (spec if isinstance(spec, list) else [spec])]


def connect_capped(src, tgt, cs, ss, ss_in, env, rng, where):
    """pairwise_bernoulli + max_indegree: per target, scan the sources in order, keep the first
    max_indegree accepted ones."""
    import nest
    p = cs["p"]
    cap = cs["max_indegree"]
    autapses = cs.get("allow_autapses", True)
    pre_all, post_all = [], []
    block = max(1, 2_000_000 // max(1, len(src)))
    for t0 in range(0, len(tgt), block):
        t = tgt[t0:t0 + block]
        accept = rng.random((len(t), len(src))) < p
        if not autapses:
            accept &= src[None, :] != t[:, None]
        accept &= np.cumsum(accept, axis=1) <= cap
        ti, si = np.nonzero(accept)  # row-major: per target, sources in scan order
        pre_all.append(src[si])
        post_all.append(t[ti])
    pre = np.concatenate(pre_all)
    post = np.concatenate(post_all)
    if len(pre) == 0:
        return
    spec = {"synapse_model": ss["synapse_model"]}
    for k in ("weight", "delay"):
        if k in ss_in:
            v = env.numpy_draw(ss_in[k], len(pre), rng, f"{where}.syn_spec.{k}")
            spec[k] = np.asarray(v, dtype=float) if np.ndim(v) else np.full(len(pre), float(v))
    order = np.argsort(pre, kind="stable")  # NEST stores by source; keep per-source scan order
    for k in ("weight", "delay"):
        if k in spec:
            spec[k] = spec[k][order]
    nest.Connect(pre[order], post[order], "one_to_one", spec)


# ---------------------------------------------------------------------------------------------
# output

def fmt(x):
    return repr(float(x))


def write_recorders(net, out):
    nodes = net["nodes"]
    for name, nd in nodes.items():
        if nd["model"] in RECORDERS:
            ev = nd["nc"].get("events")
            s, t = np.asarray(ev["senders"]), np.asarray(ev["times"])
            order = np.lexsort((s, t))
            with open(os.path.join(out, f"{name}.csv"), "w") as f:
                f.write("sender,time_ms\n")
                f.writelines(f"{int(s[i])},{fmt(t[i])}\n" for i in order)
        elif nd["model"] in METERS:
            rec = list(nd["nc"].get("record_from"))
            ev = nd["nc"].get("events")
            s, t = np.asarray(ev["senders"]), np.asarray(ev["times"])
            cols = [np.asarray(ev[r]) for r in rec]
            order = np.lexsort((s, t))
            with open(os.path.join(out, f"{name}.csv"), "w") as f:
                f.write(",".join(["sender", "time_ms"] + rec) + "\n")
                f.writelines(",".join([str(int(s[i])), fmt(t[i])] + [fmt(c[i]) for c in cols]) + "\n"
                             for i in order)


def populations(net, T):
    nodes, out = net["nodes"], {}
    if net["hidden"] is None:
        return out
    ev = net["hidden"].get("events")
    s, t = np.asarray(ev["senders"], dtype=np.int64), np.asarray(ev["times"])
    order = np.lexsort((t, s))
    s, t = s[order], t[order]
    for name, nd in nodes.items():
        if not nd["neuron"]:
            continue
        lo, hi = nd["first"], nd["first"] + nd["n"]
        a, b = np.searchsorted(s, lo), np.searchsorted(s, hi)
        ss, tt = s[a:b], t[a:b]
        cvs = []
        if len(ss):
            bounds = np.flatnonzero(np.diff(ss)) + 1
            for seg_s, seg_t in zip(np.split(ss, bounds), np.split(tt, bounds)):
                if len(seg_t) >= 3:
                    isi = np.diff(seg_t)
                    if isi.mean() > 0:
                        cvs.append(isi.std() / isi.mean())
        out[name] = {"n": nd["n"], "spikes": int(len(ss)),
                     "rate_hz": len(ss) * 1000.0 / T / nd["n"] if T > 0 else 0.0,
                     "cv_isi": float(np.mean(cvs)) if cvs else None}
    return out


# ---------------------------------------------------------------------------------------------
# bisection (the PyNEST paper's search, as the spec describes it)

def bisect(model, net, env):
    import nest
    b = model["bisection"]
    gen = net["nodes"][b["vary"]["node"]]["nc"]
    param, scale = b["vary"]["param"], env.number(b["vary"].get("scale", 1.0), "bisection.vary.scale")
    rec = net["nodes"][b["measure"]["recorder"]]["nc"]
    n = len(set(np.atleast_1d(nest.GetConnections(target=rec).get("source"))))
    target = env.number(b["target"], "bisection.target")
    lower, upper = env.number(b["lower"], "bisection.lower"), env.number(b["upper"], "bisection.upper")
    xtol, t_eval = env.number(b["xtol"], "bisection.xtol"), env.number(b["t_eval"], "bisection.t_eval")
    evals = []

    def f(x):
        gen.set({param: scale * x})
        rec.n_events = 0
        nest.Simulate(t_eval)
        rate = rec.n_events * 1000.0 / t_eval / n
        evals.append([x, rate])
        print(f"{b.get('label', param)} estimate: {x:.2f} -> neuron rate {rate:.2f} Hz (goal {target:.2f} Hz)",
              file=sys.stderr)
        return rate - target

    fl, fu = f(lower), f(upper)
    if fl * fu > 0:
        raise ModelError("bisection: f has the same sign at lower and upper")
    if fl == 0:
        return lower, evals
    if fu == 0:
        return upper, evals
    dm = upper - lower
    xm = lower
    while True:
        dm /= 2
        xm = lower + dm
        fm = f(xm)
        if fm * fl >= 0:
            lower = xm
        if fm == 0 or abs(dm) < xtol:
            return xm, evals


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Run a netview model file in NEST 3.")
    ap.add_argument("file")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--time", type=float, help="ms to simulate (default: the file's simulate)")
    ap.add_argument("--out", default=None, help="output directory (default out-nest/<name>)")
    ap.add_argument("--bisect", action="store_true", help="run the file's bisection instead of simulate")
    args = ap.parse_args()

    try:
        overrides = {}
        for p in args.param:
            if "=" not in p:
                raise ModelError(f"--param {p}: expected NAME=VALUE")
            k, v = p.split("=", 1)
            overrides[k.strip()] = v.strip()
        model = load(args.file)
        name = model.get("name") or os.path.splitext(os.path.basename(args.file))[0]
        env = Env(model.get("parameters"), overrides)
        T = args.time if args.time is not None else env.number(model.get("simulate", 1000), "simulate")
        out = args.out or os.path.join("out-nest", name)
        os.makedirs(out, exist_ok=True)

        import nest
        t0 = time.perf_counter()
        net = build(model, args, env)
        t1 = time.perf_counter()
        result = None
        if args.bisect:
            if "bisection" not in model:
                raise ModelError("the file has no bisection block")
            x, evals = bisect(model, net, env)
            T = nest.biological_time
            result = {"result": x, "evaluations": evals}
        else:
            nest.Simulate(T)
        t2 = time.perf_counter()
    except ModelError as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        sys.exit(2)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    write_recorders(net, out)
    entries = net["entries"]
    degrees(entries)
    summary = {
        "model": name,
        "simulated_ms": T,
        "resolution": net["h"],
        "seeds": net["seeds"],
        "threads": net["threads"],
        "populations": populations(net, T),
        "synapses": sum(e["synapses"] for e in entries if not e["device_link"]),
        "connections": [{k: v for k, v in e.items() if k != "device_link" and not k.startswith("_")}
                        for e in entries],
        "build_s": t1 - t0,
        "simulate_s": t2 - t1,
        "realtime_factor": (T / 1000.0) / (t2 - t1) if t2 > t1 else None,
        "peak_memory_mb": peak_mb,
        "version": f"NEST {nest.__version__}",
        "platform": f"{platform.system()} {platform.machine()} {platform.processor() or ''}".strip(),
        "simulator": "nest",
    }
    if result is not None:
        summary["bisection"] = result
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    pops = ", ".join(f"{k} {v['rate_hz']:.2f} Hz" for k, v in summary["populations"].items())
    print(f"{name}: build {summary['build_s']:.2f} s, simulate {summary['simulate_s']:.2f} s, "
          f"peak {summary['peak_memory_mb']:.0f} MB, {pops}; wrote {out}")


if __name__ == "__main__":
    main()
