#include "search/Neighborhoods.h"

#include <algorithm>
#include <deque>

#include "model/Timeline.h"

namespace moccasin {

std::string_view neighborhoodName(NeighborhoodKind k) {
    switch (k) {
        case NeighborhoodKind::StageWindow: return "stage-window";
        case NeighborhoodKind::PeakWindow: return "peak-window";
        case NeighborhoodKind::GraphBall: return "graph-ball";
        case NeighborhoodKind::Random: return "random";
        case NeighborhoodKind::Expensive: return "expensive";
    }
    return "?";
}

IncumbentView::IncumbentView(const Graph& g, const StagedPlan& plan) : plan_(plan) {
    const int n = g.numNodes();
    Schedule s = materialize(g, plan);
    span_.assign(n, {n, -1});
    std::vector<std::pair<int64_t, int64_t>> deltas;
    for (const auto& c : s.computations) {
        cost_ += g.cost(c.node);
        auto& sp = span_[c.node];
        sp.first = std::min<int>(sp.first, static_cast<int>(stageOfEvent(c.start)));
        sp.second = std::max<int>(sp.second, static_cast<int>(stageOfEvent(c.end - 1)));
        deltas.emplace_back(c.end, -g.size(c.node));
        deltas.emplace_back(c.start, g.size(c.node));
    }
    // Memory at each computation, by a sweep; keep the stages of the highest ones.
    std::sort(deltas.begin(), deltas.end());
    std::vector<std::pair<int64_t, int64_t>> loads;  // (memory, event)
    int64_t live = 0;
    for (size_t i = 0; i < deltas.size(); ++i) {
        live += deltas[i].second;
        if (deltas[i].second > 0 && (i + 1 == deltas.size() || deltas[i + 1].first != deltas[i].first))
            loads.emplace_back(live, deltas[i].first);
    }
    size_t keep = std::min<size_t>(16, loads.size());
    std::partial_sort(loads.begin(), loads.begin() + static_cast<long>(keep), loads.end(), std::greater<>());
    for (size_t i = 0; i < keep; ++i) peakStages_.push_back(static_cast<int>(stageOfEvent(loads[i].second)));
    for (int k = 0; k < n; ++k)
        if (!plan.recomputeStages[k].empty()) recomputed_.push_back(k);
}

namespace {

// The `size` nodes whose spans are nearest stage c.
std::vector<int> nearestToStage(const IncumbentView& view, int n, int c, int size) {
    std::vector<std::pair<int, int>> dist(n);
    for (int k = 0; k < n; ++k) {
        auto [a, b] = view.span(k);
        int d = c < a ? a - c : c > b ? c - b : 0;
        dist[k] = {d, k};
    }
    size = std::min(size, n);
    std::nth_element(dist.begin(), dist.begin() + size - 1, dist.end());
    std::vector<int> out;
    for (int i = 0; i < size; ++i) out.push_back(dist[i].second);
    return out;
}

void ball(const Graph& g, int start, int size, std::vector<char>& taken, std::vector<int>& out, std::mt19937_64& rng) {
    std::deque<int> queue{start};
    std::vector<int> next;
    while (!queue.empty() && static_cast<int>(out.size()) < size) {
        int u = queue.front();
        queue.pop_front();
        if (taken[u]) continue;
        taken[u] = 1;
        out.push_back(u);
        next.assign(g.preds(u).begin(), g.preds(u).end());
        next.insert(next.end(), g.succs(u).begin(), g.succs(u).end());
        std::shuffle(next.begin(), next.end(), rng);
        for (int v : next)
            if (!taken[v]) queue.push_back(v);
    }
}

}  // namespace

std::vector<int> generateNeighborhood(NeighborhoodKind kind, const Graph& g, const IncumbentView& view, int size,
                                      std::mt19937_64& rng) {
    const int n = g.numNodes();
    size = std::clamp(size, 1, n);
    auto uniform = [&](int bound) { return static_cast<int>(rng() % static_cast<uint64_t>(bound)); };
    switch (kind) {
        case NeighborhoodKind::StageWindow:
            return nearestToStage(view, n, uniform(n), size);
        case NeighborhoodKind::PeakWindow: {
            const auto& peaks = view.peakStages();
            int c = peaks.empty() ? uniform(n) : peaks[static_cast<size_t>(uniform(static_cast<int>(peaks.size())))];
            return nearestToStage(view, n, c, size);
        }
        case NeighborhoodKind::GraphBall: {
            std::vector<char> taken(n, 0);
            std::vector<int> out;
            while (static_cast<int>(out.size()) < size) ball(g, uniform(n), size, taken, out, rng);
            return out;
        }
        case NeighborhoodKind::Random: {
            std::vector<int> all(n);
            for (int k = 0; k < n; ++k) all[k] = k;
            for (int i = 0; i < size; ++i) std::swap(all[i], all[i + uniform(n - i)]);
            all.resize(size);
            return all;
        }
        case NeighborhoodKind::Expensive: {
            const auto& rec = view.recomputed();
            std::vector<char> taken(n, 0);
            std::vector<int> out;
            if (rec.empty()) return generateNeighborhood(NeighborhoodKind::GraphBall, g, view, size, rng);
            int64_t total = 0;
            for (int k : rec) total += g.cost(k) + 1;
            int guard = 0;
            while (static_cast<int>(out.size()) < size && guard++ < 4 * size) {
                int64_t pick = static_cast<int64_t>(rng() % static_cast<uint64_t>(total));
                int start = rec.back();
                for (int k : rec)
                    if ((pick -= g.cost(k) + 1) < 0) {
                        start = k;
                        break;
                    }
                ball(g, start, std::min(size, static_cast<int>(out.size()) + std::max(2, size / 4)), taken, out, rng);
            }
            if (static_cast<int>(out.size()) < size) ball(g, uniform(n), size, taken, out, rng);
            return out;
        }
    }
    return {};
}

}  // namespace moccasin
