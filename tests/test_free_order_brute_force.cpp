// The exhaustive free-order optimum (tests/support/FreeOrderBruteForce.h) against the given-order
// one and the hand-countable cases.
#include <doctest/doctest.h>

#include <random>

#include "model/Peak.h"
#include "tests/support/BruteForce.h"
#include "tests/support/FreeOrderBruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;
using moccasin::testing::freeOrderBruteForce;
using moccasin::testing::makeGraph;

TEST_CASE("free-order brute force: hand-made cases") {
    // Two branches a -> b, c -> d joined by e; sizes a=4, b=1, c=4, d=1, e=1. The reference
    // order a, b, c, d, e has memory 4, 5, 5, 6, 3.
    Graph g = makeGraph({1, 2, 3, 4, 5}, {4, 1, 4, 1, 1}, {{0, 1}, {2, 3}, {1, 4}, {3, 4}});
    REQUIRE(referencePeak(g) == 6);
    REQUIRE(budgetLowerLimit(g) == 5);
    CHECK(freeOrderBruteForce(g, 6, 1).optimum == g.baselineCost());
    // At 5, making b (or d) needs its 4-byte input and nothing else live, so whichever of b, d
    // comes second is made without the other; recomputing that other one needs its input again,
    // which does not fit beside the second. Infeasible in every order, however many copies.
    CHECK(freeOrderBruteForce(g, 5, 3).optimum == std::nullopt);
    // A fork a -> b, a -> c: b needs 1 + 8, nothing fits below that.
    Graph fork = makeGraph({1, 1, 1}, {1, 8, 1}, {{0, 1}, {0, 2}});
    CHECK(freeOrderBruteForce(fork, 9, 1).optimum == 3);
    CHECK_FALSE(freeOrderBruteForce(fork, 8, 3).optimum);
}

TEST_CASE("free-order brute force: reordering alone can beat the reference order") {
    // Sources a (size 5) and b (size 1); c reads a, d reads b, e reads c and d.
    // Reference order a, b, c, d, e peaks at 5 + 1 + 1 = 7 (c made with a, b live).
    // Order a, c, b, d, e peaks at 6: the free-order optimum at 6 is the baseline, 5. The given
    // order must drop b before c and make it again: 6.
    Graph g = makeGraph({1, 1, 1, 1, 1}, {5, 1, 1, 1, 1}, {{0, 2}, {1, 3}, {2, 4}, {3, 4}});
    REQUIRE(referencePeak(g) == 7);
    CHECK(freeOrderBruteForce(g, 6, 1).optimum == 5);
    CHECK(testing::bruteForce(g, 6, 3).optimum == 6);
    CHECK_FALSE(testing::bruteForce(g, 6, 1).optimum);
}

TEST_CASE("free-order brute force: one topological order does not make the given order's proofs hold for every order") {
    // Every node feeds the next, so 0, 1, ..., 5 is the only topological order and every schedule
    // makes its first computations in it. Yet at the lower limit with 2 or 3 copies the staged
    // timeline (recomputations of a stage in increasing order, before the stage's new node) has
    // no schedule while another interleaving of the recomputations has one: a given-order
    // "infeasible" or "optimal" is no free-order proof even here (found in 2 of 4,000 random
    // graphs of this kind, 3-6 nodes; measured while considering such a shortcut).
    Graph g = makeGraph({2, 5, 1, 9, 4, 5}, {4, 8, 7, 5, 3, 1},
                        {{0, 1}, {1, 2}, {2, 3}, {0, 3}, {3, 4}, {1, 4}, {4, 5}, {0, 5}, {2, 5}, {3, 5}});
    REQUIRE(budgetLowerLimit(g) == 20);
    for (int copies : {2, 3}) {
        CAPTURE(copies);
        CHECK_FALSE(testing::bruteForce(g, 20, copies).optimum);
        CHECK(freeOrderBruteForce(g, 20, copies).optimum == 43);
    }
}

TEST_CASE("free-order brute force: never above the given-order optimum, equal on chains") {
    std::mt19937_64 rng(17);
    int compared = 0, strictlyBetter = 0;
    for (uint64_t seed = 0; seed < 120; ++seed) {
        Graph g = testing::randomDag({.nodes = 2 + static_cast<int>(seed % 5), .edgeProbability = 0.35}, seed);
        int copies = 1 + static_cast<int>(seed % 3);
        const int64_t lo = budgetLowerLimit(g), hi = referencePeak(g);
        int64_t budget = testing::randomBudget(g, rng);
        CAPTURE(seed);
        auto given = testing::bruteForce(g, budget, copies);
        auto free = freeOrderBruteForce(g, budget, copies);
        if (given.optimum) {
            REQUIRE(free.optimum);
            CHECK(*free.optimum <= *given.optimum);
            ++compared;
            strictlyBetter += *free.optimum < *given.optimum;
        }
        // At the reference peak nothing is recomputed in either.
        CHECK(freeOrderBruteForce(g, hi, copies).optimum == g.baselineCost());
        // Below the lower limit nothing is feasible.
        CHECK_FALSE(freeOrderBruteForce(g, lo - 1, copies).optimum);
    }
    CHECK(compared > 60);
    MESSAGE("free order strictly better on " << strictlyBetter << " of " << compared);

    for (uint64_t seed = 0; seed < 40; ++seed) {
        const int n = 2 + static_cast<int>(seed % 5);
        std::vector<int64_t> cost, size;
        std::vector<std::pair<int, int>> edges;
        for (int v = 0; v < n; ++v) {
            cost.push_back(static_cast<int64_t>(rng() % 10));
            size.push_back(1 + static_cast<int64_t>(rng() % 9));
            if (v > 0) edges.emplace_back(v - 1, v);
        }
        Graph chain = makeGraph(cost, size, edges);
        int copies = 1 + static_cast<int>(seed % 3);
        int64_t lo = budgetLowerLimit(chain), hi = referencePeak(chain);
        for (int64_t budget = lo - 1; budget <= hi; ++budget) {
            CAPTURE(seed);
            CAPTURE(budget);
            CHECK(freeOrderBruteForce(chain, budget, copies).optimum == testing::bruteForce(chain, budget, copies).optimum);
        }
    }
}
