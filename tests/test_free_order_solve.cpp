// `solve --order free` against exhaustive search over every execution order on tiny graphs, and
// against the given order: valid schedules by the general definition, never below the true
// optimum, never above the given order's optimum, "optimal" only when it is.
#include <doctest/doctest.h>

#include <algorithm>

#include "model/Budget.h"
#include "model/Generator.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Validator.h"
#include "search/Solver.h"
#include "support/BruteForce.h"
#include "support/FreeOrderBruteForce.h"
#include "support/LayeredGraph.h"
#include "support/RandomGraphs.h"

using namespace moccasin;
using namespace moccasin::testing;

TEST_CASE("solve free order: against exhaustive search over all orders and the given order") {
    int withSchedule = 0, strictlyBetter = 0, provenOptimal = 0, noSchedule = 0;
    for (uint64_t seed = 1; seed <= 80; ++seed) {
        RandomDagSpec spec;
        spec.nodes = 4 + static_cast<int>(seed % 3);
        spec.edgeProbability = 0.3 + 0.1 * static_cast<double>(seed % 4);
        Graph g = randomDag(spec, seed);
        const int64_t lo = budgetLowerLimit(g), hi = referencePeak(g);
        const int64_t budget = lo + (hi - lo) * static_cast<int64_t>(seed % 5) / 5;
        const int copies = 1 + static_cast<int>(seed % 2);
        const auto freeOpt = freeOrderBruteForce(g, budget, copies).optimum;
        const auto givenOpt = bruteForce(g, budget, copies).optimum;
        CAPTURE(seed);
        if (givenOpt) REQUIRE(freeOpt);  // the given order is one of the orders
        if (givenOpt) CHECK(*freeOpt <= *givenOpt);

        SolveOptions opt;
        opt.budget = budget;
        opt.copies = copies;
        opt.order = OrderMode::Free;
        opt.threads = 1;
        opt.timeLimitSeconds = 20;  // tiny graphs settle at once; a safety net
        SolveOutcome out = solve(g, opt);
        CAPTURE(statusName(out.status));
        if (!out.solution) {
            ++noSchedule;
            CHECK_FALSE(givenOpt);  // the reference order is always searched: never worse than it
            CHECK(out.status != SolveStatus::Optimal);
            continue;
        }
        ++withSchedule;
        Schedule s = out.solution->schedule();
        ValidationResult v = validateSchedule(g, s.computations, budget, copies);
        REQUIRE_MESSAGE(v.ok, v.violation);
        REQUIRE(freeOpt);
        CHECK(v.cost >= *freeOpt);
        if (givenOpt) CHECK(v.cost <= *givenOpt);
        if (givenOpt && v.cost < *givenOpt) ++strictlyBetter;
        REQUIRE(out.lowerBound);
        CHECK(*out.lowerBound <= *freeOpt);  // a bound valid for every order
        if (out.status == SolveStatus::Optimal) {
            ++provenOptimal;
            CHECK(v.cost == *freeOpt);
        }
        // The execution order is a topological order of the caller's graph.
        std::vector<int> order = out.solution->executionOrder();
        std::vector<int> pos(g.numNodes(), -1);
        for (int i = 0; i < static_cast<int>(order.size()); ++i) pos[order[i]] = i;
        for (int v2 = 0; v2 < g.numNodes(); ++v2)
            for (int u : g.preds(v2)) CHECK(pos[u] < pos[v2]);
    }
    MESSAGE("with schedule " << withSchedule << ", better than the given order " << strictlyBetter
                             << ", proven optimal " << provenOptimal << ", none " << noSchedule);
    CHECK(withSchedule > 40);
    CHECK(strictlyBetter > 0);  // reordering pays somewhere in the sample
    CHECK(provenOptimal > 0);
}

TEST_CASE("solve free order: below the lower limit no order helps, and that is a proof") {
    Graph g = makeGraph({1, 1, 1, 1}, {4, 3, 2, 6}, {{0, 2}, {1, 2}, {2, 3}});
    SolveOptions opt;
    opt.budget = budgetLowerLimit(g) - 1;
    opt.order = OrderMode::Free;
    SolveOutcome out = solve(g, opt);
    CHECK(out.status == SolveStatus::Infeasible);
    CHECK(freeOrderBruteForce(g, opt.budget, 3).optimum == std::nullopt);
}

