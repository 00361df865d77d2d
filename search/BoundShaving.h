// Bound shaving: once a schedule is known, the exact search runs as a series of probes, each
// asking "is there a schedule costing at most `cap`?" for a cap between the proven lower bound
// and the incumbent's cost. A probe that exhausts its tree proves that every schedule costs more
// than the cap, so the lower bound rises to cap + 1 (a destructive lower bound, as CP solvers
// compute one by "objective shaving"); the next probe asks for a cap twice as far above the new
// bound. A probe whose failures run out is not stopped: its cap is lowered (half as far above
// the bound) and it goes on with twice the failures, so what it refuted stays refuted and no work
// is lost (TreeSearch's CapLowering).
//
// The first probe's cap is the incumbent's cost minus one: it is the proof search itself, so an
// instance the proof search settles within the first failure limit is searched exactly as
// without shaving. Where the proof does not come, the cap falls until a probe ends.
//
// Why: the stage-cut bound prunes a subtree only when the relaxation lies above the cost's upper
// bound, and at a tree node it lies well below the root's integer bound. With the incumbent as
// the upper bound the proof search on the random layered graphs never ends and the bound it
// reports is the root's; with a cap just above the proven bound far more is pruned, and the
// probes end (bench/README.md, "Bound shaving").
#pragma once
#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace moccasin {

class BoundShaver {
public:
    // The next probe's cap (it searches for a schedule costing at most this), for a proven bound
    // below the incumbent's cost (lowerBound < incumbentCost). It may fail failLimit() times
    // before its cap is lowered.
    int64_t next(int64_t lowerBound, int64_t incumbentCost);
    // The probe's failures ran out at `cap`: the lower cap to go on with (half as far above the
    // bound, never below it); failLimit() is then the failures it may spend under that cap.
    int64_t lower(int64_t cap);
    uint64_t failLimit() const { return failLimit_; }
    // The probe exhausted its tree after `failures` failures: the next one asks for a cap twice
    // as far from the bound.
    void exhausted(uint64_t failures);

    nlohmann::json statistics() const;

    // The bound a probe proves when it exhausts its tree under `cap` (its last, lowered one):
    // no schedule costs at most the cap, unless one was found below it, which is then optimal.
    static int64_t boundAfterExhausted(int64_t cap, int64_t incumbentCost) { return std::min(cap + 1, incumbentCost); }

    // The first probe's step, as a share of the way from the bound to the incumbent's cost - 1
    // (1: the proof search), and its failures before the first lowering.
    static constexpr double kFirstFraction = 1.0;
    static constexpr uint64_t kFirstFailLimit = 1000;

private:
    double step_ = 0;          // 0: set by the first probe from its gap
    int64_t lowerBound_ = 0;   // the bound the current probe started from
    uint64_t failLimit_ = kFirstFailLimit;
    uint64_t probes_ = 0, exhausted_ = 0, lowered_ = 0;
};

}  // namespace moccasin
