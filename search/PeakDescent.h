// A feasibility phase for when the greedy cannot meet the budget: start from the lowest schedule
// the greedy reaches (a bisection on the walk's budget between B and the peak of the caller's
// start or the reference peak: a walk that meets a looser budget is far lower than one that goes
// on over B), then lower the budget in steps; each step re-solves neighbourhoods around the
// schedule's memory peaks (search/Neighborhoods.h, peak-window) with the tree search under the
// tighter budget. Like the paper's first phase (minimise memory, then cost), but with our own
// engine and only as far down as the target budget.
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

// The descent's start: the lowest plan the greedy walks reach, by bisection on the walk's budget
// between inst.budget and the peak of `start` (the reference peak without one), in a fixed number
// of steps, each with a jittered walk at inst.budget itself (a deadline only cuts them short).
// Never above `start`; `met` when a walk meets inst.budget.
DescentResult lowestGreedyStart(const Instance& inst, const Deadline& deadline,
                                const std::optional<StagedPlan>& start = std::nullopt);

// Descends towards `budget` (see above). `start`, when given, is a plan over the budget to
// descend from (e.g. the greedy's). With `threads` above 1, that many descents with different
// seeds race on their own threads; the first to meet the budget stops the others (which one wins
// depends on timing, so a deterministic run uses one thread). Returns the cheapest plan that met
// the budget, or else the lowest plan reached.
DescentResult descendToBudget(const Instance& inst, const Deadline& deadline, const ModelOptions& model, uint64_t seed,
                              const std::optional<StagedPlan>& start = std::nullopt, int threads = 1);

}  // namespace moccasin
