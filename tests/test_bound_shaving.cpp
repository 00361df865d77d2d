// Bound shaving (search/BoundShaving.h): the probe schedule, and the bounds the exact search
// proves with it against optima proven without it.
#include <doctest/doctest.h>

#include <memory>

#include "search/BoundShaving.h"
#include "search/ExactSearch.h"
#include "search/Greedy.h"
#include "search/TreeSearch.h"
#include "solver/NogoodStore.h"
#include "model/Peak.h"
#include "tests/support/LayeredGraph.h"

using namespace moccasin;

TEST_CASE("bound shaving: caps lie between the bound and the incumbent and follow the probes") {
    BoundShaver s;
    // The first step is 1/64 of the way from the bound to the incumbent's cost - 1.
    BoundShaver::Probe p = s.next(100, 1100);
    CHECK(p.capped);
    CHECK(p.cap == 100 + 999 / 64);
    CHECK(p.failLimit == BoundShaver::kFirstFailLimit);
    // Stopped: half the step, twice the failures.
    s.stopped();
    p = s.next(100, 1100);
    CHECK(p.cap == 100 + 7);
    CHECK(p.failLimit == 2 * BoundShaver::kFirstFailLimit);
    // Exhausted after 5,000 failures: twice the step, and room for twice those failures.
    s.exhausted(5000);
    p = s.next(108, 1100);
    CHECK(p.cap == 108 + 15);
    CHECK(p.failLimit == 10000);
    // A cheap exhausted probe does not lower the limit.
    s.exhausted(10);
    CHECK(s.next(124, 1100).failLimit == 10000);
    // The step never falls below 1: the cap stays above the bound, so an exhausted probe raises it.
    for (int i = 0; i < 40; ++i) s.stopped();
    p = s.next(500, 1100);
    CHECK(p.cap == 501);
    CHECK(p.capped);
    // Steps grow until the cap is the incumbent's cost - 1: that probe is the proof search.
    for (int i = 0; i < 20; ++i) s.exhausted(1);
    p = s.next(500, 1100);
    CHECK(p.cap == 1099);
    CHECK_FALSE(p.capped);
    // No gap left: the proof search.
    p = s.next(1099, 1100);
    CHECK(p.cap == 1099);
    CHECK_FALSE(p.capped);
    CHECK(s.statistics()["probes"] == 63);
}

TEST_CASE("exact search: bounds shaved under failure limits never pass the optimum and rise above those without shaving") {
    // Layered graphs whose proof takes from one to 10^5 failures without shaving; the optimum is
    // proven by the search without shaving and no limit.
    int compared = 0, raised = 0, provedOnlyShaved = 0;
    for (int n : {20, 26, 32})
        for (uint64_t seed = 1; seed <= 4; ++seed)
            for (int percent : {80, 88}) {
                Graph g = testing::layeredGraph(n, seed);
                const Instance inst{g, referencePeak(g) * percent / 100, 2};
                const std::optional<StagedPlan> warm = bestGreedyPlan(inst).plan;
                if (!warm) continue;
                ExactOptions proof;
                proof.shaving = false;
                const ExactResult optimum = solveExact(inst, proof, warm);
                REQUIRE(optimum.provedOptimal);
                CAPTURE(n);
                CAPTURE(seed);
                CAPTURE(percent);
                for (uint64_t limit : {300, 3000, 30000}) {
                    CAPTURE(limit);
                    ExactOptions with;
                    with.failLimit = limit;
                    ExactOptions without = with;
                    without.shaving = false;
                    const ExactResult a = solveExact(inst, with, warm);
                    const ExactResult b = solveExact(inst, without, warm);
                    CHECK(a.lowerBound <= optimum.bestCost);
                    CHECK(a.bestCost >= optimum.bestCost);
                    if (a.provedOptimal) {
                        CHECK(a.bestCost == optimum.bestCost);
                        CHECK(a.lowerBound == optimum.bestCost);
                        provedOnlyShaved += !b.provedOptimal;
                    }
                    ++compared;
                    raised += a.lowerBound > b.lowerBound;
                }
            }
    MESSAGE(compared << " runs: the shaved bound is higher in " << raised << ", proven only with shaving in " << provedOnlyShaved);
    CHECK(compared > 40);
    CHECK(raised >= 5);
}

TEST_CASE("tree search: a run under a cost cap records no nogoods and one without a cap does") {
    // A nogood learnt under a cap holds only for that cap: a later probe with a higher cap
    // would lose schedules to it.
    Graph g = testing::layeredGraph(32, 1);
    const Instance inst{g, referencePeak(g) * 80 / 100, 2};
    Deadline clock(std::nullopt);
    Incumbent incumbent(inst, clock);
    REQUIRE(incumbent.offer(*bestGreedyPlan(inst).plan, "greedy"));
    for (bool capped : {true, false}) {
        CAPTURE(capped);
        RematModel model(inst, ModelOptions{});
        REQUIRE(model.engine().fixpoint());
        solver::NogoodStore& store = model.engine().addPropagator(std::make_unique<solver::NogoodStore>());
        TreeSearch search(model, incumbent, 0);
        search.setNogoodStore(&store, NogoodLimits{});
        if (capped) search.setCostCap(incumbent.cost() - 2);
        REQUIRE(search.run(200, clock, 0.0, "test") == TreeSearch::Outcome::FailLimit);
        CHECK((search.nogoodsRecorded() > 0) == !capped);
    }
}
