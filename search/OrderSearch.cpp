#include "search/OrderSearch.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>

#include "model/Peak.h"
#include "search/ListSchedule.h"
#include "search/OrderAnnealer.h"
#include "search/OrderProfile.h"
#include "search/OrderProof.h"
#include "search/OrderSlices.h"
#include "search/Workers.h"

namespace moccasin {

namespace {

// Moves per start in the first round; each round doubles it.
constexpr int64_t kFirstSlice = 20000;

// One line of annealing and where it started.
struct Start {
    std::string origin;
    std::unique_ptr<OrderAnnealer> annealer;
};

// Phase 1 lowers the peak. With a budget it hands over, once the peak is proven optimal or a
// round brings no progress, to phase 2, which lowers the pressure at the budget: measured on the
// random layered graphs, the given-order engine recomputes less on an order with less pressure
// than on one with a lower peak. With a budget, an order within it ends the search (it needs no
// recomputation at all); without, a proven optimum does.
class OrderSearchRun {
public:
    OrderSearchRun(const Graph& g, const OrderSearchOptions& options, const Deadline& deadline)
        : g_(g), options_(options), deadline_(deadline), withBudget_(options.budget > 0),
          referencePeak_(referencePeak(g)), identity_(g.numNodes()), proof_(g, options.maxMoves >= 0) {
        for (int v = 0; v < g.numNodes(); ++v) identity_[v] = v;
    }

    OrderSearchResult run() {
        if (proof_.lowerBound() < referencePeak_) {
            addStart("reference", identity_);
            addStart("net-growth", listSchedule(g_, ListRule::NetGrowth));
            addStart("smallest-output", listSchedule(g_, ListRule::SmallestOutput));
            addStart("depth-first", listSchedule(g_, ListRule::DepthFirst));
            anneal();
            if (!pressurePhase_) proven();
            collect(pressurePhase_ ? "/pressure" : "");
        } else if (withBudget_ && options_.budget < proof_.lowerBound()) {
            // The reference order has the lowest peak, but no order fits the budget: orders with
            // the same peak and less memory above the budget may need less recomputation.
            addStart("reference", identity_);
            pressurePhase_ = true;
            starts_.back().annealer->targetPressure(options_.budget);
            anneal();
            collect("/pressure");
        }
        return result();
    }

private:
    void addStart(std::string origin, const std::vector<int>& order) {
        uint64_t seed = options_.seed * 0x9E3779B97F4A7C15ULL + starts_.size() + 1;
        starts_.push_back({std::move(origin), std::make_unique<OrderAnnealer>(g_, order, seed, AnnealTuning{}, deadline_.elapsed())});
    }

    // Rounds of doubling slices over all starts, until done, out of moves or out of time.
    void anneal() {
        int64_t left = options_.maxMoves < 0 ? std::numeric_limits<int64_t>::max() : options_.maxMoves;
        bool done = finished();
        for (int64_t slice = kFirstSlice; !done && left > 0 && !deadline_.expired(); slice *= 2) {
            const int64_t peakBefore = bestPeak(), movesBefore = moves_;
            if (parallel()) {
                const int64_t tried = runSlicesInParallel(slice);
                moves_ += tried;
                done = finished();
            } else {
                for (size_t i = 0; i < starts_.size() && !done && left > 0 && !deadline_.expired(); ++i) {
                    int64_t tried = starts_[i].annealer->run(std::min(slice, left), deadline_);
                    left -= tried;
                    moves_ += tried;
                    done = finished();
                }
            }
            if (moves_ == movesBefore) break;  // nothing can move (fewer than two nodes)
            const bool stalled = bestPeak() == peakBefore;
            if (!done && !pressurePhase_ && stalled && !exactTried_ && !proven()) {
                tryExact();
                done = finished();
            }
            if (!done && !pressurePhase_ && withBudget_ && (proven() || stalled)) {
                collect("");
                pressurePhase_ = true;
                for (Start& s : starts_) s.annealer->targetPressure(options_.budget);
            }
        }
    }

    // Only without a move limit: with one, the orders must not depend on the number of threads
    // (--deterministic), and the sequential rounds stop between starts as soon as one is done.
    bool parallel() const { return options_.threads > 1 && options_.maxMoves < 0 && starts_.size() > 1; }

    // One round: every start runs `slice` moves, the starts spread over the threads. A start that
    // reaches what ends the search stops the starts not yet begun. Returns the moves made.
    int64_t runSlicesInParallel(int64_t slice) {
        const int threads = std::min<int>(options_.threads, static_cast<int>(starts_.size()));
        std::atomic<bool> targetReached{false};
        std::vector<SliceWorker> workers;
        workers.reserve(static_cast<size_t>(threads));
        for (int t = 0; t < threads; ++t) {
            std::vector<OrderAnnealer*> mine;
            for (size_t i = static_cast<size_t>(t); i < starts_.size(); i += static_cast<size_t>(threads))
                mine.push_back(starts_[i].annealer.get());
            workers.emplace_back(std::move(mine), slice, stopsSearch(), deadline_, targetReached);
        }
        runWorkers(workers);
        int64_t tried = 0;
        for (const SliceWorker& w : workers) tried += w.tried();
        return tried;
    }

