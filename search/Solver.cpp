#include "search/Solver.h"

#include <cassert>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "model/Peak.h"
#include "search/FreeOrder.h"
#include "search/GivenOrder.h"
#include "search/Greedy.h"
#include "search/SolveRecord.h"
#include "solver/Types.h"

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

const char* orderName(OrderMode m) { return m == OrderMode::Free ? "free" : "given"; }

const char* strategyNames() { return "auto, lns, exact, greedy, none"; }

Schedule Solution::schedule() const {
    Schedule s = materialize(*solvedGraph, plan);
    if (!order.empty())
        for (Computation& c : s.computations) c.node = order[c.node];
    return s;
}

std::vector<int> Solution::executionOrder() const {
    if (!order.empty()) return order;
    std::vector<int> identity(solvedGraph->numNodes());
    for (int k = 0; k < solvedGraph->numNodes(); ++k) identity[k] = k;
    return identity;
}

std::optional<std::string> unrepresentableReason(const Instance& inst) {
    const auto& [g, budget, copies] = inst;
    // Every engine value (a cost sum, a memory sum, an event) must stay within solver::kMaxValue
    // so that bound arithmetic cannot overflow. The largest are C times the baseline cost (the
    // objective's upper bound), C times the total size (the cumulative's load) and the budget.
    const __int128 limit = solver::kMaxValue;
    const __int128 c = copies;
    if (c * g.baselineCost() > limit)
        return "the costs sum to " + std::to_string(g.baselineCost()) + "; with up to " + std::to_string(copies) +
               " computations per node the total could exceed 2^60, the largest value the solver handles";
    if (c * g.totalSize() > limit)
        return "the sizes sum to " + std::to_string(g.totalSize()) + "; with up to " + std::to_string(copies) +
               " copies per node memory could exceed 2^60, the largest value the solver handles";
    if (budget > solver::kMaxValue) return "the budget " + std::to_string(budget) + " exceeds 2^60";
    const __int128 n = g.numNodes();
    if (n * (n + 1) / 2 > limit) return "the graph has too many nodes for the staged timeline";
    return std::nullopt;
}

namespace {

// Settles the status from the best solution and the proven bound. A bound above the cost of a
// schedule that passed the model's evaluation is a bug in a bound, never a proof: debug builds
// stop on it; release builds report the schedule as feasible, drop the bound and say why.
void settle(const std::shared_ptr<const Solution>& best, int64_t bound, SolveOutcome& out) {
    out.solution = best;
    out.lowerBound = bound;
    if (!best) {
        out.status = SolveStatus::Unknown;
        return;
    }
    if (bound > best->cost) {
        assert(false && "a proven lower bound exceeds the cost of a valid schedule");
        out.status = SolveStatus::Feasible;
        out.lowerBound.reset();
        out.statistics["bound_inconsistency"] = {{"bound", bound}, {"cost", best->cost}};
        out.message = "internal inconsistency: the lower bound " + std::to_string(bound) +
                      " exceeds the cost " + std::to_string(best->cost) +
                      " of a valid schedule; no optimality is claimed (please report this)";
        return;
    }
    out.status = bound == best->cost ? SolveStatus::Optimal : SolveStatus::Feasible;
}

SolveOutcome solveSimple(const Graph& g, const SolveOptions& options, SolveRecord& record, const Deadline& deadline) {
    SolveOutcome out;
    auto graph = std::shared_ptr<const Graph>(&g, [](const Graph*) {});
    std::optional<StagedPlan> plan;
    if (options.strategy == "none") {
        plan = StagedPlan::noRecompute(g.numNodes());
        int64_t peak = evaluate(g, materialize(g, *plan)).peak;
        if (peak > options.budget) {
            out.message = "the no-recompute schedule peaks at " + std::to_string(peak) + ", above the budget " +
                          std::to_string(options.budget);
            return out;
        }
    } else {
        // A fixed number of restarts (a greedy answer is wanted fast), cut short by the time limit.
        const Instance inst{g, options.budget, options.copies};
        GreedyResult r = bestGreedyPlan(inst, &deadline, false, greedyWithEveryDropOrder(g, options.strategy),
                                       options.threads);
        out.statistics["greedy_evictions"] = r.evictions;
        if (!r.plan) {
            // The descent's start: its walks may meet the budget, and otherwise the message names
            // a budget within reach (the portfolio's walk over the budget spends its copies early
            // and may end near the reference peak).
            const DescentResult low = greedyLowestStart(inst, deadline, options.deterministic, r.overBudget);
            out.statistics["greedy_lowest_peak"] = low.peak;
            if (low.met) {
                plan = low.plan;
            } else {
                out.message = "the greedy could not meet the budget: " + r.failure;
                const std::string hint = copiesHint(inst, Deadline(copiesHintSeconds(deadline, options.deterministic)));
                if (!hint.empty()) out.message += "; " + hint;
                const int64_t reference = referencePeak(g);
                out.message += "; " + lowestPeakNote(std::min(low.peak, reference), reference);
                return out;
            }
        } else {
            plan = std::move(r.plan);
        }
    }
    Evaluation ev = evaluate(g, materialize(g, *plan));
    auto s = std::make_shared<Solution>(Solution{graph, {}, *plan, ev.cost, ev.peak});
    record.offer(s, options.strategy);
    // Every node is computed at least once: a plan at the baseline cost is optimal.
    settle(record.best(), g.baselineCost(), out);
    return out;
}

}  // namespace

