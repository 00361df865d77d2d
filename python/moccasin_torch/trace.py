"""Trace a training step (forward, loss, backward) into a Moccasin compute graph.

How the graph is built
----------------------
``make_fx`` (torch 1.13's proxy-tensor tracer) records a function that runs the model with its
parameters passed in (``_reparametrize_module``), computes the loss and calls
``torch.autograd.grad``. The result is one torch.fx graph of aten operations holding the forward
and the backward pass. Each fx node becomes one of:

* a **resident** node (placeholders: parameters, buffers, inputs; get_attr constants). These
  tensors are in memory for the whole step whatever the schedule does, so the graph gives them
  size 0 and cost 0 (a "recomputation" is just a reload, costs nothing and saves nothing) and
  their bytes are reported once as ``resident_bytes``. The solver gets the budget minus those
  bytes.
* an **op** node: an operation that allocates its outputs. size = bytes of the distinct storages
  of its output tensors, cost = a FLOP estimate (flops.py) or, with ``cost="time"``, measured
  microseconds.
* a **select** node for each output taken from an op that returns several outputs of which
  more than one is read (native_layer_norm, max_pool2d_with_indices, ...): size = that output's
  bytes, cost 0, reads the op node. Readers of the output read the select node, so the op node
  can be freed right after its outputs were taken and a small long-lived output (a weight
  gradient) does not pin a large short-lived one (the input gradient). The price: while both
  the op node and a select node are live, the graph counts that output twice although it is one
  tensor, so the real memory can be below the schedule's (never above).
* a **folded** node: a view (its outputs share storage with its inputs: view, t, transpose,
  expand, detach, _unsafe_view, ...) or a selection from a view. It allocates nothing, so it is
  not a graph node: whoever reads it depends on the op/select/resident nodes it was derived
  from, and the executor re-derives the view right when a consumer runs and drops it after.
  That keeps the interpreter's live storages equal to the live copies of the schedule.
* the **output** node: a final sink of size 0 and cost 0 that reads the loss and every gradient,
  so the schedule must have all of them live at once at the end of the step (they are what the
  step hands to the optimiser).

Views are classified by what actually happens on the example run (an output storage that is an
input storage), not by a list of op names, so composite ops that sometimes alias are handled.

Refused: operations that mutate their inputs (recomputing would repeat the side effect; e.g.
BatchNorm's running statistics, so use ``track_running_stats=False`` or GroupNorm) and random
operations such as dropout (a recomputation would draw different numbers).
"""

import json
import operator
import time
from dataclasses import dataclass, field

import torch
import torch.fx
from torch.fx.experimental.proxy_tensor import make_fx
from torch.nn.utils.stateless import _reparametrize_module
from torch.utils import _pytree as pytree

from .flops import estimate_flops, op_name


class UnsupportedModel(Exception):
    """The traced step contains an operation that cannot be scheduled safely."""


RESIDENT_KINDS = ("param", "buffer", "input", "constant")


@dataclass
class GraphNode:
    index: int  # the node's id in the graph file; also its position in the reference order
    kind: str  # one of RESIDENT_KINDS, "op", "select" or "output"
    fx_node: torch.fx.Node
    label: str  # aten op name, or the parameter/input name
    size: int  # bytes
    cost: int  # FLOPs (or microseconds with cost="time")
    deps: list = field(default_factory=list)  # indices of the nodes this one reads
    # op nodes: bytes of each output (a list aligned with a tuple result, else [size]);
    # select nodes: [size]. Lets tests replay memory storage by storage.
    output_bytes: list = field(default_factory=list)


