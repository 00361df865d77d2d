#include "search/OrderSearch.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <set>

#include "model/OrderLowerBound.h"
#include "model/Peak.h"
#include "search/ListSchedule.h"
#include "search/OrderExact.h"
#include "search/OrderAnnealer.h"
#include "search/OrderProfile.h"

namespace moccasin {

namespace {

// Moves per start in the first round; each round doubles it.
constexpr int64_t kFirstSlice = 20000;
// Cut bounds (one max-flow each) are worked out for at most this many nodes at the best order's
// peak per round, and only on graphs with at most this many nodes plus edges (a cut takes ~0.1 s
// at 10^5, seconds at 10^6). They may take this share of the time spent so far (plus a little),
// so that the annealing keeps most of it.
constexpr int kCutsPerRound = 4;
constexpr int64_t kCutMaxGraph = 200000;
constexpr double kCutTimeShare = 0.1, kCutTimeAllowance = 0.02;
// The exact walk over down-sets (search/OrderExact.h) is tried once, when the annealing first
// stalls without a proof, within these limits: it settles narrow graphs and gives up quickly on
// wide ones.
constexpr int64_t kExactBytes = 8 << 20;
constexpr double kExactSeconds = 0.1, kExactTimeShare = 0.05;

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
        result.bestPeak = referencePeakValue;
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

    auto bestPeakNow = [&] {
        int64_t best = std::numeric_limits<int64_t>::max();
        for (const Start& s : starts) best = std::min(best, s.annealer->bestPeak());
        return best;
    };
    // With a move limit the search must not depend on timing: the time shares below then do not
    // apply (only the deadline, if any, cuts the search short).
    const bool reproducible = options.maxMoves >= 0;
    // Raises the lower bound by cuts at the best order's peak nodes; true once it meets the best.
    std::set<int> cutDone;
    const bool cutsAffordable = static_cast<int64_t>(n) + g.numEdges() <= kCutMaxGraph;
    int64_t cutsTriedAt = std::numeric_limits<int64_t>::max();  // the best peak when cuts were last tried
    double cutSeconds = 0;
    auto proven = [&] {
        const int64_t best = bestPeakNow();
        if (best <= result.lowerBound) return true;
        if (!cutsAffordable || best >= cutsTriedAt) return false;
        cutsTriedAt = best;
        auto holder = std::find_if(starts.begin(), starts.end(), [&](const Start& s) { return s.annealer->bestPeak() == best; });
        int tried = 0;
        for (int v : peakNodes(g, holder->annealer->bestOrder())) {
            if (tried == kCutsPerRound || deadline.expired()) break;
            if (!reproducible && cutSeconds > kCutTimeShare * deadline.elapsed() + kCutTimeAllowance) break;
            if (!cutDone.insert(v).second) continue;
            ++tried;
            double before = deadline.elapsed();
            result.lowerBound = std::max(result.lowerBound, cutBoundAt(g, v));
            cutSeconds += deadline.elapsed() - before;
        }
        return best <= result.lowerBound;
    };

    // Phase 1 lowers the peak. With a budget it hands over, once the peak is proven optimal or a
    // round brings no progress, to phase 2, which lowers the pressure at the budget: measured on
    // the random layered graphs, the given-order engine recomputes less on an order with less
    // pressure than on one with a lower peak. An order within the budget ends the search: it needs
    // no recomputation at all.
    std::vector<OrderCandidate> all;
    auto collect = [&](const char* phase) {
        for (Start& s : starts)
            if (s.annealer->bestPeak() < referencePeakValue)
                all.push_back(candidate(s.annealer->bestOrder(), s.annealer->bestPeak(), s.origin + phase,
                                        s.annealer->bestSeconds()));
    };
    const bool withBudget = options.budget > 0;
    bool pressurePhase = false;
    auto fitsBudget = [&] { return withBudget && bestPeakNow() <= options.budget; };
    auto finished = [&] {
        if (pressurePhase) return fitsBudget() || std::any_of(starts.begin(), starts.end(), [](const Start& s) {
                                      return s.annealer->bestPressure() <= 0;
                                  });
        return (options.stopAtBudget && fitsBudget()) || (proven() && !withBudget);
    };
    // Either proves the best peak optimal or finds orders below it (each started as a new line of
    // annealing), until it gives up.
    bool exactTried = false;
    auto tryExact = [&] {
        exactTried = true;
        while (bestPeakNow() > result.lowerBound) {
            OrderBelowResult r = orderBelow(g, bestPeakNow(), kExactBytes, deadline,
                                            reproducible ? 1e300 : kExactSeconds + kExactTimeShare * deadline.elapsed());
            if (r.status == OrderBelowResult::Status::GaveUp) return;
            if (r.status == OrderBelowResult::Status::None) result.lowerBound = bestPeakNow();
            else addStart("exact", r.order);
        }
    };

    int64_t left = options.maxMoves < 0 ? std::numeric_limits<int64_t>::max() : options.maxMoves;
    bool done = finished();
    for (int64_t slice = kFirstSlice; !done && left > 0 && !deadline.expired(); slice *= 2) {
        const int64_t peakBefore = bestPeakNow();
        for (size_t i = 0; i < starts.size(); ++i) {
            int64_t tried = starts[i].annealer->run(std::min(slice, left), deadline);
            left -= tried;
            result.moves += tried;
            done = finished();
            if (done || left <= 0 || deadline.expired()) break;
        }
        const bool stalled = bestPeakNow() == peakBefore;
        if (!done && !pressurePhase && stalled && !exactTried && !proven()) {
            tryExact();
            done = finished();
        }
        if (!done && !pressurePhase && withBudget && !fitsBudget() && (proven() || stalled)) {
            collect("");
            pressurePhase = true;
            for (Start& s : starts) s.annealer->targetPressure(options.budget);
        }
    }
    if (!pressurePhase) proven();
    collect(pressurePhase ? "/pressure" : "");
    result.bestPeak = referencePeakValue;
    for (const OrderCandidate& c : all) result.bestPeak = std::min(result.bestPeak, c.peak);
    result.provenOptimal = result.bestPeak <= result.lowerBound;

    // The reference order comes first unless something beats it.
    OrderCandidate reference = candidate(identity, referencePeakValue, "reference", 0);
    auto better = [&](const OrderCandidate& a, const OrderCandidate& b) {
        if (withBudget && a.pressure != b.pressure) return a.pressure < b.pressure;
        return a.peak < b.peak;
    };
    std::stable_sort(all.begin(), all.end(), better);
    if (all.empty() || !better(all.front(), reference)) all.insert(all.begin(), std::move(reference));
    // The lowest-peak order is kept even when the pressure ranks it below the cut.
    auto lowestPeak = std::min_element(all.begin(), all.end(), [](const OrderCandidate& a, const OrderCandidate& b) {
        return a.peak < b.peak;
    });
    if (lowestPeak != all.begin()) {
        OrderCandidate c = std::move(*lowestPeak);
        all.erase(lowestPeak);
        all.insert(all.begin() + 1, std::move(c));
    }
    const size_t keep = static_cast<size_t>(std::max(1, options.maxCandidates));
    for (OrderCandidate& c : all) {
        if (result.candidates.size() >= keep) break;
        bool duplicate = std::any_of(result.candidates.begin(), result.candidates.end(),
                                     [&](const OrderCandidate& o) { return o.order == c.order; });
        if (!duplicate) result.candidates.push_back(std::move(c));
    }
    std::stable_sort(result.candidates.begin(), result.candidates.end(), better);
    return result;
}

}  // namespace moccasin
