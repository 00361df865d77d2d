// Reversible values for propagators' own state: a Rev<T> written at some level regains, when
// that level is popped, the value it had when the level was pushed. Invariant: at most one trail
// entry per value per level instance (the stamp records the level instance of the last save).
// A Rev must not move in memory while the trail may hold its address: create it before search
// (e.g. size a std::vector<Rev<T>> in the constructor or attach, never resize it later).
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "solver/Trail.h"

namespace moccasin::solver {

template <class T>
class Rev {
    static_assert(std::is_trivially_copyable_v<T>, "Rev<T> restores T by copying its bytes");
    static_assert(sizeof(T) <= sizeof(int64_t), "Rev<T> stores T in one 8-byte trail slot");

public:
    Rev() = default;
    explicit Rev(T v) { std::memcpy(&raw_, &v, sizeof(T)); }

    T get() const {
        T v{};
        std::memcpy(static_cast<void*>(&v), &raw_, sizeof(T));  // T is trivially copyable
        return v;
    }

    void set(Trail& trail, T v) {
        if (stamp_ != trail.stamp()) {
            trail.save(&raw_);
            stamp_ = trail.stamp();
        }
        std::memcpy(&raw_, &v, sizeof(T));
    }

private:
    int64_t raw_ = 0;  // T's bytes; the unused high bytes stay zero
    uint64_t stamp_ = 0;
};

using RevInt64 = Rev<int64_t>;
using RevInt32 = Rev<int32_t>;
using RevBool = Rev<bool>;

}  // namespace moccasin::solver
