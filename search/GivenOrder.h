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
    nlohmann::json statistics = nlohmann::json::object();
};

// When the greedy meets no schedule: a sentence saying whether it meets the budget with a higher
// copy limit (raising it is the user's call), or an empty string. Takes a small share of the
// time left on `deadline` (none once it has expired), so it is asked early, not after the search.
std::string copiesHint(const Instance& instance, const Deadline& deadline);

// Searches `instance` under `options` (strategy auto, lns or exact) until `deadline`, offering
// every improvement to `record`. `warmStart`, when given, is a plan on instance.graph.
OrderRun runOnOrder(const OrderedGraph& instance, const SolveOptions& options, SolveRecord& record,
                    const Deadline& deadline, const std::optional<StagedPlan>& warmStart = std::nullopt);

}  // namespace moccasin
