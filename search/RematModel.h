// The model builder: graph + budget + copy limit -> engine variables and propagators
// (docs/model.md). Starts are stage variables, so no domain has holes and nothing is indexed by
// event. One RematModel owns one Engine; search workers each build their own over a shared Graph.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"

namespace moccasin {

class RecomputeBound;

// Propagator switches, for ablations.
struct ModelOptions {
    bool timetableFiltering = true;  // false: the cumulative only checks overloads
    bool ttef = false;               // timetable-edge-finding on top of the timetable (off by
                                     // default: bench/README.md measures it slower overall)
    int ttefMaxFreeTasks = 200;      // TTEF does nothing when more tasks than this are free
    bool ttefLeftOverlap = true;     // TTEF's rules for tasks that start before a window
                                     // (propagators/Ttef.h); false: the rules of Vilím's original
    bool recomputeBound = true;      // the stage-cut lower bound on the objective
    int boundIterations = 4;         // subgradient steps per call of that bound
    bool boundWindows = false;       // that bound also reads copy ends and stages (off by default:
                                     // fewer nodes but slower proofs, bench/README.md "Proofs")
    bool timing = true;              // per-propagator wall time (two clock reads per call)
};

class RematModel {
public:
    RematModel(const Instance& inst, const ModelOptions& options);

    solver::Engine& engine() { return *engine_; }
    const solver::Engine& engine() const { return *engine_; }
    const Graph& graph() const { return g_; }
    int copies() const { return copies_; }
    int64_t budget() const { return budget_; }
    const StageTask& task(int node, int copy) const { return tasks_[static_cast<size_t>(node) * copies_ + copy]; }
    const std::vector<StageTask>& tasks() const { return tasks_; }
    solver::VarId costVar() const { return cost_; }

    // True when every presence, every present copy's stage and every present copy's end is fixed.
    bool allFixed() const;
    // The plan of a state where every presence and every present extra copy's stage is fixed.
    StagedPlan plan() const;
    // Fixes the presences and stages of every node's extra copies to `plan`, except the nodes
    // in `except`, then propagates. False on failure (the caller pops the level it pushed).
    bool fixToPlan(const StagedPlan& plan, const std::vector<int>& except = {});

    // Warm-starts the stage-cut bound's multipliers (no-op without that bound).
    void warmStartBound(const std::vector<long double>& lambda);

    // Per-propagator statistics as JSON: {name: {calls, prunings, failures, seconds}}.
    nlohmann::json propagatorStats() const;

private:
    // Copy order, cover, last use and the cumulative (docs/model.md constraints 1-4).
    void addStructuralConstraints(const ModelOptions& options);

    const Graph& g_;
    int64_t budget_;
    int copies_;
    std::unique_ptr<solver::Engine> engine_;
    std::vector<StageTask> tasks_;
    solver::VarId cost_ = -1;
    RecomputeBound* recomputeBound_ = nullptr;  // owned by the engine
};

}  // namespace moccasin
