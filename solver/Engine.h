// The propagation engine: owns the integer variables (int64 bounds, no holes), the propagators,
// the trail and the propagation queue, and runs propagation to a fixpoint.
// Invariants: every domain change goes through setLb/setUb/fix, which trail the old bound (above
// level 0), wake the watchers and never empty a domain (they record a failure instead); a
// propagator is in the queue at most once; after popToLevel the queue is empty and the failure
// flag is clear (unless the failure happened at level 0, which proves the model infeasible).
#pragma once
#include <cassert>
#include <concepts>
#include <cstdint>
#include <memory>
#include <vector>

#include "solver/Events.h"
#include "solver/Propagator.h"
#include "solver/PropagatorQueue.h"
#include "solver/Stats.h"
#include "solver/Trail.h"
#include "solver/Types.h"

namespace moccasin::solver {

class Engine {
public:
    Engine() = default;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // ---- Variables. Created at level 0 only (the trail holds addresses of bounds).
    // Throws std::invalid_argument unless kMinValue <= lb <= ub <= kMaxValue.
    VarId addVar(int64_t lb, int64_t ub);
    VarId addBool() { return addVar(0, 1); }
    int32_t numVars() const { return static_cast<int32_t>(bounds_.size()); }

    int64_t lb(VarId x) const { return bounds_[x].lb; }
    int64_t ub(VarId x) const { return bounds_[x].ub; }
    bool isFixed(VarId x) const { return bounds_[x].lb == bounds_[x].ub; }
    int64_t value(VarId x) const {
        assert(isFixed(x));
        return bounds_[x].lb;
    }
    // Boolean views of a 0/1 variable.
    bool isTrue(VarId b) const { return bounds_[b].lb >= 1; }
    bool isFalse(VarId b) const { return bounds_[b].ub <= 0; }

    // ---- Domain changes. `by` is the propagator making the change (nullptr for a search
    // decision); `inferenceCode` names the propagator's rule, reserved for explanations. Each
    // returns false, and puts the engine in the failed state, when the domain would become empty.
    bool setLb(VarId x, int64_t v, Propagator* by = nullptr, int inferenceCode = 0);
    bool setUb(VarId x, int64_t v, Propagator* by = nullptr, int inferenceCode = 0);
    bool fix(VarId x, int64_t v, Propagator* by = nullptr, int inferenceCode = 0);
    // Puts the engine in the failed state (e.g. search found a bound it cannot meet).
    void markFailed();
    bool failed() const { return failed_; }

    // ---- Propagators.
    // Takes ownership, caches priority() and idempotent(), calls attach() and enqueues it once.
    template <std::derived_from<Propagator> P>
    P& addPropagator(std::unique_ptr<P> p) {
        P& ref = *p;
        install(std::unique_ptr<Propagator>(std::move(p)));
        return ref;
    }
    int32_t numPropagators() const { return static_cast<int32_t>(props_.size()); }
    Propagator& propagator(PropId id) const { return *props_[id]; }

    // Calls p.notify(*this, watchIndex, events & mask) whenever x changes with an event in mask.
    void watch(VarId x, EventMask mask, Propagator& p, int32_t watchIndex);
    // p.onBacktrack() will be called after the current level is popped. Cheap when repeated:
    // at most one trail entry per propagator per level.
    void requestBacktrackCallback(Propagator& p);

    // ---- Propagation.
    // Runs queued propagators, most urgent bucket first, until the queue is empty (true) or a
    // propagator fails (false; the queue is then emptied).
    bool fixpoint();
    // Enqueues every propagator and runs a fixpoint with the reference (from-scratch) versions.
    // On a state where fixpoint() succeeded it must change nothing: tests compare the two.
    bool fixpointFromScratch();
    // While on, fixpoint() calls propagateFromScratch() instead of propagate().
    void setFromScratchMode(bool on) { fromScratch_ = on; }

    // ---- Levels. O(1) push; pop costs O(trail entries popped + callbacks), never O(#vars).
    int32_t level() const { return trail_.level(); }
    void pushLevel() { trail_.pushLevel(); }
    void popToLevel(int32_t target);
    Trail& trail() { return trail_; }

    // ---- Statistics.
    const EngineStats& stats() const { return stats_; }
    // Lets an expensive propagator charge its inner loops to the deterministic work counter.
    void addWork(uint64_t units) { stats_.work += units; }
    // Timing reads steady_clock before and after every kTimingSample-th call of each propagator
    // (the first one included) and counts that call's time kTimingSample times; on by default.
    static constexpr uint64_t kTimingSample = 16;
    void setTiming(bool on) { timing_ = on; }

private:
    struct Watcher {
        Propagator* prop;
        int32_t watchIndex;
        EventMask mask;
    };

    void install(std::unique_ptr<Propagator> p);
    void enqueue(Propagator& p) {
        p.queued_ = true;
        queue_.push(&p, p.priority_);
    }
    void cancelQueue();
    // Counts the change and notifies the watchers of x; `events` always includes the raw bits.
    void changed(VarId x, EventMask events, Propagator* by);
    bool failOn(Propagator* by);
    bool run(Propagator& p);

    std::vector<Bounds> bounds_;
    std::vector<std::vector<Watcher>> watchers_;  // per variable
    std::vector<std::unique_ptr<Propagator>> props_;
    Trail trail_;
    PropagatorQueue queue_;
    Propagator* running_ = nullptr;  // the propagator inside propagate(), for assertions
    bool failed_ = false;
    bool rootFailed_ = false;
    bool fromScratch_ = false;
    bool timing_ = true;
    EngineStats stats_;
    std::vector<int32_t> listenerScratch_;      // reused by popToLevel: no allocation per pop
    std::vector<Propagator*> callbackScratch_;
};

// The three domain changes are inline: they are the hot path of every propagator.

inline bool Engine::setLb(VarId x, int64_t v, Propagator* by, int /*inferenceCode*/) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v <= d.lb) return true;
    if (v > d.ub) return failOn(by);
    trail_.save(&d.lb);
    d.lb = v;
    changed(x, d.lb == d.ub ? EventMask(Event::LowerBound | Event::Fixed) : Event::LowerBound, by);
    return true;
}

inline bool Engine::setUb(VarId x, int64_t v, Propagator* by, int /*inferenceCode*/) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v >= d.ub) return true;
    if (v < d.lb) return failOn(by);
    trail_.save(&d.ub);
    d.ub = v;
    changed(x, d.lb == d.ub ? EventMask(Event::UpperBound | Event::Fixed) : Event::UpperBound, by);
    return true;
}

inline bool Engine::fix(VarId x, int64_t v, Propagator* by, int /*inferenceCode*/) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v < d.lb || v > d.ub) return failOn(by);
    EventMask events = 0;
    if (d.lb != v) {
        trail_.save(&d.lb);
        d.lb = v;
        events |= Event::LowerBound;
    }
    if (d.ub != v) {
        trail_.save(&d.ub);
        d.ub = v;
        events |= Event::UpperBound;
    }
    if (events != 0) changed(x, events | Event::Fixed, by);
    return true;
}

}  // namespace moccasin::solver
