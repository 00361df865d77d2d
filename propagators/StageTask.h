// A copy of a node's output seen as a task on the staged timeline of the retention-interval
// model: an optional presence, a start given by a stage variable (the copy of node k starts at
// event eventOf(stage, k), a strictly increasing map, so a bounds-only stage domain represents
// the start domain exactly), an end event variable and a memory demand.
//
// Optional semantics: nothing constrains an absent task. A bound inferred for a task that is
// not known to be present holds only "if present": when it would empty the domain, the task is
// made absent instead of failing. The set* helpers below implement exactly that.
#pragma once
#include <cstdint>

#include "model/Timeline.h"
#include "solver/Engine.h"

namespace moccasin {

struct StageTask {
    solver::VarId presence = -1;
    solver::VarId stage = -1;
    solver::VarId end = -1;
    int slot = 0;        // the node's index in the reference order
    int64_t demand = 0;  // the node's output size
};

namespace stagetask {

using solver::Engine;
using solver::Propagator;

// Smallest stage s >= slot whose event for `slot` is >= t.
inline int64_t firstStageAtOrAfter(int64_t t, int slot) {
    int64_t x = t - slot;  // need stageFirstEvent(s) >= x
    if (x <= 0) return slot;
    int64_t s = stageOfEvent(x);
    if (stageFirstEvent(s) < x) ++s;
    return s < slot ? slot : s;
}
// Largest stage s whose event for `slot` is <= t, or slot - 1 if there is none (s >= slot).
inline int64_t lastStageAtOrBefore(int64_t t, int slot) {
    int64_t x = t - slot;  // need stageFirstEvent(s) <= x
    if (x < 0) return slot - 1;
    int64_t s = stageOfEvent(x);
    return s < slot ? slot - 1 : s;
}

inline bool isPresent(const Engine& e, const StageTask& t) { return e.isTrue(t.presence); }
inline bool isAbsent(const Engine& e, const StageTask& t) { return e.isFalse(t.presence); }
inline int64_t startMin(const Engine& e, const StageTask& t) { return eventOf(e.lb(t.stage), t.slot); }
inline int64_t startMax(const Engine& e, const StageTask& t) { return eventOf(e.ub(t.stage), t.slot); }
inline int64_t endMin(const Engine& e, const StageTask& t) { return e.lb(t.end); }
inline int64_t endMax(const Engine& e, const StageTask& t) { return e.ub(t.end); }

// "If present" bound changes. Absent tasks are left alone; a change that would empty the domain
// fails a present task and makes an undecided one absent.
inline bool setLbIfPresent(Engine& e, const StageTask& t, solver::VarId x, int64_t v, Propagator* by,
                           int64_t code = 0) {
    if (e.isFalse(t.presence) || v <= e.lb(x)) return true;
    if (v > e.ub(x)) return e.isTrue(t.presence) ? e.setLb(x, v, by, code) : e.setUb(t.presence, 0, by, code);
    return e.setLb(x, v, by, code);
}
inline bool setUbIfPresent(Engine& e, const StageTask& t, solver::VarId x, int64_t v, Propagator* by,
                           int64_t code = 0) {
    if (e.isFalse(t.presence) || v >= e.ub(x)) return true;
    if (v < e.lb(x)) return e.isTrue(t.presence) ? e.setUb(x, v, by, code) : e.setUb(t.presence, 0, by, code);
    return e.setUb(x, v, by, code);
}
// Start bounds are set through the stage: start >= t means stage >= firstStageAtOrAfter(t).
inline bool setStartMin(Engine& e, const StageTask& t, int64_t v, Propagator* by, int64_t code = 0) {
    return setLbIfPresent(e, t, t.stage, firstStageAtOrAfter(v, t.slot), by, code);
}
inline bool setStartMax(Engine& e, const StageTask& t, int64_t v, Propagator* by, int64_t code = 0) {
    return setUbIfPresent(e, t, t.stage, lastStageAtOrBefore(v, t.slot), by, code);
}
inline bool setEndMin(Engine& e, const StageTask& t, int64_t v, Propagator* by, int64_t code = 0) {
    return setLbIfPresent(e, t, t.end, v, by, code);
}
inline bool setEndMax(Engine& e, const StageTask& t, int64_t v, Propagator* by, int64_t code = 0) {
    return setUbIfPresent(e, t, t.end, v, by, code);
}

// Watch indices for a propagator that watches the three variables of each of its tasks apart:
// variable `kind` of task i is watched under index i * kWatchKinds + kind.
inline constexpr int kWatchKinds = 3;
enum WatchKind : int { kWatchPresence = 0, kWatchStage = 1, kWatchEnd = 2 };

inline int32_t watchIndexOf(int32_t task, WatchKind kind) { return task * kWatchKinds + kind; }
inline int32_t watchedTask(int32_t watchIndex) { return watchIndex / kWatchKinds; }
inline WatchKind watchedKind(int32_t watchIndex) { return static_cast<WatchKind>(watchIndex % kWatchKinds); }

// Watches task `t` as task number `task` of `p`: its presence becoming fixed, either stage bound,
// and the `endEvents` of its end.
inline void watchTask(Engine& e, const StageTask& t, Propagator& p, int32_t task, solver::EventMask endEvents) {
    e.watch(t.presence, solver::Event::Fixed, p, watchIndexOf(task, kWatchPresence));
    e.watch(t.stage, solver::Event::AnyBound, p, watchIndexOf(task, kWatchStage));
    e.watch(t.end, endEvents, p, watchIndexOf(task, kWatchEnd));
}
// Watches what the start of task `t` depends on, its presence becoming fixed and either stage
// bound, under the one index `watchIndex` (for tasks whose end the propagator does not read).
inline void watchPresenceAndStage(Engine& e, const StageTask& t, Propagator& p, int32_t watchIndex) {
    e.watch(t.presence, solver::Event::Fixed, p, watchIndex);
    e.watch(t.stage, solver::Event::AnyBound, p, watchIndex);
}

}  // namespace stagetask
}  // namespace moccasin
