// Small random DAGs for tests, built directly as Graphs (ids 0..n-1 in reference order).
#pragma once
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "model/Graph.h"
#include "model/Peak.h"

namespace moccasin::testing {

struct RandomDagSpec {
    int nodes = 6;
    double edgeProbability = 0.4;
    int64_t maxCost = 9;  // costs uniform in 0..maxCost
    int64_t minSize = 1, maxSize = 9;
};

inline Graph randomDag(const RandomDagSpec& spec, uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto uniform = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
    std::vector<NodeId> ids;
    std::vector<int64_t> cost, size;
    std::vector<std::pair<int, int>> edges;
    for (int v = 0; v < spec.nodes; ++v) {
        ids.push_back(NodeId::fromInteger(v));
        cost.push_back(uniform(0, spec.maxCost));
        size.push_back(uniform(spec.minSize, spec.maxSize));
        bool hasInput = false;
        for (int u = 0; u < v; ++u)
            if (static_cast<double>(rng() % 1000) < spec.edgeProbability * 1000) {
                edges.emplace_back(u, v);
                hasInput = true;
            }
        if (v > 0 && !hasInput) edges.emplace_back(static_cast<int>(rng() % static_cast<uint64_t>(v)), v);
    }
    return Graph("random", std::move(ids), std::move(cost), std::move(size), std::move(edges));
}

// A budget drawn uniformly between the lower limit and the reference peak (both included).
inline int64_t randomBudget(const Graph& g, std::mt19937_64& rng) {
    const int64_t lo = budgetLowerLimit(g), hi = referencePeak(g);
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

// A graph from explicit lists, for hand-made cases.
inline Graph makeGraph(std::vector<int64_t> cost, std::vector<int64_t> size, std::vector<std::pair<int, int>> edges) {
    std::vector<NodeId> ids;
    for (size_t v = 0; v < cost.size(); ++v) ids.push_back(NodeId::fromInteger(static_cast<int64_t>(v)));
    return Graph("hand-made", std::move(ids), std::move(cost), std::move(size), std::move(edges));
}

}  // namespace moccasin::testing
