#!/usr/bin/env python3
"""The greedy's speed: one `moccasin solve --strategy greedy` per cell, this binary against a
baseline binary in the same invocation, one run after the other.

Cells: `moccasin gen --nodes 10000 --seed 1..3` at 0.9, 0.8 and 0.7 of the peak (0.7 with 4
copies), `--nodes 100000 --seed 1` at 0.9, and the benchmark graphs rl_n500 (0.8, and 0.6 with 4
copies, where every walk of the portfolio runs and fails) and resnet50_train (0.5). Given order,
one thread: the walks alone decide the time. "wall s" is measured around the process, so it
includes loading the graph and writing the schedule. Every schedule is checked with `moccasin
check`; "same" says whether both binaries wrote the same recomputations.

usage: bench/greedy_speed.py --baseline PATH [--binary PATH] [--skip-large] [--graphs DIR]
"""
import argparse
import os
import tempfile

from benchlib import check_mark, fmt, generate_in, solve_checked

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
ap.add_argument("--baseline", required=True)
ap.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
ap.add_argument("--skip-large", action="store_true")
args = ap.parse_args()
tmp = tempfile.mkdtemp()


cells = [(f"gen n=10000 seed={s}", ("gen", 10000, s), b, c)
         for s in (1, 2, 3) for b, c in (("0.9", 2), ("0.8", 2), ("0.7", 4))]
if not args.skip_large:
    cells.append(("gen n=100000 seed=1", ("gen", 100000, 1), "0.9", 2))
cells += [("rl_n500", ("file", "rl_n500.json"), "0.8", 2), ("rl_n500", ("file", "rl_n500.json"), "0.6", 4),
          ("resnet50_train", ("file", "resnet50_train.json"), "0.5", 2)]

print("| graph | budget | copies | status | TDI % | wall s | baseline status | baseline TDI % | baseline wall s "
      "| ratio | same | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
paths = {}
for label, source, budget, copies in cells:
    if source not in paths:
        paths[source] = (generate_in(tmp, args.binary, source[1], source[2]) if source[0] == "gen"
                         else os.path.join(args.graphs, source[1]))
    graph = paths[source]
    rows = []
    for binary in (args.binary, args.baseline):
        out = os.path.join(tmp, f"s{len(rows)}.json")
        rows.append(solve_checked(binary, graph, budget, out, threads=1, limit=600, copies=copies,
                                  extra=("--strategy", "greedy")))
    new, old = rows
    same = ""
    if new["doc"] and old["doc"]:
        same = "yes" if new["doc"]["operations"] == old["doc"]["operations"] else "no"
    elif not new["doc"] and not old["doc"]:
        same = "yes (none)"
    print(f"| {label} | {budget} | {copies} | {new['status']} | {fmt(new['tdi'], 2)} | {new['wall']:.2f} | "
          f"{old['status']} | {fmt(old['tdi'], 2)} | {old['wall']:.2f} | {new['wall'] / old['wall']:.2f} | {same} | "
          f"{check_mark(new)} |", flush=True)
