// The solver's front door: a graph, a budget and options in; a validated-ready schedule, a status
// and a lower bound out. Strategies:
//   none    the no-recompute schedule in the reference order
//   greedy  search/Greedy.h
//   exact   branch and bound (search/ExactSearch.h), warm-started by the greedy
//   lns     large-neighbourhood search (search/Lns.h) from the greedy
//   auto    greedy, then exact search beside LNS (several threads) or in turns with it (one
//           thread); the default
// Orders:
//   given   the staged timeline of the reference order pi; "optimal" means optimal for pi
//   free    the solver also chooses the execution order (search/FreeOrder.h)
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/ExactSearch.h"
#include "search/Lns.h"

namespace moccasin {

enum class SolveStatus { Optimal, Feasible, Infeasible, Unknown };
const char* statusName(SolveStatus s);

enum class OrderMode { Given, Free };
const char* orderName(OrderMode m);

// One solution of a solve: a staged plan on the graph it was found on (the caller's graph, or
// that graph relabelled in another execution order) and the map back to the caller's nodes.
struct Solution {
    std::shared_ptr<const Graph> solvedGraph;  // node k is the caller's node order[k]
    std::vector<int> order;                    // empty: the identity (the reference order)
    StagedPlan plan;
    int64_t cost = 0, peak = 0;

    // The schedule in the caller's node indices; events are those of the solved graph's timeline.
    Schedule schedule() const;
    // The execution order of first computations, as the caller's node indices.
    std::vector<int> executionOrder() const;
};

// An improvement of the best schedule, as reported to SolveOptions::onImprovement.
struct SolveEvent {
    double seconds = 0;
    int64_t cost = 0, peak = 0;
    int64_t bound = 0;  // the proven lower bound when the improvement was found
    std::string source;
    std::shared_ptr<const Solution> solution;
};

struct SolveOptions {
    int64_t budget = 0;
    int copies = 2;
    std::string strategy = "auto";
    OrderMode order = OrderMode::Given;
    std::optional<double> timeLimitSeconds;  // lns and auto default to kDefaultTimeLimit
    int threads = 1;
    uint64_t seed = 0;
    bool deterministic = false;
    ExactOptions exact;  // switches for the exact search and the model (limits are set by solve)
    LnsOptions lns;      // switches for LNS (threads, seed, determinism are set by solve)
    // Called after every improvement of the best schedule, from any search thread, one call at a
    // time and in increasing order of quality. Keep it short: searches wait for it.
    std::function<void(const SolveEvent&)> onImprovement;
    // A schedule to start from (e.g. a neighbouring budget's, in a sweep): used when it meets
    // this budget and copy limit, otherwise ignored. Its plan must be on this graph.
    std::shared_ptr<const Solution> warmStart;
};

inline constexpr double kDefaultTimeLimit = 60.0;

struct SolveOutcome {
    SolveStatus status = SolveStatus::Unknown;
    std::shared_ptr<const Solution> solution;  // present for Optimal and Feasible
    std::optional<int64_t> lowerBound;          // proven lower bound on the objective
    std::string message;                        // why there is no schedule, or how it was proven
    nlohmann::json statistics = nlohmann::json::object();
};

// Why the engine cannot represent this instance (costs or sizes times the copy limit beyond
// its value range), or nullopt. `solve` refuses such instances; callers check it first to
// report a bad input rather than a failed search.
std::optional<std::string> unrepresentableReason(const Instance& inst);

// Throws std::invalid_argument for an unknown strategy, copies < 1, or an instance
// unrepresentableReason rejects.
SolveOutcome solve(const Graph& g, const SolveOptions& options);

// Strategies `solve` accepts, for --help.
const char* strategyNames();

}  // namespace moccasin
