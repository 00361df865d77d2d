#include "search/Solver.h"

#include <stdexcept>

#include "model/Peak.h"
#include "search/Greedy.h"

namespace moccasin {

const char* statusName(SolveStatus s) {
    switch (s) {
        case SolveStatus::Optimal: return "optimal";
        case SolveStatus::Feasible: return "feasible";
        case SolveStatus::Infeasible: return "infeasible";
        case SolveStatus::Unknown: return "unknown";
    }
    return "unknown";
}

const char* strategyNames() { return "none, greedy, exact"; }

namespace {
// Every node is computed at least once, so the baseline cost bounds every schedule from below;
// a plan that reaches it is optimal.
void finishFeasible(const Graph& g, SolveOutcome& out) {
    int64_t cost = evaluate(g, materialize(g, *out.plan)).cost;
    out.lowerBound = g.baselineCost();
    out.status = cost == g.baselineCost() ? SolveStatus::Optimal : SolveStatus::Feasible;
}
}  // namespace

SolveOutcome solve(const Graph& g, const SolveOptions& options) {
    SolveOutcome out;
    if (options.copies < 1) throw std::invalid_argument("copies must be at least 1");
    const int64_t limit = budgetLowerLimit(g);
    if (options.budget < limit) {
        out.status = SolveStatus::Infeasible;
        out.message = "the budget " + std::to_string(options.budget) + " is below the lower limit " +
                      std::to_string(limit) + ": node " + g.id(budgetLimitingNode(g)).text +
                      " needs its output and all its inputs in memory at once";
        return out;
    }
    if (options.strategy == "none") {
        StagedPlan plan = StagedPlan::noRecompute(g.numNodes());
        int64_t peak = evaluate(g, materialize(g, plan)).peak;
        if (peak > options.budget) {
            out.message = "the no-recompute schedule peaks at " + std::to_string(peak) + ", above the budget " +
                          std::to_string(options.budget);
            return out;
        }
        out.plan = std::move(plan);
        finishFeasible(g, out);
        return out;
    }
    if (options.strategy == "greedy") {
        GreedyResult r = bestGreedyPlan(g, options.budget, options.copies);
        out.statistics["greedy_evictions"] = r.evictions;
        if (!r.plan) {
            out.message = "the greedy could not meet the budget: " + r.failure;
            return out;
        }
        out.plan = std::move(r.plan);
        finishFeasible(g, out);
        return out;
    }
    if (options.strategy == "exact") {
        GreedyResult warm = bestGreedyPlan(g, options.budget, options.copies);
        ExactOptions exact = options.exact;
        exact.timeLimitSeconds = options.timeLimitSeconds;
        exact.seed = options.seed;
        ExactResult r = solveExact(g, options.budget, options.copies, exact, warm.plan);
        out.statistics = r.statistics;
        out.statistics["greedy_found"] = warm.plan.has_value();
        out.statistics["seconds_to_first"] = r.secondsToFirst;
        out.statistics["seconds_to_best"] = r.secondsToBest;
        out.lowerBound = r.lowerBound;
        if (r.provedInfeasible) {
            out.status = SolveStatus::Infeasible;
            out.message = "the search proved that no schedule meets the budget";
            return out;
        }
        if (!r.best) {
            out.message = "no schedule found within the limits";
            return out;
        }
        out.plan = std::move(r.best);
        out.status = r.provedOptimal ? SolveStatus::Optimal : SolveStatus::Feasible;
        if (!r.provedOptimal && r.lowerBound >= r.bestCost) out.status = SolveStatus::Optimal;
        return out;
    }
    throw std::invalid_argument("unknown strategy '" + options.strategy + "' (expected " + strategyNames() + ")");
}

}  // namespace moccasin
