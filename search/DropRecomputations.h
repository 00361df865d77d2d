// A descent on a plan that meets the budget: remove the recomputations the budget does not need.
//
// The move: node k's copy j > 0 (its recomputation at some stage) is deleted and the copy before
// it is kept instead until the last computation copy j served. Memory then rises by m_k over the
// gap between the two copies (from the end of copy j-1 to the start of copy j) and falls
// wherever the inputs of the deleted recomputation were kept only for it. The move is taken when
// the memory of every computation in the gap, plus m_k, stays within the budget; the fall is not
// counted, so the check is conservative and the plan stays within the budget after every move.
// Each pass materializes the plan once (so the falls of the previous pass are counted), builds
// the memory of every computation in a range-add/range-max tree over the computations (never
// over events) and tries every recomputation once: O((n + R) log(n + R)) per
// pass for R recomputations. Passes repeat while one removes something.
// Every pass tries the recomputations in one order (DropOrder); which order is best depends on
// the plan, so dropRecomputations runs each and keeps the cheapest result.
//
// Why: the greedy decides each eviction when memory runs over at one stage, without knowing that
// memory falls later; many of its recomputations are then unnecessary in hindsight. LNS finds
// these too on small graphs, but on 10,000 nodes at tight budgets its neighbourhood searches
// rarely finish, and this descent removes them in well under a second.
#pragma once
#include <cstdint>

#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/Deadline.h"

namespace moccasin {

struct DropStats {
    int64_t removed = 0;  // recomputations removed
    int passes = 0;
};

// The order in which a pass tries recomputations (ties: node, then copy index). Which order
// deletes the most cost depends on the plan: on one greedy walk's plan for rl_n100 at 0.8,
// dearest first ends at 5.37% TDI and most cost per byte first at 3.31%; on one for a
// 10,000-node graph at 0.9, at 1.18% and 1.19%.
enum class DropOrder {
    Dearest,      // highest cost first
    CostPerByte,  // highest cost / size first
    Smallest,     // smallest size first (then highest cost)
};

// `plan` must meet inst's budget and copy limit; it still does afterwards, at a cost no higher.
// Runs the descent once per DropOrder and keeps the cheapest result (the first on ties). Stops
// between moves once `deadline` (may be null) expires; the first order always yields a plan.
DropStats dropRecomputations(const Instance& inst, StagedPlan& plan, const Deadline* deadline = nullptr);
// The descent with one order.
DropStats dropRecomputationsIn(const Instance& inst, StagedPlan& plan, DropOrder rule,
                               const Deadline* deadline = nullptr);

}  // namespace moccasin
