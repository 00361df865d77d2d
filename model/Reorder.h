// Execution orders other than the reference order pi. A topological order sigma of a Graph can
// be turned into a Graph of its own whose reference order is sigma (relabelled); the given-order
// engine then works on sigma's staged timeline, and a schedule found there names nodes by the
// relabelled graph's indices, which map back through the carried ids (or through `order`).
#pragma once
#include <cstdint>
#include <span>

#include "model/Graph.h"

namespace moccasin {

// True when `order` holds every node of g exactly once and every edge (u, v) has u before v.
bool isTopologicalOrder(const Graph& g, std::span<const int> order);

// The graph whose node k is g's node order[k]: ids, costs and sizes carried, edges remapped, name
// kept. Throws std::invalid_argument unless `order` is a topological order of g. O(n + m log).
Graph relabelled(const Graph& g, std::span<const int> order);

// The peak memory of the no-recompute schedule run in `order` (problem.md's semantics: an output
// is live from its computation until its last consumer's event inclusive, a sink's at its own
// event only, and memory at an event includes the output being made). With the identity order
// this is referencePeak(g). Throws std::invalid_argument unless `order` is topological. O(n + m).
int64_t noRecomputePeak(const Graph& g, std::span<const int> order);

}  // namespace moccasin
