// Domain events: what a bound change did to a variable, as a bit mask. A change may raise
// several bits at once (a lower bound reaching the upper bound gives LowerBound | Fixed).
// For a Boolean, "became true" is LowerBound, "became false" is UpperBound, either is Fixed.
#pragma once
#include <cstdint>

namespace moccasin::solver {

using EventMask = uint8_t;

namespace Event {
inline constexpr EventMask LowerBound = 1;  // lb increased
inline constexpr EventMask UpperBound = 2;  // ub decreased
inline constexpr EventMask Fixed = 4;       // lb == ub after the change (and not before)
inline constexpr EventMask AnyBound = LowerBound | UpperBound;
inline constexpr EventMask Any = LowerBound | UpperBound | Fixed;
}  // namespace Event

}  // namespace moccasin::solver
