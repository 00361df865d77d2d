// Failure: an emptied domain or a failing propagator puts the engine in the failed state,
// fixpoint() returns false with an empty queue, and popToLevel() recovers (except from a failure
// at level 0, which proves infeasibility and stays).
#include <doctest/doctest.h>

#include <memory>
#include <string_view>

#include "solver/Engine.h"
#include "solver/LessEqualOffset.h"

using namespace moccasin::solver;

namespace {

// Counts its runs; fails on demand without touching any domain.
class Switch final : public Propagator {
public:
    Switch(VarId watched, Priority priority) : watched_(watched), priority_(priority) {}
    bool failNext = false;
    int calls = 0;
    std::string_view name() const override { return "Switch"; }
    Priority priority() const override { return priority_; }
    void attach(Engine& e) override { e.watch(watched_, Event::Any, *this, 0); }
    bool propagateFromScratch(Engine&) override {
        ++calls;
        return !failNext;
    }

private:
    VarId watched_;
    Priority priority_;
};

}  // namespace

TEST_CASE("Solver failure: an empty domain fails and popToLevel recovers") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    REQUIRE(e.fixpoint());
    e.pushLevel();
    CHECK(e.setLb(x, 4));
    e.pushLevel();
    CHECK(e.setUb(x, 6));
    CHECK_FALSE(e.setLb(x, 7));
    CHECK(e.failed());
    CHECK(e.lb(x) == 4);  // the refused change left the domain alone
    CHECK(e.ub(x) == 6);
    CHECK_FALSE(e.fixpoint());
    CHECK(e.stats().failures == 1);
    e.popToLevel(1);
    CHECK_FALSE(e.failed());
    CHECK(e.lb(x) == 4);
    CHECK(e.ub(x) == 10);
    CHECK(e.fixpoint());
    CHECK_FALSE(e.fix(x, 11));
    CHECK_FALSE(e.setUb(x, 3));
    CHECK(e.stats().failures == 2);  // counted once per entry into the failed state
    e.popToLevel(1);                 // popping to the current level clears the failure too
    CHECK_FALSE(e.failed());
    e.popToLevel(0);
    CHECK(e.lb(x) == 0);
}

TEST_CASE("Solver failure: a failing propagator stops the fixpoint and empties the queue") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    const VarId y = e.addVar(0, 10);
    auto& prec = e.addPropagator(std::make_unique<LessEqualOffset>(x, y, 2));  // x + 2 <= y
    auto& strong = e.addPropagator(std::make_unique<Switch>(x, Priority::Strong));
    REQUIRE(e.fixpoint());
    CHECK(e.lb(y) == 2);
    CHECK(e.ub(x) == 8);
    CHECK(strong.calls == 1);

    e.pushLevel();
    CHECK(e.setUb(y, 5));
    CHECK(e.setLb(x, 4));  // wakes both; the Cheap precedence runs first and fails
    CHECK_FALSE(e.fixpoint());
    CHECK(e.failed());
    CHECK(strong.calls == 1);  // dropped from the queue, never ran
    CHECK(prec.stats().failures == 1);
    CHECK(strong.stats().failures == 0);
    e.popToLevel(0);
    CHECK_FALSE(e.failed());
    CHECK(e.fixpoint());  // the queue really was emptied: nothing runs
    CHECK(strong.calls == 1);

    // A propagator may fail on its own, without emptying a domain.
    e.pushLevel();
    strong.failNext = true;
    CHECK(e.setLb(x, 1));
    CHECK_FALSE(e.fixpoint());
    CHECK(e.failed());
    CHECK(strong.stats().failures == 1);
    e.popToLevel(0);
    strong.failNext = false;
    CHECK(e.fixpoint());
    CHECK(e.stats().failures == 2);
}

TEST_CASE("Solver failure: a failure at level 0 stays (the model is infeasible)") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    const VarId y = e.addVar(0, 10);
    e.addPropagator(std::make_unique<LessEqualOffset>(x, y, 11));
    CHECK_FALSE(e.fixpoint());
    e.popToLevel(0);
    CHECK(e.failed());
    CHECK_FALSE(e.fixpoint());
    e.pushLevel();
    e.popToLevel(0);
    CHECK(e.failed());
}

TEST_CASE("Solver failure: markFailed lets search cut a node") {
    Engine e;
    e.addVar(0, 1);
    e.pushLevel();
    e.markFailed();
    CHECK(e.failed());
    CHECK_FALSE(e.fixpoint());
    e.popToLevel(0);
    CHECK_FALSE(e.failed());
    CHECK(e.fixpoint());
}
