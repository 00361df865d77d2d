// Cover against brute force on tiny random instances: for every present copy j of v some present
// copy i of u has stage_ui <= stage_vj and S_vj < end_ui. The fixpoint keeps every solution,
// fails only without one, fails on fixed assignments exactly when they violate the constraint,
// and the incremental propagator reaches the reference fixpoint along random dives.
#include <doctest/doctest.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/Timeline.h"
#include "propagators/CopyOrder.h"
#include "propagators/Cover.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"

using moccasin::CopyOrder;
using moccasin::Cover;
using moccasin::eventOf;
using moccasin::StageTask;
using namespace moccasin::solver;

namespace {

// ---------------------------------------------------------------------------------------------
// Harness (the same in the three propagator test files): tasks given by their domains, brute
// force over every assignment of present tasks, soundness and equal-fixpoint checks.

constexpr int kN = 6;                               // nodes on the timeline
const int64_t kEvents = moccasin::numEvents(kN);    // 21 events
constexpr int64_t kPoison = -1000000;               // stage/end of an absent task: never read

struct Spec {
    int slot = 0;
    Bounds p{0, 1}, stage{0, 0}, end{0, 0};
    bool endFree = false;  // the constraint never reads this end: not enumerated
};
struct Val {
    int64_t p, stage, end;
};
using Assignment = std::vector<Val>;
using CheckFn = std::function<bool(const Assignment&)>;
using PostFn = std::function<void(Engine&, const std::vector<StageTask>&)>;

struct Support {
    bool absent = false, present = false;
    Bounds stage{kMaxValue, kMinValue}, end{kMaxValue, kMinValue};
};
struct Oracle {
    int64_t solutions = 0;
    std::vector<Support> task;
};

Oracle enumerate(const std::vector<Spec>& specs, const CheckFn& ok) {
    Oracle o;
    o.task.resize(specs.size());
    Assignment a(specs.size());
    std::function<void(size_t)> rec = [&](size_t t) {
        if (t == specs.size()) {
            if (!ok(a)) return;
            ++o.solutions;
            for (size_t i = 0; i < specs.size(); ++i) {
                Support& s = o.task[i];
                if (a[i].p == 0) {
                    s.absent = true;
                    continue;
                }
                s.present = true;
                s.stage.lb = std::min(s.stage.lb, a[i].stage);
                s.stage.ub = std::max(s.stage.ub, a[i].stage);
                const Bounds end = specs[i].endFree ? specs[i].end : Bounds{a[i].end, a[i].end};
                s.end.lb = std::min(s.end.lb, end.lb);
                s.end.ub = std::max(s.end.ub, end.ub);
            }
            return;
        }
        const Spec& s = specs[t];
        for (int64_t p = s.p.lb; p <= s.p.ub; ++p) {
            if (p == 0) {
                a[t] = Val{0, kPoison, kPoison};
                rec(t + 1);
                continue;
            }
            for (int64_t st = s.stage.lb; st <= s.stage.ub; ++st) {
                const int64_t endHi = s.endFree ? s.end.lb : s.end.ub;
                for (int64_t en = s.end.lb; en <= endHi; ++en) {
                    a[t] = Val{1, st, s.endFree ? kPoison : en};
                    rec(t + 1);
                }
            }
        }
    };
    rec(0);
    return o;
}

std::vector<StageTask> addTasks(Engine& e, const std::vector<Spec>& specs) {
    std::vector<StageTask> ts;
    for (const Spec& s : specs) {
        StageTask t;
        t.presence = e.addVar(s.p.lb, s.p.ub);
        t.stage = e.addVar(s.stage.lb, s.stage.ub);
        t.end = e.addVar(s.end.lb, s.end.ub);
        t.slot = s.slot;
        t.demand = 1;
        ts.push_back(t);
    }
    return ts;
}

std::vector<Spec> domainsOf(const Engine& e, const std::vector<StageTask>& ts, std::vector<Spec> specs) {
    for (size_t i = 0; i < ts.size(); ++i) {
        specs[i].p = Bounds{e.lb(ts[i].presence), e.ub(ts[i].presence)};
        specs[i].stage = Bounds{e.lb(ts[i].stage), e.ub(ts[i].stage)};
        specs[i].end = Bounds{e.lb(ts[i].end), e.ub(ts[i].end)};
    }
    return specs;
}

std::string show(const std::vector<Spec>& specs) {
    std::ostringstream os;
    for (size_t i = 0; i < specs.size(); ++i) {
        const Spec& s = specs[i];
        os << "  task " << i << " slot " << s.slot << ": p [" << s.p.lb << "," << s.p.ub << "] stage [" << s.stage.lb
           << "," << s.stage.ub << "] end [" << s.end.lb << "," << s.end.ub << "]" << (s.endFree ? " (free)" : "")
           << "\n";
    }
    return os.str();
}

// Empty when the propagated domains keep every solution of `o` (and failure means none).
std::string soundnessError(const Engine& e, bool ok, const std::vector<StageTask>& ts, const Oracle& o) {
    std::ostringstream os;
    if (!ok) {
        if (o.solutions > 0) os << "failed although " << o.solutions << " solutions exist\n";
        return os.str();
    }
    for (size_t i = 0; i < ts.size(); ++i) {
        const Support& s = o.task[i];
        if (s.absent && e.lb(ts[i].presence) > 0) os << "task " << i << ": absence removed\n";
        if (!s.present) continue;
        if (e.ub(ts[i].presence) < 1) os << "task " << i << ": presence removed\n";
        if (e.lb(ts[i].stage) > s.stage.lb || e.ub(ts[i].stage) < s.stage.ub) {
            os << "task " << i << ": stage [" << e.lb(ts[i].stage) << "," << e.ub(ts[i].stage) << "] misses ["
               << s.stage.lb << "," << s.stage.ub << "]\n";
        }
        if (e.lb(ts[i].end) > s.end.lb || e.ub(ts[i].end) < s.end.ub) {
            os << "task " << i << ": end [" << e.lb(ts[i].end) << "," << e.ub(ts[i].end) << "] misses [" << s.end.lb
               << "," << s.end.ub << "]\n";
        }
    }
    return os.str();
}

// Domains as the model sees them: the stage and end of an absent task do not matter (and depend
// on the order in which rules ran before it became absent), so they are left out.
std::vector<Bounds> projection(const Engine& e, const std::vector<StageTask>& ts) {
    std::vector<Bounds> out;
    for (const StageTask& t : ts) {
        out.push_back(Bounds{e.lb(t.presence), e.ub(t.presence)});
        const bool absent = e.isFalse(t.presence);
        out.push_back(absent ? Bounds{0, 0} : Bounds{e.lb(t.stage), e.ub(t.stage)});
        out.push_back(absent ? Bounds{0, 0} : Bounds{e.lb(t.end), e.ub(t.end)});
    }
    return out;
}

struct Counts {
    int instances = 0, feasible = 0, pruned = 0, failed = 0, tight = 0;
};

// The fixpoint is exactly the hull of the solutions (informational: propagators need not be).
bool isTight(const Engine& e, const std::vector<StageTask>& ts, const Oracle& o) {
    for (size_t i = 0; i < ts.size(); ++i) {
        const Support& s = o.task[i];
        if (Bounds{e.lb(ts[i].presence), e.ub(ts[i].presence)} != Bounds{s.absent ? 0 : 1, s.present ? 1 : 0}) return false;
        if (!s.present) continue;
        if (Bounds{e.lb(ts[i].stage), e.ub(ts[i].stage)} != s.stage) return false;
        if (Bounds{e.lb(ts[i].end), e.ub(ts[i].end)} != s.end) return false;
    }
    return true;
}

// Root fixpoint of `specs` against brute force.
void checkRoot(const std::vector<Spec>& specs, const PostFn& post, const CheckFn& check, Counts& counts) {
    const Oracle o = enumerate(specs, check);
    Engine e;
    const auto ts = addTasks(e, specs);
    post(e, ts);
    const bool ok = e.fixpoint();
    ++counts.instances;
    if (o.solutions > 0) ++counts.feasible;
    if (!ok) ++counts.failed;
    if (ok && o.solutions > 0 && isTight(e, ts, o)) ++counts.tight;
    if (ok) {
        const auto after = domainsOf(e, ts, specs);
        for (size_t i = 0; i < specs.size(); ++i) {
            if (after[i].p != specs[i].p || after[i].stage != specs[i].stage || after[i].end != specs[i].end) {
                ++counts.pruned;
                break;
            }
        }
    }
    const std::string err = soundnessError(e, ok, ts, o);
    CHECK_MESSAGE(err.empty(), err << show(specs));
}

// A fixed assignment: the fixpoint fails exactly when the assignment violates the constraint.
void checkFixed(const std::vector<Spec>& specs, const PostFn& post, const CheckFn& check) {
    const Oracle o = enumerate(specs, check);
    Engine e;
    const auto ts = addTasks(e, specs);
    post(e, ts);
    const bool ok = e.fixpoint();
    CHECK_MESSAGE(ok == (o.solutions > 0), show(specs));
}

// The same fixpoint from scratch on a fresh engine holding `specs`.
void compareWithReference(const Engine& a, const std::vector<StageTask>& ta, bool okA, const std::vector<Spec>& specs,
                          const PostFn& post) {
    Engine b;
    const auto tb = addTasks(b, specs);
    post(b, tb);
    b.setFromScratchMode(true);
    const bool okB = b.fixpoint();
    REQUIRE_MESSAGE(okA == okB, show(specs));
    if (okA) CHECK_MESSAGE(projection(a, ta) == projection(b, tb), show(specs));
}

// Random dive: decisions on random variables, pushLevel/popToLevel, and after each fixpoint:
// equal to the reference fixpoint on a fresh engine, a fixpoint of the reference propagators,
// and (when `bruteForce`) sound against enumeration of the domains before propagation.
void randomDive(std::mt19937_64& rng, const std::vector<Spec>& specs, const PostFn& post, const CheckFn& check,
                int steps, bool bruteForce) {
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    Engine a;
    const auto ta = addTasks(a, specs);
    post(a, ta);
    const bool rootOk = a.fixpoint();
    compareWithReference(a, ta, rootOk, specs, post);
    if (!rootOk) return;
    for (int step = 0; step < steps; ++step) {
        if (a.level() > 0 && pick(0, 3) == 0) {
            a.popToLevel(static_cast<int32_t>(pick(0, a.level() - 1)));
            // A restored state is a fixpoint again.
            const auto before = projection(a, ta);
            REQUIRE(a.fixpointFromScratch());
            CHECK(projection(a, ta) == before);
            continue;
        }
        const StageTask& t = ta[pick(0, static_cast<int64_t>(ta.size()) - 1)];
        const int which = static_cast<int>(pick(0, 2));
        const VarId x = which == 0 ? t.presence : which == 1 ? t.stage : t.end;
        if (a.isFixed(x)) continue;
        a.pushLevel();
        const int64_t v = pick(a.lb(x), a.ub(x));
        const bool decided = which == 0 ? a.fix(x, v) : pick(0, 1) == 0 ? a.setLb(x, v) : a.setUb(x, v);
        REQUIRE(decided);
        const auto before = domainsOf(a, ta, specs);
        const bool ok = a.fixpoint();
        compareWithReference(a, ta, ok, before, post);
        if (bruteForce) {
            const std::string err = soundnessError(a, ok, ta, enumerate(before, check));
            CHECK_MESSAGE(err.empty(), err << show(before));
        }
        if (!ok) {
            a.popToLevel(a.level() - 1);
            continue;
        }
        const auto incremental = projection(a, ta);
        REQUIRE(a.fixpointFromScratch());
        CHECK(projection(a, ta) == incremental);
    }
}

// Random bounds [v - below, v + above] clipped to [lo, hi].
Bounds around(std::mt19937_64& rng, int64_t v, int64_t lo, int64_t hi, int64_t spread) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    v = std::clamp(v, lo, hi);
    return Bounds{std::max(lo, v - pick(0, spread)), std::min(hi, v + pick(0, spread))};
}

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

