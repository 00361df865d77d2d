// LNS neighbourhoods: which nodes get their recomputation decisions freed while every other
// node keeps the incumbent's. Each generator returns about `size` nodes.
//   stage-window  nodes whose retention intervals are nearest a random stage
//   peak-window   the same around one of the incumbent's highest-memory computations
//   graph-ball    a breadth-first ball in the graph (inputs and consumers) around a random node
//   random        a uniform random subset
//   expensive     balls around the incumbent's recomputations, the costly ones more likely
#pragma once
#include <array>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "model/Graph.h"
#include "model/Schedule.h"

namespace moccasin {

enum class NeighborhoodKind { StageWindow, PeakWindow, GraphBall, Random, Expensive };
inline constexpr int kNumNeighborhoods = 5;
std::string_view neighborhoodName(NeighborhoodKind k);

// What the generators need to know about the incumbent, computed once per incumbent.
class IncumbentView {
public:
    IncumbentView(const Graph& g, const StagedPlan& plan);
    const StagedPlan& plan() const { return plan_; }
    int64_t cost() const { return cost_; }
    // Stage span [first, last] over which node k has some copy in memory.
    std::pair<int, int> span(int k) const { return span_[k]; }
    // Stages of the computations with the highest memory, highest first (at most 16).
    const std::vector<int>& peakStages() const { return peakStages_; }
    // Nodes recomputed at least once, with their costs.
    const std::vector<int>& recomputed() const { return recomputed_; }

private:
    StagedPlan plan_;
    int64_t cost_ = 0;
    std::vector<std::pair<int, int>> span_;
    std::vector<int> peakStages_, recomputed_;
};

std::vector<int> generateNeighborhood(NeighborhoodKind kind, const Graph& g, const IncumbentView& view, int size,
                                      std::mt19937_64& rng);

}  // namespace moccasin
