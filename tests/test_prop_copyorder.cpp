// CopyOrder against brute force on tiny random instances: the fixpoint keeps every solution of
// the constraint (p_i => p_{i-1}, end_{i-1} <= S_i, stage_{i-1} < stage_i), fails only without
// one, fails on fixed assignments exactly when they violate it, and the incremental propagator
// reaches the same fixpoint as the reference one along random dives with backtracking.
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
#include "propagators/StageTask.h"
#include "solver/Engine.h"

using moccasin::CopyOrder;
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
    std::vector<int64_t> stages{k};
    std::vector<int64_t> pool;
    for (int s = k + 1; s < kN; ++s) pool.push_back(s);
    std::shuffle(pool.begin(), pool.end(), rng);
    assert(static_cast<int>(pool.size()) >= copies - 1);
    std::vector<int64_t> chosen(pool.begin(), pool.begin() + (copies - 1));
    std::sort(chosen.begin(), chosen.end());
    stages.insert(stages.end(), chosen.begin(), chosen.end());
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
    if (pick(0, 2) == 0) {
        Spec& s = inst.specs[pick(0, copies - 1)];
        const int which = static_cast<int>(pick(0, 2));
        if (which == 0 && s.p.ub == s.p.lb && &s != &inst.specs[0]) {
            s.p = Bounds{1 - s.p.lb, 1 - s.p.lb};
        } else if (which == 1 && &s != &inst.specs[0]) {
            const int64_t v = pick(k + 1, kN - 1);
            s.stage = fixed ? Bounds{v, v} : around(rng, v, k + 1, kN - 1, 1);
        } else {
            const int64_t v = pick(1, kEvents);
            s.end = fixed ? Bounds{v, v} : around(rng, v, 1, kEvents, 2);
        }
    }
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
    MESSAGE("copy order: " << counts.instances << " instances, " << counts.feasible << " feasible, " << counts.pruned
                           << " pruned, " << counts.failed << " failed, " << counts.tight
                           << " at the exact hull");
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
