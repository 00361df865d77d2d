#include "model/WindowRelaxation.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace moccasin {

std::optional<WindowRelaxation> relaxToWindow(const Instance& inst, int first, int last, int depth) {
    const Graph& g = inst.graph;
    if (first < 0 || first > last || last >= g.numNodes())
        throw std::invalid_argument("relaxToWindow: the window [" + std::to_string(first) + ", " +
                                    std::to_string(last) + "] is not inside the graph");
    if (depth < 1) throw std::invalid_argument("relaxToWindow: the depth must be at least 1");
    // Entry nodes: made before the window, at most `depth` edges above a window node (distance
    // 1: read in the window). Those closer than `depth` keep their inputs.
    std::vector<int> distance(first, 0);  // 0: not an entry node
    for (int v = first; v <= last; ++v)
        for (int u : g.preds(v))
            if (u < first) distance[u] = 1;
    for (int u = first - 1; u >= 0; --u)  // descending: a node's distance is final before its inputs'
        if (distance[u] > 0 && distance[u] < depth)
            for (int p : g.preds(u))
                if (distance[p] == 0 || distance[p] > distance[u] + 1) distance[p] = distance[u] + 1;
    std::vector<int> index(g.numNodes(), -1);
    std::vector<int> origin;
    for (int u = 0; u < first; ++u)
        if (distance[u] > 0) origin.push_back(u);
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
        if (u >= first || distance[u] < depth)
            for (int p : g.preds(u)) edges.emplace_back(index[p], i);  // p is an entry or window node
    }
    edges.emplace_back(holder, index[last]);
    // More than the recomputations of every other node together cost (C - 1 each), so a plan
    // that drops the holder never costs less than one that keeps it; and far more (2^20 times the
    // other costs), so the search, which drops outputs with a large size per cost first, does
    // not spend its time dropping the holder. Capped so that C copies of every node cost at most
    // 2^56, well inside the values the engine takes (2^60) also when a window of this relaxation
    // is relaxed again; a window where even the first condition does not fit is not relaxed.
    const int64_t c = std::max(1, inst.copies);
    const int64_t cap = (int64_t{1} << 56) / c - others;
    int64_t least = 0, wanted = 0;
    if (__builtin_mul_overflow(others, c - 1, &least) || __builtin_add_overflow(least, 1, &least) || least > cap)
        return std::nullopt;
    if (__builtin_mul_overflow(std::max<int64_t>(others, 1), int64_t{1} << 20, &wanted)) wanted = cap;
    const int64_t holderCost = std::max(least, std::min(wanted, cap));
    cost[holder] = holderCost;
    size[holder] = held;
    int64_t budget = 0;
    if (__builtin_add_overflow(inst.budget, held, &budget)) return std::nullopt;
    WindowRelaxation w{Graph(g.name() + " [" + std::to_string(first) + ", " + std::to_string(last) + "]", std::move(ids),
                             std::move(cost), std::move(size), std::move(edges)),
                       budget, inst.copies, first, last, depth, holder, std::move(origin)};
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

}  // namespace moccasin
