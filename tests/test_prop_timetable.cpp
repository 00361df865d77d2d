// Timetable (propagators/Timetable.h) and the profile it is built on (propagators/Profile.h):
//  - the profile and its threshold queries against event-by-event arrays;
//  - soundness against exhaustive enumeration of tiny task sets (optional semantics: a task's
//    stage and end must keep every value of the solutions where it is present);
//  - exact agreement with a naive event-by-event implementation of rules (a)-(d);
//  - fixed assignments fail exactly when overloaded;
//  - incremental propagate() against propagateFromScratch() along random dives with push/pop;
//  - hand-made cases for each rule, filtering off, and values of the real scale (1e10, 5e9).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "model/Timeline.h"
#include "propagators/Profile.h"
#include "propagators/StageTask.h"
#include "propagators/Timetable.h"
#include "solver/Engine.h"

using namespace moccasin;
using solver::Engine;
using solver::VarId;

namespace {

// ---- Task specifications and their engine variables.

struct Spec {
    int slot = 0;
    int64_t stageLo = 0, stageHi = 0;
    int64_t endLo = 1, endHi = 1;
    int presence = 1;  // 1 present, 0 absent, -1 undecided
    int64_t demand = 1;
};

std::vector<StageTask> makeTasks(Engine& e, const std::vector<Spec>& specs) {
    std::vector<StageTask> tasks;
    for (const Spec& s : specs) {
        StageTask t;
        t.presence = s.presence < 0 ? e.addVar(0, 1) : e.addVar(s.presence, s.presence);
        t.stage = e.addVar(s.stageLo, s.stageHi);
        t.end = e.addVar(s.endLo, s.endHi);
        t.slot = s.slot;
        t.demand = s.demand;
        tasks.push_back(t);
    }
    return tasks;
}

// present => eventOf(stage, slot) + 1 <= end, so the tests see cascades through other
// propagators (our own changes wake it, its changes wake Timetable).
class StartBeforeEnd final : public solver::Propagator {
public:
    explicit StartBeforeEnd(std::vector<StageTask> tasks) : tasks_(std::move(tasks)) {}
    std::string_view name() const override { return "StartBeforeEnd"; }
    solver::Priority priority() const override { return solver::Priority::Cheap; }
    void attach(Engine& e) override {
        for (const StageTask& t : tasks_) {
            e.watch(t.presence, solver::Event::Fixed, *this, 0);
            e.watch(t.stage, solver::Event::LowerBound, *this, 0);
            e.watch(t.end, solver::Event::UpperBound, *this, 0);
        }
    }
    bool propagateFromScratch(Engine& e) override {
        for (const StageTask& t : tasks_) {
            if (!stagetask::setEndMin(e, t, stagetask::startMin(e, t) + 1, this)) return false;
            if (!stagetask::setStartMax(e, t, stagetask::endMax(e, t) - 1, this)) return false;
        }
        return true;
    }

private:
    std::vector<StageTask> tasks_;
};

struct Dom {
    int64_t presLo, presHi, stageLo, stageHi, endLo, endHi;
    bool operator==(const Dom&) const = default;
};

std::vector<Dom> domains(const Engine& e, const std::vector<StageTask>& tasks) {
    std::vector<Dom> out;
    for (const StageTask& t : tasks)
        out.push_back({e.lb(t.presence), e.ub(t.presence), e.lb(t.stage), e.ub(t.stage), e.lb(t.end),
                       e.ub(t.end)});
    return out;
}

std::string show(const std::vector<Dom>& d) {
    std::string s;
    for (const Dom& x : d) {
        s += "{p[" + std::to_string(x.presLo) + "," + std::to_string(x.presHi) + "] s[";
        s += std::to_string(x.stageLo) + "," + std::to_string(x.stageHi) + "] e[";
        s += std::to_string(x.endLo) + "," + std::to_string(x.endHi) + "]} ";
    }
    return s;
}

Spec randomSpec(std::mt19937_64& rng, int maxSlot, int stageSpread, int stageWidth, int endWidth,
                int maxDemand) {
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    Spec s;
    s.slot = static_cast<int>(U(0, maxSlot));
    s.stageLo = s.slot + U(0, stageSpread);
    s.stageHi = s.stageLo + U(0, stageWidth);
    const int64_t firstStart = eventOf(s.stageLo, s.slot);
    s.endLo = firstStart + U(0, 6);  // may be <= start: other propagators' business
    s.endHi = s.endLo + U(0, endWidth);
    const int64_t r = U(0, 9);
    s.presence = r < 5 ? 1 : (r < 8 ? -1 : 0);
    s.demand = U(0, maxDemand);
    return s;
}

// ---- Brute force over all assignments of tiny task sets.

struct Support {
    bool anySolution = false;
    std::vector<bool> present, absent;
    std::vector<int64_t> stageMin, stageMax, endMin, endMax;
};

Support enumerate(const std::vector<Spec>& specs, int64_t capacity) {
    const size_t n = specs.size();
    Support sup;
    sup.present.assign(n, false);
    sup.absent.assign(n, false);
    sup.stageMin.assign(n, INT64_MAX);
    sup.stageMax.assign(n, INT64_MIN);
    sup.endMin.assign(n, INT64_MAX);
    sup.endMax.assign(n, INT64_MIN);
    int64_t horizon = 1;
    for (const Spec& s : specs) horizon = std::max(horizon, s.endHi + 1);
    std::vector<int64_t> load(static_cast<size_t>(horizon), 0);
    struct Choice {
        bool present;
        int64_t stage, end;
    };
    std::vector<Choice> choice(n);
    auto record = [&] {
        sup.anySolution = true;
        for (size_t i = 0; i < n; ++i) {
            if (!choice[i].present) {
                sup.absent[i] = true;
                continue;
            }
            sup.present[i] = true;
            sup.stageMin[i] = std::min(sup.stageMin[i], choice[i].stage);
            sup.stageMax[i] = std::max(sup.stageMax[i], choice[i].stage);
            sup.endMin[i] = std::min(sup.endMin[i], choice[i].end);
            sup.endMax[i] = std::max(sup.endMax[i], choice[i].end);
        }
    };
    auto dfs = [&](auto&& self, size_t k) -> void {
        if (k == n) {
            record();
            return;
        }
        const Spec& s = specs[k];
        if (s.presence <= 0) {
            choice[k] = {false, 0, 0};
            self(self, k + 1);
        }
        if (s.presence == 0) return;
        for (int64_t st = s.stageLo; st <= s.stageHi; ++st) {
            const int64_t S = eventOf(st, s.slot);
            for (int64_t en = std::max(s.endLo, S + 1); en <= s.endHi; ++en) {
                bool fits = true;
                for (int64_t t = S; t < en; ++t) fits = fits && load[t] + s.demand <= capacity;
                if (!fits) continue;
                for (int64_t t = S; t < en; ++t) load[t] += s.demand;
                choice[k] = {true, st, en};
                self(self, k + 1);
                for (int64_t t = S; t < en; ++t) load[t] -= s.demand;
            }
        }
    };
    dfs(dfs, 0);
    return sup;
}

// ---- A naive event-by-event implementation of the rules, on plain bounds (independent of
// Profile.h): returns false on failure, else the bounds after one pass (= the fixpoint).
bool naiveTimetable(std::vector<Dom>& d, const std::vector<Spec>& specs, int64_t capacity, bool filtering) {
    const size_t n = specs.size();
    int64_t horizon = 1;
    for (size_t i = 0; i < n; ++i) horizon = std::max({horizon, d[i].endHi + 1, eventOf(d[i].stageHi, specs[i].slot) + 1});
    std::vector<int64_t> load(static_cast<size_t>(horizon), 0);
    auto part = [&](size_t i, int64_t& b, int64_t& en) {
        b = eventOf(d[i].stageHi, specs[i].slot);
        en = d[i].endLo;
        return d[i].presLo == 1 && b < en;
    };
    for (size_t i = 0; i < n; ++i) {
        int64_t b, en;
        if (part(i, b, en))
            for (int64_t t = b; t < en; ++t) load[t] += specs[i].demand;
    }
    for (int64_t t = 0; t < horizon; ++t)
        if (load[t] > capacity) return false;
    if (!filtering) return true;
    for (size_t i = 0; i < n; ++i) {
        Dom& x = d[i];
        if (x.presHi == 0) continue;
        const bool present = x.presLo == 1;
        int64_t b, en;
        const bool hasPart = part(i, b, en);
        auto without = [&](int64_t t) {
            const int64_t l = t < horizon ? load[t] : 0;
            return hasPart && b <= t && t < en ? l - specs[i].demand : l;
        };
        auto conflict = [&](int64_t t) { return without(t) + specs[i].demand > capacity; };
        const int64_t sMin = eventOf(x.stageLo, specs[i].slot), sMax = eventOf(x.stageHi, specs[i].slot);
        // (b)
        for (int64_t t = sMax; t < x.endHi; ++t) {
            if (!conflict(t)) continue;
            if (t < x.endLo) {
                if (present) return false;
                x.presHi = 0;
            } else {
                x.endHi = t;
            }
            break;
        }
        if (x.presHi == 0) continue;
        // (c)
        for (int64_t t = x.endLo - 1; t >= sMin; --t) {
            if (!conflict(t)) continue;
            int64_t s = x.stageLo;
            while (s <= x.stageHi && eventOf(s, specs[i].slot) < t + 1) ++s;
            if (s > x.stageHi) {
                if (present) return false;
                x.presHi = 0;
            } else {
                x.stageLo = s;
            }
            break;
        }
    }
    return true;
}

int64_t fixedOverload(const std::vector<Spec>& specs) {  // max load of present tasks, fixed specs
    int64_t horizon = 1;
    for (const Spec& s : specs) horizon = std::max(horizon, s.endLo + 1);
    std::vector<int64_t> load(static_cast<size_t>(horizon), 0);
    for (const Spec& s : specs) {
        if (s.presence != 1) continue;
        for (int64_t t = eventOf(s.stageLo, s.slot); t < s.endLo; ++t) load[t] += s.demand;
    }
    return *std::max_element(load.begin(), load.end());
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("timetable profile: build, apply and queries agree with an event array") {
    std::mt19937_64 rng(11);
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    std::vector<std::pair<int64_t, int64_t>> scratch;
    for (int iter = 0; iter < 500; ++iter) {
        const int64_t horizon = U(1, 40);
        std::vector<ProfileRect> rects;
        std::vector<int64_t> load(static_cast<size_t>(horizon) + 1, 0);
        const int r = static_cast<int>(U(0, 8));
        for (int k = 0; k < r; ++k) {
            const int64_t b = U(0, horizon - 1), en = U(b, horizon), d = U(0, 5);
            rects.push_back({b, en, d});
            for (int64_t t = b; t < en; ++t) load[t] += d;
        }
        ProfileSteps p = buildProfile(rects);
        // Canonical: increasing times, neighbouring levels differ, ends at 0.
        for (size_t k = 0; k < p.size(); ++k) {
            if (k > 0) CHECK(p[k - 1].time < p[k].time);
            CHECK(p[k].level != (k == 0 ? 0 : p[k - 1].level));
        }
        if (!p.empty()) CHECK(p.back().level == 0);
        for (int64_t t = -2; t <= horizon + 2; ++t) {
            const int64_t expect = t >= 0 && t <= horizon ? load[t] : 0;
            REQUIRE(levelAt(p, t) == expect);
        }
        // Remove some rectangles and add others with applyRects.
        std::vector<ProfileRect> delta;
        for (const ProfileRect& x : rects)
            if (U(0, 1) == 0) {
                delta.push_back({x.begin, x.end, -x.demand});
                for (int64_t t = x.begin; t < x.end; ++t) load[t] -= x.demand;
            }
        for (int k = 0; k < 3; ++k) {
            const int64_t b = U(0, horizon - 1), en = U(b, horizon), d = U(0, 5);
            delta.push_back({b, en, d});
            for (int64_t t = b; t < en; ++t) load[t] += d;
        }
        ProfileSteps q;
        applyRects(p, delta, q, scratch);
        std::vector<ProfileRect> all;
        for (int64_t t = 0; t < horizon; ++t)
            if (load[t] != 0) all.push_back({t, t + 1, load[t]});
        CHECK(q == buildProfile(all));
        ProfileIndex idx(q);
        CHECK(idx.maxLevel() == *std::max_element(load.begin(), load.end()));
        for (int k = 0; k < 20; ++k) {
            const int64_t thr = U(-1, 8), from = U(-3, horizon + 2), to = U(from, horizon + 4);
            auto lv = [&](int64_t t) { return t >= 0 && t <= horizon ? load[t] : 0; };
            std::optional<int64_t> first, last;
            for (int64_t t = from; t <= horizon + 1 && !first; ++t)
                if (lv(t) > thr) first = t;
            if (!first && thr < 0) first = from;
            for (int64_t t = to - 1; t >= from && !last; --t)
                if (lv(t) > thr) last = t;
            CHECK(idx.firstAbove(from, thr) == first);
            CHECK(idx.lastAbove(from, to, thr) == last);
        }
    }
}

TEST_CASE("timetable soundness against brute force on tiny task sets") {
    std::mt19937_64 rng(2024);
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    int failures = 0, detected = 0, pruned = 0;
    for (int iter = 0; iter < 600; ++iter) {
        const int n = static_cast<int>(U(3, 5));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) specs.push_back(randomSpec(rng, 3, 3, n == 5 ? 1 : 2, n == 5 ? 3 : 4, 6));
        const int64_t capacity = U(2, 12);
        const bool withLink = iter % 2 == 1;
        const Support sup = enumerate(specs, capacity);

        Engine e;
        const auto tasks = makeTasks(e, specs);
        const auto before = domains(e, tasks);
        e.addPropagator(std::make_unique<Timetable>(tasks, capacity));
        if (withLink) e.addPropagator(std::make_unique<StartBeforeEnd>(tasks));
        const bool ok = e.fixpoint();
        if (!ok) {
            ++failures;
            INFO("iter " << iter << " " << show(before));
            REQUIRE_FALSE(sup.anySolution);
            continue;
        }
        if (!sup.anySolution) ++detected;  // not required: TT is not complete
        const auto after = domains(e, tasks);
        if (!(after == before)) ++pruned;
        for (int i = 0; i < n; ++i) {
            INFO("iter " << iter << " task " << i << " before " << show(before) << " after " << show(after));
            const StageTask& t = tasks[i];
            if (sup.present[i]) {
                REQUIRE(e.ub(t.presence) == 1);
                REQUIRE(e.lb(t.stage) <= sup.stageMin[i]);
                REQUIRE(e.ub(t.stage) >= sup.stageMax[i]);
                REQUIRE(e.lb(t.end) <= sup.endMin[i]);
                REQUIRE(e.ub(t.end) >= sup.endMax[i]);
            }
            if (sup.absent[i]) REQUIRE(e.lb(t.presence) == 0);
        }
    }
    MESSAGE("brute force: " << failures << " failures, " << pruned << " pruned, " << detected
                            << " infeasible but not detected");
    CHECK(failures > 0);
    CHECK(pruned > 50);
}

TEST_CASE("timetable equals a naive event-by-event implementation of the rules") {
    std::mt19937_64 rng(7);
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    int changed = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const int n = static_cast<int>(U(1, 8));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) specs.push_back(randomSpec(rng, 5, 5, 3, 8, 7));
        const int64_t capacity = U(0, 14);
        const bool filtering = U(0, 3) != 0;
        Engine e;
        const auto tasks = makeTasks(e, specs);
        auto expect = domains(e, tasks);
        const auto before = expect;
        const bool expectOk = naiveTimetable(expect, specs, capacity, filtering);
        e.addPropagator(std::make_unique<Timetable>(tasks, capacity, TimetableOptions{filtering}));
        const bool ok = e.fixpoint();
        INFO("iter " << iter << " cap " << capacity << " filtering " << filtering << " " << show(before));
        REQUIRE(ok == expectOk);
        if (!ok) continue;
        const auto after = domains(e, tasks);
        REQUIRE(show(after) == show(expect));
        if (!(after == before)) ++changed;
        // One call is the fixpoint, also from scratch.
        REQUIRE(e.fixpointFromScratch());
        REQUIRE(domains(e, tasks) == after);
    }
    CHECK(changed > 300);
}

