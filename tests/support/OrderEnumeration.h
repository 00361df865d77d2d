// The lowest no-recompute peak over all topological orders of a tiny graph, by enumeration: the
// oracle for the order search and its lower bounds.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "model/Graph.h"
#include "model/Reorder.h"

namespace moccasin::testing {

inline int64_t minimumPeakOverOrders(const Graph& g) {
    const int n = g.numNodes();
    std::vector<int> missing(n), order;
    for (int v = 0; v < n; ++v) missing[v] = static_cast<int>(g.preds(v).size());
    std::vector<char> used(n, 0);
    int64_t best = std::numeric_limits<int64_t>::max();
    std::function<void()> extend = [&] {
        if (static_cast<int>(order.size()) == n) {
            best = std::min(best, noRecomputePeak(g, order));
            return;
        }
        for (int v = 0; v < n; ++v) {
            if (used[v] || missing[v] != 0) continue;
            used[v] = 1;
            order.push_back(v);
            for (int w : g.succs(v)) --missing[w];
            extend();
            for (int w : g.succs(v)) ++missing[w];
            order.pop_back();
            used[v] = 0;
        }
    };
    extend();
    return best;
}

}  // namespace moccasin::testing
