#include "search/GivenOrder.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "model/LowerBound.h"
#include "model/Peak.h"
#include "search/DropRecomputations.h"
#include "search/Greedy.h"
#include "search/Incumbent.h"
#include "search/PeakDescent.h"
#include "search/Saturating.h"

namespace moccasin {

namespace {

// Above this size the exact search rarely proves anything: every thread does LNS.
constexpr int kExactPortfolioMaxNodes = 2000;

// The exact search of one order, run on its own thread beside LNS. It owns its result; the
// caller reads it only after join().
class ExactWorker {
public:
    ExactWorker(const Instance& inst, const ExactOptions& options, Incumbent& incumbent,
                const Deadline& deadline)
        : inst_(inst), options_(options), incumbent_(incumbent), deadline_(deadline) {}
    void operator()() {
        result_ = solveExactShared(inst_, options_, incumbent_, deadline_);
        // A proof settles the instance: the other workers stop.
        if (result_.provedOptimal || result_.provedInfeasible) deadline_.cancel();
    }
    const ExactResult& result() const { return result_; }

private:
    Instance inst_;
    ExactOptions options_;
    Incumbent& incumbent_;
    const Deadline& deadline_;
    ExactResult result_;
};

class OrderSearch {
public:
    OrderSearch(const OrderedGraph& instance, const SolveOptions& options, SolveRecord& record,
                const Deadline& deadline)
        : g_(*instance.graph),
          opt_(options),
          deadline_(deadline),
          inst_{g_, options.budget, options.copies},
          incumbent_(inst_, deadline),
          sink_(record, instance.graph, instance.order) {
        incumbent_.setSink(&sink_);
        out_.lowestPeak = referencePeak(g_);  // the no-recompute schedule: always there
        exact_ = options.exact;
        exact_.seed = options.seed;
        lns_ = options.lns;
        lns_.threads = std::max(1, options.threads);
        lns_.seed = options.seed;
        lns_.deterministic = options.deterministic;
        lns_.model = options.exact.model;
        lns_.model.ttef = false;    // measured: TTEF costs LNS more steps than it saves
        lns_.model.timing = false;  // clock reads cost more than the cheap propagators
        lns_.model.boundIterations = std::min(lns_.model.boundIterations, 2);
        // The stage-cut bound evaluates the whole graph at every call, and its gaps span many
        // stages on large graphs: there one LNS step would take seconds, and a bound that far
        // from the incumbent prunes nothing.
        if (large()) lns_.model.recomputeBound = false;
    }

    OrderRun run(const OrderStart& start) {
        if (start.plan) incumbent_.offer(*start.plan, "warm start");
        const GreedyResult greedy = runGreedy(start.greedy);
        // The root bounds come before any search, so that each is computed once per order (the
        // searches get them as their known lower bound) and an infeasible relaxation ends the run.
        rootBounds();
        if (out_.provedInfeasible) return finish();
        reachBudget(greedy);
        if (out_.provedInfeasible) return finish();
        if (!(incumbent_.has() && incumbent_.cost() <= out_.bound)) search();
        return finish();
    }

private:
    bool large() const { return g_.numNodes() > kExactPortfolioMaxNodes; }

    OrderRun finish() {
        out_.hasPlan = incumbent_.has();
        if (out_.hasPlan) {
            out_.cost = incumbent_.cost();
            out_.statistics["solutions"] = incumbent_.solutions();
            out_.statistics["seconds_to_first"] = incumbent_.secondsToFirst();
            out_.statistics["seconds_to_best"] = incumbent_.secondsToBest();
        } else if (out_.message.empty()) {
            out_.message = out_.provedInfeasible ? "the search proved that no schedule meets the budget"
                                                 : "no schedule found within the limits" + greedyFailure_;
        }
        return out_;
    }

