// Timetable edge finding (propagators/Ttef): soundness against brute force on tiny task sets (with
// and without the left-overlap rules), an instance where it prunes and timetabling does not,
// instances where only the left-overlap rules prune (exact bounds), the free-task cap, __int128
// energies, and the incremental calls against the from-scratch ones along random search paths.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "model/Timeline.h"
#include "propagators/StageTask.h"
#include "propagators/Timetable.h"
#include "propagators/Ttef.h"
#include "solver/Engine.h"

using namespace moccasin;
using solver::Bounds;
using solver::Engine;

namespace {

// A task's initial domains (stage and end are inclusive ranges; presence in [presLo, presHi]).
struct Spec {
    int slot = 0;
    int64_t demand = 1;
    int presLo = 1, presHi = 1;
    int64_t stageLo = 0, stageHi = 0;
    int64_t endLo = 1, endHi = 1;
};

struct Built {
    std::unique_ptr<Engine> engine = std::make_unique<Engine>();
    std::vector<StageTask> tasks;
};

Built build(const std::vector<Spec>& specs) {
    Built b;
    for (const Spec& s : specs) {
        StageTask t;
        t.presence = b.engine->addVar(s.presLo, s.presHi);
        t.stage = b.engine->addVar(s.stageLo, s.stageHi);
        t.end = b.engine->addVar(s.endLo, s.endHi);
        t.slot = s.slot;
        t.demand = s.demand;
        b.tasks.push_back(t);
    }
    return b;
}

std::vector<Bounds> domains(const Engine& e) {
    std::vector<Bounds> d;
    for (solver::VarId x = 0; x < e.numVars(); ++x) d.push_back({e.lb(x), e.ub(x)});
    return d;
}

// One solution: per task, present or not, and (if present) its stage and end.
struct Placement {
    bool present;
    int64_t stage, end;
};
using Solution = std::vector<Placement>;

// Every solution of the cumulative constraint (E >= S + 1, loads <= capacity at every event)
// over the initial domains. An absent task's stage and end are irrelevant: one solution each.
std::vector<Solution> solutions(const std::vector<Spec>& specs, int64_t capacity) {
    int64_t horizon = 1;
    for (const Spec& s : specs) horizon = std::max(horizon, s.endHi + 1);
    std::vector<int64_t> load(static_cast<size_t>(horizon), 0);
    std::vector<Solution> out;
    Solution cur(specs.size());
    auto rec = [&](auto&& self, size_t i) -> void {
        if (i == specs.size()) {
            out.push_back(cur);
            return;
        }
        const Spec& s = specs[i];
        if (s.presLo == 0) {
            cur[i] = {false, 0, 0};
            self(self, i + 1);
        }
        if (s.presHi == 0) return;
        for (int64_t st = s.stageLo; st <= s.stageHi; ++st) {
            const int64_t start = eventOf(st, s.slot);
            for (int64_t en = std::max(s.endLo, start + 1); en <= s.endHi; ++en) {
                bool fits = true;
                for (int64_t t = start; t < en; ++t) {
                    load[t] += s.demand;
                    fits = fits && load[t] <= capacity;
                }
                if (fits) {
                    cur[i] = {true, st, en};
                    self(self, i + 1);
                }
                for (int64_t t = start; t < en; ++t) load[t] -= s.demand;
            }
        }
    };
    rec(rec, 0);
    return out;
}

bool survives(const Engine& e, const std::vector<StageTask>& tasks, const Solution& sol) {
    auto in = [&](solver::VarId x, int64_t v) { return e.lb(x) <= v && v <= e.ub(x); };
    for (size_t i = 0; i < tasks.size(); ++i) {
        const Placement& p = sol[i];
        if (!in(tasks[i].presence, p.present ? 1 : 0)) return false;
        if (p.present && !(in(tasks[i].stage, p.stage) && in(tasks[i].end, p.end))) return false;
    }
    return true;
}

// The strongest pruning that uses the compulsory profile alone (a reference for "what plain
// timetabling can do", at least as strong as any timetabling rule): every task is filtered, as
// if present, against the compulsory parts [startMax, endMin) of the OTHER present tasks, keeping
// the hull of its placements that fit at every event; repeated to a fixpoint. Event-indexed:
// for tiny tests only. Returns false on failure; otherwise updates `specs`.
bool profileOnlyFixpoint(std::vector<Spec>& specs, int64_t capacity) {
    int64_t horizon = 1;
    for (const Spec& s : specs) horizon = std::max(horizon, s.endHi + 1);
    for (bool changed = true; changed;) {
        changed = false;
        std::vector<int64_t> prof(static_cast<size_t>(horizon), 0);
        auto part = [&](const Spec& s, int64_t sign) {
            if (s.presLo != 1) return;
            for (int64_t t = eventOf(s.stageHi, s.slot); t < s.endLo; ++t) prof[t] += sign * s.demand;
        };
        for (const Spec& s : specs) part(s, 1);
        for (int64_t v : prof)
            if (v > capacity) return false;
        for (Spec& s : specs) {
            if (s.presHi == 0) continue;
            part(s, -1);
            int64_t sLo = INT64_MAX, sHi = INT64_MIN, eLo = INT64_MAX, eHi = INT64_MIN;
            for (int64_t st = s.stageLo; st <= s.stageHi; ++st) {
                const int64_t start = eventOf(st, s.slot);
                for (int64_t en = std::max(s.endLo, start + 1); en <= s.endHi; ++en) {
                    bool fits = true;
                    for (int64_t t = start; t < en && fits; ++t) fits = prof[t] + s.demand <= capacity;
                    if (!fits) continue;
                    sLo = std::min(sLo, st), sHi = std::max(sHi, st);
                    eLo = std::min(eLo, en), eHi = std::max(eHi, en);
                }
            }
            part(s, 1);
            if (sLo == INT64_MAX) {
                if (s.presLo == 1) return false;
                s.presHi = 0;
                changed = true;
                continue;
            }
            if (sLo != s.stageLo || sHi != s.stageHi || eLo != s.endLo || eHi != s.endHi) changed = true;
            s.stageLo = sLo, s.stageHi = sHi, s.endLo = eLo, s.endHi = eHi;
        }
    }
    return true;
}

// The window instance. Capacity 2D; everything has demand D.
//   F  : slot 0, stage 0 (start 0), end fixed at b: the profile is D on [0, b).
//   U1, U2: slot 1, stage in [1, s1] (start in [2, T(s1) + 1]), end in [3, b + 5]: no compulsory
//       part, but each must start in the window [2, b), b = T(s1) + 2.
//   I  : slot 0, stage in [2, s2] (start 3 or later, T(s2) >= b), end >= b: no compulsory part.
// Timetabling sees the profile D <= 2D - D everywhere: nothing to prune. TTEF, window [2, b): the
// capacity holds 2D(b - 2), F takes D(b - 2), U1 and U2 need D each, so D(b - 4) is left; I
// starting at 3 would cover [3, b) (end >= b), D(b - 3) > D(b - 4). So start(I) >= 4, i.e.
// stage(I) >= 3. Indeed: if I starts at 3, events 3..b-1 are full, so U1 and U2 both need event
// 2, where only D is left.
constexpr int kI = 3;  // index of I
std::vector<Spec> windowInstance(int64_t D, int64_t s1) {
    const int64_t b = eventOf(s1, 1) + 1;
    int64_t s2 = 2;
    while (eventOf(s2, 0) < b) ++s2;
    std::vector<Spec> v;
    v.push_back({.slot = 0, .demand = D, .stageLo = 0, .stageHi = 0, .endLo = b, .endHi = b});
    v.push_back({.slot = 1, .demand = D, .stageLo = 1, .stageHi = s1, .endLo = 3, .endHi = b + 5});
    v.push_back({.slot = 1, .demand = D, .stageLo = 1, .stageHi = s1, .endLo = 3, .endHi = b + 5});
    v.push_back({.slot = 0, .demand = D, .stageLo = 2, .stageHi = s2, .endLo = b, .endHi = b + 20});
    return v;
}

// Ttef alone (options `opts`) to its fixpoint on `specs`; the engine is left at that fixpoint.
struct Run {
    Built built;
    Ttef* prop = nullptr;
    bool ok = false;
};
Run runTtef(const std::vector<Spec>& specs, int64_t capacity, TtefOptions opts = {}) {
    Run r{build(specs)};
    r.prop = &r.built.engine->addPropagator(std::make_unique<Ttef>(r.built.tasks, capacity, opts));
    r.ok = r.built.engine->fixpoint();
    return r;
}


// The left-overlap unit energy. Capacity 2, demands 1.
//   F : slot 0, stage 0 (start 0), end 8: the profile is 1 on [0, 8).
//   U1, U2: slot 1, stage in [1, 3] (start 2, 4 or 7), end in [7, 12]: unit tasks (lst 7 >= ect 7)
//       that start before 6 or at 7 and end at 7 or later, so each covers an event of [6, 8).
//   I : slot 0, stage in [3, 5] (start 6, 10 or 15), end >= 8: a unit task.
// Window [6, 8) (a = est(I), b = lst(U) + 1): capacity 4, F takes 2, U1 and U2 one each (ect 7 >
// 6 although est 2 < 6), so I starting at 6 would need 2 more: start(I) >= 8, stage(I) >= 4.
// Counting unit tasks only when est >= a, no window sees it: [2, 8) has 12 - 6 - 2 = 4 left for
// I's 2 events in it.
constexpr int kL1I = 3;
std::vector<Spec> leftUnitInstance() {
    return {
        {.slot = 0, .demand = 1, .stageLo = 0, .stageHi = 0, .endLo = 8, .endHi = 8},
        {.slot = 1, .demand = 1, .stageLo = 1, .stageHi = 3, .endLo = 7, .endHi = 12},
        {.slot = 1, .demand = 1, .stageLo = 1, .stageHi = 3, .endLo = 7, .endHi = 12},
        {.slot = 0, .demand = 1, .stageLo = 3, .stageHi = 5, .endLo = 8, .endHi = 30},
    };
}

// The left-overlap start update. Capacity 2, demands 1.
//   F : slot 1, stage 3 (start 7), end 10: the profile is 1 on [7, 10).
//   U1: slot 1, stage in [3, 4], end in [8, 10] (it can only start at 7); U2: slot 2, stage in
//       [3, 4], end in [9, 10] (only at 8). Both are unit tasks inside [7, 10).
//   J : slot 0, stage in [2, 5] (start 3, 6, 10 or 15), end >= 10.
// Window [7, 10): capacity 6, F 3, U1 and U2 1 each: 1 left, and J starting at 3 or 6 would cover
// [7, 10): start(J) >= 10 - 1 = 9, stage(J) >= 4. The windows that start at or before est(J) = 3
// have room: [3, 10) leaves 14 - 5 = 9 for J's 7 events.
// The end update mirrors it: J with start 3 fixed and end in [5, 30] would cover [7, E) of the
// window, at most 1 event: E <= 8.
constexpr int kJ = 3;
std::vector<Spec> leftStartInstance() {
    return {
        {.slot = 1, .demand = 1, .stageLo = 3, .stageHi = 3, .endLo = 10, .endHi = 10},
        {.slot = 1, .demand = 1, .stageLo = 3, .stageHi = 4, .endLo = 8, .endHi = 10},
        {.slot = 2, .demand = 1, .stageLo = 3, .stageHi = 4, .endLo = 9, .endHi = 10},
        {.slot = 0, .demand = 1, .stageLo = 2, .stageHi = 5, .endLo = 10, .endHi = 30},
    };
}
std::vector<Spec> rightEndInstance() {
    std::vector<Spec> v = leftStartInstance();
    v[kJ] = {.slot = 0, .demand = 1, .stageLo = 2, .stageHi = 2, .endLo = 5, .endHi = 30};
    return v;
}

// Timetable alone to its fixpoint changes nothing.
void checkTimetablePrunesNothing(const std::vector<Spec>& specs, int64_t capacity) {
    Built tt = build(specs);
    const auto before = domains(*tt.engine);
    tt.engine->addPropagator(std::make_unique<Timetable>(tt.tasks, capacity));
    REQUIRE(tt.engine->fixpoint());
    CHECK(domains(*tt.engine) == before);
}


// `specs` (capacity 2) where only the left-overlap rules prune: the timetable and TTEF without
// them change nothing, TTEF with them moves one bound, that of `task`'s `var` (its lower bound if
// `lower`), to `value` and nothing else, and every brute-force solution survives. Returns that run.
Run checkOnlyLeftOverlapMoves(const std::vector<Spec>& specs, solver::VarId StageTask::*var, int task, bool lower,
                              int64_t value) {
    checkTimetablePrunesNothing(specs, 2);
    {
        Run off = runTtef(specs, 2, TtefOptions{.leftOverlap = false});
        REQUIRE(off.ok);
        CHECK(domains(*off.built.engine) == domains(*build(specs).engine));
    }
    Run on = runTtef(specs, 2);
    REQUIRE(on.ok);
    const Engine& e = *on.built.engine;
    const solver::VarId x = on.built.tasks[static_cast<size_t>(task)].*var;
    CHECK((lower ? e.lb(x) : e.ub(x)) == value);
    auto expected = domains(*build(specs).engine);
    Bounds& moved = expected[static_cast<size_t>(x)];
    (lower ? moved.lb : moved.ub) = value;
    CHECK(domains(e) == expected);  // nothing else
    const auto sols = solutions(specs, 2);
    REQUIRE(!sols.empty());
    for (const Solution& s : sols) CHECK(survives(e, on.built.tasks, s));
    return on;
}

}  // namespace

