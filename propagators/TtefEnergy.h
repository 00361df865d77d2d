// The energy of a compulsory profile as Ttef reads it: E(t) = the integral of the profile over
// (-inf, t), so the energy of a window [a, b) is E(b) - E(a). Kept as canonical breakpoints
// (propagators/Profile.h) with their prefix energies. Rectangles are added with signed demands,
// so a caller can keep one up to date (Ttef's profile of the fixed tasks) instead of rebuilding
// it; the buffers are reused, so once they have grown no call allocates.
// Energies are __int128: a level up to 1e13 over 5e9 events exceeds int64.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "propagators/Profile.h"

namespace moccasin {

class TtefEnergy {
public:
    // Makes the profile empty.
    void clear();
    // Adds the rectangles (a negative demand removes one): O(m + r log r) for m breakpoints and
    // r rectangles; then O(m) for the prefix energies.
    void add(std::span<const ProfileRect> rects);
    // E(t), the energy on (-inf, t): O(log m).
    __int128 before(int64_t t) const;

    const ProfileSteps& steps() const { return steps_; }

private:
    ProfileSteps steps_;
    ProfileSteps next_;                // applyRects' output, swapped into steps_
    std::vector<__int128> prefix_;     // prefix_[k] = E(steps_[k].time)
    std::vector<std::pair<int64_t, int64_t>> scratch_;
};

}  // namespace moccasin
