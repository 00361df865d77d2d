// Brute-force harness for the propagators on StageTasks (CopyOrder, Cover, LastUse): tasks given
// by their domains (Spec), enumeration of every assignment of present tasks against a reference
// predicate (Oracle), and the doctest checks built on it: soundness of the root fixpoint, fixed
// assignments, and incremental against from-scratch fixpoints along random dives. Also the
// random-instance helpers the three tests share (seed stages, bounds around a value, one
// disturbed variable).
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/Timeline.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"

namespace moccasin::testing {

inline constexpr int kN = 6;                             // nodes on the timeline
inline const int64_t kEvents = moccasin::numEvents(kN);  // 21 events
inline constexpr int64_t kPoison = -1000000;             // stage/end of an absent task: never read

struct Spec {
    int slot = 0;
    solver::Bounds p{0, 1}, stage{0, 0}, end{0, 0};
    bool endFree = false;  // the constraint never reads this end: not enumerated
};
struct Val {
    int64_t p, stage, end;
};
using Assignment = std::vector<Val>;
using CheckFn = std::function<bool(const Assignment&)>;
using PostFn = std::function<void(solver::Engine&, const std::vector<StageTask>&)>;

struct Support {
    bool absent = false, present = false;
    solver::Bounds stage{solver::kMaxValue, solver::kMinValue}, end{solver::kMaxValue, solver::kMinValue};
};
struct Oracle {
    int64_t solutions = 0;
    std::vector<Support> task;
};

// Calls `visit` on every assignment of the tasks in `specs`: presence, stage and, when `withEnds`
// and the end is not free, end; the others are kPoison. `visit` may fill in the ends it needs.
inline void forEachAssignment(const std::vector<Spec>& specs, bool withEnds,
                              const std::function<void(Assignment&)>& visit) {
    Assignment a(specs.size());
    std::function<void(size_t)> rec = [&](size_t t) {
        if (t == specs.size()) {
            visit(a);
            return;
        }
        const Spec& s = specs[t];
        for (int64_t p = s.p.lb; p <= s.p.ub; ++p) {
            if (p == 0) {
                a[t] = Val{0, kPoison, kPoison};
                rec(t + 1);
                continue;
            }
            const bool enumerateEnd = withEnds && !s.endFree;
            for (int64_t st = s.stage.lb; st <= s.stage.ub; ++st) {
                const int64_t endHi = enumerateEnd ? s.end.ub : s.end.lb;
                for (int64_t en = s.end.lb; en <= endHi; ++en) {
                    a[t] = Val{1, st, enumerateEnd ? en : kPoison};
                    rec(t + 1);
                }
            }
        }
    };
    rec(0);
}

// Counts solution `a` and widens the support of every task to it (a free end counts as its domain).
inline void addSolution(Oracle& o, const std::vector<Spec>& specs, const Assignment& a) {
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
        const solver::Bounds end = specs[i].endFree ? specs[i].end : solver::Bounds{a[i].end, a[i].end};
        s.end.lb = std::min(s.end.lb, end.lb);
        s.end.ub = std::max(s.end.ub, end.ub);
    }
}

inline Oracle enumerate(const std::vector<Spec>& specs, const CheckFn& ok) {
    Oracle o;
    o.task.resize(specs.size());
    forEachAssignment(specs, true, [&](Assignment& a) {
        if (ok(a)) addSolution(o, specs, a);
    });
    return o;
}

