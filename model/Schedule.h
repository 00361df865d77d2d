// Schedules in two forms.
//  - Schedule: the general form of problem.md, a list of computations, each the retention
//    interval [start, end) of one copy of a node's output. This is what is written, read and
//    validated.
//  - StagedPlan: a solution of the retention-interval model in canonical form: for each node the
//    stages (> the node's own) at which it is recomputed. Ends follow from the starts: each copy
//    is kept until the last computation it serves (the latest earlier copy serves a consumer), so
//    a plan maps to exactly one Schedule (materialize).
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"

namespace moccasin {

struct Computation {
    int node = 0;       // reference-order index
    int64_t start = 0;  // event of the computation
    int64_t end = 0;    // first event at which the copy is no longer retained (end >= start + 1)
    bool operator==(const Computation&) const = default;
};

struct Schedule {
    std::vector<Computation> computations;  // ascending start
};

struct StagedPlan {
    // recomputeStages[k]: ascending stages s > k at which node k is recomputed.
    std::vector<std::vector<int>> recomputeStages;

    static StagedPlan noRecompute(int n) { return StagedPlan{std::vector<std::vector<int>>(n)}; }
    int64_t numRecomputations() const;
};

// The schedule a plan stands for, with every end derived from the copies' last served use.
// O((n + R) log + m log C) for R recomputations; never walks empty events.
Schedule materialize(const Graph& g, const StagedPlan& plan);

// Cost and peak memory of a schedule, by a sweep over interval end points.
struct Evaluation {
    int64_t cost = 0;
    int64_t peak = 0;
};
Evaluation evaluate(const Graph& g, const Schedule& s);

}  // namespace moccasin
