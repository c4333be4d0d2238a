#!/usr/bin/env bash
# Runs a scenario in netview and, through its exported PyNEST script, in NEST, over seeds, and
# compares the two sets of runs (netview compare over folders of runs).
#
#   bench/seeds_vs_nest.sh FILE SEEDS OUT [--param K=V ...] [-- COMPARE-OPTIONS]
#
# FILE: a model file; SEEDS: e.g. 1-10; OUT: a folder (OUT/netview/seed-N, OUT/nest/seed-N).
# NEST's Python: $NETVIEW_NEST_PYTHON (default .build-nest-venv/bin/python). Threads: $THREADS (2).
# Prints the medians of build and simulate seconds and peak memory of each side, then compares.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
file=$1 seeds=$2 out=$3
shift 3
params=()
while [[ $# -gt 0 && $1 != "--" ]]; do params+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
netview=${NETVIEW:-$here/.build/release/netview}
python=${NETVIEW_NEST_PYTHON:-$here/.build-nest-venv/bin/python}
threads=${THREADS:-2}
first=${seeds%-*} last=${seeds#*-}
mkdir -p "$out/netview" "$out/nest"
"$netview" export "$file" --to pynest -o "$out/model_nest.py" "${params[@]}" >/dev/null
for s in $(seq "$first" "$last"); do
  "$netview" run "$file" --seed "$s" --threads "$threads" --out "$out/netview/seed-$s" "${params[@]}" >/dev/null
  "$python" "$out/model_nest.py" --seed "$s" --threads "$threads" --out "$out/nest/seed-$s" >/dev/null
  echo "seed $s done" >&2
done
# Medians over the seeds of each side's build and simulate seconds and peak memory (summary.json).
python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
for side in ("netview", "nest"):
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, side, "seed-*", "summary.json")))]
    med = lambda k: statistics.median(r[k] for r in runs)
    print(f"{side:8} {len(runs)} runs, medians: build {med('build_s'):.2f} s, simulate {med('simulate_s'):.2f} s, "
          f"peak {med('peak_memory_mb'):.0f} MB")
PY
"$netview" compare "$out/netview" "$out/nest" "$@"