@dataclass
class TracedStep:
    gm: torch.fx.GraphModule
    nodes: list  # GraphNode, in reference (fx) order
    index_of: dict  # fx.Node -> node index, for resident, op and output nodes
    resident_values: dict  # node index -> example tensor, for resident nodes
    resident_bytes: int
    param_names: list
    buffer_names: list
    num_inputs: int  # flattened tensors in the batch
    placeholder_indices: list  # node index of each flattened placeholder, in order
    cost_unit: str
    name: str = "training_step"

    @property
    def output_index(self):
        return self.nodes[-1].index

    def op_nodes(self):
        return [n for n in self.nodes if n.kind == "op"]

    def graph_json(self):
        """The graph in Moccasin's format (networkx node-link JSON, cost_cpu/cost_ram)."""
        nodes = [
            {
                "id": n.index,
                "cost_cpu": n.cost,
                "cost_ram": n.size,
                "kind": n.kind,
                "op": n.label,
                "fx_name": n.fx_node.name,
            }
            for n in self.nodes
        ]
        links = [{"source": d, "target": n.index} for n in self.nodes for d in n.deps]
        return {
            "directed": True,
            "multigraph": False,
            "graph": {
                "name": self.name,
                "order": [n.index for n in self.nodes],
                "cost_unit": self.cost_unit,
                "size_unit": "byte",
                "resident_bytes": self.resident_bytes,
            },
            "nodes": nodes,
            "links": links,
        }

    def write_graph(self, path):
        with open(path, "w") as f:
            json.dump(self.graph_json(), f)


