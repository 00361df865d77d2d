#include "propagators/CopyOrder.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "solver/Engine.h"

namespace moccasin {

using solver::Engine;
using solver::EventMask;
namespace Event = solver::Event;

CopyOrder::CopyOrder(std::vector<StageTask> copies) : copies_(std::move(copies)) {
    if (copies_.empty()) throw std::invalid_argument("CopyOrder: no copies");
    for (const StageTask& t : copies_) {
        if (t.slot != copies_[0].slot) throw std::invalid_argument("CopyOrder: copies of different nodes");
    }
    const int c = static_cast<int>(copies_.size());
    dirtyLo_ = 1;  // the first call propagates every pair
    dirtyHi_ = c - 1;
}

void CopyOrder::attach(Engine& engine) {
    const int c = static_cast<int>(copies_.size());
    if (c < 2) return;  // no pair: nothing to watch
    // Watch indices: stagetask::watchIndexOf(copy, kind).
    for (int i = 0; i < c; ++i) {
        stagetask::watchTask(engine, copies_[i], *this, i, Event::LowerBound);  // end: read by F2 of pair i+1
    }
}

void CopyOrder::touch(int pair) {
    if (pair < 1 || pair >= static_cast<int>(copies_.size())) return;
    dirtyLo_ = std::min(dirtyLo_, pair);
    dirtyHi_ = std::max(dirtyHi_, pair);
}

bool CopyOrder::notify(Engine& /*engine*/, int32_t watchIndex, EventMask events) {
    const int copy = stagetask::watchedTask(watchIndex);
    switch (stagetask::watchedKind(watchIndex)) {
        case stagetask::kWatchPresence:
            touch(copy);
            touch(copy + 1);
            break;
        case stagetask::kWatchStage:
            if (events & Event::LowerBound) touch(copy + 1);  // F2 of the next pair
            if (events & Event::UpperBound) touch(copy);      // F2 emptiness and B2 of its own pair
            break;
        default:
            touch(copy + 1);  // end lower bound: F2 of the next pair
            break;
    }
    return true;
}

bool CopyOrder::forward(Engine& e, int pair) {
    const StageTask& a = copies_[pair - 1];
    const StageTask& b = copies_[pair];
    if (stagetask::isAbsent(e, b)) return true;
    if (stagetask::isAbsent(e, a)) return e.setUb(b.presence, 0, this);  // F1
    const int64_t need = std::max(e.lb(a.stage) + 1, stagetask::firstStageAtOrAfter(e.lb(a.end), b.slot));
    return stagetask::setLbIfPresent(e, b, b.stage, need, this);  // F2
}

bool CopyOrder::backward(Engine& e, int pair) {
    const StageTask& a = copies_[pair - 1];
    const StageTask& b = copies_[pair];
    if (!stagetask::isPresent(e, b)) return true;
    return e.setLb(a.presence, 1, this)                                // B1
           && e.setUb(a.end, stagetask::startMax(e, b), this)          // B2
           && e.setUb(a.stage, e.ub(b.stage) - 1, this);
}

bool CopyOrder::run(Engine& e, int lo, int hi) {
    const int c = static_cast<int>(copies_.size());
    for (int pair = lo; pair < c; ++pair) {
        if (!forward(e, pair)) return false;
    }
    for (int pair = hi; pair >= 1; --pair) {
        if (!backward(e, pair)) return false;
    }
    return true;
}

bool CopyOrder::propagate(Engine& e) {
    const int lo = dirtyLo_, hi = dirtyHi_;
    dirtyLo_ = static_cast<int>(copies_.size());
    dirtyHi_ = 0;
    return run(e, lo, hi);
}

bool CopyOrder::propagateFromScratch(Engine& e) {
    dirtyLo_ = static_cast<int>(copies_.size());
    dirtyHi_ = 0;
    return run(e, 1, static_cast<int>(copies_.size()) - 1);
}

}  // namespace moccasin
