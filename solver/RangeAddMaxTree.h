// A segment tree over positions 0..size-1 holding int64 values, with range add and range max in
// O(log size). Used wherever a memory profile over a compressed time axis must be updated and
// queried incrementally (greedy warm start, timetabling).
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace moccasin {

class RangeAddMaxTree {
public:
    explicit RangeAddMaxTree(int size = 0) { reset(size); }

    void reset(int size) {
        size_ = std::max(size, 1);
        max_.assign(4 * static_cast<size_t>(size_), 0);
        add_.assign(4 * static_cast<size_t>(size_), 0);
    }
    int size() const { return size_; }

    // Adds `delta` to every position in [lo, hi] (no-op when lo > hi).
    void add(int lo, int hi, int64_t delta) {
        if (lo > hi) return;
        add(1, 0, size_ - 1, lo, hi, delta);
    }
    // Max over [lo, hi]; the lowest int64 when lo > hi.
    int64_t max(int lo, int hi) const {
        if (lo > hi) return std::numeric_limits<int64_t>::min();
        return max(1, 0, size_ - 1, lo, hi);
    }
    int64_t at(int pos) const { return max(pos, pos); }
    void set(int pos, int64_t value) { add(pos, pos, value - at(pos)); }

private:
    void add(size_t node, int l, int r, int lo, int hi, int64_t delta) {
        if (hi < l || r < lo) return;
        if (lo <= l && r <= hi) {
            max_[node] += delta;
            add_[node] += delta;
            return;
        }
        int mid = l + (r - l) / 2;
        add(2 * node, l, mid, lo, hi, delta);
        add(2 * node + 1, mid + 1, r, lo, hi, delta);
        max_[node] = std::max(max_[2 * node], max_[2 * node + 1]) + add_[node];
    }
    int64_t max(size_t node, int l, int r, int lo, int hi) const {
        if (lo <= l && r <= hi) return max_[node];
        int mid = l + (r - l) / 2;
        int64_t best = std::numeric_limits<int64_t>::min();
        if (lo <= mid) best = std::max(best, max(2 * node, l, mid, lo, hi));
        if (hi > mid) best = std::max(best, max(2 * node + 1, mid + 1, r, lo, hi));
        return best + add_[node];
    }

    int size_ = 1;
    std::vector<int64_t> max_, add_;  // add_[node] applies to the whole subtree of node
};

}  // namespace moccasin
