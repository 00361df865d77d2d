#include "model/LowerBound.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace moccasin {

StageCutBound::StageCutBound(const Graph& g, int64_t budget) : g_(g) {
    const int n = g.numNodes();
    // live[s] = sum of m_u over u < s whose last consumer is after s (in D_s or inputs of s).
    std::vector<int64_t> delta(n + 1, 0);
    for (int u = 0; u < n; ++u) {
        int last = g.lastConsumer(u);
        if (last > u + 1) {
            delta[u + 1] += g.size(u);
            delta[last] -= g.size(u);  // live at stages u+1 .. last-1 (strictly between)
        }
    }
    excess_.assign(n, 0);
    int64_t between = 0;
    for (int s = 0; s < n; ++s) {
        between += delta[s];
        // Inputs of s whose last consumer is after s are already in `between`; add the others.
        int64_t need = g.size(s) + between;
        for (int p : g.preds(s))
            if (g.lastConsumer(p) == s) need += g.size(p);
        excess_[s] = std::max<int64_t>(0, need - budget);
    }
    // Gaps: open stage ranges between consecutive consumers (u itself first).
    gapStart_.assign(n + 1, 0);
    for (int u = 0; u < n; ++u) {
        int prev = u;
        gapStart_[u] = static_cast<int>(gaps_.size());
        for (int c : g.succs(u)) {
            if (c > prev + 1) gaps_.emplace_back(prev + 1, c - 1);
            prev = c;
        }
    }
    gapStart_[n] = static_cast<int>(gaps_.size());
    for (int s = 0; s < n; ++s)
        if (excess_[s] > 0) positive_.push_back(s);
    for (const auto& [a, b] : gaps_) {
        gapFirstPositive_.push_back(static_cast<int>(std::lower_bound(positive_.begin(), positive_.end(), a) - positive_.begin()));
        gapEndPositive_.push_back(static_cast<int>(std::upper_bound(positive_.begin(), positive_.end(), b) - positive_.begin()));
    }
    lambda_.assign(n, 0.0L);
    for (size_t j = 0; j < positive_.size(); ++j) byExcess_.push_back(static_cast<int>(j));
    std::stable_sort(byExcess_.begin(), byExcess_.end(),
                     [&](int a, int b) { return excess_[positive_[a]] < excess_[positive_[b]]; });
    for (int u = 0; u < n; ++u)
        if (gapStart_[u] < gapStart_[u + 1]) bySize_.push_back(u);
    std::stable_sort(bySize_.begin(), bySize_.end(), [&](int a, int b) { return g.size(a) < g.size(b); });
    posLo_.assign(n, 0);
    posHi_.assign(n, static_cast<int>(positive_.size()));
}

std::optional<int64_t> StageCutBound::greedyCover(const std::vector<int>& maxDrops, uint64_t maxWork) const {
    const int n = g_.numNodes();
    uint64_t work = 0;
    std::vector<int64_t> left = excess_;
    std::vector<int> drops(n, 0);
    std::vector<char> taken(gaps_.size(), 0);
    int64_t cost = 0;
    for (;;) {
        if (std::none_of(left.begin(), left.end(), [](int64_t e) { return e > 0; })) return cost;
        long double best = -1;
        int pick = -1, pickOwner = -1;
        for (int u = 0; u < n; ++u) {
            if (drops[u] >= maxDrops[u]) continue;
            for (int i = gapStart_[u]; i < gapStart_[u + 1]; ++i) {
                if (taken[i]) continue;
                work += static_cast<uint64_t>(gaps_[i].second - gaps_[i].first + 1);
                if (work > maxWork) return std::nullopt;
                long double freed = 0;
                for (int s = gaps_[i].first; s <= gaps_[i].second; ++s)
                    freed += static_cast<long double>(std::min(g_.size(u), std::max<int64_t>(left[s], 0)));
                const long double ratio = freed / (static_cast<long double>(g_.cost(u)) + 1e-9L);
                if (freed > 0 && ratio > best) {
                    best = ratio;
                    pick = i;
                    pickOwner = u;
                }
            }
        }
        if (pick < 0) return std::nullopt;
        taken[pick] = 1;
        ++drops[pickOwner];
        if (__builtin_add_overflow(cost, g_.cost(pickOwner), &cost)) return std::nullopt;
        for (int s = gaps_[pick].first; s <= gaps_[pick].second; ++s) left[s] -= g_.size(pickOwner);
    }
}

void StageCutBound::setMultipliers(const std::vector<long double>& lambda) {
    if (lambda.size() != lambda_.size()) throw std::invalid_argument("StageCutBound: one multiplier per stage");
    for (long double l : lambda)
        if (!(l >= 0)) throw std::invalid_argument("StageCutBound: negative multiplier");
    lambda_ = lambda;
}

