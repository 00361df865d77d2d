// Trail, Rev<T> and backtrack callbacks: the engine's state after popToLevel(l) must equal a
// naive copy of the whole state taken when level l + 1 was pushed.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "solver/Engine.h"
#include "solver/Rev.h"

using namespace moccasin::solver;

namespace {

struct SmallPair {
    int16_t a = 0;
    int16_t b = 0;
    bool operator==(const SmallPair&) const = default;
};

// Everything the random walk touches, by value.
struct Snapshot {
    std::vector<int64_t> lbs, ubs, r64;
    std::vector<int32_t> r32;
    std::vector<bool> rb;
    std::vector<SmallPair> rp;
    bool operator==(const Snapshot&) const = default;
};

struct RevState {
    std::vector<RevInt64> r64 = std::vector<RevInt64>(4);
    std::vector<RevInt32> r32 = std::vector<RevInt32>(3);
    std::vector<RevBool> rb = std::vector<RevBool>(2);
    std::vector<Rev<SmallPair>> rp = std::vector<Rev<SmallPair>>(2);
};

Snapshot take(const Engine& e, const RevState& s) {
    Snapshot snap;
    for (VarId x = 0; x < e.numVars(); ++x) {
        snap.lbs.push_back(e.lb(x));
        snap.ubs.push_back(e.ub(x));
    }
    for (const auto& r : s.r64) snap.r64.push_back(r.get());
    for (const auto& r : s.r32) snap.r32.push_back(r.get());
    for (const auto& r : s.rb) snap.rb.push_back(r.get());
    for (const auto& r : s.rp) snap.rp.push_back(r.get());
    return snap;
}

// A propagator with no constraint: it only counts backtrack callbacks.
class BacktrackCounter final : public Propagator {
public:
    int callbacks = 0;
    std::string_view name() const override { return "BacktrackCounter"; }
    Priority priority() const override { return Priority::Cheap; }
    void attach(Engine&) override {}
    bool propagateFromScratch(Engine&) override { return true; }
    void onBacktrack(Engine&) override { ++callbacks; }
};

}  // namespace

TEST_CASE("Solver trail: random nested push/change/pop matches a copy-per-level model") {
    for (uint64_t seed = 1; seed <= 30; ++seed) {
        std::mt19937_64 rng(seed);
        auto pick = [&](int64_t lo, int64_t hi) {
            return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
        };
        Engine e;
        const int nVars = 6;
        // Mix small and huge domains: int64 everywhere.
        for (int i = 0; i < nVars; ++i) {
            if (i % 2 == 0) e.addVar(-50, 50);
            else e.addVar(-5'000'000'000'000, 5'000'000'000'000);
        }
        RevState revs;
        std::vector<Snapshot> pushed;  // pushed[l] = state when level l + 1 was pushed
        for (int step = 0; step < 3000; ++step) {
            const int64_t op = pick(0, 11);
            if (op <= 1 && e.level() < 10) {
                pushed.push_back(take(e, revs));
                e.pushLevel();
            } else if (op == 2 && e.level() > 0) {
                const auto target = static_cast<int32_t>(pick(0, e.level() - 1));
                e.popToLevel(target);
                REQUIRE(e.level() == target);
                CHECK(take(e, revs) == pushed[target]);
                pushed.resize(target);
            } else if (op <= 6) {
                const auto x = static_cast<VarId>(pick(0, nVars - 1));
                const int64_t v = pick(e.lb(x), e.ub(x));  // inside the domain: never fails
                const bool ok = (op % 3 == 0) ? e.setLb(x, v) : (op % 3 == 1) ? e.setUb(x, v) : e.fix(x, v);
                REQUIRE(ok);
                CHECK(e.lb(x) <= e.ub(x));
            } else {
                switch (pick(0, 3)) {
                    case 0: revs.r64[pick(0, 3)].set(e.trail(), pick(-9'000'000'000'000'000, 9'000'000'000'000'000)); break;
                    case 1: revs.r32[pick(0, 2)].set(e.trail(), static_cast<int32_t>(pick(-100, 100))); break;
                    case 2: revs.rb[pick(0, 1)].set(e.trail(), pick(0, 1) == 1); break;
                    default:
                        revs.rp[pick(0, 1)].set(e.trail(), SmallPair{static_cast<int16_t>(pick(-9, 9)),
                                                                      static_cast<int16_t>(pick(-9, 9))});
                }
            }
        }
        if (e.level() > 0) {
            e.popToLevel(0);
            CHECK(take(e, revs) == pushed[0]);
        }
        CHECK(e.trail().size() == 0);
    }
}

