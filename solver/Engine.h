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
#include "solver/Implications.h"
#include "solver/Propagator.h"
#include "solver/PropagatorQueue.h"
#include "solver/Stats.h"
#include "solver/Trail.h"
#include "solver/Types.h"

namespace moccasin::solver {

struct BoundLiteral;

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
    // decision); `inferenceCode` names the propagator's rule and is handed back to its explain()
    // when learning. Each returns false, and puts the engine in the failed state, when the
    // domain would become empty.
    bool setLb(VarId x, int64_t v, Propagator* by = nullptr, int64_t inferenceCode = 0);
    bool setUb(VarId x, int64_t v, Propagator* by = nullptr, int64_t inferenceCode = 0);
    bool fix(VarId x, int64_t v, Propagator* by = nullptr, int64_t inferenceCode = 0);
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

    // ---- Learning (solver/ConflictAnalysis.h). While on, every bound change above level 0 is
    // recorded with what made it (solver/Implications.h), and a failure records its conflict.
    // Switched at level 0 only.
    void setLearning(bool on);
    bool learning() const { return learning_; }
    const Implications& implications() const { return implications_; }
    // The bounds of x just before implication-trail entry `pos` (implications().size(): now).
    int64_t lbAt(VarId x, int64_t pos) const { return implications_.boundAt(x, true, pos, bounds_[x].lb); }
    int64_t ubAt(VarId x, int64_t pos) const { return implications_.boundAt(x, false, pos, bounds_[x].ub); }
    // The last failure, while the engine is failed and learning is on. `by` is the propagator
    // that failed (nullptr: a search decision, or no failure recorded). With `hasLiteral`, the
    // failure was the change [var >= value] (lower) or [var <= value] that would have emptied the
    // domain; without, the propagator returned false (its explain() gets a null literal).
    struct Conflict {
        Propagator* by = nullptr;
        int64_t code = 0;
        bool hasLiteral = false;
        VarId var = -1;
        bool lower = false;
        int64_t value = 0;
    };
    const Conflict& conflict() const { return conflict_; }
    // The default explanation (Propagator::explain): the bounds at `pos` of every variable `p`
    // watches, as literals [x >= lb] and [x <= ub]; false, with nothing appended, when p watches
    // more than kMaxScopeExplanation variables (a nogood that long would not be kept anyway).
    static constexpr size_t kMaxScopeExplanation = 1024;
    bool explainByScope(const Propagator& p, int64_t pos, std::vector<BoundLiteral>& reason) const;
    // Lets a propagator that fails by returning false name the rule (its explain() gets `code`).
    void setFailureCode(Propagator& by, int64_t code) {
        if (learning_ && !conflictSet_) {
            conflict_ = Conflict{&by, code, false, -1, false, 0};
            conflictSet_ = true;
        }
    }
    // Runs `p` at the next fixpoint (the nogood store, after learning a nogood).
    void schedule(Propagator& p) {
        if (!p.queued_) enqueue(p);
    }

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
    bool failOn(Propagator* by, VarId x, bool lower, int64_t value, int64_t code);
    void record(VarId x, bool lower, int64_t value, int64_t old, Propagator* by, int64_t code) {
        if (learning_ && level() > 0) implications_.record(x, lower, value, old, by, code, level());
    }
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
    bool learning_ = false;
    bool conflictSet_ = false;
    Conflict conflict_;
    Implications implications_;
    std::vector<std::vector<VarId>> scopes_;  // per propagator: the variables it watches
    std::vector<int32_t> listenerScratch_;      // reused by popToLevel: no allocation per pop
    std::vector<Propagator*> callbackScratch_;
};

// The three domain changes are inline: they are the hot path of every propagator.

inline bool Engine::setLb(VarId x, int64_t v, Propagator* by, int64_t inferenceCode) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v <= d.lb) return true;
    if (v > d.ub) return failOn(by, x, true, v, inferenceCode);
    trail_.save(&d.lb);
    record(x, true, v, d.lb, by, inferenceCode);
    d.lb = v;
    changed(x, d.lb == d.ub ? EventMask(Event::LowerBound | Event::Fixed) : Event::LowerBound, by);
    return true;
}

inline bool Engine::setUb(VarId x, int64_t v, Propagator* by, int64_t inferenceCode) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v >= d.ub) return true;
    if (v < d.lb) return failOn(by, x, false, v, inferenceCode);
    trail_.save(&d.ub);
    record(x, false, v, d.ub, by, inferenceCode);
    d.ub = v;
    changed(x, d.lb == d.ub ? EventMask(Event::UpperBound | Event::Fixed) : Event::UpperBound, by);
    return true;
}

inline bool Engine::fix(VarId x, int64_t v, Propagator* by, int64_t inferenceCode) {
    assert(by == nullptr || by == running_);
    Bounds& d = bounds_[x];
    if (v > d.ub) return failOn(by, x, true, v, inferenceCode);
    if (v < d.lb) return failOn(by, x, false, v, inferenceCode);
    EventMask events = 0;
    if (d.lb != v) {
        trail_.save(&d.lb);
        record(x, true, v, d.lb, by, inferenceCode);
        d.lb = v;
        events |= Event::LowerBound;
    }
    if (d.ub != v) {
        trail_.save(&d.ub);
        record(x, false, v, d.ub, by, inferenceCode);
        d.ub = v;
        events |= Event::UpperBound;
    }
    if (events != 0) changed(x, events | Event::Fixed, by);
    return true;
}

}  // namespace moccasin::solver
