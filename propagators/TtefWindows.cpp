#include "propagators/TtefWindows.h"

#include <algorithm>

namespace moccasin {

using i128 = __int128;

namespace {

bool isUnit(const TtefItem& it) { return it.present && it.lst >= it.ect; }

// Rule (2)'s bound from a window ending at b whose available energy gives q = floor(avail / d).
int64_t startBound(const TtefItem& it, int64_t b, int64_t f, i128 q) {
    if (q == 0 && f == std::min(it.ect, b)) return b;
    return f - static_cast<int64_t>(q);  // q < f - max(est, a) here: it fits
}

}  // namespace

void TtefWindows::record(int32_t item, int64_t start, TtefCheck check) {
    TtefBound& cur = bounds_[item];
    if (start > cur.start) {
        cur = TtefBound{start, check};
    } else if (start == cur.start && check == TtefCheck::inside) {
        cur.check = check;  // a tie counts for the older rule
    }
}

TtefWindows::Outcome TtefWindows::overloadAt(std::span<const TtefItem> items, int64_t a, int64_t b,
                                             i128 avail, bool leftOverlap) const {
    if (!leftOverlap) return Outcome::overload;
    i128 left = 0;  // the unit tasks counted in R(a, b) only because of ect > a
    for (const TtefItem& it : items)
        if (isUnit(it) && it.est < a && it.ect > a && it.lst < b) left += it.demand;
    return avail + left >= 0 ? Outcome::overloadLeft : Outcome::overload;
}

TtefWindows::Outcome TtefWindows::sweep(std::span<const TtefItem> items, const TtefEnergyView& energy,
                                        int64_t capacity, bool leftOverlap) {
    const auto n = static_cast<int32_t>(items.size());
    bounds_.assign(items.size(), TtefBound{});
    windows_ = 0;

    // ---- A (decreasing) and B (increasing).
    starts_.clear();
    ends_.clear();
    for (const TtefItem& it : items) {
        starts_.push_back(it.est);
        ends_.push_back(it.lct);
        if (isUnit(it)) {
            if (leftOverlap) starts_.push_back(it.ect - 1);
            ends_.push_back(it.lst + 1);
        }
    }
    std::sort(starts_.begin(), starts_.end(), std::greater<>());
    starts_.erase(std::unique(starts_.begin(), starts_.end()), starts_.end());
    std::sort(ends_.begin(), ends_.end());
    ends_.erase(std::unique(ends_.begin(), ends_.end()), ends_.end());
    const size_t na = starts_.size();
    auto startIndex = [&](int64_t a) {
        return static_cast<size_t>(std::lower_bound(starts_.begin(), starts_.end(), a, std::greater<>()) - starts_.begin());
    };

    // ---- What happens at each a, grouped by its index k in A (counting sort): the items with
    // est = a enter, the unit tasks with ect - 1 = a start to count (ect > a from here on; without
    // the left-overlap rules, those with est = a: est >= a).
    auto countFrom = [&](const TtefItem& it) { return leftOverlap ? it.ect - 1 : it.est; };
    entryBegin_.assign(na + 1, 0);
    unitBegin_.assign(na + 1, 0);
    for (const TtefItem& it : items) {
        ++entryBegin_[startIndex(it.est) + 1];
        if (isUnit(it)) ++unitBegin_[startIndex(countFrom(it)) + 1];
    }
    for (size_t k = 0; k < na; ++k) {
        entryBegin_[k + 1] += entryBegin_[k];
        unitBegin_[k + 1] += unitBegin_[k];
    }
    entries_.resize(items.size());
    units_.resize(unitBegin_[na]);
    fill_.assign(entryBegin_.begin(), entryBegin_.end() - 1);
    unitFill_.assign(unitBegin_.begin(), unitBegin_.end() - 1);
    for (int32_t i = 0; i < n; ++i) {
        const TtefItem& it = items[i];
        // F_i(b) of Ttef.h = min(b > after ? late : early, b): the end of the part of occ(est)
        // that R(a, b) does not already count.
        Entry x{it.est, it.ect, it.ect, std::numeric_limits<int64_t>::max(), it.demand, i};
        if (it.present && it.lst < it.ect) {
            x.early = x.late = it.lst;
        } else if (it.present) {
            x.late = it.ect - 1, x.after = it.lst;  // a unit task counted in R(a, b) when lst < b
        }
        entries_[fill_[startIndex(it.est)]++] = x;
        if (isUnit(it)) units_[unitFill_[startIndex(countFrom(it))]++] = Unit{it.lst, it.demand};
    }

    // avail(a, b) = cap * (b - a) - (E(b) - E(a)) - units = atEnd(b) - atStart_[k] - units.
    const i128 cap = capacity;
    atStart_.resize(na);
    for (size_t k = 0; k < na; ++k) atStart_[k] = cap * starts_[k] - energy.before(starts_[k]);

    // ---- For each b, the windows [a, b) by decreasing a.
    for (const int64_t b : ends_) {
        const i128 atEnd = cap * b - energy.before(b);
        i128 units = 0;  // demands of the unit tasks counted in R(a, b): ect > a and lst < b
        stackA_.clear();
        stackAvail_.clear();
        avail_.clear();
        entered_.clear();
        for (size_t k = startIndex(b - 1); k < na; ++k) {  // the first a < b
            const int64_t a = starts_[k];
            for (uint32_t u = unitBegin_[k]; u < unitBegin_[k + 1]; ++u)
                if (units_[u].lst < b) units += units_[u].demand;
            // The items with est = a. The windows swept so far start after est: the left-overlap
            // check takes, among those with a < F, the one with the least available energy, which
            // is the lowest entry of the stack below F (every window swept later is on the stack
            // or has a later one with no more energy).
            for (uint32_t e = entryBegin_[k]; e < entryBegin_[k + 1]; ++e) {
                const Entry& x = entries_[e];
                const int64_t f = std::min(b > x.after ? x.late : x.early, b);
                if (f <= x.est) continue;  // no extra energy in any window ending at b
                // extra < d * (F - est) and avail >= the stack's lowest: often nothing to look for.
                if (leftOverlap && !stackA_.empty() &&
                    static_cast<i128>(x.demand) * (f - x.est) > stackAvail_.front()) {
                    const auto w = static_cast<size_t>(
                        std::lower_bound(stackA_.begin(), stackA_.end(), f, std::greater<>()) - stackA_.begin());
                    if (w < stackA_.size() && static_cast<i128>(x.demand) * (f - stackA_[w]) > stackAvail_[w])
                        record(x.item, startBound(items[x.item], b, f, stackAvail_[w] / x.demand),
                               TtefCheck::leftOverlap);
                }
                entered_.push_back(Entered{e, static_cast<int32_t>(avail_.size()), f});
            }
            const i128 avail = atEnd - atStart_[k] - units;
            if (avail < 0) return overloadAt(items, a, b, avail, leftOverlap);  // rule (1)
            avail_.push_back(avail);
            while (!stackAvail_.empty() && stackAvail_.back() >= avail) {
                stackA_.pop_back();
                stackAvail_.pop_back();
            }
            stackA_.push_back(a);
            stackAvail_.push_back(avail);
        }
        windows_ += avail_.size();
        // The inside check: the least available energy over the windows with a <= est.
        for (size_t j = avail_.size(); j-- > 1;) avail_[j - 1] = std::min(avail_[j - 1], avail_[j]);
        for (const Entered& y : entered_) {
            const Entry& x = entries_[y.entry];
            const i128 least = avail_[y.window];
            if (static_cast<i128>(x.demand) * (y.freeEnd - x.est) > least)
                record(x.item, startBound(items[x.item], b, y.freeEnd, least / x.demand), TtefCheck::inside);
        }
    }
    return Outcome::ok;
}

}  // namespace moccasin
