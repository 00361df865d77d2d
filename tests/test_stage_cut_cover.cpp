#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/LowerBound.h"
#include "model/Peak.h"
#include "model/StageCutCover.h"
#include "search/Solver.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {

// The covering program by enumeration, from its definition: node u may drop over at most
// maxDrops[u] of its gaps between consecutive consumers; every stage with a positive excess must
// be freed of at least that excess by the sizes of the nodes dropped over it.
std::optional<int64_t> enumerateCover(const Graph& g, int64_t budget, const std::vector<int>& maxDrops) {
    const int n = g.numNodes();
    const StageCutBound excesses(g, budget);
    std::vector<std::vector<std::pair<int, int>>> gaps(n);
    for (int u = 0; u < n; ++u) {
        int prev = u;
        for (int c : g.succs(u)) {
            if (c > prev + 1) gaps[u].emplace_back(prev + 1, c - 1);
            prev = c;
        }
    }
    std::vector<int64_t> freed(n, 0);
    std::optional<int64_t> best;
    std::function<void(int, size_t, int, int64_t)> choose = [&](int u, size_t from, int taken, int64_t cost) {
        if (u == n) {
            for (int s = 0; s < n; ++s)
                if (freed[s] < excesses.excess(s)) return;
            if (!best || cost < *best) best = cost;
            return;
        }
        choose(u + 1, 0, 0, cost);  // no more gaps for u
        if (taken >= maxDrops[u]) return;
        for (size_t i = from; i < gaps[u].size(); ++i) {
            for (int s = gaps[u][i].first; s <= gaps[u][i].second; ++s) freed[s] += g.size(u);
            choose(u, i + 1, taken + 1, cost + g.cost(u));
            for (int s = gaps[u][i].first; s <= gaps[u][i].second; ++s) freed[s] -= g.size(u);
        }
    };
    choose(0, 0, 0, 0);
    return best;
}

}  // namespace

TEST_CASE("stage-cut cover: a hand-made graph") {
    // 0 feeds 3; 1 and 2 are big sinks. Stage 2 holds 5 + 9 = 14 against a budget of 12: only
    // dropping node 0 over it (d_0 = 4) frees it.
    Graph g = testing::makeGraph({4, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    CoverResult r = solveStageCutCover(g, 12, std::vector<int>(4, 1));
    CHECK(r.exact);
    CHECK(r.bound == 4);
    CHECK(r.best == 4);
    CoverResult none = solveStageCutCover(g, 12, std::vector<int>(4, 0));
    CHECK(none.infeasible);
    CHECK_FALSE(none.best);
    // Nothing to free: the optimum is 0 at once.
    CoverResult free = solveStageCutCover(g, 100, std::vector<int>(4, 1));
    CHECK((free.exact && free.bound == 0 && free.nodes == 0));
}

TEST_CASE("stage-cut cover: the integer optimum equals enumeration of the covering program") {
    std::mt19937_64 rng(17);
    int compared = 0, infeasible = 0, limited = 0, workLimited = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        const int n = 5 + static_cast<int>(rng() % 6);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.35, .maxCost = 20}, seed + 4000);
        const int64_t budget = testing::randomBudget(g, rng);
        std::vector<int> maxDrops(n);
        for (int& d : maxDrops) d = static_cast<int>(rng() % 3);
        CAPTURE(seed);
        const auto expected = enumerateCover(g, budget, maxDrops);
        const CoverResult r = solveStageCutCover(g, budget, maxDrops);
        REQUIRE(r.exact != r.infeasible);
        CHECK(r.infeasible == !expected.has_value());
        if (!expected) {
            ++infeasible;
            continue;
        }
        CHECK(r.bound == *expected);
        CHECK(r.best == *expected);
        ++compared;
        // Stopped after one node with few steps: still a lower bound, and any cover found is one.
        CoverLimits tiny;
        tiny.maxNodes = 1;
        tiny.rootIterations = 3;
        const CoverResult cut = solveStageCutCover(g, budget, maxDrops, tiny);
        CHECK(cut.bound <= *expected);
        if (cut.best) CHECK(*cut.best >= *expected);
        limited += cut.exact ? 0 : 1;
        // Stopped by work: a bound too, and the same one on every run (no clock involved).
        CoverLimits work;
        work.maxWork = 40;
        work.seconds = 1e9;
        const CoverResult w1 = solveStageCutCover(g, budget, maxDrops, work), w2 = solveStageCutCover(g, budget, maxDrops, work);
        CHECK(w1.bound <= *expected);
        CHECK((w1.bound == w2.bound && w1.best == w2.best && w1.nodes == w2.nodes && w1.work == w2.work));
        workLimited += w1.exact ? 0 : 1;
    }
    MESSAGE("compared on " << compared << " programs, " << infeasible << " without a cover, " << limited
                           << " left open by the one-node limit, " << workLimited << " by the work limit");
    CHECK(compared > 150);
    CHECK(infeasible > 10);
    CHECK(workLimited > 10);
}

