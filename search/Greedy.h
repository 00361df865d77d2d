// Greedy warm start: walks the stages of the retention-interval model and, whenever memory at an
// event would exceed the budget, stops retaining live outputs (victims) and recomputes them just
// before their next use. Victims are chosen by a DTR-like score: the cost of recomputing them
// (including inputs that are no longer live and would have to be recomputed too), divided by
// size times the number of stages until they are needed again. The result is a StagedPlan with at
// most C copies per node, so it can seed the exact search.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/Deadline.h"

namespace moccasin {

enum class VictimRule {
    Dtr,          // cost / (size * stages to next use): the default
    LargestSize,  // biggest output first
    CostPerByte,  // cost / size
};

struct GreedyOptions {
    VictimRule rule = VictimRule::Dtr;
    uint64_t noiseSeed = 0;  // 0: exact scores; otherwise scores jittered by up to a factor 2
    // Where no output can be dropped, go on over the budget instead of failing: the walk then
    // returns its plan as `overBudget` with the memory it reached (a start for a repair).
    bool allowExcess = false;
    // Count the Pending inputs a victim's recomputation drags along (outputs evicted earlier that
    // must be recomputed again for it) in its cost and in the closure limit.
    bool chargePending = false;
    const Deadline* deadline = nullptr;  // checked every few stages; an expired walk fails
    // Work out every eviction plan in full, with and without preferring revivals, instead of
    // giving up plans that cannot score best and sharing a plan the preference does not change.
    // The same walk without jitter, only slower: the reference the tests compare against.
    bool fullPlans = false;
};

struct GreedyResult {
    std::optional<StagedPlan> plan;  // empty when the budget could not be met
    std::string failure;             // why, when plan is empty
    int64_t evictions = 0;
    // With allowExcess, when `plan` is empty: a complete plan within the copy limit whose
    // memory exceeds the budget, and its peak (schedule semantics, as evaluate() counts it).
    std::optional<StagedPlan> overBudget;
    int64_t overBudgetPeak = 0;
};

GreedyResult greedyPlan(const Instance& inst, const GreedyOptions& options = {});

// Runs every victim rule and keeps the cheapest plan that meets the budget; when none does,
// retries with jittered scores: a fixed number of rounds, or, with a time limit and
// `timedRestarts`, rounds until the deadline (then the result depends on the clock). Stops early
// (keeping what it has) once `deadline` expires. When no walk meets the budget, `overBudget`
// holds the plan of one more walk that went on over the budget.
//
// Each walk's plan goes through the drop descent (search/DropRecomputations.h) before walks are
// compared: dearest first only, unless `everyDropOrder` (then the cheapest of its three orders).
// One order is the default for a plan that LNS goes on from: with three, the portfolio picked
// another walk on rl_n500 at 0.8 (5.13% instead of 5.41% TDI) from which LNS ended higher (60 s,
// 2 threads: 3.67% against 3.03%; 10 s, 1 thread, seeds 0-4: 3.64-3.91% against 3.21-3.49%).
// `--strategy greedy`, whose plan is final, and graphs above 2,000 nodes use all three
// (search/GivenOrder.h, greedyWithEveryDropOrder).
//
// `threads` workers make the walks (search/GreedyPortfolio.cpp). Without a deadline that cuts
// them short the result is the same plan whatever their number; under a deadline more threads
// make more jittered walks, which is what meets tight budgets on large graphs.
GreedyResult bestGreedyPlan(const Instance& inst, const Deadline* deadline = nullptr, bool timedRestarts = true,
                            bool everyDropOrder = false, int threads = 1);

}  // namespace moccasin
