// Identifiers, priorities and value limits shared by the whole CP kernel.
// Invariant: ids are dense indices handed out by the Engine in creation order (0, 1, 2, ...);
// every domain bound lies in [kMinValue, kMaxValue], so a bound plus or minus an offset of the
// same magnitude never overflows int64.
#pragma once
#include <cstdint>

namespace moccasin::solver {

using VarId = int32_t;   // index of an integer variable in its Engine
using PropId = int32_t;  // index of a propagator in its Engine

// 2^60 ~ 1.15e18: far above any time (5e9 events) or memory sum (3e14) of the model, and low
// enough that lb + c and ub - c stay inside int64 for |c| <= kMaxValue.
inline constexpr int64_t kMaxValue = int64_t{1} << 60;
inline constexpr int64_t kMinValue = -kMaxValue;

// Propagation buckets, most urgent first. The queue always runs the most urgent non-empty bucket,
// so every Cheap propagator is at its fixpoint before a Linear one runs, and so on.
enum class Priority : uint8_t { Cheap = 0, Linear = 1, Global = 2, Strong = 3 };
inline constexpr int kNumPriorities = 4;

// The domain of an integer variable: every value of [lb, ub] (no holes). Always lb <= ub: a
// change that would empty the domain is refused and recorded as a failure instead.
struct Bounds {
    int64_t lb;
    int64_t ub;
    bool operator==(const Bounds&) const = default;
};

}  // namespace moccasin::solver