    // The greedy (free order ran it already, with its own share of the time).
    GreedyResult runGreedy(const std::optional<GreedyResult>& done) {
        GreedyResult greedy;
        if (done) {
            greedy = *done;
        } else {
            // Restarts of the greedy take at most 30% of the time: the descent and the search need the rest.
            Deadline greedyShare(deadline_.share(0.3));
            // --deterministic: a fixed number of restarts, so the result does not depend on the clock.
            greedy = bestGreedyPlan(inst_, &greedyShare, !opt_.deterministic,
                                    greedyWithEveryDropOrder(g_, opt_.strategy), opt_.threads);
        }
        out_.statistics["greedy_evictions"] = greedy.evictions;
        if (greedy.plan) incumbent_.offer(*greedy.plan, "greedy");
        if (!greedy.plan) greedyFailure_ = " (the greedy: " + greedy.failure + ")";
        // Asked now, within the time limit, for the message should no schedule be found (free
        // order asks once for all its orders).
        if (!greedy.plan && opt_.order == OrderMode::Given)
            out_.copiesHint = copiesHint(inst_, Deadline(copiesHintSeconds(deadline_, opt_.deterministic)));
        if (greedy.overBudget) {
            out_.statistics["greedy_over_budget_peak"] = greedy.overBudgetPeak;
            out_.lowestPeak = std::min(out_.lowestPeak, greedy.overBudgetPeak);
        }
        return greedy;
    }

    // The baseline, the stage-cut Lagrangian and the relaxation's integer optimum (not on large
    // graphs: there they take long and prove little).
    void rootBounds() {
        out_.bound = std::max(out_.bound, g_.baselineCost());
        if (large()) return;
        out_.bound = std::max(out_.bound, rootLowerBound(inst_, 200,
                                                         incumbent_.has() ? incumbent_.cost()
                                                                          : saturatingDouble(g_.baselineCost())));
        if (!(exact_.model.recomputeBound && exact_.coverBound)) return;
        const CoverResult cover = rootCoverBound(inst_, exact_, deadline_);
        out_.statistics["root_cover"] = {{"bound", cover.bound}, {"exact", cover.exact}, {"nodes", cover.nodes}};
        // No cover: no plan exists (beside a schedule, Solver reports the contradiction).
        if (cover.infeasible) out_.provedInfeasible = true;
        else out_.bound = std::max(out_.bound, g_.baselineCost() + cover.bound);
        exact_.coverBound = false;  // the exact searches get it as their known lower bound
    }

    // When the greedy met no schedule: a short exact search, then the feasibility descent.
    void reachBudget(const GreedyResult& greedy) {
        if (incumbent_.has() || opt_.strategy == "exact" || deadline_.expired()) return;
        if (opt_.strategy == "auto" && !opt_.deterministic && !large()) {
            // A short exact search first: on small instances it finds a schedule or proves
            // that there is none long before the descent would give up.
            std::optional<double> left = deadline_.remaining();
            Deadline share(left ? std::optional<double>(std::min(*left, std::min(2.0, 0.1 * (*left + deadline_.elapsed()))))
                                : std::optional<double>(2.0));
            ExactResult r = runExact(share);
            if (r.provedInfeasible || incumbent_.has()) return;
        }
        // Walk the budget down from one the greedy meets, with half of the remaining time (all of
        // it on large graphs, where the exact search afterwards would find nothing).
        Deadline phase(deadline_.share(large() ? 1.0 : 0.5));
        ModelOptions m = opt_.exact.model;
        m.timing = false;
        if (large()) m.recomputeBound = false;
        const int racers = opt_.deterministic ? 1 : std::max(1, opt_.threads);
        DescentResult descent = descendToBudget(inst_, phase, m, opt_.seed, greedy.overBudget, racers);
        if (descent.met) {
            incumbent_.offer(*descent.plan, "descent");
            StagedPlan plan = *descent.plan;
            if (dropRecomputations(inst_, plan, &deadline_).removed > 0) incumbent_.offer(plan, "descent/drop");
        }
        else if (descent.plan) out_.lowestPeak = std::min(out_.lowestPeak, descent.peak);
    }

    void absorb(const ExactResult& r) {
        out_.statistics["exact"] = r.statistics;
        out_.bound = std::max(out_.bound, r.lowerBound);
        out_.provedOptimal = out_.provedOptimal || r.provedOptimal;
        out_.provedInfeasible = out_.provedInfeasible || r.provedInfeasible;
    }
    ExactResult runExact(const Deadline& clock) {
        ExactOptions e = exact_;
        e.knownLowerBound = out_.bound;  // computed above: the search need not redo it
        ExactResult r = solveExactShared(inst_, e, incumbent_, clock);
        absorb(r);
        return r;
    }
    void runLnsFor(const Deadline& clock, int threads) {
        LnsOptions l = lns_;
        l.threads = threads;
        out_.statistics["lns"] = runLns(inst_, incumbent_, clock, l).toJson();
    }

