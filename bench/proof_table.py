#!/usr/bin/env python3
"""Proofs and bounds on the paper's instances (issue 10): runs `moccasin solve` (default
`--strategy auto`, `--threads 2`, 60 s) per instance and variant, and prints a markdown table:
status, best TDI, proven lower bound as a TDI, the gap between them, wall time (the time to the
proof when optimal), the exact search's nodes and nodes per second, the stage-cut bound's calls,
the exact search's restarts and the nogoods they recorded (+ the nogoods learnt from failures,
with --learn), its shaving probes (exhausted of all), the bound from windows of stages as a TDI (with the
windows' searches that ended in a proof, of all),
and `moccasin check` of the schedule.

Variants are named flag sets (see VARIANTS); `before` runs --baseline-binary with no flags, to
compare against an older build, and `before-V` runs it with variant V's flags. Run nothing else on the machine meanwhile.

usage: bench/proof_table.py [--graphs DIR] [--binary PATH] [--baseline-binary PATH]
                            [--time-limit S] [--threads T] [--instances rl_n100:0.8,...]
                            [--variants default,luby,...]
"""
import argparse
import os
import sys
import tempfile

from benchlib import check_mark, fmt, instances_in, solve_checked, variant_binary

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
    "windows-no-shaving": ["--bound-windows", "--no-shaving"],
    "ttef": ["--ttef"],                 # timetable-edge-finding on
    "ttef-no-left": ["--ttef", "--ttef-no-left-overlap"],  # ... without its left-overlap rules
    "no-cover-ttef": ["--no-cover-bound", "--ttef"],
    "no-bound": ["--no-bound"],         # no stage-cut bound during the search
    "no-nogoods": ["--no-nogoods"],     # restarts record no nogoods
    "learn": ["--learn"],               # a nogood learnt from every failure (the default since 2026-12-07)
    "no-learn": ["--no-learn"],         # no learning
    "learn-256": ["--learn", "--learnt-length", "256"],  # ... keeping nogoods of up to 256 literals
    "no-shaving": ["--no-shaving"],     # one proof run once a schedule is known, no capped probes
    "no-window": ["--no-window-bound"], # no bound from relaxations to windows of stages
    "no-refine": ["--no-window-refine"],  # unproven windows not searched again
    "share-0.8": ["--window-share", "0.8"],  # the windows get up to 80% of the exact search's time
    "one-pass": ["--window-plateau", "0"],  # the windows' sweep grows each depth without pausing
    "nested": ["--window-nesting", "1"],    # the windows' searches use windows of their own
    # Without the root's integer program the Keras instances need the search for their proof:
    "no-cover": ["--no-cover-bound"],   # the root bound without the integer cover program
    "no-cover-learn": ["--no-cover-bound", "--learn"],
    # The exact search alone: no root integer program, no windows (with --strategy exact).
    "search-only": ["--no-cover-bound", "--no-window-bound"],
    "search-only-learn": ["--no-cover-bound", "--no-window-bound", "--learn"],
    "search-only-no-learn": ["--no-cover-bound", "--no-window-bound", "--no-learn"],
    "keep-all": ["--learnt-keep", "0"],  # no learnt nogood is ever deleted
    "search-only-keep-all": ["--no-cover-bound", "--no-window-bound", "--learnt-keep", "0"],
    "no-cover-no-shaving": ["--no-cover-bound", "--no-shaving"],
    "no-cover-luby": ["--no-cover-bound", "--luby-restarts"],
    "no-cover-luby-no-nogoods": ["--no-cover-bound", "--luby-restarts", "--no-nogoods"],
}

print(f"`--strategy {args.strategy} --threads {args.threads} --time-limit {args.time_limit:g}`\n")
print("| graph | budget | variant | status | TDI % | bound TDI % | gap | wall s | exact nodes | nodes/s | bound calls | restarts | nogoods | probes | window bound TDI % | check |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "s.json")
    for name, budget, path in instances_in(args.instances, args.graphs):
        for v in args.variants.split(","):
            binary = variant_binary(v, args.binary, args.baseline_binary)
            flags = VARIANTS[v.removeprefix("before-")]
            row = solve_checked(binary, path, budget, out, threads=args.threads, limit=args.time_limit,
                                extra=["--strategy", args.strategy] + flags)
            d = row["doc"]
            if d is None:
                print(f"| {name} | {budget} | {v} | {row['status']} | | | | | | | | | | | | |")
                continue
            solver = d["solver"]
            e = solver["statistics"].get("exact", {})
            base = d["baseline_cost"]
            lb = d["lower_bound"]
            lbtdi = None if lb is None else 100.0 * (lb - base) / base
            tdi = d["tdi_percent"]
            gap = None if tdi is None or lbtdi is None else tdi - lbtdi
            wall = solver.get("wall_seconds", 0)
            nodes = e.get("nodes", 0)
            calls = e.get("propagators", {}).get("recompute-bound", {}).get("calls", 0)
            nogoods = e.get("nogoods", {}).get("recorded", 0)
            if "learning" in e:
                nogoods = f"{nogoods} + {e['learning']['learnt']} learnt"
                deleted = e.get("nogoods", {}).get("learnt_deleted", 0)
                if deleted:
                    nogoods += f" ({deleted} deleted)"
            shaving = e.get("shaving")
            probes = f"{shaving['exhausted']}/{shaving['probes']}" if shaving else ""
            wb = e.get("window_bound")
            windows = f"{fmt(100.0 * wb['bound'] / base)} ({wb['proofs']}/{wb['searches']})" if wb else ""
            print(f"| {name} | {budget} | {v} | {d['status']} | {fmt(tdi)} | {fmt(lbtdi)} | {fmt(gap)} | "
                  f"{wall:.1f} | {nodes} | {nodes / wall if wall > 0 else 0:.0f} | {calls} | {e.get('restarts', 0)} | "
                  f"{nogoods} | {probes} | {windows} | {check_mark(row)} |")
            sys.stdout.flush()
