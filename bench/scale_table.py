#!/usr/bin/env python3
"""Generated graphs at scale: a schedule within the limit, and the time and memory it takes.

Rows: `moccasin gen --nodes 10000 --seed 1..3` at 0.9 (given order) and 0.9, 0.8, 0.7 (free
order), then `--nodes 100000 --seed 1` at 0.9 (free order, LARGE_LIMIT seconds). Each cell is one
`moccasin solve --threads 2 --time-limit LIMIT`; "wall s" is measured around the process, so it
includes loading the graph; RSS is the process's peak resident memory (wait4). Every schedule is
checked with `moccasin check`.

usage: bench/scale_table.py [--binary PATH] [--limit S] [--large-limit S] [--seeds 1,2,3]
                            [--skip-large]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
ap.add_argument("--limit", type=float, default=60)
ap.add_argument("--large-limit", type=float, default=120)
ap.add_argument("--seeds", default="1,2,3")
ap.add_argument("--skip-large", action="store_true")
args = ap.parse_args()
tmp = tempfile.mkdtemp()


def generate(nodes, seed):
    path = os.path.join(tmp, f"gen_{nodes}_{seed}.json")
    subprocess.run([args.binary, "gen", "--nodes", str(nodes), "--seed", str(seed), "-o", path], check=True)
    return path


def run_measured(cmd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, time.monotonic() - start, usage.ru_maxrss / 1024.0


def solve(path, budget, order, limit):
    out = os.path.join(tmp, "s.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [args.binary, "solve", path, "--budget", budget, "--order", order, "--threads", "2",
           "--time-limit", str(limit), "-q", "-o", out]
    rc, wall, rss = run_measured(cmd)
    row = {"rc": rc, "wall": wall, "rss": rss, "status": f"exit {rc}", "tdi": None, "ok": None}
    if rc in (0, 4, 5) and os.path.exists(out):
        d = json.load(open(out))
        row["status"] = d["status"]
        row["tdi"] = d["tdi_percent"]
        if d["tdi_percent"] is not None:
            row["ok"] = subprocess.run([args.binary, "check", path, out], capture_output=True).returncode == 0
    return row


def fmt(x, digits=2):
    return "" if x is None else f"{x:.{digits}f}"


print(f"time limit {args.limit:g} s (10,000 nodes), {args.large_limit:g} s (100,000 nodes); 2 threads")
print()
print("| graph | order | budget | status | TDI % | wall s | RSS MB | check |")
print("|---|---|---|---|---|---|---|---|")
cells = [(10000, int(s), order, b) for s in args.seeds.split(",") for order, b in
         (("given", "0.9"), ("free", "0.9"), ("free", "0.8"), ("free", "0.7"))]
if not args.skip_large:
    cells.append((100000, 1, "free", "0.9"))
graphs = {}
for nodes, seed, order, budget in cells:
    if (nodes, seed) not in graphs:
        graphs[(nodes, seed)] = generate(nodes, seed)
    limit = args.limit if nodes <= 10000 else args.large_limit
    r = solve(graphs[(nodes, seed)], budget, order, limit)
    check = "" if r["ok"] is None else ("OK" if r["ok"] else "FAIL")
    print(f"| gen n={nodes} seed={seed} | {order} | {budget} | {r['status']} | {fmt(r['tdi'])} | "
          f"{r['wall']:.1f} | {r['rss']:.0f} | {check} |")
    sys.stdout.flush()