std::pair<int, int> StageCutBound::positiveRange(int lo, int hi) const {
    return {static_cast<int>(std::lower_bound(positive_.begin(), positive_.end(), lo) - positive_.begin()),
            static_cast<int>(std::upper_bound(positive_.begin(), positive_.end(), hi) - positive_.begin())};
}

void StageCutBound::setWindows(const DropWindows* windows) {
    const int n = g_.numNodes();
    if (!windows) {
        std::fill(posLo_.begin(), posLo_.end(), 0);
        std::fill(posHi_.begin(), posHi_.end(), static_cast<int>(positive_.size()));
        return;
    }
    for (int u = 0; u < n; ++u) std::tie(posLo_[u], posHi_[u]) = positiveRange(windows->lo[u], windows->hi[u]);
}

bool StageCutBound::provesInfeasible(const std::vector<int>& maxDrops, const DropWindows* windows) const {
    const int n = g_.numNodes();
    // droppable[s] = sum of m_u over nodes with a drop left and a gap containing s (inside the
    // node's window, when given).
    std::vector<int64_t> delta(n + 1, 0);
    for (int u = 0; u < n; ++u) {
        if (maxDrops[u] <= 0) continue;
        const int lo = windows ? windows->lo[u] : 0, hi = windows ? windows->hi[u] : n - 1;
        for (int i = gapStart_[u]; i < gapStart_[u + 1]; ++i) {
            const int a = std::max(gaps_[i].first, lo), b = std::min(gaps_[i].second, hi);
            if (a > b) continue;
            delta[a] += g_.size(u);
            delta[b + 1] -= g_.size(u);
        }
    }
    int64_t droppable = 0;
    for (int s = 0; s < n; ++s) {
        droppable += delta[s];
        if (excess_[s] > droppable) return true;
    }
    return false;
}

// A dropped output frees at most what the stage needs: coefficients min(m_u, excess_s) keep the
// cover rows valid for integer drops and make the relaxation much tighter (knapsack-cover
// strengthening). Only stages with a positive excess carry a multiplier.
// Fenwick tree over positive_ indices (prefix sums of long doubles).
void StageCutBound::Fenwick::reset(const std::vector<long double>& values) {
    tree.assign(values.size() + 1, 0.0L);
    for (size_t i = 1; i <= values.size(); ++i) {
        tree[i] += values[i - 1];
        const size_t parent = i + (i & (~i + 1));
        if (parent < tree.size()) tree[parent] += tree[i];
    }
}
void StageCutBound::Fenwick::add(int j, long double v) {
    for (size_t i = static_cast<size_t>(j) + 1; i < tree.size(); i += i & (~i + 1)) tree[i] += v;
}
long double StageCutBound::Fenwick::prefix(int j) const {  // sum over [0, j)
    long double sum = 0;
    for (size_t i = static_cast<size_t>(j); i > 0; i -= i & (~i + 1)) sum += tree[i];
    return sum;
}

// The reference: every positive stage of every gap, O(sum over gaps of their positive stages).
void StageCutBound::gainsReference(int u) {
    const int64_t m = g_.size(u);
    for (int i = gapStart_[u]; i < gapStart_[u + 1]; ++i) {
        long double gain = 0;
        const int jEnd = std::min(gapEndPositive_[i], posHi_[u]);
        for (int j = std::max(gapFirstPositive_[i], posLo_[u]); j < jEnd; ++j) {
            int st = positive_[j];
            gain += lambda_[st] * static_cast<long double>(std::min(m, excess_[st]));
        }
        if (gain > 0) gains_.emplace_back(gain, i);
    }
}

// The same sums from prefix sums: with nodes taken by increasing size m, stages whose excess is
// below m have left `full_` (sum of lambda, to be scaled by m) for `capped_` (sum of lambda *
// excess), so a gap's gain is m * full(range) + capped(range): O(log P) per gap, O(P log P) per
// evaluation for the moves.
void StageCutBound::gainsFast(int u) {
    const int64_t m = g_.size(u);
    const auto mm = static_cast<long double>(m);
    for (; moved_ < static_cast<int>(byExcess_.size()) && excess_[positive_[byExcess_[moved_]]] < m; ++moved_) {
        const int j = byExcess_[moved_];
        const long double l = lambda_[positive_[j]];
        full_.add(j, -l);
        capped_.add(j, l * static_cast<long double>(excess_[positive_[j]]));
    }
    for (int i = gapStart_[u]; i < gapStart_[u + 1]; ++i) {
        const int lo = std::max(gapFirstPositive_[i], posLo_[u]), hi = std::min(gapEndPositive_[i], posHi_[u]);
        if (lo >= hi) continue;
        const long double gain = mm * (full_.prefix(hi) - full_.prefix(lo)) + (capped_.prefix(hi) - capped_.prefix(lo));
        if (gain > 0) gains_.emplace_back(gain, i);
    }
}

