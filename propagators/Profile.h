// Resource profiles over event time, as sorted breakpoints (never indexed by event: a segment may
// span 10^9 events), for the cumulative propagators (Timetable, Ttef).
//
// A profile is a step function of time given by `ProfileStep`s with strictly increasing times:
// the level is steps[i].level on [steps[i].time, steps[i+1].time), 0 before steps[0].time, and
// the last step has level 0 (it holds up to +infinity). Canonical form: neighbouring steps have
// different levels and the first level is not 0, so the empty profile has no steps.
//
// buildProfile      rectangles -> canonical profile, O(R log R);
// applyRects        profile + rectangles (signed demands) -> canonical profile, O(m + R log R),
//                   no re-sort of the existing breakpoints (used by Timetable's incremental path);
// compulsoryProfile the compulsory parts [startMax, endMin) of the present tasks, O(T log T);
// ProfileIndex      a max tree over the steps: "first / last time in a range where the level
//                   exceeds a threshold" in O(log m), the global maximum in O(1).
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "propagators/StageTask.h"
#include "solver/Engine.h"

namespace moccasin {

// `demand` on [begin, end); begin < end. A negative demand removes a rectangle (applyRects).
struct ProfileRect {
    int64_t begin;
    int64_t end;
    int64_t demand;
};

// The level from `time` up to the next step's time.
struct ProfileStep {
    int64_t time;
    int64_t level;
    bool operator==(const ProfileStep&) const = default;
};

using ProfileSteps = std::vector<ProfileStep>;

// Canonical profile of `rects` (rectangles with begin >= end are ignored). Overwrites `out`.
void buildProfile(std::span<const ProfileRect> rects, ProfileSteps& out);
ProfileSteps buildProfile(std::span<const ProfileRect> rects);

// out = in + rects, canonical. `in` must be canonical; `scratch` is reused between calls. `out`
// must not alias `in`. O(|in| + |rects| log |rects|).
void applyRects(const ProfileSteps& in, std::span<const ProfileRect> rects, ProfileSteps& out,
                std::vector<std::pair<int64_t, int64_t>>& scratch);

// The level at time t: O(log m).
int64_t levelAt(const ProfileSteps& steps, int64_t t);

// The compulsory part of a task that is present, [startMax, endMin), or nullopt when the task is
// not known to be present or the part is empty.
std::optional<ProfileRect> compulsoryPart(const solver::Engine& e, const StageTask& t);
// Appends the compulsory parts of the present tasks of `tasks` to `out`.
void appendCompulsoryParts(const solver::Engine& e, std::span<const StageTask> tasks,
                           std::vector<ProfileRect>& out);
// The compulsory profile of `tasks` (present tasks only) at the current domains.
ProfileSteps compulsoryProfile(const solver::Engine& e, std::span<const StageTask> tasks);

// Threshold queries over a profile. build() copies what it needs, so the steps may change or go
// away afterwards (rebuild to follow them). Levels outside the steps are 0, so a threshold < 0
// is exceeded everywhere.
class ProfileIndex {
public:
    ProfileIndex() = default;
    explicit ProfileIndex(const ProfileSteps& steps) { build(steps); }
    void build(const ProfileSteps& steps);  // O(m)

    // The maximum level (0 for the empty profile).
    int64_t maxLevel() const { return tree_.empty() ? 0 : std::max<int64_t>(tree_[1], 0); }
    // The maximum level over [from, to) (0 when empty or outside the steps).
    int64_t maxIn(int64_t from, int64_t to) const;
    // The smallest t >= from with level(t) > threshold.
    std::optional<int64_t> firstAbove(int64_t from, int64_t threshold) const;
    // The largest t in [from, to) with level(t) > threshold.
    std::optional<int64_t> lastAbove(int64_t from, int64_t to, int64_t threshold) const;

private:
    // Index of the step whose segment holds t, or -1 when t is before the first step.
    int32_t segmentOf(int64_t t) const;
    int32_t firstLeafAbove(int32_t i, int64_t threshold) const;  // smallest leaf >= i, or -1
    int32_t lastLeafAbove(int32_t i, int64_t threshold) const;   // largest leaf <= i, or -1

    std::vector<int64_t> times_;
    std::vector<int64_t> tree_;  // 1-based max tree, leaves at [leaves_, 2 * leaves_)
    int32_t leaves_ = 0;
};

}  // namespace moccasin
