// The "default completion" of the current domains, which the tree search evaluates at every node:
// undecided extra copies absent, present ones at their latest allowed stage, every copy kept until
// the last computation it serves (as model/Schedule's materialize derives ends).
//
// Why a class: the search evaluates it at every node, and building a StagedPlan, materializing a
// Schedule and sorting all its end points allocated and sorted O(n + R) items per node. This
// keeps every buffer between calls and builds the computations already in start order (counting
// sort by stage). A node with one copy serves every consumer, so only the recomputations are
// read for it: a node costs O(n C + R d) plus the consumers of the recomputed nodes (d: the
// largest in-degree), not O(m). Ends are not sorted: a copy's end is one past the event of the
// last computation it serves, so the sweep frees it by that computation's position in start order
// (a difference array over computations, never over events).
// Invariant: after build(), computations() == materialize(graph, plan()).computations.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "model/Schedule.h"
#include "search/RematModel.h"

namespace moccasin {

class Completion {
public:
    explicit Completion(const RematModel& model);

    // The extra copies build() reads from now on: those not absent in the current domains. Call
    // it at the root of a search; while the search stays at or below that root, an absent copy
    // stays absent, so build() skips the nodes whose extra copies are all absent (in an LNS
    // step, every node outside the neighbourhood without a recomputation in the incumbent).
    // Without a call, build() reads every node.
    void setScope();
    // Rebuilds the completion from the model's current domains.
    void build();
    const std::vector<Computation>& computations() const { return comps_; }
    // The earliest event at which the completion's memory exceeds the budget and the node computed
    // there, or {-1, -1} if it fits.
    std::pair<int64_t, int> firstOverload();
    // The completion as a plan (for trying it as a solution).
    StagedPlan plan() const;

private:
    const RematModel& model_;
    std::vector<int> scope_;        // nodes with an extra copy not absent at setScope()
    bool scoped_ = false;
    std::vector<int> stagesOf_;     // node k's recompute stages: stagesOf_[k*(C-1) ..], count in numStages_
    std::vector<int> numStages_;
    std::vector<int> stageCount_;   // per stage: recomputations in it (counting sort)
    std::vector<int> stageFirst_;
    std::vector<int> recomputed_;   // nodes recomputed, grouped by stage, ascending node inside
    std::vector<int> copyIndex_;    // per node: indices in comps_ of its copies, in start order
    std::vector<int> numCopies_;
    std::vector<Computation> comps_;
    std::vector<int> lastServed_;   // per computation: position of the last computation it serves (or its own)
    std::vector<int64_t> freedAt_;  // per position: sizes of the copies whose last served position is one before
};

}  // namespace moccasin
