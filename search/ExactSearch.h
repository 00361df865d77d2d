// Exact search: depth-first branch and bound over the constraint model (search/RematModel.h),
// with peak-driven branching, Luby restarts until a schedule is known, each restart recording
// the refuted part of its branch as nogoods (solver/NogoodStore.h), then bound shaving: probes
// with a cost cap between the proven bound and the incumbent, each raising the bound when it
// exhausts its tree, the last one being the proof (search/BoundShaving.h; `shaving = false`
// runs one search without a cap instead). Also a warm start, a root stage-cut bound whose
// multipliers start the search's bound, time/failure limits and an optimality proof when the
// tree is exhausted.
//
// Branching. At every node the "default completion" of the current domains (undecided extra
// copies absent, present ones at their latest allowed stage, ends from last uses) is evaluated.
// If it fits the budget it is tried as a solution. Otherwise the earliest overloaded computation
// t is resolved: among outputs the completion keeps in memory at t without reading them there,
// the one with the best size / cost is either dropped before t (its copy's end <= t) or kept
// (end > t). When no such choice exists, the first unfixed presence (absent first), stage
// (latest first) or end (smallest first) is branched on. Every branching splits one domain in
// two, so the search is complete.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "model/StageCutCover.h"
#include "search/Deadline.h"
#include "search/Incumbent.h"
#include "search/RematModel.h"
#include "search/TreeSearch.h"
#include "search/WindowBound.h"

namespace moccasin {

struct ExactOptions {
    std::optional<double> timeLimitSeconds;
    uint64_t failLimit = UINT64_MAX;  // total failures over all restarts
    bool restarts = true;             // Luby restarts with randomized tie-breaking
    // Keep restarting once a schedule is known. Off by default: without nogoods a restart throws
    // away the part of the tree already closed, so no proof came (bench/README.md, "Proofs");
    // with nogoods restarts keep it and proofs come, but later than without restarts
    // (bench/README.md, "Nogoods").
    bool restartsAfterIncumbent = false;
    // Once a schedule is known, probes with a cost cap between the bound and the incumbent raise
    // the proven bound where the proof search would not end (search/BoundShaving.h).
    bool shaving = true;
    uint64_t restartBase = 256;       // failures in the first restart run
    // Record the refuted part of the branch at each restart as nogoods (solver/NogoodStore.h,
    // TreeSearch::setNogoodStore), so restarted runs do not search it again.
    bool nogoods = true;
    NogoodLimits nogoodLimits;
    // Learn a nogood from every failure (solver/ConflictAnalysis.h), recorded in the same store.
    // On by default: the search alone then proves rl_n100 0.8 and fcn8_vgg_train 0.7, which it
    // did not in 60 s without (bench/README.md, "Learning from failures").
    bool learning = true;
    uint64_t seed = 0;
    ModelOptions model;
    // A root lower bound the caller already proved (combined with the search's own).
    std::optional<int64_t> knownLowerBound;
    // Subgradient steps of the stage-cut bound at the root. Its multipliers then start the
    // search's bound propagator, and its value is posted as the cost's lower bound.
    int rootIterations = 2000;
    // The stage-cut relaxation solved as an integer program at the root (model/StageCutCover.h):
    // its optimum can lie above the Lagrangian's (resnet50_train 0.8: it is the best schedule's
    // cost, a proof at the root). Its work limit (CoverLimits::maxWork, about a second) normally
    // ends it; at most coverSeconds and a tenth of the time left are the safety net.
    bool coverBound = true;
    double coverSeconds = 2.0;
    // Once a schedule is known, the bound below it and no proof came within windowAfterFailures
    // failures: the bound from relaxations to windows of stages (search/WindowBound.h), in at
    // most windowShare of the time left.
    bool windowBound = true;
    uint64_t windowAfterFailures = 20'000;
    double windowShare = 0.5;
    WindowBoundOptions window;
};

// The root's integer stage-cut bound with C-1 drops per node (see ExactOptions::coverBound),
// within its share of `deadline`.
CoverResult rootCoverBound(const Instance& inst, const ExactOptions& opt, const Deadline& deadline);

struct ExactResult {
    bool provedOptimal = false;     // tree exhausted with a solution
    bool provedInfeasible = false;  // tree exhausted without one
    std::optional<StagedPlan> best;
    int64_t bestCost = 0;
    int64_t lowerBound = 0;         // proven lower bound on the optimum
    double secondsToFirst = -1, secondsToBest = -1, seconds = 0;
    uint64_t nodes = 0, failures = 0, solutions = 0, restarts = 0;
    nlohmann::json statistics;      // search counters and per-propagator statistics
};

// Luby sequence 1 1 2 1 1 2 4 ... (restart lengths).
uint64_t lubySequence(uint64_t i);

ExactResult solveExact(const Instance& inst, const ExactOptions& options,
                       const std::optional<StagedPlan>& warmStart);

// The same search sharing a caller's incumbent and clock (options.timeLimitSeconds is ignored:
// the deadline rules). The result's best/bestCost mirror the incumbent at the end.
ExactResult solveExactShared(const Instance& inst, const ExactOptions& options,
                             Incumbent& incumbent, const Deadline& deadline);

}  // namespace moccasin
