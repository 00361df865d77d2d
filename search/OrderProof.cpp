#include "search/OrderProof.h"

#include <algorithm>
#include <limits>

#include "model/OrderLowerBound.h"
#include "search/OrderExact.h"
#include "search/OrderProfile.h"

namespace moccasin {

namespace {
// Cuts (one max-flow each) are worked out for at most this many peak nodes per call, and only on
// graphs with at most this many nodes plus edges: a cut takes ~0.1 s at 10^5, seconds at 10^6.
// They may take this share of the time spent so far (plus a little), so that the annealing keeps
// most of it.
constexpr int kCutsPerCall = 4;
constexpr int64_t kCutMaxGraph = 200000;
constexpr double kCutTimeShare = 0.1, kCutTimeAllowance = 0.02;
// The exact walk settles narrow graphs and gives up quickly on wide ones within these limits.
constexpr int64_t kExactBytes = 2 << 20;
constexpr double kExactSeconds = 0.1, kExactTimeShare = 0.05;

// The nodes computed at the peak of `order`, in order.
std::vector<int> peakNodes(const Graph& g, const std::vector<int>& order) {
    OrderProfile profile(g, order);
    std::vector<int> nodes;
    for (int p = 0; p < g.numNodes(); ++p)
        if (profile.memoryAt(p) == profile.peak()) nodes.push_back(order[p]);
    return nodes;
}
}  // namespace

OrderProof::OrderProof(const Graph& g, bool reproducible)
    : g_(g), reproducible_(reproducible), cutsAffordable_(static_cast<int64_t>(g.numNodes()) + g.numEdges() <= kCutMaxGraph),
      lowerBound_(forcedLiveBound(g)), cutsTriedAt_(std::numeric_limits<int64_t>::max()) {}

bool OrderProof::proves(const std::vector<int>& bestOrder, int64_t bestPeak, const Deadline& deadline) {
    if (bestPeak <= lowerBound_) return true;
    if (!cutsAffordable_ || bestPeak >= cutsTriedAt_) return false;
    cutsTriedAt_ = bestPeak;
    int tried = 0;
    for (int v : peakNodes(g_, bestOrder)) {
        if (tried == kCutsPerCall || deadline.expired()) break;
        if (!reproducible_ && cutSeconds_ > kCutTimeShare * deadline.elapsed() + kCutTimeAllowance) break;
        if (!cutDone_.insert(v).second) continue;
        ++tried;
        double before = deadline.elapsed();
        lowerBound_ = std::max(lowerBound_, cutBoundAt(g_, v));
        cutSeconds_ += deadline.elapsed() - before;
    }
    return bestPeak <= lowerBound_;
}

std::optional<std::vector<int>> OrderProof::exactBelow(int64_t bestPeak, const Deadline& deadline) {
    if (bestPeak <= lowerBound_) return std::nullopt;
    double seconds = reproducible_ ? std::numeric_limits<double>::max() : kExactSeconds + kExactTimeShare * deadline.elapsed();
    OrderBelowResult r = orderBelow(g_, bestPeak, kExactBytes, deadline, seconds);
    if (r.status == OrderBelowResult::Status::None) lowerBound_ = bestPeak;
    if (r.status != OrderBelowResult::Status::Found) return std::nullopt;
    return std::move(r.order);
}

}  // namespace moccasin