TEST_CASE("ttef soundness against brute force on tiny task sets") {
    std::mt19937_64 rng(20240611);
    auto uni = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
    int feasible = 0, failures = 0, pruned = 0, beyondTimetable = 0, failBeyondTimetable = 0;
    int beyondVilim = 0;  // instances where the left-overlap rules prune or fail beyond Vilim's
    TtefStats rules;      // what the rules did, summed over the Ttef-alone runs
    for (int round = 0; round < 3000; ++round) {
        const int n = static_cast<int>(uni(3, round % 10 == 0 ? 5 : 4));
        // Odd rounds: mostly present tasks with wide stage ranges and early ends, so that many
        // are unit tasks (no compulsory part) that may start before a window and end in it.
        const bool units = round % 2 == 1;
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) {
            Spec s;
            s.slot = static_cast<int>(uni(0, 3));
            s.demand = uni(1, 3);
            const int64_t kind = uni(0, 9);
            s.presLo = kind < (units ? 7 : 5) ? 1 : 0;
            s.presHi = kind == 9 ? 0 : 1;
            s.stageLo = s.slot + uni(0, 2);
            s.stageHi = s.stageLo + (units ? uni(1, 2) : uni(0, n == 5 ? 1 : 2));
            const int64_t est = eventOf(s.stageLo, s.slot);
            if (units) {
                s.endLo = est + uni(1, 3);
                s.endHi = s.endLo + uni(0, n == 5 ? 3 : 5);
            } else {
                s.endLo = std::max<int64_t>(0, est + uni(-2, 4));  // not always >= est + 1
                s.endHi = std::max(s.endLo + uni(0, n == 5 ? 3 : 6), est + 1);  // some placement
            }
            specs.push_back(s);
        }
        const int64_t capacity = uni(2, 6);
        TtefOptions opts;
        opts.maxFreeTasks = 10;
        CAPTURE(round);
        const auto sols = solutions(specs, capacity);
        feasible += sols.empty() ? 0 : 1;

        // Ttef alone, to its fixpoint, with and without the left-overlap rules.
        std::vector<Bounds> withLeft;
        bool okWithLeft = false;
        for (const bool left : {true, false}) {
            opts.leftOverlap = left;
            Built b = build(specs);
            const auto before = domains(*b.engine);
            auto& p = b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity, opts));
            const bool ok = b.engine->fixpoint();
            if (!ok) {
                CHECK(sols.empty());  // failure only when there is no solution
            } else {
                for (const Solution& s : sols) CHECK(survives(*b.engine, b.tasks, s));  // nothing supported removed
                // The reference version finds nothing more at the fixpoint.
                const auto after = domains(*b.engine);
                CHECK(b.engine->fixpointFromScratch());
                CHECK(domains(*b.engine) == after);
            }
            if (left) {
                failures += ok ? 0 : 1;
                pruned += ok && domains(*b.engine) != before ? 1 : 0;
                okWithLeft = ok;
                withLeft = domains(*b.engine);
                const TtefStats& st = p.ttefStats();
                rules.startMin += st.startMin, rules.startMinLeft += st.startMinLeft;
                rules.endMax += st.endMax, rules.endMaxRight += st.endMaxRight;
                rules.overloads += st.overloads, rules.overloadsLeft += st.overloadsLeft;
            } else if ((ok && !okWithLeft) || (ok && okWithLeft && domains(*b.engine) != withLeft)) {
                ++beyondVilim;
            }
        }

        // Timetable alone vs Timetable + Ttef: the pair is sound too; count what Ttef adds.
        opts.leftOverlap = true;
        Built tt = build(specs);
        tt.engine->addPropagator(std::make_unique<Timetable>(tt.tasks, capacity));
        const bool okTt = tt.engine->fixpoint();
        Built both = build(specs);
        both.engine->addPropagator(std::make_unique<Timetable>(both.tasks, capacity));
        both.engine->addPropagator(std::make_unique<Ttef>(both.tasks, capacity, opts));
        const bool okBoth = both.engine->fixpoint();
        if (!okBoth) {
            CHECK(sols.empty());
            if (okTt) ++failBeyondTimetable;
        } else {
            for (const Solution& s : sols) CHECK(survives(*both.engine, both.tasks, s));
            if (okTt && domains(*both.engine) != domains(*tt.engine)) ++beyondTimetable;
        }
    }
    MESSAGE("feasible " << feasible << ", ttef failures " << failures << ", ttef pruned " << pruned
                        << "; beyond timetable: pruned " << beyondTimetable << ", failed " << failBeyondTimetable
                        << "; beyond Vilim's rules " << beyondVilim);
    MESSAGE("start bounds " << rules.startMin << " (left overlap " << rules.startMinLeft << "), end bounds "
                            << rules.endMax << " (right overlap " << rules.endMaxRight << "), overloads "
                            << rules.overloads << " (left overlap units " << rules.overloadsLeft << ")");
    // The random instances do exercise the rules, also beyond timetabling and beyond Vilim's.
    CHECK(pruned > 0);
    CHECK(beyondTimetable > 0);
    CHECK(failBeyondTimetable > 0);
    CHECK(beyondVilim > 0);
    CHECK(rules.startMin > 0);
    CHECK(rules.startMinLeft > 0);
    CHECK(rules.endMax > 0);
    CHECK(rules.endMaxRight > 0);
    CHECK(rules.overloadsLeft > 0);
}

