#!/usr/bin/env python3
"""What timetable-edge-finding does inside the exact search (issue 10): runs `moccasin solve
--strategy exact --threads 1 --no-cover-bound --no-window-bound` with a fixed failure limit (so
that every variant searches the same tree, whatever its speed; the windows' own searches would not
count towards it) per instance and variant, and prints a
markdown table: status, nodes, wall seconds, nodes per second, and TTEF's calls, prunings (bounds
it moved and failures it found), its share of the run's time, and which of its rules fired (the
left-overlap ones apart; only builds that report rules).

Variants: `off` (no TTEF), `ttef`, `ttef-no-left` (without the left-overlap rules), `ttef-no-tt`
(TTEF with the timetable only checking overloads, to show what TTEF deduces when the timetable
does not), and `before-ttef` (--baseline-binary with --ttef). Run nothing else meanwhile.

usage: bench/ttef_table.py [--graphs DIR] [--binary PATH] [--baseline-binary PATH]
                           [--fail-limit N] [--instances rl_n100:0.9,...] [--variants off,ttef,...]
"""
import argparse
import os
import tempfile

from benchlib import check_mark, instances_in, solve_checked, variant_binary

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
parser.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
parser.add_argument("--baseline-binary", default=None)
parser.add_argument("--fail-limit", type=int, default=200000)
parser.add_argument("--instances", default="rl_n100:0.9,rl_n100:0.8,mobilenet_train:0.8,segnet_train:0.8,rl_n250:0.9")
parser.add_argument("--variants", default="off,ttef,ttef-no-left,ttef-no-tt,before-ttef")
args = parser.parse_args()

VARIANTS = {
    "off": [],
    "ttef": ["--ttef"],
    "ttef-no-left": ["--ttef", "--ttef-no-left-overlap"],
    "ttef-no-tt": ["--ttef", "--no-timetable-filtering"],
    "before-ttef": ["--ttef"],
}
LEFT = ("start_min_left_overlap", "end_max_right_overlap", "overloads_left_overlap")
RULES = ("start_min", "end_max", "overloads", "no_placement")

print(f"`--strategy exact --threads 1 --no-cover-bound --no-window-bound --fail-limit {args.fail_limit}`\n")
print("| graph | budget | variant | status | nodes | wall s | nodes/s | TTEF calls | TTEF prunings | TTEF time % | rules fired (left overlap) | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.json")
    for name, budget, path in instances_in(args.instances, args.graphs):
        for v in args.variants.split(","):
            binary = variant_binary(v, args.binary, args.baseline_binary)
            extra = ["--strategy", "exact", "--no-cover-bound", "--no-window-bound", "--fail-limit", str(args.fail_limit)] + VARIANTS[v]
            row = solve_checked(binary, path, budget, out, threads=1, limit=3600, extra=extra)
            d = row["doc"]
            if d is None:
                print(f"| {name} | {budget} | {v} | {row['status']} | | | | | | | | |")
                continue
            e = d["solver"]["statistics"].get("exact", {})
            wall = d["solver"].get("wall_seconds", row["wall"])
            nodes = e.get("nodes", 0)
            t = e.get("propagators", {}).get("Ttef")
            calls = prunings = share = fired = ""
            if t:
                calls = t["calls"]
                prunings = t["prunings"] + t["failures"]
                share = f"{100.0 * t['seconds'] / wall:.0f}" if wall else ""
                rules = t.get("rules")
                if rules:
                    left = sum(rules.get(k, 0) for k in LEFT)
                    fired = f"{sum(rules.get(k, 0) for k in RULES) + left} ({left})"
            rate = f"{nodes / wall:.0f}" if wall else ""
            print(f"| {name} | {budget} | {v} | {d['status']} | {nodes} | {wall:.1f} | {rate} | {calls} | "
                  f"{prunings} | {share} | {fired} | {check_mark(row)} |")
