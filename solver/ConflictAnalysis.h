// Conflict analysis for learning (lazy clause generation in the manner of Chuffed): from a
// failure, a nogood over bound literals that the search records (solver/NogoodStore.h).
//
// The conflict starts as a set of literals that cannot all hold: the failing propagator's
// explanation of the change it could not make, plus the bound that refused it (or its
// explanation of a failure it returned). The analysis then replaces, newest first, each literal
// made true on the current level by the explanation of the change that made it true, until one
// literal of the current level is left (the first unique implication point). A literal true
// since level 0 is dropped. Every set on the way is itself a nogood: each step replaces a
// literal by literals that imply it. Search decisions have no explanation: a decision of the
// current level reached while other literals of that level remain is kept as it is (a level
// can hold the branching decision and the cost bound).
//
// Literals keep the weakest value the conflict needs ([x >= 3] when [x >= 7] was set). Nogoods
// hold in the model with no further assumption: the cost bound is one of their literals when
// they need it, so they stay valid under any later incumbent or cost cap.
#pragma once
#include <cstdint>
#include <vector>

#include "solver/BoundLiteral.h"
#include "solver/Engine.h"

namespace moccasin::solver {

struct LearningStats {
    uint64_t conflicts = 0;   // failures analysed
    uint64_t learnt = 0;      // nogoods returned
    uint64_t givenUp = 0;     // analyses whose set outgrew the limit (or met a wrong explanation)
    uint64_t literals = 0;    // literals over the nogoods returned
    uint64_t explanations = 0;
    uint64_t badExplanations = 0;  // explanations naming a literal not true before the change:
                                   // a propagator bug (tests require 0)
};

class ConflictAnalysis {
public:
    // Nogoods (and the sets on the way) longer than this are given up.
    explicit ConflictAnalysis(size_t maxLength) : maxLength_(maxLength) {}

    // On a failed engine whose conflict a propagator recorded (Engine::conflict()), writes the
    // nogood to `nogood`, the literal of the current level first, and returns true. False when
    // there is nothing to learn (a decision failed, learning is off) or the nogood is too long.
    bool analyze(const Engine& engine, std::vector<BoundLiteral>& nogood);

    // The literals of engine.conflict() (a failed engine): the failing propagator's explanation
    // of the change it could not make plus the bound that refused it, or its explanation of the
    // failure it returned. Appended to `out`; false when the propagator declines.
    static bool conflictReason(const Engine& engine, std::vector<BoundLiteral>& out);

    const LearningStats& stats() const { return stats_; }
    // Per propagator (by PropId): explanations asked of it, and analyses given up at its
    // explanation (the set outgrew the limit there).
    const std::vector<uint64_t>& explanationsBy() const { return explanationsBy_; }
    const std::vector<uint64_t>& givenUpAt() const { return givenUpAt_; }

private:
    // Adds literal l, which must have been true before entry `before`, to the conflict set;
    // false when it was not (a wrong explanation) or the set grew too long.
    bool add(const Engine& engine, const BoundLiteral& l, int64_t before);
    // Adds the literals of reason_.
    bool addAll(const Engine& engine, int64_t before);
    bool giveUp(const Propagator* at);
    // Asks `by` for the explanation of entry `pos` into reason_; false when it has none.
    bool explain(const Engine& engine, const Propagator& by, int64_t code, const BoundLiteral* lit, int64_t pos);
    void countExplanation(const Propagator& by);

    size_t maxLength_;
    LearningStats stats_;
    std::vector<BoundLiteral> reason_;  // scratch: one explanation
    std::vector<uint64_t> explanationsBy_, givenUpAt_;
    // Per implication-trail entry, reused across analyses: marked when in the set (mark_ ==
    // stamp_) with the weakest value the set needs of that entry's bound.
    std::vector<uint32_t> mark_;
    std::vector<int64_t> need_;
    uint32_t stamp_ = 0;
    std::vector<int32_t> lowerLevel_;  // marked entries of lower levels
    std::vector<int32_t> kept_;        // decisions of the current level kept in the nogood
    int32_t level_ = 0;                // the level of the conflict
    int32_t open_ = 0;                 // marked entries of the current level not yet resolved
};

}  // namespace moccasin::solver
