#include "search/OrderAnnealer.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace moccasin {

namespace {
// Energies are sums of integers kept in a double; changes below this are rounding, not progress.
constexpr double kEnergySlack = 0.5;
}  // namespace

OrderAnnealer::OrderAnnealer(const Graph& g, std::span<const int> start, uint64_t seed, const AnnealTuning& tuning,
                             double now)
    : g_(g), profile_(g, start), rng_(seed), tuning_(tuning), bestOrder_(start.begin(), start.end()),
      bestPeak_(profile_.peak()), bestSeconds_(now), mark_(g.numNodes(), 0) {
    rethreshold();
}

const std::vector<int>& OrderAnnealer::bestOrder() {
    saveBest();
    return bestOrder_;
}

void OrderAnnealer::saveBest() {
    if (!bestIsCurrent_) return;
    bestOrder_ = profile_.order();
    bestIsCurrent_ = false;
}

void OrderAnnealer::rethreshold() {
    if (pressureBudget_ > 0) {
        threshold_ = pressureBudget_;
    } else {
        int64_t gap = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(bestPeak_) * tuning_.margin));
        threshold_ = bestPeak_ - gap;
    }
    energy_ = profile_.excessAbove(threshold_);
}

void OrderAnnealer::targetPressure(int64_t budget) {
    if (budget <= 0 || pressureBudget_ == budget) return;
    saveBest();
    if (profile_.order() != bestOrder_) profile_.reset(bestOrder_);
    pressureBudget_ = budget;
    rethreshold();
    bestPressure_ = energy_;
    runLength_ = 0;  // anneal afresh: the energy's scale has changed
    runDone_ = 0;
}

// Whether the state after a move, (peak, energy), is worse than the best one.
bool OrderAnnealer::worseThanBest(int64_t peak, double energy) const {
    if (pressureBudget_ == 0) return peak > bestPeak_;
    return energy > bestPressure_ + kEnergySlack || (energy >= bestPressure_ - kEnergySlack && peak > bestPeak_);
}

int64_t OrderAnnealer::run(int64_t moves, const Deadline& deadline) {
    if (profile_.numNodes() < 2) return 0;
    int64_t tried = 0;
    for (; tried < moves; ++tried) {
        if ((tried & 255) == 0 && deadline.expired()) break;
        if (runDone_ >= runLength_) startRun();
        step(deadline);
        ++runDone_;
    }
    moves_ += tried;
    return tried;
}

// Each run starts from the best order at a temperature at which a typical uphill move is taken
// with probability startAcceptance, and cools geometrically to coolTo of that.
void OrderAnnealer::startRun() {
    runLength_ = runLength_ == 0 ? tuning_.firstRun : 2 * runLength_;
    runDone_ = 0;
    saveBest();
    if (profile_.order() != bestOrder_) profile_.reset(bestOrder_);
    rethreshold();
    double uphill = 0;
    int samples = 0;
    for (int i = 0; i < 200; ++i) {
        OrderProfile::Preview p;
        if (!proposeAndPreview(p)) continue;
        double change = p.excessChange;
        if (change > 0) {
            uphill += change;
            ++samples;
        }
    }
    double typical = samples > 0 ? uphill / samples : 1.0;
    temperature_ = typical / -std::log(tuning_.startAcceptance);
    cooling_ = std::pow(tuning_.coolTo, 1.0 / static_cast<double>(runLength_));
}

