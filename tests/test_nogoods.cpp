// The nogood store (solver/NogoodStore.h): its two-watched-literal propagation against the
// from-scratch scan, and both against the solutions enumerated on tiny domains.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <vector>

#include "solver/BoundLiteral.h"
#include "solver/Engine.h"
#include "solver/NogoodStore.h"

using namespace moccasin::solver;

namespace {

constexpr int kVars = 4;
constexpr int64_t kMax = 3;  // domains [0, 3]

struct Setup {
    Engine engine;
    NogoodStore* store = nullptr;
    std::vector<VarId> vars;
    Setup() {
        for (int i = 0; i < kVars; ++i) vars.push_back(engine.addVar(0, kMax));
        store = &engine.addPropagator(std::make_unique<NogoodStore>());
    }
};

BoundLiteral randomLiteral(std::mt19937_64& rng) {
    return BoundLiteral{static_cast<VarId>(rng() % kVars), rng() % 2 == 0, static_cast<int64_t>(rng() % (kMax + 1))};
}

bool holds(const BoundLiteral& l, const std::vector<int64_t>& x) {
    return l.lower ? x[static_cast<size_t>(l.var)] >= l.value : x[static_cast<size_t>(l.var)] <= l.value;
}

// Assignments that satisfy every decision and violate no nogood.
std::vector<std::vector<int64_t>> solutions(const std::vector<std::vector<BoundLiteral>>& nogoods,
                                            const std::vector<BoundLiteral>& decisions) {
    std::vector<std::vector<int64_t>> out;
    std::vector<int64_t> x(kVars, 0);
    for (int64_t code = 0; code < (kMax + 1) * (kMax + 1) * (kMax + 1) * (kMax + 1); ++code) {
        int64_t c = code;
        for (int i = 0; i < kVars; ++i, c /= (kMax + 1)) x[static_cast<size_t>(i)] = c % (kMax + 1);
        bool ok = true;
        for (const BoundLiteral& d : decisions) ok = ok && holds(d, x);
        for (const auto& ng : nogoods) {
            bool all = true;
            for (const BoundLiteral& l : ng) all = all && holds(l, x);
            ok = ok && !all;
        }
        if (ok) out.push_back(x);
    }
    return out;
}

void checkSound(const Engine& e, bool failed, const std::vector<std::vector<int64_t>>& sols) {
    if (failed) {
        CHECK(sols.empty());  // a failure is a proof that nothing is left
        return;
    }
    for (const auto& x : sols)
        for (int i = 0; i < kVars; ++i) {
            CHECK(e.lb(i) <= x[static_cast<size_t>(i)]);  // no solution is pruned
            CHECK(x[static_cast<size_t>(i)] <= e.ub(i));
        }
}

// After a fixpoint: a from-scratch pass over everything succeeds and changes no bound (the
// watched propagation left nothing to do).
void requireScratchFindsNothing(Engine& e) {
    std::vector<Bounds> before;
    for (int i = 0; i < kVars; ++i) before.push_back(Bounds{e.lb(i), e.ub(i)});
    REQUIRE(e.fixpointFromScratch());
    for (int i = 0; i < kVars; ++i) CHECK(before[static_cast<size_t>(i)] == Bounds{e.lb(i), e.ub(i)});
}

}  // namespace