TEST_CASE("ttef prunes where timetabling does not (window instance)") {
    const std::vector<Spec> specs = windowInstance(1, 2);  // b = 5, I: stage in [2, 3]
    const int64_t capacity = 2;
    REQUIRE(specs[kI].stageLo == 2);
    REQUIRE(specs[kI].stageHi == 3);

    // Plain timetabling (propagators/Timetable) to its fixpoint: I keeps stage 2.
    Built tt = build(specs);
    tt.engine->addPropagator(std::make_unique<Timetable>(tt.tasks, capacity));
    REQUIRE(tt.engine->fixpoint());
    CHECK(domains(*tt.engine) == domains(*build(specs).engine));  // TT prunes nothing at all
    CHECK(tt.engine->lb(tt.tasks[kI].stage) == 2);

    // Even the strongest profile-only filtering keeps stage 2 for I.
    std::vector<Spec> ref = specs;
    REQUIRE(profileOnlyFixpoint(ref, capacity));
    CHECK(ref[kI].stageLo == 2);

    // Timetable + Ttef: stage(I) >= 3.
    Built both = build(specs);
    both.engine->addPropagator(std::make_unique<Timetable>(both.tasks, capacity));
    both.engine->addPropagator(std::make_unique<Ttef>(both.tasks, capacity));
    REQUIRE(both.engine->fixpoint());
    CHECK(both.engine->lb(both.tasks[kI].stage) == 3);
    const auto tight = domains(*both.engine);
    const auto loose = domains(*tt.engine);
    for (size_t x = 0; x < tight.size(); ++x) {  // tighter everywhere, strictly somewhere
        CHECK(tight[x].lb >= loose[x].lb);
        CHECK(tight[x].ub <= loose[x].ub);
    }
    CHECK(tight != loose);

    // And it is right: brute force agrees no solution has stage(I) = 2, and none is lost.
    const auto sols = solutions(specs, capacity);
    REQUIRE(!sols.empty());
    for (const Solution& s : sols) {
        CHECK(s[kI].stage != 2);
        CHECK(survives(*both.engine, both.tasks, s));
    }

    // With four unit tasks the window [2, 5) overloads (4D > 2D * 3 - 3D): Ttef fails where
    // Timetable (no compulsory part among them) does not.
    std::vector<Spec> over = specs;
    over.push_back(specs[1]);
    over.push_back(specs[1]);
    Built ttOver = build(over);
    ttOver.engine->addPropagator(std::make_unique<Timetable>(ttOver.tasks, capacity));
    CHECK(ttOver.engine->fixpoint());
    Built ttefOver = build(over);
    ttefOver.engine->addPropagator(std::make_unique<Timetable>(ttefOver.tasks, capacity));
    ttefOver.engine->addPropagator(std::make_unique<Ttef>(ttefOver.tasks, capacity));
    CHECK_FALSE(ttefOver.engine->fixpoint());
    CHECK(solutions(over, capacity).empty());
}

