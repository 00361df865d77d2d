#include "search/PeakDescent.h"

#include <algorithm>
#include <random>

#include "model/Peak.h"
#include "search/Greedy.h"
#include "search/Incumbent.h"
#include "search/Neighborhoods.h"
#include "search/TreeSearch.h"

namespace moccasin {

namespace {

// The first plan: the caller's start (typically the greedy gone on over the budget) when its
// peak is within the first rung of a ladder from B up to the reference peak; otherwise the greedy
// at the lowest rung it meets.
std::optional<StagedPlan> startingPlan(const Instance& inst, const Deadline& deadline,
                                       const std::optional<StagedPlan>& start) {
    const auto& [g, budget, copies] = inst;
    const int64_t peak = referencePeak(g);
    const int64_t startPeak = start ? evaluate(g, materialize(g, *start)).peak : peak;
    if (start && startPeak <= budget + (peak - budget) / 8) return start;
    for (int i = 1; i <= 8 && !deadline.expired(); ++i) {
        int64_t b = budget + (peak - budget) * i / 8;
        GreedyOptions o;
        o.deadline = &deadline;
        GreedyResult r = greedyPlan(Instance{g, b, copies}, o);
        if (r.plan) return r.plan;
    }
    if (start && startPeak < peak) return start;
    return StagedPlan::noRecompute(g.numNodes());
}

}  // namespace

std::optional<StagedPlan> descendToBudget(const Instance& inst, const Deadline& deadline,
                                          const ModelOptions& modelOptions, uint64_t seed,
                                          const std::optional<StagedPlan>& start) {
    const auto& [g, budget, copies] = inst;
    std::optional<StagedPlan> current = startingPlan(inst, deadline, start);
    int64_t peak = evaluate(g, materialize(g, *current)).peak;
    int64_t step = std::max<int64_t>(1, (peak - budget) / 2);
    std::mt19937_64 rng(seed * 0x2545F4914F6CDD1DULL + 17);
    int effort = 0;
    while (peak > budget && !deadline.expired()) {
        const int64_t target = std::max(budget, peak - step);
        RematModel model(Instance{g, target, copies}, modelOptions);
        bool improved = false;
        if (model.engine().fixpoint()) {
            Incumbent local(Instance{g, target, copies}, deadline);
            IncumbentView view(g, *current);
            double fraction = std::min(1.0, 0.02 * (1 << std::min(effort, 6)));
            for (int attempt = 0; attempt < 12 && !improved && !deadline.expired(); ++attempt) {
                int size = std::clamp(static_cast<int>(fraction * g.numNodes()), std::min(8, g.numNodes()), g.numNodes());
                auto kind = attempt % 3 == 2 ? NeighborhoodKind::GraphBall : NeighborhoodKind::PeakWindow;
                std::vector<int> relaxed = generateNeighborhood(kind, g, view, size, rng);
                model.engine().pushLevel();
                if (model.fixToPlan(*current, relaxed)) {
                    TreeSearch search(model, local, rng());
                    search.run(200u << std::min(effort, 8), deadline, 0.3, "descent");
                }
                model.engine().popToLevel(0);
                improved = local.has();
                fraction = std::min(1.0, fraction * 1.6);
            }
            if (improved) current = local.best();
        }
        if (improved) {
            peak = evaluate(g, materialize(g, *current)).peak;
            effort = std::max(0, effort - 1);
            step = std::max<int64_t>(1, std::min(step * 2, peak - budget));
        } else if (step > 1 && step > (peak - budget) / 64) {
            step /= 2;  // too big a step: try a smaller one
        } else {
            ++effort;  // stuck: larger neighbourhoods and more failures per search from now on
            step = std::max<int64_t>(1, (peak - budget) / 2);
        }
    }
    if (peak <= budget) return current;
    return std::nullopt;
}

}  // namespace moccasin
