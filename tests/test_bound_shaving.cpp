// Bound shaving (search/BoundShaving.h): the probe schedule, and the bounds the exact search
// proves with it against optima proven without it.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "search/BoundShaving.h"
#include "search/ExactSearch.h"
#include "search/Greedy.h"
#include "search/TreeSearch.h"
#include "solver/NogoodStore.h"
#include "model/Peak.h"
#include "tests/support/BruteForce.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

TEST_CASE("bound shaving: caps lie between the bound and the incumbent and follow the probes") {
    BoundShaver s;
    const uint64_t first = BoundShaver::kFirstFailLimit;
    // The first probe is the proof search: its cap is the incumbent's cost - 1.
    int64_t cap = s.next(100, 1100);
    CHECK(cap == 1099);
    CHECK(s.failLimit() == first);
    // Failures ran out: half as far above the bound, twice the failures.
    CHECK(s.lower(1099) == 100 + 499);
    CHECK(s.failLimit() == 2 * first);
    CHECK(s.lower(599) == 100 + 249);
    CHECK(s.failLimit() == 4 * first);
    // Exhausted after 5,000 failures: the next cap twice as far above the new bound, and room
    // for twice those failures.
    s.exhausted(5000);
    cap = s.next(350, 1100);
    CHECK(cap == 350 + 499);
    CHECK(s.failLimit() == 10000);
    // A cheap exhausted probe does not lower the limit; the cap never passes the incumbent's - 1.
    s.exhausted(10);
    cap = s.next(850, 1100);
    CHECK(cap == 1099);
    CHECK(s.failLimit() == 10000);
    // Lowering always lowers, down to the bound itself and never below it (a probe there still
    // raises the bound by one when it ends).
    for (int i = 0; i < 40; ++i) {
        const int64_t lowered = s.lower(cap);
        CHECK(lowered >= 850);
        CHECK((lowered < cap || cap == 850));
        cap = lowered;
    }
    CHECK(cap == 850);
    CHECK(s.statistics()["probes"] == 3);
    CHECK(s.statistics()["exhausted"] == 2);
    CHECK(s.statistics()["lowered"] == 42);
    // An exhausted probe proves cap + 1, or the optimum when it found a schedule below its cap.
    CHECK(BoundShaver::boundAfterExhausted(599, 1100) == 600);
    CHECK(BoundShaver::boundAfterExhausted(1099, 1100) == 1100);
    CHECK(BoundShaver::boundAfterExhausted(599, 420) == 420);
}

namespace {
// The layered graph the tree-search tests run on (its proof takes about 10^5 failures without
// shaving), with the greedy's plan as the incumbent.
struct HardInstance {
    Graph g = testing::layeredGraph(32, 1);
    Instance inst{g, referencePeak(g) * 80 / 100, 2};
    Deadline clock{std::nullopt};
    Incumbent incumbent{inst, clock};
    HardInstance() { REQUIRE(incumbent.offer(*bestGreedyPlan(inst).plan, "greedy")); }
};

// Lowers the cap once, to a given value, with room to finish the run.
class LowerOnce final : public CapLowering {
public:
    explicit LowerOnce(int64_t to) : to_(to) {}
    bool lower(int64_t& cap, uint64_t& failLimit) override {
        ++calls;
        if (calls > 1) return false;
        cap = to_;
        failLimit = UINT64_MAX;
        return true;
    }
    int calls = 0;

private:
    int64_t to_;
};
}  // namespace

TEST_CASE("tree search: a capped run whose failures run out goes on under the lowered cap") {
    HardInstance h;
    const Instance& inst = h.inst;
    Deadline& clock = h.clock;
    Incumbent& incumbent = h.incumbent;
    RematModel model(inst, ModelOptions{});
    REQUIRE(model.engine().fixpoint());
    const int64_t lowered = model.engine().lb(model.costVar());
    TreeSearch search(model, incumbent, 0);
    LowerOnce lowering(lowered);
    search.setCapLowering(&lowering);
    search.setCostCap(incumbent.cost() - 1);
    // 200 failures do not settle this instance (the proof takes about 10^5 without shaving).
    CHECK(search.run(200, clock, 0.0, "test") == TreeSearch::Outcome::Exhausted);
    CHECK(lowering.calls == 1);
    CHECK(search.failures() > 200);
    CHECK(search.costCap() == lowered);
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
                proof.windowBound = false;
                const ExactResult optimum = solveExact(inst, proof, warm);
                REQUIRE(optimum.provedOptimal);
                CAPTURE(n);
                CAPTURE(seed);
                CAPTURE(percent);
                for (uint64_t limit : {300, 3000, 30000}) {
                    CAPTURE(limit);
                    ExactOptions with;
                    with.failLimit = limit;
                    with.windowBound = false;  // its bound would hide what shaving proves
                    with.learning = false;     // so would learning, which proves these at once
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
    HardInstance h;
    const Instance& inst = h.inst;
    Deadline& clock = h.clock;
    Incumbent& incumbent = h.incumbent;
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

TEST_CASE("exact search: bounds shaved under small failure limits never pass the exhaustive optimum") {
    // Tiny graphs, no warm start, a failure limit that stops the search anywhere: after a probe
    // that exhausted its tree just below the optimum, or in the middle of one.
    std::mt19937_64 rng(97);
    int stopped = 0;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        Graph g = testing::randomDag({.nodes = 5 + static_cast<int>(seed % 4), .edgeProbability = 0.35}, seed + 3300);
        const int64_t budget = testing::randomBudget(g, rng);
        const auto exact = testing::bruteForce(g, budget, 2);
        if (!exact.optimum) continue;
        CAPTURE(seed);
        for (uint64_t limit = 1; limit <= 40; limit += 3) {
            CAPTURE(limit);
            ExactOptions opt;
            opt.failLimit = limit;
            opt.restartBase = 4;
            const ExactResult r = solveExact(Instance{g, budget, 2}, opt, std::nullopt);
            CHECK(r.lowerBound <= *exact.optimum);
            if (r.provedOptimal) CHECK(r.bestCost == *exact.optimum);
            stopped += !r.provedOptimal && r.statistics.contains("shaving");
        }
    }
    MESSAGE(stopped << " runs stopped while shaving");
    CHECK(stopped > 20);
}
