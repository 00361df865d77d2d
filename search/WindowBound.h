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
// starts from the bounds of the shorter and shallower ones). In a first pass each depth also
// pauses where its bound has stopped rising (options.plateau), and a second pass goes on from
// there. At depths from 2, where a window's search does not end, the window halfway back to the
// last that ended is searched once too. Each search gets at most a quarter of the time left. The
// window with the largest bound (the first searched among equals: at one depth, the shortest) is
// kept, and the next window ends just before it. Every search's proven bound counts, finished or
// not; stages in no window add nothing.
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
    // down (a relaxation of a relaxation is one too). Off by default since the sweep pauses at
    // plateaus: in 30 s of windows on rl_n250 at 0.9 the bound reaches 1,029 without and 957
    // with one level (rl_n250 0.8: 1,902 proven against 1,878; rl_n100 0.8 proven either way).
    int nesting = 0;
    ModelOptions model;            // the windows' searches use the same model options
    bool learning = false;         // ... and learn from failures when the search does
    // Time the sweep leaves goes to its kept windows that did not end (searched again).
    bool refine = true;
    // In the sweep's first pass, a depth's windows stop growing (until the second pass) once
    // their bound has not risen over this many windows; 0: one pass, each depth grown as far as
    // its searches end (search/WindowBound.cpp says why).
    int plateau = 2;
};

// The windows ending at one stage searched at one depth, shortest first: bounds[i] is the best
// bound of windows 0..i (and of the floors their searches started from).
struct WindowWalk {
    std::vector<int64_t> bounds;
    bool over = false;  // a search did not end, or the window reached stage 0
    // The best bound of windows 0..i searched so far (0: none).
    int64_t boundUpTo(int i) const;
    // The bound is positive and has not risen over the last `plateau` windows.
    bool plateaued(int plateau) const;
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
    uint64_t halfway = 0;  // windows searched halfway between two of the sweep's grid
    double seconds = 0;
    nlohmann::json statistics() const;
};

// Per sweep end whose longest window searched at depth 1 did not end, or whose kept window's search
// did not end: the longest window at depth 1 (or the kept window), its bound
// (proven for its relaxation at depth 1, and so at any depth) and the index in
// WindowBoundResult::kept of the window kept for that end (-1: none).
struct WindowFrontier {
    int first = 0, last = 0;
    int64_t bound = 0;
    int kept = -1;
};

// What a window's search gave: a proven bound of the relaxation's recomputations (its optimum
// when `proven`); `infeasible`: the relaxation has no schedule, so neither has the instance.
struct WindowSolve {
    int64_t bound = 0;
    bool proven = false;
    bool infeasible = false;
};

// What the sweep asks of windows' relaxations: windowBound's searcher runs the exact search in
// its share of the time; tests give their own.
class WindowSearcher {
public:
    virtual ~WindowSearcher() = default;
    // The relaxation of [first, last] at `depth`; `floor` is a proven bound of it (from shorter
    // and shallower windows ending at `last`), which the result is not below.
    virtual WindowSolve solve(int first, int last, int depth, int64_t floor) = 0;
    virtual bool expired() const = 0;
};

// The windows ending at one stage, as the sweep searched them.
struct EndSweep {
    WindowBoundResult::Window best;          // the largest bound, the first searched among equals (0: none)
    std::optional<WindowFrontier> frontier;  // what the time the sweep leaves may search again
    int lastFirst = 0;                       // the first stage of the longest window at depth 1
    bool infeasible = false;                 // best's relaxation has no schedule
    int halfway = 0;                         // windows searched between two of the grid's
};

// The windows [end + 1 - (i + 1) * step, end] for i = 0, 1, ... at depths 1..maxDepth, in the
// sweep's two passes (the file's head comment; `plateau` 0: one pass).
EndSweep sweepEnd(int end, int step, int maxDepth, int plateau, WindowSearcher& searcher);

// What the time the sweep leaves searches again for `f`: the kept window itself if its search
// did not end (from its bound); otherwise the frontier window at the kept window's depth, from the
// better of the two bounds, unless it would overlap another of the `kept` windows (their bounds
// would count twice); otherwise nothing.
std::optional<WindowBoundResult::Window> refineTarget(const WindowFrontier& f,
                                                      const std::vector<WindowBoundResult::Window>& kept);

// `plan` (optional): a valid plan of `inst`, restricted to each window as its search's warm start.
// Stops at `deadline` or after `seconds` (none: only the failure limits end it).
WindowBoundResult windowBound(const Instance& inst, const std::optional<StagedPlan>& plan,
                              const WindowBoundOptions& options, const Deadline& deadline,
                              std::optional<double> seconds);

}  // namespace moccasin
