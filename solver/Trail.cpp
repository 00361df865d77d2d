#include "solver/Trail.h"

namespace moccasin::solver {

void Trail::popToLevel(int32_t target, std::vector<int32_t>& listeners) {
    assert(target >= 0 && target <= level());
    if (target == level()) return;
    const size_t keep = levelStart_[target];
    // Newest first: when a slot was saved several times, the oldest value is written last.
    for (size_t i = entries_.size(); i-- > keep;) {
        const Entry& e = entries_[i];
        if (e.slot != nullptr) {
            *e.slot = e.old;
        } else {
            listeners.push_back(static_cast<int32_t>(e.old));
        }
    }
    entries_.resize(keep);  // keeps capacity: no allocation on the next dive
    levelStart_.resize(target);
    ++stamp_;
}

}  // namespace moccasin::solver
