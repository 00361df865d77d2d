// Large-neighbourhood search: repeatedly free the recomputation decisions of a neighbourhood of
// nodes (search/Neighborhoods.h), fix every other node to the incumbent, and let the tree search
// re-solve under a failure limit with cost <= incumbent - 1. Generators are chosen by UCB1 on
// recent improvement; each adapts its own neighbourhood size (grown when its sub-problems are
// solved to the end, shrunk when they hit the limit).
//
// Workers: `threads` TBB tasks, each owning a RematModel over the shared read-only Graph, all
// sharing one Incumbent. Deterministic mode runs epochs: a fixed batch of neighbourhoods, seeded
// by (seed, epoch, index), generated from the incumbent at the start of the epoch, each solved
// on a fresh model, then reduced in index order; the result does not depend on the thread count.
// An epoch cut by the time limit is discarded, so a run stopped by time reports a prefix of
// the same sequence of incumbents.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Instance.h"
#include "search/Deadline.h"
#include "search/Incumbent.h"
#include "search/Neighborhoods.h"
#include "search/RematModel.h"

namespace moccasin {

struct LnsOptions {
    int threads = 1;
    uint64_t seed = 0;
    bool deterministic = false;
    int batchSize = 8;               // neighbourhoods per epoch in deterministic mode
    std::optional<uint64_t> maxEpochs;  // deterministic mode: stop after this many epochs
    uint64_t failLimit = 300;        // failures per neighbourhood
    double initialFraction = 0.05;   // starting neighbourhood size, as a fraction of the nodes
    ModelOptions model;
};

struct LnsStats {
    struct PerGenerator {
        uint64_t attempts = 0, improvements = 0, solvedToEnd = 0;
        int64_t gain = 0;  // total cost decrease it produced
    };
    std::array<PerGenerator, kNumNeighborhoods> generators{};
    uint64_t steps = 0, epochs = 0;
    uint64_t views = 0;  // free-running mode: views built, one per incumbent the workers searched from
    nlohmann::json toJson() const;
};

// Improves `incumbent` (which must hold a plan) until the deadline. Returns the statistics.
LnsStats runLns(const Instance& inst, Incumbent& incumbent, const Deadline& deadline,
                const LnsOptions& options);

}  // namespace moccasin
