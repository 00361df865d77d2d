// The independent schedule checker. It judges a list of computations by the definition of a
// valid schedule in problem.md (every node computed 1..C times, inputs live when read, memory
// within budget at every event), not by the staged retention-interval model, and shares no code
// with materialize()/evaluate() or the solver: it is the oracle the rest is tested against.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/Graph.h"
#include "model/Schedule.h"

namespace moccasin {

struct ValidationResult {
    bool ok = false;
    std::string violation;  // the first violation, one line; empty when ok
    int64_t peak = 0;       // highest memory at any event (computed whenever the intervals are well formed)
    int64_t cost = 0;       // sum of the costs of all computations (saturates at INT64_MAX)
    int64_t peakEvent = -1; // first event at which `peak` is reached; -1 if there is none
};

// Checks `comps` (any order) against budget `budget` and copy limit `copies`.
// Violations are looked for kind by kind, and the first one found is reported:
//   1. per computation, in the given order: node index out of range, start < 0, end < start + 1;
//   2. two computations at the same event (the earliest such event);
//   3. per node in reference order: never computed, or computed more than `copies` times;
//   4. an input not live when read (the earliest event; at that event the lowest input);
//   5. memory over budget (the earliest event).
// O(k log k + m C) for k computations and m edges; never loops over events.
ValidationResult validateSchedule(const Graph& g, const std::vector<Computation>& comps, int64_t budget,
                                  int copies);

}  // namespace moccasin
