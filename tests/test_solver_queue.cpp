// The propagation queue: FIFO within a bucket, most urgent bucket first, and the engine running
// Cheap propagators to their fixpoint before any more expensive one.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "solver/Engine.h"
#include "solver/PropagatorQueue.h"

using namespace moccasin::solver;

namespace {

// Logs its runs into a shared list; optionally raises lb(target) by one per run, up to `limit`.
class Logger final : public Propagator {
public:
    Logger(std::string tag, Priority priority, std::vector<std::string>& log, std::vector<VarId> watched,
           VarId target = -1, int64_t limit = 0)
        : tag_(std::move(tag)), priority_(priority), log_(log), watched_(std::move(watched)), target_(target), limit_(limit) {}

    std::string_view name() const override { return tag_; }
    Priority priority() const override { return priority_; }
    void attach(Engine& e) override {
        for (VarId x : watched_) e.watch(x, Event::Any, *this, 0);
    }
    bool propagateFromScratch(Engine& e) override {
        log_.push_back(tag_);
        if (target_ >= 0 && e.lb(target_) < limit_) return e.setLb(target_, e.lb(target_) + 1, this);
        return true;
    }

private:
    std::string tag_;
    Priority priority_;
    std::vector<std::string>& log_;
    std::vector<VarId> watched_;
    VarId target_;
    int64_t limit_;
};

// Never run: only its address is used.
class Inert final : public Propagator {
public:
    std::string_view name() const override { return "Inert"; }
    Priority priority() const override { return Priority::Cheap; }
    void attach(Engine&) override {}
    bool propagateFromScratch(Engine&) override { return true; }
};

}  // namespace

TEST_CASE("Solver queue: FIFO per bucket, most urgent bucket first, growth keeps order") {
    std::vector<Inert> items(40);
    PropagatorQueue q;
    CHECK(q.empty());
    CHECK(q.pop() == nullptr);
    // Interleave pushes and pops so the ring wraps around before it grows.
    for (int i = 0; i < 6; ++i) q.push(&items[i], Priority::Strong);
    CHECK(q.pop() == &items[0]);
    CHECK(q.pop() == &items[1]);
    for (int i = 6; i < 30; ++i) q.push(&items[i], Priority::Strong);
    q.push(&items[30], Priority::Global);
    q.push(&items[31], Priority::Cheap);
    q.push(&items[32], Priority::Linear);
    q.push(&items[33], Priority::Cheap);
    CHECK(q.size() == 32);
    CHECK(q.pop() == &items[31]);
    CHECK(q.pop() == &items[33]);
    CHECK(q.pop() == &items[32]);
    CHECK(q.pop() == &items[30]);
    for (int i = 2; i < 30; ++i) CHECK(q.pop() == &items[i]);
    CHECK(q.empty());
    CHECK(q.pop() == nullptr);
}

TEST_CASE("Solver queue: a Cheap propagator enqueued after a Strong one runs first") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    const VarId y = e.addVar(0, 10);
    std::vector<std::string> log;
    // Added, hence enqueued, in the order Strong, Global, Cheap; Cheap still runs first.
    e.addPropagator(std::make_unique<Logger>("strong", Priority::Strong, log, std::vector<VarId>{x}));
    e.addPropagator(std::make_unique<Logger>("global", Priority::Global, log, std::vector<VarId>{x}));
    e.addPropagator(std::make_unique<Logger>("cheap", Priority::Cheap, log, std::vector<VarId>{x}));
    REQUIRE(e.fixpoint());
    CHECK(log == std::vector<std::string>{"cheap", "global", "strong"});

    // Strong1's change wakes Cheap, whose change wakes Linear: both run before Strong2, which
    // was queued long before them.
    log.clear();
    Engine f;
    const VarId a = f.addVar(0, 10);
    const VarId b = f.addVar(0, 10);
    f.addPropagator(std::make_unique<Logger>("strong1", Priority::Strong, log, std::vector<VarId>{}, a, 1));
    f.addPropagator(std::make_unique<Logger>("strong2", Priority::Strong, log, std::vector<VarId>{a}));
    f.addPropagator(std::make_unique<Logger>("cheap", Priority::Cheap, log, std::vector<VarId>{a}, b, 5));
    f.addPropagator(std::make_unique<Logger>("linear", Priority::Linear, log, std::vector<VarId>{b}));
    REQUIRE(f.fixpoint());
    CHECK(log == std::vector<std::string>{"cheap", "linear", "strong1", "cheap", "linear", "strong2"});
    CHECK(f.lb(a) == 1);
    CHECK(f.lb(b) == 2);

    // Below the root: the decision wakes Strong first (first watcher of x), Cheap still runs first.
    log.clear();
    e.pushLevel();
    CHECK(e.setLb(y, 1));  // nobody watches y
    CHECK(e.fix(x, 4));
    REQUIRE(e.fixpoint());
    CHECK(log == std::vector<std::string>{"cheap", "global", "strong"});
    e.popToLevel(0);
}
