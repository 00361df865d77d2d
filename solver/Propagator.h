// The interface every constraint propagator implements, and the per-propagator bookkeeping the
// Engine keeps inside it (id, queue flag, cached priority, statistics).
//
// The contract (see docs/solver-kernel.md):
//  - attach() only registers watches (Engine::watch); it changes no domain. The Engine then
//    enqueues the propagator once, so its first propagate() call must do a full propagation.
//  - propagate() and propagateFromScratch() change domains only through Engine::setLb/setUb/fix
//    passing `this`, and return false on failure (or when a change returned false).
//  - propagateFromScratch() reads only the domains, prunes exactly as much as propagate(), and
//    leaves the incremental state ready for the next propagate() call.
//  - idempotent() == true (the default) promises that one call reaches the propagator's own
//    fixpoint: the Engine then neither notifies nor re-enqueues it for its own changes.
//  - notify() is called synchronously inside a bound change: it must be cheap, must not change
//    domains, and returns whether the propagator wants to run.
//  - State that is not reversible (deltas recorded by notify, caches) must be repaired in
//    onBacktrack(), requested via Engine::requestBacktrackCallback() whenever such state changes
//    above level 0; reversible state uses Rev<T> (solver/Rev.h).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "solver/Events.h"
#include "solver/Stats.h"
#include "solver/Types.h"

namespace moccasin::solver {

class Engine;
struct BoundLiteral;

class Propagator {
public:
    Propagator() = default;
    Propagator(const Propagator&) = delete;
    Propagator& operator=(const Propagator&) = delete;
    virtual ~Propagator() = default;

    virtual std::string_view name() const = 0;
    virtual Priority priority() const = 0;
    // Read once, when the propagator is added.
    virtual bool idempotent() const { return true; }

    virtual void attach(Engine& engine) = 0;

    // Incremental propagation; by default the reference version.
    virtual bool propagate(Engine& engine) { return propagateFromScratch(engine); }
    // Reference propagation from the current domains alone; used by tests as the oracle.
    virtual bool propagateFromScratch(Engine& engine) = 0;

    // A watched variable changed: `watchIndex` is the index given to Engine::watch and `events`
    // the events of this change that the watch asked for. Return true to be enqueued.
    virtual bool notify(Engine& /*engine*/, int32_t /*watchIndex*/, EventMask /*events*/) { return true; }

    // Learning (solver/ConflictAnalysis.h). Appends to `reason` bound literals that were true
    // just before implication-trail entry `pos` (read the bounds then with Engine::lbAt/ubAt)
    // and imply `*lit`, the change of that entry, made with inference code `code`. With a null
    // `lit`, they imply this propagator's failure reported with `code` (pos: now). The default is
    // the bounds at pos of every variable the propagator watches (Engine::explainByScope), which
    // is right for any propagator that reads only the variables it watches. False: no
    // explanation (too long to be of use); the analysis then gives up.
    virtual bool explain(const Engine& engine, int64_t code, const BoundLiteral* lit, int64_t pos,
                         std::vector<BoundLiteral>& reason) const;

    // Called once after a popToLevel that popped a level in which this propagator called
    // Engine::requestBacktrackCallback. Domains and Rev values are already restored.
    virtual void onBacktrack(Engine& /*engine*/) {}

    PropId id() const { return id_; }
    const PropagatorStats& stats() const { return stats_; }

private:
    friend class Engine;
    PropId id_ = -1;
    Priority priority_ = Priority::Linear;
    bool idempotent_ = true;
    bool queued_ = false;             // in the propagation queue (dedupe flag)
    bool backtrackPending_ = false;   // collected for onBacktrack during the current pop
    uint64_t backtrackStamp_ = 0;     // trail stamp of the last backtrack-callback request
    PropagatorStats stats_;
};

}  // namespace moccasin::solver
