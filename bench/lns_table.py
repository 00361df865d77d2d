#!/usr/bin/env python3
"""Anytime benchmark of `moccasin solve` (default strategy auto) against the Moccasin paper's
CP-SAT results, and a scale run on generated graphs.

For each paper graph and budget, with --threads 2 and --threads 1, one run of LIMIT seconds is
made; its progress lines give the TDI at 10 s and at the end, and the time at which the paper's
TDI was first reached. Generated layered graphs of 1,000, 5,000 and 10,000 nodes are solved at
0.9, 0.8 and 0.7 with --threads 2: TDI at the end and peak RSS. Neighbourhood statistics are
summed over all runs.

usage: bench/lns_table.py [--graphs DIR] [--binary PATH] [--limit S] [--skip-paper] [--skip-scale]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

from benchlib import schedule_ok

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
ap.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
ap.add_argument("--limit", type=float, default=60)
ap.add_argument("--skip-paper", action="store_true")
ap.add_argument("--skip-scale", action="store_true")
ap.add_argument("--scale-sizes", default="1000,5000,10000")
ap.add_argument("--threads", default="2,1", help="thread counts for the paper graphs")
args = ap.parse_args()

PAPER = {  # graph: {budget: (paper TDI %, paper seconds)}
    "rl_n100": {"0.9": (0.8, 9.3), "0.8": (2.3, 9.5)},
    "rl_n250": {"0.9": (0.9, 55), "0.8": (4.9, 640)},
    "rl_n500": {"0.9": (0.7, 1800), "0.8": (3.4, 1800)},
    "fcn8_vgg_train": {"0.9": (0.0, 3.1), "0.8": (0.1, 3.1)},
    "resnet50_train": {"0.9": (0.2, 65), "0.8": (0.3, 69)},
}
LINE = re.compile(r"^\s*([0-9.]+)s\s+cost\s+(\d+)\s+TDI\s+([0-9.\-]+)%")
neigh = {}


def run(graph, budget, threads, out):
    cmd = [args.binary, "solve", graph, "--budget", budget, "--threads", str(threads),
           "--time-limit", str(args.limit), "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True)
    points = [(float(m.group(1)), float(m.group(3))) for m in map(LINE.match, p.stderr.splitlines()) if m]
    d = json.load(open(out)) if p.returncode in (0, 5) else None
    if d:
        for name, s in d["solver"]["statistics"].get("lns", {}).get("neighborhoods", {}).items():
            acc = neigh.setdefault(name, {"attempts": 0, "improvements": 0, "gain_tdi": 0.0})
            acc["attempts"] += s["attempts"]
            acc["improvements"] += s["improvements"]
            acc["gain_tdi"] += 100.0 * s["gain"] / d["baseline_cost"]
    return p.returncode, points, d


def tdi_at(points, t):
    best = None
    for when, tdi in points:
        if when <= t:
            best = tdi
    return best


def fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.json")
    if not args.skip_paper:
        print(f"## Paper graphs ({args.limit:g} s per run)\n")
        print("| graph | budget | paper TDI % (time s) | threads | TDI @10 s | TDI @end | lower bound TDI | status | time to paper TDI s | check |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, budgets in PAPER.items():
            path = os.path.join(args.graphs, name + ".json")
            for budget, (ptdi, ptime) in budgets.items():
                for threads in [int(t) for t in args.threads.split(",")]:
                    rc, points, d = run(path, budget, threads, out)
                    if d is None:
                        print(f"| {name} | {budget} | {ptdi} ({ptime:g}) | {threads} | exit {rc} | | | | | |")
                        continue
                    reach = next((when for when, tdi in points if round(tdi, 1) <= ptdi), None)
                    lb = d["lower_bound"]
                    lbtdi = None if lb is None else 100.0 * (lb - d["baseline_cost"]) / d["baseline_cost"]
                    ok = schedule_ok(args.binary, path, out)
                    print(f"| {name} | {budget} | {ptdi} ({ptime:g}) | {threads} | {fmt(tdi_at(points, 10))} | "
                          f"{fmt(d['tdi_percent'])} | {fmt(lbtdi)} | {d['status']} | {fmt(reach)} | {'OK' if ok else 'FAIL'} |")
                    sys.stdout.flush()
    if not args.skip_scale:
        print(f"\n## Generated layered graphs ({args.limit:g} s, --threads 2)\n")
        print("| nodes | edges | budget | status | TDI @end | lower bound TDI | peak RSS MB | wall s | check |")
        print("|---|---|---|---|---|---|---|---|---|")
        for n in [int(x) for x in args.scale_sizes.split(",")]:
            graph = os.path.join(tmp, f"g{n}.json")
            subprocess.run([args.binary, "gen", "--nodes", str(n), "--seed", "1", "-o", graph], check=True)
            info = json.loads(subprocess.run([args.binary, "info", graph, "--json"], capture_output=True, text=True).stdout)
            for budget in ("0.9", "0.8", "0.7"):
                rc, points, d = run(graph, budget, 2, out)
                if d is None:
                    print(f"| {n} | {info['edges']} | {budget} | exit {rc} | | | | | |")
                    continue
                s = d["solver"]["statistics"]
                lb = d["lower_bound"]
                lbtdi = None if lb is None else 100.0 * (lb - d["baseline_cost"]) / d["baseline_cost"]
                ok = rc == 0 and schedule_ok(args.binary, graph, out)
                tdi = d["tdi_percent"] if rc == 0 else None
                print(f"| {n} | {info['edges']} | {budget} | {d['status']} | {fmt(tdi)} | {fmt(lbtdi)} | "
                      f"{s.get('peak_rss_mb', 0):.0f} | {d['solver']['wall_seconds']:.1f} | {'OK' if ok else ('-' if rc else 'FAIL')} |")
                sys.stdout.flush()

print("\n## Neighbourhoods (summed over the runs above)\n")
print("| neighbourhood | attempts | improvements | improvement rate | TDI points gained |")
print("|---|---|---|---|---|")
for name, s in sorted(neigh.items(), key=lambda kv: -kv[1]["gain_tdi"]):
    rate = s["improvements"] / s["attempts"] if s["attempts"] else 0
    print(f"| {name} | {s['attempts']} | {s['improvements']} | {rate:.3f} | {s['gain_tdi']:.3f} |")
