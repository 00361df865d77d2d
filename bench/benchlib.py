"""What the benchmark runners share: one `moccasin solve` run, its schedule checked with
`moccasin check`, the instances and variants of a table, and the table formatting."""
import json
import os
import subprocess
import sys
import time


def solve_checked(binary, graph, budget, out, order="given", threads=2, limit=60, copies=2, extra=()):
    """Runs `moccasin solve` and checks the schedule it wrote. Returns a dict: status, tdi (None
    without a schedule), ok (None without a schedule), rc, wall (seconds around the process, loading
    included), rss (MB, peak resident memory from wait4), seconds_to_best, doc (the schedule file's
    JSON, None without one)."""
    if os.path.exists(out):
        os.remove(out)
    cmd = [binary, "solve", graph, "--budget", str(budget), "--order", order, "--threads", str(threads),
           "--time-limit", str(limit), "--copies", str(copies), "-q", "-o", out, *extra]
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    row = {"rc": rc, "wall": time.monotonic() - start, "rss": usage.ru_maxrss / 1024.0,
           "status": f"exit {rc}", "tdi": None, "ok": None, "seconds_to_best": None, "doc": None}
    if rc in (0, 4, 5) and os.path.exists(out):
        with open(out) as f:
            d = json.load(f)
        row["doc"] = d
        row["status"] = d["status"]
        row["tdi"] = d["tdi_percent"]
        row["seconds_to_best"] = d["solver"]["statistics"].get("seconds_to_best")
        if d["tdi_percent"] is not None:
            row["ok"] = schedule_ok(binary, graph, out, copies)
    return row


def generate_graph(binary, nodes, seed, path):
    """`moccasin gen --nodes N --seed S -o path`; returns path."""
    subprocess.run([binary, "gen", "--nodes", str(nodes), "--seed", str(seed), "-o", path], check=True)
    return path


def generate_in(directory, binary, nodes, seed):
    """generate_graph into `directory`, as gen_<nodes>_<seed>.json; returns the path."""
    return generate_graph(binary, nodes, seed, os.path.join(directory, f"gen_{nodes}_{seed}.json"))


def schedule_ok(binary, graph, schedule, copies=2):
    """`moccasin check` of a schedule file: True when it is valid."""
    return subprocess.run([binary, "check", graph, schedule, "--copies", str(copies)],
                          capture_output=True).returncode == 0


def fmt(x, digits=3):
    return "" if x is None else f"{x:.{digits}f}"


def check_mark(row):
    return "" if row["ok"] is None else ("OK" if row["ok"] else "FAIL")


def instances_in(spec, graphs):
    """Yields (name, budget, path) for each `graph:budget` of a comma-separated spec."""
    for inst in spec.split(","):
        name, budget = inst.split(":")
        yield name, budget, os.path.join(graphs, name + ".json")


def variant_binary(variant, binary, baseline):
    """The binary a variant runs: the baseline for `before` and `before-V`, else `binary`."""
    if variant == "before" or variant.startswith("before-"):
        if baseline is None:
            sys.exit(f"variant '{variant}' needs --baseline-binary")
        return baseline
    return binary
