// The feasibility phase: from a schedule the greedy finds at a looser budget down to the target.
#include <doctest/doctest.h>

#include <random>

#include "model/Peak.h"
#include "model/Validator.h"
#include "search/Greedy.h"
#include "search/PeakDescent.h"
#include "tests/support/BruteForce.h"
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
