#!/usr/bin/python3
"""Interruption soak test for `moccasin solve -o FILE`.

Starts the solver on benchmark graphs and interrupts it at random moments with SIGINT, SIGTERM,
two SIGINTs in a row, or SIGKILL, many times. After each run the output file must be either
absent or complete: it parses as JSON, and if it lists computations, `moccasin check GRAPH FILE
--budget B` accepts them. A truncated or invalid file fails the test.

The contract checked (docs/cli.md):
- SIGINT/SIGTERM: the search stops, the best schedule is written, and the program exits with one
  of the exit codes `moccasin solve --help` documents (never 1, internal error). Exit 0 means
  a schedule is on disk. A graceful exit leaves no temporary files beside the output.
- SIGKILL: -o is written atomically at every improvement, so the file holds the last improvement.
  It may be absent only if the solver had reported no improvement yet (progress lines on
  stderr); an improvement reported at least --grace seconds before the kill must be on disk.
  The same holds after a second SIGINT, which may end the program at once (with a documented
  exit code, and possibly a temporary file left behind).
- A signal sent during process start-up, before the program could install its handlers, kills
  it; that is counted, not failed (only within --startup seconds of the start, with no file).

Usage: interrupt_soak.py MOCCASIN [options]; --help lists them. The benchmark graphs come from
$MOCCASIN_SHARED_GRAPHS (or --graphs-dir); without them the test is skipped (exit 77).
Environment overrides for ctest runs: SOAK_INTERRUPTIONS, SOAK_SEED, SOAK_TIME_LIMIT.
Exit codes: 0 passed, 1 a check failed, 2 usage, 77 skipped.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
KINDS = ["INT", "TERM", "INT2", "KILL"]


def parse_args():
    ap = argparse.ArgumentParser(description="Interrupt `moccasin solve` at random moments and check its output file.")
    ap.add_argument("moccasin", help="path of the moccasin program")
    ap.add_argument("--interruptions", type=int, default=int(os.environ.get("SOAK_INTERRUPTIONS", 30)))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", random.SystemRandom().randrange(1 << 31))),
                    help="seed of the random moments and signals (printed, to reproduce a run)")
    ap.add_argument("--time-limit", type=float, default=float(os.environ.get("SOAK_TIME_LIMIT", 4.0)),
                    help="--time-limit given to the solver (seconds)")
    ap.add_argument("--graphs", default="rl_n250:0.8,rl_n500:0.8", help="GRAPH:BUDGET,... (names in the graphs dir)")
    ap.add_argument("--graphs-dir", default=os.environ.get("MOCCASIN_SHARED_GRAPHS", ""))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--grace", type=float, default=1.0,
                    help="seconds an improvement may take to reach the disk before a SIGKILL")
    ap.add_argument("--startup", type=float, default=0.5,
                    help="seconds after the start in which a signal may still find no handler")
    ap.add_argument("--stop-timeout", type=float, default=60.0,
                    help="seconds a process may take to exit after SIGINT/SIGTERM (slow machines)")
    return ap.parse_args()


def documented_exit_codes(moccasin):
    """The exit codes `moccasin solve --help` documents, as {code: meaning}."""
    text = subprocess.run([moccasin, "solve", "--help"], capture_output=True, text=True, check=True).stdout
    start = text.find("exit codes:")
    if start < 0:
        raise SystemExit("moccasin solve --help documents no exit codes")
    lines = text[start + len("exit codes:"):].split("\n")
    section = [lines[0]]
    for line in lines[1:]:  # the indented lines that continue the paragraph
        if not line.startswith(" ") or not line.strip():
            break
        section.append(line)
    return {int(code): meaning.strip() for code, meaning in re.findall(r"(\d+)\s+([^,]+)", ",".join(section))}


class Run:
    """One solver process whose stderr is drained by a thread that timestamps progress lines."""

    def __init__(self, cmd):
        self.started = time.monotonic()
        self.improvements = []  # (monotonic time, cost) of each progress line
        self.stderr_tail = []
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            now = time.monotonic()
            # Progress lines and the final summary both name the cost of a schedule in hand.
            m = re.search(r"\bcost (\d+)", line)
            if m:
                self.improvements.append((now, int(m.group(1))))
            self.stderr_tail = (self.stderr_tail + [line.rstrip()])[-5:]

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def best_cost_before(self, moment):
        """The lowest cost reported before `moment`, or None."""
        costs = [c for t, c in self.improvements if t <= moment]
        return min(costs) if costs else None

    def finish(self):
        self.reader.join(timeout=10)


def check_file(moccasin, graph, budget, path):
    """(state, detail): ('absent', None), ('schedule', objective), ('no-schedule', None), ('bad', reason)."""
    if not os.path.exists(path):
        return "absent", None
    with open(path, "rb") as f:
        data = f.read()
    try:
        doc = json.loads(data)
    except ValueError as e:
        return "bad", f"not complete JSON ({len(data)} bytes): {e}"
    if not isinstance(doc, dict):
        return "bad", "not a JSON object"
    status = doc.get("status")
    # Whatever the status says, listed computations must form a valid schedule.
    if doc.get("computations"):
        r = subprocess.run([moccasin, "check", graph, path, "--budget", budget], capture_output=True, text=True)
        if r.returncode != 0:
            return "bad", f"moccasin check exit {r.returncode}: {(r.stdout + r.stderr).strip()[-400:]}"
        return "schedule", doc.get("objective")
    if status in ("optimal", "feasible"):
        return "bad", f"status {status!r} but no computations"
    return "no-schedule", None


def main():
    a = parse_args()
    if not os.path.isfile(a.moccasin) or not os.access(a.moccasin, os.X_OK):
        print(f"interrupt_soak: {a.moccasin}: not an executable", file=sys.stderr)
        return 2
    graphs = []
    for item in a.graphs.split(","):
        name, _, budget = item.partition(":")
        path = os.path.join(a.graphs_dir, name + ".json")
        if not a.graphs_dir or not os.path.isfile(path):
            print(f"interrupt_soak: skipped: {name}.json not found (set MOCCASIN_SHARED_GRAPHS)")
            return SKIP
        graphs.append((name, path, budget or "0.8"))
    documented = documented_exit_codes(a.moccasin)
    graceful_ok = {c for c in documented if c not in (1, 2, 3)}  # not internal, usage or input errors
    rng = random.Random(a.seed)
    print(f"interrupt_soak: seed {a.seed}, {a.interruptions} interruptions, time limit {a.time_limit} s, "
          f"threads {a.threads}; documented exit codes {sorted(documented)}", flush=True)

    counts = {k: 0 for k in ("interruptions", "finished first", "files checked", "valid schedules",
                             "no-schedule files", "absent", "lost", "startup deaths")}
    failures = []
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="moccasin-soak-") as tmp:
        i = -1
        # Runs that end before their signal do not count; twice the runs at most bounds the time.
        while counts["interruptions"] < a.interruptions and i + 1 < 2 * a.interruptions:
            i += 1
            name, graph, budget = graphs[i % len(graphs)]
            kind = rng.choice(KINDS)
            # Up to half a second past the time limit, so some signals land during the final write.
            delay = rng.uniform(0.0, a.time_limit + 0.5)
            rundir = os.path.join(tmp, f"run{i}")
            os.mkdir(rundir)
            out = os.path.join(rundir, "out.json")
            cmd = [a.moccasin, "solve", graph, "--budget", budget, "--time-limit", str(a.time_limit),
                   "--threads", str(a.threads), "--seed", str(i), "-o", out]
            run = Run(cmd)
            rc = run.wait(delay)
            sent_at = None
            if rc is None:
                sent_at = time.monotonic()
                if kind == "KILL":
                    run.proc.send_signal(signal.SIGKILL)
                elif kind == "TERM":
                    run.proc.send_signal(signal.SIGTERM)
                else:
                    run.proc.send_signal(signal.SIGINT)
                    if kind == "INT2":  # the impatient user: a second Ctrl-C shortly after
                        time.sleep(0.05)
                        run.proc.send_signal(signal.SIGINT)
                counts["interruptions"] += 1
                rc = run.wait(a.stop_timeout)
                if rc is None:
                    run.proc.kill()
                    run.wait(None)
                    failures.append(f"run {i} ({name}, SIG{kind}): still running {a.stop_timeout} s after the signal")
                    run.finish()
                    continue
            else:
                counts["finished first"] += 1
            run.finish()

            label = f"run {i} ({name} {budget}, " + (f"SIG{kind} at {sent_at - run.started:.2f} s" if sent_at
                                                      else "finished before the signal") + f", exit {rc})"
            state, detail = check_file(a.moccasin, graph, budget, out)
            if state != "absent":
                counts["files checked"] += 1
            if state == "schedule":
                counts["valid schedules"] += 1
            elif state == "no-schedule":
                counts["no-schedule files"] += 1
            elif state == "absent":
                counts["absent"] += 1
            problems = []
            if state == "bad":
                problems.append(f"bad output file: {detail}")

            startup_death = (sent_at is not None and kind != "KILL" and rc < 0 and state == "absent"
                             and sent_at - run.started <= a.startup)
            if startup_death:
                counts["startup deaths"] += 1
            elif kind == "KILL" and sent_at is not None:
                if rc != -signal.SIGKILL:
                    problems.append(f"expected death by SIGKILL, got exit {rc}")
            elif rc not in (graceful_ok if sent_at else {0}):
                problems.append(f"exit code {rc} is not a documented result ({documented.get(rc, 'undocumented')})")

            if startup_death:
                pass
            elif sent_at is None or kind in ("INT", "TERM"):
                # A graceful end: the final JSON on disk, holding the last reported cost, no leftovers.
                if state == "absent":
                    problems.append("no output file after a graceful exit")
                if rc == 0 and state != "schedule":
                    problems.append("exit 0 without a schedule on disk")
                reported = run.best_cost_before(time.monotonic())
                if state == "schedule" and reported is not None and detail != reported:
                    problems.append(f"the file holds cost {detail}, the program reported {reported}")
                extra = sorted(set(os.listdir(rundir)) - {"out.json"})
                if extra:
                    problems.append(f"files left beside the output: {extra}")
            else:
                # SIGKILL, or a second Ctrl-C that ends the program at once: what had been reported
                # --grace seconds before the signal must be on disk.
                settled = run.best_cost_before(sent_at - a.grace)
                if state == "absent" and settled is not None:
                    counts["lost"] += 1
                    problems.append(f"no file, although cost {settled} had been reported at least {a.grace} s "
                                    f"before the signal (the first schedule {sent_at - run.improvements[0][0]:.2f} s before)")
                if state == "schedule" and settled is not None and detail is not None and detail > settled:
                    problems.append(f"the file holds cost {detail}, but cost {settled} was reported "
                                    f"at least {a.grace} s before the signal")
            print(f"{label}: {state}" + ("" if not problems else " -- FAIL: " + "; ".join(problems)), flush=True)
            if problems:
                failures.append(f"{label}: " + "; ".join(problems))
                if run.stderr_tail:
                    print("    stderr: " + "\n    stderr: ".join(run.stderr_tail), flush=True)

    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"interrupt_soak: {summary}; {len(failures)} failed runs; {time.monotonic() - began:.0f} s; seed {a.seed}")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
