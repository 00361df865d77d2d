// search/DropRecomputations against its definition: one recomputation at a time, dearest first,
// removed when the plan without it (materialized and evaluated from scratch) still meets the
// budget, in passes until one removes nothing.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <tuple>

#include "model/Peak.h"
#include "model/Schedule.h"
#include "model/Validator.h"
#include "search/DropRecomputations.h"
#include "search/GivenOrder.h"
#include "search/Greedy.h"
#include "search/Incumbent.h"
#include "search/Lns.h"
#include "search/Solver.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {

bool fits(const Instance& inst, const StagedPlan& plan) {
    return validateSchedule(inst.graph, materialize(inst.graph, plan).computations, inst.budget, inst.copies).ok;
}

// Whether `rule` tries node a before node b, from DropOrder's definitions.
bool referenceBefore(const Graph& g, DropOrder rule, int a, int b) {
    const double ra = g.size(a) == 0 ? 1e300 : static_cast<double>(g.cost(a)) / static_cast<double>(g.size(a));
    const double rb = g.size(b) == 0 ? 1e300 : static_cast<double>(g.cost(b)) / static_cast<double>(g.size(b));
    switch (rule) {
        case DropOrder::Dearest: return g.cost(a) > g.cost(b);
        case DropOrder::CostPerByte: return ra > rb;
        case DropOrder::Smallest: return std::make_pair(g.size(a), -g.cost(a)) < std::make_pair(g.size(b), -g.cost(b));
    }
    return false;
}

int64_t referenceDrop(const Instance& inst, StagedPlan& plan, DropOrder rule) {
    const Graph& g = inst.graph;
    int64_t removed = 0;
    for (bool again = true; again;) {
        again = false;
        std::vector<std::pair<int, int>> order;  // (node, stage)
        for (int k = 0; k < g.numNodes(); ++k)
            for (int s : plan.recomputeStages[k]) order.emplace_back(k, s);
        std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
            return referenceBefore(g, rule, a.first, b.first);
        });
        for (const auto& [k, s] : order) {
            std::vector<int>& stages = plan.recomputeStages[k];
            auto it = std::find(stages.begin(), stages.end(), s);
            stages.erase(it);
            if (fits(inst, plan)) {
                ++removed;
                again = true;
            } else {
                stages.insert(std::lower_bound(stages.begin(), stages.end(), s), s);
            }
        }
    }
    return removed;
}

int64_t costOf(const Graph& g, const StagedPlan& plan) { return evaluate(g, materialize(g, plan)).cost; }

// A valid plan with recomputations to spare: a greedy walk's plan, plus random recomputations
// that keep it within the budget and the copy limit.
std::optional<StagedPlan> paddedPlan(const Instance& inst, std::mt19937_64& rng, int extra) {
    GreedyOptions o;
    o.noiseSeed = rng() % 3;
    o.chargePending = rng() % 2 == 0;
    std::optional<StagedPlan> plan = greedyPlan(inst, o).plan;
    if (!plan) return plan;
    const int n = inst.graph.numNodes();
    for (int t = 0; t < extra && n > 1; ++t) {
        const int k = static_cast<int>(rng() % static_cast<uint64_t>(n - 1));
        const int s = k + 1 + static_cast<int>(rng() % static_cast<uint64_t>(n - 1 - k));
        std::vector<int>& stages = plan->recomputeStages[k];
        if (static_cast<int>(stages.size()) + 1 >= inst.copies ||
            std::find(stages.begin(), stages.end(), s) != stages.end())
            continue;
        stages.insert(std::lower_bound(stages.begin(), stages.end(), s), s);
        if (!fits(inst, *plan)) stages.erase(std::find(stages.begin(), stages.end(), s));
    }
    return plan;
}

}  // namespace

