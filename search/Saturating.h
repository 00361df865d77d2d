// Doubling and addition that stop at the type's maximum, for limits and targets that grow
// geometrically (failure limits of the shaving probes, a cost target of twice the baseline) and
// for bounds summed from parts (the window bound).
#pragma once
#include <limits>

namespace moccasin {

template <class T>
T saturatingDouble(T x) {
    return x > std::numeric_limits<T>::max() / 2 ? std::numeric_limits<T>::max() : 2 * x;
}

// a + b for a, b >= 0, or the type's maximum where that overflows.
template <class T>
T saturatingAdd(T a, T b) {
    T sum;
    return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<T>::max() : sum;
}

}  // namespace moccasin
