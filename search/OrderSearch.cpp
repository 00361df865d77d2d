#include "search/OrderSearch.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <set>

#include "model/OrderLowerBound.h"
#include "model/Peak.h"
#include "search/ListSchedule.h"
#include "search/OrderAnnealer.h"
#include "search/OrderProfile.h"

namespace moccasin {

namespace {

// Moves per start in the first round; each round doubles it.
constexpr int64_t kFirstSlice = 20000;
// Cut bounds (one max-flow each) are worked out for at most this many nodes at the best order's
// peak per round, and only on graphs with at most this many nodes plus edges (a cut takes ~0.1 s
// at 10^5, seconds at 10^6).
constexpr int kCutsPerRound = 4;
constexpr int64_t kCutMaxGraph = 200000;

struct Start {
    std::string origin;
    std::unique_ptr<OrderAnnealer> annealer;
};

// The nodes computed at the peak of `order`, in order.
std::vector<int> peakNodes(const Graph& g, const std::vector<int>& order) {
    OrderProfile profile(g, order);
    std::vector<int> nodes;
    for (int p = 0; p < g.numNodes(); ++p)
        if (profile.memoryAt(p) == profile.peak()) nodes.push_back(order[p]);
    return nodes;
}

}  // namespace

OrderSearchResult searchOrders(const Graph& g, const OrderSearchOptions& options, const Deadline& deadline) {
    const int n = g.numNodes();
    const int64_t referencePeakValue = referencePeak(g);
    std::vector<int> identity(n);
    for (int v = 0; v < n; ++v) identity[v] = v;

    OrderSearchResult result;
    result.lowerBound = forcedLiveBound(g);
    auto candidate = [&](std::vector<int> order, int64_t peak, std::string origin, double seconds) {
        OrderCandidate c{std::move(order), peak, 0, std::move(origin), seconds};
        if (options.budget > 0) c.pressure = OrderProfile(g, c.order).excessAbove(options.budget);
        return c;
    };
    if (result.lowerBound >= referencePeakValue) {  // the reference order is optimal
        result.candidates.push_back(candidate(identity, referencePeakValue, "reference", deadline.elapsed()));
        result.provenOptimal = true;
        return result;
    }

    AnnealTuning tuning;
    std::vector<Start> starts;
    auto addStart = [&](std::string origin, const std::vector<int>& order) {
        uint64_t seed = options.seed * 0x9E3779B97F4A7C15ULL + starts.size() + 1;
        starts.push_back({std::move(origin), std::make_unique<OrderAnnealer>(g, order, seed, tuning, deadline.elapsed())});
    };
    addStart("reference", identity);
    addStart("net-growth", listSchedule(g, ListRule::NetGrowth));
    addStart("smallest-output", listSchedule(g, ListRule::SmallestOutput));
    addStart("depth-first", listSchedule(g, ListRule::DepthFirst));

    auto bestStart = [&]() -> Start& {
        return *std::min_element(starts.begin(), starts.end(), [](const Start& a, const Start& b) {
            return a.annealer->bestPeak() < b.annealer->bestPeak();
        });
    };
    // Raises the lower bound by cuts at the best order's peak nodes; true once it meets the best.
    std::set<int> cutDone;
    const bool cutsAffordable = static_cast<int64_t>(n) + g.numEdges() <= kCutMaxGraph;
    int64_t cutsTriedAt = std::numeric_limits<int64_t>::max();  // the best peak when cuts were last tried
    auto proven = [&] {
        Start& best = bestStart();
        if (best.annealer->bestPeak() <= result.lowerBound) return true;
        if (!cutsAffordable || best.annealer->bestPeak() >= cutsTriedAt) return false;
        cutsTriedAt = best.annealer->bestPeak();
        int tried = 0;
        for (int v : peakNodes(g, best.annealer->bestOrder())) {
            if (tried == kCutsPerRound || deadline.expired()) break;
            if (!cutDone.insert(v).second) continue;
            ++tried;
            result.lowerBound = std::max(result.lowerBound, cutBoundAt(g, v));
        }
        return best.annealer->bestPeak() <= result.lowerBound;
    };
    auto fitsBudget = [&] {
        return options.stopAtBudget && options.budget > 0 && bestStart().annealer->bestPeak() <= options.budget;
    };

    int64_t left = options.maxMoves < 0 ? std::numeric_limits<int64_t>::max() : options.maxMoves;
    bool done = proven() || fitsBudget();
    for (int64_t slice = kFirstSlice; !done && left > 0 && !deadline.expired(); slice *= 2)
        for (Start& s : starts) {
            int64_t tried = s.annealer->run(std::min(slice, left), deadline);
            left -= tried;
            result.moves += tried;
            done = proven() || fitsBudget();
            if (done || left <= 0 || deadline.expired()) break;
        }
    result.provenOptimal = bestStart().annealer->bestPeak() <= result.lowerBound;

    std::vector<OrderCandidate> all;
    for (Start& s : starts)
        if (s.annealer->bestPeak() < referencePeakValue)
            all.push_back(candidate(s.annealer->bestOrder(), s.annealer->bestPeak(), s.origin, s.annealer->bestSeconds()));
    // Nothing found beats the reference order: it is the answer.
    if (all.empty()) all.push_back(candidate(identity, referencePeakValue, "reference", 0));
    std::stable_sort(all.begin(), all.end(), [](const OrderCandidate& a, const OrderCandidate& b) {
        return a.peak != b.peak ? a.peak < b.peak : a.pressure < b.pressure;
    });
    for (OrderCandidate& c : all) {
        if (static_cast<int>(result.candidates.size()) >= std::max(1, options.maxCandidates)) break;
        bool duplicate = std::any_of(result.candidates.begin(), result.candidates.end(),
                                     [&](const OrderCandidate& o) { return o.order == c.order; });
        if (!duplicate) result.candidates.push_back(std::move(c));
    }
    return result;
}

}  // namespace moccasin
