// The stage-cut relaxation (model/LowerBound.h) solved as an integer program.
//
// StageCutBound's Lagrangian reaches at best the relaxation's linear-programming optimum. The
// relaxation is an integer covering program, and its integer optimum can be higher: on
// resnet50_train at 0.8 of the peak the LP gives 1,110 and the integer optimum 1,130, which is the
// cost of the best schedule, so solving the covering program proves that schedule optimal.
//
// The covering program: an item is a node u with one gap between consecutive consumers of u
// (model/LowerBound.h), costs d_u and frees m_u at every stage of the gap; a row is a stage with a
// positive excess, which the chosen items covering it must free; node u takes at most
// maxDrops[u] items. Solved by best-first branch and bound: a node fixes items in or out, its
// bound is the Lagrangian of the rows still to cover (coefficients min(m_u, residual excess),
// subgradient steps warm-started from the parent's multipliers), it branches on the most
// attractive item covering the most violated row, and a greedy cover completes the Lagrangian
// choice at every node into a solution of the program. When a limit stops it, the bound is the
// lowest bound of an open node: still a valid lower bound.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "model/Graph.h"

namespace moccasin {

struct CoverLimits {
    uint64_t maxNodes = 20'000;  // branch-and-bound nodes evaluated
    // Work: item-stage pairs visited. The limit that normally ends a long run, so the bound does
    // not depend on the machine's speed or load (the time below is a safety net).
    uint64_t maxWork = 400'000'000;
    double seconds = 5.0;        // wall-clock time
    int rootIterations = 400;    // subgradient steps at the root
    int nodeIterations = 40;     // and at every other node
};

struct CoverResult {
    // No choice of items covers every stage: no schedule with these drops exists.
    bool infeasible = false;
    // Proven: every solution of the program costs at least this (max int64 when infeasible).
    int64_t bound = 0;
    // The cheapest cover found (its cost is an upper bound of the program's optimum).
    std::optional<int64_t> best;
    // bound == *best: the program's optimum.
    bool exact = false;
    uint64_t nodes = 0;
    uint64_t work = 0;  // item-stage pairs visited
};

// The integer optimum of the stage-cut relaxation of `g` at `budget`, where node u may drop (be
// out of memory over one consumer gap) at most maxDrops[u] times, each costing d_u. The result
// bounds the recomputation cost (not counting the baseline) of every schedule of the staged
// model whose extra copies respect maxDrops.
CoverResult solveStageCutCover(const Graph& g, int64_t budget, const std::vector<int>& maxDrops,
                               const CoverLimits& limits = {});

}  // namespace moccasin
