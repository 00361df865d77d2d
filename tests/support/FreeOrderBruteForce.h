// Exhaustive free-order optimum for tiny graphs (n <= 6, C <= 3), written from problem.md's
// definition of a valid schedule and independent of the engine: the order of computations is
// free. A state is which outputs are live and how often each node has been computed. A step
// either computes a node that is not live, whose inputs are all live, with the live sizes plus its
// output within the budget (cost d_v), or frees one live output (cost 0; memory is only checked at
// computations, so freeing between two of them is the same as ending the copy after the first).
// Recomputing a node whose output is still live never helps, so it is not a step. Dijkstra from
// "nothing computed" to any state where every node was computed at least once.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <stdexcept>
#include <utility>
#include <vector>

#include "model/Graph.h"

namespace moccasin::testing {

struct FreeOrderResult {
    std::optional<int64_t> optimum;  // minimum cost of a valid schedule; empty when none exists
    int64_t statesSettled = 0;
};

inline FreeOrderResult freeOrderBruteForce(const Graph& g, int64_t budget, int copiesLimit) {
    const int n = g.numNodes();
    if (n > 6 || copiesLimit < 1 || copiesLimit > 3) throw std::invalid_argument("free-order brute force: n <= 6, 1 <= C <= 3");
    // State: bits 0..n-1 live outputs, then 2 bits per node for its computation count.
    auto liveOf = [&](uint32_t s) { return s & ((1u << n) - 1); };
    auto countOf = [&](uint32_t s, int v) { return static_cast<int>((s >> (n + 2 * v)) & 3u); };
    const uint32_t numStates = 1u << (3 * n);
    std::vector<int64_t> dist(numStates, -1);
    std::vector<char> settled(numStates, 0);
    using Item = std::pair<int64_t, uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    dist[0] = 0;
    queue.push({0, 0});
    FreeOrderResult result;
    auto relax = [&](uint32_t next, int64_t d) {
        if (dist[next] == -1 || d < dist[next]) {
            dist[next] = d;
            queue.push({d, next});
        }
    };
    while (!queue.empty()) {
        auto [d, s] = queue.top();
        queue.pop();
        if (settled[s]) continue;
        settled[s] = 1;
        ++result.statesSettled;
        bool done = true;
        for (int v = 0; v < n; ++v) done = done && countOf(s, v) >= 1;
        if (done) {
            result.optimum = d;
            return result;
        }
        uint32_t live = liveOf(s);
        int64_t liveSize = 0;
        for (int v = 0; v < n; ++v)
            if (live >> v & 1u) liveSize += g.size(v);
        for (int v = 0; v < n; ++v) {
            if (live >> v & 1u) {
                relax(s & ~(1u << v), d);  // free v's output
                continue;
            }
            if (countOf(s, v) >= copiesLimit) continue;
            bool inputsLive = true;
            for (int u : g.preds(v)) inputsLive = inputsLive && (live >> u & 1u);
            if (!inputsLive || liveSize + g.size(v) > budget) continue;
            relax((s | (1u << v)) + (1u << (n + 2 * v)), d + g.cost(v));
        }
    }
    return result;
}

}  // namespace moccasin::testing
