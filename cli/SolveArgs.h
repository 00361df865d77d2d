// The options that `solve` and `sweep` share, read the same way by both (docs/cli.md).
#pragma once
#include "cli/Args.h"
#include "search/Solver.h"

namespace moccasin::cli {

// Reads --copies, --strategy, --order, --threads and --seed into `opt`; throws UsageError on a
// value out of range, an unknown strategy or an order other than given or free.
void readSharedSolveOptions(const Args& args, SolveOptions& opt);

}  // namespace moccasin::cli
