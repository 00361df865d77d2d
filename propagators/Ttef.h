// Timetable edge finding (Vilím, CPAIOR 2011; the formulation of Schutt, Feydy & Stuckey, CPAIOR
// 2013, with its left-overlap case) for the memory constraint of docs/model.md over optional,
// variable-length StageTasks. It runs next to Timetable: it assumes nothing about what Timetable
// has done, but it does not replace Timetable's pointwise overload check either (it only looks at
// windows whose ends come from free tasks).
//
// TASKS. A present task occupies [S, E) with S = eventOf(stage, slot), E = end and E >= S + 1
// (problem.md: e >= s + 1). From the bounds we use
//     est = startMin,  lct = endMax,
//     lst = min(startMax, endMax - 1)   (S <= startMax and S <= E - 1 <= endMax - 1),
//     ect = max(endMin, startMin + 1)   (E >= endMin and E >= S + 1 >= startMin + 1).
// A task with lst < est (equivalently endMax <= startMin) has no placement: it fails if present
// and is made absent if undecided. Demands are fixed, >= 0; tasks with demand 0 are ignored.
// Everything below holds for the RELAXED placements: integers S in [est, lst] and E in
// [ect, lct] with S < E. Every real placement is one (the stage's events are a subset of
// [est, lst]), so what no relaxed placement allows, no real one does.
//
// MINIMUM OCCUPATION. A task starting at s in [est, lst] covers occ(s) = [s, max(ect, s + 1)),
// as E >= ect and E >= s + 1. For a window W = [a, b), a < b, let m(a, b) be the fewest events
// of W a present task covers in every relaxed placement:
//  - with a compulsory part (lst < ect): m = |[lst, ect) ∩ W| = (min(ect, b) - max(lst, a))^+.
//    Every placement covers [lst, ect) (S <= lst, E >= ect); (S, E) = (lst, ect) covers nothing
//    else, so no larger value is valid.
//  - a "unit" task (lst >= ect, no compulsory part): m = 1 if ect > a and lst < b, else 0.
//    If ect > a and lst < b, then S <= lst < b, E >= ect > a and S < E, so max(S, a) < min(E, b)
//    and [S, E) meets W. Otherwise (S, E) = (est, ect) ends at ect <= a, or (lst, lst + 1) starts
//    at lst >= b, outside W (both are placements: ect >= est + 1, lst >= ect).
//    (LEFT OVERLAP: est >= a implies ect >= est + 1 > a, so "ect > a" holds for every unit task
//    that must start inside W, and also for those that start before a but end after it.)
//
// ENERGY IN A WINDOW. R(a, b) = sum over the PRESENT tasks j of d_j * m_j(a, b): the compulsory
// profile of the present tasks (fixed ones included) integrated over W, plus d_j for every
// present unit task with ect_j > a and lst_j < b. In every solution the load integrated over W
// is at least R(a, b). Let avail(a, b) = capacity * (b - a) - R(a, b).
//  (1) Consistency: avail(a, b) < 0 -> fail.
//  (2) Start update, for a free task i (present or undecided; m_i := 0 if undecided, as R counts
//      present tasks only). In a solution with i present at S_i = s, the other tasks cover at
//      least R - d_i m_i of W's energy and i covers occ(s) ∩ W, so with avail >= 0
//          h(s) = |occ(s) ∩ W| <= k = floor(avail / d_i) + m_i.
//      h(est) = (min(ect, b) - max(est, a))^+. When h(est) >= 1 (ect > a, est < b), h is
//      non-increasing on s >= est: it is min(ect, b) - a while s <= a, min(ect, b) - s on
//      [a, ect), 1 on [max(ect, a), b) and 0 from b on. So if h(est) > k, every start below
//          s* = min(ect, b) - k  (k >= 1),     s* = b  (k = 0)
//      has h(s) > k, and S_i >= s* (for an undecided task: if present; StageTask helpers make it
//      absent when s* is beyond its last start).
//      Closed form. Let F_i(b) = min(lst, b) for a present task with a compulsory part, ect - 1
//      for a present unit task with lst < b, and min(ect, b) otherwise (undecided tasks, present
//      unit tasks with lst >= b). For every window with a < F_i (only those can fire), case by
//      case m_i = min(ect, b) - F_i (a < F <= lst gives max(lst, a) = lst; a < ect - 1 gives
//      ect > a), hence h(est) - m_i = F_i - max(est, a), and rule (2) reads
//          extra_i(a, b) = d_i * (F_i - max(est_i, a)) > avail(a, b)
//              ->  S_i >= F_i - floor(avail / d_i),  or S_i >= b if floor(avail / d_i) = 0 and
//                  F_i = min(ect_i, b).
//      For a <= est this is Vilím's test (the task "inside" the window start); a window with
//      est < a < F_i is the LEFT-OVERLAP case: i starting at est would already cover [a, F_i).
//      A present unit task counted in R is a candidate too (F = ect - 1: the one event R counts
//      for it is given back).
//  (3) End update: the same rules on the mirrored problem (time t -> -t, the relaxed placement
//      [S, E) becomes [-E, -S): est <-> -lct, lst <-> -ect, compulsory parts and m map to
//      themselves). In forward time, with G_i(a) = -F'_i = max(ect, a) for a present task with a
//      compulsory part, lst + 1 for a present unit task with ect > a, max(lst, a) otherwise:
//          d_i * (min(lct_i, b) - G_i) > avail(a, b)
//              ->  E_i <= G_i + floor(avail / d_i),  or E_i <= a if floor(avail / d_i) = 0 and
//                  G_i = max(lst_i, a).
//      Its left-overlap case is a window ending before lct_i (b < lct_i): i ending at lct would
//      cover [G_i, b) beyond what R counts.
//
// WINDOWS. a ranges over A = {est of the free tasks} ∪ {ect - 1 of the present unit tasks} and b
// over B = {lct of the free tasks} ∪ {lst + 1 of the present unit tasks} (mirroring swaps A and
// -B). For each b, a sweep over a (decreasing) keeps R and checks every window for (1). For rule
// (2) each free task i with F_i(b) > est_i is tested in two windows ending at b: among those with
// a <= est_i, the one with the least avail (extra_i is the same in all of them, so this one fires
// if any does, with the best bound); and among those with est_i < a < F_i, the one with the least
// avail (if it fires it gives the best bound of them; a window with more avail may fire where it
// does not, which is left out, so this test is not monotone in the set of windows). The sweep
// finds both with a stack of suffix minima. This tests every task where Vilím's algorithm tests
// one per window, and finds at least its bounds. Bounds are applied after the pass, so one call
// is not a fixpoint: the propagator is NOT idempotent.
//
// FREE TASKS AND THE CAP. A task is free unless it is absent or present with fixed stage and end
// (so undecided tasks count as free). With more than opts.maxFreeTasks free tasks (of demand > 0)
// the propagator does nothing (like CP-SAT's max_num_intervals_for_timetable_edge_finding = 100);
// with none it has nothing to add to Timetable.
//
// INCREMENTAL STATE (propagate(); propagateFromScratch() rebuilds everything from the domains and
// must prune exactly the same).
//  - The free tasks are a reversible sparse set kept by notify(): a task only stops being free
//    along a branch.
//  - The profile of the fixed present tasks, each [S, E), is kept in `base_`: the tasks that
//    stopped being free since the last call are merged in (O(m) for m breakpoints, no sort of
//    the old ones). notify() asks for a backtrack callback at every level where a task stops
//    being free, so popping it runs onBacktrack(), which takes out the tasks that are free again.
//    A call then reads only the u free tasks: O(u log u) for their parts, O(|B| * (|A| + u log u))
//    for the windows, plus O(log m) per energy read. A fixed present task with E <= S is counted
//    apart (no placement: fail).
//  - What a call finds is a function of the free tasks' items (est, lst, ect, lct, present) and
//    of the compulsory energy. settled_ (reversible) records that a call on the current domains
//    changed nothing; notify() clears it when a task stops being free (undecided -> absent, or
//    fixed) or a non-absent task's item or part changes: a task becoming present, est (stage lb),
//    lct (end ub), lst (stage ub, unless startMax stays >= endMax - 1) or ect (end lb, unless
//    endMin stays <= startMin + 1). Anything else (e.g. an absent task's variables) leaves the
//    call's result as it was, and a settled propagator is not woken. Removing a task does not
//    suffice to keep it settled: the left-overlap test takes the least-avail window of a range,
//    and without that window another one of the range may fire.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "propagators/Profile.h"
#include "propagators/StageTask.h"
#include "propagators/TtefEnergy.h"
#include "propagators/TtefWindows.h"
#include "solver/Engine.h"
#include "solver/Propagator.h"
#include "solver/Rev.h"

