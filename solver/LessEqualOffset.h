// The binary precedence x + c <= y, bounds consistent: lb(y) >= lb(x) + c and ub(x) <= ub(y) - c.
// One call reaches its fixpoint (the two rules read bounds the other does not write), so it is
// idempotent and has no state: propagate() is the from-scratch rule.
#pragma once
#include <cstdint>
#include <string_view>

#include "solver/Propagator.h"

namespace moccasin::solver {

class LessEqualOffset final : public Propagator {
public:
    // Requires |c| <= kMaxValue so that the bound arithmetic stays inside int64.
    LessEqualOffset(VarId x, VarId y, int64_t c);

    std::string_view name() const override { return "LessEqualOffset"; }
    Priority priority() const override { return Priority::Cheap; }
    void attach(Engine& engine) override;
    bool propagateFromScratch(Engine& engine) override;

private:
    VarId x_, y_;
    int64_t c_;
};

}  // namespace moccasin::solver
