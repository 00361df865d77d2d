// Lower bounds on the cost of any schedule of the retention-interval model with at most C copies.
//
// Stage-cut relaxation. At the first computation of node s, memory holds at least s's output,
// its inputs, and every earlier output u that a later stage still reads (u in D_s) unless u is
// "dropped" there. So the outputs dropped at s must free excess_s = m_s + sum m_inputs(s) +
// sum_{u in D_s} m_u - B. A node with k extra copies is out of memory at most over k
// contiguous ranges, each inside one gap between consecutive consumers, and each drop costs a
// recomputation d_u. Relaxing: choose for each node up to k whole consumer gaps; pay d_u each;
// cover every stage's excess. Its Lagrangian dual (multipliers lambda_s >= 0 on the cover rows)
//   L(lambda) = sum_s lambda_s excess_s + sum_u (best choice of gaps of sum_{g} (c_ug - m_u Lambda_g))
// with Lambda_g = sum_{s in g} lambda_s min(m_u, excess_s), is a lower bound for every lambda >= 0, computed in
// O(n + P log P + G log P) per evaluation (P stages with a positive excess, G gaps: prefix sums
// split at each node's size; the reference loop over every stage of every gap is kept for tests);
// subgradient steps raise it.
//
// Drops already paid for (present extra copies) cost 0 here; the caller adds their cost.
//
// Drop windows (search-time strengthening). Inside a search the caller may know that node u can
// be out of memory only at the stages [lo_u, hi_u]: copy 0 of u lives until its end, so u is in
// memory at every stage cut before the stage holding end_u0.lb; and u out of memory at the cut of
// stage s inside a gap (a consumer after s exists) needs a copy of u started after that cut, i.e.
// some extra copy with stage > s. Every relaxed drop is then confined to its gap intersected with
// the window; without windows every stage is allowed (the root bound).
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "model/Graph.h"
#include "model/Instance.h"

namespace moccasin {

// Per node, the stages [lo[u], hi[u]] at whose cuts u may be out of memory (empty if lo > hi).
struct DropWindows {
    std::vector<int> lo, hi;
};

class StageCutBound {
public:
    StageCutBound(const Graph& g, int64_t budget);

    // True when some stage's excess cannot be covered even if every node that may drop does:
    // no schedule exists. `maxDrops[u]` = extra copies u may still have.
    bool provesInfeasible(const std::vector<int>& maxDrops, const DropWindows* windows = nullptr) const;

    // Best bound on the cost of the recomputations still to be paid for, when node u has
    // paidDrops[u] extra copies already counted by the caller and may add up to freeDrops[u]
    // more (each costing d_u). Runs `iterations` subgradient steps from the current
    // multipliers (kept between calls, so later calls warm-start). `target` is a cost the
    // caller hopes to prove unreachable (e.g. incumbent - 1), used for the step size.
    // `windows` (optional) confines every drop of u to [lo[u], hi[u]].
    int64_t improve(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops, int iterations,
                    int64_t target, const DropWindows* windows = nullptr);

