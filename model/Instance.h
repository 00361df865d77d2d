// One instance of the problem as the search sees it: a graph in the execution order its staged
// timeline follows (node k is the k-th node of that order), the memory budget and the copy
// limit. These three always travel together, so they are passed as one value.
#pragma once
#include <cstdint>

#include "model/Graph.h"

namespace moccasin {

struct Instance {
    const Graph& graph;
    int64_t budget = 0;
    int copies = 2;

    // The same graph and copy limit under another budget.
    Instance withBudget(int64_t b) const { return Instance{graph, b, copies}; }
};

}  // namespace moccasin
