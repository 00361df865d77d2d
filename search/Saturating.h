// Doubling that stops at the type's maximum, for limits and targets that grow geometrically
// (failure limits of the shaving probes, a cost target of twice the baseline).
#pragma once
#include <limits>

namespace moccasin {

template <class T>
T saturatingDouble(T x) {
    return x > std::numeric_limits<T>::max() / 2 ? std::numeric_limits<T>::max() : 2 * x;
}

}  // namespace moccasin
