"""Run a traced training step by a schedule's compute/free operations, measuring live memory.

The interpreter holds, per graph node, a list of live copies (each compute appends a freshly
computed output, each free drops one). A compute evaluates the node's aten op on the live copies
of its inputs; folded views and tuple selections between them are re-derived on the spot and
dropped right after. Nothing else keeps a reference, so a tensor is released exactly when the
schedule frees its last copy.

Memory accounting
-----------------
Right after every compute (where the schedule's replay rule takes its peak) the interpreter
measures the bytes of the distinct storages of all tensors still alive in the process among
those it knows: the resident tensors (parameters, buffers, inputs, constants: they stay in memory
all step, so they count in every measurement) and every tensor any compute produced (tracked by
weak reference, so a tensor counts while anything at all keeps it alive, not merely while the
interpreter's books say so). The step's outputs, once handed out by the final node, keep
counting too.

Not counted: the allocator's caching and fragmentation, scratch memory inside an aten kernel,
Python objects. There is no autograd memory: the traced graph already contains the backward pass
as ordinary ops, and it runs under torch.no_grad(), so no autograd graph is built.
"""

import weakref
from dataclasses import dataclass, field

import torch
import torch.fx
from torch.utils import _pytree as pytree

from .trace import RESIDENT_KINDS


class ScheduleError(Exception):
    """The operations cannot be executed (an input not live, a free of a dead node, ...)."""


@dataclass
class ExecutionResult:
    outputs: list  # [loss, *grads]
    peak_bytes: int  # highest live bytes measured right after a compute, resident included
    resident_bytes: int
    computations: int  # computes of op nodes (select nodes, which cost nothing, not counted)
    recomputations: int  # computes of op nodes beyond the first per node
    memory: list = field(default_factory=list)  # live bytes after each compute


class _LiveTensors:
    """Weak references to tensors; measures the bytes of the distinct storages still alive."""

    def __init__(self):
        self._refs = []

    def add(self, value):
        if isinstance(value, torch.Tensor):
            self._refs.append(weakref.ref(value))
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.add(v)

    def bytes(self):
        alive = []
        storages = {}
        for ref in self._refs:
            t = ref()
            if t is None:
                continue
            alive.append(ref)
            s = t.storage()
            if s.nbytes() > 0:
                storages[s.data_ptr()] = s.nbytes()
        self._refs = alive
        return sum(storages.values())


def _resident_tensors(traced, params, buffers, batch):
    """node index -> tensor for the resident nodes: the traced example's, with params, buffers
    or batch replaced where given. The graph is specialised to the traced shapes and dtypes."""
    values = dict(traced.resident_values)
    example = [traced.resident_values[i] for i in traced.placeholder_indices]
    n_params, n_buffers = len(traced.param_names), len(traced.buffer_names)
    groups = [(params, 0, n_params), (buffers, n_params, n_params + n_buffers),
              (batch, n_params + n_buffers, len(example))]
    for given, lo, hi in groups:
        if given is None:
            continue
        flat = pytree.tree_flatten(list(given))[0]
        if len(flat) != hi - lo or any(
            not isinstance(t, torch.Tensor) or t.shape != e.shape or t.dtype != e.dtype
            for t, e in zip(flat, example[lo:hi])
        ):
            raise ValueError("params/buffers/batch must have the traced shapes and dtypes")
        for index, value in zip(traced.placeholder_indices[lo:hi], flat):
            values[index] = value.detach()
    return values


