#!/usr/bin/env python3
"""Proofs and bounds on the paper's instances (issue 10): runs `moccasin solve` (default
`--strategy auto`, `--threads 2`, 60 s) per instance and variant, and prints a markdown table:
status, best TDI, proven lower bound as a TDI, the gap between them, wall time (the time to the
proof when optimal), the exact search's nodes and nodes per second, the stage-cut bound's calls,
and `moccasin check` of the schedule.

Variants are named flag sets (see VARIANTS); `before` runs --baseline-binary with no flags, to
compare against an older build. Every run is wrapped in `flock /tmp/moccasin-bench.lock`, because
the machine is shared with other benchmarks.

usage: bench/proof_table.py [--graphs DIR] [--binary PATH] [--baseline-binary PATH]
                            [--time-limit S] [--threads T] [--instances rl_n100:0.8,...]
                            [--variants default,luby,...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
parser.add_argument("--binary", default=os.path.join(here, "..", "build", "moccasin"))
parser.add_argument("--baseline-binary", default=None)
parser.add_argument("--time-limit", type=float, default=60)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--strategy", default="auto")
parser.add_argument("--instances", default="rl_n100:0.8,resnet50_train:0.8,mobilenet_train:0.8,segnet_train:0.8,"
                                             "rl_n250:0.9,rl_n250:0.8,rl_n500:0.9,rl_n500:0.8")
parser.add_argument("--variants", default="default")
args = parser.parse_args()

VARIANTS = {
    "default": [],
    "before": [],                       # --baseline-binary, its own defaults
    "luby": ["--luby-restarts"],        # restarts also after a schedule is known (the old policy)
    "windows": ["--bound-windows"],     # the stage-cut bound also reads copy ends and stages
    "ttef": ["--ttef"],                 # timetable-edge-finding on
    "no-bound": ["--no-bound"],         # no stage-cut bound during the search
}

print(f"`--strategy {args.strategy} --threads {args.threads} --time-limit {args.time_limit:g}`\n")
print("| graph | budget | variant | status | TDI % | bound TDI % | gap | wall s | exact nodes | nodes/s | bound calls | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.json")
    for inst in args.instances.split(","):
        name, budget = inst.split(":")
        path = os.path.join(args.graphs, name + ".json")
        for v in args.variants.split(","):
            binary = args.baseline_binary if v == "before" else args.binary
            if binary is None:
                sys.exit("variant 'before' needs --baseline-binary")
            cmd = ["flock", "/tmp/moccasin-bench.lock", binary, "solve", path, "--budget", budget,
                   "--strategy", args.strategy, "--threads", str(args.threads),
                   "--time-limit", str(args.time_limit), "-q", "-o", out] + VARIANTS[v]
            if os.path.exists(out):
                os.remove(out)
            rc = subprocess.run(cmd).returncode
            if rc not in (0, 5) or not os.path.exists(out):
                print(f"| {name} | {budget} | {v} | exit {rc} | | | | | | | | |")
                continue
            d = json.load(open(out))
            solver = d["solver"]
            e = solver["statistics"].get("exact", {})
            base = d["baseline_cost"]
            lb = d["lower_bound"]
            lbtdi = None if lb is None else 100.0 * (lb - base) / base
            tdi = d["tdi_percent"]
            gap = "" if tdi is None or lbtdi is None else f"{tdi - lbtdi:.3f}"
            wall = solver.get("wall_seconds", 0)
            nodes = e.get("nodes", 0)
            calls = e.get("propagators", {}).get("recompute-bound", {}).get("calls", 0)
            check = ""
            if rc == 0:
                ok = subprocess.run([binary, "check", path, out], capture_output=True).returncode == 0
                check = "OK" if ok else "FAIL"
            print(f"| {name} | {budget} | {v} | {d['status']} | {'' if tdi is None else f'{tdi:.3f}'} | "
                  f"{'' if lbtdi is None else f'{lbtdi:.3f}'} | {gap} | {wall:.1f} | {nodes} | "
                  f"{nodes / wall if wall > 0 else 0:.0f} | {calls} | {check} |")
            sys.stdout.flush()
