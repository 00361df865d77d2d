// Bound shaving: once a schedule is known, the exact search runs as a series of probes, each
// asking "is there a schedule costing at most `cap`?" for a cap between the proven lower bound
// and the incumbent's cost. A probe that exhausts its tree proves that every schedule costs more
// than the cap, so the lower bound rises to cap + 1 (a destructive lower bound, as CP solvers
// compute one by "objective shaving"). A probe stopped by its failure limit proves nothing: the
// next one asks for less (a cap nearer the bound) with twice the failures. A probe whose cap is
// the incumbent's cost minus one is the proof search itself.
//
// The step from the bound to the cap doubles after an exhausted probe and halves after a stopped
// one; the failure limit doubles after a stopped probe and is at least twice what the last
// exhausted probe spent. On rl_n100 at 0.8 even a cap at the bound itself takes some 46,000
// failures, and the failures roughly double for every 30 units of cap above it, so a scheme that
// climbs by small steps pays that base again and again; among the simple schemes compared on that
// model (step doubling, tripling, quadrupling, a step fitted to the last two probes), this one
// came nearest to the best single probe.
//
// Why: the stage-cut bound prunes a subtree only when the relaxation lies above the cost's upper
// bound. With the incumbent as that bound, the proof search on the random layered graphs never
// ends and the bound it reports is the root's; with a cap just above the proven bound far more
// is pruned, and the probes end (bench/README.md, "Bound shaving").
#pragma once
#include <cstdint>

#include <nlohmann/json.hpp>

namespace moccasin {

class BoundShaver {
public:
    struct Probe {
        int64_t cap = 0;         // search for a schedule costing at most this
        uint64_t failLimit = 0;  // failures the probe may spend
        bool capped = false;     // false: the cap is the incumbent's cost - 1 (the proof search)
    };

    // The next probe, for a proven bound below the incumbent's cost (lowerBound < incumbentCost).
    Probe next(int64_t lowerBound, int64_t incumbentCost);
    // The last probe exhausted its tree after `failures` failures: the next one asks for a cap
    // twice as far from the bound.
    void exhausted(uint64_t failures);
    // The last probe hit its failure limit: half as far, twice the failures.
    void stopped();

    nlohmann::json statistics() const;

    // The first probe's step, as a share of the way from the bound to the incumbent, and its
    // failures.
    static constexpr double kFirstFraction = 1.0 / 64;
    static constexpr uint64_t kFirstFailLimit = 1000;

private:
    double step_ = 0;  // 0: set by the first probe from its gap
    uint64_t failLimit_ = kFirstFailLimit;
    uint64_t exhausted_ = 0, stopped_ = 0;
};

}  // namespace moccasin