class _Interpreter:
    def __init__(self, traced, resident):
        self.traced = traced
        self.resident = resident
        self.env = {}  # node index -> list of live copies
        self.outputs = None
        self.live = _LiveTensors()
        for value in resident.values():
            self.live.add(value)

    def _read(self, fx_node, cache):
        index = self.traced.index_of.get(fx_node)
        if index is not None:
            copies = self.env.get(index)
            if not copies:
                raise ScheduleError(f"node {index} ({fx_node.name}) is read but not live")
            return copies[-1]  # every copy holds the same values
        if fx_node not in cache:  # a folded view or selection: re-derive it from its inputs
            args = torch.fx.node.map_arg(fx_node.args, lambda n: self._read(n, cache))
            kwargs = torch.fx.node.map_arg(fx_node.kwargs, lambda n: self._read(n, cache))
            cache[fx_node] = fx_node.target(*args, **kwargs)
        return cache[fx_node]

    def _evaluate(self, fx_node):
        # A function of its own so that the argument list and the views die on return.
        cache = {}
        args = torch.fx.node.map_arg(fx_node.args, lambda n: self._read(n, cache))
        kwargs = torch.fx.node.map_arg(fx_node.kwargs, lambda n: self._read(n, cache))
        if fx_node.op == "output":
            return args[0]
        return fx_node.target(*args, **kwargs)

    def compute(self, index):
        node = self.traced.nodes[index]
        if node.kind in RESIDENT_KINDS:
            self.env.setdefault(index, []).append(self.resident[index])
        elif node.kind in ("op", "select"):
            out = self._evaluate(node.fx_node)
            self.live.add(out)
            self.env.setdefault(index, []).append(out)
        else:  # the final node hands the loss and gradients out
            self.outputs = list(self._evaluate(node.fx_node))
            self.live.add(self.outputs)  # views among them keep their storages alive
            self.env.setdefault(index, []).append(None)

    def free(self, index):
        copies = self.env.get(index)
        if not copies:
            raise ScheduleError(f"free of node {index}, which has no live copy")
        copies.pop(0)
        if not copies:
            del self.env[index]


def _node_index(traced, node_id):
    if isinstance(node_id, str) and node_id.isdigit():
        node_id = int(node_id)
    if not isinstance(node_id, int) or not 0 <= node_id < len(traced.nodes):
        raise ScheduleError(f"unknown node id {node_id!r}")
    return node_id


def execute(traced, operations, params=None, buffers=None, batch=None):
    """Execute ``operations`` (a schedule's list of {"op": "compute"|"free", "node": id}).

    params/buffers/batch default to the traced example; new values must have the traced
    shapes. Returns an ExecutionResult.
    """
    resident = _resident_tensors(traced, params, buffers, batch)
    interp = _Interpreter(traced, resident)
    counts = {}
    memory = []
    with torch.no_grad():
        for step in operations:
            index = _node_index(traced, step["node"])
            if step["op"] == "compute":
                interp.compute(index)
                counts[index] = counts.get(index, 0) + 1
                memory.append(interp.live.bytes())
            elif step["op"] == "free":
                interp.free(index)
            else:
                raise ScheduleError(f"unknown operation {step['op']!r}")
    if interp.outputs is None:
        raise ScheduleError("the operations never compute the step's output node")
    op_counts = [counts.get(n.index, 0) for n in traced.op_nodes()]
    if any(c == 0 for c in op_counts):
        raise ScheduleError("some operations are never computed")
    resident_bytes = sum(
        {t.storage().data_ptr(): t.storage().nbytes() for t in resident.values()}.values()
    )
    return ExecutionResult(
        outputs=interp.outputs,
        peak_bytes=max(memory),
        resident_bytes=resident_bytes,
        computations=sum(op_counts),
        recomputations=sum(c - 1 for c in op_counts),
        memory=memory,
    )


def reference_operations(traced, order=None):
    """The no-recompute schedule as operations: every node once, in the reference order (or in
    ``order``, any topological order of the node indices), each output freed once its last
    reader has run (a sink right after it is computed), laid out by the same rules as the
    `operations` list of a moccasin schedule."""
    n = len(traced.nodes)
    order = list(range(n)) if order is None else list(order)
    if sorted(order) != list(range(n)):
        raise ValueError("order must list every node index once")
    event = {node: t for t, node in enumerate(order)}
    end = [event[k] + 1 for k in range(n)]
    for node in traced.nodes:
        for d in node.deps:
            if event[d] >= event[node.index]:
                raise ValueError(f"order is not topological: {d} -> {node.index}")
            end[d] = max(end[d], event[node.index] + 1)
    by_end = sorted(range(n), key=lambda k: (end[k], event[k]))
    ops = []
    freed = 0
    for t, node in enumerate(order):
        while freed < n and end[by_end[freed]] <= t:
            ops.append({"op": "free", "node": by_end[freed]})
            freed += 1
        ops.append({"op": "compute", "node": node})
    for k in by_end[freed:]:
        ops.append({"op": "free", "node": k})
    return ops
