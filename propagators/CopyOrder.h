// Copy order (docs/model.md, constraint 1): the copies of one node are ordered and disjoint.
//
// Constraint. For the copies t_0 .. t_{C-1} of one node k (copy 0 first), and every i >= 1:
//     p_i  =>  p_{i-1}  and  end_{i-1} <= S_i  and  stage_{i-1} < stage_i
// (S_i = eventOf(stage_i, k)). The last conjunct follows from the second once end >= start + 1
// (LastUse enforces that); stating it here lets copy order reason on stages alone. Nothing else:
// the stage and end of an absent copy are unconstrained.
//
// Rules for the pair (i-1, i), i >= 1:
//   F1  p_{i-1} false                  ->  p_i false.
//   F2  p_i not false                  ->  stage_i >= max(stage_{i-1}.lb + 1, first stage with
//                                          S_i >= end_{i-1}.lb), if present: an undecided p_i
//                                          whose stage cannot reach that is made false.
//   B1  p_i true                       ->  p_{i-1} true.
//   B2  p_i true                       ->  end_{i-1} <= S_i.max and stage_{i-1} <= stage_i.ub - 1.
// A forward pass of the F rules (i ascending) followed by a backward pass of the B rules (i
// descending) is a fixpoint: F reads lower bounds and "false" and writes lower bounds of copy i
// and "false"; B reads upper bounds and "true" and writes upper bounds of copy i-1 and "true",
// and a B change that would conflict with an F bound fails in the engine right away.
//
// Incrementality: notify() records the lowest and highest pair touched by a change (a copy's
// presence touches both of its pairs, a stage lower bound or end lower bound the pair after it,
// a stage upper bound the pair before it). propagate() runs the forward pass from the lowest
// touched pair to the end and the backward pass from the highest touched pair down to 1: O(C).
// The marks are hints: a mark left over after a failure only costs a re-check, so they need no
// repair on backtrack. The propagator is idempotent.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "propagators/StageTask.h"
#include "solver/Propagator.h"

namespace moccasin {

class CopyOrder final : public solver::Propagator {
public:
    // `copies`: the C >= 1 StageTasks of one node, copy 0 first, all with the node's slot.
    // Throws std::invalid_argument if empty or if the slots differ.
    explicit CopyOrder(std::vector<StageTask> copies);

    std::string_view name() const override { return "CopyOrder"; }
    solver::Priority priority() const override { return solver::Priority::Cheap; }

    void attach(solver::Engine& engine) override;
    bool propagate(solver::Engine& engine) override;
    bool propagateFromScratch(solver::Engine& engine) override;
    bool notify(solver::Engine& engine, int32_t watchIndex, solver::EventMask events) override;

private:
    bool forward(solver::Engine& engine, int pair);
    bool backward(solver::Engine& engine, int pair);
    bool run(solver::Engine& engine, int lo, int hi);
    void touch(int pair);

    std::vector<StageTask> copies_;
    int dirtyLo_;  // lowest touched pair (numPairs + 1 when none)
    int dirtyHi_;  // highest touched pair (0 when none)
};

}  // namespace moccasin
