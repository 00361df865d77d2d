// Nogoods over bound literals: each one says that its literals are never all true together
// (in branch and bound: not in any schedule cheaper than the incumbent). The exact search records
// them at restarts (search/ExactSearch.cpp) so that a restarted run does not search again what an
// earlier run closed, and learns them from conflicts (addLearnt); learnt ones are deleted by
// activity and re-asserted after backtracks (below).
//
// Invariant (two watched literals, as in SAT solvers): every nogood watches its literals 0 and
// 1 through the variables' watch lists. After propagate(), for each nogood either both watched
// literals are not true, or the nogood is satisfied (a watched literal is false) or has been
// propagated (its one non-true literal was made false). A watched literal turning true is the
// only change that can make a nogood unit, and it wakes the store; backtracking only makes
// literals less true, so the watches stay valid without any undo.
//
// The invariant needs the watches updated on every level's changes before the next level:
// a nogood unit or satisfied on one level must watch the literals made true last, so that a
// backtrack which makes them non-true again leaves it watched correctly (two watched literals
// chosen later without knowing the levels can miss a propagation after a backtrack).
//
// A learnt nogood checked after a backtrack can be unit with a watched literal true that was
// made true below the level where it propagates; that propagation is re-asserted when a
// backtrack undoes it (asserted_), which keeps the propagation as complete as a scan.
//
// propagateFromScratch() scans every live nogood to a fixpoint (the reference), then updates the
// watches on this level's changes as propagate() does, which then finds nothing more to set.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "solver/BoundLiteral.h"
#include "solver/Propagator.h"

namespace moccasin::solver {

class NogoodStore final : public Propagator {
public:
    std::string_view name() const override { return "Nogoods"; }
    Priority priority() const override { return Priority::Cheap; }
    void attach(Engine& engine) override;
    bool notify(Engine& engine, int32_t list, EventMask events) override;
    bool propagate(Engine& engine) override;
    bool propagateFromScratch(Engine& engine) override;
    void onBacktrack(Engine& engine) override;

    // Records a nogood; only at level 0, where it holds for the rest of the search. Propagates
    // it there at once (a unit nogood fixes a bound, search decision style). Returns false when
    // it is violated at level 0: then nothing below level 0 remains to be searched. An empty
    // nogood is violated.
    bool add(Engine& engine, std::vector<BoundLiteral> literals);

    // What the store keeps. maxLiterals: recording stops once it holds this many literals (16
    // bytes each). learntKeep: when this many learnt nogoods are live, the less active half of
    // them is deleted (activity: how often a nogood took part in a conflict lately, as in
    // MiniSat), and the limit grows by learntGrowth; 0 keeps every learnt nogood. Learnt nogoods
    // are consequences of the model, so deleting one loses no solution and no proof; nogoods
    // recorded by add() are never deleted.
    struct Limits {
        int64_t maxLiterals = 10'000'000;
        int64_t learntKeep = 0;
        double learntGrowth = 1.1;
    };
    void setLimits(const Limits& limits) { limits_ = limits; learntLimit_ = limits.learntKeep; }
    // Whether `size` more literals fit (a learnt single literal takes two: see addLearnt).
    bool fits(int64_t size) const { return literals_ + size <= limits_.maxLiterals; }

    // Records a nogood learnt from a conflict (solver/ConflictAnalysis.h) at any level, while all
    // its literals are true (the engine is failed). It watches the two literals made true last,
    // so that after the search backtracks the watches are the ones a SAT solver would pick. The
    // first propagate() after that checks it once (Engine::schedule), so a nogood unit after the
    // backtrack propagates at once. A single literal gets an always-true partner, so that it has
    // two watches. False: not recorded (the store is full, or the literals contradict each
    // other and the nogood says nothing).
    bool addLearnt(Engine& engine, std::vector<BoundLiteral> literals);
    // Learnt nogoods to check at the next propagate() (new ones, and re-asserted ones: below).
    // The caller schedules the store when this holds, at the level where they should propagate.
    bool hasPendingLearnt() const { return !learntPending_.empty(); }
    int64_t learnt() const { return learnt_; }
    int64_t learntDeleted() const { return deleted_; }
    int64_t reductions() const { return reductions_; }

