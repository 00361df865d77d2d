// The implication trail that learning reads: every bound change above level 0, in the order it
// was made, with what made it (a propagator and its inference code, or a search decision).
// Kept only while learning is on (Engine::setLearning).
//
// Invariants: entries are in the order of the changes; entry i's `prev` is the previous entry of
// the same bound (variable and direction), or -1, so each bound's entries form a chain of
// strictly tightening values whose first `old` is the bound at level 0; a pop removes the entries
// of the popped levels and restores the chains' heads. Level-0 changes are not recorded: they
// hold for the rest of the search, so a literal they make true needs no reason.
#pragma once
#include <cassert>
#include <cstdint>
#include <vector>

#include "solver/Types.h"

namespace moccasin::solver {

class Propagator;

struct Implication {
    VarId var;
    bool lower;         // the change raised lb (else it lowered ub)
    int32_t level;
    int32_t prev;       // previous entry of the same bound, or -1
    int64_t code;       // the propagator's inference code
    Propagator* by;     // nullptr: a search decision
    int64_t value;      // the new bound
    int64_t old;        // the bound before
};

class Implications {
public:
    void resize(int32_t numVars) { head_.resize(2 * static_cast<size_t>(numVars), -1); }

    void record(VarId x, bool lower, int64_t value, int64_t old, Propagator* by, int64_t code, int32_t level) {
        int32_t& head = head_[listOf(x, lower)];
        entries_.push_back(Implication{x, lower, level, head, code, by, value, old});
        head = static_cast<int32_t>(entries_.size() - 1);
    }

    // Removes the entries of levels above `target`.
    void popToLevel(int32_t target) {
        while (!entries_.empty() && entries_.back().level > target) {
            head_[listOf(entries_.back().var, entries_.back().lower)] = entries_.back().prev;
            entries_.pop_back();
        }
    }

    int64_t size() const { return static_cast<int64_t>(entries_.size()); }
    const Implication& operator[](int64_t i) const { return entries_[static_cast<size_t>(i)]; }

    // The bound of x before entry `pos` was made (pos = size(): now), given the bound now.
    int64_t boundAt(VarId x, bool lower, int64_t pos, int64_t now) const {
        int64_t value = now;
        const int32_t i = lastBefore(x, lower, pos, value);
        return i >= 0 ? entries_[static_cast<size_t>(i)].value : value;
    }

    // The first entry that made [x >= v] (lower) or [x <= v] true, or -1 when it has been true
    // since level 0. The literal must be true now.
    int32_t entryOf(VarId x, bool lower, int64_t v) const { return firstMaking(head_[listOf(x, lower)], lower, v); }

    // Whether [x >= v] (lower) or [x <= v] held before entry `pos`, given the bound now, and if
    // so the entry that first made it true (-1: true since level 0): boundAt and entryOf in one
    // walk of the chain, for conflict analysis.
    struct Held {
        bool held;
        int32_t entry;
    };
    Held heldBefore(VarId x, bool lower, int64_t v, int64_t pos, int64_t now) const {
        int64_t value = now;
        const int32_t i = lastBefore(x, lower, pos, value);
        if (i >= 0) value = entries_[static_cast<size_t>(i)].value;
        if (lower ? value < v : value > v) return {false, -1};
        return {true, firstMaking(i, lower, v)};
    }

private:
    static size_t listOf(VarId x, bool lower) { return 2 * static_cast<size_t>(x) + (lower ? 1 : 0); }

    // The newest entry of x's bound before `pos`, or -1; `value` becomes the bound before the
    // oldest entry skipped (unchanged when none is).
    int32_t lastBefore(VarId x, bool lower, int64_t pos, int64_t& value) const {
        int32_t i = head_[listOf(x, lower)];
        while (i >= 0 && i >= pos) {
            value = entries_[static_cast<size_t>(i)].old;
            i = entries_[static_cast<size_t>(i)].prev;
        }
        return i;
    }

    // Walking back from entry i of a chain whose value there satisfies the literal: the entry
    // that first made it true, or -1 when the bound at level 0 already did. Values loosen going
    // back, so the last entry that satisfies it is the first that made it true.
    int32_t firstMaking(int32_t i, bool lower, int64_t v) const {
        auto satisfies = [&](int64_t b) { return lower ? b >= v : b <= v; };
        int32_t found = -1;
        for (; i >= 0 && satisfies(entries_[static_cast<size_t>(i)].value); i = entries_[static_cast<size_t>(i)].prev)
            found = i;
        if (found >= 0 && satisfies(entries_[static_cast<size_t>(found)].old)) found = -1;
        return found;
    }

    std::vector<Implication> entries_;
    std::vector<int32_t> head_;  // per bound: the latest entry, or -1
};

}  // namespace moccasin::solver
