"""trace -> solve -> execute on a demo model, reporting one JSON line."""

import json
import math
import sys

import torch

from . import models
from .execute import execute, reference_operations
from .solve import solve
from .trace import eager_step, trace_training_step

# Loss and gradients must match eager PyTorch within this absolute difference. The interpreter
# runs the same aten ops on the same values, so on CPU it is normally bitwise equal (0.0).
TOLERANCE = 1e-5


def run_demo(name, budget=0.6, order=None, time_limit=5.0, binary=None, threads=None,
             seed=0, workdir=None, cost="flops"):
    """Returns (report dict, list of failed requirements, a human-readable summary line)."""
    model, batch, loss_fn = models.build(name, seed)
    traced = trace_training_step(model, batch, loss_fn, cost=cost)

    unscheduled = execute(traced, reference_operations(traced))
    budget_bytes = math.floor(budget * unscheduled.peak_bytes)
    schedule = solve(traced, budget_bytes, binary=binary, time_limit=time_limit, order=order,
                     threads=threads, workdir=workdir)
    result = execute(traced, schedule["operations"])

    reference = eager_step(model, batch, loss_fn)
    max_abs_diff = max((a - b).abs().max().item() for a, b in zip(result.outputs, reference))

    report = {
        "model": name,
        "nodes": len(traced.nodes),
        "budget_bytes": budget_bytes,
        "peak_bytes_unscheduled": unscheduled.peak_bytes,
        "peak_bytes_measured": result.peak_bytes,
        "max_abs_diff": max_abs_diff,
        "recomputations": result.recomputations,
        "tdi_percent": schedule["tdi_percent"],
    }
    failed = []
    if result.peak_bytes > budget_bytes:
        failed.append("measured peak above the budget")
    if budget < 1.0 and result.peak_bytes >= unscheduled.peak_bytes:
        failed.append("measured peak not below the unscheduled peak")
    if result.peak_bytes > traced.resident_bytes + schedule["peak_memory"]:
        failed.append("measured peak above resident bytes + the schedule's peak_memory")
    if not max_abs_diff <= TOLERANCE:
        failed.append(f"max_abs_diff above {TOLERANCE}")
    details = (
        f"{name}: {len(traced.op_nodes())} ops, resident {traced.resident_bytes} B, "
        f"solver budget {budget_bytes - traced.resident_bytes} B, schedule peak "
        f"{schedule['peak_memory']} B (status {schedule['status']}), lower bound "
        f"{schedule.get('lower_bound')}, cost unit {traced.cost_unit}"
    )
    return report, failed, details


def main(args):
    torch.set_num_threads(1)  # the machine is shared; also keeps runs reproducible
    report, failed, details = run_demo(
        args.model, budget=args.budget, order=args.order, time_limit=args.time_limit,
        binary=args.binary, threads=args.threads, seed=args.seed, workdir=args.keep_files,
        cost=args.cost,
    )
    print(details, file=sys.stderr)
    print(json.dumps(report), flush=True)
    for f in failed:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failed else 0
