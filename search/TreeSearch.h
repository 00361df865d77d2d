// Depth-first branch and bound below the engine's current level, on one RematModel.
//
// Branching. At every node the "default completion" of the current domains (undecided extra
// copies absent, present ones at their latest allowed stage, ends from last uses) is evaluated
// (search/Completion.h: reused buffers, no Schedule is materialized).
// If it fits the budget it is tried as a solution. Otherwise the earliest overloaded computation
// t is resolved: among outputs the completion keeps in memory at t without reading them there,
// the one with the best size / cost is either dropped before t (its copy's end <= t) or kept
// (end > t). When no such choice exists, the first unfixed presence (absent first), stage
// (latest first) or end (smallest first) is branched on. Every branching splits one domain in
// two, so the search is complete: a run that is not stopped by a limit has proven that no
// schedule cheaper than the incumbent exists below the starting level.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "search/Completion.h"
#include "search/Deadline.h"
#include "search/Incumbent.h"
#include "search/RematModel.h"
#include "solver/BoundLiteral.h"
#include "solver/ConflictAnalysis.h"
#include "solver/NogoodStore.h"

namespace moccasin {

// What the tree search records as nogoods (see TreeSearch::setNogoodStore).
struct NogoodLimits {
    // Longer nogoods are not recorded: on rl_n100 at 0.5 they average 60 literals, rarely prune,
    // and 32,000 of them cut the nodes per second 2.4x; the ones that prove mobilenet_train 0.8
    // with restarts have at most 16 (bench/README.md, "Nogoods").
    size_t maxLength = 32;
    // Recording stops once the store holds this many literals (16 bytes each: 160 MB), so that a
    // search without a time limit does not grow without bound.
    int64_t maxLiterals = 10'000'000;
    // False: runs stopped by their failure limit record no nogoods (only learnt ones are kept).
    bool restartNogoods = true;
    // Nogoods learnt from conflicts (TreeSearch::setLearning) longer than this are not recorded.
    size_t learntMaxLength = 64;
    // Live learnt nogoods before the store deletes the less active half (0: never;
    // solver/NogoodStore.h, Limits). Without deletion, propagating the nogoods took 23 of the
    // 29 s in which the search alone proves rl_n100 at 0.8; keeping 1,000-20,000 takes 9-15 s
    // (bench/README.md, "Deleting learnt nogoods").
    int64_t learntKeep = 5000;
};

// Asked when a run under a cost cap (TreeSearch::setCostCap) reaches its failure limit. It may
// lower the cap, and the run goes on under the lower one: what the run refuted under the higher
// cap stays refuted under the lower, so no work is lost. It sets the run's new failure limit
// (counted from the run's start); false stops the run.
class CapLowering {
public:
    virtual ~CapLowering() = default;
    virtual bool lower(int64_t& cap, uint64_t& failLimit) = 0;
};

class TreeSearch {
public:
    TreeSearch(RematModel& model, Incumbent& incumbent, uint64_t seed)
        : model_(model), e_(model.engine()), incumbent_(incumbent), completion_(model),
          rng_(seed * 0x9E3779B97F4A7C15ULL + 1) {}

    enum class Outcome { Exhausted, FailLimit, Deadline };
    // Searches below the current level; leaves the engine at that level. `jitter` in [0, 1)
    // randomizes the peak branching's tie-breaks (for restarts and LNS diversity).
    Outcome run(uint64_t failLimit, const Deadline& deadline, double jitter, const char* source);

    // With a store, a run stopped by its failure limit at level 0 records the refuted part of
    // its last branch as nogoods (reduced nld-nogoods, Lecoutre et al. 2007): for each decision
    // whose first alternative was refuted, the positive decisions above it and that alternative.
    // They hold for every later run (as long as the cost only has to improve), so a restart does
    // not search that part again.
    void setNogoodStore(solver::NogoodStore* store, const NogoodLimits& limits) {
        nogoods_ = store;
        nogoodLimits_ = limits;
        if (store) store->setLimits({limits.maxLiterals, limits.learntKeep});
    }
    uint64_t nogoodsRecorded() const { return nogoodsRecorded_; }

    // Learning: at every failure below a node, the conflict is analysed (solver/ConflictAnalysis.h)
    // and the nogood recorded in the store, which must be set and outlive the runs. The engine's
    // learning must be on. Learnt nogoods hold in the model itself, so capped runs keep them.
    void setLearning(solver::ConflictAnalysis* analysis) { analysis_ = analysis; }

    // Runs look only for schedules costing at most `cap` (and less than the incumbent), so an
    // exhausted run proves that none costs that little (search/BoundShaving.h). Nogoods learnt
    // under a cap hold only for that cap, so capped runs record none. Incumbent::kNone: no cap.
    void setCostCap(int64_t cap) { costCap_ = cap; }
    // The cap now (a run may have lowered it: an exhausted run proves that no schedule costs at
    // most this).
    int64_t costCap() const { return costCap_; }
    // `lowering` (owned by the caller, outliving the runs) is asked at a capped run's failure limit.
    void setCapLowering(CapLowering* lowering) { capLowering_ = lowering; }

    uint64_t nodes() const { return nodes_; }
    uint64_t failures() const { return failures_; }

private:
    // A branch: alt[1] is always alt[0].negation(), which the nogoods rely on.
    using Decision = solver::BoundLiteral;
    struct Frame {
        Decision alt[2];
        int next = 0;
        int32_t level = 0;
    };

    bool boundObjective();
    // Propagates the learnt nogoods the store has to check (new, or re-asserted by a backtrack)
    // on the current level: at a run's first level and on each frame's level before its next
    // alternative. False on a failure.
    bool propagatePendingLearnt();
    // After a failure: learns a nogood from it when learning is on.
    void learn();
    std::vector<std::vector<Decision>> refutedBranches(const std::vector<Frame>& stack) const;
    bool branchOrSolution(Frame& f);
    void tryCompletion(const StagedPlan& completion);
    bool peakBranch(const std::vector<Computation>& computations, int64_t t, int computedNode, Frame& f);
    bool fallbackBranch(Frame& f);

    RematModel& model_;
    solver::Engine& e_;
    Incumbent& incumbent_;
    Completion completion_;  // the default completion, rebuilt at every node (search/Completion.h)
    std::mt19937_64 rng_;
    double jitter_ = 0;
    const char* source_ = "search";
    uint64_t nodes_ = 0, failures_ = 0, nogoodsRecorded_ = 0;
    int64_t costCap_ = Incumbent::kNone;
    CapLowering* capLowering_ = nullptr;
    solver::NogoodStore* nogoods_ = nullptr;
    NogoodLimits nogoodLimits_;
    solver::ConflictAnalysis* analysis_ = nullptr;
    std::vector<solver::BoundLiteral> learnt_;  // scratch
};

}  // namespace moccasin
