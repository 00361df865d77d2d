// A feasibility phase for when the greedy cannot meet the budget: start from a schedule that
// meets a looser budget (the greedy at a budget between B and the reference peak, or the
// no-recompute schedule at the peak) and lower the budget in steps; each step re-solves
// neighbourhoods around the schedule's memory peaks (search/Neighborhoods.h, peak-window) with
// the tree search under the tighter budget. Like the paper's first phase (minimise memory, then
// cost), but with our own engine and only as far down as the target budget.
#pragma once
#include <cstdint>
#include <optional>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/Deadline.h"
#include "search/RematModel.h"

namespace moccasin {

struct DescentResult {
    // The lowest plan the descent reached: complete, within the copy limit, with peak `peak`
    // (schedule semantics, as evaluate() counts it); empty only if no start was found.
    std::optional<StagedPlan> plan;
    int64_t peak = 0;
    bool met = false;  // peak <= budget
};

// Descends towards `budget` (see above). `start`, when given, is a plan over the budget to
// descend from (e.g. the greedy's). With `threads` above 1, that many descents with different
// seeds race on their own threads; the first to meet the budget stops the others (which one wins
// depends on timing, so a deterministic run uses one thread). Returns the cheapest plan that met
// the budget, or else the lowest plan reached.
DescentResult descendToBudget(const Instance& inst, const Deadline& deadline, const ModelOptions& model, uint64_t seed,
                              const std::optional<StagedPlan>& start = std::nullopt, int threads = 1);

}  // namespace moccasin
