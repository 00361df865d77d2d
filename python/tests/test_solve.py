"""Calling the moccasin binary: the command line, the budget, errors."""

import json
import os
import stat
import tempfile
import textwrap
import unittest
from pathlib import Path
from unittest import mock

import torch
import torch.nn as nn

from . import support
from moccasin_torch import InfeasibleBudget, SolveError, find_binary, solve, trace_training_step
from moccasin_torch.solve import REPO_ROOT


def small_traced():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
    return trace_training_step(model, (torch.randn(32, 16),))


class FakeBinary:
    """A stand-in for moccasin that records its arguments and exits with a given code."""

    def __init__(self, tmp, exit_code=2, name="fake-moccasin"):
        self.args_file = Path(tmp) / (name + ".args")
        self.path = Path(tmp) / name
        self.path.write_text(textwrap.dedent(f"""\
            #!/bin/sh
            printf '%s\\n' "$@" > {self.args_file}
            echo "moccasin: stopped by the fake" >&2
            exit {exit_code}
            """))
        self.path.chmod(self.path.stat().st_mode | stat.S_IXUSR)

    def args(self):
        return self.args_file.read_text().splitlines()


class TestCommandLine(unittest.TestCase):
    def setUp(self):
        self.traced = small_traced()
        self.tmp = tempfile.TemporaryDirectory()
        self.fake = FakeBinary(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_options_pass_through(self):
        with self.assertRaises(SolveError) as err:
            solve(self.traced, self.traced.resident_bytes + 5000, binary=str(self.fake.path),
                  time_limit=2.5, order="free", copies=3, threads=1, seed=7,
                  extra_args=["--deterministic"])
        self.assertEqual(err.exception.exit_code, 2)
        self.assertIn("stopped by the fake", str(err.exception))
        args = self.fake.args()
        self.assertEqual(args[0], "solve")
        # the solver gets the budget minus the resident tensors, as an absolute amount
        self.assertEqual(args[args.index("--budget") + 1], "5000")
        for option, value in (("--time-limit", "2.5"), ("--order", "free"), ("--copies", "3"),
                              ("--threads", "1"), ("--seed", "7")):
            self.assertEqual(args[args.index(option) + 1], value)
        self.assertEqual(args[-1], "--deterministic")

    def test_graph_file_is_written_for_the_binary(self):
        workdir = Path(self.tmp.name) / "keep"
        with self.assertRaises(SolveError):
            solve(self.traced, self.traced.resident_bytes + 5000, binary=str(self.fake.path),
                  workdir=workdir)
        graph = json.loads((workdir / "graph.json").read_text())
        self.assertEqual(len(graph["nodes"]), len(self.traced.nodes))
        self.assertEqual(self.fake.args()[1], str(workdir / "graph.json"))

    def test_binary_from_environment(self):
        with mock.patch.dict(os.environ, {"MOCCASIN_BINARY": str(self.fake.path)}):
            self.assertEqual(find_binary(), str(self.fake.path))
            other = FakeBinary(self.tmp.name, name="argument-moccasin")
            self.assertEqual(find_binary(str(other.path)), str(other.path))  # argument wins
            with self.assertRaises(SolveError):
                solve(self.traced, self.traced.resident_bytes + 1)
        self.assertTrue(self.fake.args_file.exists())

    def test_default_binary_is_the_repository_build(self):
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("MOCCASIN_BINARY", None)
            try:
                self.assertEqual(find_binary(), str(REPO_ROOT / "build" / "moccasin"))
            except SolveError as e:
                self.assertIn(str(REPO_ROOT / "build" / "moccasin"), str(e))

    def test_missing_binary(self):
        with self.assertRaisesRegex(SolveError, "not found"):
            solve(self.traced, 10**9, binary=str(Path(self.tmp.name) / "nothing"))

    def test_infeasible_exit_code(self):
        fake = FakeBinary(self.tmp.name, exit_code=4, name="infeasible-moccasin")
        with self.assertRaises(InfeasibleBudget):
            solve(self.traced, 10**9, binary=str(fake.path))

    def test_budget_below_resident_bytes(self):
        with self.assertRaisesRegex(InfeasibleBudget, "resident"):
            solve(self.traced, self.traced.resident_bytes, binary=str(self.fake.path))
        self.assertFalse(self.fake.args_file.exists())  # the binary was not even called


class TestRealBinary(unittest.TestCase):
    def setUp(self):
        support.binary(self)
        self.traced = small_traced()

    def test_below_the_lower_limit_is_infeasible(self):
        # The largest activation with its inputs cannot fit in 100 bytes.
        with self.assertRaises(InfeasibleBudget) as err:
            solve(self.traced, self.traced.resident_bytes + 100, time_limit=1, threads=1)
        self.assertEqual(err.exception.exit_code, 4)

    def test_generous_budget_needs_no_recomputation(self):
        schedule = solve(self.traced, 10**9, time_limit=1, threads=1)
        self.assertEqual(schedule["format"], "moccasin-schedule/1")
        self.assertEqual(schedule["tdi_percent"], 0)
        self.assertEqual(schedule["graph"]["nodes"], len(self.traced.nodes))


if __name__ == "__main__":
    unittest.main()