SolveOutcome solve(const Graph& g, const SolveOptions& options) {
    if (options.copies < 1) throw std::invalid_argument("copies must be at least 1");
    if (auto why = unrepresentableReason(Instance{g, options.budget, options.copies})) throw std::invalid_argument(*why);
    const bool search = options.strategy == "exact" || options.strategy == "lns" || options.strategy == "auto";
    if (!search && options.strategy != "none" && options.strategy != "greedy")
        throw std::invalid_argument("unknown strategy '" + options.strategy + "' (expected " + strategyNames() + ")");

    SolveOutcome out;
    const int64_t limit = budgetLowerLimit(g);
    if (options.budget < limit) {
        out.status = SolveStatus::Infeasible;
        out.message = "the budget " + std::to_string(options.budget) + " is below the lower limit " +
                      std::to_string(limit) + ": node " + g.id(budgetLimitingNode(g)).text +
                      " needs its output and all its inputs in memory at once";
        return out;
    }
    std::optional<double> timeLimit = options.timeLimitSeconds;
    if (!timeLimit && options.strategy != "exact") timeLimit = kDefaultTimeLimit;
    Deadline deadline(timeLimit);
    SolveRecord record(deadline, options.onImprovement);
    record.raiseBound(g.baselineCost());  // every node is computed at least once, in any order
    // Free order runs every strategy through its order search (none and greedy stop before the search).
    if (options.order == OrderMode::Free) return solveFreeOrder(g, options, record, deadline);
    if (!search) return solveSimple(g, options, record, deadline);

    OrderedGraph given{std::shared_ptr<const Graph>(&g, [](const Graph*) {}), {}};
    OrderStart start;
    if (options.warmStart && options.warmStart->order.empty()) start.plan = options.warmStart->plan;
    OrderRun run = runOnOrder(given, options, record, deadline, start);
    record.raiseBound(run.bound);
    out.statistics = run.statistics;
    if (run.provedInfeasible && !run.hasPlan) {
        out.status = SolveStatus::Infeasible;
        out.lowerBound = record.bound();
        out.message = run.message;
        return out;
    }
    settle(record.best(), record.bound(), out);
    if (!out.solution) {
        out.message = run.message;
        if (!run.copiesHint.empty()) out.message += "; " + run.copiesHint;
        out.message += "; " + lowestPeakNote(run.lowestPeak, referencePeak(g));
    }
    if (run.provedInfeasible && run.hasPlan && out.message.empty())
        out.message = "internal inconsistency: the search proved infeasibility beside a valid schedule";
    return out;
}

}  // namespace moccasin