inline std::vector<StageTask> addTasks(solver::Engine& e, const std::vector<Spec>& specs) {
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

inline std::vector<Spec> domainsOf(const solver::Engine& e, const std::vector<StageTask>& ts,
                                   std::vector<Spec> specs) {
    for (size_t i = 0; i < ts.size(); ++i) {
        specs[i].p = solver::Bounds{e.lb(ts[i].presence), e.ub(ts[i].presence)};
        specs[i].stage = solver::Bounds{e.lb(ts[i].stage), e.ub(ts[i].stage)};
        specs[i].end = solver::Bounds{e.lb(ts[i].end), e.ub(ts[i].end)};
    }
    return specs;
}

inline std::string show(const std::vector<Spec>& specs) {
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
inline std::string soundnessError(const solver::Engine& e, bool ok, const std::vector<StageTask>& ts,
                                  const Oracle& o) {
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
inline std::vector<solver::Bounds> projection(const solver::Engine& e, const std::vector<StageTask>& ts) {
    std::vector<solver::Bounds> out;
    for (const StageTask& t : ts) {
        out.push_back(solver::Bounds{e.lb(t.presence), e.ub(t.presence)});
        const bool absent = e.isFalse(t.presence);
        out.push_back(absent ? solver::Bounds{0, 0} : solver::Bounds{e.lb(t.stage), e.ub(t.stage)});
        out.push_back(absent ? solver::Bounds{0, 0} : solver::Bounds{e.lb(t.end), e.ub(t.end)});
    }
    return out;
}

struct Counts {
    int instances = 0, feasible = 0, pruned = 0, failed = 0, tight = 0;
};
inline std::ostream& operator<<(std::ostream& os, const Counts& c) {
    return os << c.instances << " instances, " << c.feasible << " feasible, " << c.pruned << " pruned, " << c.failed
              << " failed, " << c.tight << " at the exact hull";
}

// The fixpoint is exactly the hull of the solutions (informational: propagators need not be).
inline bool isTight(const solver::Engine& e, const std::vector<StageTask>& ts, const Oracle& o) {
    using solver::Bounds;
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
inline void checkRoot(const std::vector<Spec>& specs, const PostFn& post, const CheckFn& check, Counts& counts) {
    const Oracle o = enumerate(specs, check);
    solver::Engine e;
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
inline void checkFixed(const std::vector<Spec>& specs, const PostFn& post, const CheckFn& check) {
    const Oracle o = enumerate(specs, check);
    solver::Engine e;
    const auto ts = addTasks(e, specs);
    post(e, ts);
    const bool ok = e.fixpoint();
    CHECK_MESSAGE(ok == (o.solutions > 0), show(specs));
}

// The same fixpoint from scratch on a fresh engine holding `specs`.
inline void compareWithReference(const solver::Engine& a, const std::vector<StageTask>& ta, bool okA,
                                 const std::vector<Spec>& specs, const PostFn& post) {
    solver::Engine b;
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
inline void randomDive(std::mt19937_64& rng, const std::vector<Spec>& specs, const PostFn& post,
                       const CheckFn& check, int steps, bool bruteForce) {
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    solver::Engine a;
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
        const solver::VarId x = which == 0 ? t.presence : which == 1 ? t.stage : t.end;
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

// ---------------------------------------------------------------------------------------------
// Random instances.

// Random bounds [v - below, v + above] clipped to [lo, hi].
inline solver::Bounds around(std::mt19937_64& rng, int64_t v, int64_t lo, int64_t hi, int64_t spread) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    v = std::clamp(v, lo, hi);
    return solver::Bounds{std::max(lo, v - pick(0, spread)), std::min(hi, v + pick(0, spread))};
}

// Seed stages of the copies of node k: stage k for copy 0, then copies - 1 distinct later stages
// in increasing order.
inline std::vector<int64_t> seedStages(std::mt19937_64& rng, int k, int copies) {
    std::vector<int64_t> pool;
    for (int s = k + 1; s < kN; ++s) pool.push_back(s);
    std::shuffle(pool.begin(), pool.end(), rng);
    assert(static_cast<int>(pool.size()) >= copies - 1);
    std::vector<int64_t> stages(pool.begin(), pool.begin() + (copies - 1));
    std::sort(stages.begin(), stages.end());
    stages.insert(stages.begin(), k);
    return stages;
}

// One time in three, disturbs one variable of one random task (the instance may become
// infeasible): flips a fixed presence or moves the stage (not of a copy 0, whose stage domain is
// its slot), else moves the end (not a free one). With `fixed`, the new domain is one value.
inline void maybeDisturb(std::mt19937_64& rng, std::vector<Spec>& specs, bool fixed) {
    auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    if (pick(0, 2) != 0) return;
    Spec& s = specs[pick(0, static_cast<int64_t>(specs.size()) - 1)];
    const bool copy0 = s.stage.lb == s.slot;
    const int which = static_cast<int>(pick(0, 2));
    if (which == 0 && !copy0 && s.p.lb == s.p.ub) {
        s.p = solver::Bounds{1 - s.p.lb, 1 - s.p.lb};
    } else if (which == 1 && !copy0) {
        const int64_t v = pick(s.slot + 1, kN - 1);
        s.stage = fixed ? solver::Bounds{v, v} : around(rng, v, s.slot + 1, kN - 1, 1);
    } else if (!s.endFree) {
        const int64_t v = pick(1, kEvents);
        s.end = fixed ? solver::Bounds{v, v} : around(rng, v, 1, kEvents, 2);
    }
}

}  // namespace moccasin::testing
