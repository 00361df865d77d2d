#include "solver/LessEqualOffset.h"

#include <stdexcept>

#include "solver/Engine.h"

namespace moccasin::solver {

LessEqualOffset::LessEqualOffset(VarId x, VarId y, int64_t c) : x_(x), y_(y), c_(c) {
    if (c < kMinValue || c > kMaxValue) throw std::invalid_argument("LessEqualOffset: offset out of range");
}

void LessEqualOffset::attach(Engine& engine) {
    // Only a rising lb(x) or a falling ub(y) can enable a pruning.
    engine.watch(x_, Event::LowerBound, *this, 0);
    engine.watch(y_, Event::UpperBound, *this, 1);
}

bool LessEqualOffset::propagateFromScratch(Engine& engine) {
    // x + c <= x holds for every x iff c <= 0; the two rules below would only creep by c per call.
    if (x_ == y_) return c_ <= 0;
    return engine.setLb(y_, engine.lb(x_) + c_, this) && engine.setUb(x_, engine.ub(y_) - c_, this);
}

}  // namespace moccasin::solver
