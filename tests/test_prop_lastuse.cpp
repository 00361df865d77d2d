// LastUse against brute force on tiny random instances: every present copy i of u ends at
// max(S_ui + 1, 1 + the latest start it serves). The fixpoint keeps every solution, fails only
// without one, fails on fixed assignments exactly when they violate the constraint, and the
// incremental propagator reaches the reference fixpoint along random dives. Last, the three
// propagators of docs/model.md (CopyOrder, Cover, LastUse) together on tiny DAGs against an exact
// enumeration of the model's stage plans.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model/Timeline.h"
#include "propagators/CopyOrder.h"
#include "propagators/Cover.h"
#include "propagators/LastUse.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"
#include "tests/support/PropagatorHarness.h"

using moccasin::CopyOrder;
using moccasin::Cover;
using moccasin::eventOf;
using moccasin::LastUse;
using moccasin::StageTask;
using namespace moccasin::solver;
using namespace moccasin::testing;

namespace {

// ---------------------------------------------------------------------------------------------
// LastUse: tasks [0, cu) are the copies of u, the others are consumer copies (their ends free).

struct Instance {
    std::vector<Spec> specs;
    int cu = 0;
};

// The end the constraint asks of present copy i, given every presence and stage.
int64_t lastUseEnd(const Assignment& a, const std::vector<Spec>& specs, int cu, int i) {
    const int u = specs[i].slot;
    int64_t end = eventOf(a[i].stage, u) + 1;
    for (size_t k = cu; k < a.size(); ++k) {
        if (a[k].p == 0 || a[i].stage > a[k].stage) continue;
        if (i + 1 < cu && a[i + 1].p == 1 && a[k].stage >= a[i + 1].stage) continue;
        end = std::max(end, eventOf(a[k].stage, specs[k].slot) + 1);
    }
    return end;
}

bool holds(const Assignment& a, const Instance& inst) {
    for (int i = 0; i < inst.cu; ++i) {
        if (a[i].p == 1 && a[i].end != lastUseEnd(a, inst.specs, inst.cu, i)) return false;
    }
    return true;
}

// Node u in [0, 2] with cu copies, consumer nodes in (u, kN - 2] with cv copies each; a seed with
// ends set by the formula, domains around it, sometimes one variable disturbed.
Instance randomInstance(std::mt19937_64& rng, int cu, int cv, int numConsumers, bool fixed) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    Instance inst;
    inst.cu = cu;
    const int u = static_cast<int>(pick(0, 2));
    Assignment seed;
    const auto uStages = seedStages(rng, u, cu);
    const int uPresent = static_cast<int>(pick(1, cu));
    for (int i = 0; i < cu; ++i) {
        seed.push_back(Val{i < uPresent ? 1 : 0, uStages[i], 0});
        Spec s;
        s.slot = u;
        inst.specs.push_back(s);
    }
    for (int c = 0; c < numConsumers; ++c) {
        const int v = static_cast<int>(pick(u + 1, std::min(kN - 2, kN - cv)));  // room for cv - 1 later stages
        const auto vStages = seedStages(rng, v, cv);
        const int vPresent = static_cast<int>(pick(1, cv));
        for (int j = 0; j < cv; ++j) {
            seed.push_back(Val{j < vPresent ? 1 : 0, vStages[j], kEvents});
            Spec s;
            s.slot = v;
            s.endFree = true;
            inst.specs.push_back(s);
        }
    }
    for (int i = 0; i < cu; ++i) {
        seed[i].end = seed[i].p == 1 ? lastUseEnd(seed, inst.specs, cu, i) : pick(1, kEvents);
    }
    for (size_t t = 0; t < seed.size(); ++t) {
        Spec& s = inst.specs[t];
        const bool copy0 = t == 0 || (t >= static_cast<size_t>(cu) && (t - cu) % cv == 0);
        const int64_t stageLo = copy0 ? s.slot : s.slot + 1, stageHi = copy0 ? s.slot : kN - 1;
        if (fixed) {
            s.p = copy0 ? Bounds{1, 1} : Bounds{seed[t].p, seed[t].p};
            s.stage = Bounds{seed[t].stage, seed[t].stage};
            s.end = Bounds{seed[t].end, seed[t].end};
        } else {
            s.p = copy0 ? Bounds{1, 1} : pick(0, 2) == 0 ? Bounds{seed[t].p, seed[t].p} : Bounds{0, 1};
            s.stage = around(rng, seed[t].stage, stageLo, stageHi, 1);
            s.end = s.endFree ? Bounds{kEvents, kEvents} : around(rng, seed[t].end, 1, kEvents, 2);
        }
    }
    maybeDisturb(rng, inst.specs, fixed);
    return inst;
}