    // The stages [lo, hi] as the range [first, last) of stages with a positive excess they hold:
    // two windows with the same range give the same bound.
    std::pair<int, int> positiveRange(int lo, int hi) const;
    // The cost of a greedy solution of the relaxation (each step takes the gap freeing the most
    // uncovered excess per unit of cost; node u takes at most maxDrops[u] gaps), nullopt if it
    // covers not every stage. An upper bound of the relaxation's optimum, so a good Polyak target
    // for the subgradient steps: the incumbent may be far above it. O(steps * sum of gap lengths):
    // gives up (nullopt) after `maxWork` stage visits, so large graphs pay a bounded time.
    std::optional<int64_t> greedyCover(const std::vector<int>& maxDrops, uint64_t maxWork = 20'000'000) const;
    // The multipliers (per stage), to warm-start another bound of the same graph and budget.
    const std::vector<long double>& multipliers() const { return lambda_; }
    // Throws std::invalid_argument unless there is one multiplier >= 0 per stage.
    void setMultipliers(const std::vector<long double>& lambda);
    // Gains from the reference loop over every stage instead of prefix sums (for tests).
    void setReference(bool on) { reference_ = on; }
    // The stage's excess, for tests and diagnostics (0 if none).
    int64_t excess(int s) const { return excess_[s]; }
    // Lagrangian value at the current multipliers, rounded to a valid integer bound.
    int64_t value(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops,
                  const DropWindows* windows = nullptr);

private:
    // Sets posLo_/posHi_: per node, the range of positive_ inside its window.
    void setWindows(const DropWindows* windows);
    long double evaluate(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops,
                         std::vector<long double>* subgradient);
    // Append to gains_ the positive gains of u's gaps (inside its window): by a loop over the
    // stages (reference) or by prefix sums (fast; nodes must come by increasing size).
    void gainsReference(int u);
    void gainsFast(int u);

    struct Fenwick {
        std::vector<long double> tree;
        void reset(const std::vector<long double>& values);
        void add(int j, long double v);
        long double prefix(int j) const;
    };

    const Graph& g_;
    std::vector<int64_t> excess_;           // per stage, max(0, ...)
    std::vector<int> gapStart_;             // CSR over nodes: gaps as (first stage, last stage)
    std::vector<std::pair<int, int>> gaps_;
    std::vector<int> positive_;                         // stages with a positive excess, ascending
    std::vector<int> gapFirstPositive_, gapEndPositive_;  // per gap: its range in positive_
    std::vector<long double> lambda_;                   // multipliers, nonzero only on positive_
    std::vector<int> posLo_, posHi_;  // per node: its window as a range [posLo, posHi) of positive_
    // Scratch reused by every call (the search calls the bound at many nodes: no allocation).
    std::vector<std::pair<long double, int>> gains_;
    std::vector<long double> sub_, bestLambda_;
    // Fast gains: positive_ indices by increasing excess, nodes with a gap by increasing size.
    std::vector<int> byExcess_, bySize_;
    Fenwick full_, capped_;  // over positive_ indices: lambda (excess >= m), lambda * excess (< m)
    int moved_ = 0;          // stages of byExcess_ moved from full_ to capped_
    std::vector<long double> scratch_;
    bool reference_ = false;
};

// The step factor of Polyak subgradient steps and the best value they reached: the factor halves
// after `patience` steps without a better value. (Shrinking it at every such step stalled long runs
// after ~100 steps: the root bound then depended on the target, far from the relaxation's optimum.)
class PolyakSchedule {
public:
    explicit PolyakSchedule(int patience) : patience_(patience < 1 ? 1 : patience) {}
    // Records a step's Lagrangian value; true when it is the best so far.
    bool record(long double value) {
        if (value > best_) {
            best_ = value;
            stall_ = 0;
            return true;
        }
        if (++stall_ >= patience_) {
            theta_ *= 0.5L;
            stall_ = 0;
        }
        return false;
    }
    long double theta() const { return theta_; }
    long double best() const { return best_; }

private:
    int patience_;
    int stall_ = 0;
    long double theta_ = 1.0L;
    long double best_ = -std::numeric_limits<long double>::infinity();
};

// A lower bound L computed in floating point as an integer bound on integer costs: the ceiling
// of L minus a margin (floating-point sums may overshoot the exact L slightly); 0 if L <= 0.
int64_t safeCeil(long double v);

// The Polyak target for improve(): `target` (e.g. incumbent - baseline), or the greedy cover's
// cost + 1 when that is lower.
int64_t stepTarget(const StageCutBound& bound, const std::vector<int>& maxDrops, int64_t target);

// Root bound: baseline cost + the stage-cut bound with C-1 free drops per node.
int64_t rootLowerBound(const Instance& inst, int iterations, int64_t target);

}  // namespace moccasin
