// Lower bound on the objective from the stage-cut relaxation (model/LowerBound.h).
// Rule: cost >= baseline + sum of d over present extra copies + the Lagrangian bound on the
// recomputations still to be paid for, where node u may drop memory once per present extra copy
// (already paid) and once per undecided one (paid if used). Fails when some stage's excess
// cannot be covered by the nodes that may still drop at all.
// The bound is valid for any multipliers; they are kept between calls as a warm start, so the
// strength (never the validity) of a call depends on the calls before it. propagate() is the
// from-scratch version: the relaxation reads every presence anyway.
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"
#include "model/LowerBound.h"
#include "solver/Engine.h"

namespace moccasin {

class RecomputeBound : public solver::Propagator {
public:
    // extraPresence[u]: the presence variables of u's copies 1 .. C-1.
    RecomputeBound(const Graph& g, int64_t budget, solver::VarId cost,
                   std::vector<std::vector<solver::VarId>> extraPresence, int iterationsPerCall);

    std::string_view name() const override { return "recompute-bound"; }
    solver::Priority priority() const override { return solver::Priority::Strong; }
    void attach(solver::Engine& e) override;
    bool propagateFromScratch(solver::Engine& e) override;

private:
    const Graph& g_;
    solver::VarId cost_;
    std::vector<std::vector<solver::VarId>> extra_;
    StageCutBound bound_;
    int iterations_;
    std::vector<int> paid_, free_, maxDrops_;
};

}  // namespace moccasin
