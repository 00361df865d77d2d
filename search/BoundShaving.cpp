#include "search/BoundShaving.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moccasin {

BoundShaver::Probe BoundShaver::next(int64_t lowerBound, int64_t incumbentCost) {
    Probe p;
    p.failLimit = failLimit_;
    const int64_t top = incumbentCost - 1;  // the proof search's cap
    const int64_t gap = top - lowerBound;
    if (gap <= 0) {
        p.cap = top;
        return p;
    }
    if (step_ == 0) step_ = std::max(1.0, static_cast<double>(gap) * kFirstFraction);
    // The step is at least 1 and the cap at most the proof search's.
    const double step = std::min(step_, static_cast<double>(gap));
    p.cap = lowerBound + static_cast<int64_t>(std::floor(step));
    p.capped = p.cap < top;
    return p;
}

void BoundShaver::exhausted(uint64_t failures) {
    ++exhausted_;
    step_ = std::min(2 * step_, 1e18);
    if (failures <= std::numeric_limits<uint64_t>::max() / 2) failLimit_ = std::max(failLimit_, 2 * failures);
}

void BoundShaver::stopped() {
    ++stopped_;
    step_ = std::max(1.0, step_ / 2);
    if (failLimit_ <= std::numeric_limits<uint64_t>::max() / 2) failLimit_ *= 2;
}

nlohmann::json BoundShaver::statistics() const {
    return {{"probes", exhausted_ + stopped_}, {"exhausted", exhausted_}, {"stopped", stopped_},
            {"fail_limit", failLimit_}};
}

}  // namespace moccasin
