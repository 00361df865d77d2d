"""Helpers shared by the tests of moccasin_torch."""

import itertools
import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parents[1]
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

import torch  # noqa: E402

from moccasin_torch import SolveError, find_binary  # noqa: E402
from moccasin_torch.trace import RESIDENT_KINDS  # noqa: E402

# One thread: the machine is shared, and equal thread counts keep results bitwise comparable.
torch.set_num_threads(1)


def binary(test):
    """The moccasin binary, or skip the test (fail instead under MOCCASIN_REQUIRE_BINARY=1, as
    CI sets it, so that a missing build cannot pass silently)."""
    try:
        return find_binary()
    except SolveError as e:
        if os.environ.get("MOCCASIN_REQUIRE_BINARY") == "1":
            test.fail(str(e))
        test.skipTest(str(e))


def binary_supports(test, option):
    """Whether `moccasin solve --help` lists the option (e.g. --order, added later)."""
    out = subprocess.run([binary(test), "solve", "--help"], capture_output=True, text=True)
    return option in out.stdout + out.stderr


def moccasin_info(test, traced, tmpdir):
    path = Path(tmpdir) / "graph.json"
    traced.write_graph(path)
    out = subprocess.run([binary(test), "info", str(path), "--json"], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def size_replay(traced, operations):
    """Memory after each compute by the schedule's replay rule: the sum of the sizes of the
    live copies, as the graph file states them (resident bytes not included)."""
    memory, live, out = 0, {}, []
    for step in operations:
        node = traced.nodes[int(step["node"])]
        if step["op"] == "compute":
            memory += node.size
            out.append(memory)
        else:
            memory -= node.size
    return out


def storage_replay(traced, operations):
    """Memory after each compute counted storage by storage, as the interpreter should measure
    it: each op computation makes new storages (one per output); a select copy shares the
    storage of the op copy it was taken from; the output node keeps what it hands out. Resident
    bytes included."""
    fresh = itertools.count()
    copies = {}  # node index -> list of copies; a copy is a list of (token, bytes) per output
    kept_by_outputs = set()
    sizes = {}
    out = []
    for step in operations:
        index = int(step["node"])
        node = traced.nodes[index]
        if step["op"] == "compute":
            if node.kind == "op":
                copy = [(next(fresh), b) for b in node.output_bytes]
            elif node.kind == "select":
                source = copies[node.deps[0]][-1]
                copy = [source[node.fx_node.args[1]]]
            elif node.kind == "output":
                copy = [t for d in node.deps for t in (copies[d][-1] if d in copies else [])]
                kept_by_outputs = {t for t, _ in copy}
            else:
                copy = []
            for token, b in copy:
                sizes[token] = b
            copies.setdefault(index, []).append(copy)
            live = {t for cs in copies.values() for c in cs for t, _ in c} | kept_by_outputs
            out.append(traced.resident_bytes + sum(sizes[t] for t in live))
        else:
            copies[index].pop(0)
            if not copies[index]:
                del copies[index]
    return out


def is_resident(node):
    return node.kind in RESIDENT_KINDS
