// Timetable edge finding (propagators/Ttef): soundness against brute force on tiny task sets, an
// instance where it prunes and timetabling does not, the free-task cap, and __int128 energies.
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

}  // namespace

TEST_CASE("ttef soundness against brute force on tiny task sets") {
    std::mt19937_64 rng(20240611);
    auto uni = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1)); };
    int feasible = 0, failures = 0, pruned = 0, beyondTimetable = 0, failBeyondTimetable = 0;
    for (int round = 0; round < 2000; ++round) {
        const int n = static_cast<int>(uni(3, round % 10 == 0 ? 5 : 4));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) {
            Spec s;
            s.slot = static_cast<int>(uni(0, 3));
            s.demand = uni(1, 3);
            const int64_t kind = uni(0, 9);
            s.presLo = kind < 5 ? 1 : 0;
            s.presHi = kind == 9 ? 0 : 1;
            s.stageLo = s.slot + uni(0, 2);
            s.stageHi = s.stageLo + uni(0, n == 5 ? 1 : 2);
            const int64_t est = eventOf(s.stageLo, s.slot);
            s.endLo = std::max<int64_t>(0, est + uni(-2, 4));  // not always >= est + 1
            s.endHi = std::max(s.endLo + uni(0, n == 5 ? 3 : 6), est + 1);  // some placement
            specs.push_back(s);
        }
        const int64_t capacity = uni(2, 6);
        TtefOptions opts;
        opts.maxFreeTasks = 10;
        CAPTURE(round);
        const auto sols = solutions(specs, capacity);
        feasible += sols.empty() ? 0 : 1;

        // Ttef alone, to its fixpoint.
        Built b = build(specs);
        const auto before = domains(*b.engine);
        b.engine->addPropagator(std::make_unique<Ttef>(b.tasks, capacity, opts));
        const bool ok = b.engine->fixpoint();
        if (!ok) {
            ++failures;
            CHECK(sols.empty());  // failure only when there is no solution
        } else {
            for (const Solution& s : sols) CHECK(survives(*b.engine, b.tasks, s));  // nothing supported removed
            if (domains(*b.engine) != before) ++pruned;
            // The reference version finds nothing more at the fixpoint.
            const auto after = domains(*b.engine);
            CHECK(b.engine->fixpointFromScratch());
            CHECK(domains(*b.engine) == after);
        }

        // Timetable alone vs Timetable + Ttef: the pair is sound too; count what Ttef adds.
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
                        << "; beyond timetable: pruned " << beyondTimetable << ", failed " << failBeyondTimetable);
    // The random instances do exercise the rules, also beyond timetabling.
    CHECK(pruned > 0);
    CHECK(beyondTimetable > 0);
    CHECK(failBeyondTimetable > 0);
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

TEST_CASE("ttef does nothing above the free-task cap, and wakes up below it") {
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

TEST_CASE("ttef along random dives: sound at every node, free count restored on backtrack") {
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
