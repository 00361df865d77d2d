#include "search/BoundShaving.h"

#include <algorithm>
#include <cmath>

#include "search/Saturating.h"

namespace moccasin {

int64_t BoundShaver::next(int64_t lowerBound, int64_t incumbentCost) {
    ++probes_;
    lowerBound_ = lowerBound;
    const int64_t top = incumbentCost - 1;  // the proof search's cap
    const int64_t gap = std::max<int64_t>(0, top - lowerBound);
    if (step_ == 0) step_ = std::max(1.0, static_cast<double>(gap) * kFirstFraction);
    return lowerBound + static_cast<int64_t>(std::floor(std::min(step_, static_cast<double>(gap))));
}

int64_t BoundShaver::lower(int64_t cap) {
    ++lowered_;
    step_ = std::max(1.0, step_ / 2);
    failLimit_ = saturatingDouble(failLimit_);
    // A cap at the bound itself still raises it by one when its probe ends.
    const int64_t lowered = lowerBound_ + static_cast<int64_t>(std::floor(step_));
    return std::max(lowerBound_, std::min(cap - 1, lowered));
}

void BoundShaver::exhausted(uint64_t failures) {
    ++exhausted_;
    step_ = std::min(2 * step_, 1e18);
    failLimit_ = std::max(failLimit_, saturatingDouble(failures));
}

nlohmann::json BoundShaver::statistics() const {
    return {{"probes", probes_}, {"exhausted", exhausted_}, {"lowered", lowered_}, {"fail_limit", failLimit_}};
}

}  // namespace moccasin
