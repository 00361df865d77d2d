#include <doctest/doctest.h>

#include <random>
#include <stdexcept>

#include "model/LowerBound.h"
#include "model/Peak.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

TEST_CASE("lower bound: stage excesses on a hand-made graph") {
    // 0 feeds 3; 1 and 2 are big sinks. Without recomputation stage 2 holds 5 + 9 = 14.
    Graph g = testing::makeGraph({4, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    StageCutBound b(g, 12);
    CHECK(b.excess(0) == 0);
    CHECK(b.excess(1) == 0);
    CHECK(b.excess(2) == 2);
    // Dropping node 0 over stage 2 is the only way: it costs d_0 = 4, and the bound finds it.
    CHECK(rootLowerBound(Instance{g, 12, 2}, 50, 12) == 4 + 7);
    // With one copy nothing may drop: infeasible.
    CHECK(b.provesInfeasible(std::vector<int>(4, 0)));
    CHECK_FALSE(b.provesInfeasible(std::vector<int>(4, 1)));
}

TEST_CASE("lower bound: never above the exhaustive optimum on tiny graphs") {
    std::mt19937_64 rng(5);
    int compared = 0, tight = 0, infeasibleProofs = 0;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        int n = 4 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.45}, seed);
        int64_t budget = testing::randomBudget(g, rng);
        int copies = 1 + static_cast<int>(rng() % 3);
        CAPTURE(seed);
        auto exact = testing::bruteForce(g, budget, copies);
        StageCutBound bound(g, budget);
        bool proof = bound.provesInfeasible(std::vector<int>(n, copies - 1));
        if (proof) {
            CHECK_FALSE(exact.optimum);  // a proof of infeasibility must be right
            ++infeasibleProofs;
            continue;
        }
        if (!exact.optimum) continue;
        int64_t lb = rootLowerBound(Instance{g, budget, copies}, 60, *exact.optimum);
        CHECK(lb <= *exact.optimum);
        CHECK(lb >= g.baselineCost());
        ++compared;
        tight += lb == *exact.optimum ? 1 : 0;

        // With some drops already paid for (the caller adds their cost), the bound stays below the
        // best plan that has at least that many recomputations of each node.
        std::vector<int> paid(n), free(n);
        int64_t paidCost = 0;
        for (int u = 0; u < n; ++u) {
            paid[u] = static_cast<int>(rng() % static_cast<uint64_t>(copies));
            free[u] = copies - 1 - paid[u];
            paidCost += paid[u] * g.cost(u);
        }
        auto restricted = testing::bruteForce(g, budget, copies, [&](const std::vector<std::vector<int>>& st) {
            for (int u = 0; u < n; ++u)
                if (static_cast<int>(st[u].size()) < paid[u]) return false;
            return true;
        });
        if (!restricted.optimum) continue;
        StageCutBound b2(g, budget);
        int64_t lb2 = g.baselineCost() + paidCost + b2.improve(paid, free, 60, *restricted.optimum);
        CHECK(lb2 <= *restricted.optimum);
    }
    MESSAGE("bound compared on " << compared << " instances, tight on " << tight << ", " << infeasibleProofs
                                 << " infeasibility proofs");
    CHECK(compared > 50);
}

TEST_CASE("lower bound: prefix-sum gains equal the reference loop over every stage") {
    std::mt19937_64 rng(8);
    int compared = 0, nonzero = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const int n = 5 + static_cast<int>(rng() % 60);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.15}, seed + 40);
        const int64_t budget = testing::randomBudget(g, rng);
        CAPTURE(seed);
        StageCutBound bound(g, budget);
        std::vector<int> paid(n), free(n);
        DropWindows w;
        for (int u = 0; u < n; ++u) {
            paid[u] = static_cast<int>(rng() % 2);
            free[u] = static_cast<int>(rng() % 2);
            w.lo.push_back(static_cast<int>(rng() % static_cast<uint64_t>(n)));
            w.hi.push_back(w.lo.back() + static_cast<int>(rng() % static_cast<uint64_t>(n)));
        }
        const DropWindows* windows = seed % 2 ? &w : nullptr;
        // Subgradient steps move the multipliers; then both ways evaluate the same multipliers.
        bound.improve(paid, free, 1 + static_cast<int>(seed % 7), 2 * g.baselineCost(), windows);
        const int64_t fast = bound.value(paid, free, windows);
        bound.setReference(true);
        const int64_t reference = bound.value(paid, free, windows);
        CHECK(fast <= reference + 1);  // the same sums in another order: equal up to rounding
        CHECK(reference <= fast + 1);
        compared += fast == reference ? 1 : 0;
        nonzero += reference > 0 ? 1 : 0;
    }
    CHECK(compared >= 190);
    CHECK(nonzero > 50);
}

TEST_CASE("lower bound: any nonnegative multipliers give a bound below the exhaustive optimum (warm starts)") {
    std::mt19937_64 rng(9);
    int compared = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const int n = 4 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.45}, seed + 600);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 2;
        auto exact = testing::bruteForce(g, budget, copies);
        if (!exact.optimum) continue;
        CAPTURE(seed);
        StageCutBound bound(g, budget);
        std::vector<long double> lambda(n);
        for (auto& l : lambda) l = static_cast<long double>(rng() % 1000) / 100.0L;
        bound.setMultipliers(lambda);
        std::vector<int> paid(n, 0), free(n, copies - 1);
        CHECK(g.baselineCost() + bound.value(paid, free) <= *exact.optimum);
        CHECK(g.baselineCost() + bound.improve(paid, free, 5, *exact.optimum - g.baselineCost()) <= *exact.optimum);
        ++compared;
    }
    CHECK(compared > 50);
    StageCutBound b(testing::makeGraph({1, 1}, {1, 1}, {{0, 1}}), 10);
    CHECK_THROWS_AS(b.setMultipliers({1.0L}), std::invalid_argument);
    CHECK_THROWS_AS(b.setMultipliers({1.0L, -1.0L}), std::invalid_argument);
}

TEST_CASE("lower bound: the greedy cover is a solution of the relaxation, above its Lagrangian bound") {
    std::mt19937_64 rng(10);
    int covered = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const int n = 5 + static_cast<int>(rng() % 40);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.2}, seed + 800);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 2 + static_cast<int>(rng() % 2);
        CAPTURE(seed);
        StageCutBound bound(g, budget);
        std::vector<int> paid(n, 0), free(n, copies - 1);
        auto cover = bound.greedyCover(free);
        if (!cover) continue;
        CHECK(bound.improve(paid, free, 100, stepTarget(bound, free, 2 * g.baselineCost())) <= *cover);
        CHECK(stepTarget(bound, free, 2 * g.baselineCost()) <= *cover + 1);
        if (n <= 7) {  // and never below the true optimum's recomputation cost
            auto exact = testing::bruteForce(g, budget, copies);
            if (exact.optimum) CHECK(g.baselineCost() + bound.improve(paid, free, 100, stepTarget(bound, free, *exact.optimum)) <= *exact.optimum);
        }
        ++covered;
        const bool givesUp = !bound.greedyCover(free, 0).has_value();
        CHECK((givesUp || *cover == 0));  // the work cap gives up unless nothing needs covering
    }
    CHECK(covered > 50);
}