PostFn postLastUse(const Instance& inst) {
    return [inst](Engine& e, const std::vector<StageTask>& ts) {
        e.addPropagator(std::make_unique<LastUse>(std::vector<StageTask>(ts.begin(), ts.begin() + inst.cu),
                                                  std::vector<StageTask>(ts.begin() + inst.cu, ts.end())));
    };
}
CheckFn checkLastUse(const Instance& inst) {
    return [inst](const Assignment& a) { return holds(a, inst); };
}

// Shapes: (copies of u, copies per consumer, consumer nodes), small enough to enumerate.
struct Shape {
    int cu, cv, consumers;
};
constexpr Shape kShapes[] = {{1, 1, 1}, {1, 2, 2}, {2, 2, 1}, {2, 2, 2}, {2, 1, 3}, {3, 2, 1}, {3, 3, 1}};

// ---------------------------------------------------------------------------------------------
// The model on a tiny DAG: nodes 0 .. kM-1, copies 0 .. kC-1, task k * kC + i. LastUse fixes the
// end of every present copy once presences and stages are fixed, so the model's solutions are
// enumerated over presences and stages alone, with each end computed by the formula.

constexpr int kM = 5;                                  // nodes
constexpr int kC = 3;                                  // copies per node
const int64_t kModelEvents = moccasin::numEvents(kM);  // 15

struct Dag {
    std::vector<std::vector<int>> succ;
};

Dag randomDag(std::mt19937_64& rng) {
    Dag g;
    g.succ.resize(kM);
    for (int a = 0; a < kM; ++a) {
        for (int b = a + 1; b < kM; ++b) {
            if (std::uniform_int_distribution<int>(0, 9)(rng) < 4) g.succ[a].push_back(b);
        }
    }
    return g;
}

std::vector<Spec> modelSpecs() {
    std::vector<Spec> specs;
    for (int k = 0; k < kM; ++k) {
        for (int i = 0; i < kC; ++i) {
            Spec s;
            s.slot = k;
            const bool none = i > 0 && k == kM - 1;  // the last node has no room for copies
            s.p = i == 0 ? Bounds{1, 1} : none ? Bounds{0, 0} : Bounds{0, 1};
            s.stage = i == 0 || none ? Bounds{k, k} : Bounds{k + 1, kM - 1};
            s.end = Bounds{eventOf(s.stage.lb, k) + 1, kModelEvents};
            specs.push_back(s);
        }
    }
    return specs;
}

void postModel(Engine& e, const std::vector<StageTask>& ts, const Dag& g) {
    auto copiesOf = [&](int k) { return std::vector<StageTask>(ts.begin() + k * kC, ts.begin() + (k + 1) * kC); };
    for (int k = 0; k < kM; ++k) {
        e.addPropagator(std::make_unique<CopyOrder>(copiesOf(k)));
        std::vector<StageTask> consumers;
        for (int v : g.succ[k]) {
            e.addPropagator(std::make_unique<Cover>(copiesOf(k), copiesOf(v)));
            const auto cv = copiesOf(v);
            consumers.insert(consumers.end(), cv.begin(), cv.end());
        }
        e.addPropagator(std::make_unique<LastUse>(copiesOf(k), consumers));
    }
}

// Ends of a plan (presences and stages set in `a`): the LastUse formula for present copies.
void setEnds(Assignment& a, const std::vector<Spec>& specs, const Dag& g) {
    for (int k = 0; k < kM; ++k) {
        for (int i = 0; i < kC; ++i) {
            Val& x = a[k * kC + i];
            if (x.p == 0) continue;
            x.end = eventOf(x.stage, k) + 1;
            for (int v : g.succ[k]) {
                for (int j = 0; j < kC; ++j) {
                    const Val& y = a[v * kC + j];
                    if (y.p == 0 || x.stage > y.stage) continue;
                    if (i + 1 < kC && a[k * kC + i + 1].p == 1 && y.stage >= a[k * kC + i + 1].stage) continue;
                    x.end = std::max(x.end, eventOf(y.stage, specs[v * kC + j].slot) + 1);
                }
            }
        }
    }
}