TEST_CASE("timetable on fixed assignments fails exactly when overloaded") {
    std::mt19937_64 rng(99);
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    int overloaded = 0;
    for (int iter = 0; iter < 2000; ++iter) {
        const int n = static_cast<int>(U(1, 8));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) {
            Spec s;
            s.slot = static_cast<int>(U(0, 4));
            s.stageLo = s.stageHi = s.slot + U(0, 4);
            s.endLo = s.endHi = eventOf(s.stageLo, s.slot) + U(1, 12);
            s.presence = static_cast<int>(U(0, 3) == 0 ? 0 : 1);
            s.demand = U(0, 6);
            specs.push_back(s);
        }
        const int64_t capacity = U(0, 14);
        const bool over = fixedOverload(specs) > capacity;
        overloaded += over;
        for (bool filtering : {true, false}) {
            Engine e;
            const auto tasks = makeTasks(e, specs);
            e.addPropagator(std::make_unique<Timetable>(tasks, capacity, TimetableOptions{filtering}));
            CHECK(e.fixpoint() == !over);
        }
    }
    CHECK(overloaded > 200);
}

TEST_CASE("timetable incremental propagate agrees with from-scratch along random dives") {
    std::mt19937_64 rng(5);
    auto U = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
    uint64_t steps = 0, fails = 0, prunings = 0, rootFails = 0;
    for (int iter = 0; iter < 150; ++iter) {
        const int n = static_cast<int>(U(4, 25));
        std::vector<Spec> specs;
        for (int i = 0; i < n; ++i) specs.push_back(randomSpec(rng, 3, 2, 3, 25, 9));
        const int64_t capacity = U(8, 20);
        const bool filtering = iter % 5 != 4;
        const bool withLink = iter % 2 == 0;
        Engine inc, ref;
        const auto tInc = makeTasks(inc, specs);
        const auto tRef = makeTasks(ref, specs);
        inc.addPropagator(std::make_unique<Timetable>(tInc, capacity, TimetableOptions{filtering}));
        ref.addPropagator(std::make_unique<Timetable>(tRef, capacity, TimetableOptions{filtering}));
        if (withLink) {
            inc.addPropagator(std::make_unique<StartBeforeEnd>(tInc));
            ref.addPropagator(std::make_unique<StartBeforeEnd>(tRef));
        }
        ref.setFromScratchMode(true);
        auto& ttInc = inc.propagator(0);
        const bool ok0 = inc.fixpoint();
        REQUIRE(ok0 == ref.fixpoint());
        if (!ok0) {
            ++rootFails;
            continue;
        }
        REQUIRE(domains(inc, tInc) == domains(ref, tRef));
        for (int step = 0; step < 120; ++step) {
            // Backtrack now and then (always after a failure).
            if (inc.failed() || (inc.level() > 0 && U(0, 7) == 0)) {
                const auto target = static_cast<int32_t>(std::max<int64_t>(0, inc.level() - U(1, 4)));
                inc.popToLevel(target);
                ref.popToLevel(target);
                REQUIRE(domains(inc, tInc) == domains(ref, tRef));
                continue;
            }
            // A random decision on a random unfixed variable.
            const auto i = static_cast<size_t>(U(0, n - 1));
            const int kind = static_cast<int>(U(0, 2));
            const VarId xi = kind == 0 ? tInc[i].presence : kind == 1 ? tInc[i].stage : tInc[i].end;
            const VarId xr = kind == 0 ? tRef[i].presence : kind == 1 ? tRef[i].stage : tRef[i].end;
            if (inc.isFixed(xi)) continue;
            inc.pushLevel();
            ref.pushLevel();
            const int64_t lo = inc.lb(xi), hi = inc.ub(xi);
            const int64_t v = U(lo, hi);
            if (U(0, 1) == 0) {
                inc.setLb(xi, std::max(v, lo + 1));
                ref.setLb(xr, std::max(v, lo + 1));
            } else {
                inc.setUb(xi, std::min(v, hi - 1));
                ref.setUb(xr, std::min(v, hi - 1));
            }
            const bool a = inc.fixpoint();
            const bool b = ref.fixpoint();
            ++steps;
            INFO("iter " << iter << " step " << step);
            REQUIRE(a == b);
            if (!a) {
                ++fails;
                continue;
            }
            const auto d = domains(inc, tInc);
            REQUIRE(show(d) == show(domains(ref, tRef)));
            // The incremental fixpoint is a fixpoint of the reference versions too.
            REQUIRE(inc.fixpointFromScratch());
            REQUIRE(domains(inc, tInc) == d);
        }
        prunings += ttInc.stats().prunings;
    }
    MESSAGE("incremental: " << rootFails << " root failures, " << steps << " decisions, " << fails << " failures, " << prunings
                            << " prunings by the incremental Timetable");
    // Timetable keeps each task's bounds clear of conflicts, so a single decision rarely fails;
    // failures come from cascades and presence decisions.
    CHECK(fails > 10);
    CHECK(prunings > 500);
}

