// One direction of Ttef's window checks (the rules and their proofs are in Ttef.h): from the
// free tasks as items and the compulsory energy, it detects an overloaded window (rule 1) and
// finds every item's start bound (rule 2). Ttef runs it forward for start bounds and on mirrored
// items for end bounds. It reads no domain: its result is a function of the items (as a
// multiset: their order does not matter) and of the energy.
#pragma once
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "propagators/TtefEnergy.h"

namespace moccasin {

// A free task with demand > 0 in one time direction (Ttef.h, TASKS).
struct TtefItem {
    int64_t est, lst, ect, lct;
    int64_t demand;
    int32_t task;  // the propagator's task index
    bool present;  // false: undecided
};

// The energy one direction reads: E(t) = first + second (second may be null); mirrored, E'(t) =
// -E(-t), whose differences E'(b) - E'(a) = E(-a) - E(-b) are the energies of the mirrored
// windows (event x of the forward time is event -x - 1 of the mirror).
struct TtefEnergyView {
    const TtefEnergy* first = nullptr;
    const TtefEnergy* second = nullptr;
    bool mirror = false;
    __int128 before(int64_t t) const {
        const int64_t x = mirror ? -t : t;
        __int128 v = first->before(x);
        if (second != nullptr) v += second->before(x);
        return mirror ? -v : v;
    }
};

// Which check gave an item's bound: a window starting at or before its est (Vilím's), or one
// starting after it (the left-overlap check).
enum class TtefCheck : uint8_t { none, inside, leftOverlap };

struct TtefBound {
    int64_t start = std::numeric_limits<int64_t>::min();  // the item's start is >= this
    TtefCheck check = TtefCheck::none;
};

class TtefWindows {
public:
    enum class Outcome : uint8_t {
        ok,
        overload,      // rule (1) fails a window
        overloadLeft,  // ... that would pass without the left-overlap unit tasks
    };

    // The checks of every window [a, b) with a in A and b in B (Ttef.h, WINDOWS). On ok, bounds()
    // holds per item the largest start bound found (check none: nothing above est).
    // leftOverlap false: Vilím's rules alone (Ttef.h, TtefOptions::leftOverlap).
    Outcome sweep(std::span<const TtefItem> items, const TtefEnergyView& energy, int64_t capacity,
                  bool leftOverlap = true);

    const std::vector<TtefBound>& bounds() const { return bounds_; }
    // Windows examined by the last sweep.
    uint64_t windows() const { return windows_; }

private:
    struct Unit {  // a unit task, for the sum of those counted in R(a, b)
        int64_t lst;
        int64_t demand;
    };
    struct Entry {  // an item as the sweep reads it
        int64_t est;
        int64_t early, late, after;  // F(b) = min(b > after ? late : early, b)
        int64_t demand;
        int32_t item;
    };
    struct Entered {  // an entry reached by the sweep of one b
        uint32_t entry;
        int32_t window;  // the first window with a <= est
        int64_t freeEnd;
    };

    void record(int32_t item, int64_t start, TtefCheck check);
    Outcome overloadAt(std::span<const TtefItem> items, int64_t a, int64_t b, __int128 avail,
                       bool leftOverlap) const;

    std::vector<TtefBound> bounds_;
    uint64_t windows_ = 0;

    // Scratch, reused.
    std::vector<int64_t> starts_;    // A, decreasing
    std::vector<__int128> atStart_;  // capacity * a - E(a), per element of starts_
    std::vector<int64_t> ends_;      // B, increasing
    // Per index k of starts_: entries_[entryBegin_[k], entryBegin_[k + 1]) are the items with
    // est = a, units_[unitBegin_[k], unitBegin_[k + 1]) the unit tasks with ect - 1 = a.
    std::vector<uint32_t> entryBegin_, unitBegin_, fill_, unitFill_;
    std::vector<Entry> entries_;
    std::vector<Unit> units_;
    // The windows of the current b whose avail is below that of every window swept after them,
    // as parallel arrays (a decreasing, avail increasing).
    std::vector<int64_t> stackA_;
    std::vector<__int128> stackAvail_;
    std::vector<__int128> avail_;    // per swept window, then its suffix minimum
    std::vector<Entered> entered_;
};

}  // namespace moccasin
