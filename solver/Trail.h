// The undo log behind every reversible value of the kernel: variable bounds, Rev<T> fields of
// propagators, and backtrack-callback requests. Each entry is (slot address, old contents);
// popping a level writes the old contents back, newest first, so every slot regains the value it
// had when that level was pushed. Invariants: the entries of level l (l >= 1) form one contiguous
// suffix block pushed while level() == l; nothing is recorded at level 0, which is never popped;
// stamp() differs between any two level instances (it changes on every push and every pop).
#pragma once
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace moccasin::solver {

class Trail {
public:
    int32_t level() const { return static_cast<int32_t>(levelStart_.size()); }

    // Identifies the current level instance. A value saved under the current stamp needs no
    // second entry until the stamp changes (MiniCP's "magic" trick).
    uint64_t stamp() const { return stamp_; }

    void pushLevel() {
        levelStart_.push_back(entries_.size());
        ++stamp_;
    }

    // Restores every slot saved above level `target` and appends, in pop order, the listener ids
    // recorded there (see saveListener) to `listeners`. Costs O(entries popped).
    void popToLevel(int32_t target, std::vector<int32_t>& listeners);

    // Records the current contents of `slot` so the next pop of this level restores it. The slot
    // must stay at the same address until that pop (no vector reallocation above level 0).
    void save(int64_t* slot) {
        if (levelStart_.empty()) return;  // level 0 is permanent
        entries_.push_back(Entry{slot, *slot});
    }

    // Records that listener `id` must be told when the current level is popped.
    void saveListener(int32_t id) {
        if (levelStart_.empty()) return;
        entries_.push_back(Entry{nullptr, id});
    }

    size_t size() const { return entries_.size(); }

private:
    // slot == nullptr marks a listener entry whose id is in `old`.
    struct Entry {
        int64_t* slot;
        int64_t old;
    };
    std::vector<Entry> entries_;
    std::vector<size_t> levelStart_;  // levelStart_[l-1] = entries_.size() when level l began
    uint64_t stamp_ = 1;              // Rev stamps start at 0, so the first write always saves
};

}  // namespace moccasin::solver