TEST_CASE("ttef does nothing above the free-task cap and wakes up below it") {
    CHECK(TtefOptions{}.maxFreeTasks == 200);
    CHECK(TtefOptions{}.enabled);
    const int64_t capacity = 2;

    // Three free tasks (F is fixed). Cap 2: nothing; cap 3: prunes.
    for (int cap : {2, 3}) {
        Built b = build(windowInstance(1, 2));
        const auto before = domains(*b.engine);
        auto& p = b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity, TtefOptions{.maxFreeTasks = cap}));
        CHECK(p.numFree() == 3);
        REQUIRE(b.engine->fixpoint());
        if (cap == 2) CHECK(domains(*b.engine) == before);
        if (cap == 3) CHECK(b.engine->lb(b.tasks[kI].stage) == 3);
    }

    // Disabled: nothing.
    {
        Built b = build(windowInstance(1, 2));
        const auto before = domains(*b.engine);
        b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity, TtefOptions{.enabled = false}));
        REQUIRE(b.engine->fixpoint());
        CHECK(domains(*b.engine) == before);
    }

    // The default cap: the window instance plus irrelevant undecided tasks far to the right.
    auto withExtra = [](int extra) {
        std::vector<Spec> v = windowInstance(1, 2);
        for (int k = 0; k < extra; ++k)
            v.push_back({.slot = 3, .demand = 1, .presLo = 0, .stageLo = 10, .stageHi = 11,
                         .endLo = eventOf(10, 3) + 1, .endHi = eventOf(11, 3) + 10});
        return v;
    };
    for (int extra : {197, 198}) {  // 200 and 201 free tasks
        Built b = build(withExtra(extra));
        const auto before = domains(*b.engine);
        auto& p = b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity));
        CHECK(p.numFree() == 3 + extra);
        REQUIRE(b.engine->fixpoint());
        if (extra == 198) CHECK(domains(*b.engine) == before);
        if (extra == 197) CHECK(b.engine->lb(b.tasks[kI].stage) == 3);
    }

    // Fixing a task brings the count under the cap: notify() wakes the propagator; backtracking
    // restores the count.
    {
        Built b = build(withExtra(1));  // 4 free tasks
        Engine& e = *b.engine;
        auto& p = e.addPropagator(std::make_unique<Ttef>(b.tasks, capacity, TtefOptions{.maxFreeTasks = 3}));
        REQUIRE(e.fixpoint());
        const auto before = domains(e);
        CHECK(e.lb(b.tasks[kI].stage) == 2);
        e.pushLevel();
        const StageTask& x = b.tasks.back();
        REQUIRE(e.fix(x.presence, 0));  // absent: no longer free
        CHECK(p.numFree() == 3);
        REQUIRE(e.fixpoint());
        CHECK(e.lb(b.tasks[kI].stage) == 3);
        e.popToLevel(0);
        CHECK(p.numFree() == 4);
        CHECK(domains(e) == before);
        REQUIRE(e.fixpoint());
        CHECK(domains(e) == before);
        CHECK(e.fixpointFromScratch());
        CHECK(domains(e) == before);
    }
}

