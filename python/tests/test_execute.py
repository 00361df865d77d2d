"""Executing schedules: same loss and gradients as eager PyTorch, and live memory that is
exactly the schedule's."""

import math
import unittest

import torch

from . import support
from moccasin_torch import (ScheduleError, eager_step, execute, reference_operations, solve,
                            trace_training_step)
from moccasin_torch.models import MODELS, build


def bitwise_equal(a, b):
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


class TestReferenceExecution(unittest.TestCase):
    """Every node once, in the traced order, each output freed after its last reader."""

    @classmethod
    def setUpClass(cls):
        cls.cases = {}
        for name in MODELS:
            model, batch, loss_fn = build(name)
            traced = trace_training_step(model, batch, loss_fn)
            ops = reference_operations(traced)
            cls.cases[name] = (model, batch, loss_fn, traced, ops, execute(traced, ops))

    def test_matches_eager_pytorch_bitwise(self):
        for name, (model, batch, loss_fn, traced, ops, result) in self.cases.items():
            with self.subTest(model=name):
                eager = eager_step(model, batch, loss_fn)
                self.assertEqual(len(result.outputs), 1 + len(list(model.parameters())))
                self.assertTrue(bitwise_equal(result.outputs, eager))

    def test_measured_memory_is_the_live_storages_step_by_step(self):
        for name, (_, _, _, traced, ops, result) in self.cases.items():
            with self.subTest(model=name):
                self.assertEqual(result.memory, support.storage_replay(traced, ops))
                self.assertEqual(result.peak_bytes, max(result.memory))
                self.assertEqual(result.resident_bytes, traced.resident_bytes)
                self.assertEqual(result.recomputations, 0)

    def test_graph_sizes_never_undercount(self):
        # The graph may count an output twice while an op node and its select node are both
        # live; it must never count less than what is really held.
        for name, (_, _, _, traced, ops, result) in self.cases.items():
            with self.subTest(model=name):
                stated = support.size_replay(traced, ops)
                for measured, graph in zip(result.memory, stated):
                    self.assertLessEqual(measured, traced.resident_bytes + graph)

    def test_reference_operations_follow_the_schedule_layout(self):
        _, _, _, traced, ops, _ = self.cases["mlp"]
        computes = [op["node"] for op in ops if op["op"] == "compute"]
        self.assertEqual(computes, list(range(len(traced.nodes))))
        frees = [op["node"] for op in ops if op["op"] == "free"]
        self.assertEqual(sorted(frees), computes)
        # every free comes after the last compute that reads the node
        position = {}
        for i, op in enumerate(ops):
            position[(op["op"], op["node"])] = i
        for node in traced.nodes:
            for d in node.deps:
                self.assertLess(position[("compute", node.index)], position[("free", d)])

    def test_another_execution_order(self):
        # Free-order schedules run the nodes in an order of the solver's choosing: here Kahn's
        # algorithm taking the largest ready index first (backward ops as early as possible).
        import heapq

        for name in ("resnet-block", "transformer-block"):
            with self.subTest(model=name):
                _, _, _, traced, ops, result = self.cases[name]
                readers = {n.index: [] for n in traced.nodes}
                waiting = {n.index: len(n.deps) for n in traced.nodes}
                for n in traced.nodes:
                    for d in n.deps:
                        readers[d].append(n.index)
                ready = [-k for k, w in waiting.items() if w == 0]
                heapq.heapify(ready)
                order = []
                while ready:
                    k = -heapq.heappop(ready)
                    order.append(k)
                    for r in readers[k]:
                        waiting[r] -= 1
                        if waiting[r] == 0:
                            heapq.heappush(ready, -r)
                self.assertNotEqual(order, sorted(order))
                other_ops = reference_operations(traced, order)
                other = execute(traced, other_ops)
                self.assertTrue(bitwise_equal(other.outputs, result.outputs))
                self.assertEqual(other.memory, support.storage_replay(traced, other_ops))
                self.assertNotEqual(other.memory, result.memory)

    def test_two_live_copies_of_one_node(self):
        # A copy made while another is live (the schedule format allows it): both count.
        _, _, _, traced, ops, result = self.cases["mlp"]
        relu = next(n.index for n in traced.op_nodes() if n.label == "aten::relu")
        doubled = []
        for op in ops:
            doubled.append(op)
            if op["node"] == relu:
                doubled.append(dict(op))
        other = execute(traced, doubled)
        self.assertEqual(other.recomputations, 1)
        self.assertTrue(bitwise_equal(other.outputs, result.outputs))
        self.assertEqual(other.memory, support.storage_replay(traced, doubled))
        self.assertEqual(other.peak_bytes - result.peak_bytes, traced.nodes[relu].size)

    def test_new_data_of_the_same_shape(self):
        model, batch, loss_fn, traced, ops, _ = self.cases["cnn"]
        torch.manual_seed(123)
        other = tuple(torch.randn_like(b) if b.is_floating_point() else torch.randint_like(b, 10)
                      for b in batch)
        result = execute(traced, ops, batch=other)
        self.assertTrue(bitwise_equal(result.outputs, eager_step(model, other, loss_fn)))
        self.assertFalse(bitwise_equal(result.outputs, eager_step(model, batch, loss_fn)))
        with self.assertRaisesRegex(ValueError, "traced shapes"):
            execute(traced, ops, batch=(other[0][:2], other[1][:2]))

    def test_new_parameters(self):
        _, batch, loss_fn, traced, ops, _ = self.cases["mlp"]
        other_model, _, _ = build("mlp", seed=1)  # same architecture, other weights
        params = [p.detach() for p in other_model.parameters()]
        result = execute(traced, ops, params=params)
        self.assertTrue(bitwise_equal(result.outputs, eager_step(other_model, batch, loss_fn)))


