// The relaxation of an instance to a window of stages [first, last], whose optimum bounds the cost
// of the recomputations any schedule of the instance makes at those stages. Summed over disjoint
// windows, these optima bound the cost of the whole schedule from below (search/WindowBound.h).
//
// The relaxation is itself an instance of the staged model, so the exact search solves it:
//  - every output made before the window and read inside it (an "entry" node, at distance 1)
//    becomes a source: same cost and size, no inputs. Outside the window nothing is charged, so
//    whichever of these outputs a schedule holds when the window opens comes for free;
//    recomputing one inside the window costs its d but needs no inputs (its real inputs are
//    relaxed away). With depth k > 1 the inputs of entry nodes at distance < k are entry nodes
//    too (at distance + 1), with their edges: a recomputation in the window then needs its
//    inputs up to k levels up, as in the instance. The larger k, the stronger the relaxation
//    (one of depth k restricted to the nodes of depth k - 1 is one of those), and the larger the
//    instance the search has to solve;
//  - a "holder" node of size D (the sizes of all other nodes summed) follows the entry nodes and
//    is read by the window's last node, under the budget B + D: before the holder the memory is
//    unconstrained (the entry nodes are made and held at no charge), and over the window the
//    holder leaves exactly B. Its cost exceeds what any plan that keeps it pays, so no optimum
//    drops it (the bound would stay valid if one did: it is still a relaxation), and is large
//    enough that the search does not try to;
//  - the window's nodes keep their costs, sizes and the edges among themselves and from entry
//    nodes; outputs read only after the window are not needed at all.
//
// Why it is a relaxation: take any valid plan of the instance. Hold each entry node from its own
// stage while the plan holds a copy of it when the window opens, keep the plan's computations at
// the window's stages (same order within each stage: entry nodes, then window nodes, by index),
// and drop the rest. Every event of the window then holds a subset of what the plan held plus the
// holder (<= B + D); each recomputation's inputs that the relaxation has are there (they are
// live exactly when the plan holds them); an entry node has at most C - 1 recomputations in the
// window (its first computation came before it). So the relaxation's
// optimum costs at most the plan's recomputations at the window's stages (restrictToWindow
// builds exactly this plan; tests check it against the instance's exhaustive optima).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"

namespace moccasin {

struct WindowRelaxation {
    Graph graph;             // entry nodes, the holder, then the window's nodes
    int64_t budget = 0;      // B + the holder's size
    int copies = 2;
    int first = 0, last = 0; // the window: stages [first, last] of the instance
    int depth = 1;           // entry nodes lie at most this many edges above a window node
    int holder = 0;          // the holder's index (= the number of entry nodes)
    std::vector<int> origin; // per node of `graph`: the instance's node it stands for (-1: holder)

    Instance instance() const { return Instance{graph, budget, copies}; }
    // The cost of a plan of the relaxation that counts toward the instance: its recomputations.
    int64_t recomputationCost(int64_t planCost) const { return planCost - graph.baselineCost(); }
};

// The relaxation of `inst` to the stages [first, last] (0 <= first <= last < n), with entry nodes
// up to `depth` >= 1 edges above the window's nodes. nullopt when the budget leaves nothing to
// relax (budget + the holder's size, or C times the costs, would not fit in int64).
std::optional<WindowRelaxation> relaxToWindow(const Instance& inst, int first, int last, int depth = 1);

// The plan of the relaxation made of `plan`'s recomputations at the window's stages of the nodes
// the relaxation has: valid for the relaxation whenever `plan` is valid for the instance. Its
// recomputations cost at most what `plan`'s at those stages cost (an earlier output recomputed
// there only for a consumer after the window is left out).
StagedPlan restrictToWindow(const WindowRelaxation& w, const StagedPlan& plan);

}  // namespace moccasin
