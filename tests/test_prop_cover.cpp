// Cover against brute force on tiny random instances: for every present copy j of v some present
// copy i of u has stage_ui <= stage_vj and S_vj < end_ui. The fixpoint keeps every solution,
// fails only without one, fails on fixed assignments exactly when they violate the constraint,
// and the incremental propagator reaches the reference fixpoint along random dives.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "model/Timeline.h"
#include "propagators/CopyOrder.h"
#include "propagators/Cover.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"
#include "tests/support/PropagatorHarness.h"

using moccasin::CopyOrder;
using moccasin::Cover;
using moccasin::eventOf;
using moccasin::StageTask;
using namespace moccasin::solver;
using namespace moccasin::testing;

namespace {

// ---------------------------------------------------------------------------------------------
// Cover: tasks [0, cu) are the copies of u, then the copies of each consumer node in turn.

struct Instance {
    std::vector<Spec> specs;
    int cu = 0;                   // copies of u
    std::vector<int> consumers;   // first task of each consumer node's copies
    int cv = 0;                   // copies per consumer node
    bool withCopyOrder = false;   // also post CopyOrder on u (and check it)
};

bool covered(const Assignment& a, const Instance& inst, int task) {
    const int64_t start = eventOf(a[task].stage, inst.specs[task].slot);
    for (int i = 0; i < inst.cu; ++i) {
        if (a[i].p == 1 && a[i].stage <= a[task].stage && start < a[i].end) return true;
    }
    return false;
}

bool holds(const Assignment& a, const Instance& inst) {
    for (int first : inst.consumers) {
        for (int j = 0; j < inst.cv; ++j) {
            if (a[first + j].p == 1 && !covered(a, inst, first + j)) return false;
        }
    }
    if (inst.withCopyOrder) {
        for (int i = 1; i < inst.cu; ++i) {
            if (a[i].p == 0) continue;
            if (a[i - 1].p == 0 || a[i - 1].end > eventOf(a[i].stage, inst.specs[i].slot) ||
                a[i - 1].stage >= a[i].stage) {
                return false;
            }
        }
    }
    return true;
}

// Node u in [0, 2], consumers in (u, kN - 2], each with its copies around a seed in which most
// consumer copies are covered; sometimes disturbed. With `fixed`, every domain is one value.
Instance randomInstance(std::mt19937_64& rng, int cu, int cv, int numConsumers, bool fixed) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    Instance inst;
    inst.cu = cu;
    inst.cv = cv;
    const int u = static_cast<int>(pick(0, 2));
    const auto uStages = seedStages(rng, u, cu);
    const int uPresent = static_cast<int>(pick(1, cu));
    std::vector<Val> seed;
    for (int i = 0; i < cu; ++i) {
        const int64_t start = eventOf(uStages[i], u);
        seed.push_back(Val{i < uPresent ? 1 : 0, uStages[i], std::min(kEvents, start + pick(1, 5))});
    }
    std::vector<int> slots(cu, u);
    for (int c = 0; c < numConsumers; ++c) {
        const int v = static_cast<int>(pick(u + 1, std::min(kN - 2, kN - cv)));  // room for cv - 1 later stages
        const auto vStages = seedStages(rng, v, cv);
        const int vPresent = static_cast<int>(pick(1, cv));
        inst.consumers.push_back(static_cast<int>(seed.size()));
        for (int j = 0; j < cv; ++j) {
            seed.push_back(Val{j < vPresent ? 1 : 0, vStages[j], kEvents});
            slots.push_back(v);
            if (j >= vPresent || pick(0, 5) == 0) continue;
            // Extend the latest present copy of u that starts before this consumer copy.
            int cover = 0;
            for (int i = 0; i < uPresent; ++i) {
                if (uStages[i] <= vStages[j]) cover = i;
            }
            seed[cover].end = std::max(seed[cover].end, std::min(kEvents, eventOf(vStages[j], v) + 1 + pick(0, 1)));
        }
    }
    for (size_t t = 0; t < seed.size(); ++t) {
        Spec s;
        s.slot = slots[t];
        const bool isU = static_cast<int>(t) < cu;
        const bool copy0 = isU ? t == 0 : std::find(inst.consumers.begin(), inst.consumers.end(), t) != inst.consumers.end();
        s.endFree = !isU;
        const int64_t stageLo = copy0 ? s.slot : s.slot + 1, stageHi = copy0 ? s.slot : kN - 1;
        if (fixed) {
            s.p = copy0 ? Bounds{1, 1} : Bounds{seed[t].p, seed[t].p};
            s.stage = Bounds{seed[t].stage, seed[t].stage};
        } else {
            s.p = copy0 ? Bounds{1, 1} : pick(0, 2) == 0 ? Bounds{seed[t].p, seed[t].p} : Bounds{0, 1};
            s.stage = around(rng, seed[t].stage, stageLo, stageHi, 1);
        }
        if (!isU) {
            s.end = Bounds{kEvents, kEvents};
        } else {
            s.end = fixed ? Bounds{seed[t].end, seed[t].end} : around(rng, seed[t].end, 1, kEvents, 2);
        }
        inst.specs.push_back(s);
    }
    maybeDisturb(rng, inst.specs, fixed);
    return inst;
}

PostFn postCover(const Instance& inst) {
    return [inst](Engine& e, const std::vector<StageTask>& ts) {
        const std::vector<StageTask> u(ts.begin(), ts.begin() + inst.cu);
        for (int first : inst.consumers) {
            const std::vector<StageTask> v(ts.begin() + first, ts.begin() + first + inst.cv);
            e.addPropagator(std::make_unique<Cover>(u, v));
        }
        if (inst.withCopyOrder) e.addPropagator(std::make_unique<CopyOrder>(u));
    };
}
CheckFn checkCover(const Instance& inst) {
    return [inst](const Assignment& a) { return holds(a, inst); };
}

}  // namespace

