#include "propagators/Cover.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <stdexcept>
#include <utility>

#include "solver/BoundLiteral.h"
#include "solver/Engine.h"

namespace moccasin {

using solver::Engine;
using solver::EventMask;
namespace Event = solver::Event;

Cover::Cover(std::vector<StageTask> producer, std::vector<StageTask> consumer)
    : producer_(std::move(producer)), consumer_(std::move(consumer)) {
    if (producer_.empty() || consumer_.empty()) throw std::invalid_argument("Cover: no copies");
    if (consumer_.size() > 64) throw std::invalid_argument("Cover: more than 64 consumer copies");
    for (const StageTask& u : producer_) {
        for (const StageTask& v : consumer_) {
            if (u.slot >= v.slot) throw std::invalid_argument("Cover: the producer must precede the consumer");
        }
    }
    allCopies_ = consumer_.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << consumer_.size()) - 1;
    dirty_ = allCopies_;  // the first call propagates every copy
}

void Cover::attach(Engine& engine) {
    [[maybe_unused]] auto stageFromSlot = [&engine](const StageTask& t) { return engine.lb(t.stage) >= t.slot; };
    assert(std::all_of(producer_.begin(), producer_.end(), stageFromSlot));
    assert(std::all_of(consumer_.begin(), consumer_.end(), stageFromSlot));
    // Watch indices: copies of u are 0 .. |u|-1, copy j of v is |u| + j.
    const auto nu = static_cast<int32_t>(producer_.size());
    for (int32_t i = 0; i < nu; ++i) {
        const StageTask& t = producer_[i];
        engine.watch(t.presence, Event::UpperBound, *this, i);  // became absent
        engine.watch(t.stage, Event::LowerBound, *this, i);
        engine.watch(t.end, Event::UpperBound, *this, i);
    }
    for (int32_t j = 0; j < static_cast<int32_t>(consumer_.size()); ++j) {
        stagetask::watchPresenceAndStage(engine, consumer_[j], *this, nu + j);
    }
}

bool Cover::notify(Engine& /*engine*/, int32_t watchIndex, EventMask /*events*/) {
    const auto nu = static_cast<int32_t>(producer_.size());
    dirty_ |= watchIndex < nu ? allCopies_ : uint64_t{1} << (watchIndex - nu);
    return true;
}

bool Cover::propagateCopy(Engine& e, int j) {
    const StageTask& v = consumer_[j];
    if (stagetask::isAbsent(e, v)) return true;
    const int64_t vLb = e.lb(v.stage), vUb = e.ub(v.stage);
    int64_t hullLo = solver::kMaxValue, hullHi = solver::kMinValue;
    int candidates = 0, only = -1;
    for (int i = 0; i < static_cast<int>(producer_.size()); ++i) {
        const StageTask& u = producer_[i];
        if (stagetask::isAbsent(e, u)) continue;
        const int64_t lo = std::max(vLb, e.lb(u.stage));
        const int64_t hi = std::min(vUb, stagetask::lastStageAtOrBefore(e.ub(u.end) - 1, v.slot));
        if (lo > hi) continue;
        ++candidates;
        only = i;
        hullLo = std::min(hullLo, lo);
        hullHi = std::max(hullHi, hi);
    }
    if (candidates == 0) return e.setUb(v.presence, 0, this, j);  // R1 (fails if present)
    // R2: nonempty, so these never make v_j absent.
    if (!stagetask::setLbIfPresent(e, v, v.stage, hullLo, this, j) ||
        !stagetask::setUbIfPresent(e, v, v.stage, hullHi, this, j)) {
        return false;
    }
    if (candidates > 1 || !stagetask::isPresent(e, v)) return true;
    const StageTask& u = producer_[only];  // R3
    return e.setLb(u.presence, 1, this, j) && e.setUb(u.stage, e.ub(v.stage), this, j) &&
           e.setLb(u.end, stagetask::startMin(e, v) + 1, this, j);
}

bool Cover::runMarked(Engine& e, uint64_t marked) {
    while (marked != 0) {
        const int j = std::countr_zero(marked);
        marked &= marked - 1;
        if (!propagateCopy(e, j)) return false;
    }
    return true;
}

bool Cover::propagate(Engine& e) {
    const uint64_t marked = dirty_;
    dirty_ = 0;
    return runMarked(e, marked);
}

bool Cover::propagateFromScratch(Engine& e) {
    dirty_ = 0;
    return runMarked(e, allCopies_);
}

bool Cover::explain(const Engine& e, int64_t code, const solver::BoundLiteral* /*lit*/, int64_t pos,
                    std::vector<solver::BoundLiteral>& reason) const {
    using solver::BoundLiteral;
    const StageTask& v = consumer_[static_cast<size_t>(code)];
    reason.push_back(BoundLiteral{v.stage, true, e.lbAt(v.stage, pos)});
    reason.push_back(BoundLiteral{v.stage, false, e.ubAt(v.stage, pos)});
    if (e.lbAt(v.presence, pos) >= 1) reason.push_back(BoundLiteral{v.presence, true, 1});
    for (const StageTask& u : producer_) {
        if (e.ubAt(u.presence, pos) <= 0) {
            reason.push_back(BoundLiteral{u.presence, false, 0});
            continue;
        }
        reason.push_back(BoundLiteral{u.stage, true, e.lbAt(u.stage, pos)});
        reason.push_back(BoundLiteral{u.end, false, e.ubAt(u.end, pos)});
    }
    return true;
}

}  // namespace moccasin
