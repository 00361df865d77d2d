// A budget sweep: one solve per budget, from a generous budget down to a tight one, each started
// from the schedule its neighbour found (a schedule that meets the tighter budget is kept as the
// starting incumbent; one that does not is ignored by the solver). Every schedule is checked by
// the independent validator before its cost counts.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/Graph.h"
#include "search/Solver.h"

namespace moccasin::analysis {

// Fractions of the reference peak are handled in billionths, so 0.05 steps add up exactly.
inline constexpr int64_t kBillion = 1000000000;

struct SweepBudget {
    double fraction = 0;  // budget / reference peak as asked for (the limit's own ratio for the last)
    int64_t budget = 0;
};

// The budgets from `from` down in steps of `step` while above `to`, then `to` itself; with no
// `to`, down to the graph's lower limit (budgetLowerLimit), whose budget is the limit exactly.
// Fractions in billionths of the reference peak; budget = ceil(fraction * peak). Throws
// std::invalid_argument for step <= 0, from < to, or more than `maxRows` budgets.
std::vector<SweepBudget> sweepBudgets(const Graph& g, int64_t fromBillionths, std::optional<int64_t> toBillionths,
                                      int64_t stepBillionths, size_t maxRows = 10000);

struct SweepRow {
    double fraction = 0;
    int64_t budget = 0;
    std::string status;  // optimal | feasible | infeasible | unknown | invalid (failed validation)
    std::optional<int64_t> cost, peak, lowerBound;
    std::optional<double> tdiPercent;
    double seconds = 0;
    std::string message;  // why there is no schedule, or the violation of an invalid one

    bool hasSchedule() const { return cost.has_value(); }
};

struct SweepRun {
    std::vector<SweepRow> rows;
    bool complete = true;  // false when a stop request (SIGINT) ended it early
    bool invalidSchedule = false;  // some schedule failed validation: an internal error
};

// Solves `g` at every budget with `base`'s other options (budget and warm start are set per
// row). Calls `afterRow` with the rows so far after each one (e.g. to save progress). Stops
// early, marking the run incomplete, when stopRequested() is set.
SweepRun runSweep(const Graph& g, const std::vector<SweepBudget>& budgets, const SolveOptions& base,
                  const std::function<void(const SweepRun&)>& afterRow = {});

double tdiPercentOf(int64_t cost, int64_t baseline);

}  // namespace moccasin::analysis