class TestScheduledExecution(unittest.TestCase):
    """A schedule from moccasin at 0.6 of the peak: recomputes, and memory stays within it."""

    @classmethod
    def setUpClass(cls):
        model, batch, loss_fn = build("mlp")
        cls.case = (model, batch, loss_fn)  # a tuple: a function attribute would bind
        cls.traced = trace_training_step(model, batch, loss_fn)
        cls.unscheduled = execute(cls.traced, reference_operations(cls.traced))
        cls.schedule = None

    def setUp(self):
        support.binary(self)
        cls = type(self)
        if cls.schedule is None:
            cls.budget = math.floor(0.6 * cls.unscheduled.peak_bytes)
            cls.schedule = solve(cls.traced, cls.budget, time_limit=3, threads=1)
            cls.result = execute(cls.traced, cls.schedule["operations"])

    def test_recomputes_and_returns_the_same_loss_and_gradients(self):
        self.assertGreater(self.result.recomputations, 0)
        self.assertTrue(bitwise_equal(self.result.outputs, self.unscheduled.outputs))
        eager = eager_step(*self.case)
        self.assertTrue(bitwise_equal(self.result.outputs, eager))

    def test_peak_within_schedule_and_budget(self):
        s = self.schedule
        self.assertEqual(s["budget"], self.budget - self.traced.resident_bytes)
        self.assertLessEqual(self.result.peak_bytes, self.traced.resident_bytes + s["peak_memory"])
        self.assertLessEqual(self.result.peak_bytes, self.budget)
        self.assertLess(self.result.peak_bytes, self.unscheduled.peak_bytes)
        # moccasin's reference peak is the graph's view of our unscheduled run
        ref = support.size_replay(self.traced, reference_operations(self.traced))
        self.assertEqual(s["reference_peak"], max(ref))

    def test_measured_memory_is_the_live_storages_step_by_step(self):
        ops = self.schedule["operations"]
        self.assertEqual(self.result.memory, support.storage_replay(self.traced, ops))
        stated = support.size_replay(self.traced, ops)
        self.assertEqual(max(stated), self.schedule["peak_memory"])
        for measured, graph in zip(self.result.memory, stated):
            self.assertLessEqual(measured, self.traced.resident_bytes + graph)

    def test_recomputation_count_matches_the_schedule(self):
        computes = [op["node"] for op in self.schedule["operations"] if op["op"] == "compute"]
        ops_only = [n for n in computes if self.traced.nodes[n].kind == "op"]
        self.assertEqual(self.result.computations, len(ops_only))
        self.assertEqual(self.result.recomputations,
                         len(ops_only) - len(self.traced.op_nodes()))


class TestScheduleErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        model, batch, loss_fn = build("mlp")
        cls.traced = trace_training_step(model, batch, loss_fn)
        cls.ops = reference_operations(cls.traced)

    def test_input_not_live(self):
        first_op = self.traced.op_nodes()[0].index
        with self.assertRaisesRegex(ScheduleError, "not live"):
            execute(self.traced, [{"op": "compute", "node": first_op}])

    def test_free_without_live_copy(self):
        with self.assertRaisesRegex(ScheduleError, "no live copy"):
            execute(self.traced, [{"op": "free", "node": 0}])

    def test_output_never_computed(self):
        ops = [op for op in self.ops if op["node"] != self.traced.output_index]
        with self.assertRaisesRegex(ScheduleError, "never compute"):
            execute(self.traced, ops)

    def test_input_freed_too_early(self):
        # Free the first relu right after it is computed: its reader fails.
        relu = next(n.index for n in self.traced.op_nodes() if n.label == "aten::relu")
        ops = []
        for op in self.ops:
            if op == {"op": "free", "node": relu}:
                continue
            ops.append(op)
            if op == {"op": "compute", "node": relu}:
                ops.append({"op": "free", "node": relu})
        with self.assertRaisesRegex(ScheduleError, "not live"):
            execute(self.traced, ops)

    def test_string_ids_are_accepted(self):
        ops = [{"op": op["op"], "node": str(op["node"])} for op in self.ops]
        self.assertEqual(execute(self.traced, ops).peak_bytes,
                         execute(self.traced, self.ops).peak_bytes)


if __name__ == "__main__":
    unittest.main()
