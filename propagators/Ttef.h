// Timetable edge finding (Vilím, CPAIOR 2011; the formulation of Schutt, Feydy & Stuckey, CPAIOR
// 2013) for the memory constraint of docs/model.md over optional, variable-length StageTasks.
// It runs next to Timetable: it assumes nothing about what Timetable has done, but it does not
// replace Timetable's pointwise overload check either (it only looks at windows whose ends come
// from free tasks).
//
// TASKS. A present task occupies [S, E) with S = eventOf(stage, slot), E = end and E >= S + 1
// (problem.md: e >= s + 1). From the bounds we use
//     est = startMin,  lct = endMax,
//     lst = min(startMax, endMax - 1)   (S <= startMax and S <= E - 1 <= endMax - 1),
//     ect = max(endMin, startMin + 1)   (E >= endMin and E >= S + 1 >= startMin + 1).
// A task with lst < est (equivalently endMax <= startMin) has no placement: it fails if present
// and is made absent if undecided. Demands are fixed, >= 0; tasks with demand 0 are ignored.
//
// MINIMUM LENGTH, COMPULSORY AND FREE PARTS (derivation for variable lengths). Every placement
// has S <= lst and E >= ect, so the length E - S >= ect - lst, and E - S >= 1: the minimum length
// is L = max(1, ect - lst) (with the raw bounds this is max(1, endMin - startMax), which it
// dominates). It is attained (S = lst, E = max(ect, lst + 1) is a placement), so no larger bound
// is valid. The compulsory part is CP = [lst, ect) when lst < ect: every placement covers it.
// The free part is the minimal energy minus the compulsory energy: d * (L - |CP|), which is
//   0      when lst < ect (the length can shrink to exactly the compulsory part), and
//   d * 1  when lst >= ect (no compulsory part: a "unit" task, one event at least).
// Unlike the fixed-length case, the free part is not a block of fixed length that moves with
// the start: the end does not follow the start. What does hold is the occupation at a given
// start s in [est, lst]: the task covers at least occ(s) = [s, max(ect, s + 1)), which for a task
// with a compulsory part is [s, lst) + CP. The rules below use exactly these two facts.
//
// ENERGY IN A WINDOW [a, b). Only PRESENT tasks count: the compulsory profile of the present
// tasks (all of them, fixed ones included) integrated over [a, b), plus d for every present unit
// task that must start inside the window (est >= a and lst < b: it then occupies an event of the
// window outside every compulsory part). This contains Vilím's "free energy of the tasks with
// [est, lct) inside [a, b)", because lct <= b implies lst <= lct - 1 < b. Call it R(a, b).
//  (1) Consistency: R(a, b) > capacity * (b - a) -> fail.
//  (2) Start update: for a task i (present or undecided, not counted as a unit task of the
//      window), the others need R_i = R(a, b) minus i's own compulsory energy in the window
//      (0 if i is undecided), so i may put at most k = floor((cap*(b-a) - R_i) / d_i) events of
//      occ(S_i) into [a, b). For est_i >= a, |occ(s) ∩ [a, b)| is min(ect, b) - s on s <= ect - 1
//      and is 1 on [max(ect, a), b) (unit part), 0 from b on. Hence, when
//      |occ(est) ∩ [a, b)| > k:   S_i >= min(ect_i, b) - k  if k >= 1,   S_i >= b  if k = 0,
//      and every smaller start is impossible. Written with "extra" energies (Vilím's test):
//      extra_i(b) = d_i * (min(f_i, b) - est_i)^+ with f_i = lst_i for a present task with a
//      compulsory part and f_i = ect_i otherwise; the update fires iff extra_i(b) > cap*(b-a) - R.
//      For an undecided task the bound holds "if present" (StageTask helpers: a start beyond
//      startMax makes it absent).
//  (3) End update: the same two rules on the mirrored problem (time t -> -t: est <-> -lct,
//      lst <-> -ect), giving E_i <= ... . In the mirror, a unit task counts in a window when it
//      must END inside it (ect > a, lct <= b).
// Windows, as in Vilím's algorithm: a ranges over the est of the free tasks, b over their lct
// and over lst + 1 of the present unit tasks; for each b, a sweep over a (decreasing) keeps
// R and the free task with the largest extra energy among those with est >= a (CP-SAT's and
// Vilím's choice: one update per window). So one call is not a fixpoint of rule (2) over all
// tasks: the propagator is NOT idempotent, and the engine calls it again after its own changes.
//
// FREE TASKS AND THE CAP. A task is free unless it is absent or present with fixed stage and
// end (so undecided tasks count as free). With more than opts.maxFreeTasks free tasks the
// propagator does nothing (like CP-SAT's max_num_intervals_for_timetable_edge_finding = 100);
// with none it has nothing to add to Timetable. notify() keeps the number of free tasks in
// reversible state (a task only ever stops being free along a branch) and does not wake the
// propagator while it is above the cap.
//
// COMPLEXITY. One call: O(n log n) for the compulsory profile of the n non-absent tasks
// (propagators/Profile.h breakpoints, plus prefix energies), then O(u^2 + u log n) for the
// u <= maxFreeTasks free tasks (at most 2u values of b, a sweep of u tasks each). Nothing is
// indexed by event. Energies (demand up to 1e10 times windows of up to 5e9 events, capacity up
// to 1e13) are computed in __int128.
//
// propagate() equals propagateFromScratch() (no incremental state beyond the free count, which
// only decides whether to run); both do the forward pass, then the mirrored pass.
#pragma once
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "propagators/Profile.h"
#include "propagators/StageTask.h"
#include "solver/Engine.h"
#include "solver/Propagator.h"
#include "solver/Rev.h"

