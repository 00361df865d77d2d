// The default path: `solve` with strategy auto on one and two threads, its status and bound
// against exhaustive search, --deterministic under auto across thread counts, and the engine's
// value limits.
#include <doctest/doctest.h>

#include <limits>

#include "model/Budget.h"
#include "model/Generator.h"
#include "support/LayeredGraph.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Validator.h"
#include "search/Greedy.h"
#include "search/Solver.h"
#include "support/BruteForce.h"
#include "support/RandomGraphs.h"

using namespace moccasin;
using namespace moccasin::testing;

namespace {

Graph layered(int nodes, uint64_t seed) { return testing::layeredGraph(nodes, seed); }

// Solves with auto and checks what holds for every outcome: a schedule exactly when the status
// says so, validated, the bound never above its cost, and the status against the true optimum.
void checkAuto(const Graph& g, int64_t budget, int copies, int threads, const BruteForceResult& truth) {
    SolveOptions opt;
    opt.budget = budget;
    opt.copies = copies;
    opt.threads = threads;
    opt.timeLimitSeconds = 20;  // tiny graphs settle in milliseconds; the limit is a safety net
    SolveOutcome out = solve(g, opt);
    CAPTURE(statusName(out.status));
    if (!truth.optimum) {
        CHECK(out.status == SolveStatus::Infeasible);
        CHECK_FALSE(out.solution);
        CHECK_FALSE(out.message.empty());
        return;
    }
    REQUIRE(out.solution);
    Schedule s = out.solution->schedule();
    ValidationResult v = validateSchedule(g, s.computations, budget, copies);
    REQUIRE_MESSAGE(v.ok, v.violation);
    REQUIRE(out.lowerBound);
    CHECK(*out.lowerBound <= *truth.optimum);  // a bound above the optimum would be a false proof
    CHECK(*out.lowerBound <= v.cost);
    // Tiny instances are settled within the limit: the optimum, proven.
    CHECK(out.status == SolveStatus::Optimal);
    CHECK(v.cost == *truth.optimum);
    CHECK(*out.lowerBound == v.cost);
}

// --deterministic with seed 3 and an epoch cap that ends the run long before the clock does.
SolveOptions deterministicOptions(int64_t budget, int threads, int epochs) {
    SolveOptions opt;
    opt.budget = budget;
    opt.timeLimitSeconds = 600;
    opt.threads = threads;
    opt.seed = 3;
    opt.deterministic = true;
    opt.lns.maxEpochs = epochs;
    return opt;
}

}  // namespace

TEST_CASE("solve auto: status, schedule and bound agree with exhaustive search, 1 and 2 threads") {
    int checked = 0, infeasible = 0;
    for (uint64_t seed = 1; seed <= 60; ++seed) {
        RandomDagSpec spec;
        spec.nodes = 4 + static_cast<int>(seed % 3);
        Graph g = randomDag(spec, seed);
        const int64_t lo = budgetLowerLimit(g), hi = referencePeak(g);
        const int64_t budget = lo + (hi - lo) * static_cast<int64_t>(seed % 4) / 4;
        const int copies = 1 + static_cast<int>(seed % 2);
        BruteForceResult truth = bruteForce(g, budget, copies);
        CAPTURE(seed);
        for (int threads : {1, 2}) {
            CAPTURE(threads);
            checkAuto(g, budget, copies, threads, truth);
        }
        ++checked;
        if (!truth.optimum) ++infeasible;
    }
    CHECK(checked == 60);
    CHECK(infeasible > 0);   // the sample covers proofs of infeasibility
    CHECK(infeasible < 60);  // and of optimality
}

TEST_CASE("solve auto: below the lower limit is infeasible with a message and no schedule") {
    Graph g = makeGraph({1, 1, 1}, {5, 6, 7}, {{0, 1}, {1, 2}});
    SolveOptions opt;
    opt.budget = budgetLowerLimit(g) - 1;
    SolveOutcome out = solve(g, opt);
    CHECK(out.status == SolveStatus::Infeasible);
    CHECK_FALSE(out.solution);
    CHECK(out.message.find("below the lower limit") != std::string::npos);
}

TEST_CASE("solve auto --deterministic: the same schedule with 1 and 2 threads, and LNS runs") {
    Graph g = layered(150, 42);
    int64_t budget = Budget::parse("0.8").resolve(referencePeak(g));
    std::optional<std::vector<std::vector<int>>> first;
    int64_t firstCost = 0;
    for (int threads : {1, 2}) {
        SolveOptions opt = deterministicOptions(budget, threads, 6);
        SolveOutcome out = solve(g, opt);
        CAPTURE(threads);
        REQUIRE(out.solution);
        CHECK(out.statistics.contains("lns"));  // auto --deterministic does not drop LNS
        CHECK(out.statistics["lns"]["epochs"] == 6);
        CHECK_FALSE(out.statistics.contains("exact"));  // nor runs a clock-dependent exact phase
        if (!first) {
            first = out.solution->plan.recomputeStages;
            firstCost = out.solution->cost;
            continue;
        }
        CHECK(out.solution->cost == firstCost);
        CHECK(out.solution->plan.recomputeStages == *first);
    }
}

