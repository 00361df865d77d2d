#include "propagators/Profile.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace moccasin {

namespace {

// Sorts (time, delta) events by time and merges equal times; drops zero deltas.
void sortDeltas(std::vector<std::pair<int64_t, int64_t>>& ev) {
    std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t w = 0;
    for (size_t r = 0; r < ev.size();) {
        const int64_t t = ev[r].first;
        int64_t d = 0;
        for (; r < ev.size() && ev[r].first == t; ++r) d += ev[r].second;
        if (d != 0) ev[w++] = {t, d};
    }
    ev.resize(w);
}

}  // namespace

void applyRects(const ProfileSteps& in, std::span<const ProfileRect> rects, ProfileSteps& out,
                std::vector<std::pair<int64_t, int64_t>>& scratch) {
    auto& ev = scratch;
    ev.clear();
    for (const ProfileRect& r : rects) {
        if (r.begin >= r.end || r.demand == 0) continue;
        ev.emplace_back(r.begin, r.demand);
        ev.emplace_back(r.end, -r.demand);
    }
    sortDeltas(ev);
    out.clear();
    out.reserve(in.size() + ev.size());
    // Merge the old breakpoints with the sorted deltas: the new level at a time is the old level
    // plus the sum of the deltas up to that time.
    size_t i = 0, j = 0;
    int64_t oldLevel = 0, extra = 0, last = 0;
    while (i < in.size() || j < ev.size()) {
        int64_t t;
        if (j == ev.size() || (i < in.size() && in[i].time <= ev[j].first)) {
            t = in[i].time;
        } else {
            t = ev[j].first;
        }
        if (i < in.size() && in[i].time == t) oldLevel = in[i++].level;
        if (j < ev.size() && ev[j].first == t) extra += ev[j++].second;
        const int64_t level = oldLevel + extra;
        if (level != last) {
            out.push_back(ProfileStep{t, level});
            last = level;
        }
    }
}

void buildProfile(std::span<const ProfileRect> rects, ProfileSteps& out) {
    std::vector<std::pair<int64_t, int64_t>> scratch;
    const ProfileSteps empty;
    applyRects(empty, rects, out, scratch);
}

ProfileSteps buildProfile(std::span<const ProfileRect> rects) {
    ProfileSteps out;
    buildProfile(rects, out);
    return out;
}

int64_t levelAt(const ProfileSteps& steps, int64_t t) {
    auto it = std::upper_bound(steps.begin(), steps.end(), t,
                               [](int64_t v, const ProfileStep& s) { return v < s.time; });
    return it == steps.begin() ? 0 : std::prev(it)->level;
}

std::optional<ProfileRect> compulsoryPart(const solver::Engine& e, const StageTask& t) {
    if (!stagetask::isPresent(e, t)) return std::nullopt;
    const int64_t b = stagetask::startMax(e, t), en = stagetask::endMin(e, t);
    if (b >= en) return std::nullopt;
    return ProfileRect{b, en, t.demand};
}

void appendCompulsoryParts(const solver::Engine& e, std::span<const StageTask> tasks,
                           std::vector<ProfileRect>& out) {
    for (const StageTask& t : tasks) {
        if (auto r = compulsoryPart(e, t)) out.push_back(*r);
    }
}

ProfileSteps compulsoryProfile(const solver::Engine& e, std::span<const StageTask> tasks) {
    std::vector<ProfileRect> rects;
    appendCompulsoryParts(e, tasks, rects);
    return buildProfile(rects);
}

// ---- ProfileIndex

void ProfileIndex::build(const ProfileSteps& steps) {
    const auto m = static_cast<int32_t>(steps.size());
    times_.resize(steps.size());
    for (int32_t i = 0; i < m; ++i) times_[i] = steps[i].time;
    if (m == 0) {
        tree_.clear();
        leaves_ = 0;
        return;
    }
    leaves_ = 1;
    while (leaves_ < m) leaves_ *= 2;
    tree_.assign(2 * static_cast<size_t>(leaves_), std::numeric_limits<int64_t>::min());
    for (int32_t i = 0; i < m; ++i) tree_[leaves_ + i] = steps[i].level;
    for (int32_t p = leaves_ - 1; p >= 1; --p) tree_[p] = std::max(tree_[2 * p], tree_[2 * p + 1]);
}

int32_t ProfileIndex::segmentOf(int64_t t) const {
    auto it = std::upper_bound(times_.begin(), times_.end(), t);
    return static_cast<int32_t>(it - times_.begin()) - 1;
}

int32_t ProfileIndex::firstLeafAbove(int32_t i, int64_t threshold) const {
    if (i >= leaves_) return -1;
    size_t p = static_cast<size_t>(leaves_) + i;
    // Climb until a node holding a leaf >= i exceeds the threshold: each step moves to the node
    // covering the leaves right after the ones seen so far.
    while (tree_[p] <= threshold) {
        while (p & 1) {
            if (p == 1) return -1;
            p >>= 1;
        }
        ++p;
    }
    while (p < static_cast<size_t>(leaves_)) {
        p *= 2;
        if (tree_[p] <= threshold) ++p;
    }
    return static_cast<int32_t>(p - leaves_);
}

int32_t ProfileIndex::lastLeafAbove(int32_t i, int64_t threshold) const {
    if (i < 0) return -1;
    size_t p = static_cast<size_t>(leaves_) + i;
    while (tree_[p] <= threshold) {
        while (p != 1 && !(p & 1)) p >>= 1;
        if (p == 1) return -1;
        --p;
    }
    while (p < static_cast<size_t>(leaves_)) {
        p = 2 * p + 1;
        if (tree_[p] <= threshold) --p;
    }
    return static_cast<int32_t>(p - leaves_);
}

int64_t ProfileIndex::maxIn(int64_t from, int64_t to) const {
    if (from >= to || leaves_ == 0) return 0;
    const int32_t lo = std::max(segmentOf(from), 0), hi = segmentOf(to - 1);
    int64_t best = 0;
    if (hi < lo) return best;
    // Bottom-up over the leaves [lo, hi].
    for (size_t l = static_cast<size_t>(leaves_) + lo, r = static_cast<size_t>(leaves_) + hi + 1; l < r;
         l >>= 1, r >>= 1) {
        if (l & 1) best = std::max(best, tree_[l++]);
        if (r & 1) best = std::max(best, tree_[--r]);
    }
    return best;
}

std::optional<int64_t> ProfileIndex::firstAbove(int64_t from, int64_t threshold) const {
    if (threshold < 0) return from;
    if (leaves_ == 0) return std::nullopt;
    const int32_t j = firstLeafAbove(std::max(segmentOf(from), 0), threshold);
    if (j < 0) return std::nullopt;
    return std::max(from, times_[j]);
}

std::optional<int64_t> ProfileIndex::lastAbove(int64_t from, int64_t to, int64_t threshold) const {
    if (from >= to) return std::nullopt;
    if (threshold < 0) return to - 1;
    if (leaves_ == 0) return std::nullopt;
    const int32_t j = segmentOf(to - 1);
    const int32_t k = lastLeafAbove(j, threshold);
    if (k < 0) return std::nullopt;
    const int64_t t = k == j ? to - 1 : times_[k + 1] - 1;
    if (t < from) return std::nullopt;
    return t;
}

}  // namespace moccasin