TEST_CASE("nogoods: watched propagation equals the from-scratch scan and removes no solution") {
    std::mt19937_64 rng(11);
    int failures = 0, prunings = 0;
    for (int round = 0; round < 400; ++round) {
        CAPTURE(round);
        // `scratch` runs only reference propagation over everything (Engine::fixpointFromScratch),
        // so it does not depend on which variables wake the store.
        Setup inc, ref, scratch;
        std::vector<std::vector<BoundLiteral>> nogoods;
        const int count = 3 + static_cast<int>(rng() % 8);
        bool rootOk = true;
        for (int k = 0; k < count && rootOk; ++k) {
            std::vector<BoundLiteral> ng;
            const int len = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < len; ++i) ng.push_back(randomLiteral(rng));
            nogoods.push_back(ng);
            const bool a = inc.store->add(inc.engine, ng);
            const bool b = scratch.store->add(scratch.engine, ng);
            const bool c = ref.store->add(ref.engine, ng);
            REQUIRE(a == b);
            REQUIRE(a == c);
            rootOk = a;
        }
        if (!rootOk) {
            CHECK(solutions(nogoods, {}).empty());
            continue;
        }
        REQUIRE(inc.engine.fixpoint() == scratch.engine.fixpointFromScratch());
        REQUIRE(ref.engine.fixpoint());
        std::vector<BoundLiteral> decisions;
        for (int step = 0; step < 12; ++step) {
            if (!decisions.empty() && rng() % 4 == 0) {
                const auto to = static_cast<int32_t>(rng() % decisions.size());
                inc.engine.popToLevel(to);
                scratch.engine.popToLevel(to);
                ref.engine.popToLevel(to);
                decisions.resize(static_cast<size_t>(to));
            }
            const BoundLiteral d = randomLiteral(rng);
            inc.engine.pushLevel();
            scratch.engine.pushLevel();
            ref.engine.pushLevel();
            decisions.push_back(d);
            const bool okInc = d.apply(inc.engine) && inc.engine.fixpoint();
            const bool okScratch = d.apply(scratch.engine) && scratch.engine.fixpointFromScratch();
            bool okRef = d.apply(ref.engine) && ref.engine.fixpoint();
            CAPTURE(step);
            REQUIRE(okInc == okScratch);
            // `ref` also checks from scratch in between: its watched propagation must stay as
            // complete as `inc`'s, not only sound.
            CHECK(okRef == okInc);
            const auto sols = solutions(nogoods, decisions);
            checkSound(inc.engine, !okInc, sols);
            if (!okInc) {
                ++failures;
                inc.engine.popToLevel(static_cast<int32_t>(decisions.size()) - 1);
                scratch.engine.popToLevel(static_cast<int32_t>(decisions.size()) - 1);
                ref.engine.popToLevel(static_cast<int32_t>(decisions.size()) - 1);
                decisions.pop_back();
                continue;
            }
            for (int i = 0; i < kVars; ++i) {
                CHECK(inc.engine.lb(i) == scratch.engine.lb(i));
                CHECK(inc.engine.ub(i) == scratch.engine.ub(i));
            }
            // `ref` runs incrementally but is checked from scratch at every third step: the scan must
            // find nothing left to do, and the store must go on soundly afterwards.
            if (okRef && step % 3 == 0) requireScratchFindsNothing(ref.engine);
            checkSound(ref.engine, !okRef, sols);
            if (okRef)
                for (int i = 0; i < kVars; ++i) {
                    CHECK(ref.engine.lb(i) == inc.engine.lb(i));
                    CHECK(ref.engine.ub(i) == inc.engine.ub(i));
                }
        }
        prunings += static_cast<int>(inc.store->units());
    }
    MESSAGE(failures << " failed decisions, " << prunings << " bounds set by watched nogoods");
    CHECK(failures > 50);
    CHECK(prunings > 100);
}

TEST_CASE("nogoods: recording at level 0") {
    Setup s;
    Engine& e = s.engine;
    // A unit nogood becomes a bound at once.
    CHECK(s.store->add(e, {BoundLiteral{0, true, 2}}));
    CHECK(e.ub(0) == 1);
    CHECK(s.store->unitAtRoot() == 1);
    // Contradictory literals never hold together: nothing is stored.
    CHECK(s.store->add(e, {BoundLiteral{1, true, 3}, BoundLiteral{1, false, 1}}));
    CHECK(s.store->size() == 0);
    // Literals on one variable keep the strongest: [x2 >= 1] and [x2 >= 3] is [x2 >= 3].
    CHECK(s.store->add(e, {BoundLiteral{2, true, 1}, BoundLiteral{2, true, 3}, BoundLiteral{3, false, 0}}));
    CHECK(s.store->size() == 1);
    CHECK(s.store->literals() == 2);
    e.pushLevel();
    CHECK(e.setUb(3, 0));
    CHECK(e.fixpoint());
    CHECK(e.ub(2) == 2);  // [x3 <= 0] true, so [x2 >= 3] must be false
    e.popToLevel(0);
    CHECK(e.ub(2) == 3);
    // A nogood whose literals all hold at level 0 closes everything; so does the empty one.
    CHECK_FALSE(s.store->add(e, {BoundLiteral{0, false, 1}}));
    CHECK_FALSE(s.store->add(e, {}));
    e.pushLevel();
    CHECK_THROWS(s.store->add(e, {BoundLiteral{1, true, 1}}));
}

