// The oracle itself is checked against the independent validator and the hand-countable cases.
#include <doctest/doctest.h>

#include <random>

#include "model/Peak.h"
#include "model/Schedule.h"
#include "model/Validator.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

TEST_CASE("brute force: plan counts and the no-recompute optimum") {
    Graph chain = testing::makeGraph({1, 2, 3}, {1, 1, 1}, {{0, 1}, {1, 2}});
    // Node 0 may be recomputed at stage 1 or 2 or not at all (C=2): 3 * 2 * 1 plans.
    auto r = testing::bruteForce(chain, 100, 2);
    CHECK(r.feasiblePlans == 6);
    REQUIRE(r.optimum);
    CHECK(*r.optimum == 6);
    // C=3 adds {1,2} for node 0: 4 * 2 plans.
    CHECK(testing::bruteForce(chain, 100, 3).feasiblePlans == 8);
    // Below the lower limit nothing is feasible.
    CHECK_FALSE(testing::bruteForce(chain, budgetLowerLimit(chain) - 1, 3).optimum);
}

TEST_CASE("brute force: its best plans pass the validator and agree with materialize") {
    std::mt19937_64 rng(3);
    for (uint64_t seed = 0; seed < 60; ++seed) {
        Graph g = testing::randomDag({.nodes = 3 + static_cast<int>(seed % 4)}, seed);
        int64_t budget = testing::randomBudget(g, rng);
        auto r = testing::bruteForce(g, budget, 2);
        if (!r.optimum) continue;  // budgets between the limit and the peak can be infeasible
        Schedule s = materialize(g, StagedPlan{r.bestPlan});
        ValidationResult v = validateSchedule(g, s.computations, budget, 2);
        CHECK_MESSAGE(v.ok, v.violation);
        CHECK(v.cost == *r.optimum);
        CHECK(evaluate(g, s).peak == v.peak);
    }
}
