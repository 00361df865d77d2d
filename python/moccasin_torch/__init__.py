"""moccasin_torch: trace a PyTorch training step into a Moccasin graph, solve it with the
moccasin binary, and execute the schedule for real while measuring live memory."""

try:
    import torch  # noqa: F401
except ImportError as e:  # the usual cause here: a python3 other than Debian's first on PATH
    raise ImportError(
        "moccasin_torch needs PyTorch: install Debian's python3-torch "
        "(./scripts/install-packages python3-torch) and run /usr/bin/python3"
    ) from e

from .execute import ExecutionResult, ScheduleError, execute, reference_operations
from .solve import InfeasibleBudget, SolveError, find_binary, solve
from .trace import TracedStep, UnsupportedModel, eager_step, trace_training_step

__all__ = [
    "ExecutionResult", "InfeasibleBudget", "ScheduleError", "SolveError", "TracedStep",
    "UnsupportedModel", "eager_step", "execute", "find_binary", "reference_operations",
    "solve", "trace_training_step",
]
