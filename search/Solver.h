// The solver's front door: a graph, a budget and options in; a staged plan, a status and a
// lower bound out. Strategies: "none" (the no-recompute schedule), "greedy" (search/Greedy.h),
// "exact" (search/ExactSearch.h, warm-started by the greedy).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Schedule.h"
#include "search/ExactSearch.h"

namespace moccasin {

enum class SolveStatus { Optimal, Feasible, Infeasible, Unknown };
const char* statusName(SolveStatus s);

struct SolveOptions {
    int64_t budget = 0;
    int copies = 2;
    std::string strategy = "greedy";
    std::optional<double> timeLimitSeconds;
    int threads = 1;
    uint64_t seed = 0;
    ExactOptions exact;  // for the "exact" strategy (time limit and seed are copied in)
};

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