TEST_CASE("solve free order --deterministic: the same order and schedule with 1 and 2 threads") {
    // The order search tries a fixed number of moves and the greedy a fixed number of restarts,
    // so nothing depends on the clock (before, the order search ran until its time share).
    Graph g = layered(150, 42);
    int64_t budget = Budget::parse("0.6").resolve(referencePeak(g));
    std::optional<SolveOutcome> first;
    for (int threads : {1, 2, 2}) {
        SolveOptions opt = deterministicOptions(budget, threads, 3);
        opt.order = OrderMode::Free;  // the order search's move cap ends its phase, not the clock
        SolveOutcome out = solve(g, opt);
        CAPTURE(threads);
        REQUIRE(out.solution);
        CHECK(out.solution->cost > g.baselineCost());  // recomputation needed: the whole pipeline ran
        CHECK(validateSchedule(g, out.solution->schedule().computations, budget, opt.copies).ok);
        if (!first) {
            first = out;
            continue;
        }
        CHECK(out.solution->cost == first->solution->cost);
        CHECK(out.solution->order == first->solution->order);
        CHECK(out.solution->plan.recomputeStages == first->solution->plan.recomputeStages);
        CHECK(out.statistics["order_search"]["moves"] == first->statistics["order_search"]["moves"]);
    }
}

TEST_CASE("solve auto --deterministic is as good as lns --deterministic") {
    Graph g = layered(200, 5);
    int64_t budget = Budget::parse("0.8").resolve(referencePeak(g));
    int64_t costs[2] = {0, 0};
    const char* strategies[2] = {"auto", "lns"};
    for (int i = 0; i < 2; ++i) {
        SolveOptions opt;
        opt.budget = budget;
        opt.strategy = strategies[i];
        opt.timeLimitSeconds = 600;
        opt.threads = 2;
        opt.deterministic = true;
        opt.lns.maxEpochs = 4;
        SolveOutcome out = solve(g, opt);
        REQUIRE(out.solution);
        costs[i] = out.solution->cost;
    }
    CHECK(costs[0] == costs[1]);
}

TEST_CASE("solve: instances beyond the engine's value range are refused up front") {
    const int64_t huge = int64_t{1} << 60;
    Graph g = makeGraph({huge - 1, 1}, {1, 1}, {{0, 1}});  // costs sum to exactly 2^60
    REQUIRE(unrepresentableReason(Instance{g, 2, 2}));  // 2 copies x 2^60 exceeds 2^60
    CHECK_FALSE(unrepresentableReason(Instance{g, 2, 1}).has_value());
    SolveOptions opt;
    opt.budget = 2;
    CHECK_THROWS_AS(solve(g, opt), std::invalid_argument);
    Graph wide = makeGraph({1, 1}, {huge / 2 + 1, 1}, {{0, 1}});
    CHECK(unrepresentableReason(Instance{wide, huge, 2}).has_value());
    CHECK_FALSE(unrepresentableReason(Instance{makeGraph({1, 1}, {1, 1}, {{0, 1}}), 2, 64}).has_value());
}

TEST_CASE("solve: improvements reach the callback in order, each with its bound, the last is the result") {
    Graph g = layered(120, 9);
    int64_t budget = Budget::parse("0.8").resolve(referencePeak(g));
    SolveOptions opt;
    opt.budget = budget;
    opt.threads = 2;
    opt.timeLimitSeconds = 1.5;
    std::vector<SolveEvent> events;
    opt.onImprovement = [&events](const SolveEvent& e) { events.push_back(e); };  // serialized by solve
    SolveOutcome out = solve(g, opt);
    REQUIRE(out.solution);
    REQUIRE_FALSE(events.empty());
    for (size_t i = 1; i < events.size(); ++i) CHECK(events[i].cost < events[i - 1].cost);
    for (const SolveEvent& e : events) {
        CHECK(e.bound <= e.cost);
        CHECK(e.peak <= budget);
        REQUIRE(e.solution);
        CHECK(validateSchedule(g, e.solution->schedule().computations, budget, 2).ok);
    }
    CHECK(events.back().cost == out.solution->cost);
}

namespace {
// The peak named by a message without a schedule ("the lowest peak a schedule found reached is
// P (F of the reference peak)"); fails the test when the message does not name one.
int64_t lowestPeakInMessage(const std::string& message) {
    const std::string key = "the lowest peak a schedule found reached is ";
    const size_t at = message.find(key);
    REQUIRE(at != std::string::npos);
    CHECK(message.find(" of the reference peak)", at) != std::string::npos);
    return std::stoll(message.substr(at + key.size()));
}

// `--strategy greedy --deterministic` with 2 copies: a limit long enough for the order search's
// fixed moves on a loaded machine (one that cuts them makes the orders, and so the message,
// depend on the clock).
SolveOptions deterministicGreedy(int64_t budget, OrderMode order, int threads) {
    SolveOptions opt;
    opt.budget = budget;
    opt.copies = 2;
    opt.threads = threads;
    opt.order = order;
    opt.strategy = "greedy";
    opt.deterministic = true;
    opt.timeLimitSeconds = 600;
    return opt;
}
}  // namespace

