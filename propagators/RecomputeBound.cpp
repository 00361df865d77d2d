#include "propagators/RecomputeBound.h"

#include <algorithm>
#include <tuple>

#include "model/Timeline.h"

namespace moccasin {

using solver::Engine;
namespace Event = solver::Event;

namespace {
// Watch indices: 2u for copy 0's end of node u, 2u + 1 for the stage of an extra copy of u;
// -1 for presences and the cost (always relevant).
constexpr int32_t kAlways = -1;
}  // namespace

RecomputeBound::RecomputeBound(const Graph& g, int64_t budget, solver::VarId cost,
                               std::vector<std::vector<StageTask>> copies, RecomputeBoundOptions options)
    : g_(g), cost_(cost), copies_(std::move(copies)), bound_(g, budget), opt_(options),
      paid_(g.numNodes()), free_(g.numNodes()), maxDrops_(g.numNodes()) {
    windows_.lo.assign(g.numNodes(), 0);
    windows_.hi.assign(g.numNodes(), g.numNodes() - 1);
}

void RecomputeBound::attach(Engine& e) {
    for (int u = 0; u < g_.numNodes(); ++u) {
        const auto& c = copies_[u];
        for (size_t i = 1; i < c.size(); ++i) e.watch(c[i].presence, Event::Fixed, *this, kAlways);
        if (!opt_.windows) continue;
        e.watch(c[0].end, Event::LowerBound, *this, 2 * u);
        for (size_t i = 1; i < c.size(); ++i) e.watch(c[i].stage, Event::UpperBound, *this, 2 * u + 1);
    }
    e.watch(cost_, Event::UpperBound, *this, kAlways);
}

std::pair<int, int> RecomputeBound::window(const Engine& e, int u) const {
    const auto& c = copies_[u];
    // Copy 0 is live at every event before end_u0 >= end_u0.lb; the cut of stage s is its last
    // event, so the first cut u can miss is the one of the stage holding end_u0.lb.
    const int64_t endLb = e.lb(c[0].end);
    const int n = g_.numNodes();
    const int lo = endLb >= numEvents(n) ? n : static_cast<int>(stageOfEvent(endLb));
    int64_t latest = -1;  // the largest stage an extra copy that is not absent may start in
    for (size_t i = 1; i < c.size(); ++i)
        if (!e.isFalse(c[i].presence)) latest = std::max(latest, e.ub(c[i].stage));
    return {lo, static_cast<int>(latest) - 1};
}

bool RecomputeBound::notify(Engine& e, int32_t watchIndex, solver::EventMask) {
    if (watchIndex == kAlways) return dirty_ = fullStep_ = true;
    // Only a window change matters; windows_ holds the last call's windows (after a backtrack
    // they may be stale, which can only cost a spurious or a skipped call, never validity).
    // Windows that hold the same stages with a positive excess give the same bound.
    const int u = watchIndex / 2;
    auto [lo, hi] = window(e, u);
    if (bound_.positiveRange(lo, hi) != bound_.positiveRange(windows_.lo[u], windows_.hi[u])) dirty_ = true;
    return dirty_;
}

// windows_ describes a deeper state now: the next call must recompute it.
void RecomputeBound::onBacktrack(Engine&) { dirty_ = fullStep_ = true; }

bool RecomputeBound::propagateFromScratch(Engine& e) { return run(e, opt_.iterationsPerCall); }

bool RecomputeBound::propagate(Engine& e) {
    if (!dirty_) return true;
    // After window changes alone, one evaluation at the current multipliers: those changes come
    // at most search nodes (every kept output moves an end), and a full step costs 5 evaluations.
    return run(e, fullStep_ ? opt_.iterationsPerCall : 0);
}

bool RecomputeBound::run(Engine& e, int iterations) {
    dirty_ = fullStep_ = false;
    if (e.level() > 0) e.requestBacktrackCallback(*this);
    int64_t paidCost = 0;
    for (int u = 0; u < g_.numNodes(); ++u) {
        paid_[u] = free_[u] = 0;
        const auto& c = copies_[u];
        for (size_t i = 1; i < c.size(); ++i) {
            if (e.isTrue(c[i].presence)) ++paid_[u];
            else if (!e.isFalse(c[i].presence)) ++free_[u];
        }
        paidCost += paid_[u] * g_.cost(u);
        maxDrops_[u] = paid_[u] + free_[u];
        if (opt_.windows) std::tie(windows_.lo[u], windows_.hi[u]) = window(e, u);
    }
    const DropWindows* windows = opt_.windows ? &windows_ : nullptr;
    if (bound_.provesInfeasible(maxDrops_, windows)) return e.setUb(cost_, e.lb(cost_) - 1, this);  // fails
    const int64_t base = g_.baselineCost() + paidCost;
    const int64_t target = e.ub(cost_) - base;  // what the extra recomputations may still cost
    int64_t extra = bound_.improve(paid_, free_, iterations, target + 1, windows);
    e.addWork(static_cast<uint64_t>(iterations + 1) * static_cast<uint64_t>(g_.numNodes()));
    return e.setLb(cost_, base + extra, this);
}

}  // namespace moccasin
