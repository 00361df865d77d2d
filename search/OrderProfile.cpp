#include "search/OrderProfile.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "model/Reorder.h"

namespace moccasin {

namespace {
constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
}

void PositionMaxTree::reset(std::span<const int64_t> values) {
    leaves_ = 1;
    while (leaves_ < static_cast<int>(values.size())) leaves_ *= 2;
    tree_.assign(2 * static_cast<size_t>(leaves_), kNone);
    std::copy(values.begin(), values.end(), tree_.begin() + leaves_);
    for (int i = leaves_ - 1; i >= 1; --i) tree_[i] = std::max(tree_[2 * i], tree_[2 * i + 1]);
}

void PositionMaxTree::write(int first, std::span<const int64_t> values) {
    if (values.empty()) return;
    std::copy(values.begin(), values.end(), tree_.begin() + leaves_ + first);
    // Repair the ancestors level by level: each level's dirty stretch halves, so the total is
    // O(length + log n).
    int lo = (leaves_ + first) / 2, hi = (leaves_ + first + static_cast<int>(values.size()) - 1) / 2;
    while (lo >= 1) {
        for (int i = lo; i <= hi; ++i) tree_[i] = std::max(tree_[2 * i], tree_[2 * i + 1]);
        lo /= 2;
        hi /= 2;
    }
}

int64_t PositionMaxTree::max(int lo, int hi) const {
    int64_t best = kNone;
    if (lo > hi) return best;
    for (int l = lo + leaves_, r = hi + leaves_ + 1; l < r; l /= 2, r /= 2) {
        if (l & 1) best = std::max(best, tree_[l++]);
        if (r & 1) best = std::max(best, tree_[--r]);
    }
    return best;
}

OrderProfile::OrderProfile(const Graph& g, std::span<const int> order)
    : g_(g), n_(g.numNodes()), pos_(n_), last_(n_), changeIndex_(n_, 0), changeStamp_(n_, 0) {
    reset(order);
}

void OrderProfile::reset(std::span<const int> order) {
    if (!isTopologicalOrder(g_, order)) throw std::invalid_argument("the order is not a topological order");
    order_.assign(order.begin(), order.end());
    changes_.clear();
    newOrder_.clear();
    freed_.assign(n_, 0);
    mem_.assign(n_, 0);
    for (int p = 0; p < n_; ++p) pos_[order_[p]] = p;
    for (int v = 0; v < n_; ++v) {
        last_[v] = v;
        for (int w : g_.succs(v))
            if (pos_[w] > pos_[last_[v]]) last_[v] = w;
        freed_[last_[v]] += g_.size(v);
    }
    int64_t carried = 0;  // outputs made before p that are still needed at p
    for (int p = 0; p < n_; ++p) {
        mem_[p] = carried + g_.size(order_[p]);
        carried = mem_[p] - freed_[order_[p]];
    }
    tree_.reset(mem_);
}

double OrderProfile::excessAbove(int64_t threshold) const {
    double sum = 0;
    for (int64_t m : mem_)
        if (m > threshold) sum += static_cast<double>(m - threshold);
    return sum;
}

std::pair<int, int> OrderProfile::window(int v) const { return blockWindow(pos_[v], pos_[v]); }

std::pair<int, int> OrderProfile::blockWindow(int first, int last) const {
    int lo = 0, hi = n_ - 1;
    for (int p = first; p <= last; ++p) {
        int v = order_[p];
        for (int u : g_.preds(v))
            if (pos_[u] < first) lo = std::max(lo, pos_[u] + 1);
        for (int w : g_.succs(v))
            if (pos_[w] > last) hi = std::min(hi, pos_[w] - 1);
    }
    return {lo, hi};
}

void OrderProfile::shiftAsSwap(int first, int last, int to, int& lo, int& mid, int& hi) {
    if (to > first) {  // the stretch jumps the to - first nodes after it
        lo = first;
        mid = last + 1;
        hi = last + (to - first);
    } else {  // the first - to nodes before it jump over the stretch
        lo = to;
        mid = first;
        hi = last;
    }
}

void OrderProfile::applyFreed(bool forward) {
    for (const LastChange& c : changes_) {
        int64_t s = g_.size(c.node);
        freed_[c.oldLast] += forward ? -s : s;
        freed_[c.newLast] += forward ? s : -s;
    }
}

OrderProfile::Preview OrderProfile::preview(int lo, int mid, int hi, int64_t threshold) {
    newOrder_.assign(order_.begin() + mid, order_.begin() + hi + 1);
    newOrder_.insert(newOrder_.end(), order_.begin() + lo, order_.begin() + mid);

    // Only an output consumed in both X and Y changes its last consumer: it was in Y and becomes
    // its last consumer in X (X now runs later). Found from the smaller side.
    changes_.clear();
    if (mid - lo <= hi + 1 - mid) {
        // X in its order, so the latest consumer in X wins.
        noteLastConsumers(mid, hi, order_.begin() + lo, order_.begin() + mid);
    } else {
        // Each output whose last consumer y is in Y: its latest consumer in X, if any.
        for (int p = mid; p <= hi; ++p) {
            int y = order_[p];
            for (int u : g_.preds(y)) {
                if (last_[u] != y) continue;
                int best = -1;
                for (int c : g_.succs(u))
                    if (pos_[c] >= lo && pos_[c] < mid && pos_[c] > best) best = pos_[c];
                if (best >= 0) changes_.push_back({u, y, order_[best]});
            }
        }
    }
    return score(lo, threshold);
}

OrderProfile::Preview OrderProfile::previewStretch(int lo, std::span<const int> stretch, int64_t threshold) {
    newOrder_.assign(stretch.begin(), stretch.end());
    changes_.clear();
    // An output whose last consumer is in the stretch ends at its latest consumer in the new order.
    noteLastConsumers(lo, lo + static_cast<int>(stretch.size()) - 1, newOrder_.begin(), newOrder_.end());
    return score(lo, threshold);
}

void OrderProfile::noteLastConsumers(int lo, int hi, std::vector<int>::const_iterator first,
                                     std::vector<int>::const_iterator last) {
    if (++stamp_ == 0) {
        std::fill(changeStamp_.begin(), changeStamp_.end(), 0);
        stamp_ = 1;
    }
    for (auto it = first; it != last; ++it) {
        int x = *it;
        for (int u : g_.preds(x)) {
            int l = pos_[last_[u]];
            if (l < lo || l > hi) continue;
            if (changeStamp_[u] == stamp_) {
                changes_[changeIndex_[u]].newLast = x;
            } else {
                changeStamp_[u] = stamp_;
                changeIndex_[u] = static_cast<int>(changes_.size());
                changes_.push_back({u, last_[u], x});
            }
        }
    }
}

// Recomputes the pending stretch by the recurrence with the new freed(); freed() of nodes outside
// the stretch does not change, so the values after it stay as they are.
OrderProfile::Preview OrderProfile::score(int lo, int64_t threshold) {
    lo_ = lo;
    applyFreed(true);
    Preview r;
    int64_t carried = lo == 0 ? 0 : mem_[lo - 1] - freed_[order_[lo - 1]];
    int64_t stretchMax = kNone;
    newMem_.resize(newOrder_.size());
    for (size_t i = 0; i < newOrder_.size(); ++i) {
        int w = newOrder_[i];
        int64_t m = carried + g_.size(w);
        newMem_[i] = m;
        carried = m - freed_[w];
        stretchMax = std::max(stretchMax, m);
        int64_t old = mem_[lo + i];
        if (m > threshold) r.excessChange += static_cast<double>(m - threshold);
        if (old > threshold) r.excessChange -= static_cast<double>(old - threshold);
    }
    applyFreed(false);
    int hi = lo + static_cast<int>(newOrder_.size()) - 1;
    r.peak = std::max({stretchMax, tree_.max(0, lo - 1), tree_.max(hi + 1, n_ - 1)});
    return r;
}

void OrderProfile::commit() {
    applyFreed(true);
    for (const LastChange& c : changes_) last_[c.node] = c.newLast;
    for (size_t i = 0; i < newOrder_.size(); ++i) {
        int p = lo_ + static_cast<int>(i);
        order_[p] = newOrder_[i];
        pos_[newOrder_[i]] = p;
        mem_[p] = newMem_[i];
    }
    tree_.write(lo_, newMem_);
    changes_.clear();
    newOrder_.clear();
}

void OrderProfile::moveNode(int from, int to) {
    if (from == to) return;
    int lo, mid, hi;
    shiftAsSwap(from, from, to, lo, mid, hi);
    preview(lo, mid, hi, std::numeric_limits<int64_t>::max());
    commit();
}

}  // namespace moccasin
