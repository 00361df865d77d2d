// CopyOrder against brute force on tiny random instances: the fixpoint keeps every solution of
// the constraint (p_i => p_{i-1}, end_{i-1} <= S_i, stage_{i-1} < stage_i), fails only without
// one, fails on fixed assignments exactly when they violate it, and the incremental propagator
// reaches the same fixpoint as the reference one along random dives with backtracking.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "model/Timeline.h"
#include "propagators/CopyOrder.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"
#include "tests/support/PropagatorHarness.h"

using moccasin::CopyOrder;
using moccasin::eventOf;
using moccasin::StageTask;
using namespace moccasin::solver;
using namespace moccasin::testing;

namespace {

// ---------------------------------------------------------------------------------------------
// CopyOrder: tasks 0 .. C-1 are the copies of one node.

bool copyOrderHolds(const Assignment& a, int slot) {
    for (size_t i = 1; i < a.size(); ++i) {
        if (a[i].p == 0) continue;
        if (a[i - 1].p == 0) return false;
        if (a[i - 1].end > eventOf(a[i].stage, slot)) return false;
        if (a[i - 1].stage >= a[i].stage) return false;
    }
    return true;
}

struct Instance {
    std::vector<Spec> specs;
    int slot;
};

// A random node k with C copies around a seed that satisfies the constraint, sometimes disturbed.
// With `fixed`, every domain is a single value.
Instance randomInstance(std::mt19937_64& rng, int copies, bool fixed) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    const int k = static_cast<int>(pick(0, 2));
    const int present = static_cast<int>(pick(1, copies));
    // Seed: increasing stages for the present copies, ends between consecutive starts.
    const auto stages = seedStages(rng, k, copies);
    Instance inst;
    inst.slot = k;
    for (int i = 0; i < copies; ++i) {
        Spec s;
        s.slot = k;
        const bool isPresent = i < present;
        const int64_t start = eventOf(stages[i], k);
        const int64_t endHi = isPresent && i + 1 < present ? eventOf(stages[i + 1], k) : std::min(kEvents, start + 6);
        const int64_t end = pick(std::min(start + 1, endHi), endHi);
        const int64_t stageLo = i == 0 ? k : k + 1, stageHi = i == 0 ? k : kN - 1;
        if (fixed) {
            s.p = i == 0 ? Bounds{1, 1} : Bounds{isPresent, isPresent};
            s.stage = Bounds{stages[i], stages[i]};
            s.end = Bounds{end, end};
        } else {
            s.p = i == 0 ? Bounds{1, 1} : pick(0, 1) == 0 ? Bounds{isPresent, isPresent} : Bounds{0, 1};
            s.stage = around(rng, stages[i], stageLo, stageHi, 1);
            s.end = around(rng, end, 1, kEvents, 2);
        }
        inst.specs.push_back(s);
    }
    // Disturb one variable of one copy (the instance may become infeasible).
    maybeDisturb(rng, inst.specs, fixed);
    return inst;
}

PostFn postCopyOrder() {
    return [](Engine& e, const std::vector<StageTask>& ts) { e.addPropagator(std::make_unique<CopyOrder>(ts)); };
}
CheckFn checkCopyOrder(int slot) {
    return [slot](const Assignment& a) { return copyOrderHolds(a, slot); };
}

}  // namespace

TEST_CASE("Copy order: the fixpoint keeps every solution of random tiny instances") {
    std::mt19937_64 rng(11);
    Counts counts;
    for (int trial = 0; trial < 600; ++trial) {
        const int copies = trial % 10 == 0 ? 4 : 2 + trial % 2;
        const Instance inst = randomInstance(rng, copies, false);
        CAPTURE(trial);
        checkRoot(inst.specs, postCopyOrder(), checkCopyOrder(inst.slot), counts);
    }
    MESSAGE("copy order: " << counts);
    CHECK(counts.feasible > 200);
    CHECK(counts.pruned > 100);
    CHECK(counts.failed > 10);
}

