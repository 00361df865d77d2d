#!/usr/bin/env python3
"""Runs `moccasin solve --strategy exact` on every benchmark graph at budgets 0.9 and 0.8, with
TTEF on and off, and prints a markdown table: status, TDI, lower bound (as a TDI), time to the
first and to the best solution, search nodes, failures, peak RSS.

usage: bench/exact_table.py [--graphs DIR] [--binary PATH] [--time-limit S] [--budgets 0.9,0.8]
"""
import argparse
import os
import sys
import tempfile

from benchlib import check_mark, fmt, solve_checked

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
parser.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
parser.add_argument("--time-limit", type=float, default=60)
parser.add_argument("--budgets", default="0.9,0.8")
parser.add_argument("--variants", default="ttef,no-ttef")
args = parser.parse_args()

variants = {"ttef": ["--ttef"], "no-ttef": ["--no-ttef"]}
graphs = sorted(f for f in os.listdir(args.graphs) if f.endswith(".json"))
print(f"time limit {args.time_limit:g} s per run\n")
print("| graph | budget | variant | status | TDI % | lower bound TDI % | first s | best s | nodes | failures | RSS MB | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.json")
    for g in graphs:
        path = os.path.join(args.graphs, g)
        for b in args.budgets.split(","):
            for v in args.variants.split(","):
                row = solve_checked(args.binary, path, b, out, threads=1, limit=args.time_limit,
                                    extra=["--strategy", "exact"] + variants[v])
                name = g[:-5]
                d = row["doc"]
                if row["rc"] == 4:
                    print(f"| {name} | {b} | {v} | infeasible (below the limit or proven) | | | | | | | | |")
                    continue
                if d is None:
                    print(f"| {name} | {b} | {v} | {row['status']} | | | | | | | | |")
                    continue
                s = d["solver"]["statistics"]
                e = s.get("exact", {})  # the exact search's own counters
                base = d["baseline_cost"]
                lb = d["lower_bound"]
                lbtdi = None if lb is None else 100.0 * (lb - base) / base
                print(f"| {name} | {b} | {v} | {d['status']} | {fmt(d['tdi_percent'])} | {fmt(lbtdi)} | "
                      f"{s.get('seconds_to_first', -1):.2f} | {s.get('seconds_to_best', -1):.2f} | "
                      f"{e.get('nodes', 0)} | {e.get('failures', 0)} | {s.get('peak_rss_mb', 0):.0f} | {check_mark(row)} |")
                sys.stdout.flush()