    // What, reached by one start alone, ends the search: a peak within the budget, or in the
    // pressure phase no memory above it.
    SliceTarget stopsSearch() const {
        if (!withBudget_) return {};
        return {true, options_.budget, pressurePhase_};
    }

    // One start reaching the target ends the search (with a budget); without one, a proof does.
    bool finished() {
        const SliceTarget target = stopsSearch();
        if (std::any_of(starts_.begin(), starts_.end(), [&](const Start& s) { return target.reachedBy(*s.annealer); }))
            return true;
        return !withBudget_ && proven();
    }

    int64_t bestPeak() const {
        int64_t best = std::numeric_limits<int64_t>::max();
        for (const Start& s : starts_) best = std::min(best, s.annealer->bestPeak());
        return best;
    }

    Start& bestStart() {
        return *std::min_element(starts_.begin(), starts_.end(), [](const Start& a, const Start& b) {
            return a.annealer->bestPeak() < b.annealer->bestPeak();
        });
    }

    bool proven() {
        Start& best = bestStart();
        return proof_.proves(best.annealer->bestOrder(), best.annealer->bestPeak(), deadline_);
    }

    // The exact walk, once: every order it finds below the best becomes a new line of annealing.
    void tryExact() {
        exactTried_ = true;
        while (auto order = proof_.exactBelow(bestPeak(), deadline_)) addStart("exact", *order);
    }

    void collect(const char* phase) {
        for (Start& s : starts_)
            if (s.annealer->bestPeak() < referencePeak_ ||
                (pressurePhase_ && s.annealer->bestPeak() == referencePeak_ && s.annealer->bestPressure() < referencePressure()))
                found_.push_back(candidate(s.annealer->bestOrder(), s.annealer->bestPeak(), s.origin + phase, s.annealer->bestSeconds()));
    }

    double referencePressure() const { return OrderProfile(g_, identity_).excessAbove(options_.budget); }

    OrderCandidate candidate(std::vector<int> order, int64_t peak, std::string origin, double seconds) const {
        OrderCandidate c{std::move(order), peak, 0, std::move(origin), seconds};
        if (withBudget_) c.pressure = OrderProfile(g_, c.order).excessAbove(options_.budget);
        return c;
    }

    bool better(const OrderCandidate& a, const OrderCandidate& b) const {
        if (withBudget_ && a.pressure != b.pressure) return a.pressure < b.pressure;
        return a.peak < b.peak;
    }

    // The best few distinct orders: the reference order first unless something beats it, the
    // lowest-peak order always among them.
    OrderSearchResult result() {
        OrderSearchResult r;
        r.moves = moves_;
        r.lowerBound = proof_.lowerBound();
        r.bestPeak = referencePeak_;
        for (const OrderCandidate& c : found_) r.bestPeak = std::min(r.bestPeak, c.peak);
        r.provenOptimal = r.bestPeak <= r.lowerBound;

        auto by = [this](const OrderCandidate& a, const OrderCandidate& b) { return better(a, b); };
        std::stable_sort(found_.begin(), found_.end(), by);
        OrderCandidate reference = candidate(identity_, referencePeak_, "reference", 0);
        if (found_.empty() || !better(found_.front(), reference)) found_.insert(found_.begin(), std::move(reference));
        auto lowestPeak = std::min_element(found_.begin(), found_.end(), [](const OrderCandidate& a, const OrderCandidate& b) {
            return a.peak < b.peak;
        });
        if (lowestPeak != found_.begin()) {
            OrderCandidate c = std::move(*lowestPeak);
            found_.erase(lowestPeak);
            found_.insert(found_.begin() + 1, std::move(c));
        }
        const size_t keep = static_cast<size_t>(std::max(1, options_.maxCandidates));
        for (OrderCandidate& c : found_) {
            if (r.candidates.size() >= keep) break;
            bool duplicate = std::any_of(r.candidates.begin(), r.candidates.end(), [&](const OrderCandidate& o) { return o.order == c.order; });
            if (!duplicate) r.candidates.push_back(std::move(c));
        }
        std::stable_sort(r.candidates.begin(), r.candidates.end(), by);
        return r;
    }

    const Graph& g_;
    const OrderSearchOptions& options_;
    const Deadline& deadline_;
    const bool withBudget_;
    const int64_t referencePeak_;
    std::vector<int> identity_;
    OrderProof proof_;
    std::vector<Start> starts_;
    std::vector<OrderCandidate> found_;
    bool pressurePhase_ = false, exactTried_ = false;
    int64_t moves_ = 0;
};

}  // namespace

OrderSearchResult searchOrders(const Graph& g, const OrderSearchOptions& options, const Deadline& deadline) {
    return OrderSearchRun(g, options, deadline).run();
}

}  // namespace moccasin
