// Last use (docs/model.md, constraint 3), one propagator per node u: every copy ends right
// after the last consumer computation it serves.
//
// Constraint. For every present copy i of u:
//     end_ui = max(S_ui + 1, max{ S_vj + 1 : consumer copy (v, j) served by i })
// where (v, j) is served by i iff p_vj, stage_ui <= stage_vj and, unless i is the last copy,
// (not p_u(i+1) or stage_vj < stage_u(i+1)). A served start is > S_ui (u < v), so this is
// "1 + the latest served start, or S_ui + 1 if copy i serves nobody". Absent copies and absent
// consumers are unconstrained.
//
// Definitions, for copy i not absent and consumer copy k = (v, j); "next" is copy i+1 of u:
//   k bounds copy i below   iff  p_vj true and, unless i is the last copy, p_next false or
//       stage_vj.ub < stage_next.lb (so the next copy cannot take k over). Then end_ui > S_vj in
//       every solution: either stage_ui <= stage_vj and i serves k, or stage_ui > stage_vj and
//       end_ui > S_ui > S_vj (u < v). No condition on stage_ui is needed.
//   k possibly served by i  iff  p_vj not false and stage_vj.lb <= hi, where hi = stage_vj.ub,
//       lowered to stage_next.ub - 1 if p_next is true (an undecided p_next may be false, so it
//       does not bound hi). Its contribution is eventOf(hi, v) + 1, the latest end serving k can
//       ask for. (The condition stage_ui <= stage_vj is left out: a consumer with
//       stage_vj.ub < stage_ui.lb contributes less than the own term S_ui.max + 1 anyway.)
// Rules for copy i, all "if present" (a bound that would empty the domain of an undecided copy
// makes it absent instead):
//   L1  end_ui >= S_ui.min + 1.
//   L2  end_ui >= S_vj.min + 1 for every k that bounds copy i below.
//   U1  end_ui <= max(S_ui.max + 1, max contribution of the possibly served k).
//   S1  S_ui <= end_ui.ub - 1 (the constraint implies end_ui >= S_ui + 1).
// When everything is fixed, U1 is exactly the formula and L1/L2 reach it, so end_ui is forced to
// the formula and any other value fails. Soundness: L2 and U1 hold in every solution (see the
// definitions), S1 follows from end_ui >= S_ui + 1; so no value of a solution is removed.
//
// Incrementality (not idempotent: S1 and absences feed back, the engine re-queues it):
//   - a consumer copy change (presence fixed, stage bounds) re-checks it against every copy i:
//     L2 if it bounds the copy below, and U1 only if it is the copy's "support" (the consumer, or
//     the own term, whose contribution gave the last U1 value, kept in Rev values) and its
//     contribution dropped: O(C) per consumer copy, plus a rescan of copy i when a support drops;
//   - a change of copy i of u re-runs L2 and/or U1 over all consumers for copy i-1 (whose served
//     set depends on copy i): O(deg * C); for copy i itself only L1, S1 and the own term of U1
//     change, in O(1) unless the own term was the support.
// Support invariant: after every call, for each copy that is not absent, ubValue = the U1 bound
// = the contribution of ubSupport (contributions only shrink as domains shrink, so the bound stays
// exact until the support's own contribution drops). Dirty marks are hints: a stale mark left by a
// failure only costs a re-check; Rev values restore the supports on backtrack.
//
// Explanations (learning; the inference code names the rule, the copy and, for L2, the consumer;
// an "if present" change that made the copy absent adds the end bound it contradicted):
//   L1  [stage_ui >= its lb]        S1  [end_ui <= its ub]
//   L2  [p_vj], [stage_vj >= its lb] and, unless i is the last copy, [p_next false] or
//       [stage_vj <= its ub], [stage_next >= its lb]
//   U1  [stage_ui <= its ub] and, per consumer copy, what caps its contribution: [p_vj false],
//       or [stage_vj <= its ub], with [p_next], [stage_next <= its ub] and [stage_vj >= its lb]
//       when the next copy's start is what caps it.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "propagators/StageTask.h"
#include "solver/Propagator.h"
#include "solver/Rev.h"

namespace moccasin {

class LastUse final : public solver::Propagator {
public:
    // `copies`: the C >= 1 copies of node u (copy 0 first); `consumers`: every copy of every
    // consumer node of u, in any order (each consumer copy is independent here). Every consumer
    // slot must be larger than u's slot; throws std::invalid_argument otherwise. Every stage
    // domain must lie at or after its task's slot, as the model's domains do (L2 and U1 rely on
    // it; asserted in attach).
    LastUse(std::vector<StageTask> copies, std::vector<StageTask> consumers);

    std::string_view name() const override { return "LastUse"; }
    solver::Priority priority() const override { return solver::Priority::Linear; }
    bool idempotent() const override { return false; }

    void attach(solver::Engine& engine) override;
    bool propagate(solver::Engine& engine) override;
    bool propagateFromScratch(solver::Engine& engine) override;
    bool notify(solver::Engine& engine, int32_t watchIndex, solver::EventMask events) override;
    bool explain(const solver::Engine& engine, int64_t code, const solver::BoundLiteral* lit, int64_t pos,
                 std::vector<solver::BoundLiteral>& reason) const override;

private:
    enum Rule : int64_t { kL1 = 1, kL2 = 2, kS1 = 3, kU1 = 4 };
    // Inference code of a rule for copy i (and consumer k, for L2).
    static int64_t codeOf(Rule rule, int i, int64_t k = 0) { return rule + 8 * (i + 64 * k); }
    // Per-copy marks.
    static constexpr uint8_t kLb = 1;    // re-run L2 over all consumers
    static constexpr uint8_t kUb = 2;    // re-run U1 over all consumers
    static constexpr uint8_t kSelf = 4;  // L1, S1 and the own-term support check

    bool boundsBelow(const solver::Engine& e, int i, int k) const;
    int64_t contribution(const solver::Engine& e, int i, int k) const;  // kMinValue if not possibly served
    bool rescanLb(solver::Engine& e, int i);
    bool rescanUb(solver::Engine& e, int i);
    bool propagateCopy(solver::Engine& e, int i, uint8_t marks, const std::vector<int32_t>& changed);
    void markConsumer(int32_t k);

    std::vector<StageTask> copies_;
    std::vector<StageTask> consumers_;
    std::vector<solver::RevInt64> ubValue_;    // per copy: the last U1 bound
    std::vector<solver::RevInt32> ubSupport_;  // per copy: consumer giving it, -1 = own term
    std::vector<uint8_t> marks_;               // per copy: pending kLb | kUb | kSelf
    std::vector<uint8_t> marksScratch_;
    std::vector<int32_t> changed_;             // consumers changed since the last call
    std::vector<int32_t> changedScratch_;
    std::vector<uint8_t> isChanged_;           // per consumer: in changed_
};

}  // namespace moccasin
