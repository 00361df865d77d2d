// The exact search against the exhaustive enumeration of staged schedules (tests/support).
#include <doctest/doctest.h>

#include <random>

#include "model/Peak.h"
#include "model/Validator.h"
#include "search/ExactSearch.h"
#include "search/Greedy.h"
#include "tests/support/BruteForce.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {
struct Tally {
    int optimal = 0, infeasible = 0;
    uint64_t nogoods = 0, nogoodPrunings = 0;  // recorded at restarts, bounds they set
    int windowBounds = 0;                      // searches that ran the window bound
};

// Solves one instance and checks it against brute force; returns what was proven.
void checkInstance(const Graph& g, int64_t budget, int copies, const ExactOptions& opt, bool warm, Tally& tally) {
    auto exact = testing::bruteForce(g, budget, copies);
    std::optional<StagedPlan> warmStart;
    if (warm) warmStart = bestGreedyPlan(Instance{g, budget, copies}).plan;
    ExactResult r = solveExact(Instance{g, budget, copies}, opt, warmStart);
    REQUIRE((r.provedOptimal || r.provedInfeasible));
    if (r.statistics.contains("nogoods")) {
        tally.nogoods += r.statistics["nogoods"]["recorded"].get<uint64_t>();
        tally.nogoodPrunings += r.statistics["nogoods"]["prunings"].get<uint64_t>() +
                                r.statistics["nogoods"]["unit_at_root"].get<uint64_t>();
    }
    if (r.statistics.contains("window_bound")) ++tally.windowBounds;
    if (!exact.optimum) {
        CHECK(r.provedInfeasible);
        CHECK_FALSE(r.best);
        ++tally.infeasible;
        return;
    }
    REQUIRE(r.provedOptimal);
    REQUIRE(r.best);
    CHECK(r.bestCost == *exact.optimum);
    CHECK(r.lowerBound == r.bestCost);
    Schedule s = materialize(g, *r.best);
    ValidationResult v = validateSchedule(g, s.computations, budget, copies);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(v.cost == r.bestCost);
    ++tally.optimal;
}
}  // namespace

TEST_CASE("exact search: proven optima equal exhaustive enumeration on 500 random graphs, C = 1, 2, 3") {
    std::mt19937_64 rng(2024);
    Tally tally;
    for (uint64_t seed = 0; seed < 500; ++seed) {
        int copies = 1 + static_cast<int>(seed % 3);
        int maxNodes = copies == 3 ? 6 : 8;
        int n = 4 + static_cast<int>(rng() % static_cast<uint64_t>(maxNodes - 3));
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.25 + 0.35 * static_cast<double>(rng() % 100) / 100},
                                     seed + 1000);
        int64_t budget = testing::randomBudget(g, rng);
        ExactOptions opt;
        opt.seed = seed;
        opt.restarts = seed % 2 == 0;
        opt.restartsAfterIncumbent = seed % 4 == 0;
        opt.model.boundWindows = seed % 3 != 0;
        opt.restartBase = 8;  // small, so restarts really happen on these tiny trees
        opt.nogoods = seed % 8 != 2;
        opt.shaving = seed % 5 != 4;
        opt.windowAfterFailures = seed % 2 == 0 ? 0 : 20'000;  // these proofs take few failures
        opt.learning = seed % 4 == 3;  // tests/test_learning.cpp has more; restarts need failures
        CAPTURE(seed);
        CAPTURE(n);
        CAPTURE(copies);
        CAPTURE(budget);
        checkInstance(g, budget, copies, opt, seed % 4 != 1, tally);
    }
    MESSAGE(tally.optimal << " optima and " << tally.infeasible << " infeasibility proofs match the enumeration");
    CHECK(tally.optimal > 200);
    CHECK(tally.infeasible > 20);
    MESSAGE(tally.nogoods << " nogoods recorded, " << tally.nogoodPrunings << " bounds set by them");
    CHECK(tally.nogoods > 100);  // the restarts really recorded nogoods, and they pruned
    CHECK(tally.nogoodPrunings > 0);
    MESSAGE(tally.windowBounds << " searches ran the window bound");
    CHECK(tally.windowBounds > 5);  // the window bound was on in some of these proofs (13 when written)
}

