#include "search/Solver.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "model/LowerBound.h"
#include "model/Peak.h"
#include "search/Greedy.h"
#include "search/Incumbent.h"
#include "search/PeakDescent.h"

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

const char* strategyNames() { return "auto, lns, exact, greedy, none"; }

namespace {

// Above this size the exact search rarely proves anything: every thread does LNS.
constexpr int kExactPortfolioMaxNodes = 2000;

// Formats an improvement as a progress line: time, cost, TDI, peak, bound, gap, source.
std::string progressLine(const Graph& g, const Incumbent::Improvement& imp, int64_t lowerBound) {
    const double d = static_cast<double>(std::max<int64_t>(g.baselineCost(), 1));
    const double tdi = 100.0 * static_cast<double>(imp.cost - g.baselineCost()) / d;
    const double gap = imp.cost == 0 ? 0.0 : 100.0 * static_cast<double>(imp.cost - lowerBound) / static_cast<double>(imp.cost);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%8.2fs  cost %lld  TDI %.3f%%  peak %lld  bound %lld  gap %.3f%%  by %s", imp.seconds,
                  static_cast<long long>(imp.cost), tdi, static_cast<long long>(imp.peak),
                  static_cast<long long>(lowerBound), gap, imp.source.c_str());
    return buf;
}

void finish(const Graph& g, Incumbent& incumbent, int64_t lowerBound, SolveOutcome& out) {
    out.plan = incumbent.best();
    out.lowerBound = std::max(lowerBound, g.baselineCost());
    if (!out.plan) {
        if (out.message.empty()) out.message = "no schedule found within the limits";
        out.status = SolveStatus::Unknown;
        return;
    }
    if (incumbent.cost() <= *out.lowerBound) out.lowerBound = incumbent.cost();
    out.status = incumbent.cost() == *out.lowerBound ? SolveStatus::Optimal : SolveStatus::Feasible;
    out.statistics["solutions"] = incumbent.solutions();
    out.statistics["seconds_to_first"] = incumbent.secondsToFirst();
    out.statistics["seconds_to_best"] = incumbent.secondsToBest();
}