TEST_CASE("stage-cut cover: never above the exhaustive optimum of the schedule and often above the Lagrangian") {
    std::mt19937_64 rng(23);
    int compared = 0, stronger = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        const int n = 4 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.45, .maxCost = 30}, seed + 9000);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 1 + static_cast<int>(rng() % 3);
        CAPTURE(seed);
        const auto exact = testing::bruteForce(g, budget, copies);
        const CoverResult r = solveStageCutCover(g, budget, std::vector<int>(n, copies - 1));
        if (r.infeasible) {
            CHECK_FALSE(exact.optimum);  // a proof of infeasibility must be right
            continue;
        }
        if (!exact.optimum) continue;
        CHECK(g.baselineCost() + r.bound <= *exact.optimum);
        const int64_t lagrangian = rootLowerBound(Instance{g, budget, copies}, 200, *exact.optimum);
        CHECK(g.baselineCost() + r.bound >= lagrangian);
        stronger += g.baselineCost() + r.bound > lagrangian ? 1 : 0;
        ++compared;
    }
    MESSAGE("compared on " << compared << " instances, above the Lagrangian on " << stronger);
    CHECK(compared > 50);
    CHECK(stronger > 0);
}

TEST_CASE("stage-cut cover: solve reports infeasible where only the integer program proves it at the root") {
    // Budgets with no schedule where some stage could be covered on its own but no choice of
    // drops covers all stages at once: the integer program proves it, the per-stage check cannot.
    int found = 0;
    for (uint64_t seed = 0; seed < 3000 && found < 5; ++seed) {
        std::mt19937_64 rng(seed);
        const int n = 5 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.3}, seed + 20000);
        const int64_t budget = testing::randomBudget(g, rng);
        const std::vector<int> drops(n, 1);
        if (StageCutBound(g, budget).provesInfeasible(drops)) continue;
        if (!solveStageCutCover(g, budget, drops).infeasible) continue;
        CAPTURE(seed);
        ++found;
        CHECK_FALSE(testing::bruteForce(g, budget, 2).optimum);
        SolveOptions opt;
        opt.budget = budget;
        opt.copies = 2;
        opt.threads = 1;
        opt.timeLimitSeconds = 20;
        for (bool cover : {true, false}) {
            opt.exact.coverBound = cover;  // without it the tree search proves it
            for (std::string strategy : {"auto", "exact", "lns"}) {
                opt.strategy = strategy;
                CAPTURE(strategy);
                CAPTURE(cover);
                SolveOutcome out = solve(g, opt);
                // LNS alone proves nothing: without the program it can only say "unknown".
                CHECK(out.status == (cover || strategy != "lns" ? SolveStatus::Infeasible : SolveStatus::Unknown));
                CHECK_FALSE(out.solution);
            }
        }
    }
    CHECK(found >= 3);
}