bool modelHolds(const Assignment& a, const std::vector<Spec>& specs, const Dag& g) {
    for (size_t t = 0; t < a.size(); ++t) {
        if (a[t].p == 1 && (a[t].end < specs[t].end.lb || a[t].end > specs[t].end.ub)) return false;
    }
    for (int k = 0; k < kM; ++k) {
        for (int i = 1; i < kC; ++i) {  // copy order
            const Val& x = a[k * kC + i - 1];
            const Val& y = a[k * kC + i];
            if (y.p == 1 && (x.p == 0 || x.end > eventOf(y.stage, k) || x.stage >= y.stage)) return false;
        }
        for (int v : g.succ[k]) {  // cover
            for (int j = 0; j < kC; ++j) {
                const Val& y = a[v * kC + j];
                if (y.p == 0) continue;
                bool ok = false;
                for (int i = 0; i < kC && !ok; ++i) {
                    const Val& x = a[k * kC + i];
                    ok = x.p == 1 && x.stage <= y.stage && eventOf(y.stage, v) < x.end;
                }
                if (!ok) return false;
            }
        }
    }
    return true;
}

// Plans over presences and stages; the ends come from the formula (no spec here has a free end).
Oracle enumerateModel(const std::vector<Spec>& specs, const Dag& g) {
    Oracle o;
    o.task.resize(specs.size());
    forEachAssignment(specs, false, [&](Assignment& a) {
        setEnds(a, specs, g);
        if (modelHolds(a, specs, g)) addSolution(o, specs, a);
    });
    return o;
}

}  // namespace

TEST_CASE("Last use: the fixpoint keeps every solution of random tiny instances") {
    std::mt19937_64 rng(31);
    Counts counts;
    for (int trial = 0; trial < 700; ++trial) {
        const Shape& sh = kShapes[trial % std::size(kShapes)];
        const Instance inst = randomInstance(rng, sh.cu, sh.cv, sh.consumers, false);
        CAPTURE(trial);
        checkRoot(inst.specs, postLastUse(inst), checkLastUse(inst), counts);
    }
    MESSAGE("last use: " << counts);
    CHECK(counts.feasible > 300);
    CHECK(counts.pruned > 300);
    CHECK(counts.failed > 10);
}

TEST_CASE("Last use: a fixed assignment fails exactly when it violates the constraint") {
    std::mt19937_64 rng(32);
    int violated = 0;
    for (int trial = 0; trial < 700; ++trial) {
        const Shape& sh = kShapes[trial % std::size(kShapes)];
        const Instance inst = randomInstance(rng, sh.cu, sh.cv, sh.consumers, true);
        CAPTURE(trial);
        if (enumerate(inst.specs, checkLastUse(inst)).solutions == 0) ++violated;
        checkFixed(inst.specs, postLastUse(inst), checkLastUse(inst));
    }
    CHECK(violated > 50);
}

TEST_CASE("Last use: incremental and from-scratch fixpoints agree along random dives") {
    std::mt19937_64 rng(33);
    for (int trial = 0; trial < 300; ++trial) {
        const Shape& sh = kShapes[trial % std::size(kShapes)];
        const Instance inst = randomInstance(rng, sh.cu, sh.cv, sh.consumers, false);
        CAPTURE(trial);
        randomDive(rng, inst.specs, postLastUse(inst), checkLastUse(inst), 30, sh.cu * sh.cv * sh.consumers <= 6);
    }
}

