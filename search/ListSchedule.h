// Memory-aware list scheduling: builds a topological order one ready node at a time, picking by a
// greedy priority on the memory the choice allocates and frees. These orders start the local
// search of OrderSearch.
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"

namespace moccasin {

enum class ListRule {
    NetGrowth,       // least (own output kept) - (inputs this computation frees)
    SmallestOutput,  // least allocated, then least net growth
    DepthFirst,      // the node readied most recently (finishes what was started), then net growth
};

// A topological order of g built by `rule`, ties going to the reference order. A nonzero
// noiseSeed perturbs the priorities (by up to `noise` times the mean output size) for diverse
// starts. O((n + m) log n).
std::vector<int> listSchedule(const Graph& g, ListRule rule, uint64_t noiseSeed = 0, double noise = 0.5);

}  // namespace moccasin
