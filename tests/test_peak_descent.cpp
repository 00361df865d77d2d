// The feasibility phase: from a schedule the greedy finds at a looser budget down to the target.
#include <doctest/doctest.h>

#include <random>

#include "model/Peak.h"
#include "model/Validator.h"
#include "search/Greedy.h"
#include "search/PeakDescent.h"
#include "tests/support/BruteForce.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

TEST_CASE("peak descent: finds valid schedules where the greedy finds none, never invalid ones") {
    std::mt19937_64 rng(99);
    int greedyMissed = 0, feasible = 0, rescued = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        int n = 5 + static_cast<int>(rng() % 3);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.4}, seed + 7000);
        int64_t budget = testing::randomBudget(g, rng);
        if (bestGreedyPlan(Instance{g, budget, 2}).plan) continue;
        ++greedyMissed;
        Deadline deadline(0.25);  // infeasible budgets run until it
        DescentResult r = descendToBudget(Instance{g, budget, 2}, deadline, ModelOptions{}, seed);
        auto exact = testing::bruteForce(g, budget, 2);
        CAPTURE(seed);
        feasible += exact.optimum ? 1 : 0;
        // Met or not, the plan returned is a valid schedule at the peak reported (the lowest
        // reached, which the solve's message gives when no schedule meets the budget).
        REQUIRE(r.plan);
        Schedule s = materialize(g, *r.plan);
        ValidationResult atPeak = validateSchedule(g, s.computations, r.peak, 2);
        CHECK_MESSAGE(atPeak.ok, atPeak.violation);
        CHECK_FALSE(validateSchedule(g, s.computations, r.peak - 1, 2).ok);  // and that is its peak
        CHECK(r.met == (r.peak <= budget));
        if (!r.met) continue;
        CHECK(exact.optimum);  // it cannot find what does not exist
        ValidationResult v = validateSchedule(g, s.computations, budget, 2);
        CHECK_MESSAGE(v.ok, v.violation);
        ++rescued;
    }
    MESSAGE("the greedy missed " << greedyMissed << " budgets, " << feasible << " of them feasible; the descent met "
                                 << rescued);
    CHECK(rescued > 0);
}

TEST_CASE("peak descent: starts from the lowest budget the greedy walks meet") {
    // The walk that goes on over the budget spends its copies against B early and ends high,
    // here above the no-recompute peak; walks at a looser budget end far lower. The bisection
    // between them is the descent's start and the lowest peak the solve reports.
    Graph g = testing::layeredGraph(300, 12);
    const int64_t peak = referencePeak(g);
    for (int copies : {2, 4}) {
        CAPTURE(copies);
        const Instance inst{g, peak / 2, copies};
        GreedyResult greedy = bestGreedyPlan(inst);
        REQUIRE_FALSE(greedy.plan);
        REQUIRE(greedy.overBudget);
        const Deadline untimed(std::nullopt);
        DescentResult start = lowestGreedyStart(inst, untimed, greedy.overBudget);
        REQUIRE(start.plan);
        CHECK_FALSE(start.met);
        Schedule s = materialize(g, *start.plan);
        CHECK(validateSchedule(g, s.computations, start.peak, copies).ok);
        CHECK_FALSE(validateSchedule(g, s.computations, start.peak - 1, copies).ok);
        // 0.633 and 0.560 of the peak, against 1.070 and 0.972 for the walk over the budget.
        CHECK(greedy.overBudgetPeak > peak * 9 / 10);
        CHECK(start.peak < peak * 7 / 10);
        // The walks fail just below the start, not far below it: the bisection narrowed the gap
        // between B and the start's peak (these walks are the first two the start tries).
        const int64_t below = start.peak - (greedy.overBudgetPeak - inst.budget) / 256;
        for (bool charge : {true, false}) {
            GreedyOptions o;
            o.chargePending = charge;
            CHECK_FALSE(greedyPlan(Instance{g, below, copies}, o).plan);
        }
        // Without a start it bisects from the reference peak, and gets as low.
        DescentResult fromScratch = lowestGreedyStart(inst, untimed);
        CHECK(fromScratch.peak < peak * 7 / 10);
        // The descent starts there, so it never ends above it.
        DescentResult descent = descendToBudget(inst, Deadline(1.0), ModelOptions{}, 1, greedy.overBudget);
        CHECK(descent.peak <= start.peak);
    }
}

TEST_CASE("peak descent: jittered charging walks at the budget meet it where the greedy's portfolio does not") {
    // Budgets the portfolio misses by a hair: a few more walks with other jittered scores meet
    // them, before any bisection or search.
    struct Case {
        int graphSeed, percent, copies;
    };
    for (Case c : {Case{3, 68, 2}, Case{7, 70, 2}, Case{7, 64, 3}}) {
        CAPTURE(c.graphSeed);
        CAPTURE(c.percent);
        Graph g = testing::layeredGraph(300, c.graphSeed);
        const Instance inst{g, referencePeak(g) * c.percent / 100, c.copies};
        GreedyResult greedy = bestGreedyPlan(inst);
        REQUIRE_FALSE(greedy.plan);
        DescentResult start = lowestGreedyStart(inst, Deadline(std::nullopt), greedy.overBudget);
        REQUIRE(start.met);
        ValidationResult v = validateSchedule(g, materialize(g, *start.plan).computations, inst.budget, c.copies);
        CHECK_MESSAGE(v.ok, v.violation);
        CHECK(start.peak <= inst.budget);
        // The descent returns it as met, with no search.
        DescentResult descent = descendToBudget(inst, Deadline(600.0), ModelOptions{}, 1, greedy.overBudget, 2);
        CHECK(descent.met);
    }
}