TEST_CASE("exact search: ablations change the work, never the optimum") {
    std::mt19937_64 rng(77);
    Tally tally;
    for (uint64_t seed = 0; seed < 60; ++seed) {
        Graph g = testing::randomDag({.nodes = 6, .edgeProbability = 0.4}, seed + 5000);
        int64_t budget = testing::randomBudget(g, rng);
        CAPTURE(seed);
        for (int variant = 0; variant < 9; ++variant) {
            ExactOptions opt;
            opt.model.ttef = variant != 1;
            opt.model.ttefLeftOverlap = variant != 6;
            opt.model.timetableFiltering = variant != 2;
            opt.model.recomputeBound = variant != 3;
            opt.model.boundWindows = variant != 4 && variant != 3;
            opt.restartsAfterIncumbent = variant == 0 || variant == 5;  // variant 0: every technique on
            opt.nogoods = variant != 5;
            opt.learning = variant != 7;
            if (variant == 8) opt.nogoodLimits.learntKeep = 2;  // learnt nogoods deleted all the time
            opt.restartBase = 8;
            CAPTURE(variant);
            checkInstance(g, budget, 2, opt, false, tally);
        }
    }
    CHECK(tally.optimal > 0);
}

TEST_CASE("exact search: TTEF reports what its rules did and the left-overlap switch turns those rules off") {
    std::mt19937_64 rng(91);
    uint64_t fired[2] = {0, 0}, leftFired[2] = {0, 0}, windows = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const Graph g = testing::randomDag({.nodes = 7, .edgeProbability = 0.4}, seed + 9100);
        const Instance inst{g, testing::randomBudget(g, rng), 2};
        for (const bool left : {true, false}) {
            ExactOptions opt;
            opt.model.ttef = true;
            opt.model.ttefLeftOverlap = left;
            // With the timetable's filtering on, TTEF's rules never fired on these graphs (nor on
            // the paper's, bench/README.md): the timetable already makes each deduction.
            opt.model.timetableFiltering = false;
            opt.restarts = false;
            const ExactResult r = solveExact(inst, opt, std::nullopt);
            const nlohmann::json& rules = r.statistics["propagators"]["Ttef"]["rules"];
            REQUIRE(rules.is_object());
            windows += rules["windows"].get<uint64_t>();
            const uint64_t l = rules["start_min_left_overlap"].get<uint64_t>() +
                               rules["end_max_right_overlap"].get<uint64_t>() + rules["overloads_left_overlap"].get<uint64_t>();
            leftFired[left] += l;
            fired[left] += l + rules["start_min"].get<uint64_t>() + rules["end_max"].get<uint64_t>() +
                           rules["overloads"].get<uint64_t>() + rules["no_placement"].get<uint64_t>();
        }
    }
    MESSAGE("TTEF rules fired " << fired[1] << " times (left overlap " << leftFired[1] << "), without left overlap " << fired[0]);
    CHECK(windows > 0);
    CHECK(leftFired[0] == 0);
    CHECK(leftFired[1] > 0);
}

TEST_CASE("exact search: restarts with and without nogoods and with a capped store prove the same optimum on larger graphs") {
    // Too large for the enumeration; the two searches check each other. Restarts after every
    // 8 failures, so most of the tree is searched in restarted runs that read the nogoods.
    std::mt19937_64 rng(404);
    Tally with, without;
    for (uint64_t seed = 0; seed < 30; ++seed) {
        Graph g = testing::randomDag({.nodes = 10 + static_cast<int>(seed % 3), .edgeProbability = 0.3}, seed + 9000);
        int64_t budget = testing::randomBudget(g, rng);
        CAPTURE(seed);
        // 0: without nogoods; 1: with; 2: with a store capped at 20 literals in all.
        std::optional<int64_t> cost[3];
        for (int variant = 0; variant < 3; ++variant) {
            ExactOptions opt;
            opt.seed = seed;
            opt.restartsAfterIncumbent = true;
            opt.restartBase = 8;
            opt.nogoods = variant > 0;
            opt.learning = false;  // the restart nogoods are under test
            if (variant == 2) opt.nogoodLimits.maxLiterals = 20;
            ExactResult r = solveExact(Instance{g, budget, 2}, opt, std::nullopt);
            CAPTURE(variant);
            REQUIRE((r.provedOptimal || r.provedInfeasible));
            if (r.provedOptimal) cost[variant] = r.bestCost;
            if (variant == 2) {
                if (r.statistics.contains("nogoods")) CHECK(r.statistics["nogoods"]["literals"].get<int64_t>() <= 20);
                continue;
            }
            Tally& t = variant == 1 ? with : without;
            t.optimal += r.provedOptimal;
            t.infeasible += r.provedInfeasible;
            if (variant == 1 && r.statistics.contains("nogoods")) t.nogoods += r.statistics["nogoods"]["recorded"].get<uint64_t>();
        }
        CHECK(cost[0] == cost[1]);
        CHECK(cost[0] == cost[2]);
    }
    CHECK(with.optimal == without.optimal);
    CHECK(with.optimal > 10);
    CHECK(with.nogoods > 100);
}
