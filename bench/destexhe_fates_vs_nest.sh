#!/usr/bin/env bash
# The Destexhe (2009) network's fates over seeds: `netview sweep --seeds` beside NEST running the
# exported script with the same seeds, then `netview compare` over the two folders of runs (rates,
# CVs and the mix of fates with the exact test of the 2 x 3 table).
#
#   bench/destexhe_fates_vs_nest.sh SEEDS OUT [JOBS]      e.g. 1-100 /tmp/fates 1
#
# NEST's Python: $NETVIEW_NEST_PYTHON (default .build-nest-venv/bin/python); JOBS runs of each side
# at a time (default 1), one thread each.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=$1 out=$2 jobs=${3:-1}
netview=${NETVIEW:-$here/.build/release/netview}
python=${NETVIEW_NEST_PYTHON:-$here/.build-nest-venv/bin/python}
first=${seeds%-*} last=${seeds#*-}
mkdir -p "$out/nest"
start=$(date +%s)
"$netview" sweep "$here/assets/destexhe2009.json" --seeds "$seeds" --jobs "$jobs" --out "$out/netview" --quiet >/dev/null
echo "netview: $(( $(date +%s) - start )) s for seeds $seeds" >&2
"$netview" export "$here/assets/destexhe2009.json" --to pynest -o "$out/destexhe_nest.py" 2>/dev/null
start=$(date +%s)
seq "$first" "$last" | xargs -P "$jobs" -I{} sh -c \
  "[ -f '$out/nest/seed-{}/summary.json' ] || '$python' '$out/destexhe_nest.py' --seed {} --threads 1 --out '$out/nest/seed-{}' >/dev/null 2>&1"
echo "NEST: $(( $(date +%s) - start )) s for seeds $seeds" >&2
"$netview" sweep "$here/assets/destexhe2009.json" --seeds "$seeds" --jobs "$jobs" --out "$out/netview" | tail -n 12
"$netview" compare "$out/netview/runs" "$out/nest" || true
