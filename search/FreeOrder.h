// Free order: the solver chooses the execution order together with recomputation. It searches
// for topological orders with low memory (search/OrderSearch.h), then runs the search of one
// order (search/GivenOrder.h) on the graph relabelled in the most promising ones, the given
// order among them, so the result is never worse than the given order's greedy.
// Lower bounds valid for every order: the baseline cost (so TDI 0 is optimal) and the lower
// limit (below it no order helps).
#pragma once
#include "model/Graph.h"
#include "search/Deadline.h"
#include "search/SolveRecord.h"
#include "search/Solver.h"

namespace moccasin {

SolveOutcome solveFreeOrder(const Graph& g, const SolveOptions& options, SolveRecord& record, const Deadline& deadline);

}  // namespace moccasin