// Greedy, exact and LNS phases in the order the strategy asks for, sharing one incumbent.
SolveOutcome runSearch(const Graph& g, const SolveOptions& options) {
    SolveOutcome out;
    const bool isExact = options.strategy == "exact";
    std::optional<double> limit = options.timeLimitSeconds;
    if (!limit && !isExact) limit = kDefaultTimeLimit;
    Deadline deadline(limit);
    Incumbent incumbent(g, options.budget, options.copies, deadline);
    int64_t lowerBound = g.baselineCost();
    if (options.progress)
        incumbent.setListener([&](const Incumbent::Improvement& imp) { options.progress(progressLine(g, imp, lowerBound)); });

    GreedyResult warm = bestGreedyPlan(g, options.budget, options.copies, &deadline);
    out.statistics["greedy_evictions"] = warm.evictions;
    if (warm.plan) incumbent.offer(*warm.plan, "greedy");
    if (!incumbent.has() && options.strategy != "exact" && !deadline.expired()) {
        // No schedule from the greedy: walk the budget down from one it can meet, using half of
        // the remaining time at most.
        Deadline phase(limit ? std::optional<double>(0.5 * (*limit - deadline.elapsed())) : std::nullopt);
        ModelOptions m = options.exact.model;
        m.timing = false;
        if (auto plan = descendToBudget(g, options.budget, options.copies, phase, m, options.seed))
            incumbent.offer(*plan, "descent");
    }
    lowerBound = std::max(lowerBound, rootLowerBound(g, options.budget, options.copies, 200,
                                                     incumbent.has() ? incumbent.cost() : 2 * g.baselineCost()));
    if (incumbent.has() && incumbent.cost() <= lowerBound) {
        finish(g, incumbent, lowerBound, out);
        return out;
    }

    ExactOptions exact = options.exact;
    exact.seed = options.seed;
    LnsOptions lns = options.lns;
    lns.threads = options.threads;
    lns.seed = options.seed;
    lns.deterministic = options.deterministic;
    lns.model = options.exact.model;
    lns.model.ttef = false;          // measured: TTEF costs LNS more steps than it saves
    lns.model.timing = false;        // clock reads cost more than the cheap propagators
    lns.model.boundIterations = std::min(lns.model.boundIterations, 2);
    auto runExact = [&](const Deadline& clock) {
        exact.knownLowerBound = lowerBound;  // computed above: the search need not redo it
        ExactResult r = solveExactShared(g, options.budget, options.copies, exact, incumbent, clock);
        out.statistics["exact"] = r.statistics;
        lowerBound = std::max(lowerBound, r.lowerBound);
        return r;
    };
    auto runLnsPhase = [&](int threads) {
        lns.threads = threads;
        out.statistics["lns"] = runLns(g, options.budget, options.copies, incumbent, deadline, lns).toJson();
    };

    // A portfolio for auto with several threads: one exact search (it may prove optimality and
    // then stops everything) beside LNS workers. Large graphs get LNS only.
    const bool portfolio = options.strategy == "auto" && options.threads >= 2 && incumbent.has() &&
                           !options.deterministic && g.numNodes() <= kExactPortfolioMaxNodes;
    if (portfolio) {
        ExactResult r;
        std::thread exactThread([&] {
            r = runExact(deadline);
            if (r.provedOptimal || r.provedInfeasible) deadline.cancel();
        });
        runLnsPhase(options.threads - 1);
        exactThread.join();
        if (r.provedInfeasible) {  // cannot happen with an incumbent, but say it right if it does
            out.status = SolveStatus::Infeasible;
            return out;
        }
    } else {
        // auto on one thread: a short exact search (it settles small instances), LNS until 85%
        // of the time, then the exact search again with the improved incumbent for a proof.
        // When there is no schedule to improve on, the exact search gets all the time.
        const bool staged = options.strategy == "auto" && limit && incumbent.has() && !options.deterministic;
        if (isExact || options.strategy == "auto") {
            std::optional<double> share;
            if (staged) share = std::min(*limit - deadline.elapsed(), std::min(2.0, 0.1 * *limit));
            Deadline phase(share);
            ExactResult r = runExact(share ? phase : deadline);
            if (r.provedInfeasible) {
                out.status = SolveStatus::Infeasible;
                out.message = "the search proved that no schedule meets the budget";
                out.lowerBound = lowerBound;
                return out;
            }
            if (r.provedOptimal || isExact || !incumbent.has()) {
                finish(g, incumbent, lowerBound, out);
                return out;
            }
        }
        if (incumbent.has() && !deadline.expired()) {
            if (staged) {
                Deadline lnsClock(std::max(0.0, 0.85 * *limit - deadline.elapsed()));
                lns.threads = 1;
                out.statistics["lns"] = runLns(g, options.budget, options.copies, incumbent, lnsClock, lns).toJson();
                if (!deadline.expired()) runExact(deadline);
            } else {
                runLnsPhase(options.threads);
            }
        }
    }
    if (!incumbent.has() && !warm.plan) out.message = "no schedule found: " + warm.failure;
    finish(g, incumbent, lowerBound, out);
    return out;
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
    if (options.strategy == "none" || options.strategy == "greedy") {
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
            GreedyResult r = bestGreedyPlan(g, options.budget, options.copies);
            out.statistics["greedy_evictions"] = r.evictions;
            if (!r.plan) {
                out.message = "the greedy could not meet the budget: " + r.failure;
                return out;
            }
            plan = std::move(r.plan);
        }
        // Every node is computed at least once: a plan at the baseline cost is optimal.
        int64_t cost = evaluate(g, materialize(g, *plan)).cost;
        out.plan = std::move(plan);
        out.lowerBound = g.baselineCost();
        out.status = cost == g.baselineCost() ? SolveStatus::Optimal : SolveStatus::Feasible;
        return out;
    }
    if (options.strategy == "exact" || options.strategy == "lns" || options.strategy == "auto")
        return runSearch(g, options);
    throw std::invalid_argument("unknown strategy '" + options.strategy + "' (expected " + strategyNames() + ")");
}

}  // namespace moccasin
