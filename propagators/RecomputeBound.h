// Lower bound on the objective from the stage-cut relaxation (model/LowerBound.h).
// Rule: cost >= baseline + sum of d over present extra copies + the Lagrangian bound on the
// recomputations still to be paid for, where node u may drop memory once per present extra copy
// (already paid) and once per undecided one (paid if used). Fails when some stage's excess
// cannot be covered by the nodes that may still drop at all.
// With drop windows (an option), every drop of u is confined to the stages whose cut u can
// miss under the current domains: from the stage holding end_u0.lb (copy 0 lives until its end)
// to one before the largest stage.ub of u's extra copies that are not absent (a cut inside a gap
// can miss u only if a later copy restarts it after the cut). So the search's "keep u past t"
// decisions (end_u0 > t) and the stage bounds of recomputations raise the bound too.
// Invariant after propagation: cost.lb >= that bound, for the multipliers the call ended with.
// The bound is valid for any multipliers; they are kept between calls as a warm start, so the
// strength (never the validity) of a call depends on the calls before it. propagate() skips the
// relaxation when no presence, no cost bound and no window changed since the last call (it would
// compute the same value up to further subgradient steps) and no backtrack happened since, and
// evaluates the current multipliers without subgradient steps when only windows changed;
// propagateFromScratch() always runs the full step.
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"
#include "model/LowerBound.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"

namespace moccasin {

struct RecomputeBoundOptions {
    int iterationsPerCall = 4;  // subgradient steps per call
    bool windows = true;        // confine drops to the windows above (false: presence only)
};

class RecomputeBound : public solver::Propagator {
public:
    // copies[u]: the C copies of node u, copy 0 first.
    RecomputeBound(const Graph& g, int64_t budget, solver::VarId cost, std::vector<std::vector<StageTask>> copies,
                   RecomputeBoundOptions options);

    std::string_view name() const override { return "recompute-bound"; }
    solver::Priority priority() const override { return solver::Priority::Strong; }
    void attach(solver::Engine& e) override;
    bool propagate(solver::Engine& e) override;
    bool propagateFromScratch(solver::Engine& e) override;
    bool notify(solver::Engine& e, int32_t watchIndex, solver::EventMask events) override;
    void onBacktrack(solver::Engine& e) override;

    // Starts the multipliers from a root bound's (StageCutBound::multipliers of the same graph
    // and budget): the per-call steps are few, so the search bound is only as good as its start.
    void warmStart(const std::vector<long double>& lambda) { bound_.setMultipliers(lambda); }

    // The window of node u under the current domains (for tests): [lo, hi], empty if lo > hi.
    std::pair<int, int> window(const solver::Engine& e, int u) const;

private:
    bool run(solver::Engine& e, int iterations);

    const Graph& g_;
    solver::VarId cost_;
    std::vector<std::vector<StageTask>> copies_;
    StageCutBound bound_;
    RecomputeBoundOptions opt_;
    std::vector<int> paid_, free_, maxDrops_;
    DropWindows windows_;      // as of the last call
    bool dirty_ = true;        // something the bound reads changed since the last call
    bool fullStep_ = true;     // a presence, the cost bound or the level changed, not just windows
};

}  // namespace moccasin