TEST_CASE("ttef energies in __int128: demands 1e10 over windows of 5e9 events") {
    const int64_t D = 10'000'000'000;  // 1e10
    const int64_t s1 = 100'000;        // window [2, b), b = T(s1) + 2 ~ 5.00005e9
    const std::vector<Spec> specs = windowInstance(D, s1);
    REQUIRE(specs[0].endLo > 5'000'000'000);
    // capacity * window = 2e10 * 5e9 = 1e20 > 2^63: int64 would wrap.
    {
        Built b = build(specs);
        b.engine->addPropagator(std::make_unique<Timetable>(b.tasks, 2 * D));
        b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, 2 * D));
        REQUIRE(b.engine->fixpoint());
        CHECK(b.engine->lb(b.tasks[kI].stage) == 3);
        CHECK(b.engine->isTrue(b.tasks[kI].presence));
    }
    // With room for one more task of demand D nothing is pruned (a wrapped energy would prune
    // or fail here).
    {
        Built b = build(specs);
        const auto before = domains(*b.engine);
        b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, 3 * D));
        REQUIRE(b.engine->fixpoint());
        CHECK(domains(*b.engine) == before);
    }
    // Capacity 1e13 with F taking all but D: energies ~5e22, same conclusion; with D more room
    // nothing is pruned.
    for (const int64_t room : {int64_t{0}, D}) {
        const int64_t capacity = 10'000'000'000'000 + room;  // 1e13 (+ D)
        std::vector<Spec> big = specs;
        big[0].demand = capacity - D - room;
        Built b = build(big);
        const auto before = domains(*b.engine);
        b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity));
        REQUIRE(b.engine->fixpoint());
        if (room == 0) CHECK(b.engine->lb(b.tasks[kI].stage) == 3);
        if (room != 0) CHECK(domains(*b.engine) == before);
    }
}