    // Propagation by nogood `code`: the other literals; a violation (null lit): all of them.
    // Explaining a learnt nogood bumps its activity: the analysis asks only for the ones that
    // take part in a conflict.
    bool explain(const Engine& engine, int64_t code, const BoundLiteral* lit, int64_t pos,
                 std::vector<BoundLiteral>& reason) const override;

    int64_t size() const { return static_cast<int64_t>(nogoods_.size()); }
    // Empty: a deleted learnt nogood (ids are never reused).
    const std::vector<BoundLiteral>& nogood(int64_t i) const { return nogoods_[static_cast<size_t>(i)]; }
    int64_t literals() const { return literals_; }
    int64_t units() const { return static_cast<int64_t>(stats().prunings); }  // bounds set by a nogood
    int64_t unitAtRoot() const { return unitAtRoot_; }    // nogoods unit when recorded (a bound at level 0)

private:
    struct Watch {
        int32_t nogood;
        int32_t slot;   // 0 or 1: which watched literal
        int64_t value;  // that literal's value, so the common case (still not true) reads no nogood
        // A literal of the same nogood (the other watched one when the watch was made, or the
        // last one found false): while it is false the nogood is satisfied and the watch is kept
        // without reading the nogood (a "blocker", as in MiniSat). Safe for the same reason as
        // there: it was false no later than the watched literal became true, so a backtrack
        // that makes it non-false makes the watched literal non-true too.
        BoundLiteral blocker;
    };
    // Watch lists are per variable and direction: list 2x holds literals [x <= v], list 2x+1
    // literals [x >= v]; only a change of that bound can make them true.
    static int32_t listOf(const BoundLiteral& l) { return 2 * l.var + (l.lower ? 1 : 0); }
    void watchLiteral(Engine& engine, int32_t nogood, int32_t slot);
    // Handles a change of the bound behind watch list `list`; false on a violated nogood.
    bool process(Engine& engine, int32_t list);
    bool scanOnce(Engine& engine, bool& changed);

    // Deletes the less active half of the live learnt nogoods, sparing those with at most two
    // literals, those pending a check, and those that are the reason of a bound on the engine's
    // implication trail (a later conflict may ask for their explanation).
    void reduceLearnt(const Engine& engine);
    void bumpActivity(int32_t id) const;

    std::vector<std::vector<BoundLiteral>> nogoods_;
    // Per nogood, beside its literals.
    struct Info {
        bool learnt = false;
        int32_t assertLevel = 0;  // learnt: the highest level of its literals but the first
        double activity = 0;      // learnt: bumped by explain(), decayed by later bumps weighing more
    };
    // Mutable: explain() is const, and being asked for an explanation is what makes a nogood active.
    mutable std::vector<Info> info_;
    mutable double activityInc_ = 1;
    Limits limits_;
    int64_t learntLimit_ = 0, deleted_ = 0, reductions_ = 0;  // live learnt: learnt_ - deleted_
    std::vector<std::vector<Watch>> watches_;  // per watch list (listOf)
    std::vector<char> watched_;                // per watch list: Engine::watch already called
    std::vector<int32_t> pending_;             // watch lists whose bound changed, not yet processed
    std::vector<Watch> moved_;                 // scratch: watches moved onto the list being processed
    std::vector<int32_t> entries_;             // scratch: implication entries of a learnt nogood's literals
    std::vector<int32_t> learntPending_;       // learnt nogoods to check: new, or re-asserted
    // Re-assertion. The search backtracks one level at a time, not to a learnt nogood's asserting
    // level (the highest level of its literals but the first): checked after the backtrack, the
    // nogood propagates on a level above that one, and a later backtrack undoes the propagation
    // while the nogood is still unit. So each such propagation is kept here with its level, and
    // a backtrack below that level that keeps the asserting level puts the nogood back to be
    // checked (SAT solvers with chronological backtracking re-imply such literals likewise).
    struct Asserted {
        int32_t nogood;
        int32_t level;  // where it propagated
    };
    std::vector<Asserted> asserted_;
    int64_t literals_ = 0, unitAtRoot_ = 0, learnt_ = 0;
    bool checkLearnt(Engine& engine);
    void ensureLists(const Engine& engine);
};

}  // namespace moccasin::solver