TEST_CASE("Last use: hand-made cases") {
    // u = 0 starts at 0, 1, 3, 6, 10, 15 (stages 0 .. 5); v = 2 at 5, 8, 12, 17 (stages 2 .. 5).
    auto build = [](Engine& e, std::vector<Spec> specs, int cu) {
        for (size_t t = 0; t < specs.size(); ++t) {
            specs[t].slot = static_cast<int>(t) < cu ? 0 : 2;
            specs[t].endFree = static_cast<int>(t) >= cu;
        }
        const auto ts = addTasks(e, specs);
        e.addPropagator(std::make_unique<LastUse>(std::vector<StageTask>(ts.begin(), ts.begin() + cu),
                                                  std::vector<StageTask>(ts.begin() + cu, ts.end())));
        return ts;
    };
    const Spec v0{2, {1, 1}, {2, 2}, {21, 21}};
    SUBCASE("one copy: from the surely served start to the latest possibly served one") {
        Engine e;
        const auto ts = build(e, {Spec{0, {1, 1}, {0, 0}, {1, 21}}, v0, Spec{2, {0, 1}, {3, 5}, {21, 21}}}, 1);
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[0].end) == 6);
        CHECK(e.ub(ts[0].end) == 18);
        e.pushLevel();
        REQUIRE(e.setUb(ts[2].presence, 0));
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[0].end) == 6);
        CHECK(e.ub(ts[0].end) == 6);
        e.popToLevel(0);
        e.pushLevel();
        REQUIRE(e.setUb(ts[2].stage, 4));  // the support (stage 5) goes: the bound drops to 13
        REQUIRE(e.fixpoint());
        CHECK(e.ub(ts[0].end) == 13);
        e.popToLevel(0);
        CHECK(e.ub(ts[0].end) == 18);
    }
    SUBCASE("a present later copy takes over the consumers from its stage on") {
        Engine e;
        const auto ts = build(e,
                              {Spec{0, {1, 1}, {0, 0}, {1, 21}}, Spec{0, {1, 1}, {3, 3}, {1, 21}}, v0,
                               Spec{2, {1, 1}, {3, 5}, {21, 21}}},
                              2);
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[0].end) == 6);
        CHECK(e.ub(ts[0].end) == 6);
        CHECK(e.lb(ts[1].end) == 9);
        CHECK(e.ub(ts[1].end) == 18);
    }
    SUBCASE("an undecided copy whose end cannot reach its surely served consumer is absent") {
        Engine e;
        const auto ts = build(e,
                              {Spec{0, {1, 1}, {0, 0}, {1, 21}}, Spec{0, {0, 1}, {3, 3}, {1, 7}}, v0,
                               Spec{2, {1, 1}, {3, 5}, {21, 21}}},
                              2);
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(ts[1].presence));
        CHECK(e.lb(ts[0].end) == 9);  // copy 0 now serves the consumer copy at stage >= 3
        CHECK(e.ub(ts[0].end) == 18);
    }
    SUBCASE("the start is bounded by the end") {
        Engine e;
        const auto ts = build(e, {Spec{0, {1, 1}, {0, 0}, {1, 21}}, Spec{0, {0, 1}, {2, 5}, {1, 10}}}, 2);
        REQUIRE(e.fixpoint());
        CHECK(e.ub(ts[1].stage) == 3);  // S <= 9: stage 4 starts at 10
        CHECK(e.lb(ts[1].end) == 4);    // >= S.min + 1 = 3 + 1
        CHECK(e.ub(ts[1].end) == 7);    // serves nobody: end = S + 1 <= 6 + 1
        CHECK(e.ub(ts[0].end) == 1);    // copy 0 serves nobody either
    }
    SUBCASE("a present consumer that no later copy can take bounds the end below, served or not") {
        Engine e;
        // Copy 1 at stage 2 (S = 3) serves v at stage 2 (S = 5): end >= 6; at stage 3 or 4 it
        // starts after v and ends at S + 1 >= 7. Either way end >= 6.
        const auto ts = build(e, {Spec{0, {1, 1}, {0, 0}, {1, 21}}, Spec{0, {1, 1}, {2, 4}, {1, 21}}, v0}, 2);
        REQUIRE(e.fixpoint());
        CHECK(e.lb(ts[1].end) == 6);
        CHECK(e.ub(ts[1].end) == 11);  // S.max + 1 = 10 + 1
        CHECK(e.ub(ts[0].end) == 6);   // copy 0 may serve v (if copy 1 is at stage 3 or 4)
        CHECK(e.lb(ts[0].end) == 1);
    }
    SUBCASE("fixed values: a wrong end fails") {
        Engine e;
        build(e, {Spec{0, {1, 1}, {0, 0}, {7, 7}}, v0, Spec{2, {1, 1}, {3, 3}, {21, 21}}}, 1);
        CHECK_FALSE(e.fixpoint());  // must be 9
        Engine f;
        const auto ts = build(f, {Spec{0, {1, 1}, {0, 0}, {9, 9}}, v0, Spec{2, {1, 1}, {3, 3}, {21, 21}}}, 1);
        CHECK(f.fixpoint());
    }
}