TEST_CASE("Copy order: a fixed assignment fails exactly when it violates the constraint") {
    std::mt19937_64 rng(12);
    for (int trial = 0; trial < 600; ++trial) {
        const Instance inst = randomInstance(rng, 2 + trial % 3, true);
        CAPTURE(trial);
        checkFixed(inst.specs, postCopyOrder(), checkCopyOrder(inst.slot));
    }
}

TEST_CASE("Copy order: incremental and from-scratch fixpoints agree along random dives") {
    std::mt19937_64 rng(13);
    for (int trial = 0; trial < 200; ++trial) {
        const Instance inst = randomInstance(rng, 2 + trial % 3, false);
        CAPTURE(trial);
        randomDive(rng, inst.specs, postCopyOrder(), checkCopyOrder(inst.slot), 30, true);
    }
}

TEST_CASE("Copy order: hand-made cases") {
    // Node 1 on the timeline: stage s starts at eventOf(s, 1) = 2, 4, 7, 11 for s = 1 .. 4.
    auto build = [](Engine& e, std::vector<Spec> specs) {
        for (Spec& s : specs) s.slot = 1;
        const auto ts = addTasks(e, specs);
        e.addPropagator(std::make_unique<CopyOrder>(ts));
        return ts;
    };
    SUBCASE("a present copy starts after the previous end and bounds it") {
        Engine e;
        const auto ts = build(e, {Spec{1, {1, 1}, {1, 1}, {5, 15}}, Spec{1, {1, 1}, {2, 4}, {8, 21}}});
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[1].stage) == 3);   // S_1 >= 5: stage 2 starts at 4, stage 3 at 7
        CHECK(e.ub(ts[0].end) == 11);    // end_0 <= S_1.max = eventOf(4, 1)
        CHECK(e.lb(ts[0].end) == 5);
    }
    SUBCASE("an undecided copy that cannot start after the previous end is absent, and so are later ones") {
        Engine e;
        const auto ts = build(e, {Spec{1, {1, 1}, {1, 1}, {12, 15}}, Spec{1, {0, 1}, {2, 4}, {8, 21}},
                                  Spec{1, {0, 1}, {3, 4}, {8, 21}}});
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(ts[1].presence));
        CHECK(e.isFalse(ts[2].presence));
        CHECK(e.ub(ts[0].end) == 15);  // not bounded by an absent copy
    }
    SUBCASE("a present copy makes the earlier ones present; stages are strictly increasing") {
        Engine e;
        const auto ts = build(e, {Spec{1, {1, 1}, {1, 1}, {3, 21}}, Spec{1, {0, 1}, {2, 4}, {3, 21}},
                                  Spec{1, {1, 1}, {2, 4}, {3, 21}}});
        REQUIRE(e.fixpoint());
        CHECK(e.isTrue(ts[1].presence));
        CHECK(e.lb(ts[2].stage) == 3);
        CHECK(e.ub(ts[1].stage) == 3);
        CHECK(e.ub(ts[1].end) == 11);
        CHECK(e.ub(ts[0].end) == 7);  // <= S_1.max = eventOf(3, 1)
    }
    SUBCASE("an absent copy makes the later ones absent; a present one after it fails") {
        Engine e;
        const auto ts = build(e, {Spec{1, {1, 1}, {1, 1}, {3, 21}}, Spec{1, {0, 0}, {2, 4}, {3, 21}},
                                  Spec{1, {0, 1}, {2, 4}, {3, 21}}});
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(ts[2].presence));
        Engine f;
        build(f, {Spec{1, {1, 1}, {1, 1}, {3, 21}}, Spec{1, {0, 0}, {2, 4}, {3, 21}}, Spec{1, {1, 1}, {2, 4}, {3, 21}}});
        CHECK_FALSE(f.fixpoint());
    }
    SUBCASE("the previous end cannot fit before a present copy: failure") {
        Engine e;
        build(e, {Spec{1, {1, 1}, {1, 1}, {12, 15}}, Spec{1, {1, 1}, {2, 4}, {12, 21}}});
        CHECK_FALSE(e.fixpoint());
    }
}