TEST_CASE("ttef along random dives: sound at every node and free count restored on backtrack") {
    std::mt19937_64 rng(77);
    auto uni = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
    for (int round = 0; round < 300; ++round) {
        const int n = static_cast<int>(uni(3, 4));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) {
            Spec s;
            s.slot = static_cast<int>(uni(0, 3));
            s.demand = uni(1, 3);
            s.presLo = uni(0, 1) == 0 ? 1 : 0;
            s.stageLo = s.slot + uni(0, 2);
            s.stageHi = s.stageLo + uni(0, 2);
            const int64_t est = eventOf(s.stageLo, s.slot);
            s.endLo = est + uni(1, 3);
            s.endHi = s.endLo + uni(0, 6);
            specs.push_back(s);
        }
        const int64_t capacity = uni(2, 5);
        CAPTURE(round);
        Built b = build(specs);
        Engine& e = *b.engine;
        auto& p = e.addPropagator(std::make_unique<Ttef>(b.tasks, capacity, TtefOptions{.maxFreeTasks = 3}));
        auto recount = [&] {
            int c = 0;
            for (const StageTask& t : b.tasks)
                c += !e.isFalse(t.presence) && !(e.isTrue(t.presence) && e.isFixed(t.stage) && e.isFixed(t.end));
            return c;
        };
        if (!e.fixpoint()) {
            CHECK(solutions(specs, capacity).empty());
            continue;
        }
        std::vector<std::vector<Bounds>> saved;
        for (int depth = 0; depth < 6; ++depth) {
            saved.push_back(domains(e));
            e.pushLevel();
            // A random decision: fix a presence, or halve a stage or end domain.
            const StageTask& t = b.tasks[static_cast<size_t>(uni(0, n - 1))];
            const int what = static_cast<int>(uni(0, 2));
            const solver::VarId x = what == 0 ? t.presence : what == 1 ? t.stage : t.end;
            const int64_t mid = e.lb(x) + (e.ub(x) - e.lb(x)) / 2;
            const bool ok = (uni(0, 1) == 0 ? e.setUb(x, mid) : e.setLb(x, mid)) && e.fixpoint();
            CHECK(p.numFree() == recount());
            if (!ok) break;
            // Soundness at this node: brute force over the current domains.
            std::vector<Spec> now = specs;
            for (size_t i = 0; i < now.size(); ++i) {
                const StageTask& ti = b.tasks[i];
                now[i].presLo = static_cast<int>(e.lb(ti.presence)), now[i].presHi = static_cast<int>(e.ub(ti.presence));
                now[i].stageLo = e.lb(ti.stage), now[i].stageHi = e.ub(ti.stage);
                now[i].endLo = e.lb(ti.end), now[i].endHi = e.ub(ti.end);
            }
            Built fresh = build(now);
            fresh.engine->addPropagator(std::make_unique<Ttef>(fresh.tasks, capacity, TtefOptions{.maxFreeTasks = 3}));
            if (!fresh.engine->fixpoint()) {
                CHECK(solutions(now, capacity).empty());
            } else {
                for (const Solution& s : solutions(now, capacity)) CHECK(survives(*fresh.engine, fresh.tasks, s));
                CHECK(domains(*fresh.engine) == domains(e));  // same fixpoint as the incremental run
            }
        }
        for (int level = static_cast<int>(saved.size()) - 1; level >= 0; --level) {
            e.popToLevel(level);
            CHECK(domains(e) == saved[static_cast<size_t>(level)]);
            CHECK(p.numFree() == recount());
        }
    }
}

