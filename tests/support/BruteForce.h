// Exhaustive enumeration of the retention-interval model on tiny graphs, written independently of
// the engine and of model/Schedule.cpp: every choice of at most C-1 recompute stages per node,
// each copy kept exactly until the last computation it serves (the latest earlier copy serves a
// consumer), memory summed event by event. This is the oracle for the exact search.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "model/Graph.h"

namespace moccasin::testing {

struct BruteForceResult {
    std::optional<int64_t> optimum;  // minimum cost over feasible plans, if any
    int64_t feasiblePlans = 0;
    std::vector<std::vector<int>> bestPlan;  // recompute stages per node
};

// Cost of a plan, or nullopt if its peak exceeds the budget.
inline std::optional<int64_t> bruteForceCost(const Graph& g, const std::vector<std::vector<int>>& stages,
                                             int64_t budget) {
    const int n = g.numNodes();
    struct Copy {
        int node;
        int64_t start, end;
    };
    std::vector<Copy> copies;
    std::vector<int> latest(n, -1);
    int64_t event = 0, cost = 0;
    for (int s = 0; s < n; ++s)
        for (int o = 0; o <= s; ++o, ++event) {
            bool computed = o == s || std::find(stages[o].begin(), stages[o].end(), s) != stages[o].end();
            if (!computed) continue;
            for (int u : g.preds(o)) {
                Copy& c = copies[latest[u]];
                c.end = std::max(c.end, event + 1);
            }
            latest[o] = static_cast<int>(copies.size());
            copies.push_back({o, event, event + 1});
            cost += g.cost(o);
        }
    for (int64_t t = 0; t < event; ++t) {
        int64_t memory = 0;
        for (const Copy& c : copies)
            if (c.start <= t && t < c.end) memory += g.size(c.node);
        if (memory > budget) return std::nullopt;
    }
    return cost;
}

// The end of each node's first copy in a plan, derived as bruteForceCost derives it (kept until
// the last computation it serves), for tests that restrict plans by copy ends.
inline std::vector<int64_t> bruteForceFirstEnds(const Graph& g, const std::vector<std::vector<int>>& stages) {
    const int n = g.numNodes();
    std::vector<int64_t> firstEnd(n, 0);
    std::vector<int> copiesMade(n, 0);
    int64_t event = 0;
    for (int s = 0; s < n; ++s)
        for (int o = 0; o <= s; ++o, ++event) {
            bool computed = o == s || std::find(stages[o].begin(), stages[o].end(), s) != stages[o].end();
            if (!computed) continue;
            for (int u : g.preds(o))
                if (copiesMade[u] == 1) firstEnd[u] = std::max(firstEnd[u], event + 1);  // served by copy 0
            if (copiesMade[o]++ == 0) firstEnd[o] = event + 1;
        }
    return firstEnd;
}

// `accept` (optional) restricts the enumeration to plans it returns true for.
inline BruteForceResult bruteForce(const Graph& g, int64_t budget, int copiesLimit,
                                   const std::function<bool(const std::vector<std::vector<int>>&)>& accept = {}) {
    const int n = g.numNodes();
    BruteForceResult result;
    std::vector<std::vector<int>> stages(n);
    // Chooses node k's recompute stages as an ascending subset of k+1..n-1 of size <= C-1.
    std::function<void(int)> chooseNode;
    std::function<void(int, int)> extend = [&](int k, int from) {
        chooseNode(k + 1);
        if (static_cast<int>(stages[k].size()) >= copiesLimit - 1) return;
        for (int s = from; s < n; ++s) {
            stages[k].push_back(s);
            extend(k, s + 1);
            stages[k].pop_back();
        }
    };
    chooseNode = [&](int k) {
        if (k == n) {
            if (accept && !accept(stages)) return;
            if (auto cost = bruteForceCost(g, stages, budget)) {
                ++result.feasiblePlans;
                if (!result.optimum || *cost < *result.optimum) {
                    result.optimum = cost;
                    result.bestPlan = stages;
                }
            }
            return;
        }
        extend(k, k + 1);
    };
    chooseNode(0);
    return result;
}

}  // namespace moccasin::testing
