"""Tracing a training step into a graph: structure, sizes, costs, folding and refusals."""

import tempfile
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import support
from moccasin_torch import UnsupportedModel, execute, reference_operations, trace_training_step
from moccasin_torch.trace import storage_bytes


def _loss(model, x, y):
    return F.cross_entropy(model(x), y)


def small_mlp():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    return model, (torch.randn(5, 4), torch.randint(0, 2, (5,)))


class TestGraphStructure(unittest.TestCase):
    def setUp(self):
        self.model, self.batch = small_mlp()
        self.traced = trace_training_step(self.model, self.batch, _loss)
        self.graph = self.traced.graph_json()

    def test_ids_follow_a_topological_reference_order(self):
        ids = [n["id"] for n in self.graph["nodes"]]
        self.assertEqual(ids, list(range(len(ids))))
        self.assertEqual(self.graph["graph"]["order"], ids)
        for link in self.graph["links"]:
            self.assertLess(link["source"], link["target"])

    def test_parameters_and_inputs_are_free_resident_sources(self):
        kinds = [n.kind for n in self.traced.nodes]
        self.assertEqual(kinds[:6], ["param"] * 4 + ["input"] * 2)
        for node in self.traced.nodes[:6]:
            self.assertEqual((node.size, node.cost, node.deps), (0, 0, []))
        tensors = list(self.model.parameters()) + list(self.batch)
        self.assertEqual(self.traced.resident_bytes,
                         sum(t.numel() * t.element_size() for t in tensors))
        self.assertEqual(self.graph["graph"]["resident_bytes"], self.traced.resident_bytes)

    def test_views_are_folded_into_their_readers(self):
        labels = {n.label for n in self.traced.nodes}
        for view in ("aten::t", "aten::view", "aten::detach", "aten::expand"):
            self.assertNotIn(view, labels)
        # The first addmm reads the weight through a transpose: the edge goes to the weight.
        addmm = next(n for n in self.traced.nodes if n.label == "aten::addmm")
        self.assertEqual(addmm.deps, [0, 1, 4])  # 0.weight, 0.bias, input0

    def test_sizes_are_output_bytes_and_costs_flops(self):
        addmm = next(n for n in self.traced.nodes if n.label == "aten::addmm")
        self.assertEqual(addmm.size, 5 * 3 * 4)  # float32 [5, 3]
        self.assertEqual(addmm.cost, 2 * 5 * 4 * 3 + 5 * 3)
        relu = next(n for n in self.traced.nodes if n.label == "aten::relu")
        self.assertEqual(relu.cost, 15)
        for node in self.traced.nodes:
            if node.kind == "op":
                self.assertGreaterEqual(node.cost, 1)
            self.assertEqual(node.size, sum(node.output_bytes))

    def test_output_node_reads_loss_and_every_gradient(self):
        out = self.traced.nodes[-1]
        self.assertEqual(out.kind, "output")
        self.assertEqual((out.size, out.cost), (0, 0))
        # loss + 4 gradients, each produced by a different node
        self.assertEqual(len(out.deps), 5)
        self.assertEqual(self.traced.nodes[out.deps[0]].label, "aten::nll_loss_forward[0]")

    def test_only_the_output_node_is_a_sink(self):
        readers = {d for n in self.traced.nodes for d in n.deps}
        sinks = [n.index for n in self.traced.nodes
                 if n.index not in readers and not support.is_resident(n)]
        self.assertEqual(sinks, [self.traced.output_index])

    def test_moccasin_reads_the_graph_and_agrees_on_the_peak(self):
        with tempfile.TemporaryDirectory() as tmp:
            info = support.moccasin_info(self, self.traced, tmp)
        self.assertEqual(info["nodes"], len(self.traced.nodes))
        ref = reference_operations(self.traced)
        # Our no-recompute operations are moccasin's reference schedule: same peak.
        self.assertEqual(max(support.size_replay(self.traced, ref)), info["peak"])

    def test_measured_time_as_cost(self):
        traced = trace_training_step(self.model, self.batch, _loss, cost="time")
        self.assertEqual(traced.cost_unit, "microsecond")
        self.assertEqual(traced.graph_json()["graph"]["cost_unit"], "microsecond")
        for node in traced.op_nodes():
            self.assertIsInstance(node.cost, int)
            self.assertGreaterEqual(node.cost, 1)


class TestMultiOutputOps(unittest.TestCase):
    def test_convolution_backward_splits_input_and_weight_gradients(self):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Conv2d(4, 4, 3), nn.Flatten())
        traced = trace_training_step(model, (torch.randn(2, 2, 8, 8),))
        conv_bw = [n for n in traced.op_nodes() if n.label == "aten::convolution_backward"]
        # second conv: one call for grad_input, one for the weight gradients; first conv: its
        # input needs no gradient, so one call.
        self.assertEqual(len(conv_bw), 3)
        for node in conv_bw:
            mask = node.fx_node.args[10]
            self.assertFalse(mask[0] and (mask[1] or mask[2]), mask)
        grad_input = next(n for n in conv_bw if n.fx_node.args[10][0])
        self.assertEqual(grad_input.size, 2 * 4 * 6 * 6 * 4)  # only grad_input is held

    def test_outputs_read_separately_get_select_nodes(self):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8))
        traced = trace_training_step(model, (torch.randn(3, 8),))
        norm = next(n for n in traced.op_nodes() if n.label == "aten::native_layer_norm")
        selects = [n for n in traced.nodes if n.kind == "select" and n.deps == [norm.index]]
        self.assertEqual(len(selects), 3)  # out, mean, rstd
        self.assertEqual([s.size for s in selects], norm.output_bytes)
        self.assertEqual(norm.output_bytes, [3 * 8 * 4, 3 * 4, 3 * 4])
        # Readers of the normalised output read the select node, not the op node.
        readers = [n for n in traced.nodes if norm.index in n.deps]
        self.assertEqual({n.kind for n in readers}, {"select"})


class TestRefused(unittest.TestCase):
    def check_refused(self, model, x):
        with self.assertRaises(UnsupportedModel):
            trace_training_step(model, (x,))

    def test_inplace_relu(self):
        self.check_refused(nn.Sequential(nn.Linear(4, 4), nn.ReLU(inplace=True)),
                           torch.randn(2, 4))

    def test_batchnorm_running_statistics(self):
        self.check_refused(nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2)),
                           torch.randn(2, 1, 4, 4))

    def test_dropout(self):
        self.check_refused(nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)), torch.randn(2, 4))

    def test_dropout_off_in_eval_mode_is_fine(self):
        model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5)).eval()
        traced = trace_training_step(model, (torch.randn(2, 4),))
        self.assertGreater(len(traced.op_nodes()), 0)


class TestStorageBytes(unittest.TestCase):
    def test_views_share_one_storage(self):
        x = torch.zeros(4, 5)
        self.assertEqual(storage_bytes([x, x.t(), x[1:], x.view(20)]), {x.storage().data_ptr(): 80})
        self.assertEqual(storage_bytes([torch.zeros(0)]), {})


if __name__ == "__main__":
    unittest.main()
