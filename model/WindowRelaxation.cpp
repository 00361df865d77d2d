#include "model/WindowRelaxation.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace moccasin {

std::optional<WindowRelaxation> relaxToWindow(const Instance& inst, int first, int last) {
    const Graph& g = inst.graph;
    if (first < 0 || first > last || last >= g.numNodes())
        throw std::invalid_argument("relaxToWindow: the window [" + std::to_string(first) + ", " +
                                    std::to_string(last) + "] is not inside the graph");
    // Entry nodes: made before the window and read inside it, in ascending order.
    std::vector<int> index(g.numNodes(), -1);
    std::vector<int> origin;
    for (int u = 0; u < first; ++u)
        for (int v : g.succs(u))
            if (v >= first && v <= last) {
                origin.push_back(u);
                break;
            }
    const int holder = static_cast<int>(origin.size());
    origin.push_back(-1);
    for (int v = first; v <= last; ++v) origin.push_back(v);

    std::vector<NodeId> ids;
    std::vector<int64_t> cost, size;
    std::vector<std::pair<int, int>> edges;
    int64_t others = 0, held = 0;  // the other nodes' costs and sizes (each fits: g checked its sums)
    for (int i = 0; i < static_cast<int>(origin.size()); ++i) {
        const int u = origin[i];
        if (u < 0) {
            ids.push_back(NodeId::fromString("window holder"));
            cost.push_back(0);  // set below
            size.push_back(0);
            continue;
        }
        index[u] = i;
        ids.push_back(g.id(u));
        cost.push_back(g.cost(u));
        size.push_back(g.size(u));
        others += g.cost(u);
        held += g.size(u);
        if (u >= first)
            for (int p : g.preds(u)) edges.emplace_back(index[p], i);  // p is an entry or window node
    }
    edges.emplace_back(holder, index[last]);
    // More than the recomputations of every other node together cost (C - 1 each), so a plan
    // that drops the holder never costs less than one that keeps it; capped where that overflows.
    int64_t holderCost = 0, total = 0;
    const int64_t extra = std::max(1, inst.copies - 1);
    if (__builtin_mul_overflow(others, extra, &holderCost) || __builtin_add_overflow(holderCost, 1, &holderCost) ||
        __builtin_add_overflow(holderCost, others, &total))
        holderCost = std::numeric_limits<int64_t>::max() - others;
    cost[holder] = holderCost;
    size[holder] = held;
    int64_t budget = 0;
    if (__builtin_add_overflow(inst.budget, held, &budget)) return std::nullopt;
    WindowRelaxation w{Graph(g.name() + " [" + std::to_string(first) + ", " + std::to_string(last) + "]", std::move(ids),
                             std::move(cost), std::move(size), std::move(edges)),
                       budget, inst.copies, first, last, holder, std::move(origin)};
    return w;
}

StagedPlan restrictToWindow(const WindowRelaxation& w, const StagedPlan& plan) {
    const int n = w.graph.numNodes();
    StagedPlan out = StagedPlan::noRecompute(n);
    // Stage s of the instance (first <= s <= last) is stage holder + 1 + s - first of the relaxation.
    for (int i = 0; i < n; ++i) {
        const int u = w.origin[i];
        if (u < 0) continue;
        for (int s : plan.recomputeStages[u])
            if (s >= w.first && s <= w.last) out.recomputeStages[i].push_back(w.holder + 1 + s - w.first);
    }
    return out;
}

int64_t recomputationCostIn(const Graph& g, const StagedPlan& plan, int first, int last) {
    int64_t sum = 0;
    for (int u = 0; u < g.numNodes(); ++u)
        for (int s : plan.recomputeStages[u])
            if (s >= first && s <= last && __builtin_add_overflow(sum, g.cost(u), &sum))
                return std::numeric_limits<int64_t>::max();
    return sum;
}

}  // namespace moccasin