TEST_CASE("drop recomputations: each order equals the one-at-a-time reference and the cheapest is kept") {
    std::mt19937_64 rng(11);
    int plans = 0;
    int64_t removed = 0, multiPass = 0, differs = 0;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        const bool layered = seed % 3 == 0;
        Graph g = layered ? testing::layeredGraph(40 + static_cast<int>(rng() % 60), seed)
                          : testing::randomDag({.nodes = 4 + static_cast<int>(rng() % 20), .edgeProbability = 0.3}, seed);
        const int64_t budget = testing::randomBudget(g, rng);
        const Instance inst{g, budget, 2 + static_cast<int>(rng() % 3)};
        std::optional<StagedPlan> plan = paddedPlan(inst, rng, layered ? 40 : 10);
        if (!plan) continue;
        CAPTURE(seed);
        ++plans;
        int64_t cheapest = -1;
        for (DropOrder rule : {DropOrder::Dearest, DropOrder::CostPerByte, DropOrder::Smallest}) {
            CAPTURE(static_cast<int>(rule));
            StagedPlan expected = *plan, got = *plan;
            const int64_t expectedRemoved = referenceDrop(inst, expected, rule);
            const DropStats stats = dropRecomputationsIn(inst, got, rule);
            CHECK(stats.removed == expectedRemoved);
            CHECK(got.recomputeStages == expected.recomputeStages);
            CHECK(fits(inst, got));
            const int64_t cost = costOf(g, got);
            CHECK(cost <= costOf(g, *plan));
            if (cheapest < 0 || cost < cheapest) cheapest = cost;
            removed += stats.removed;
            multiPass += stats.passes > 2 ? 1 : 0;
        }
        StagedPlan best = *plan;
        const DropStats stats = dropRecomputations(inst, best);
        CHECK(fits(inst, best));
        CHECK(costOf(g, best) == cheapest);
        differs += stats.removed != 0 && costOf(g, best) != costOf(g, [&] {
            StagedPlan p = *plan;
            dropRecomputationsIn(inst, p, DropOrder::Dearest);
            return p;
        }()) ? 1 : 0;
    }
    // The cases exercise the move: many plans, many removals, some needing more than one pass.
    CHECK(plans > 200);
    CHECK(removed > 1000);
    CHECK(multiPass > 5);
    CHECK(differs > 5);  // the orders do differ: keeping the cheapest is tested
}

TEST_CASE("drop recomputations: a plan without recomputations and an expired deadline are left alone") {
    Graph g = testing::layeredGraph(60, 5);
    const Instance inst{g, referencePeak(g), 2};
    StagedPlan none = StagedPlan::noRecompute(g.numNodes());
    CHECK(dropRecomputations(inst, none).removed == 0);
    CHECK(none.numRecomputations() == 0);

    const Instance tight{g, budgetLowerLimit(g) + (referencePeak(g) - budgetLowerLimit(g)) / 2, 3};
    std::mt19937_64 rng(3);
    std::optional<StagedPlan> plan = paddedPlan(tight, rng, 40);
    REQUIRE(plan);
    REQUIRE(plan->numRecomputations() > 0);
    const StagedPlan before = *plan;
    Deadline expired(0.0);
    CHECK(dropRecomputations(tight, *plan, &expired).removed == 0);
    CHECK(plan->recomputeStages == before.recomputeStages);
}

namespace {
// Records where the incumbent's improvements came from.
class SourceLog : public Incumbent::Sink {
public:
    void improved(const Incumbent::Improvement& imp, const StagedPlan&) override { sources.push_back(imp.source); }
    std::vector<std::string> sources;
};
}  // namespace