TEST_CASE("solve free order: a reordering that avoids all recomputation is proven optimal") {
    // Two independent chains a0 -> a1 (big output) and b0 -> b1: running a chain to its end before
    // starting the other keeps memory low; the reference order interleaves them.
    Graph g = makeGraph({1, 1, 1, 1}, {10, 10, 1, 1}, {{0, 2}, {1, 3}});
    const int64_t budget = 11;  // the reference order 0,1,2,3 holds 10 + 10 at once
    REQUIRE(referencePeak(g) > budget);
    SolveOptions opt;
    opt.budget = budget;
    opt.copies = 1;
    opt.order = OrderMode::Free;
    SolveOutcome out = solve(g, opt);
    REQUIRE(out.solution);
    CHECK(out.status == SolveStatus::Optimal);
    CHECK(out.solution->cost == g.baselineCost());
    CHECK(validateSchedule(g, out.solution->schedule().computations, budget, 1).ok);
}

TEST_CASE("solve free order: strategies none and greedy run on the orders found") {
    // The two chains of the case above: only a reordering meets the budget without recomputation.
    Graph g = makeGraph({1, 1, 1, 1}, {10, 10, 1, 1}, {{0, 2}, {1, 3}});
    const int64_t budget = 11;
    for (const char* strategy : {"none", "greedy"}) {
        CAPTURE(strategy);
        SolveOptions opt;
        opt.budget = budget;
        opt.copies = 1;
        opt.strategy = strategy;
        opt.timeLimitSeconds = 5;
        SolveOutcome given = solve(g, opt);
        CHECK_FALSE(given.solution);  // the reference order holds 10 + 10 at once
        opt.order = OrderMode::Free;
        SolveOutcome out = solve(g, opt);
        REQUIRE(out.solution);
        CHECK(out.status == SolveStatus::Optimal);
        CHECK(out.solution->cost == g.baselineCost());
        CHECK(validateSchedule(g, out.solution->schedule().computations, budget, 1).ok);
    }
    // At a budget every order's no-recompute schedule exceeds (copies 1: no recomputation, and
    // exhaustive search over the orders finds nothing), none says so and returns no schedule.
    int found = 0;
    for (uint64_t seed = 0; seed < 40 && found < 5; ++seed) {
        Graph h = randomDag({.nodes = 6, .edgeProbability = 0.35}, seed + 700);
        int64_t below = budgetLowerLimit(h);
        while (below < referencePeak(h) && !freeOrderBruteForce(h, below + 1, 1).optimum) ++below;
        if (below >= referencePeak(h) || freeOrderBruteForce(h, below, 1).optimum) continue;
        ++found;
        CAPTURE(seed);
        SolveOptions opt;
        opt.budget = below;
        opt.order = OrderMode::Free;
        opt.strategy = "none";
        opt.timeLimitSeconds = 5;
        SolveOutcome out = solve(h, opt);
        CHECK_FALSE(out.solution);
        CHECK(out.status == SolveStatus::Unknown);
        CHECK(out.message.find("lowest-peak order") != std::string::npos);
    }
    CHECK(found > 0);
}

TEST_CASE("solve free order: the greedy strategy against exhaustive search over all orders") {
    std::mt19937_64 rng(21);
    int solved = 0;
    for (uint64_t seed = 0; seed < 60; ++seed) {
        Graph g = randomDag({.nodes = 3 + static_cast<int>(seed % 4), .edgeProbability = 0.4}, seed + 500);
        const int64_t budget = randomBudget(g, rng);
        CAPTURE(seed);
        SolveOptions opt;
        opt.budget = budget;
        opt.copies = 2;
        opt.order = OrderMode::Free;
        opt.strategy = "greedy";
        opt.timeLimitSeconds = 5;
        SolveOutcome out = solve(g, opt);
        const auto optimum = freeOrderBruteForce(g, budget, 2).optimum;
        if (!out.solution) continue;
        ++solved;
        REQUIRE(optimum);
        CHECK(out.solution->cost >= *optimum);
        CHECK(validateSchedule(g, out.solution->schedule().computations, budget, 2).ok);
        CHECK((out.status == SolveStatus::Optimal) == (out.solution->cost == g.baselineCost()));
        // Never worse than the greedy of the reference order.
        opt.order = OrderMode::Given;
        SolveOutcome given = solve(g, opt);
        if (given.solution) CHECK(out.solution->cost <= given.solution->cost);
    }
    CHECK(solved >= 30);
}

