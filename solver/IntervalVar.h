// An optional interval as a bundle of three variable ids owned by an Engine: a Boolean presence
// and integer start and end. It holds no state and adds no constraint: whoever builds it posts
// the constraints that tie the three together (e.g. start <= end when present).
#pragma once
#include "solver/Types.h"

namespace moccasin::solver {

struct IntervalVar {
    VarId presence = -1;
    VarId start = -1;
    VarId end = -1;
};

}  // namespace moccasin::solver
