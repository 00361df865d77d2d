#!/usr/bin/env python3
"""Generated graphs at scale: a schedule within the limit, and the time and memory it takes.

Rows: `moccasin gen --nodes 10000 --seed 1..3` at 0.9 (given order) and 0.9, 0.8, 0.7 (free
order), then `--nodes 100000 --seed 1` at 0.9 (free order, LARGE_LIMIT seconds). Each cell is one
`moccasin solve --threads 2 --time-limit LIMIT --copies 2`, and again with --copies 4 where 2 gives
no schedule; with --baseline, each cell also runs that binary (same invocation, same cells); "wall s" is measured around the process, so it
includes loading the graph; RSS is the process's peak resident memory (wait4). Every schedule is
checked with `moccasin check`.

usage: bench/scale_table.py [--binary PATH] [--baseline PATH] [--limit S] [--large-limit S]
                            [--seeds 1,2,3] [--skip-large] [--only free:0.7,...]
                            [--copies 2,4] [--repeat N]

--only keeps the 10,000-node cells of those order:budget pairs. --copies lists the copy limits
tried in turn (the next only where the previous gave no schedule); --repeat runs every cell N
times, to show how often a budget that is met only now and then is met.
"""
import argparse
import os
import sys
import tempfile

from benchlib import check_mark, fmt, generate_in, solve_checked

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
ap.add_argument("--baseline", help="a second binary run on the same cells, for comparison")
ap.add_argument("--limit", type=float, default=60)
ap.add_argument("--large-limit", type=float, default=120)
ap.add_argument("--seeds", default="1,2,3")
ap.add_argument("--skip-large", action="store_true")
ap.add_argument("--only", help="order:budget pairs of the 10,000-node cells to run, e.g. free:0.7")
ap.add_argument("--copies", default="2,4", help="copy limits tried in turn, e.g. 4")
ap.add_argument("--repeat", type=int, default=1, help="runs of every cell")
args = ap.parse_args()
tmp = tempfile.mkdtemp()


def row_text(label, order, budget, copies, r):
    return (f"| {label} | {order} | {budget} | {copies} | {r['status']} | {fmt(r['tdi'], 2)} | "
            f"{r['wall']:.1f} | {r['rss']:.0f} | {check_mark(r)} |")


print(f"time limit {args.limit:g} s (10,000 nodes), {args.large_limit:g} s (100,000 nodes); 2 threads")
print()
print("| graph | order | budget | copies | status | TDI % | wall s | RSS MB | check |")
print("|---|---|---|---|---|---|---|---|---|")
cells = [(10000, int(s), order, b) for s in args.seeds.split(",") for order, b in
         (("given", "0.9"), ("free", "0.9"), ("free", "0.8"), ("free", "0.7"))]
if args.only:
    keep = {tuple(pair.split(":")) for pair in args.only.split(",")}
    cells = [c for c in cells if (c[2], c[3]) in keep]
if not args.skip_large:
    cells.append((100000, 1, "free", "0.9"))
graphs = {}
out = os.path.join(tmp, "s.json")
binaries = [("", args.binary)] + ([(" (baseline)", args.baseline)] if args.baseline else [])
for nodes, seed, order, budget in cells:
    if (nodes, seed) not in graphs:
        graphs[(nodes, seed)] = generate_in(tmp, args.binary, nodes, seed)
    limit = args.limit if nodes <= 10000 else args.large_limit
    for suffix, binary in [b for _ in range(args.repeat) for b in binaries]:
        for copies in [int(c) for c in args.copies.split(",")]:
            r = solve_checked(binary, graphs[(nodes, seed)], budget, out, order, 2, limit, copies)
            print(row_text(f"gen n={nodes} seed={seed}{suffix}", order, budget, copies, r))
            sys.stdout.flush()
            if r["tdi"] is not None:
                break  # C = 2 suffices: no need for 4