// Hand-made cases. Events: eventOf(stage, slot) = stage(stage+1)/2 + slot.
TEST_CASE("timetable rules by hand") {
    // B: present, fixed on [8, 12) (slot 2, stage 3), demand 5. Capacity 10.
    const Spec B{2, 3, 3, 12, 12, 1, 5};

    SUBCASE("(b) end max of a present task") {
        // A: slot 0, stage 0 (start 0), end in [1, 20], demand 6: it covers [0, end) so end <= 8.
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{0, 0, 0, 1, 20, 1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK(e.ub(tasks[1].end) == 8);
        CHECK(e.lb(tasks[1].end) == 1);
    }
    SUBCASE("(c) start min pushes a stage") {
        // C: slot 1, stage in [1, 5], end >= 20, demand 6. It covers [S, 20): S > 11, and the
        // first stage with eventOf(s, 1) >= 12 is 5 (eventOf(4, 1) = 11, eventOf(5, 1) = 16).
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{1, 1, 5, 20, 30, 1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK(e.lb(tasks[1].stage) == 5);
        CHECK(e.ub(tasks[1].end) == 30);
    }
    SUBCASE("(c) on a present task fails when no stage is late enough") {
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{1, 1, 4, 20, 30, 1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        CHECK_FALSE(e.fixpoint());  // C's compulsory part [11, 20) meets B's
    }
    SUBCASE("(d) an undecided copy whose compulsory part would overload becomes absent") {
        // D: slot 0, stage 2 (start 3), end >= 10, demand 6: [3, 10) meets B.
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{0, 2, 2, 10, 15, -1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(tasks[1].presence));
        CHECK(e.lb(tasks[1].end) == 10);  // absent: its bounds are left alone
        CHECK(e.ub(tasks[1].end) == 15);
    }
    SUBCASE("(d) an undecided copy gets conditional bounds and stays undecided") {
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{0, 0, 0, 1, 20, -1, 6}, Spec{1, 1, 5, 20, 30, -1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK_FALSE(e.isFixed(tasks[1].presence));
        CHECK(e.ub(tasks[1].end) == 8);
        CHECK_FALSE(e.isFixed(tasks[2].presence));
        CHECK(e.lb(tasks[2].stage) == 5);
    }
    SUBCASE("(d) an undecided copy that cannot start late enough becomes absent") {
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{1, 1, 4, 20, 30, -1, 6}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(tasks[1].presence));
    }
    SUBCASE("(d) a demand above the capacity makes an undecided copy absent") {
        // Timetable alone only bounds it (end <= startMax, start >= endMin): it does not know
        // start < end. With that constraint beside it the cascade removes the copy.
        Engine e;
        const auto tasks = makeTasks(e, {Spec{0, 0, 3, 1, 30, -1, 11}});
        e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        CHECK(e.ub(tasks[0].end) == 6);
        CHECK(e.lb(tasks[0].stage) == 1);
        e.addPropagator(std::make_unique<StartBeforeEnd>(tasks));
        REQUIRE(e.fixpoint());
        CHECK(e.isFalse(tasks[0].presence));
    }
    SUBCASE("(a) overload fails, also without filtering") {
        for (bool filtering : {true, false}) {
            Engine e;
            const auto tasks = makeTasks(e, {B, Spec{0, 3, 3, 9, 9, 1, 6}});  // [6, 9) meets [8, 12)
            e.addPropagator(std::make_unique<Timetable>(tasks, 10, TimetableOptions{filtering}));
            CHECK_FALSE(e.fixpoint());
        }
    }
    SUBCASE("filtering off prunes nothing") {
        Engine e;
        const std::vector<Spec> specs{B, Spec{0, 0, 0, 1, 20, 1, 6}, Spec{1, 1, 5, 20, 30, 1, 6},
                                      Spec{0, 2, 2, 10, 15, -1, 6}, Spec{1, 1, 4, 20, 30, -1, 6}};
        const auto tasks = makeTasks(e, specs);
        const auto before = domains(e, tasks);
        e.addPropagator(std::make_unique<Timetable>(tasks, 10, TimetableOptions{false}));
        REQUIRE(e.fixpoint());
        CHECK(domains(e, tasks) == before);
        // A decision that creates an overload still fails.
        e.pushLevel();
        e.setUb(tasks[2].stage, 4);  // C's compulsory part becomes [11, 20)
        CHECK_FALSE(e.fixpoint());
        e.popToLevel(0);
        CHECK(domains(e, tasks) == before);
    }
    SUBCASE("the profile follows decisions and backtracking") {
        Engine e;
        const auto tasks = makeTasks(e, {B, Spec{0, 0, 0, 1, 20, 1, 6}, Spec{1, 1, 5, 20, 30, 1, 3}});
        auto& tt = e.addPropagator(std::make_unique<Timetable>(tasks, 10));
        REQUIRE(e.fixpoint());
        const ProfileSteps root = tt.profile();
        CHECK(root == ProfileSteps{{0, 6}, {1, 0}, {8, 5}, {12, 0}, {16, 3}, {20, 0}});
        e.pushLevel();
        REQUIRE(e.setLb(tasks[1].end, 5));  // A's compulsory part [0, 5)
        REQUIRE(e.fixpoint());
        CHECK(tt.profile() == ProfileSteps{{0, 6}, {5, 0}, {8, 5}, {12, 0}, {16, 3}, {20, 0}});
        e.pushLevel();
        REQUIRE(e.setUb(tasks[2].stage, 4));  // C: [11, 20), 5 + 3 fits
        REQUIRE(e.fixpoint());
        CHECK(levelAt(tt.profile(), 11) == 8);
        e.popToLevel(0);
        CHECK(tt.profile() == root);
        CHECK(compulsoryProfile(e, tasks) == root);
    }
}

TEST_CASE("timetable with values of the real scale (demands 1e10, events 5e9)") {
    const int64_t G = 10'000'000'000;  // demand 1e10
    const int slot = 50'000;
    const int64_t s0 = 100'000;  // eventOf(1e5, 5e4) ~ 5e9
    const int64_t S0 = eventOf(s0, slot);
    // B: present, fixed on [S0 + 1e9, S0 + 3e9) -- a segment of 2e9 events -- demand 1e10.
    // The capacity 1.5e10 leaves room for one of them only.
    Spec b;
    b.slot = 7;
    b.stageLo = b.stageHi = stageOfEvent(S0 + 1'000'000'000);
    const int64_t bStart = eventOf(b.stageLo, b.slot);
    b.endLo = b.endHi = bStart + 2'000'000'000;
    b.demand = G;
    // A: present, starts at S0, end in [S0 + 1, S0 + 4e9]: end <= bStart.
    Spec a{slot, s0, s0, S0 + 1, S0 + 4'000'000'000, 1, G};
    // C: undecided, slot 50000, stage in [s0, s0 + 60000], end >= bStart + 2e9 + 10: must start
    // after B's end.
    Spec c{slot, s0, s0 + 60'000, b.endLo + 10, b.endLo + 100, -1, G};
    Engine e;
    const auto tasks = makeTasks(e, {b, a, c});
    e.addPropagator(std::make_unique<Timetable>(tasks, 3 * G / 2));
    REQUIRE(e.fixpoint());
    CHECK(e.ub(tasks[1].end) == bStart);
    CHECK_FALSE(e.isFixed(tasks[2].presence));
    CHECK(stagetask::startMin(e, tasks[2]) >= b.endLo);
    CHECK(eventOf(e.lb(tasks[2].stage) - 1, slot) < b.endLo);
    // A large capacity (1e13) with many large demands: sums stay exact.
    Engine f;
    std::vector<Spec> many;
    for (int i = 0; i < 999; ++i) many.push_back(Spec{slot, s0, s0, S0 + 1'000'000'000, S0 + 1'000'000'000, 1, G});
    many.push_back(Spec{slot, s0, s0 + 10, S0 + 1'000'000'005, S0 + 2'000'000'000, -1, G + 1});
    const auto t2 = makeTasks(f, many);
    f.addPropagator(std::make_unique<Timetable>(t2, 1000 * G));
    REQUIRE(f.fixpoint());
    CHECK(f.isFalse(t2.back().presence));  // 999e10 + 1e10 + 1 > 1e13 over [S0, S0 + 1e9)
}