// Picks a move and previews it; false when the chosen node cannot move. A hotShare of the moves
// take a node near a high position and move it across that position. A pushShare of the moves
// drag along what stands in the way instead of stopping at the node's window: moved later, the
// node takes its descendants in the stretch behind it; moved earlier, its ancestors before it.
bool OrderAnnealer::proposeAndPreview(OrderProfile::Preview& preview) {
    const int n = profile_.numNodes();
    const bool push = static_cast<double>(below(1 << 20)) < tuning_.pushShare * (1 << 20);
    int from, wlo = 0, whi = n - 1;
    if (static_cast<double>(below(1 << 20)) < tuning_.hotShare * (1 << 20)) {
        int hot = static_cast<int>(below(n));
        for (int i = 1; i < tuning_.hotTournament; ++i) {
            int p = static_cast<int>(below(n));
            if (profile_.memoryAt(p) > profile_.memoryAt(hot)) hot = p;
        }
        int reach = std::min(push ? tuning_.maxDrag : tuning_.maxShift, n - 1);
        from = std::clamp(hot - reach + static_cast<int>(below(2 * reach + 1)), 0, n - 1);
        if (!push) std::tie(wlo, whi) = profile_.window(profile_.order()[from]);
        // Across the high position: from before it to at or after it, or the other way.
        if (from < hot) wlo = std::max(wlo, hot);
        else whi = std::min(whi, hot);
    } else {
        from = static_cast<int>(below(n));
        if (!push) std::tie(wlo, whi) = profile_.window(profile_.order()[from]);
    }
    const int shift = push ? tuning_.maxDrag : tuning_.maxShift;
    wlo = std::max(wlo, from - shift);
    whi = std::min(whi, from + shift);
    if (wlo > whi || (wlo == whi && wlo == from)) return false;
    int to;
    if (wlo <= from && from <= whi) {
        to = wlo + static_cast<int>(below(whi - wlo));
        if (to >= from) ++to;
    } else {
        to = wlo + static_cast<int>(below(whi - wlo + 1));
    }
    if (push) {
        buildDrag(from, to);
        preview = profile_.previewStretch(std::min(from, to), stretch_, threshold_);
    } else {
        int lo, mid, hi;
        OrderProfile::shiftAsSwap(from, from, to, lo, mid, hi);
        preview = profile_.preview(lo, mid, hi, threshold_);
    }
    return true;
}

// The stretch between `from` and `to` rearranged so that the node at `from` ends up as far toward
// `to` as precedence allows when it drags along its descendants (moving later) or its ancestors
// (moving earlier) from the stretch; everything else keeps its relative order.
void OrderAnnealer::buildDrag(int from, int to) {
    const std::vector<int>& order = profile_.order();
    if (++stamp_ == 0) {
        std::fill(mark_.begin(), mark_.end(), 0);
        stamp_ = 1;
    }
    const int x = order[from];
    mark_[x] = stamp_;
    stretch_.clear();
    dragged_.clear();
    if (to > from) {
        for (int p = from + 1; p <= to; ++p) {
            int w = order[p];
            bool descendant = false;
            for (int u : g_.preds(w)) descendant = descendant || mark_[u] == stamp_;
            if (descendant) {
                mark_[w] = stamp_;
                dragged_.push_back(w);
            } else {
                stretch_.push_back(w);
            }
        }
        stretch_.push_back(x);
        stretch_.insert(stretch_.end(), dragged_.begin(), dragged_.end());
    } else {
        for (int p = from - 1; p >= to; --p) {
            int w = order[p];
            bool ancestor = false;
            for (int c : g_.succs(w)) ancestor = ancestor || mark_[c] == stamp_;
            if (ancestor) {
                mark_[w] = stamp_;
                dragged_.push_back(w);
            } else {
                stretch_.push_back(w);
            }
        }
        // Both lists were built backwards.
        std::reverse(stretch_.begin(), stretch_.end());
        std::reverse(dragged_.begin(), dragged_.end());
        dragged_.push_back(x);
        stretch_.insert(stretch_.begin(), dragged_.begin(), dragged_.end());
    }
}

void OrderAnnealer::step(const Deadline& deadline) {
    temperature_ *= cooling_;
    OrderProfile::Preview p;
    if (!proposeAndPreview(p)) return;
    if (p.excessChange > 0) {
        double u = static_cast<double>(below(1 << 30) + 1) / static_cast<double>(1 << 30);
        if (u >= std::exp(-p.excessChange / temperature_)) return;
    }
    const double energy = energy_ + p.excessChange;
    if (worseThanBest(p.peak, energy)) saveBest();
    profile_.commit();
    energy_ = energy;
    if (pressureBudget_ > 0) {
        if (energy < bestPressure_ - kEnergySlack || (energy <= bestPressure_ + kEnergySlack && p.peak < bestPeak_)) {
            bestPressure_ = std::min(bestPressure_, energy);
            bestPeak_ = p.peak;
            bestIsCurrent_ = true;
            bestSeconds_ = deadline.elapsed();
        }
        return;
    }
    if (p.peak < bestPeak_) {
        bestPeak_ = p.peak;
        bestIsCurrent_ = true;
        bestSeconds_ = deadline.elapsed();
        // Keep the threshold below the best peak by at least half the margin, so the energy
        // still has something to push down.
        if (bestPeak_ - threshold_ < static_cast<int64_t>(static_cast<double>(bestPeak_) * tuning_.margin / 2) + 1)
            rethreshold();
    }
}

}  // namespace moccasin
