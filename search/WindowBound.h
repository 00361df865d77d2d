// A lower bound on the recomputation cost from relaxations to windows of stages
// (model/WindowRelaxation.h), each solved by the exact search: the optima (or proven bounds) of
// relaxations to disjoint windows add up to a bound on the whole schedule's recomputations.
//
// Why: the stage-cut relaxation lets a dropped output come back for free, while on the random
// layered graphs a recomputation needs its own inputs, in memory or recomputed too. A window's
// relaxation keeps that, and on a suffix of the stages it is much easier than the instance: its
// entry state comes for free. On rl_n100 at 0.8 the relaxation of depth 1 to stages 30-99 is
// solved in a few seconds and bounds the cost at 2.19% TDI (the stage-cut integer program:
// 1.20%); that of depth 2 to stages 60-99 has the best schedule's cost as its optimum: a proof.
//
// Which windows: built from the last stage backwards. A window [first, end] grows by n / steps
// stages at a time while its search at depth 1 ends in a proof; then the same windows, shortest
// first, at depth 2 while those end, and so on to maxDepth (each longer or deeper window's search
// starts from the bounds of the shorter and shallower ones). Each search gets at most a quarter
// of the time left. The window with the largest bound (the shortest among equals) is kept, and
// the next window ends just before it. Every search's proven bound counts, finished or not;
// stages in no window add nothing.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/Deadline.h"
#include "search/RematModel.h"

namespace moccasin {

struct WindowBoundOptions {
    uint64_t failLimit = 1'000'000;  // failures per window's search
    // Failures of all the windows' searches together (their own nested windows not counted:
    // those get at most failLimit): without a clock, this ends the bound.
    uint64_t maxFailures = 20'000'000;
    int steps = 20;                // windows grow by n / steps stages (at least one)
    int maxDepth = 2;              // entry nodes up to this many edges above the window (model/WindowRelaxation.h)
    // The windows' own searches bound their relaxation with windows of it, this many levels
    // down (a relaxation of a relaxation is one too). On rl_n100 at 0.8 the relaxation of depth
    // 2 to stages 60-99 is proven in 511,789 failures with one level, and not in 10^6 without.
    int nesting = 1;
    ModelOptions model;            // the windows' searches use the same model options
    bool learning = false;         // ... and learn from failures when the search does
    // Time the sweep leaves goes to its kept windows that did not end (searched again).
    bool refine = true;
};

struct WindowBoundResult {
    // Every schedule of the instance recomputes at least this much (its baseline not included);
    // max int64 when a window's relaxation has no schedule at all (then neither has the instance).
    int64_t bound = 0;
    struct Window {
        int first = 0, last = 0;
        int64_t bound = 0;  // of the recomputations at stages [first, last]
        bool proven = false;  // the window's search ended: its bound is its relaxation's optimum
        int depth = 1;        // of its relaxation
    };
    std::vector<Window> kept;  // the disjoint windows summed in `bound`
    uint64_t searches = 0, proofs = 0, failures = 0;
    uint64_t refined = 0;  // kept windows searched again with the time the sweep left
    double seconds = 0;
    nlohmann::json statistics() const;
};

// Per sweep end whose longest window searched at depth 1 did not end: that window, its bound
// (proven for its relaxation at depth 1, and so at any depth) and the index in
// WindowBoundResult::kept of the window kept for that end (-1: none).
struct WindowFrontier {
    int first = 0, last = 0;
    int64_t bound = 0;
    int kept = -1;
};

// What the time the sweep leaves searches again for `f`: the frontier window at the kept
// window's depth, from the better of the two bounds; where it would overlap another of the `kept`
// windows (their bounds would count twice), the kept window itself if its search did not end;
// otherwise nothing.
std::optional<WindowBoundResult::Window> refineTarget(const WindowFrontier& f,
                                                      const std::vector<WindowBoundResult::Window>& kept);

// `plan` (optional): a valid plan of `inst`, restricted to each window as its search's warm start.
// Stops at `deadline` or after `seconds` (none: only the failure limits end it).
WindowBoundResult windowBound(const Instance& inst, const std::optional<StagedPlan>& plan,
                              const WindowBoundOptions& options, const Deadline& deadline,
                              std::optional<double> seconds);

}  // namespace moccasin
