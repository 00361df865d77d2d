#include "search/OrderSearch.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

#include "model/Peak.h"
#include "search/ListSchedule.h"
#include "search/OrderProfile.h"

namespace moccasin {

namespace {

// Tunables (see the measurements in the report).
struct Tuning {
    int history = 1000;          // late-acceptance history length
    double margin = 0.02;        // the energy counts memory above (1 - margin) * best peak
    int maxShift = 256;          // farthest a node moves in one step
    int64_t firstSlice = 20000;  // moves per start in the first round; doubles each round
};

// Late-acceptance hill climbing on one order. The energy is the memory above a threshold just
// below the best peak found, summed over positions: it sees not only the peak but the positions
// close to it, which a move must lower too before the peak can drop.
class OrderClimber {
public:
    OrderClimber(const Graph& g, std::span<const int> start, uint64_t seed, const Tuning& tuning, double now)
        : profile_(g, start), rng_(seed), tuning_(tuning), bestOrder_(start.begin(), start.end()),
          bestPeak_(profile_.peak()), bestSeconds_(now) {
        rethreshold();
    }

    int64_t bestPeak() const { return bestPeak_; }
    const std::vector<int>& bestOrder() {
        saveBest();
        return bestOrder_;
    }
    int64_t movesTried() const { return moves_; }
    double bestSeconds() const { return bestSeconds_; }

    // Tries `moves` moves or fewer when the deadline expires; returns the number tried.
    int64_t run(int64_t moves, const Deadline& deadline) {
        const int n = profile_.numNodes();
        int64_t tried = 0;
        if (n < 2) return 0;
        for (; tried < moves; ++tried) {
            if ((tried & 255) == 0 && deadline.expired()) break;
            step(n, deadline);
        }
        moves_ += tried;
        return tried;
    }

private:
    void step(int n, const Deadline& deadline) {
        int from = static_cast<int>(rng_() % static_cast<uint64_t>(n));
        auto [wlo, whi] = profile_.window(profile_.order()[from]);
        wlo = std::max(wlo, from - tuning_.maxShift);
        whi = std::min(whi, from + tuning_.maxShift);
        if (wlo == whi) return;
        int to = wlo + static_cast<int>(rng_() % static_cast<uint64_t>(whi - wlo));
        if (to >= from) ++to;  // any position of the window but `from`
        int lo, mid, hi;
        OrderProfile::shiftAsSwap(from, from, to, lo, mid, hi);
        OrderProfile::Preview p = profile_.preview(lo, mid, hi, threshold_);
        double next = energy_ + p.excessChange;
        double& slot = history_[static_cast<size_t>(moves_ + stepCount_++) % history_.size()];
        if (next <= energy_ || next <= slot) {
            if (p.peak > bestPeak_) saveBest();
            profile_.commit();
            energy_ = next;
            if (p.peak < bestPeak_) {
                bestPeak_ = p.peak;
                bestSeconds_ = deadline.elapsed();
                bestIsCurrent_ = true;
                rethreshold();
                return;
            }
        }
        slot = energy_;
    }

    void saveBest() {
        if (!bestIsCurrent_) return;
        bestOrder_ = profile_.order();
        bestIsCurrent_ = false;
    }

    void rethreshold() {
        threshold_ = bestPeak_ - std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(bestPeak_) * tuning_.margin));
        energy_ = profile_.excessAbove(threshold_);
        history_.assign(static_cast<size_t>(tuning_.history), energy_);
    }

    OrderProfile profile_;
    std::mt19937_64 rng_;
    Tuning tuning_;
    std::vector<int> bestOrder_;
    int64_t bestPeak_;
    double bestSeconds_;
    bool bestIsCurrent_ = false;
    int64_t threshold_ = 0;
    double energy_ = 0;
    std::vector<double> history_;
    int64_t moves_ = 0, stepCount_ = 0;
};

struct Start {
    std::string origin;
    std::unique_ptr<OrderClimber> climber;
};

}  // namespace

std::vector<OrderCandidate> searchOrders(const Graph& g, const OrderSearchOptions& options, const Deadline& deadline) {
    const int n = g.numNodes();
    Tuning tuning;
    std::vector<int> identity(n);
    for (int v = 0; v < n; ++v) identity[v] = v;

    std::vector<Start> starts;
    auto addStart = [&](std::string origin, const std::vector<int>& order) {
        uint64_t seed = options.seed * 0x9E3779B97F4A7C15ULL + starts.size() + 1;
        starts.push_back({std::move(origin), std::make_unique<OrderClimber>(g, order, seed, tuning, deadline.elapsed())});
    };
    addStart("reference", identity);
    addStart("net-growth", listSchedule(g, ListRule::NetGrowth));
    addStart("smallest-output", listSchedule(g, ListRule::SmallestOutput));
    addStart("depth-first", listSchedule(g, ListRule::DepthFirst));

    auto fitsBudget = [&] {
        if (!options.stopAtBudget || options.budget <= 0) return false;
        for (const Start& s : starts)
            if (s.climber->bestPeak() <= options.budget) return true;
        return false;
    };
    int64_t left = options.maxMoves < 0 ? std::numeric_limits<int64_t>::max() : options.maxMoves;
    for (int64_t slice = tuning.firstSlice; left > 0 && !deadline.expired() && !fitsBudget(); slice *= 2)
        for (Start& s : starts) {
            int64_t want = std::min(slice, left);
            left -= s.climber->run(want, deadline);
            if (left <= 0 || deadline.expired() || fitsBudget()) break;
        }

    std::vector<OrderCandidate> all;
    for (Start& s : starts) {
        OrderCandidate c;
        c.order = s.climber->bestOrder();
        c.peak = s.climber->bestPeak();
        c.origin = s.origin;
        c.seconds = s.climber->bestSeconds();
        if (options.budget > 0) {
            OrderProfile p(g, c.order);
            c.pressure = p.excessAbove(options.budget);
        }
        all.push_back(std::move(c));
    }
    std::stable_sort(all.begin(), all.end(), [](const OrderCandidate& a, const OrderCandidate& b) {
        return a.peak != b.peak ? a.peak < b.peak : a.pressure < b.pressure;
    });
    std::vector<OrderCandidate> out;
    // When nothing beats the reference order, it goes first: the caller then loses nothing.
    if (all.front().peak >= referencePeak(g)) {
        OrderCandidate ref;
        ref.order = identity;
        ref.peak = referencePeak(g);
        ref.origin = "reference";
        if (options.budget > 0) ref.pressure = OrderProfile(g, identity).excessAbove(options.budget);
        out.push_back(std::move(ref));
    }
    for (OrderCandidate& c : all) {
        if (static_cast<int>(out.size()) >= options.maxCandidates) break;
        bool duplicate = std::any_of(out.begin(), out.end(), [&](const OrderCandidate& o) { return o.order == c.order; });
        if (!duplicate) out.push_back(std::move(c));
    }
    return out;
}

}  // namespace moccasin
