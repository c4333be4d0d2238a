#!/usr/bin/env bash
# Runs the workbench on a model file at full speed (no real-time cap) in a detached tmux session
# and samples its resident memory and model time, to check that memory stays flat however long it
# runs. Prints one line per sample and the RSS slope (least squares, after the first minute of
# wall time, when the windows are full) in MB per 10 minutes of model time.
#
#   scripts/workbench-soak.sh FILE [SECONDS] [EVERY]      (default 180 s, a sample every 15 s)
set -euo pipefail
file=$1; seconds=${2:-180}; every=${3:-15}
bin=${NETVIEW_BIN:-.build/release/netview}
session=soak$$
tmux new-session -d -s "$session" -x 120 -y 40 "LANG=C.UTF-8 $bin '$file'"
trap 'tmux kill-session -t $session 2>/dev/null' EXIT
sleep 2
pid=$(pgrep -P "$(tmux list-panes -t "$session" -F '#{pane_pid}')" netview || tmux list-panes -t "$session" -F '#{pane_pid}')
for _ in 1 2 3 4 5 6 7; do tmux send-keys -t "$session" +; done   # uncapped
samples=()
for ((t = 0; t <= seconds; t += every)); do
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  ms=$(tmux capture-pane -p -t "$session" | head -1 | grep -o 't [0-9.]* ms' | tr -dc '0-9.' || true)
  echo "wall ${t}s  model ${ms:-?} ms  RSS $((rss / 1024)) MB"
  samples+=("$t ${ms:-0} $rss")
  sleep "$every"
done
printf '%s\n' "${samples[@]}" | python3 -c '
import sys
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
rows = [r for r in rows if r[0] >= 60] or rows
n = len(rows); mt = sum(r[1] for r in rows) / n; mm = sum(r[2] for r in rows) / n
sxx = sum((r[1] - mt) ** 2 for r in rows); sxy = sum((r[1] - mt) * (r[2] - mm) for r in rows)
slope = sxy / sxx * 600000 / 1024 if sxx > 0 else float("nan")
span = (rows[-1][1] - rows[0][1]) / 60000
print(f"RSS slope {slope:.3f} MB per 10 min of model time over {span:.1f} min of model time after the first minute")
'