TEST_CASE("solve free order: when no order's greedy meets the budget the search starts on the lowest-pressure order") {
    // 300 generated nodes at half their peak with 2 copies: no greedy walk fits in any order. The
    // order search ranks its orders by the memory they hold above the budget; the lowest-peak
    // order (smallest-output here) ranks lower and must not be searched first.
    Graph g = testing::layeredGraph(300, 12);
    SolveOptions opt;
    opt.budget = referencePeak(g) / 2;
    opt.copies = 2;
    opt.threads = 1;
    opt.order = OrderMode::Free;
    opt.strategy = "lns";
    opt.timeLimitSeconds = 2;
    SolveOutcome out = solve(g, opt);
    REQUIRE_FALSE(out.solution);
    const nlohmann::json& orders = out.statistics["orders"];
    const nlohmann::json& runs = out.statistics["runs"];
    REQUIRE(orders.size() >= 2);
    REQUIRE(runs.size() >= 1);
    for (const nlohmann::json& o : orders) REQUIRE(o["greedy_cost"].is_null());
    int64_t lowestPeak = orders[0]["peak"].get<int64_t>();
    for (const nlohmann::json& o : orders) lowestPeak = std::min(lowestPeak, o["peak"].get<int64_t>());
    CAPTURE(orders.dump());
    CHECK(runs[0]["origin"] == orders[0]["origin"]);
    MESSAGE("first searched: " << runs[0]["origin"] << " (peak " << orders[0]["peak"] << ", lowest peak " << lowestPeak << ")");
}

TEST_CASE("solve free order: a proof in one order's staged timeline is reported as that only") {
    // One topological order (every node feeds the next); at the lower limit with 2 copies the
    // staged timeline has no schedule, but another interleaving of the recomputations has one
    // (the exhaustive free-order optimum is 43). The given order proves its infeasibility; free
    // order must not claim a proof, and its message says the proof covers that order only.
    Graph g = makeGraph({2, 5, 1, 9, 4, 5}, {4, 8, 7, 5, 3, 1},
                        {{0, 1}, {1, 2}, {2, 3}, {0, 3}, {3, 4}, {1, 4}, {4, 5}, {0, 5}, {2, 5}, {3, 5}});
    REQUIRE(freeOrderBruteForce(g, 20, 2).optimum == 43);
    SolveOptions opt;
    opt.budget = 20;
    opt.copies = 2;
    opt.threads = 1;
    opt.timeLimitSeconds = 10;
    CHECK(solve(g, opt).status == SolveStatus::Infeasible);
    opt.order = OrderMode::Free;
    SolveOutcome out = solve(g, opt);
    CAPTURE(out.message);
    if (out.solution) {
        CHECK(out.solution->cost >= 43);
    } else {
        CHECK(out.status == SolveStatus::Unknown);
        CHECK(out.message.find("proven for that order only") != std::string::npos);
        CHECK(out.message.find("the search proved that no schedule meets the budget") == std::string::npos);
    }
}

TEST_CASE("solve free order: the greedy strategy gives the schedule a jittered walk at the budget meets") {
    // 120 generated nodes at a tenth of the way from the lower limit to the peak: no order's
    // portfolio meets the budget; a jittered walk of the descent's start on the most promising
    // order does, and that plan is the schedule (found by scanning 6 seeds and 14 budgets).
    Graph g = layeredGraph(120, 6);
    const int64_t lo = budgetLowerLimit(g);
    SolveOptions opt;
    opt.budget = lo + (referencePeak(g) - lo) * 2 / 20;
    opt.copies = 2;
    opt.order = OrderMode::Free;
    opt.strategy = "greedy";
    opt.deterministic = true;
    opt.timeLimitSeconds = 600;  // the order search's fixed moves, not the clock, decide
    SolveOutcome out = solve(g, opt);
    CAPTURE(out.message);
    for (const auto& o : out.statistics["orders"]) CHECK(o["greedy_cost"].is_null());
    REQUIRE(out.solution);
    CHECK(out.statistics["greedy_lowest_peak"].get<int64_t>() <= opt.budget);
    ValidationResult v = validateSchedule(g, out.solution->schedule().computations, opt.budget, opt.copies);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(v.cost == out.solution->cost);
}