TEST_CASE("solve: without a schedule the message gives the lowest peak reached in both orders") {
    // 300 generated nodes at their lower limit with 2 copies: no walk or descent gets there within
    // a second, but they make schedules at higher peaks, and the user is told the lowest.
    Graph g = testing::layeredGraph(300, 10);
    const int64_t peak = referencePeak(g);
    for (OrderMode order : {OrderMode::Given, OrderMode::Free}) {
        SolveOptions opt;
        opt.budget = budgetLowerLimit(g);
        opt.copies = 2;
        opt.threads = 1;
        opt.order = order;
        opt.strategy = "lns";  // no exact search: it would not end in a second either
        opt.timeLimitSeconds = 1;
        SolveOutcome out = solve(g, opt);
        CAPTURE(out.message);
        REQUIRE_FALSE(out.solution);
        const int64_t reached = lowestPeakInMessage(out.message);
        CHECK(reached > opt.budget);
        CHECK(reached <= peak);
    }
}

TEST_CASE("solve: the greedy strategy names the copy limit that would do in both orders and the same under deterministic") {
    // 300 generated nodes: with 2 copies no greedy walk fits at 75% of the peak in the given
    // order, or at 68% in any order free order tries; some do with 4.
    Graph g = testing::layeredGraph(300, 10);
    for (OrderMode order : {OrderMode::Given, OrderMode::Free}) {
        std::string first;
        for (int threads : {1, 2}) {
            const SolveOptions opt =
                deterministicGreedy(referencePeak(g) * (order == OrderMode::Given ? 75 : 68) / 100, order, threads);
            SolveOutcome out = solve(g, opt);
            CAPTURE(out.message);
            REQUIRE_FALSE(out.solution);
            CHECK(out.message.find("with --copies 4 the greedy meets this budget") != std::string::npos);
            if (threads == 1) first = out.message;
            else CHECK(out.message == first);
        }
    }
}

TEST_CASE("solve: the greedy strategy names the lowest peak its walks reach in both orders") {
    // Where no walk meets the budget, the message names the lowest peak of the descent's start
    // (a bisection on the walks' budget), not the peak of the portfolio's walk that went on over
    // the budget: that walk spends its copies early and ends far higher on this graph.
    Graph g = testing::layeredGraph(300, 10);
    const int64_t peak = referencePeak(g);
    const int64_t budget = budgetLowerLimit(g) + (peak - budgetLowerLimit(g)) / 10;
    const GreedyResult portfolio = bestGreedyPlan(Instance{g, budget, 2}, nullptr, false, true);
    REQUIRE_FALSE(portfolio.plan);
    REQUIRE(portfolio.overBudget);
    for (OrderMode order : {OrderMode::Given, OrderMode::Free}) {
        CAPTURE(static_cast<int>(order));
        SolveOutcome out = solve(g, deterministicGreedy(budget, order, 1));
        CAPTURE(out.message);
        REQUIRE_FALSE(out.solution);
        const int64_t reached = lowestPeakInMessage(out.message);
        CAPTURE(portfolio.overBudgetPeak);
        CHECK(reached > budget);
        CHECK(reached < std::min(portfolio.overBudgetPeak, peak));
        // Given order: the figure is the bisection's; free order: the lowest over its orders.
        if (order == OrderMode::Given) CHECK(out.statistics["greedy_lowest_peak"].get<int64_t>() == reached);
    }
}

TEST_CASE("solve: the greedy strategy gives the schedule a jittered walk at the budget meets") {
    // 120 generated nodes at 40% of the way from the lower limit to the peak: no walk of the
    // portfolio meets the budget, one of the descent's start's jittered walks at the budget does,
    // and that plan is the schedule (found by scanning 30 seeds and 19 budgets: 3 such cases).
    Graph g = testing::layeredGraph(120, 3);
    const int64_t lo = budgetLowerLimit(g);
    const int64_t budget = lo + (referencePeak(g) - lo) * 8 / 20;
    REQUIRE_FALSE(bestGreedyPlan(Instance{g, budget, 2}, nullptr, false, true).plan);
    SolveOutcome out = solve(g, deterministicGreedy(budget, OrderMode::Given, 1));
    CAPTURE(out.message);
    REQUIRE(out.solution);
    CHECK(out.status == SolveStatus::Feasible);
    ValidationResult v = validateSchedule(g, out.solution->schedule().computations, budget, 2);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(out.statistics["greedy_lowest_peak"].get<int64_t>() <= budget);
    CHECK(v.cost == out.solution->cost);
}