TEST_CASE("drop recomputations: LNS drops them from the incumbent it starts from, in both modes") {
    Graph g = testing::layeredGraph(80, 9);
    const Instance inst{g, budgetLowerLimit(g) + (referencePeak(g) - budgetLowerLimit(g)) * 2 / 3, 3};
    std::mt19937_64 rng(5);
    std::optional<StagedPlan> start = paddedPlan(inst, rng, 60);
    REQUIRE(start);
    StagedPlan expected = *start;
    REQUIRE(dropRecomputations(inst, expected).removed > 0);
    const int64_t expectedCost = evaluate(g, materialize(g, expected)).cost;
    for (bool deterministic : {false, true}) {
        CAPTURE(deterministic);
        Deadline clock(deterministic ? std::nullopt : std::optional<double>(1.0));
        Incumbent incumbent(inst, clock);
        SourceLog log;
        incumbent.setSink(&log);
        REQUIRE(incumbent.offer(*start, "start"));
        LnsOptions o;
        o.deterministic = deterministic;
        o.maxEpochs = 1;
        runLns(inst, incumbent, clock, o);
        REQUIRE(log.sources.size() >= 2);
        CHECK(log.sources[1] == "lns/drop");  // the first thing LNS does
        CHECK(incumbent.cost() <= expectedCost);
        StagedPlan best = *incumbent.best();
        CHECK(fits(inst, best));
    }
}

TEST_CASE("drop recomputations: --strategy greedy compares walks after every order of the descent") {
    int solved = 0, cheaper = 0;
    for (uint64_t seed = 1; seed <= 8; ++seed) {
        Graph g = testing::layeredGraph(120, seed);
        const Instance inst{g, referencePeak(g) * 3 / 4, 2};
        for (OrderMode order : {OrderMode::Given, OrderMode::Free}) {
            CAPTURE(seed);
            CAPTURE(static_cast<int>(order));
            SolveOptions o;
            o.budget = inst.budget;
            o.strategy = "greedy";
            o.order = order;
            o.deterministic = true;
            o.timeLimitSeconds = 60;
            const SolveOutcome out = solve(g, o);
            if (!out.solution) continue;
            ++solved;
            const Graph& on = *out.solution->solvedGraph;
            CHECK(fits(Instance{on, o.budget, o.copies}, out.solution->plan));
            if (order == OrderMode::Free) continue;
            // Given order: the portfolio with every order, which is cheaper than with one on some
            // of these graphs (so the strategy really asks for every order).
            const GreedyResult every = bestGreedyPlan(inst, nullptr, false, true);
            const GreedyResult one = bestGreedyPlan(inst, nullptr, false, false);
            REQUIRE(every.plan);
            REQUIRE(one.plan);
            CHECK(out.solution->cost == costOf(g, *every.plan));
            CHECK(costOf(g, *every.plan) <= costOf(g, *one.plan));
            cheaper += costOf(g, *every.plan) < costOf(g, *one.plan) ? 1 : 0;
        }
    }
    CHECK(solved >= 10);
    CHECK(cheaper >= 1);
}

TEST_CASE("drop recomputations: every order for --strategy greedy and above 2000 nodes only") {
    Graph small = testing::layeredGraph(300, 1);
    Graph large = testing::layeredGraph(2001, 1);
    CHECK_FALSE(greedyWithEveryDropOrder(small, "auto"));
    CHECK_FALSE(greedyWithEveryDropOrder(small, "lns"));
    CHECK(greedyWithEveryDropOrder(small, "greedy"));
    CHECK(greedyWithEveryDropOrder(large, "auto"));
    CHECK(greedyWithEveryDropOrder(large, "lns"));
}

TEST_CASE("lns: free-running workers share one view per incumbent") {
    // Two workers, one descent and one view per incumbent: at most as many views as the
    // incumbent has had plans (each worker building its own would make about twice as many).
    Graph g = testing::layeredGraph(120, 4);
    const Instance inst{g, referencePeak(g) * 3 / 4, 3};
    std::mt19937_64 rng(9);
    std::optional<StagedPlan> start = paddedPlan(inst, rng, 80);
    REQUIRE(start);
    Deadline clock(2.0);
    Incumbent incumbent(inst, clock);
    REQUIRE(incumbent.offer(*start, "start"));
    LnsOptions o;
    o.threads = 2;
    const LnsStats stats = runLns(inst, incumbent, clock, o);
    CAPTURE(incumbent.solutions());
    CHECK(incumbent.solutions() >= 3);  // LNS improved the plan more than once
    CHECK(stats.views >= 2);
    CHECK(stats.views <= incumbent.solutions());
    CHECK(fits(inst, *incumbent.best()));
}
