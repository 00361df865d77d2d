// Reference quantities of a graph that budgets are quoted against.
#pragma once
#include <cstdint>

#include "model/Graph.h"

namespace moccasin {

// P_pi: the peak memory of the no-recompute schedule in the reference order (each output kept
// until its last consumer has been computed). O(n + m).
int64_t referencePeak(const Graph& g);

// max over v of (m_v + sum of m_u over v's inputs): no budget below this can be met, since
// computing v needs its inputs and its output live at once.
int64_t budgetLowerLimit(const Graph& g);
// A node attaining budgetLowerLimit.
int budgetLimitingNode(const Graph& g);

}  // namespace moccasin
