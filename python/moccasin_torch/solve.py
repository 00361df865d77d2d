"""Solve a traced step's graph with the `moccasin` binary."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

# python/moccasin_torch/solve.py -> the repository root is two levels above this package.
REPO_ROOT = Path(__file__).resolve().parents[2]


class SolveError(Exception):
    def __init__(self, message, exit_code=None):
        super().__init__(message)
        self.exit_code = exit_code


class InfeasibleBudget(SolveError):
    """The budget is below what any schedule needs (moccasin exit code 4, or not even the
    resident tensors fit)."""


def find_binary(binary=None):
    """The moccasin binary: the argument, else $MOCCASIN_BINARY, else <repo>/build/moccasin."""
    path = binary or os.environ.get("MOCCASIN_BINARY") or str(REPO_ROOT / "build" / "moccasin")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise SolveError(
            f"moccasin binary not found at {path} (build it with ./scripts/setup, or set "
            "MOCCASIN_BINARY)"
        )
    return path


def solve(traced, budget_bytes, *, binary=None, time_limit=None, order=None, copies=None,
          threads=None, seed=None, strategy=None, extra_args=(), workdir=None):
    """Schedule ``traced`` so that the whole step, resident tensors included, fits
    ``budget_bytes``. Returns the schedule (the parsed moccasin-schedule/1 JSON).

    Parameters, buffers and inputs are resident whatever the schedule does, so moccasin is given
    budget_bytes - traced.resident_bytes as an absolute amount. ``order`` is passed through as
    ``--order ORDER`` (e.g. "free"); ``extra_args`` are appended to the command line unchanged.
    ``workdir`` keeps graph.json and schedule.json there instead of a temporary directory.
    """
    solver_budget = int(budget_bytes) - traced.resident_bytes
    if solver_budget <= 0:
        raise InfeasibleBudget(
            f"budget {budget_bytes} bytes does not even hold the resident tensors "
            f"({traced.resident_bytes} bytes)"
        )
    exe = find_binary(binary)
    with tempfile.TemporaryDirectory(prefix="moccasin_torch_") as tmp:
        base = Path(workdir) if workdir is not None else Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        graph_path = base / "graph.json"
        schedule_path = base / "schedule.json"
        traced.write_graph(graph_path)
        cmd = [exe, "solve", str(graph_path), "--budget", str(solver_budget),
               "-o", str(schedule_path)]
        if time_limit is not None:
            cmd += ["--time-limit", str(time_limit)]
        if order is not None:
            cmd += ["--order", str(order)]
        if copies is not None:
            cmd += ["--copies", str(copies)]
        if threads is not None:
            cmd += ["--threads", str(threads)]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        if strategy is not None:
            cmd += ["--strategy", str(strategy)]
        cmd += [str(a) for a in extra_args]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        # Without -q, moccasin ends stderr with a summary line that says why it stopped.
        message = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        message = message[-1] if message else ""
        if proc.returncode == 4:
            raise InfeasibleBudget(f"moccasin: budget infeasible: {message}", 4)
        if proc.returncode != 0:
            raise SolveError(
                f"moccasin exited with code {proc.returncode}: {message}\ncommand: "
                + " ".join(cmd),
                proc.returncode,
            )
        with open(schedule_path) as f:
            schedule = json.load(f)
    if schedule.get("status") not in ("optimal", "feasible"):
        raise SolveError(f"moccasin returned status {schedule.get('status')!r}")
    return schedule
