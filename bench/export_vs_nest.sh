#!/usr/bin/env bash
# Each shipped scenario in netview and, through `netview export --to pynest`, in NEST 3.10, side
# by side: build and simulate seconds (medians over the seeds) and `netview compare`'s verdicts.
#
#   bench/export_vs_nest.sh [SCENARIO...]     (default: brunel2000 destexhe2009 balanced_neuron)
#
# Environment:
#   NETVIEW_NEST_VENV  venv with nest-simulator 3.10.0 (default .build-nest-venv, as .ci/run makes it)
#   NETVIEW_BIN        netview binary (default .build/release/netview)
#   BENCH_SEEDS        seeds (default "1 2 3"); several seeds are compared as sets of runs
#   BENCH_PARAMS       --param arguments for every scenario (default "order=250": Brunel's size)
#   BENCH_OUT          folder for the runs (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NETVIEW_NEST_VENV:-.build-nest-venv}"
NETVIEW="${NETVIEW_BIN:-.build/release/netview}"
SEEDS="${BENCH_SEEDS:-1 2 3}"
PARAMS="${BENCH_PARAMS-order=250}"
OUT="${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/export_vs_nest.XXXXXX")}"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(brunel2000 destexhe2009 balanced_neuron)
mkdir -p "$OUT"
[ -x "$NETVIEW" ] || { echo "error: no netview binary at '$NETVIEW' (swift build -c release)" >&2; exit 1; }
"$VENV/bin/python" -c "import nest" >/dev/null 2>&1 || { echo "error: no NEST in $VENV (pip install nest-simulator==3.10.0 there, or run .ci/run)" >&2; exit 1; }
PARAM_ARGS=()
for p in $PARAMS; do PARAM_ARGS+=(--param "$p"); done

for s in "${SCENARIOS[@]}"; do
  model="assets/$s.json"
  [ -f "$model" ] || { echo "error: $model not found" >&2; exit 2; }
  # A parameter the file does not have is dropped for that file (Brunel's order, say).
  args=()
  for p in $PARAMS; do grep -q "\"${p%%=*}\"" "$model" && args+=(--param "$p"); done
  "$NETVIEW" export "$model" --to pynest ${args[@]+"${args[@]}"} -o "$OUT/$s.py" 2>/dev/null
  # One neuron's rate needs about 20 s of its spikes to be compared within a few percent.
  time_args=()
  [ "$s" = balanced_neuron ] && time_args=(--time 20000)
  for seed in $SEEDS; do
    echo "$s seed $seed: NEST, then netview" >&2
    "$VENV/bin/python" "$OUT/$s.py" ${time_args[@]+"${time_args[@]}"} --seed "$seed" --out "$OUT/nest/$s/seed-$seed" >"$OUT/$s-nest-$seed.log" 2>&1 \
      || { echo "error: NEST run failed, see $OUT/$s-nest-$seed.log" >&2; exit 1; }
    "$NETVIEW" run "$model" ${args[@]+"${args[@]}"} ${time_args[@]+"${time_args[@]}"} --seed "$seed" --out "$OUT/netview/$s/seed-$seed" --quiet >/dev/null
  done
done

python3 - "$OUT" "${SCENARIOS[@]}" <<'PY'
import json, os, statistics, sys
out, scenarios = sys.argv[1], sys.argv[2:]
def runs(sim, s):
    d = os.path.join(out, sim, s)
    return [json.load(open(os.path.join(d, r, "summary.json"))) for r in sorted(os.listdir(d))]
print(f"\n{'scenario':<16}{'simulator':<10}{'build s':>9}{'simulate s':>12}  rates (Hz, mean over runs)")
for s in scenarios:
    for sim in ("nest", "netview"):
        rs = runs(sim, s)
        med = lambda k: statistics.median(r[k] for r in rs)
        pops = rs[0]["populations"].keys()
        rates = ", ".join(f"{p} {statistics.mean(r['populations'][p]['rate_hz'] for r in rs):.2f}" for p in pops)
        print(f"{s:<16}{sim:<10}{med('build_s'):>9.2f}{med('simulate_s'):>12.2f}  {rates}")
PY
for s in "${SCENARIOS[@]}"; do
  echo
  "$NETVIEW" compare "$OUT/netview/$s" "$OUT/nest/$s" || true
done
echo "runs in $OUT" >&2