namespace moccasin {

struct TtefOptions {
    int maxFreeTasks = 200;  // do nothing when more tasks (of demand > 0) than this are free
    bool enabled = true;     // false: the propagator watches nothing and prunes nothing
    // false: without the left-overlap rules, i.e. a unit task counts in R(a, b) only when
    // est >= a, A has no ect - 1 points and no window starting after a task's est is tested for
    // it (mirrored: no window ending before its lct). For ablations and tests.
    bool leftOverlap = true;
};

// Ttef's own counters, next to the Engine's PropagatorStats (calls, prunings, failures, time).
// Deterministic like those.
struct TtefStats {
    uint64_t calls = 0;          // propagate + propagateFromScratch
    uint64_t idle = 0;           // calls with no free task or more than maxFreeTasks
    uint64_t skipped = 0;        // calls saved: changes that left a settled state's free items
                                 // and energy as they were (the propagator is not woken), and
                                 // calls on a settled state
    uint64_t passes = 0;         // window sweeps (two per call that runs)
    uint64_t windows = 0;        // windows checked
    uint64_t baseMerges = 0;     // updates of the fixed tasks' profile (merges and undos)
    // What the rules did.
    uint64_t overloads = 0;      // rule (1) failures
    uint64_t overloadsLeft = 0;  //   of which the window passes without its left-overlap unit tasks
    uint64_t startMin = 0;       // start bounds from a window with a <= est (rule 2)
    uint64_t startMinLeft = 0;   //   from a left-overlap window (est < a)
    uint64_t endMax = 0;         // end bounds from a mirrored window with b >= lct (rule 3)
    uint64_t endMaxRight = 0;    //   from a window ending before lct (mirrored left overlap)
    uint64_t noPlacement = 0;    // tasks made absent, or failures, for lst < est
};

class Ttef final : public solver::Propagator {
public:
    // Inference codes passed with the changes (reserved for explanations).
    enum Rule : int { kStartMin = 1, kEndMax = 2, kNoPlacement = 3, kStartMinLeft = 4, kEndMaxRight = 5 };

