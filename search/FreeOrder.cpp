#include "search/FreeOrder.h"

#include <algorithm>
#include <limits>

#include "model/Peak.h"
#include "model/Reorder.h"
#include "search/GivenOrder.h"
#include "search/Greedy.h"
#include "search/OrderSearch.h"

namespace moccasin {

namespace {

// Moves of the order search under --deterministic: about a second on the paper's graphs.
constexpr int64_t kDeterministicOrderMoves = 2'000'000;

// One execution order under consideration: the relabelled graph and what the greedy makes of it.
struct OrderOption {
    OrderedGraph graph;
    int64_t peak = 0;  // no-recompute peak of the order
    std::string origin;
    std::optional<GreedyResult> greedy;  // once the greedy has run on it
    int64_t greedyCost = std::numeric_limits<int64_t>::max();  // of greedy->plan
};

std::vector<int> identityOrder(int n) {
    std::vector<int> order(n);
    for (int k = 0; k < n; ++k) order[k] = k;
    return order;
}

// Cheapest greedy first (equal costs: lowest peak first); orders the greedy cannot fit come last,
// in the order search's ranking (lowest pressure at the budget first): the memory an order holds
// above the budget predicts how hard the budget is to reach in it better than its peak does (on
// rl_n500 at 0.55 of the peak the greedy meets 0.59 in the pressure-ranked orders but not in the
// order with the lowest peak, and the descent that follows starts from it).
bool morePromising(const OrderOption& a, const OrderOption& b) {
    const bool fitsA = a.greedy && a.greedy->plan, fitsB = b.greedy && b.greedy->plan;
    if (fitsA != fitsB) return fitsA;
    if (!fitsA) return false;
    if (a.greedyCost != b.greedyCost) return a.greedyCost < b.greedyCost;
    return a.peak < b.peak;
}

// The no-recompute schedule of the candidate with the lowest peak (the order search ranks by
// pressure first, so the lowest peak need not be the first candidate).
SolveOutcome noRecomputeInLowestOrder(const Graph& g, const OrderSearchResult& found, const SolveOptions& options,
                                      SolveRecord& record, SolveOutcome out) {
    const OrderCandidate* lowest = nullptr;
    for (const OrderCandidate& c : found.candidates)
        if (!lowest || c.peak < lowest->peak) lowest = &c;
    std::vector<int> order = lowest ? lowest->order : identityOrder(g.numNodes());
    const int64_t peak = lowest ? lowest->peak : noRecomputePeak(g, order);
    if (peak > options.budget) {
        out.status = SolveStatus::Unknown;
        out.message = "the no-recompute schedule of the lowest-peak order found peaks at " + std::to_string(peak) +
                      ", above the budget " + std::to_string(options.budget);
        return out;
    }
    OrderedGraph ordered{std::make_shared<const Graph>(relabelled(g, order)), order};
    RecordSink sink(record, ordered.graph, ordered.order);
    const Deadline untimed(std::nullopt);
    Incumbent seed(Instance{*ordered.graph, options.budget, options.copies}, untimed);
    seed.setSink(&sink);
    seed.offer(StagedPlan::noRecompute(g.numNodes()), "none");
    out.solution = record.best();
    if (!out.solution) {
        out.status = SolveStatus::Unknown;
        out.message = "no schedule found within the limits";
        return out;
    }
    // Every node computed once: the baseline cost, optimal in every order.
    out.status = out.solution->cost == record.bound() ? SolveStatus::Optimal : SolveStatus::Feasible;
    return out;
}

}  // namespace

SolveOutcome solveFreeOrder(const Graph& g, const SolveOptions& options, SolveRecord& record, const Deadline& deadline) {
    SolveOutcome out;
    const int n = g.numNodes();
    nlohmann::json stats = nlohmann::json::object();

    // 1. Orders with a low no-recompute peak, then low memory above the budget. 15% of the time
    //    at most: the search of the chosen order needs the rest. It returns early when its
    //    best order is proven lowest or fits the budget as is.
    OrderSearchOptions os;
    // For the no-recompute strategy only the peak matters: no pressure phase.
    os.budget = options.strategy == "none" ? 0 : options.budget;
    os.seed = options.seed + 1;
    os.threads = options.threads;
    // --deterministic: a fixed number of moves, so the orders do not depend on the clock (the
    // time share below still cuts a search that has not finished by then).
    if (options.deterministic) os.maxMoves = kDeterministicOrderMoves;
    std::optional<double> left = deadline.remaining();
    Deadline orderPhase(left ? std::optional<double>(0.15 * *left) : std::optional<double>(10.0));
    OrderSearchResult found = searchOrders(g, os, orderPhase);
    stats["order_search"] = {{"moves", found.moves},
                             {"peak_lower_bound", found.lowerBound},
                             {"proven_lowest_peak", found.provenOptimal},
                             {"seconds", orderPhase.elapsed()}};

    // --strategy none: the no-recompute schedule of the lowest-peak order found, and nothing else.
    if (options.strategy == "none") {
        out.statistics = stats;
        out.lowerBound = record.bound();
        return noRecomputeInLowestOrder(g, found, options, record, std::move(out));
    }

    // 2. Each candidate relabelled and tried by the greedy; the reference order always among them,
    //    so the result is never worse than the given order's greedy.
    std::vector<OrderOption> options_;
    bool haveIdentity = false;
    for (const OrderCandidate& c : found.candidates) {
        OrderOption o;
        haveIdentity = haveIdentity || std::is_sorted(c.order.begin(), c.order.end());
        o.graph = OrderedGraph{std::make_shared<const Graph>(relabelled(g, c.order)), c.order};
        o.peak = c.peak;
        o.origin = c.origin;
        options_.push_back(std::move(o));
    }
    if (!haveIdentity) {
        OrderOption o;
        o.graph = OrderedGraph{std::shared_ptr<const Graph>(&g, [](const Graph*) {}), identityOrder(n)};
        o.peak = noRecomputePeak(g, o.graph.order);
        o.origin = "reference";
        options_.push_back(std::move(o));
    }
    nlohmann::json tried = nlohmann::json::array();
    // The greedy restarts of all orders together take 30% of the time left, split evenly, so that
    // one order whose greedy keeps restarting does not starve the others and the search after them.
    Deadline greedyPhase(deadline.share(0.3));
    for (size_t i = 0; i < options_.size(); ++i) {
        OrderOption& o = options_[i];
        if (deadline.expired() && !tried.empty()) break;
        Deadline share(greedyPhase.share(1.0 / static_cast<double>(options_.size() - i)));
        o.greedy = bestGreedyPlan(Instance{*o.graph.graph, options.budget, options.copies}, &share, !options.deterministic,
                                  greedyWithEveryDropOrder(*o.graph.graph, options.strategy), options.threads);
        if (o.greedy->plan) {
            o.greedyCost = evaluate(*o.graph.graph, materialize(*o.graph.graph, *o.greedy->plan)).cost;
            // Offered at once, so a schedule exists on disk before the long search starts.
            RecordSink sink(record, o.graph.graph, o.graph.order);
            Incumbent seed(Instance{*o.graph.graph, options.budget, options.copies}, deadline);
            seed.setSink(&sink);
            seed.offer(*o.greedy->plan, "greedy/" + o.origin);
        }
        tried.push_back({{"origin", o.origin},
                         {"peak", o.peak},
                         {"greedy_cost", o.greedy->plan ? nlohmann::json(o.greedyCost) : nlohmann::json(nullptr)}});
    }
    stats["orders"] = tried;
    std::stable_sort(options_.begin(), options_.end(), morePromising);
    // No order's greedy met the budget: whether more copies would, asked now, within the limit.
    std::string hint;
    if (!options_.empty() && !(options_[0].greedy && options_[0].greedy->plan)) {
        Deadline clock(copiesHintSeconds(deadline, options.deterministic));
        for (size_t i = 0; i < options_.size() && hint.empty() && !clock.expired(); ++i)
            hint = copiesHint(Instance{*options_[i].graph.graph, options.budget, options.copies}, clock);
    }

    // --strategy greedy: the cheapest greedy over the orders (already offered), no search.
    const bool searchOrders_ = options.strategy != "greedy";

    // 3. The full search on the most promising order, then on the next ones while time is left
    //    (a search that proves its order's optimum returns early; on small graphs every
    //    candidate, the reference order included, gets its proof).
    nlohmann::json runs = nlohmann::json::array();
    std::string lastMessage;
    // For the message when no schedule meets the budget: the lowest peak of a schedule made in any
    // order (the no-recompute schedules of the orders found, the greedy over the budget, and each
    // searched order's own lowest).
    int64_t lowestPeak = found.bestPeak;  // never above P_pi: the reference order is among those found
    for (const OrderOption& o : options_)
        if (o.greedy && o.greedy->overBudget) lowestPeak = std::min(lowestPeak, o.greedy->overBudgetPeak);
    // --strategy greedy and no order's greedy met the budget: the descent's start on the most
    // promising order (jittered walks at the budget, which may meet it, and the bisection that
    // finds how low the walks get), as the given order's greedy does (search/Solver.cpp).
    if (!searchOrders_ && !options_.empty() && !record.best()) {
        const OrderOption& o = options_[0];
        const Instance inst{*o.graph.graph, options.budget, options.copies};
        const DescentResult low = greedyLowestStart(inst, deadline, options.deterministic,
                                                    o.greedy ? o.greedy->overBudget : std::nullopt);
        stats["greedy_lowest_peak"] = low.peak;
        lowestPeak = std::min(lowestPeak, low.peak);
        if (low.met) {
            RecordSink sink(record, o.graph.graph, o.graph.order);
            Incumbent seed(inst, deadline);
            seed.setSink(&sink);
            seed.offer(*low.plan, "greedy/" + o.origin);
        }
    }
    for (size_t i = 0; i < options_.size() && searchOrders_; ++i) {
        if (deadline.expired()) break;
        // A schedule at the baseline cost is optimal in every order: nothing left to search.
        if (record.best() && record.bestCost() <= record.bound()) break;
        const OrderOption& o = options_[i];
        OrderRun run = runOnOrder(o.graph, options, record, deadline, OrderStart{std::nullopt, o.greedy});
        runs.push_back({{"origin", o.origin}, {"statistics", run.statistics}});
        // A proof in one order's staged timeline is no free-order proof: other orders, and other
        // interleavings of the recomputations in the same order, may fit (even on a graph with
        // a single topological order: tests/test_free_order_brute_force.cpp).
        if (!run.hasPlan)
            lastMessage = run.provedInfeasible ? "no schedule in the staged timeline of the " + o.origin +
                                                     " order meets the budget (proven for that order only; "
                                                     "other orders or interleavings may)"
                                               : run.message;
        lowestPeak = std::min(lowestPeak, run.lowestPeak);
    }
    stats["runs"] = runs;
    out.statistics = stats;
    out.solution = record.best();
    out.lowerBound = record.bound();  // the baseline: valid for every order
    if (!out.solution) {
        out.status = SolveStatus::Unknown;
        if (!searchOrders_ && !options_.empty() && options_[0].greedy)
            lastMessage = "the greedy could not meet the budget in any order tried: " + options_[0].greedy->failure;
        out.message = lastMessage.empty() ? "no schedule found within the limits" : lastMessage;
        if (!hint.empty()) out.message += "; " + hint;
        out.message += "; " + lowestPeakNote(lowestPeak, referencePeak(g));
        return out;
    }
    out.status = out.solution->cost == record.bound() ? SolveStatus::Optimal : SolveStatus::Feasible;
    return out;
}

}  // namespace moccasin
