// Statistics: per-propagator calls, prunings, failures and time; engine-level fixpoint calls,
// propagations, bound changes, failures, backtracks and the deterministic work counter.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "solver/Engine.h"
#include "solver/LessEqualOffset.h"

using namespace moccasin::solver;

TEST_CASE("Solver stats: counts add up and are deterministic") {
    auto run = [](bool timing) {
        Engine e;
        e.setTiming(timing);
        std::vector<VarId> xs;
        for (int i = 0; i < 5; ++i) xs.push_back(e.addVar(0, 100));
        std::vector<LessEqualOffset*> props;
        for (int i = 0; i + 1 < 5; ++i) props.push_back(&e.addPropagator(std::make_unique<LessEqualOffset>(xs[i], xs[i + 1], 3)));
        REQUIRE(e.fixpoint());
        CHECK(e.lb(xs[4]) == 12);
        CHECK(e.ub(xs[0]) == 88);

        e.pushLevel();
        CHECK(e.setLb(xs[0], 10));  // a decision: counted by the engine, by no propagator
        REQUIRE(e.fixpoint());
        CHECK(e.lb(xs[4]) == 22);
        e.pushLevel();
        CHECK_FALSE(e.setUb(xs[4], 20));  // below lb 22: the decision itself fails
        CHECK_FALSE(e.fixpoint());
        e.popToLevel(0);

        const EngineStats& s = e.stats();
        uint64_t calls = 0, prunings = 0, failures = 0, time = 0;
        for (PropId p = 0; p < e.numPropagators(); ++p) {
            calls += e.propagator(p).stats().calls;
            prunings += e.propagator(p).stats().prunings;
            failures += e.propagator(p).stats().failures;
            time += e.propagator(p).stats().timeNs;
        }
        CHECK(s.fixpointCalls == 3);
        CHECK(s.propagations == calls);
        CHECK(s.boundChanges == prunings + 1);  // one decision changed a bound
        CHECK(s.failures == 1);
        CHECK(failures == 0);  // the failure was the decision's, not a propagator's
        CHECK(s.backtracks == 1);
        CHECK(s.work == s.propagations + s.boundChanges);
        if (!timing) CHECK(time == 0);
        e.addWork(1000);
        CHECK(e.stats().work == s.propagations + s.boundChanges + 1000);
        return std::vector<uint64_t>{s.propagations, s.boundChanges, s.work, calls, prunings};
    };
    CHECK(run(true) == run(false));
}