    // Throws std::invalid_argument on a negative demand or capacity.
    Ttef(std::vector<StageTask> tasks, int64_t capacity, TtefOptions opts = {});

    std::string_view name() const override { return "Ttef"; }
    solver::Priority priority() const override { return solver::Priority::Strong; }
    bool idempotent() const override { return false; }

    void attach(solver::Engine& e) override;
    bool propagate(solver::Engine& e) override;
    bool propagateFromScratch(solver::Engine& e) override;
    bool notify(solver::Engine& e, int32_t watchIndex, solver::EventMask events) override;
    void onBacktrack(solver::Engine& e) override;

    const std::vector<StageTask>& tasks() const { return tasks_; }
    int64_t capacity() const { return capacity_; }
    const TtefOptions& options() const { return opts_; }
    const TtefStats& ttefStats() const { return stats_; }
    // The number of free tasks of demand > 0, as kept by notify().
    int32_t numFree() const { return numFree_.get(); }
    // Whether the current domains are known to be a fixpoint of a call (see above).
    bool settled() const { return settled_.get(); }

private:
    bool active(int32_t numFree) const { return numFree > 0 && numFree <= opts_.maxFreeTasks; }
    // Both passes; `fromScratch` chooses how the items and the energy are gathered.
    bool run(solver::Engine& e, bool fromScratch);
    // Items of the free tasks and the compulsory energy, forward. False on a present task with
    // no placement; undecided ones are made absent.
    bool collect(solver::Engine& e, bool fromScratch);
    // Appends task i's item (if free) and compulsory part (if present); false if it is present
    // with no placement, and queues it for absence if undecided with none.
    bool addTask(const solver::Engine& e, int32_t i, bool free);
    // One direction: the window checks, then the bounds (start min forward, end max mirrored).
    bool pass(solver::Engine& e, bool mirror, bool fromScratch);
    // Merges the tasks that stopped being free into base_.
    void syncBase(solver::Engine& e);
    void removeFree(solver::Engine& e, int32_t task);
    // Whether a change of variable `kind` of task i (still free or not) changes its item or its
    // compulsory part (see above).
    bool relevant(const solver::Engine& e, int32_t task, stagetask::WatchKind kind, solver::EventMask events) const;

    std::vector<StageTask> tasks_;
    int64_t capacity_;
    TtefOptions opts_;

    // Free set: the tasks of demand > 0, the free ones first, order_[0, numFree_).
    std::vector<int32_t> order_;
    std::vector<int32_t> where_;  // per task: its position in order_ (-1 for demand 0)
    solver::RevInt32 numFree_{0};
    solver::RevBool settled_{false};

    // The fixed present tasks at positions [baseFrom_, order_.size()): their parts are in base_,
    // baseRect_[task] is the one merged (demand 0 for an absent task), baseNoPlacement_ counts
    // those with E <= S. Invariant between calls: numFree_ <= baseFrom_.
    TtefEnergy base_;
    int32_t baseFrom_ = 0;
    std::vector<ProfileRect> baseRect_;
    int32_t baseNoPlacement_ = 0;

    TtefStats stats_;

    // Scratch, reused between calls.
    TtefEnergy parts_;               // the parts of the free present tasks (of all present tasks from scratch)
    std::vector<TtefItem> items_;    // free tasks, forward
    std::vector<TtefItem> mirrored_;
    std::vector<ProfileRect> rects_;      // parts of the tasks read by a pass
    std::vector<ProfileRect> baseDelta_;  // what syncBase / onBacktrack change in base_
    std::vector<int32_t> toAbsent_;  // undecided tasks with no placement
    TtefWindows windows_;
};

}  // namespace moccasin
