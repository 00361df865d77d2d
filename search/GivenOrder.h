// The search on one execution order: greedy, feasibility descent, root bound, then exact search
// and LNS as the strategy says, on the staged timeline of that order. Used by `solve` for the
// given order and by the free-order search for each order it settles on.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Schedule.h"
#include "search/Deadline.h"
#include "search/Greedy.h"
#include "search/PeakDescent.h"
#include "search/SolveRecord.h"
#include "search/Solver.h"

namespace moccasin {

// A graph in one execution order: node k of `graph` is the caller's node order[k] (an empty
// order is the identity).
struct OrderedGraph {
    std::shared_ptr<const Graph> graph;
    std::vector<int> order;
};

struct OrderRun {
    bool hasPlan = false;
    int64_t cost = 0;              // of this order's best plan, when hasPlan
    bool provedOptimal = false;    // for this order's model
    bool provedInfeasible = false; // for this order's model
    int64_t bound = 0;             // proven lower bound for this order's model
    std::string message;           // why there is no plan
    std::string copiesHint;        // given order, greedy failed: whether more copies would do
    // The lowest peak of a complete plan within the copy limit made for this order: its
    // no-recompute schedule's, or lower where the greedy over the budget or the feasibility
    // descent got lower (what the message gives when no plan meets the budget).
    int64_t lowestPeak = 0;
    nlohmann::json statistics = nlohmann::json::object();
};

// Whether the greedy's portfolio should compare its walks after every order of the drop
// descent (search/Greedy.h, bestGreedyPlan): where its plan is final (`--strategy greedy`) or
// on graphs above 2,000 nodes, where LNS gets little further from it (on 10,000-node graphs at
// 0.7 of the peak, 23.21 / 26.68 / 17.85% TDI against 23.60 / 29.50 / 19.33% with one order).
bool greedyWithEveryDropOrder(const Graph& g, const std::string& strategy);

// When the greedy meets no schedule: a sentence saying whether it meets the budget with a higher
// copy limit (raising it is the user's call), or an empty string once `clock` expires. Asked
// early, with a clock of copiesHintSeconds(solve deadline): 10% of the time left, 3 s at most;
// with --deterministic all the time left, so that the answer does not depend on the clock.
std::string copiesHint(const Instance& instance, const Deadline& clock);
std::optional<double> copiesHintSeconds(const Deadline& deadline, bool deterministic);

// `--strategy greedy` where the portfolio met no schedule: the descent's start
// (lowestGreedyStart: jittered walks at the budget and a bisection on the walks' budget) from
// the portfolio's walk over the budget, within a clock of copiesHintSeconds. Its peak is the
// lowest the walks reach; when a walk met the budget, its plan has been through the drop descent.
DescentResult greedyLowestStart(const Instance& instance, const Deadline& deadline, bool deterministic,
                                const std::optional<StagedPlan>& overBudget);

// When no schedule meets the budget: a sentence giving the lowest peak a schedule found reached,
// in memory and as a fraction of `referencePeak` (P_pi), so the user sees which budget is within
// reach.
std::string lowestPeakNote(int64_t lowestPeak, int64_t referencePeak);

// What is known about an order before its search starts.
struct OrderStart {
    std::optional<StagedPlan> plan;      // a plan on instance.graph, offered first
    std::optional<GreedyResult> greedy;  // the greedy portfolio's result, when it has run already
};

// Searches `instance` under `options` (strategy auto, lns or exact) until `deadline`, offering
// every improvement to `record`. The greedy runs first unless `start` holds its result.
OrderRun runOnOrder(const OrderedGraph& instance, const SolveOptions& options, SolveRecord& record,
                    const Deadline& deadline, const OrderStart& start = {});

}  // namespace moccasin
