#include "propagators/LastUse.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

#include "solver/BoundLiteral.h"
#include "solver/Engine.h"

namespace moccasin {

using solver::Engine;
using solver::EventMask;
namespace Event = solver::Event;

LastUse::LastUse(std::vector<StageTask> copies, std::vector<StageTask> consumers)
    : copies_(std::move(copies)), consumers_(std::move(consumers)) {
    if (copies_.empty()) throw std::invalid_argument("LastUse: no copies");
    for (const StageTask& t : copies_) {
        if (t.slot != copies_[0].slot) throw std::invalid_argument("LastUse: copies of different nodes");
    }
    for (const StageTask& t : consumers_) {
        if (t.slot <= copies_[0].slot) throw std::invalid_argument("LastUse: a consumer must follow its producer");
    }
    const size_t c = copies_.size();
    // Sized once (the trail holds their addresses). Until a copy's first U1 scan its bound is
    // +infinity from the own term, so the first own-term check rescans it.
    ubValue_.assign(c, solver::RevInt64(solver::kMaxValue));
    ubSupport_.assign(c, solver::RevInt32(-1));
    marks_.assign(c, kLb | kUb | kSelf);  // the first call propagates everything
    marksScratch_.assign(c, 0);
    isChanged_.assign(consumers_.size(), 0);
    changed_.reserve(consumers_.size());
    changedScratch_.reserve(consumers_.size());
}

void LastUse::attach(Engine& engine) {
    [[maybe_unused]] auto stageFromSlot = [&engine](const StageTask& t) { return engine.lb(t.stage) >= t.slot; };
    assert(std::all_of(copies_.begin(), copies_.end(), stageFromSlot));
    assert(std::all_of(consumers_.begin(), consumers_.end(), stageFromSlot));
    // Watch indices: copy i of u is stagetask::watchIndexOf(i, kind); consumer copy k is
    // kWatchKinds * C + k.
    const auto c = static_cast<int32_t>(copies_.size());
    for (int32_t i = 0; i < c; ++i) {
        stagetask::watchTask(engine, copies_[i], *this, i, Event::UpperBound);  // end: S1
    }
    for (int32_t k = 0; k < static_cast<int32_t>(consumers_.size()); ++k) {
        stagetask::watchPresenceAndStage(engine, consumers_[k], *this, stagetask::kWatchKinds * c + k);
    }
}

void LastUse::markConsumer(int32_t k) {
    if (isChanged_[k]) return;
    isChanged_[k] = 1;
    changed_.push_back(k);
}

bool LastUse::notify(Engine& /*engine*/, int32_t watchIndex, EventMask events) {
    const auto c = static_cast<int32_t>(copies_.size());
    if (watchIndex >= stagetask::kWatchKinds * c) {
        markConsumer(watchIndex - stagetask::kWatchKinds * c);
        return true;
    }
    const int i = stagetask::watchedTask(watchIndex);
    switch (stagetask::watchedKind(watchIndex)) {
        case stagetask::kWatchPresence:  // copy i-1's rules read p_ui; copy i's own rules do not
            if (i > 0) marks_[i - 1] |= kLb | kUb;
            break;
        case stagetask::kWatchStage:
            marks_[i] |= kSelf;  // L1 (lower bound), S1 and the own term of U1 (upper bound)
            if (i > 0 && (events & Event::LowerBound)) marks_[i - 1] |= kLb;  // L2 of copy i-1
            if (i > 0 && (events & Event::UpperBound)) marks_[i - 1] |= kUb;  // hi in U1 of copy i-1
            break;
        default:
            marks_[i] |= kSelf;  // S1
            break;
    }
    return true;
}

bool LastUse::boundsBelow(const Engine& e, int i, int k) const {
    const StageTask& t = consumers_[k];
    if (!stagetask::isPresent(e, t)) return false;
    if (i + 1 == static_cast<int>(copies_.size())) return true;
    const StageTask& next = copies_[i + 1];
    return stagetask::isAbsent(e, next) || e.ub(t.stage) < e.lb(next.stage);
}

int64_t LastUse::contribution(const Engine& e, int i, int k) const {
    const StageTask& t = consumers_[k];
    if (stagetask::isAbsent(e, t)) return solver::kMinValue;
    int64_t hi = e.ub(t.stage);
    if (i + 1 < static_cast<int>(copies_.size()) && stagetask::isPresent(e, copies_[i + 1])) {
        hi = std::min(hi, e.ub(copies_[i + 1].stage) - 1);
    }
    return e.lb(t.stage) <= hi ? eventOf(hi, t.slot) + 1 : solver::kMinValue;
}

bool LastUse::rescanLb(Engine& e, int i) {
    int64_t bound = solver::kMinValue;
    int by = 0;
    for (int k = 0; k < static_cast<int>(consumers_.size()); ++k) {
        if (boundsBelow(e, i, k) && stagetask::startMin(e, consumers_[k]) + 1 > bound) {
            bound = stagetask::startMin(e, consumers_[k]) + 1;
            by = k;
        }
    }
    e.addWork(consumers_.size());
    return stagetask::setEndMin(e, copies_[i], bound, this, codeOf(kL2, i, by));  // L2
}

bool LastUse::rescanUb(Engine& e, int i) {
    const StageTask& u = copies_[i];
    int64_t best = stagetask::startMax(e, u) + 1;
    int32_t support = -1;
    for (int k = 0; k < static_cast<int>(consumers_.size()); ++k) {
        const int64_t c = contribution(e, i, k);
        if (c > best) {
            best = c;
            support = k;
        }
    }
    e.addWork(consumers_.size());
    ubValue_[i].set(e.trail(), best);
    ubSupport_[i].set(e.trail(), support);
    return stagetask::setEndMax(e, u, best, this, codeOf(kU1, i));  // U1
}

bool LastUse::propagateCopy(Engine& e, int i, uint8_t marks, const std::vector<int32_t>& changed) {
    const StageTask& u = copies_[i];
    // L2: a full rescan, or the changed consumers that now bound the copy below.
    if (marks & kLb) {
        if (!rescanLb(e, i)) return false;
    } else {
        for (int32_t k : changed) {
            if (boundsBelow(e, i, k) &&
                !stagetask::setEndMin(e, u, stagetask::startMin(e, consumers_[k]) + 1, this, codeOf(kL2, i, k))) {
                return false;
            }
        }
    }
    if (stagetask::isAbsent(e, u)) return true;
    // U1: a full rescan, or one when the support's contribution dropped.
    bool rescan = (marks & kUb) != 0;
    if (!rescan) {
        const int32_t support = ubSupport_[i].get();
        if (support < 0) {
            rescan = (marks & kSelf) && stagetask::startMax(e, u) + 1 < ubValue_[i].get();
        } else if (std::find(changed.begin(), changed.end(), support) != changed.end()) {
            rescan = contribution(e, i, support) < ubValue_[i].get();
        }
    }
    if (rescan && !rescanUb(e, i)) return false;
    // L1 and S1 are O(1): always apply them.
    return stagetask::setEndMin(e, u, stagetask::startMin(e, u) + 1, this, codeOf(kL1, i)) &&
           stagetask::setStartMax(e, u, stagetask::endMax(e, u) - 1, this, codeOf(kS1, i));
}

bool LastUse::propagate(Engine& e) {
    // Take the pending marks first: our own changes notify us (we are not idempotent) and must
    // land in fresh marks for the next call.
    marksScratch_.swap(marks_);
    std::fill(marks_.begin(), marks_.end(), uint8_t{0});
    changedScratch_.swap(changed_);
    changed_.clear();
    for (int32_t k : changedScratch_) isChanged_[k] = 0;
    const int c = static_cast<int>(copies_.size());
    for (int i = 0; i < c; ++i) {
        if (stagetask::isAbsent(e, copies_[i])) continue;
        if (marksScratch_[i] == 0 && changedScratch_.empty()) continue;
        if (!propagateCopy(e, i, marksScratch_[i], changedScratch_)) return false;
    }
    e.addWork(changedScratch_.size() * copies_.size());
    return true;
}

bool LastUse::propagateFromScratch(Engine& e) {
    std::fill(marks_.begin(), marks_.end(), uint8_t{0});
    for (int32_t k : changed_) isChanged_[k] = 0;
    changed_.clear();
    changedScratch_.clear();
    const int c = static_cast<int>(copies_.size());
    for (int i = 0; i < c; ++i) {
        if (stagetask::isAbsent(e, copies_[i])) continue;
        if (!propagateCopy(e, i, kLb | kUb | kSelf, changedScratch_)) return false;
    }
    return true;
}

bool LastUse::explain(const Engine& e, int64_t code, const solver::BoundLiteral* lit, int64_t pos,
                      std::vector<solver::BoundLiteral>& reason) const {
    using solver::BoundLiteral;
    if (!lit) return e.explainByScope(*this, pos, reason);  // failures come from bound changes
    const auto rule = static_cast<Rule>(code % 8);
    const auto i = static_cast<int>((code / 8) % 64);
    const auto k = static_cast<size_t>(code / (8 * 64));
    const StageTask& t = copies_[static_cast<size_t>(i)];
    const bool last = i + 1 == static_cast<int>(copies_.size());
    const StageTask* next = last ? nullptr : &copies_[static_cast<size_t>(i) + 1];
    auto lower = [&](solver::VarId x) { reason.push_back(BoundLiteral{x, true, e.lbAt(x, pos)}); };
    auto upper = [&](solver::VarId x) { reason.push_back(BoundLiteral{x, false, e.ubAt(x, pos)}); };
    // The copy made absent: the bound the rule set would have emptied its domain.
    const bool madeAbsent = lit->var == t.presence;
    // A bound set "if present" empties the domain of a present copy: a failure needs [p_ui].
    if (!madeAbsent && e.lbAt(t.presence, pos) >= 1) reason.push_back(BoundLiteral{t.presence, true, 1});
    switch (rule) {
        case kL1:
            lower(t.stage);
            if (madeAbsent) upper(t.end);
            break;
        case kL2: {
            const StageTask& c = consumers_[k];
            reason.push_back(BoundLiteral{c.presence, true, 1});
            lower(c.stage);
            if (next) {
                if (e.ubAt(next->presence, pos) <= 0) {
                    reason.push_back(BoundLiteral{next->presence, false, 0});
                } else {
                    upper(c.stage);
                    lower(next->stage);
                }
            }
            if (madeAbsent) upper(t.end);
            break;
        }
        case kS1:
            upper(t.end);
            if (madeAbsent) lower(t.stage);
            break;
        case kU1: {
            upper(t.stage);
            const int64_t best = madeAbsent ? e.lbAt(t.end, pos) - 1 : lit->value;
            const bool nextPresent = next && e.lbAt(next->presence, pos) >= 1;
            bool nextNeeded = false;
            for (const StageTask& c : consumers_) {
                if (e.ubAt(c.presence, pos) <= 0) {
                    reason.push_back(BoundLiteral{c.presence, false, 0});
                    continue;
                }
                upper(c.stage);
                if (eventOf(e.ubAt(c.stage, pos), c.slot) + 1 > best) {
                    if (!nextPresent) return e.explainByScope(*this, pos, reason);  // unreachable
                    nextNeeded = true;
                    lower(c.stage);
                }
            }
            if (nextNeeded) {
                reason.push_back(BoundLiteral{next->presence, true, 1});
                upper(next->stage);
            }
            if (madeAbsent) lower(t.end);
            break;
        }
    }
    return true;
}

}  // namespace moccasin