TEST_CASE("ttef left overlap: a unit task starting before the window counts in it") {
    const std::vector<Spec> specs = leftUnitInstance();
    Run on = checkOnlyLeftOverlapMoves(specs, &StageTask::stage, kL1I, true, 4);
    CHECK(on.prop->ttefStats().startMin == 1);  // window [6, 8) <= est(I): the energy rule did it
    CHECK(on.prop->ttefStats().startMinLeft == 0);
    // Brute force: stage 3 has no solution, stage 4 has one.
    bool atFour = false;
    for (const Solution& s : solutions(specs, 2)) {
        CHECK(s[kL1I].stage != 3);
        atFour = atFour || s[kL1I].stage == 4;
    }
    CHECK(atFour);
}

TEST_CASE("ttef left overlap: an overload needs the unit tasks starting before the window") {
    std::vector<Spec> specs = leftUnitInstance();
    specs[kL1I].stageHi = 3;  // I fixed at [6, 8): the window [6, 8) holds F, I, U1, U2
    specs[kL1I].endHi = 8;
    REQUIRE(solutions(specs, 2).empty());
    Run off = runTtef(specs, 2, TtefOptions{.leftOverlap = false});
    CHECK(off.ok);
    Run on = runTtef(specs, 2);
    CHECK_FALSE(on.ok);
    CHECK(on.prop->ttefStats().overloads == 1);
    CHECK(on.prop->ttefStats().overloadsLeft == 1);
}

TEST_CASE("ttef left overlap: a start pushed by a window that starts after it") {
    const std::vector<Spec> specs = leftStartInstance();
    Run on = checkOnlyLeftOverlapMoves(specs, &StageTask::stage, kJ, true, 4);
    CHECK(on.prop->ttefStats().startMinLeft == 1);
    CHECK(on.prop->ttefStats().startMin == 0);
    bool atFour = false;
    for (const Solution& s : solutions(specs, 2)) {
        CHECK(s[kJ].stage >= 4);
        atFour = atFour || s[kJ].stage == 4;
    }
    CHECK(atFour);
}

TEST_CASE("ttef right overlap: an end pulled in by a window that ends before it") {
    const std::vector<Spec> specs = rightEndInstance();
    Run on = checkOnlyLeftOverlapMoves(specs, &StageTask::end, kJ, false, 8);
    CHECK(on.prop->ttefStats().endMaxRight == 1);
    CHECK(on.prop->ttefStats().endMax == 0);
    for (const Solution& s : solutions(specs, 2)) CHECK(s[kJ].end <= 8);
}

