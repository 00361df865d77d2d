#include <doctest/doctest.h>

#include <stdexcept>

#include "model/Budget.h"
#include "model/Peak.h"
#include "model/Schedule.h"
#include "model/Timeline.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;
using moccasin::testing::makeGraph;

TEST_CASE("budget: fractions, percentages and amounts parse exactly") {
    CHECK(Budget::parse("0.8").resolve(1000) == 800);
    CHECK(Budget::parse("80%").resolve(1000) == 800);
    CHECK(Budget::parse("0.3333").resolve(1000) == 334);  // ceil(333.3)
    CHECK(Budget::parse("0.9").resolve(46319) == 41688);  // ceil(41687.1)
    CHECK(Budget::parse("1.0").resolve(7) == 7);
    CHECK(Budget::parse("1.0").isFraction());
    CHECK(Budget::parse("12.5%").resolve(8) == 1);
    CHECK(Budget::parse("123456789").resolve(5) == 123456789);
    CHECK_FALSE(Budget::parse("123456789").isFraction());
    CHECK(Budget::parse("12GiB").resolve(0) == 12LL * 1024 * 1024 * 1024);
    CHECK(Budget::parse("900MB").resolve(0) == 900000000LL);
    CHECK(Budget::parse("1.5GB").resolve(0) == 1500000000LL);
    CHECK(Budget::parse("4 KiB").resolve(0) == 4096);
    CHECK(Budget::parse(" 0.5 ").resolve(10) == 5);
    // Exact arithmetic on peaks near 10^13: ceil(0.8 * 13484795520) = 10787836416.
    CHECK(Budget::parse("0.8").resolve(13484795520LL) == 10787836416LL);
}

TEST_CASE("budget: malformed budgets are rejected with a reason") {
    for (const char* bad : {"", "abc", "-1", "0.8.1", "12XB", "0%", "0.0", "%", "GiB", "1e5", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(Budget::parse(bad), std::invalid_argument);
    }
}

TEST_CASE("timeline: event <-> (stage, slot)") {
    CHECK(eventOf(0, 0) == 0);
    CHECK(eventOf(1, 0) == 1);
    CHECK(eventOf(1, 1) == 2);
    CHECK(eventOf(2, 0) == 3);
    for (int64_t s : {0LL, 1LL, 2LL, 7LL, 1000LL, 99999LL, 3000000LL})
        for (int64_t o : {int64_t{0}, s / 2, s}) {
            CAPTURE(s);
            CHECK(stageOfEvent(eventOf(s, o)) == s);
            CHECK(slotOfEvent(eventOf(s, o)) == o);
        }
    CHECK(numEvents(10000) == 50005000);
}

TEST_CASE("reference peak and budget limit on hand-made graphs") {
    // Chain a -> b -> c, sizes 1, 2, 3: memory 1, 3, 5.
    Graph chain = makeGraph({1, 1, 1}, {1, 2, 3}, {{0, 1}, {1, 2}});
    CHECK(referencePeak(chain) == 5);
    CHECK(budgetLowerLimit(chain) == 5);
    // Diamond a -> b, a -> c, b -> d, c -> d, sizes 4, 1, 2, 8: memory 4, 5, 7, 11.
    Graph diamond = makeGraph({1, 1, 1, 1}, {4, 1, 2, 8}, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
    CHECK(referencePeak(diamond) == 11);
    CHECK(budgetLowerLimit(diamond) == 11);
    CHECK(budgetLimitingNode(diamond) == 3);
    // A long-lived output: 0 feeds 3; 1, 2 are big sinks. Memory 5, 5+7, 5+9, 5+1.
    Graph longLived = makeGraph({1, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    CHECK(referencePeak(longLived) == 14);
    CHECK(budgetLowerLimit(longLived) == 12);
    // Sinks are freed right after they are made.
    Graph sinks = makeGraph({1, 1, 1}, {3, 4, 5}, {});
    CHECK(referencePeak(sinks) == 5);
}

TEST_CASE("materialize derives ends from last uses and evaluate sweeps them") {
    Graph longLived = makeGraph({1, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    StagedPlan plan = StagedPlan::noRecompute(4);
    plan.recomputeStages[0] = {3};  // drop node 0 after stage 1, recompute it at stage 3
    Schedule s = materialize(longLived, plan);
    REQUIRE(s.computations.size() == 5);
    CHECK(s.computations[0] == Computation{0, 0, 3});          // serves node 1 at event 2
    CHECK(s.computations[1] == Computation{1, 2, 3});
    CHECK(s.computations[2] == Computation{2, 5, 6});
    CHECK(s.computations[3] == Computation{0, eventOf(3, 0), eventOf(3, 3) + 1});
    CHECK(s.computations[4] == Computation{3, eventOf(3, 3), eventOf(3, 3) + 1});
    Evaluation ev = evaluate(longLived, s);
    CHECK(ev.cost == 5);
    CHECK(ev.peak == 12);
    // Invalid plans are refused.
    plan.recomputeStages[0] = {0};
    CHECK_THROWS(materialize(longLived, plan));
}
