// The lower bound side of the order search: what no order's no-recompute peak can go below, raised
// step by step so the search can stop at a proven optimum. It starts from the forced live sets
// (model/OrderLowerBound.h), adds min cuts at the nodes where the best order peaks, and once tries
// the exact walk over down-sets (search/OrderExact.h), which either proves the best peak optimal
// or returns a better order.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "model/Graph.h"
#include "search/Deadline.h"

namespace moccasin {

class OrderProof {
public:
    // With `reproducible`, no work depends on timing (only the deadline cuts it short).
    OrderProof(const Graph& g, bool reproducible);

    int64_t lowerBound() const { return lowerBound_; }

    // Raises the bound by cuts at the nodes at the peak of `bestOrder` (whose peak is bestPeak);
    // true when the bound meets bestPeak. Cheap when nothing changed since the last call.
    bool proves(const std::vector<int>& bestOrder, int64_t bestPeak, const Deadline& deadline);

    // The exact walk below bestPeak: either raises the bound to it, or returns an order with a
    // lower peak, or gives up (nothing).
    std::optional<std::vector<int>> exactBelow(int64_t bestPeak, const Deadline& deadline);

private:
    const Graph& g_;
    bool reproducible_;
    bool cutsAffordable_;
    int64_t lowerBound_;
    std::set<int> cutDone_;
    int64_t cutsTriedAt_;  // the best peak when cuts were last tried
    double cutSeconds_ = 0;
};

}  // namespace moccasin