long double StageCutBound::evaluate(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops,
                                    std::vector<long double>* subgradient) {
    const int n = g_.numNodes();
    long double value = 0;
    for (int s : positive_) value += lambda_[s] * static_cast<long double>(excess_[s]);
    if (subgradient) subgradient->assign(n, 0.0L);
    if (!reference_) {
        scratch_.resize(positive_.size());
        for (size_t j = 0; j < positive_.size(); ++j) scratch_[j] = lambda_[positive_[j]];
        full_.reset(scratch_);
        std::fill(scratch_.begin(), scratch_.end(), 0.0L);
        capped_.reset(scratch_);
        moved_ = 0;
    }
    auto& gains = gains_;  // (sum over the gap of lambda_s * a_us, gap index)
    for (int u : bySize_) {
        int k0 = paidDrops[u], k1 = freeDrops[u];
        if (k0 + k1 <= 0) continue;
        gains.clear();
        if (reference_) gainsReference(u);
        else gainsFast(u);
        std::sort(gains.begin(), gains.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        const int64_t m = g_.size(u);
        int taken = 0;
        const long double d = static_cast<long double>(g_.cost(u));
        for (const auto& [gain, gi] : gains) {
            bool paid = taken < k0;
            if (!paid && (taken >= k0 + k1 || gain <= d)) break;
            value -= paid ? gain : gain - d;
            ++taken;
            if (subgradient)
                for (int j = std::max(gapFirstPositive_[gi], posLo_[u]), jEnd = std::min(gapEndPositive_[gi], posHi_[u]);
                     j < jEnd; ++j) {
                    int st = positive_[j];
                    (*subgradient)[st] += static_cast<long double>(std::min(m, excess_[st]));
                }
        }
    }
    if (subgradient)  // g_s = excess_s - covered_s
        for (int s = 0; s < n; ++s) (*subgradient)[s] = static_cast<long double>(excess_[s]) - (*subgradient)[s];
    return value;
}

int64_t safeCeil(long double v) {
    if (v <= 0) return 0;
    long double margin = std::max<long double>(1e-6L, std::fabs(v) * 1e-12L);
    long double f = std::ceil(v - margin);
    if (f >= static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::numeric_limits<int64_t>::max();
    return f < 0 ? 0 : static_cast<int64_t>(f);
}

int64_t StageCutBound::value(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops,
                             const DropWindows* windows) {
    setWindows(windows);
    return safeCeil(evaluate(paidDrops, freeDrops, nullptr));
}

int64_t StageCutBound::improve(const std::vector<int>& paidDrops, const std::vector<int>& freeDrops, int iterations,
                               int64_t target, const DropWindows* windows) {
    setWindows(windows);
    if (iterations <= 0) return safeCeil(evaluate(paidDrops, freeDrops, nullptr));
    auto& sub = sub_;
    auto& bestLambda = bestLambda_;
    bestLambda = lambda_;
    PolyakSchedule steps(iterations / 20);  // steps towards `target`
    for (int it = 0; it < iterations; ++it) {
        long double v = evaluate(paidDrops, freeDrops, &sub);
        if (steps.record(v)) bestLambda = lambda_;
        long double norm = 0;
        for (int s : positive_)
            if (lambda_[s] > 0 || sub[s] > 0) norm += sub[s] * sub[s];
        if (norm <= 0) break;  // the relaxation's solution covers everything: the bound is tight
        long double gap = std::max<long double>(static_cast<long double>(target) - v, 1.0L);
        long double step = steps.theta() * gap / norm;
        for (int s : positive_) lambda_[s] = std::max<long double>(0, lambda_[s] + step * sub[s]);
    }
    lambda_ = bestLambda;
    return safeCeil(steps.best());
}

int64_t stepTarget(const StageCutBound& bound, const std::vector<int>& maxDrops, int64_t target) {
    if (auto cover = bound.greedyCover(maxDrops); cover && *cover < target) return *cover + 1;
    return target;
}

int64_t rootLowerBound(const Instance& inst, int iterations, int64_t target) {
    const auto& [g, budget, copies] = inst;
    StageCutBound bound(g, budget);
    std::vector<int> paid(g.numNodes(), 0), free(g.numNodes(), copies - 1);
    int64_t extra = bound.improve(paid, free, iterations, stepTarget(bound, free, target - g.baselineCost()));
    return g.baselineCost() + extra;
}

}  // namespace moccasin
