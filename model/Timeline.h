// The staged timeline of the retention-interval model. Stage s has slots 0..s; slot s holds the
// first computation of node s, slot o < s a recomputation of node o. Events are numbered
// t(s, o) = s(s+1)/2 + o. Nothing may be indexed by event: n = 10^4 gives 5*10^7 of them.
#pragma once
#include <cmath>
#include <cstdint>

namespace moccasin {

inline int64_t stageFirstEvent(int64_t stage) { return stage * (stage + 1) / 2; }
inline int64_t eventOf(int64_t stage, int64_t slot) { return stageFirstEvent(stage) + slot; }
inline int64_t numEvents(int64_t n) { return stageFirstEvent(n); }

// The stage containing event t (t >= 0).
inline int64_t stageOfEvent(int64_t t) {
    auto s = static_cast<int64_t>((std::sqrt(8.0 * static_cast<double>(t) + 1.0) - 1.0) / 2.0);
    while (s > 0 && stageFirstEvent(s) > t) --s;
    while (stageFirstEvent(s + 1) <= t) ++s;
    return s;
}
inline int64_t slotOfEvent(int64_t t) { return t - stageFirstEvent(stageOfEvent(t)); }

}  // namespace moccasin
