// Exact search for an order with a low no-recompute peak on narrow graphs: a breadth-first walk
// over down-sets (the sets of nodes computed so far), level by level. Computing v after the
// down-set D takes m_v plus the outputs in D with a consumer outside D, so whether an order with
// every step below `limit` exists is reachability in the lattice of down-sets, with the steps at
// or above the limit removed. The number of down-sets grows quickly with the graph's width, so
// the walk gives up beyond a memory cap; on the random layered graph with 100 nodes it proves the
// annealer's best order optimal in milliseconds.
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"
#include "search/Deadline.h"

namespace moccasin {

struct OrderBelowResult {
    enum class Status { Found, None, GaveUp };
    Status status = Status::GaveUp;
    std::vector<int> order;  // when Found: a topological order whose peak is below the limit
    int64_t statesVisited = 0;
};

// Looks for a topological order of g with noRecomputePeak < limit, keeping at most maxBytes of
// down-sets. GaveUp when that cap, maxSeconds or the deadline is hit first.
OrderBelowResult orderBelow(const Graph& g, int64_t limit, int64_t maxBytes, const Deadline& deadline,
                            double maxSeconds = 1e300);

}  // namespace moccasin