TEST_CASE("Last use: with copy order and cover, the model keeps every plan and fixes ends on fixed plans") {
    std::mt19937_64 rng(34);
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    int solved = 0, plans = 0;
    for (int trial = 0; trial < 30; ++trial) {
        const Dag g = randomDag(rng);
        const PostFn post = [g](Engine& e, const std::vector<StageTask>& ts) { postModel(e, ts, g); };
        const auto specs = modelSpecs();
        Engine a;
        const auto ta = addTasks(a, specs);
        post(a, ta);
        CAPTURE(trial);
        {
            const bool ok = a.fixpoint();
            const std::string err = soundnessError(a, ok, ta, enumerateModel(specs, g));
            CHECK_MESSAGE(err.empty(), err);
            compareWithReference(a, ta, ok, specs, post);
            if (!ok) continue;
        }
        // Random dives over presences, stages and end bounds, with backtracking.
        for (int step = 0; step < 40; ++step) {
            if (a.level() > 0 && pick(0, 4) == 0) {
                a.popToLevel(static_cast<int32_t>(pick(0, a.level() - 1)));
                continue;
            }
            const StageTask& t = ta[pick(0, static_cast<int64_t>(ta.size()) - 1)];
            const int which = static_cast<int>(pick(0, 3));
            const VarId x = which == 0 ? t.presence : which == 3 ? t.end : t.stage;
            if (a.isFixed(x)) continue;
            a.pushLevel();
            const int64_t v = pick(a.lb(x), a.ub(x));
            REQUIRE((which == 0 ? a.fix(x, v) : pick(0, 1) == 0 ? a.setLb(x, v) : a.setUb(x, v)));
            const auto before = domainsOf(a, ta, specs);
            const bool ok = a.fixpoint();
            const std::string err = soundnessError(a, ok, ta, enumerateModel(before, g));
            CHECK_MESSAGE(err.empty(), err << show(before));
            compareWithReference(a, ta, ok, before, post);
            if (!ok) a.popToLevel(a.level() - 1);
        }
        // Fixed plans: the fixpoint succeeds exactly for valid plans and then fixes every end.
        for (int rep = 0; rep < 20; ++rep) {
            // Random presences and stages; a few end domains narrowed around the formula's end,
            // so that some plans are invalid.
            auto fixedSpecs = specs;
            Assignment plan(specs.size());
            const bool ordered = pick(0, 3) > 0;  // mostly plans that respect copy order
            for (size_t i = 0; i < specs.size(); ++i) {
                Spec& s = fixedSpecs[i];
                int64_t p = pick(s.p.lb, s.p.ub), st = pick(s.stage.lb, s.stage.ub);
                if (ordered && i % kC > 0) {
                    const Val& prev = plan[i - 1];
                    if (prev.p == 0 || prev.stage >= s.stage.ub) p = 0;
                    if (p == 1) st = pick(std::max(s.stage.lb, prev.stage + 1), s.stage.ub);
                }
                s.p = Bounds{p, p};
                s.stage = Bounds{st, st};
                plan[i] = Val{p, st, kPoison};
            }
            setEnds(plan, specs, g);
            for (size_t i = 0; i < specs.size(); ++i) {
                if (plan[i].p == 1 && pick(0, 7) == 0) {
                    fixedSpecs[i].end = around(rng, plan[i].end + pick(-2, 2), 1, kModelEvents, 1);
                }
            }
            const bool valid = modelHolds(plan, fixedSpecs, g);
            Engine e;
            const auto te = addTasks(e, fixedSpecs);
            post(e, te);
            const bool ok = e.fixpoint();
            ++plans;
            CHECK(ok == valid);
            if (!ok) continue;
            ++solved;
            for (size_t i = 0; i < te.size(); ++i) {
                if (plan[i].p == 1) {
                    CHECK(e.lb(te[i].end) == plan[i].end);
                    CHECK(e.ub(te[i].end) == plan[i].end);
                }
            }
        }
    }
    MESSAGE("model: " << solved << " of " << plans << " random fixed plans valid");
    CHECK(solved > 50);
    CHECK(solved < plans - 50);
}
