#!/usr/bin/env bash
# Brunel (2000) network, NEST 3.10 against netview, side by side on this machine.
#
#   bench/brunel_vs_nest.sh [ORDER] [THREADS]        (defaults: 2500, 1)
#
# Runs assets/brunel2000.json at --param order=ORDER alternately in NEST (the script
# `netview export --to pynest` writes, PyNEST from a venv) and in netview (`netview run`), once per seed, and prints build seconds,
# simulate seconds, peak memory and the E rate of every run, the medians, and netview/NEST ratios.
#
# Environment:
#   NETVIEW_NEST_VENV  venv with nest-simulator 3.10.0 (default .build-nest-venv, as .ci/run makes it; created with pip if missing)
#   NETVIEW_BIN        netview binary (default .build/release/netview; build: swift build -c release)
#   BENCH_SEEDS        seeds to run (default "1 2 3")
#   BENCH_TIME         model time in ms (default: the file's simulate, 1000)
#   BENCH_OUT          directory for the runs' outputs (default: a new temporary directory)
#   PYTHON             python used to create the venv (default python3)
set -euo pipefail

ORDER="${1:-2500}"
THREADS="${2:-1}"
case "$ORDER$THREADS" in *[!0-9]*|"") echo "usage: $0 [ORDER] [THREADS] (positive integers)" >&2; exit 64 ;; esac

cd "$(dirname "$0")/.."
MODEL=assets/brunel2000.json
VENV="${NETVIEW_NEST_VENV:-.build-nest-venv}"
NETVIEW="${NETVIEW_BIN:-.build/release/netview}"
SEEDS="${BENCH_SEEDS:-1 2 3}"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/brunel_vs_nest.XXXXXX")}"
TIME_ARGS=()
if [ -n "${BENCH_TIME:-}" ]; then TIME_ARGS=(--time "$BENCH_TIME"); fi

if [ ! -x "$NETVIEW" ]; then
    echo "error: netview binary not found at '$NETVIEW'; build it with 'swift build -c release' or set NETVIEW_BIN" >&2
    exit 1
fi
if [ ! -f "$MODEL" ]; then
    echo "error: $MODEL not found (run from the netview repository)" >&2
    exit 1
fi

if ! "$VENV/bin/python" -c "import nest" >/dev/null 2>&1; then
    echo "creating the NEST venv in $VENV (pip install nest-simulator==3.10.0; takes a minute)" >&2
    "${PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet nest-simulator==3.10.0 numpy
    "$VENV/bin/python" -c "import nest" >/dev/null 2>&1 || { echo "error: 'import nest' fails in $VENV" >&2; exit 1; }
fi

mkdir -p "$OUT"
"$NETVIEW" export "$MODEL" --to pynest --param "order=$ORDER" -o "$OUT/brunel.py" 2>/dev/null
echo "Brunel order $ORDER, $THREADS thread(s), seeds $SEEDS; outputs in $OUT" >&2
for seed in $SEEDS; do
    echo "seed $seed: NEST" >&2
    "$VENV/bin/python" "$OUT/brunel.py" --seed "$seed" \
        --threads "$THREADS" ${TIME_ARGS[@]+"${TIME_ARGS[@]}"} --out "$OUT/nest-$seed" >"$OUT/nest-$seed.log" 2>&1 \
        || { echo "error: NEST run failed, see $OUT/nest-$seed.log:" >&2; tail -5 "$OUT/nest-$seed.log" >&2; exit 1; }
    echo "seed $seed: netview" >&2
    "$NETVIEW" run "$MODEL" --param "order=$ORDER" --seed "$seed" \
        --threads "$THREADS" ${TIME_ARGS[@]+"${TIME_ARGS[@]}"} --out "$OUT/netview-$seed" >"$OUT/netview-$seed.log" 2>&1 \
        || { echo "error: netview run failed, see $OUT/netview-$seed.log:" >&2; tail -5 "$OUT/netview-$seed.log" >&2; exit 1; }
done

"${PYTHON:-python3}" - "$OUT" "$ORDER" "$THREADS" $SEEDS <<'EOF'
import json, os, statistics, sys

out, order, threads, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
KEYS = [("build_s", "build s", "{:.2f}"), ("simulate_s", "simulate s", "{:.2f}"),
        ("peak_memory_mb", "peak MB", "{:.0f}"), ("E_rate", "E rate Hz", "{:.2f}"), ("I_rate", "I rate Hz", "{:.2f}")]

def load(sim, seed):
    with open(os.path.join(out, f"{sim}-{seed}", "summary.json")) as f:
        d = json.load(f)
    pops = d.get("populations", {})
    d["E_rate"] = pops.get("E", {}).get("rate_hz", float("nan"))
    d["I_rate"] = pops.get("I", {}).get("rate_hz", float("nan"))
    return d

runs = {sim: [load(sim, s) for s in seeds] for sim in ("nest", "netview")}
print(f"\nBrunel order {order}, {threads} thread(s), {runs['nest'][0].get('simulated_ms')} ms, seeds {' '.join(seeds)}\n")
head = f"{'run':<16}" + "".join(f"{label:>12}" for _, label, _ in KEYS)
print(head)
print("-" * len(head))
med = {}
for sim in ("nest", "netview"):
    for seed, d in zip(seeds, runs[sim]):
        print(f"{sim + ' seed ' + seed:<16}" + "".join(f"{fmt.format(d[k]):>12}" for k, _, fmt in KEYS))
    med[sim] = {k: statistics.median(d[k] for d in runs[sim]) for k, _, _ in KEYS}
print("-" * len(head))
for sim in ("nest", "netview"):
    print(f"{sim + ' median':<16}" + "".join(f"{fmt.format(med[sim][k]):>12}" for k, _, fmt in KEYS))
print(f"{'netview/NEST':<16}" + "".join(
    f"{(med['netview'][k] / med['nest'][k] if med['nest'][k] else float('nan')):>12.3f}" for k, _, _ in KEYS))
EOF
