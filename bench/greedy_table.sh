#!/usr/bin/env bash
# Runs the greedy on every benchmark graph at budgets 0.9, 0.8, 0.7 of the reference peak,
# checks each schedule with `moccasin check`, and prints a markdown table of TDI and time.
# Usage: bench/greedy_table.sh [GRAPH_DIR] [MOCCASIN_BINARY]
set -uo pipefail
dir="${1:-$(dirname "$0")/../../shared/graphs}"
bin="${2:-$(dirname "$0")/../build/moccasin}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| graph | nodes | budget | status | TDI % | recomputations | check | wall s |"
echo "|---|---|---|---|---|---|---|---|"
for g in "$dir"/*.json; do
  name=$(basename "$g" .json)
  nodes=$("$bin" info "$g" --json | sed -n 's/.*"nodes": *\([0-9]*\).*/\1/p')
  for b in 0.9 0.8 0.7; do
    "$bin" solve "$g" --budget "$b" --strategy greedy -q -o "$tmp/s.json"
    rc=$?
    if [ $rc -eq 0 ]; then
      read -r status tdi recs wall < <(python3 - "$tmp/s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
recs = len(d["computations"]) - d["graph"]["nodes"]
print(d["status"], "%.2f" % d["tdi_percent"], recs, "%.3f" % d["solver"]["wall_seconds"])
PY
)
      check=$("$bin" check "$g" "$tmp/s.json" >/dev/null 2>&1 && echo OK || echo FAIL)
      echo "| $name | $nodes | $b | $status | $tdi | $recs | $check | $wall |"
    elif [ $rc -eq 4 ]; then
      echo "| $name | $nodes | $b | below the lower limit | - | - | - | - |"
    else
      echo "| $name | $nodes | $b | greedy found none (exit $rc) | - | - | - | - |"
    fi
  done
done
