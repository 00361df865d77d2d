#include "propagators/RecomputeBound.h"

namespace moccasin {

using solver::Engine;
namespace Event = solver::Event;

RecomputeBound::RecomputeBound(const Graph& g, int64_t budget, solver::VarId cost,
                               std::vector<std::vector<solver::VarId>> extraPresence, int iterationsPerCall)
    : g_(g), cost_(cost), extra_(std::move(extraPresence)), bound_(g, budget), iterations_(iterationsPerCall),
      paid_(g.numNodes()), free_(g.numNodes()), maxDrops_(g.numNodes()) {}

void RecomputeBound::attach(Engine& e) {
    for (const auto& copies : extra_)
        for (solver::VarId p : copies) e.watch(p, Event::Fixed, *this, 0);
    e.watch(cost_, Event::UpperBound, *this, 0);
}

bool RecomputeBound::propagateFromScratch(Engine& e) {
    int64_t paidCost = 0;
    for (int u = 0; u < g_.numNodes(); ++u) {
        paid_[u] = free_[u] = 0;
        for (solver::VarId p : extra_[u]) {
            if (e.isTrue(p)) ++paid_[u];
            else if (!e.isFalse(p)) ++free_[u];
        }
        paidCost += paid_[u] * g_.cost(u);
        maxDrops_[u] = paid_[u] + free_[u];
    }
    if (bound_.provesInfeasible(maxDrops_)) return e.setUb(cost_, e.lb(cost_) - 1, this);  // fails
    const int64_t base = g_.baselineCost() + paidCost;
    const int64_t target = e.ub(cost_) - base;  // what the extra recomputations may still cost
    int64_t extra = bound_.improve(paid_, free_, iterations_, target + 1);
    e.addWork(static_cast<uint64_t>(iterations_ + 1) * static_cast<uint64_t>(g_.numNodes()));
    return e.setLb(cost_, base + extra, this);
}

}  // namespace moccasin