    void search() {
        const bool isExact = opt_.strategy == "exact";
        if (isExact) {
            runExact(deadline_);
            return;
        }
        if (!incumbent_.has()) {
            // Nothing for LNS to improve: auto gives the exact search all the time (it may find a
            // schedule or prove there is none).
            if (opt_.strategy == "auto" && !deadline_.expired()) runExact(deadline_);
            return;
        }
        if (deadline_.expired()) return;
        // lns; auto --deterministic (the exact phase would depend on the clock); graphs too large
        // for the exact search to prove anything: LNS on every thread.
        if (opt_.strategy == "lns" || opt_.deterministic || large()) {
            runLnsFor(deadline_, lns_.threads);
            return;
        }
        if (opt_.threads >= 2) {
            // A portfolio: one exact search (a proof stops everything) beside LNS workers.
            ExactOptions e = exact_;
            e.knownLowerBound = out_.bound;
            ExactWorker worker(inst_, e, incumbent_, deadline_);
            std::thread exactThread(std::ref(worker));
            runLnsFor(deadline_, opt_.threads - 1);
            exactThread.join();
            absorb(worker.result());
            return;
        }
        // One thread: a short exact search (it settles small instances), LNS until 85% of the
        // time, then the exact search again with the improved incumbent for a proof.
        std::optional<double> left = deadline_.remaining();
        if (!left) {
            runExact(deadline_);
            return;
        }
        const double total = deadline_.elapsed() + *left;
        Deadline firstShare(std::min(*left, std::min(2.0, 0.1 * total)));
        ExactResult r = runExact(firstShare);
        if (r.provedOptimal || r.provedInfeasible || deadline_.expired()) return;
        Deadline lnsShare(std::max(0.0, 0.85 * total - deadline_.elapsed()));
        runLnsFor(lnsShare, 1);
        if (!deadline_.expired()) runExact(deadline_);
    }

    const Graph& g_;
    const SolveOptions& opt_;
    const Deadline& deadline_;
    const Instance inst_;
    Incumbent incumbent_;
    RecordSink sink_;
    ExactOptions exact_;
    LnsOptions lns_;
    OrderRun out_;
    std::string greedyFailure_;
};

}  // namespace

bool greedyWithEveryDropOrder(const Graph& g, const std::string& strategy) {
    return strategy == "greedy" || g.numNodes() > kExactPortfolioMaxNodes;
}

std::optional<double> copiesHintSeconds(const Deadline& deadline, bool deterministic) {
    // --deterministic: the answer must not depend on the clock, so only the solve's own limit
    // can cut the walks short (like every other part of a deterministic solve).
    if (deterministic) return deadline.remaining();
    return std::min(3.0, deadline.share(0.1).value_or(2.0));
}

DescentResult greedyLowestStart(const Instance& inst, const Deadline& deadline, bool deterministic,
                                const std::optional<StagedPlan>& overBudget) {
    DescentResult low = lowestGreedyStart(inst, Deadline(copiesHintSeconds(deadline, deterministic)), overBudget);
    if (low.met) dropRecomputations(inst, *low.plan, &deadline);
    return low;
}

std::string copiesHint(const Instance& inst, const Deadline& quick) {
    // Single walks, each checking the clock, so large graphs cannot overrun it either.
    for (int c : {inst.copies * 2, 8}) {
        if (c <= inst.copies || c > 64) continue;
        // One walk per limit, the variant that fits tight budgets most often.
        if (quick.expired()) return "";
        GreedyOptions o;
        o.chargePending = true;
        o.deadline = &quick;
        if (greedyPlan(Instance{inst.graph, inst.budget, c}, o).plan)
            return "with --copies " + std::to_string(c) + " the greedy meets this budget";
    }
    return "";
}

std::string lowestPeakNote(int64_t lowestPeak, int64_t referencePeak) {
    if (referencePeak <= 0) return "";
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%.3f", static_cast<double>(lowestPeak) / static_cast<double>(referencePeak));
    return "the lowest peak a schedule found reached is " + std::to_string(lowestPeak) + " (" + fraction +
           " of the reference peak)";
}

OrderRun runOnOrder(const OrderedGraph& instance, const SolveOptions& options, SolveRecord& record,
                    const Deadline& deadline, const OrderStart& start) {
    OrderSearch search(instance, options, record, deadline);
    return search.run(start);
}

}  // namespace moccasin