TEST_CASE("ttef incremental calls equal from-scratch ones along random search paths with backtracking") {
    // Larger task sets than brute force allows. At every node reached: the free count is right,
    // and the from-scratch fixpoint changes nothing after the incremental one (which exercises the
    // profile of the fixed tasks, its undo on backtracking, the settled flag and the skipped calls).
    std::mt19937_64 rng(31337);
    auto uni = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
    TtefStats total;
    int nodes = 0, backtracks = 0, prunedNodes = 0;
    for (int round = 0; round < 1500; ++round) {
        const int n = static_cast<int>(uni(4, 14));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) {
            Spec s;
            s.slot = static_cast<int>(uni(0, 5));
            s.demand = uni(0, 9) == 0 ? 0 : uni(1, 4);
            const int64_t kind = uni(0, 9);
            s.presLo = kind < 6 ? 1 : 0;
            s.presHi = kind == 9 ? 0 : 1;
            s.stageLo = s.slot + uni(0, 3);
            s.stageHi = s.stageLo + (uni(0, 3) == 0 ? 0 : uni(1, 4));
            const int64_t est = eventOf(s.stageLo, s.slot);
            s.endLo = est + uni(1, 6);
            s.endHi = s.endLo + (uni(0, 4) == 0 ? 0 : uni(1, 25));
            specs.push_back(s);
        }
        int64_t sum = 0;
        for (const Spec& s : specs) sum += s.demand;
        const int64_t capacity = std::max<int64_t>(1, sum / uni(3, 6));
        TtefOptions opts;
        opts.maxFreeTasks = uni(0, 2) == 0 ? static_cast<int>(uni(n / 2, n)) : n;  // the cap is crossed both ways
        opts.leftOverlap = uni(0, 3) != 0;
        CAPTURE(round);
        Built b = build(specs);
        Engine& e = *b.engine;
        auto& p = e.addPropagator(std::make_unique<Ttef>(b.tasks, capacity, opts));
        auto recount = [&] {
            int c = 0;
            for (const StageTask& t : b.tasks)
                c += t.demand > 0 && !e.isFalse(t.presence) &&
                     !(e.isTrue(t.presence) && e.isFixed(t.stage) && e.isFixed(t.end));
            return c;
        };
        // At a node where fixpoint() succeeded: an active propagator is settled (its last call
        // changed nothing, or it would have run again), and the reference version agrees.
        auto checkNode = [&] {
            ++nodes;
            CHECK(p.numFree() == recount());
            if (p.numFree() > 0 && p.numFree() <= opts.maxFreeTasks) CHECK(p.settled());
            const auto at = domains(e);
            CHECK(e.fixpointFromScratch());
            CHECK(domains(e) == at);
        };
        if (!e.fixpoint()) continue;
        checkNode();
        std::vector<std::vector<Bounds>> saved;  // saved[l]: the domains of level l
        saved.push_back(domains(e));
        for (int step = 0; step < 40; ++step) {
            if (e.level() > 0 && uni(0, 3) == 0) {  // backtrack to a random level
                const auto to = static_cast<int32_t>(uni(0, e.level() - 1));
                e.popToLevel(to);
                saved.resize(static_cast<size_t>(to) + 1);
                ++backtracks;
                CHECK(domains(e) == saved.back());
                CHECK(p.numFree() == recount());
                CHECK(e.fixpoint());  // nothing queued, nothing to do
                CHECK(domains(e) == saved.back());
                checkNode();
                continue;
            }
            // A decision: fix a presence, split or fix a stage or an end.
            const StageTask& t = b.tasks[static_cast<size_t>(uni(0, n - 1))];
            const int what = static_cast<int>(uni(0, 4));
            const solver::VarId x = what == 0 ? t.presence : what <= 2 ? t.stage : t.end;
            if (e.isFixed(x)) continue;
            e.pushLevel();
            const int64_t v = e.lb(x) + uni(0, e.ub(x) - e.lb(x));
            bool ok;
            if (what == 2 || what == 4) {
                ok = e.fix(x, v);
            } else {
                ok = uni(0, 1) == 0 ? e.setUb(x, v) : e.setLb(x, v);
            }
            const auto decided = domains(e);
            ok = ok && e.fixpoint();
            if (!ok) {
                e.popToLevel(e.level() - 1);
                CHECK(domains(e) == saved.back());
                continue;
            }
            prunedNodes += domains(e) != decided ? 1 : 0;
            checkNode();
            saved.push_back(domains(e));
        }
        const TtefStats& st = p.ttefStats();
        total.skipped += st.skipped, total.baseMerges += st.baseMerges;
        total.idle += st.idle, total.passes += st.passes;
        total.startMinLeft += st.startMinLeft, total.endMaxRight += st.endMaxRight;
    }
    MESSAGE(nodes << " nodes, " << backtracks << " backtracks, " << prunedNodes << " nodes where propagation pruned; "
                  << total.passes << " passes, " << total.skipped << " skipped calls, " << total.idle
                  << " idle calls, " << total.baseMerges << " base merges");
    CHECK(prunedNodes > 100);
    CHECK(total.skipped > 0);
    CHECK(total.idle > 0);
    CHECK(total.baseMerges > 0);
    CHECK(total.startMinLeft + total.endMaxRight > 0);
}
