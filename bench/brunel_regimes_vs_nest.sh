#!/usr/bin/env bash
# Brunel's (2000) four example points, (g, eta) = (3, 2) SR, (6, 4) SI fast, (5, 2) AI, (4.5, 0.9)
# SI slow, with V_reset 10 mV as in the paper and every cell recorded, run in netview and, through
# the exported PyNEST script, in NEST; `netview stats` judges both sides' spike files the same way.
#
#   bench/brunel_regimes_vs_nest.sh ORDER SEEDS OUT      e.g. 2000 1-2 /tmp/regimes
#
# NEST's Python: $NETVIEW_NEST_PYTHON (default .build-nest-venv/bin/python). Threads: $THREADS (2).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
order=$1 seeds=$2 out=$3
netview=${NETVIEW:-$here/.build/release/netview}
python=${NETVIEW_NEST_PYTHON:-$here/.build-nest-venv/bin/python}
threads=${THREADS:-2}
first=${seeds%-*} last=${seeds#*-}
mkdir -p "$out"
# The scenario with every E and I cell recorded.
sed 's/"source": "E\[0:50\]"/"source": "E"/; s/"source": "I\[0:50\]"/"source": "I"/' "$here/assets/brunel2000.json" > "$out/brunel_all.json"
grep -q '"source": "E", "target": "espikes"' "$out/brunel_all.json"
for pt in "3 2 SR" "6 4 SI fast" "5 2 AI" "4.5 0.9 SI slow"; do
  set -- $pt
  g=$1 eta=$2 label="${*:3}"
  params=(--param "order=$order" --param V_r=10 --param "g=$g" --param "eta=$eta")
  "$netview" export "$out/brunel_all.json" --to pynest -o "$out/nest-$g-$eta.py" "${params[@]}" 2>/dev/null
  for s in $(seq "$first" "$last"); do
    "$netview" run "$out/brunel_all.json" --seed "$s" --threads "$threads" --out "$out/netview/$g-$eta-s$s" --quiet "${params[@]}" >/dev/null
    "$python" "$out/nest-$g-$eta.py" --seed "$s" --threads "$threads" --out "$out/nest/$g-$eta-s$s" >/dev/null 2>&1
    for side in netview nest; do
      "$netview" stats "$out/$side/$g-$eta-s$s" | python3 -c "
import json, sys
d = json.load(sys.stdin)
p = d['populations']
print('g %-3s eta %-3s (paper: %-7s) seed %s %-7s E %6.1f Hz CV %.2f, I %6.1f Hz CV %.2f, synchrony %7.1f, peak %5.1f Hz x%-8.1f -> %s'
      % ('$g', '$eta', '$label', '$s', '$side', p['espikes']['rate_hz'], p['espikes']['cv_isi'], p['ispikes']['rate_hz'],
         p['ispikes']['cv_isi'], d['synchrony'], d['peak_hz'], d['peak_power'], d['brunel_regime']))"
    done
  done
done
