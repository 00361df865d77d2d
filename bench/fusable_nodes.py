#!/usr/bin/env python3
"""How many nodes FastSA's node grouping could fuse on each benchmark graph: a node whose output
has exactly one consumer can run right before it, as one group (Imanishi et al., NeurIPS 2023).
Counts such nodes, the groups they form and the nodes an order search would move after grouping,
and says whether the graph has a single topological order (then no reordering exists at all).
Prints a markdown table.

    python3 bench/fusable_nodes.py [--graphs DIR]
"""
import argparse
import collections
import glob
import json
import os


def edges(doc):
    """(source, target) pairs of a node-link graph: `source`/`target` keys, or the rl graphs'
    positional `0`/`1` keys."""
    for e in doc["links"]:
        if "source" in e:
            yield e["source"], e["target"]
        else:
            yield e["0"], e["1"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphs", default=os.path.join(here, "..", "..", "shared", "graphs"))
    args = ap.parse_args()
    print("| graph | nodes | edges | single-consumer nodes | % of nodes | groups | nodes after grouping | topological orders |")
    print("|---|---|---|---|---|---|---|---|")
    for path in sorted(glob.glob(os.path.join(args.graphs, "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        es = list(edges(doc))
        consumers = collections.defaultdict(list)
        for s, t in es:
            consumers[s].append(t)
        single = {v: ts[0] for v, ts in consumers.items() if len(ts) == 1}
        # A group: the nodes joined by "v runs right before its only consumer" (union-find).
        parent = {}

        def find(v):
            parent.setdefault(v, v)
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        for v, w in single.items():
            parent[find(v)] = find(w)
        groups = len({find(v) for v in single})
        n = len(doc["nodes"])
        # One topological order exactly when Kahn's algorithm never has two nodes ready at once.
        indegree = collections.Counter(t for _, t in es)
        ready = [v for v in (nd.get("id", nd.get("name")) for nd in doc["nodes"]) if indegree[v] == 0]
        one = True
        while ready:
            one = one and len(ready) == 1
            v = ready.pop()
            for w in consumers[v]:
                indegree[w] -= 1
                if indegree[w] == 0:
                    ready.append(w)
        orders = "one" if one else "several"
        name = os.path.basename(path)[:-5]
        print(f"| {name} | {n} | {len(es)} | {len(single)} | {100.0 * len(single) / n:.1f} | {groups} | {n - len(single)} | {orders} |")


if __name__ == "__main__":
    main()
