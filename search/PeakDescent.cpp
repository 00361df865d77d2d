#include "search/PeakDescent.h"

#include <algorithm>
#include <random>
#include <vector>

#include "model/Peak.h"
#include "search/Greedy.h"
#include "search/Incumbent.h"
#include "search/Neighborhoods.h"
#include "search/TreeSearch.h"
#include "search/Workers.h"

namespace moccasin {

namespace {

// Steps of the starting plan. Each is a jittered walk at B and a bisection step; ten narrow the
// gap between B and the start's peak to 1/1024 of it.
constexpr int kStartSteps = 10;

// One walk of the greedy at inst.budget: charging for Pending inputs or not, with jittered scores
// (noiseSeed != 0) or exact ones. Its plan, when it meets the budget.
std::optional<StagedPlan> walk(const Instance& inst, bool chargePending, uint64_t noiseSeed, const Deadline& deadline) {
    GreedyOptions o;
    o.chargePending = chargePending;
    o.noiseSeed = noiseSeed;
    o.deadline = &deadline;
    return greedyPlan(inst, o).plan;
}

// A plan of the greedy that meets `budget`, from the first of two exact walks that does (charging
// for Pending inputs, then not).
std::optional<StagedPlan> greedyWithin(const Instance& inst, const Deadline& deadline) {
    std::optional<StagedPlan> plan = walk(inst, true, 0, deadline);
    if (!plan && !deadline.expired()) plan = walk(inst, false, 0, deadline);
    return plan;
}

// A walk charging for Pending inputs with jittered scores. Where the greedy's portfolio misses a
// budget by a hair, some of these meet it: on a generated 10,000-node graph at 0.7 of its peak
// with 4 copies, where the portfolio fails by 0.01%, 1 in 20; on 300-node layered graphs they meet
// budgets the portfolio misses (tests/test_peak_descent.cpp).
std::optional<StagedPlan> jitteredWalk(const Instance& inst, uint64_t noiseSeed, const Deadline& deadline) {
    return walk(inst, true, noiseSeed, deadline);
}

}  // namespace

// A walk that meets a budget b peaks at b or below, so a bisection on b between B and the lowest
// peak known (the caller's start, typically the greedy gone on over the budget; else the
// no-recompute schedule at the reference peak) finds about the lowest budget the walks meet. The
// walk that goes on over B is a poor start by itself: it spends its copies against B early and
// has none left where memory piles up later (on rl_n500 at 0.55 of the peak with 4 copies it
// peaks at 0.629, while walks meet 0.584). Each step also tries B itself with a jittered walk
// (fixed seeds: only a deadline makes the result depend on the clock); on large graphs, where
// walks are slow and the descent's searches get nowhere, these are the start's best chance.
DescentResult lowestGreedyStart(const Instance& inst, const Deadline& deadline, const std::optional<StagedPlan>& start) {
    const auto& [g, budget, copies] = inst;
    DescentResult first;
    first.plan = start ? *start : StagedPlan::noRecompute(g.numNodes());
    first.peak = evaluate(g, materialize(g, *first.plan)).peak;
    // Keeps `plan` when it is lower than the start so far; returns its peak (the plan must exist).
    const auto keepIfLower = [&](std::optional<StagedPlan>& plan) {
        const int64_t peak = evaluate(g, materialize(g, *plan)).peak;
        if (peak < first.peak) {
            first.plan = std::move(plan);
            first.peak = peak;
        }
        return peak;
    };
    // Without a start the caller's greedy may not have tried B itself.
    if (!start && first.peak > budget) {
        std::optional<StagedPlan> met = greedyWithin(inst, deadline);
        if (met) keepIfLower(met);
    }
    int64_t lo = budget, hi = first.peak;  // the known plan meets hi; B is where walks failed
    for (int step = 0; step < kStartSteps && first.peak > budget && !deadline.expired(); ++step) {
        std::optional<StagedPlan> atBudget = jitteredWalk(inst, 1000 + static_cast<uint64_t>(step), deadline);
        if (atBudget) keepIfLower(atBudget);
        if (first.peak <= budget || hi - lo <= 1) continue;
        const int64_t mid = lo + (hi - lo) / 2;
        std::optional<StagedPlan> met = greedyWithin(Instance{g, mid, copies}, deadline);
        if (!met) {
            lo = mid;
            continue;
        }
        hi = std::min(mid, keepIfLower(met));  // its peak is at most mid
    }
    first.met = first.peak <= budget;
    return first;
}

namespace {

// One descent: lowers the budget step by step from the starting plan (see the header).
DescentResult descendOnce(const Instance& inst, const Deadline& deadline, const ModelOptions& modelOptions,
                          uint64_t seed, const DescentResult& start) {
    const auto& [g, budget, copies] = inst;
    std::optional<StagedPlan> current = start.plan;
    int64_t peak = start.peak;
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
        if (!improved && !deadline.expired()) {
            // The searches found nothing this round: one more jittered walk at B itself. On large
            // graphs these walks, not the searches, are what meets a budget the greedy misses by a
            // hair (a 10,000-node model is slow to search, and a walk meets the budget now and then).
            if (std::optional<StagedPlan> met = jitteredWalk(inst, rng() | 1, deadline)) {
                current = std::move(met);
                improved = true;
            }
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
    // Each improvement lowers the peak: `current` is the lowest plan reached.
    return DescentResult{std::move(current), peak, peak <= budget};
}

// One descent of a race, on its own thread with its own model and seed. It owns its result; the
// caller reads it only after join(). The first to meet the budget ends the race.
class DescentWorker {
public:
    DescentWorker(const Instance& inst, const Deadline& race, const ModelOptions& model, uint64_t seed,
                  const DescentResult& start)
        : inst_(inst), race_(race), model_(model), seed_(seed), start_(start) {}
    void operator()() {
        result_ = descendOnce(inst_, race_, model_, seed_, start_);
        if (result_.met) race_.cancel();
    }
    const DescentResult& result() const { return result_; }

private:
    Instance inst_;
    const Deadline& race_;
    ModelOptions model_;
    uint64_t seed_;
    DescentResult start_;
    DescentResult result_;
};

}  // namespace

DescentResult descendToBudget(const Instance& inst, const Deadline& deadline, const ModelOptions& modelOptions,
                              uint64_t seed, const std::optional<StagedPlan>& start, int threads) {
    // One start for every racer: the walks behind it are the same for all.
    const DescentResult first = lowestGreedyStart(inst, deadline, start);
    if (first.met || threads <= 1) return descendOnce(inst, deadline, modelOptions, seed, first);
    // Descents with different seeds find different paths down; the first that arrives wins. The
    // race has its own clock so that a winner can stop the others without touching the caller's.
    Deadline race(deadline.remaining());
    std::vector<DescentWorker> workers;
    workers.reserve(threads);
    for (int t = 0; t < threads; ++t) workers.emplace_back(inst, race, modelOptions, seed + 7919 * t, first);
    runWorkers(workers);
    // The cheapest plan that meets the budget; when none does, the lowest.
    DescentResult best;
    int64_t bestCost = 0;
    for (const DescentWorker& w : workers) {
        const DescentResult& r = w.result();
        if (!r.plan) continue;
        if (r.met) {
            int64_t cost = evaluate(inst.graph, materialize(inst.graph, *r.plan)).cost;
            if (!best.met || cost < bestCost) {
                best = r;
                bestCost = cost;
            }
        } else if (!best.met && (!best.plan || r.peak < best.peak)) {
            best = r;
        }
    }
    return best;
}

}  // namespace moccasin
