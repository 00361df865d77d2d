"""The command line demo, end to end, for every model: trace, solve, execute, one JSON line."""

import json
import math
import subprocess
import sys
import unittest

from . import support
from moccasin_torch.demo import TOLERANCE
from moccasin_torch.models import MODELS

KEYS = {"model", "nodes", "budget_bytes", "peak_bytes_unscheduled", "peak_bytes_measured",
        "max_abs_diff", "recomputations", "tdi_percent"}


def run_demo(test, *args):
    support.binary(test)
    proc = subprocess.run(
        [sys.executable, "-m", "moccasin_torch", "demo", *args, "--time-limit", "3",
         "--threads", "1"],
        cwd=support.PYTHON_DIR, capture_output=True, text=True, timeout=120,
    )
    test.assertEqual(proc.returncode, 0, proc.stderr)
    lines = proc.stdout.splitlines()
    test.assertEqual(len(lines), 1, proc.stdout)
    return json.loads(lines[0])


class TestDemo(unittest.TestCase):
    def check_report(self, report, model, budget):
        self.assertEqual(set(report), KEYS)
        self.assertEqual(report["model"], model)
        self.assertLessEqual(report["nodes"], 300)
        self.assertEqual(report["budget_bytes"],
                         math.floor(budget * report["peak_bytes_unscheduled"]))
        self.assertLessEqual(report["peak_bytes_measured"], report["budget_bytes"])
        self.assertLess(report["peak_bytes_measured"], report["peak_bytes_unscheduled"])
        self.assertLessEqual(report["max_abs_diff"], TOLERANCE)
        self.assertGreater(report["recomputations"], 0)
        self.assertGreater(report["tdi_percent"], 0)

    def test_every_model_at_0_6(self):
        for model in sorted(MODELS):
            with self.subTest(model=model):
                report = run_demo(self, "--model", model, "--budget", "0.6")
                self.check_report(report, model, 0.6)

    def test_free_order(self):
        if not support.binary_supports(self, "--order"):
            self.skipTest("this moccasin build has no --order option yet")
        report = run_demo(self, "--model", "mlp", "--budget", "0.6", "--order", "free")
        self.check_report(report, "mlp", 0.6)

    def test_unknown_model_is_a_usage_error(self):
        proc = subprocess.run([sys.executable, "-m", "moccasin_torch", "demo", "--model", "x"],
                              cwd=support.PYTHON_DIR, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("invalid choice", proc.stderr)


if __name__ == "__main__":
    unittest.main()