def _tensors(value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


def storage_bytes(tensors):
    """{storage data pointer: bytes} over the distinct non-empty storages of the tensors."""
    out = {}
    for t in tensors:
        s = t.storage()
        n = s.nbytes()
        if n > 0:
            out[s.data_ptr()] = n
    return out


def _check_supported(node):
    target = node.target
    schema = getattr(target, "_schema", None)
    if schema is None:
        return
    for arg in schema.arguments:
        if arg.alias_info is not None and arg.alias_info.is_write:
            raise UnsupportedModel(
                f"{node.name} ({op_name(target)}) writes into its argument '{arg.name}'; "
                "recomputing it would repeat the side effect (BatchNorm: use "
                "track_running_stats=False; avoid inplace=True)"
            )
    # torch 1.13's schema of native_batch_norm does not declare that training mode updates
    # running_mean/running_var in place, so that case is recognised by its arguments.
    if target is torch.ops.aten.native_batch_norm.default and node.args[5] and (
        node.args[3] is not None or node.args[4] is not None
    ):
        raise UnsupportedModel(
            f"{node.name} (BatchNorm in training mode) updates its running statistics in "
            "place; recomputing it would update them again (use track_running_stats=False)"
        )
    tags = getattr(target, "tags", [])
    if torch.Tag.nondeterministic_seeded in tags:
        raise UnsupportedModel(
            f"{node.name} ({op_name(target)}) draws random numbers; a recomputation would "
            "differ (disable dropout, e.g. model.eval() or p=0)"
        )


def _measure_us(target, args, kwargs, repeats=3):
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        target(*args, **kwargs)
        dt = time.perf_counter_ns() - t0
        best = dt if best is None else min(best, dt)
    return max(1, best // 1000)


# Backward ops that return (grad_input, grad_weight, grad_bias) in one call. grad_input is large
# and read at once; the weight gradients are small and kept to the end of the step. One call
# holding both would pin grad_input (as one node) or count it twice while it is taken out (as an
# op node plus select nodes), so each such call is split by its output_mask into one call for
# grad_input and one for the weight gradients. The kernels compute each output independently
# of the mask, so the results are the same (bitwise in our tests).
_SPLIT_BY_MASK = (
    torch.ops.aten.convolution_backward.default,
    torch.ops.aten.native_layer_norm_backward.default,
    torch.ops.aten.native_batch_norm_backward.default,
)


def split_backward_outputs(gm):
    """Rewrite gm in place: every _SPLIT_BY_MASK call that computes grad_input and a weight
    gradient becomes two calls, one per group of outputs."""
    graph = gm.graph
    for node in list(graph.nodes):
        if node.op != "call_function" or node.target not in _SPLIT_BY_MASK:
            continue
        pos = [a.name for a in node.target._schema.arguments].index("output_mask")
        if len(node.args) <= pos:
            continue  # output_mask given by keyword: leave the call as it is
        mask = list(node.args[pos])
        if not mask[0] or not (mask[1] or mask[2]):
            continue
        users = list(node.users)
        if any(u.target is not operator.getitem for u in users):
            continue
        args_in = node.args[:pos] + ([True, False, False],) + node.args[pos + 1:]
        args_w = node.args[:pos] + ([False, mask[1], mask[2]],) + node.args[pos + 1:]
        with graph.inserting_before(node):
            call_in = graph.call_function(node.target, args_in, node.kwargs)
            call_w = graph.call_function(node.target, args_w, node.kwargs)
        for u in users:
            u.replace_input_with(node, call_in if u.args[1] == 0 else call_w)
        graph.erase_node(node)
    graph.lint()
    gm.recompile()


def default_loss(model, *batch):
    """The step's loss when none is given: the mean of the model's output (for tests)."""
    return model(*batch).mean()


def training_step_fn(model, loss_fn, param_names, buffer_names):
    """f(params, buffers, batch) -> [loss, *grads], the function that is traced."""

    def step(params, buffers, batch):
        state = dict(zip(param_names, params))
        state.update(zip(buffer_names, buffers))
        with _reparametrize_module(model, state):
            loss = loss_fn(model, *batch)
        grads = torch.autograd.grad(loss, params)
        return [loss, *grads]

    return step


def trace_training_step(model, batch, loss_fn=default_loss, cost="flops", name=None):
    """Trace one training step of ``model`` on the example ``batch`` (a tuple of tensors).

    ``loss_fn(model, *batch)`` must return the scalar loss; gradients are taken with respect to
    every parameter with requires_grad. Returns a TracedStep.
    """
    if cost not in ("flops", "time"):
        raise ValueError("cost must be 'flops' or 'time'")
    batch = tuple(batch)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    param_names = [n for n, _ in named]
    frozen = [(n, p) for n, p in model.named_parameters() if not p.requires_grad]
    buffer_items = frozen + list(model.named_buffers())
    buffer_names = [n for n, _ in buffer_items]
    # make_fx needs leaves that require grad to trace torch.autograd.grad through them.
    params = [p.detach().requires_grad_(True) for _, p in named]
    buffers = [b.detach() for _, b in buffer_items]

    step = training_step_fn(model, loss_fn, param_names, buffer_names)
    gm = make_fx(step)(params, buffers, list(batch))
    # Before dead code elimination, which would silently drop an unused in-place update.
    for node in gm.graph.nodes:
        if node.op == "call_function":
            _check_supported(node)
    gm.graph.eliminate_dead_code()
    split_backward_outputs(gm)

    example_flat = pytree.tree_flatten([[p.detach() for p in params], buffers, list(batch)])[0]
    return _build(gm, example_flat, len(params), len(buffers), param_names,
                  buffer_names, cost, name or type(model).__name__)


def _build(gm, example_flat, n_params, n_buffers, param_names, buffer_names, cost,
           name):
    values = {}  # fx node -> example value (every node is kept: tracing is a one-off run)
    nodes = []
    index_of = {}
    folded = set()
    resident_values = {}
    placeholder_no = 0
    placeholder_indices = []

    base_cache = {}

    def bases(fx_node):
        """The graph nodes whose outputs fx_node is (a view of / a selection from)."""
        if fx_node in index_of:
            return {index_of[fx_node]}
        if fx_node not in base_cache:
            out = set()
            for inp in fx_node.all_input_nodes:
                out |= bases(inp)
            base_cache[fx_node] = out
        return base_cache[fx_node]

    def add(fx_node, kind, label, size, cost_value, deps, output_bytes=()):
        g = GraphNode(len(nodes), kind, fx_node, label, size, cost_value, sorted(deps),
                      list(output_bytes))
        nodes.append(g)
        index_of[fx_node] = g.index
        return g

    with torch.no_grad():
        for node in gm.graph.nodes:
            if node.op == "placeholder":
                value = example_flat[placeholder_no]
                if placeholder_no < n_params:
                    kind, label = "param", param_names[placeholder_no]
                elif placeholder_no < n_params + n_buffers:
                    kind, label = "buffer", buffer_names[placeholder_no - n_params]
                else:
                    kind, label = "input", f"input{placeholder_no - n_params - n_buffers}"
                placeholder_no += 1
                values[node] = value
                g = add(node, kind, label, 0, 0, ())
                resident_values[g.index] = value
                placeholder_indices.append(g.index)
            elif node.op == "get_attr":
                value = getattr(gm, node.target)
                values[node] = value
                g = add(node, "constant", node.target, 0, 0, ())
                resident_values[g.index] = value
            elif node.op == "call_function":
                _check_supported(node)
                args = torch.fx.node.map_arg(node.args, lambda n: values[n])
                kwargs = torch.fx.node.map_arg(node.kwargs, lambda n: values[n])
                out = node.target(*args, **kwargs)
                values[node] = out
                if node.target is operator.getitem:
                    source = index_of.get(node.args[0])
                    taken = {u.args[1] if u.target is operator.getitem else None
                             for u in node.args[0].users}
                    if source is not None and nodes[source].kind == "op" and len(taken) > 1:
                        # One output of a multi-output op gets a node of its own, so that a
                        # small long-lived output (a weight gradient) does not pin a large
                        # short-lived one (the input gradient) until the end of the step.
                        size = sum(storage_bytes(_tensors(out)).values())
                        add(node, "select", f"{nodes[source].label}[{node.args[1]}]", size, 0,
                            {source}, [size])
                    else:
                        # The only output taken from an op (the op node stands for it), or a
                        # selection from a view or from a selection.
                        folded.add(node)
                    continue
                in_storages = storage_bytes(_tensors(args) + _tensors(kwargs))
                out_storages = storage_bytes(_tensors(out))
                shared = set(out_storages) & set(in_storages)
                if shared and shared == set(out_storages):
                    folded.add(node)  # a view: allocates nothing, re-derived when read
                    continue
                if shared:
                    raise UnsupportedModel(
                        f"{node.name} ({op_name(node.target)}) returns both views of its "
                        "inputs and new tensors; such ops are not supported"
                    )
                if cost == "time":
                    cost_value = _measure_us(node.target, args, kwargs)
                else:
                    cost_value = estimate_flops(node.target, args, kwargs, out)
                deps = set()
                for inp in node.all_input_nodes:
                    deps |= bases(inp)
                if isinstance(out, (list, tuple)):
                    per_output = [sum(storage_bytes(_tensors(o)).values()) for o in out]
                else:
                    per_output = [sum(out_storages.values())]
                add(node, "op", op_name(node.target), sum(out_storages.values()), cost_value,
                    deps, per_output)
            elif node.op == "output":
                deps = set()
                for inp in node.all_input_nodes:
                    deps |= bases(inp)
                add(node, "output", "output", 0, 0, deps)
            else:
                raise UnsupportedModel(f"unexpected fx node {node.name} ({node.op})")

    resident_bytes = sum(storage_bytes(list(resident_values.values())).values())
    return TracedStep(gm, nodes, index_of, resident_values, resident_bytes, param_names,
                      buffer_names, len(example_flat) - n_params - n_buffers,
                      placeholder_indices,
                      "microsecond" if cost == "time" else "flop", name)


def eager_step(model, batch, loss_fn=default_loss):
    """[loss, *grads] computed by plain eager PyTorch autograd (the reference)."""
    params = [p for p in model.parameters() if p.requires_grad]
    loss = loss_fn(model, *batch)
    grads = torch.autograd.grad(loss, params)
    return [loss.detach(), *grads]