TEST_CASE("Solver trail: level 0 is permanent and a Rev is saved at most once per level") {
    Engine e;
    const VarId x = e.addVar(0, 100);
    RevInt64 r(7);
    CHECK(e.setLb(x, 10));
    r.set(e.trail(), 8);
    CHECK(e.trail().size() == 0);  // nothing is recorded at level 0

    e.pushLevel();
    for (int64_t v = 9; v < 20; ++v) r.set(e.trail(), v);
    CHECK(e.trail().size() == 1);
    CHECK(e.setLb(x, 20));
    CHECK(e.setLb(x, 30));
    CHECK(e.setUb(x, 90));
    CHECK(e.trail().size() == 4);  // one entry per bound change
    e.pushLevel();
    r.set(e.trail(), 100);
    r.set(e.trail(), 101);
    CHECK(e.trail().size() == 5);
    e.popToLevel(1);
    CHECK(r.get() == 19);
    // Same level number, new level instance: the next write must be saved again.
    e.pushLevel();
    r.set(e.trail(), 200);
    e.popToLevel(1);
    CHECK(r.get() == 19);
    e.popToLevel(0);
    CHECK(r.get() == 8);
    CHECK(e.lb(x) == 10);
    CHECK(e.ub(x) == 100);
}

TEST_CASE("Solver trail: backtrack callbacks fire once, after the requesting level is popped") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    auto& p = e.addPropagator(std::make_unique<BacktrackCounter>());
    REQUIRE(e.fixpoint());

    e.requestBacktrackCallback(p);  // level 0: never popped, never called
    e.pushLevel();                  // level 1
    e.pushLevel();                  // level 2
    e.requestBacktrackCallback(p);
    e.requestBacktrackCallback(p);
    const size_t entries = e.trail().size();
    e.requestBacktrackCallback(p);
    CHECK(e.trail().size() == entries);  // deduplicated within the level
    e.pushLevel();                  // level 3
    e.popToLevel(2);                // pops level 3 only: no request there
    CHECK(p.callbacks == 0);
    e.pushLevel();                  // level 3 again
    e.requestBacktrackCallback(p);
    e.pushLevel();                  // level 4
    e.requestBacktrackCallback(p);
    e.popToLevel(1);                // pops levels 4, 3, 2: one call
    CHECK(p.callbacks == 1);
    e.popToLevel(0);
    CHECK(p.callbacks == 1);

    // Domains are already restored when the callback runs.
    struct Probe final : Propagator {
        VarId var;
        int64_t seenLb = -1;
        explicit Probe(VarId v) : var(v) {}
        std::string_view name() const override { return "Probe"; }
        Priority priority() const override { return Priority::Cheap; }
        void attach(Engine&) override {}
        bool propagateFromScratch(Engine&) override { return true; }
        void onBacktrack(Engine& engine) override { seenLb = engine.lb(var); }
    };
    auto& probe = e.addPropagator(std::make_unique<Probe>(x));
    REQUIRE(e.fixpoint());
    e.pushLevel();
    CHECK(e.setLb(x, 5));
    e.requestBacktrackCallback(probe);
    e.popToLevel(0);
    CHECK(probe.seenLb == 0);
}

TEST_CASE("Solver trail: variables are created at level 0 with valid domains only") {
    Engine e;
    CHECK_THROWS_AS(e.addVar(3, 2), std::invalid_argument);
    CHECK_THROWS_AS(e.addVar(0, kMaxValue + 1), std::invalid_argument);
    const VarId b = e.addBool();
    CHECK(e.lb(b) == 0);
    CHECK(e.ub(b) == 1);
    CHECK(!e.isFixed(b));
    e.pushLevel();
    CHECK_THROWS_AS(e.addVar(0, 1), std::logic_error);
    CHECK(e.fix(b, 1));
    CHECK(e.isTrue(b));
    CHECK(!e.isFalse(b));
    CHECK(e.value(b) == 1);
    e.popToLevel(0);
    CHECK(e.setUb(b, 0));
    CHECK(e.isFalse(b));
    CHECK(e.isFixed(b));
}
