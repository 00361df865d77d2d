// The solver's front door: a graph, a budget and options in; a staged plan, a status and a
// lower bound out. Strategies:
//   none    the no-recompute schedule in the reference order
//   greedy  search/Greedy.h
//   exact   branch and bound (search/ExactSearch.h), warm-started by the greedy
//   lns     large-neighbourhood search (search/Lns.h) from the greedy
//   auto    greedy, then exact search for a share of the time (it may prove optimality), then
//           LNS for the rest; the default
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Schedule.h"
#include "search/ExactSearch.h"
#include "search/Lns.h"

namespace moccasin {

enum class SolveStatus { Optimal, Feasible, Infeasible, Unknown };
const char* statusName(SolveStatus s);

struct SolveOptions {
    int64_t budget = 0;
    int copies = 2;
    std::string strategy = "auto";
    std::optional<double> timeLimitSeconds;  // lns and auto default to kDefaultTimeLimit
    int threads = 1;
    uint64_t seed = 0;
    bool deterministic = false;
    ExactOptions exact;  // switches for the exact search and the model (limits are set by solve)
    LnsOptions lns;      // switches for LNS (threads, seed, determinism are set by solve)
    // Called with one line per improvement of the incumbent (from any thread, serialized).
    std::function<void(const std::string&)> progress;
};

inline constexpr double kDefaultTimeLimit = 60.0;

struct SolveOutcome {
    SolveStatus status = SolveStatus::Unknown;
    std::optional<StagedPlan> plan;      // present for Optimal and Feasible
    std::optional<int64_t> lowerBound;   // proven lower bound on the objective
    std::string message;                 // why there is no plan, or how it was proven
    nlohmann::json statistics = nlohmann::json::object();
};

// Throws std::invalid_argument for an unknown strategy.
SolveOutcome solve(const Graph& g, const SolveOptions& options);

// Strategies `solve` accepts, for --help.
const char* strategyNames();

}  // namespace moccasin
