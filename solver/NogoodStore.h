// Nogoods over bound literals: each one says that its literals are never all true together
// (in branch and bound: not in any schedule cheaper than the incumbent). The exact search records
// them at restarts (search/ExactSearch.cpp) so that a restarted run does not search again what an
// earlier run closed.
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
// propagateFromScratch() scans every nogood to a fixpoint (the reference), then updates the
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

    // Records a nogood learnt from a conflict (solver/ConflictAnalysis.h) at any level, while all
    // its literals are true (the engine is failed). It watches the two literals made true last,
    // so that after the search backtracks the watches are the ones a SAT solver would pick. The
    // first propagate() after that checks it once (Engine::schedule), so a nogood unit after the
    // backtrack propagates at once. Literal limits are the caller's.
    void addLearnt(Engine& engine, std::vector<BoundLiteral> literals);
    bool hasPendingLearnt() const { return !learntPending_.empty(); }
    int64_t learnt() const { return learnt_; }

    // Propagation by nogood `code`: the other literals; a violation (null lit): all of them.
    bool explain(const Engine& engine, int64_t code, const BoundLiteral* lit, int64_t pos,
                 std::vector<BoundLiteral>& reason) const override;

    int64_t size() const { return static_cast<int64_t>(nogoods_.size()); }
    const std::vector<BoundLiteral>& nogood(int64_t i) const { return nogoods_[static_cast<size_t>(i)]; }
    int64_t literals() const { return literals_; }
    int64_t units() const { return static_cast<int64_t>(stats().prunings); }  // bounds set by a nogood
    int64_t unitAtRoot() const { return unitAtRoot_; }    // nogoods unit when recorded (a bound at level 0)

private:
    struct Watch {
        int32_t nogood;
        int32_t slot;   // 0 or 1: which watched literal
        int64_t value;  // that literal's value, so the common case (still not true) reads no nogood
    };
    // Watch lists are per variable and direction: list 2x holds literals [x <= v], list 2x+1
    // literals [x >= v]; only a change of that bound can make them true.
    static int32_t listOf(const BoundLiteral& l) { return 2 * l.var + (l.lower ? 1 : 0); }
    void watchLiteral(Engine& engine, int32_t nogood, int32_t slot);
    // Handles a change of the bound behind watch list `list`; false on a violated nogood.
    bool process(Engine& engine, int32_t list);
    bool scanOnce(Engine& engine, bool& changed);

    std::vector<std::vector<BoundLiteral>> nogoods_;
    std::vector<std::vector<Watch>> watches_;  // per watch list (listOf)
    std::vector<char> watched_;                // per watch list: Engine::watch already called
    std::vector<int32_t> pending_;             // watch lists whose bound changed, not yet processed
    std::vector<Watch> moved_;                 // scratch: watches moved onto the list being processed
    std::vector<int32_t> learntPending_;       // learnt nogoods not checked since they were added
    int64_t literals_ = 0, unitAtRoot_ = 0, learnt_ = 0;
    bool checkLearnt(Engine& engine);
    void ensureLists(const Engine& engine);
};

}  // namespace moccasin::solver
