// Cover (docs/model.md, constraint 2), one propagator per edge (u, v), u < v.
//
// Constraint. For every copy j of v:
//     p_vj  =>  exists a copy i of u with p_ui, stage_ui <= stage_vj and S_vj < end_ui
// (S_ui < S_vj <=> stage_ui <= stage_vj because u < v; S_vj = eventOf(stage_vj, v)). Nothing
// else: in particular copy order (F1, "only the latest earlier copy can cover") is CopyOrder's
// business, and at the joint fixpoint it adds nothing to the candidate test below, because
// CopyOrder already caps end_ui by S_u(i+1).
//
// Candidates. Copy i of u is a candidate for copy j of v when p_ui is not false and some stage
// s of v_j can be covered by it: s in [lo_ij, hi_ij], nonempty, where
//     lo_ij = max(stage_vj.lb, stage_ui.lb),
//     hi_ij = min(stage_vj.ub, last stage s with eventOf(s, v) <= end_ui.ub - 1).
// This is exact for one copy: [lo_ij, hi_ij] is the set of stages of v_j that copy i supports.
//
// Rules for copy j of v, when p_vj is not false:
//   R1  no candidate                  ->  p_vj false (a failure if v_j is present).
//   R2  hull                          ->  stage_vj in [min lo_ij, max hi_ij] over the candidates,
//                                         "if present" (never empties: a candidate exists).
//   R3  p_vj true, one candidate i    ->  p_ui true, stage_ui <= stage_vj.ub,
//                                         end_ui >= S_vj.min + 1 (with stage_vj after R2).
// One pass over the copies of v is a fixpoint: the candidate test for any copy reads only
// "p_ui false", stage_ui.lb and end_ui.ub, which R1-R3 never change, and after R2 every
// candidate's [lo, hi] lies inside the new domain of stage_vj, so the candidates stay the same.
//
// Explanation (learning): every change for copy j of v (inference code j) follows from what the
// rules read: stage_vj's bounds, [p_vj] for R3, and per copy i of u either [p_ui false] or
// stage_ui.lb and end_ui.ub.
//
// Incrementality: a change of copy j of v (presence fixed, stage bounds) marks j; a change of a
// copy of u (presence false, stage lower bound, end upper bound) marks every copy of v.
// propagate() re-runs the marked copies of v: O(C) per marked copy. Marks are hints: a stale
// mark left by a failure only costs a re-check. The propagator is idempotent.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "propagators/StageTask.h"
#include "solver/Propagator.h"

namespace moccasin {

class Cover final : public solver::Propagator {
public:
    // `producer`: the copies of u (copy 0 first); `consumer`: the copies of v; u < v, i.e. every
    // producer slot is smaller than every consumer slot. At most 64 copies of v.
    // Throws std::invalid_argument otherwise. Every stage domain must lie at or after its task's
    // slot, as the model's domains do (stage <=> start equivalence needs it; asserted in attach).
    Cover(std::vector<StageTask> producer, std::vector<StageTask> consumer);

    std::string_view name() const override { return "Cover"; }
    solver::Priority priority() const override { return solver::Priority::Cheap; }

    void attach(solver::Engine& engine) override;
    bool propagate(solver::Engine& engine) override;
    bool propagateFromScratch(solver::Engine& engine) override;
    bool notify(solver::Engine& engine, int32_t watchIndex, solver::EventMask events) override;
    bool explain(const solver::Engine& engine, int64_t code, const solver::BoundLiteral* lit, int64_t pos,
                 std::vector<solver::BoundLiteral>& reason) const override;

private:
    bool propagateCopy(solver::Engine& engine, int j);
    bool runMarked(solver::Engine& engine, uint64_t marked);

    std::vector<StageTask> producer_;
    std::vector<StageTask> consumer_;
    uint64_t allCopies_;  // one bit per copy of v
    uint64_t dirty_;      // copies of v to re-run
};

}  // namespace moccasin