TEST_CASE("Cover: the fixpoint keeps every solution of random tiny instances") {
    std::mt19937_64 rng(21);
    Counts counts;
    for (int trial = 0; trial < 800; ++trial) {
        const int c = 1 + trial % 3;
        const Instance inst = randomInstance(rng, c, c, c == 3 ? 1 : 1 + trial % 2, false);
        CAPTURE(trial);
        checkRoot(inst.specs, postCover(inst), checkCover(inst), counts);
    }
    MESSAGE("cover: " << counts);
    CHECK(counts.feasible > 300);
    CHECK(counts.pruned > 100);
    CHECK(counts.failed > 10);
}

TEST_CASE("Cover: a fixed assignment fails exactly when it violates the constraint") {
    std::mt19937_64 rng(22);
    int violated = 0;
    for (int trial = 0; trial < 800; ++trial) {
        const int c = 1 + trial % 3;
        const Instance inst = randomInstance(rng, c, c, 1 + trial % 2, true);
        CAPTURE(trial);
        if (enumerate(inst.specs, checkCover(inst)).solutions == 0) ++violated;
        checkFixed(inst.specs, postCover(inst), checkCover(inst));
    }
    CHECK(violated > 50);
}

TEST_CASE("Cover: incremental and from-scratch fixpoints agree along random dives") {
    std::mt19937_64 rng(23);
    for (int trial = 0; trial < 300; ++trial) {
        const int c = 1 + trial % 3;
        Instance inst = randomInstance(rng, c, c, c == 3 ? 1 : 1 + trial % 2, false);
        inst.withCopyOrder = trial % 2 == 0;
        CAPTURE(trial);
        randomDive(rng, inst.specs, postCover(inst), checkCover(inst), 30, true);
    }
}

TEST_CASE("Cover: hand-made cases") {
    // u = 0 starts at eventOf(s, 0) = 0, 1, 3, 6, 10, 15 for s = 0 .. 5;
    // v = 2 starts at eventOf(s, 2) = 5, 8, 12, 17 for s = 2 .. 5.
    auto build = [](Engine& e, std::vector<Spec> specs, int cu) {
        for (size_t t = 0; t < specs.size(); ++t) specs[t].slot = static_cast<int>(t) < cu ? 0 : 2;
        const auto ts = addTasks(e, specs);
        e.addPropagator(std::make_unique<Cover>(std::vector<StageTask>(ts.begin(), ts.begin() + cu),
                                                std::vector<StageTask>(ts.begin() + cu, ts.end())));
        return ts;
    };
    const Spec v0{2, {1, 1}, {2, 2}, {21, 21}};
    SUBCASE("a single candidate must cover: its end is pushed past the consumer's start") {
        Engine e;
        const auto ts = build(e, {Spec{0, {1, 1}, {0, 0}, {3, 10}}, Spec{0, {0, 0}, {1, 5}, {1, 21}}, v0}, 2);
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[0].end) == 6);  // S_v0 = 5
        CHECK(e.ub(ts[0].end) == 10);
    }
    SUBCASE("two candidates: hull of the consumer's stage; one left: the producer copy is forced") {
        Engine e;
        const auto ts = build(e,
                              {Spec{0, {1, 1}, {0, 0}, {1, 9}}, Spec{0, {0, 1}, {4, 5}, {11, 13}}, v0,
                               Spec{2, {1, 1}, {3, 5}, {21, 21}}},
                              2);
        REQUIRE(e.fixpoint());
        // Copy 0 covers stage 3 (8 < 9), copy 1 covers stage 4 (12 < 13): stage 5 (17) is out.
        CHECK(e.lb(ts[3].stage) == 3);
        CHECK(e.ub(ts[3].stage) == 4);
        CHECK(e.lb(ts[0].end) == 6);  // v copy 0 (S = 5) has only copy 0 of u
        CHECK(e.lb(ts[1].presence) == 0);
        e.pushLevel();
        REQUIRE(e.setLb(ts[3].stage, 4));
        REQUIRE(e.fixpoint());
        CHECK(e.isTrue(ts[1].presence));
        CHECK(e.ub(ts[1].stage) == 4);
        CHECK(e.lb(ts[1].end) == 13);
        e.popToLevel(0);
        CHECK(e.lb(ts[1].presence) == 0);
    }
    SUBCASE("an undecided consumer copy with no candidate is absent; a present one fails") {
        Engine e;
        const auto ts = build(e, {Spec{0, {1, 1}, {0, 0}, {1, 9}}, Spec{0, {0, 0}, {1, 5}, {1, 21}}, v0,
                                  Spec{2, {0, 1}, {4, 5}, {21, 21}}},
                              2);
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(ts[3].presence));
        Engine f;
        build(f, {Spec{0, {1, 1}, {0, 0}, {1, 9}}, Spec{0, {0, 0}, {1, 5}, {1, 21}}, v0, Spec{2, {1, 1}, {4, 5}, {21, 21}}},
              2);
        CHECK_FALSE(f.fixpoint());
    }
    SUBCASE("a later producer copy cannot cover an earlier consumer start") {
        Engine e;
        // u copy 1 at stage >= 3 (start >= 6) cannot cover v copy 0 at start 5; copy 0 ends at 5.
        build(e, {Spec{0, {1, 1}, {0, 0}, {1, 5}}, Spec{0, {1, 1}, {3, 5}, {1, 21}}, v0}, 2);
        CHECK_FALSE(e.fixpoint());
    }
}
