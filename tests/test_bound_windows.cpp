// The stage-cut bound with drop windows (model/LowerBound.h) and the RecomputeBound propagator
// that derives them from copy ends and stages, against exhaustive enumeration restricted the same
// way: a bound above a restricted optimum, or a failure where a restricted plan exists, is a bug.
#include <doctest/doctest.h>

#include <random>

#include "model/LowerBound.h"
#include "model/Peak.h"
#include "model/Timeline.h"
#include "search/RematModel.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {
struct Restriction {
    std::vector<int64_t> firstEndMin;  // per node: copy 0 ends at or after this event
    std::vector<int> stageMax;         // per node: every recomputation at or before this stage
};

Restriction randomRestriction(const Graph& g, std::mt19937_64& rng) {
    const int n = g.numNodes();
    Restriction r{std::vector<int64_t>(n, 0), std::vector<int>(n, n - 1)};
    for (int u = 0; u < n; ++u) {
        if (rng() % 2 == 0) r.firstEndMin[u] = static_cast<int64_t>(rng() % static_cast<uint64_t>(numEvents(n) + 1));
        if (rng() % 2 == 0) r.stageMax[u] = u + 1 + static_cast<int>(rng() % static_cast<uint64_t>(n - u));
    }
    return r;
}

testing::BruteForceResult restrictedOptimum(const Graph& g, int64_t budget, int copies, const Restriction& r) {
    return testing::bruteForce(g, budget, copies, [&](const std::vector<std::vector<int>>& st) {
        std::vector<int64_t> ends = testing::bruteForceFirstEnds(g, st);
        for (int u = 0; u < g.numNodes(); ++u) {
            if (ends[u] < r.firstEndMin[u]) return false;
            for (int s : st[u])
                if (s > r.stageMax[u]) return false;
        }
        return true;
    });
}
}  // namespace

TEST_CASE("bound windows: the windowed stage-cut bound never exceeds the restricted optimum") {
    std::mt19937_64 rng(11);
    int compared = 0, proofs = 0, stronger = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        const int n = 4 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.45}, seed + 300);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 2 + static_cast<int>(rng() % 2);
        const Restriction r = randomRestriction(g, rng);
        CAPTURE(seed);
        // The windows the propagator derives from these restrictions.
        DropWindows w;
        for (int u = 0; u < n; ++u) {
            w.lo.push_back(r.firstEndMin[u] >= numEvents(n) ? n : static_cast<int>(stageOfEvent(r.firstEndMin[u])));
            w.hi.push_back(r.stageMax[u] - 1);
        }
        auto exact = restrictedOptimum(g, budget, copies, r);
        StageCutBound bound(g, budget);
        std::vector<int> paid(n, 0), free(n, copies - 1);
        if (bound.provesInfeasible(free, &w)) {
            CHECK_FALSE(exact.optimum);
            ++proofs;
            continue;
        }
        if (!exact.optimum) continue;
        const int64_t lb = g.baselineCost() + bound.improve(paid, free, 60, *exact.optimum - g.baselineCost(), &w);
        CHECK(lb <= *exact.optimum);
        StageCutBound plain(g, budget);
        if (lb > g.baselineCost() + plain.improve(paid, free, 60, *exact.optimum - g.baselineCost())) ++stronger;
        ++compared;
    }
    MESSAGE("compared on " << compared << ", stronger than without windows on " << stronger << ", " << proofs
                           << " infeasibility proofs");
    CHECK(compared > 100);
    CHECK(stronger > 0);  // the test can tell windows from no windows
}

TEST_CASE("bound windows: the model under copy-end and stage decisions never cuts off a restricted optimum") {
    std::mt19937_64 rng(12);
    int compared = 0, failures = 0;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        const int n = 4 + static_cast<int>(rng() % 3);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.45}, seed + 900);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 2;
        const Restriction r = randomRestriction(g, rng);
        CAPTURE(seed);
        Instance inst{g, budget, copies};
        for (bool windows : {true, false}) {
            ModelOptions mo;
            mo.boundWindows = windows;
            mo.boundIterations = 20;
            RematModel model(inst, mo);
            solver::Engine& e = model.engine();
            auto exact = restrictedOptimum(g, budget, copies, r);
            bool ok = e.fixpoint();
            e.pushLevel();
            for (int u = 0; ok && u < n; ++u) {
                ok = e.setLb(model.task(u, 0).end, std::max(r.firstEndMin[u], e.lb(model.task(u, 0).end)));
                for (int i = 1; ok && i < copies; ++i)
                    if (!e.isFalse(model.task(u, i).presence))
                        ok = stagetask::setUbIfPresent(e, model.task(u, i), model.task(u, i).stage, r.stageMax[u], nullptr);
            }
            ok = ok && e.fixpoint();
            CAPTURE(windows);
            if (!ok) {
                CHECK_FALSE(exact.optimum);  // a failure must mean no restricted plan exists
                ++failures;
            } else if (exact.optimum) {
                CHECK(e.lb(model.costVar()) <= *exact.optimum);
                ++compared;
            }
            e.popToLevel(0);
        }
    }
    MESSAGE("compared on " << compared << ", " << failures << " failures checked");
    CHECK(compared > 100);
    CHECK(failures > 10);
}