namespace moccasin {

struct TtefOptions {
    int maxFreeTasks = 200;  // do nothing when more tasks than this are free
    bool enabled = true;     // false: the propagator watches nothing and prunes nothing
};

class Ttef final : public solver::Propagator {
public:
    // Inference codes passed with the changes (reserved for explanations).
    enum Rule : int { kStartMin = 1, kEndMax = 2, kNoPlacement = 3 };

    // Throws std::invalid_argument on a negative demand or capacity.
    Ttef(std::vector<StageTask> tasks, int64_t capacity, TtefOptions opts = {});

    std::string_view name() const override { return "Ttef"; }
    solver::Priority priority() const override { return solver::Priority::Strong; }
    bool idempotent() const override { return false; }

    void attach(solver::Engine& e) override;
    bool propagate(solver::Engine& e) override;
    bool propagateFromScratch(solver::Engine& e) override;
    bool notify(solver::Engine& e, int32_t watchIndex, solver::EventMask events) override;

    const std::vector<StageTask>& tasks() const { return tasks_; }
    int64_t capacity() const { return capacity_; }
    const TtefOptions& options() const { return opts_; }
    // The number of free tasks as kept by notify() (see above).
    int32_t numFree() const { return numFree_.get(); }

private:
    // A non-absent task with demand > 0, in the forward or the mirrored time direction.
    struct Item {
        int64_t est, lst, ect, lct;
        int64_t demand;
        int32_t task;  // index into tasks_
        bool present;
        bool free;
    };

    bool run(solver::Engine& e);
    // One direction: builds the items, checks windows, applies the updates (start min forward,
    // end max mirrored). Returns false on failure.
    bool pass(solver::Engine& e, bool mirror);
    // Energy of the compulsory profile on (-inf, t).
    __int128 energyBefore(int64_t t) const;

    std::vector<StageTask> tasks_;
    int64_t capacity_;
    TtefOptions opts_;
    std::vector<solver::RevBool> free_;  // per task: still counted as free
    solver::RevInt32 numFree_{0};

    // Scratch, reused between calls.
    std::vector<Item> items_;
    std::vector<int32_t> freeOrder_;      // free items by decreasing est
    std::vector<__int128> energyAtEst_;   // per item: energyBefore(est)
    std::vector<int64_t> ends_;           // the window ends b
    std::vector<int64_t> newEst_;         // per item: best start bound found
    std::vector<ProfileRect> rects_;
    ProfileSteps steps_;
    std::vector<__int128> stepEnergy_;    // per step: energy on (-inf, step.time)
    std::vector<std::pair<int64_t, int64_t>> profileScratch_;
};

}  // namespace moccasin