// Seeds: increasing stages for a prefix of present copies.
std::vector<int64_t> seedStages(std::mt19937_64& rng, int k, int copies) {
    std::vector<int64_t> pool;
    for (int s = k + 1; s < kN; ++s) pool.push_back(s);
    std::shuffle(pool.begin(), pool.end(), rng);
    assert(static_cast<int>(pool.size()) >= copies - 1);
    std::vector<int64_t> stages(pool.begin(), pool.begin() + (copies - 1));
    std::sort(stages.begin(), stages.end());
    stages.insert(stages.begin(), k);
    return stages;
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
    if (pick(0, 2) == 0) {  // disturb one variable
        const auto t = static_cast<size_t>(pick(0, static_cast<int64_t>(inst.specs.size()) - 1));
        Spec& s = inst.specs[t];
        const bool copy0 = s.stage.lb == s.slot;
        const int which = static_cast<int>(pick(0, 2));
        if (which == 0 && !copy0 && s.p.lb == s.p.ub) {
            s.p = Bounds{1 - s.p.lb, 1 - s.p.lb};
        } else if (which == 1 && !copy0) {
            const int64_t v = pick(s.slot + 1, kN - 1);
            s.stage = fixed ? Bounds{v, v} : around(rng, v, s.slot + 1, kN - 1, 1);
        } else if (!s.endFree) {
            const int64_t v = pick(1, kEvents);
            s.end = fixed ? Bounds{v, v} : around(rng, v, 1, kEvents, 2);
        }
    }
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
    MESSAGE("cover: " << counts.instances << " instances, " << counts.feasible << " feasible, " << counts.pruned
                      << " pruned, " << counts.failed << " failed, " << counts.tight << " at the exact hull");
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
