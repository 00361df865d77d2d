#!/usr/bin/env python3
"""Where no schedule meets the budget: the lowest peak a schedule the solve made reached (the end
of its message), for a binary against a baseline binary, run one after the other in the same
invocation. Free order. Prints a markdown table with both fractions of the reference peak and
their ratio (below 1: the binary got lower).

usage: lowest_peak_table.py --binary B --baseline-binary B0 [--graphs DIR]
                            [--instances graph:budget:copies:threads:seconds,...]

A graph is a file of --graphs without its .json, or gen-nN-sS: `moccasin gen --nodes N --seed S`
(made once by the baseline binary, so both binaries solve the same graph).
"""
import argparse
import os
import re
import sys
import tempfile

from benchlib import fmt, generate_graph, solve_checked

DEFAULT = "rl_n500:0.55:4:2:60,rl_n500:0.6:2:1:30"
GENERATED = re.compile(r"gen-n(\d+)-s(\d+)$")
NOTE = re.compile(r"the lowest peak a schedule found reached is (\d+) \(([0-9.]+) of the reference peak\)")


def lowest(binary, graph, budget, copies, threads, seconds, out):
    row = solve_checked(binary, graph, budget, out, order="free", threads=threads, limit=seconds, copies=copies)
    message = (row["doc"] or {}).get("message") or ""
    m = NOTE.search(message)
    return row["status"], (float(m.group(2)) if m else None)


def graph_file(name, graphs, binary, tmp):
    m = GENERATED.match(name)
    if not m:
        return os.path.join(graphs, name + ".json")
    path = os.path.join(tmp, name + ".json")
    if not os.path.exists(path):
        generate_graph(binary, m.group(1), m.group(2), path)
    return path


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--baseline-binary", required=True)
    ap.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
    ap.add_argument("--instances", default=DEFAULT)
    a = ap.parse_args()
    print("| graph | budget | copies | threads | s | baseline status | baseline lowest peak | status | lowest peak | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "s.json")
        for spec in a.instances.split(","):
            name, budget, copies, threads, seconds = spec.split(":")
            graph = graph_file(name, a.graphs, a.baseline_binary, tmp)
            args = (graph, budget, int(copies), int(threads), float(seconds), out)
            s0, p0 = lowest(a.baseline_binary, *args)
            s1, p1 = lowest(a.binary, *args)
            ratio = p1 / p0 if p0 and p1 else None
            print(f"| {name} | {budget} | {copies} | {threads} | {seconds} | {s0} | {fmt(p0)} | {s1} | {fmt(p1)} | {fmt(ratio)} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
