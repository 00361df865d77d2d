#include "model/Schedule.h"

#include <algorithm>
#include <stdexcept>

#include "model/Timeline.h"

namespace moccasin {

int64_t StagedPlan::numRecomputations() const {
    int64_t r = 0;
    for (const auto& v : recomputeStages) r += static_cast<int64_t>(v.size());
    return r;
}

Schedule materialize(const Graph& g, const StagedPlan& plan) {
    const int n = g.numNodes();
    if (static_cast<int>(plan.recomputeStages.size()) != n) throw std::invalid_argument("plan size differs from graph");
    // Recomputations grouped by stage, then ordered by slot (= node index) inside the stage.
    std::vector<std::pair<int, int>> byStage;  // (stage, node)
    for (int k = 0; k < n; ++k)
        for (int s : plan.recomputeStages[k]) {
            if (s <= k || s >= n) throw std::invalid_argument("recompute stage out of range");
            byStage.emplace_back(s, k);
        }
    std::sort(byStage.begin(), byStage.end());
    if (std::adjacent_find(byStage.begin(), byStage.end()) != byStage.end())
        throw std::invalid_argument("node recomputed twice in one stage");

    Schedule out;
    out.computations.reserve(static_cast<size_t>(n) + byStage.size());
    size_t next = 0;
    for (int s = 0; s < n; ++s) {
        for (; next < byStage.size() && byStage[next].first == s; ++next) {
            int k = byStage[next].second;
            int64_t t = eventOf(s, k);
            out.computations.push_back({k, t, t + 1});
        }
        int64_t t = eventOf(s, s);
        out.computations.push_back({s, t, t + 1});
    }
    // Copies of each node in start order; every consumer is served by the latest earlier copy.
    std::vector<std::vector<int>> copies(n);
    for (int i = 0; i < static_cast<int>(out.computations.size()); ++i) copies[out.computations[i].node].push_back(i);
    for (auto& c : out.computations) {
        for (int u : g.preds(c.node)) {
            const auto& cu = copies[u];
            auto it = std::lower_bound(cu.begin(), cu.end(), c.start,
                                       [&](int idx, int64_t t) { return out.computations[idx].start < t; });
            // The first copy of u is at stage u < stage of any computation of c.node.
            Computation& served = out.computations[*(it - 1)];
            served.end = std::max(served.end, c.start + 1);
        }
    }
    return out;
}

Evaluation evaluate(const Graph& g, const Schedule& s) {
    Evaluation ev;
    std::vector<std::pair<int64_t, int64_t>> deltas;  // (event, size change); frees sort first
    deltas.reserve(2 * s.computations.size());
    for (const auto& c : s.computations) {
        ev.cost += g.cost(c.node);
        deltas.emplace_back(c.start, g.size(c.node));
        deltas.emplace_back(c.end, -g.size(c.node));
    }
    std::sort(deltas.begin(), deltas.end());
    int64_t live = 0;
    for (auto [t, d] : deltas) {
        live += d;
        ev.peak = std::max(ev.peak, live);
    }
    return ev;
}

}  // namespace moccasin
