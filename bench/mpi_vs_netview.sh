#!/usr/bin/env bash
# Runs exported PyNEST scripts on an MPI build of NEST with 1, 2 and 3 processes and checks what
# netview reads of their folders: synapse counts summed over ranks, rates from the summed spike
# counts, per-rank summaries (no mpi4py) merged, files of an earlier run with more ranks cleared,
# and `netview compare` against netview's own run.
#
#   bench/mpi_vs_netview.sh OUT
#
# NEST: $NEST_MPI_PYTHON, a Python whose `import nest` is NEST 3.10 built with -Dwith-mpi=ON and
# that has mpi4py; $NEST_MPI_PATH is prepended to its PYTHONPATH (NEST's install prefix's
# site-packages). mpirun: $MPIRUN (default: mpirun, with --oversubscribe and, as root,
# --allow-run-as-root). Prints one line per check and exits 1 if any fails.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/mpi_vs_netview.sh OUT}
python=${NEST_MPI_PYTHON:?set NEST_MPI_PYTHON to a Python with an MPI build of NEST 3.10 and mpi4py}
export PYTHONPATH=${NEST_MPI_PATH:-}${PYTHONPATH:+:$PYTHONPATH}
netview=${NETVIEW:-$here/.build/release/netview}
mpirun=(${MPIRUN:-mpirun --oversubscribe})
[ "$(id -u)" -eq 0 ] && mpirun+=(--allow-run-as-root)
rm -rf "$out" && mkdir -p "$out"
failed=0
check() {  # check NAME COMMAND...: runs the command, prints ok/FAIL NAME
  if "${@:2}" >"$out/check.log" 2>&1; then echo "ok   $1"; else echo "FAIL $1"; sed 's/^/     /' "$out/check.log" | head -20; failed=1; fi
}
field() {  # field FOLDER EXPRESSION: evaluates EXPRESSION on the folder's summary.json (s)
  python3 -c "import json,sys; s=json.load(open(sys.argv[1]+'/summary.json')); print($2)" "$1"
}

"$netview" export "$here/assets/brunel2000.json" --to pynest --param order=250 -o "$out/brunel.py" >/dev/null
"$netview" run "$here/assets/brunel2000.json" --param order=250 --out "$out/netview" >/dev/null
for np in 1 2 3; do
  "${mpirun[@]}" -np "$np" "$python" "$out/brunel.py" --out "$out/nest-$np" >"$out/nest-$np.log" 2>&1 || { echo "FAIL mpirun -np $np (see $out/nest-$np.log)"; exit 1; }
done
want=$(field "$out/netview" 's["synapses"]')
for np in 1 2 3; do
  check "Brunel order 250, $np process(es): synapses $(field "$out/nest-$np" 's["synapses"]') = netview's $want" \
    test "$(field "$out/nest-$np" 's["synapses"]')" = "$want"
  check "  rank files: $(ls "$out/nest-$np" | grep -c 'rank-') = 2 recorders x $np ranks (none for 1)" \
    test "$(ls "$out/nest-$np" | grep -c 'rank-')" = "$([ "$np" = 1 ] && echo 0 || echo $((2 * np)))"
  check "  processes in summary = $np" test "$(field "$out/nest-$np" 's["processes"]')" = "$np"
  # netview against NEST is two stochastic runs: alpha 0.001 over the ~8 tests of a compare keeps
  # this check from failing by chance in about 1 run of 100 (NEST's stream differs with the processes).
  check "  netview compare netview nest-$np agrees" "$netview" compare "$out/netview" "$out/nest-$np" --alpha 0.001
done
echo "     E rate (Hz): netview $(field "$out/netview" 'round(s["populations"]["E"]["rate_hz"],2)'), NEST 1/2/3 processes $(for np in 1 2 3; do field "$out/nest-$np" 'round(s["populations"]["E"]["rate_hz"],2)'; done | paste -sd/)"

# An earlier run with 3 ranks in the same folder: a 2-rank run clears its rank-2 files and summary.
cp -r "$out/nest-3" "$out/reused"
"${mpirun[@]}" -np 2 "$python" "$out/brunel.py" --out "$out/reused" >/dev/null 2>&1
check "3-rank folder reused by 2 ranks: no rank-2 file left" bash -c "! ls '$out/reused' | grep -q 'rank-2'"
check "  its files equal a fresh 2-rank run's" diff -r -x summary.json "$out/reused" "$out/nest-2"
check "  netview compare nest-2 reused agrees" "$netview" compare "$out/nest-2" "$out/reused"

# Without mpi4py each rank writes its own summary with its share and no rates; netview sums them.
mkdir -p "$out/no-mpi4py/mpi4py" && echo 'raise ImportError("mpi4py left out")' >"$out/no-mpi4py/mpi4py/__init__.py"
PYTHONPATH="$out/no-mpi4py:$PYTHONPATH" "${mpirun[@]}" -np 2 "$python" "$out/brunel.py" --out "$out/per-rank" >/dev/null 2>&1
check "no mpi4py: summary.rank-0.json and summary.rank-1.json, no summary.json" \
  bash -c "[ -f '$out/per-rank/summary.rank-0.json' ] && [ -f '$out/per-rank/summary.rank-1.json' ] && [ ! -f '$out/per-rank/summary.json' ]"
check "  per-rank summaries carry no rate_hz" bash -c "! grep -q rate_hz '$out/per-rank/summary.rank-0.json'"
check "  netview compare nest-2 per-rank agrees (same spikes, summaries merged)" "$netview" compare "$out/nest-2" "$out/per-rank"
check "  netview stats reads the per-rank folder" "$netview" stats "$out/per-rank"

# Destexhe (aeif_cond_exp through GSL, numpy connection lists) on 2 ranks against 1.
"$netview" export "$here/assets/destexhe2009.json" --to pynest -o "$out/destexhe.py" >/dev/null
"$python" "$out/destexhe.py" --out "$out/destexhe-1" --time 2000 >/dev/null 2>&1
"${mpirun[@]}" -np 2 "$python" "$out/destexhe.py" --out "$out/destexhe-2" --time 2000 >/dev/null 2>&1
check "Destexhe: synapses on 2 ranks = on 1 ($(field "$out/destexhe-1" 's["synapses"]'))" \
  test "$(field "$out/destexhe-2" 's["synapses"]')" = "$(field "$out/destexhe-1" 's["synapses"]')"
check "  netview plot merges the rank files" "$netview" plot "$out/destexhe-2" -o "$out/destexhe-2.svg"
exit $failed