TEST_CASE("nogoods: a from-scratch call leaves the watched propagation complete after backtracking") {
    // {[x0 >= 1], [x1 >= 1], [x2 >= 1], [x3 >= 1]}: [x0 >= 1] at level 1 (incremental), then
    // [x1 >= 1] at level 2 and [x2 >= 1] at level 3 propagated from scratch, which makes [x3 >= 1]
    // false. The watches rebuilt after that must include [x2 >= 1], the literal made true last:
    // after backtracking to level 2, deciding [x2 >= 1] again must make [x3 >= 1] false again.
    Setup s;
    Engine& e = s.engine;
    REQUIRE(s.store->add(e, {BoundLiteral{0, true, 1}, BoundLiteral{1, true, 1}, BoundLiteral{2, true, 1},
                             BoundLiteral{3, true, 1}}));
    e.pushLevel();
    REQUIRE(e.setLb(0, 1));
    REQUIRE(e.fixpoint());
    e.pushLevel();
    REQUIRE(e.setLb(1, 1));
    REQUIRE(e.fixpointFromScratch());
    e.pushLevel();
    REQUIRE(e.setLb(2, 1));
    REQUIRE(e.fixpointFromScratch());
    CHECK(e.ub(3) == 0);
    e.pushLevel();
    REQUIRE(e.setLb(1, 2));  // wakes the store: its first incremental call after the scans
    REQUIRE(e.fixpoint());
    e.popToLevel(2);
    CHECK(e.ub(3) == kMax);
    e.pushLevel();
    REQUIRE(e.setLb(2, 1));
    REQUIRE(e.fixpoint());
    CHECK(e.ub(3) == 0);
}

TEST_CASE("nogoods: deleting learnt nogoods spares the reasons on the trail and leaves the rest complete") {
    // Random dives in which, now and then, the literals true at that moment become a learnt
    // nogood (as after a conflict: the dive then backtracks one level), under a limit of a few
    // live learnt nogoods, so that the store deletes often. After every fixpoint: a from-scratch
    // scan of the live nogoods finds nothing more (the deletions left their watches complete),
    // no assignment that all nogoods ever recorded allow is pruned, and every bound a nogood set
    // on the trail names a live one.
    std::mt19937_64 rng(5);
    int64_t deleted = 0, learnt = 0, reasonsChecked = 0;
    for (int round = 0; round < 200; ++round) {
        CAPTURE(round);
        Setup s;
        Engine& e = s.engine;
        e.setLearning(true);
        s.store->setLimits({1000000, 2 + static_cast<int64_t>(rng() % 3), 1.0});
        std::vector<std::vector<BoundLiteral>> all;
        std::vector<BoundLiteral> decisions;
        auto settle = [&](bool ok) {
            if (s.store->hasPendingLearnt()) e.schedule(*s.store);
            ok = ok && e.fixpoint();
            if (!ok) return false;
            requireScratchFindsNothing(e);
            checkSound(e, false, solutions(all, decisions));
            const Implications& imp = e.implications();
            for (int64_t p = 0; p < imp.size(); ++p)
                if (imp[p].by == s.store) {
                    CHECK_FALSE(s.store->nogood(imp[p].code).empty());
                    ++reasonsChecked;
                }
            return true;
        };
        // After a failure: back up one level at a time until the propagation holds; false when
        // even level 0 fails (then nothing is left).
        auto recover = [&] {
            while (true) {
                CHECK(solutions(all, decisions).empty());
                if (e.level() == 0) return false;
                e.popToLevel(e.level() - 1);
                decisions.pop_back();
                if (settle(true)) return true;
            }
        };
        for (int step = 0; step < 80; ++step) {
            if (!decisions.empty() && rng() % 5 == 0) {
                const auto to = static_cast<int32_t>(rng() % decisions.size());
                e.popToLevel(to);
                decisions.resize(static_cast<size_t>(to));
                if (!settle(true) && !recover()) break;
            }
            if (e.level() > 0 && rng() % 3 == 0) {
                // A nogood of literals true now, as after a conflict: this level's decision and
                // two other variables at their current bounds.
                std::vector<BoundLiteral> ng{decisions.back()};
                const VarId skip = (decisions.back().var + 1 + static_cast<VarId>(rng() % (kVars - 1))) % kVars;
                for (VarId x = 0; x < kVars; ++x) {
                    if (x == skip || x == decisions.back().var) continue;
                    ng.push_back(rng() % 2 == 0 ? BoundLiteral{x, true, e.lb(x)} : BoundLiteral{x, false, e.ub(x)});
                }
                if (s.store->addLearnt(e, ng)) {
                    all.push_back(ng);
                    ++learnt;
                }
                e.popToLevel(e.level() - 1);
                decisions.pop_back();
                if (!settle(true) && !recover()) break;
                continue;
            }
            const BoundLiteral d = randomLiteral(rng);
            e.pushLevel();
            decisions.push_back(d);
            if (!settle(d.apply(e)) && !recover()) break;
        }
        deleted += s.store->learntDeleted();
    }
    MESSAGE(learnt << " learnt, " << deleted << " deleted, " << reasonsChecked << " reasons on the trail checked");
    CHECK(deleted > 50);
    CHECK(reasonsChecked > 200);
}
