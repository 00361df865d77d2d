#include "propagators/Ttef.h"

#include <stdexcept>

namespace moccasin {

using solver::Engine;
using solver::EventMask;
namespace Event = solver::Event;
namespace st = stagetask;

namespace {

// Free: not absent, and not present with a fixed stage and end. Monotone along a branch: once a
// task stops being free it stays so until backtracking.
bool isFreeTask(const Engine& e, const StageTask& t) {
    if (e.isFalse(t.presence)) return false;
    return !(e.isTrue(t.presence) && e.isFixed(t.stage) && e.isFixed(t.end));
}

}  // namespace

Ttef::Ttef(std::vector<StageTask> tasks, int64_t capacity, TtefOptions opts)
    : tasks_(std::move(tasks)), capacity_(capacity), opts_(opts) {
    if (capacity_ < 0) throw std::invalid_argument("Ttef: negative capacity");
    for (const StageTask& t : tasks_)
        if (t.demand < 0) throw std::invalid_argument("Ttef: negative demand");
}

void Ttef::attach(Engine& e) {
    const auto n = static_cast<int32_t>(tasks_.size());
    order_.clear();
    where_.assign(tasks_.size(), -1);
    for (int pick = 0; pick < 2; ++pick) {  // the free tasks first
        for (int32_t i = 0; i < n; ++i) {
            if (tasks_[i].demand == 0 || isFreeTask(e, tasks_[i]) != (pick == 0)) continue;
            where_[i] = static_cast<int32_t>(order_.size());
            order_.push_back(i);
        }
        if (pick == 0) numFree_ = solver::RevInt32(static_cast<int32_t>(order_.size()));
    }
    settled_ = solver::RevBool(false);
    base_.clear();
    baseFrom_ = static_cast<int32_t>(order_.size());  // nothing merged yet
    baseRect_.assign(tasks_.size(), ProfileRect{0, 0, 0});
    baseNoPlacement_ = 0;
    items_.reserve(order_.size());
    mirrored_.reserve(order_.size());
    if (!opts_.enabled) return;
    for (int32_t i = 0; i < n; ++i)
        if (tasks_[i].demand > 0) st::watchTask(e, tasks_[i], *this, i, Event::AnyBound);
}

// ---- Events

void Ttef::removeFree(Engine& e, int32_t i) {
    const int32_t last = numFree_.get() - 1;
    const int32_t p = where_[i];
    const int32_t other = order_[last];
    order_[p] = other;
    where_[other] = p;
    order_[last] = i;
    where_[i] = last;
    numFree_.set(e.trail(), last);
    // Popping this level makes i free again: if it is in base_ by then, onBacktrack takes it out.
    if (e.level() > 0) e.requestBacktrackCallback(*this);
}

bool Ttef::relevant(const Engine& e, int32_t i, st::WatchKind kind, EventMask events) const {
    const StageTask& t = tasks_[i];
    if (st::isAbsent(e, t)) return false;  // a variable of a task that was absent already
    switch (kind) {
        case st::kWatchPresence:
            return true;  // became present: its part and unit energy now count
        case st::kWatchStage:
            if (events & Event::LowerBound) return true;  // est
            return st::startMax(e, t) < st::endMax(e, t) - 1;  // lst = min(startMax, endMax - 1) moved
        case st::kWatchEnd:
            if (events & Event::UpperBound) return true;  // lct
            return st::endMin(e, t) > st::startMin(e, t) + 1;  // ect = max(endMin, startMin + 1) moved
    }
    return true;
}

bool Ttef::notify(Engine& e, int32_t watchIndex, EventMask events) {
    const int32_t i = st::watchedTask(watchIndex);
    bool changed = false;  // the free items or the compulsory energy changed
    if (where_[i] < numFree_.get() && !isFreeTask(e, tasks_[i])) {
        removeFree(e, i);
        changed = true;
    }
    changed = changed || relevant(e, i, st::watchedKind(watchIndex), events);
    if (changed && settled_.get()) settled_.set(e.trail(), false);
    if (!active(numFree_.get())) return false;
    if (settled_.get()) {
        ++stats_.skipped;  // a call would find nothing
        return false;
    }
    return true;
}

// ---- The profile of the fixed tasks

void Ttef::syncBase(Engine& e) {
    const int32_t n = numFree_.get();
    if (n >= baseFrom_) return;
    baseDelta_.clear();
    for (int32_t p = n; p < baseFrom_; ++p) {
        const int32_t i = order_[p];
        const StageTask& t = tasks_[i];
        ProfileRect r{0, 0, 0};
        if (st::isPresent(e, t)) {  // fixed: startMin = startMax, endMin = endMax
            r = ProfileRect{st::startMin(e, t), st::endMin(e, t), t.demand};
            if (r.end <= r.begin) {
                ++baseNoPlacement_;
            } else {
                baseDelta_.push_back(r);
            }
        }
        baseRect_[i] = r;
    }
    base_.add(baseDelta_);
    baseFrom_ = n;
    ++stats_.baseMerges;
}

// Called after popping a level where a task stopped being free. The tasks at positions
// [baseFrom_, numFree_) are free again; none has moved since it was merged (a removal only swaps
// positions below numFree_ <= baseFrom_).
void Ttef::onBacktrack(Engine&) {
    const int32_t n = numFree_.get();
    if (n <= baseFrom_) return;
    baseDelta_.clear();
    for (int32_t p = baseFrom_; p < n; ++p) {
        const ProfileRect r = baseRect_[order_[p]];
        if (r.demand == 0) continue;
        if (r.end <= r.begin) {
            --baseNoPlacement_;
        } else {
            baseDelta_.push_back(ProfileRect{r.begin, r.end, -r.demand});
        }
    }
    base_.add(baseDelta_);
    baseFrom_ = n;
    ++stats_.baseMerges;
}

// ---- Calls

bool Ttef::propagate(Engine& e) {
    ++stats_.calls;
    if (!opts_.enabled) return true;
    if (!active(numFree_.get())) {
        ++stats_.idle;
        return true;
    }
    if (settled_.get()) {
        ++stats_.skipped;
        return true;
    }
    return run(e, false);
}

bool Ttef::propagateFromScratch(Engine& e) {
    ++stats_.calls;
    if (!opts_.enabled) return true;
    int32_t n = 0;
    for (const StageTask& t : tasks_) n += t.demand > 0 && isFreeTask(e, t) ? 1 : 0;
    if (!active(n)) {
        ++stats_.idle;
        return true;
    }
    return run(e, true);
}

bool Ttef::run(Engine& e, bool fromScratch) {
    const uint64_t changes = stats().prunings;  // counted by the Engine
    if (!pass(e, false, fromScratch) || !pass(e, true, fromScratch)) return false;
    if (stats().prunings == changes) settled_.set(e.trail(), true);
    return true;
}

bool Ttef::addTask(const Engine& e, int32_t i, bool free) {
    const StageTask& t = tasks_[i];
    const int64_t sMin = st::startMin(e, t), sMax = st::startMax(e, t);
    const int64_t eMin = st::endMin(e, t), eMax = st::endMax(e, t);
    const bool present = st::isPresent(e, t);
    if (eMax <= sMin) {  // no placement with S < E
        if (present) return false;
        toAbsent_.push_back(i);
        return true;
    }
    const int64_t lst = std::min(sMax, eMax - 1), ect = std::max(eMin, sMin + 1);
    if (free) items_.push_back(TtefItem{sMin, lst, ect, eMax, t.demand, i, present});
    if (present && lst < ect) rects_.push_back(ProfileRect{lst, ect, t.demand});
    return true;
}

bool Ttef::collect(Engine& e, bool fromScratch) {
    items_.clear();
    rects_.clear();
    toAbsent_.clear();
    bool ok = true;
    if (fromScratch) {
        for (int32_t i = 0; ok && i < static_cast<int32_t>(tasks_.size()); ++i) {
            const StageTask& t = tasks_[i];
            if (t.demand == 0 || st::isAbsent(e, t)) continue;
            ok = addTask(e, i, isFreeTask(e, t));
        }
    } else {
        syncBase(e);
        ok = baseNoPlacement_ == 0;
        const int32_t n = numFree_.get();
        for (int32_t p = 0; ok && p < n; ++p) ok = addTask(e, order_[p], true);
    }
    if (!ok) {
        ++stats_.noPlacement;
        return false;
    }
    parts_.clear();
    parts_.add(rects_);
    // Absences last: they reorder the free set read above.
    for (const int32_t i : toAbsent_) {
        ++stats_.noPlacement;
        if (!e.setUb(tasks_[i].presence, 0, this, kNoPlacement)) return false;
    }
    return true;
}

bool Ttef::pass(Engine& e, bool mirror, bool fromScratch) {
    if (!collect(e, fromScratch)) return false;
    const std::vector<TtefItem>* items = &items_;
    if (mirror) {
        mirrored_.clear();
        for (const TtefItem& it : items_)
            mirrored_.push_back(TtefItem{-it.lct, -it.ect, -it.lst, -it.est, it.demand, it.task, it.present});
        items = &mirrored_;
    }
    const TtefEnergyView energy{fromScratch ? &parts_ : &base_, fromScratch ? nullptr : &parts_, mirror};
    ++stats_.passes;
    const TtefWindows::Outcome outcome = windows_.sweep(*items, energy, capacity_, opts_.leftOverlap);
    stats_.windows += windows_.windows();
    e.addWork(windows_.windows());
    if (outcome != TtefWindows::Outcome::ok) {
        ++stats_.overloads;
        if (outcome == TtefWindows::Outcome::overloadLeft) ++stats_.overloadsLeft;
        return false;
    }

    const std::vector<TtefBound>& bounds = windows_.bounds();
    for (size_t k = 0; k < items->size(); ++k) {
        const TtefBound& b = bounds[k];
        if (b.check == TtefCheck::none) continue;  // a bound was recorded only above est
        const StageTask& t = tasks_[(*items)[k].task];
        const bool left = b.check == TtefCheck::leftOverlap;
        bool ok;
        if (mirror) {
            ok = st::setEndMax(e, t, -b.start, this, left ? kEndMaxRight : kEndMax);
            ++(left ? stats_.endMaxRight : stats_.endMax);
        } else {
            ok = st::setStartMin(e, t, b.start, this, left ? kStartMinLeft : kStartMin);
            ++(left ? stats_.startMinLeft : stats_.startMin);
        }
        if (!ok) return false;
    }
    return true;
}

}  // namespace moccasin
