#include "propagators/TtefEnergy.h"

#include <algorithm>

namespace moccasin {

void TtefEnergy::clear() {
    steps_.clear();
    prefix_.clear();
}

void TtefEnergy::add(std::span<const ProfileRect> rects) {
    if (rects.empty()) return;
    applyRects(steps_, rects, next_, scratch_);
    steps_.swap(next_);
    prefix_.resize(steps_.size());
    __int128 energy = 0;
    for (size_t k = 0; k < steps_.size(); ++k) {
        if (k > 0) energy += static_cast<__int128>(steps_[k - 1].level) * (steps_[k].time - steps_[k - 1].time);
        prefix_[k] = energy;
    }
}

__int128 TtefEnergy::before(int64_t t) const {
    // The last step at or before t.
    auto it = std::upper_bound(steps_.begin(), steps_.end(), t,
                               [](int64_t v, const ProfileStep& s) { return v < s.time; });
    if (it == steps_.begin()) return 0;
    const auto k = static_cast<size_t>(it - steps_.begin()) - 1;
    return prefix_[k] + static_cast<__int128>(steps_[k].level) * (t - steps_[k].time);
}

}  // namespace moccasin
