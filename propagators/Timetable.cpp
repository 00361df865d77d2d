#include "propagators/Timetable.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "solver/BoundLiteral.h"

namespace moccasin {

using solver::Engine;
using solver::EventMask;
namespace Event = solver::Event;

namespace {
constexpr int32_t kWatchPresence = 0, kWatchStage = 1, kWatchEnd = 2, kWatchesPerTask = 3;
}  // namespace

Timetable::Timetable(std::vector<StageTask> tasks, int64_t capacity, TimetableOptions opts)
    : tasks_(std::move(tasks)), capacity_(capacity), opts_(opts) {
    for (const StageTask& t : tasks_) {
        if (t.demand < 0) throw std::invalid_argument("Timetable: negative demand");
    }
    contrib_.assign(tasks_.size(), Part{});
    byDemand_.resize(tasks_.size());
    for (size_t i = 0; i < tasks_.size(); ++i) byDemand_[i] = static_cast<int32_t>(i);
    std::stable_sort(byDemand_.begin(), byDemand_.end(),
                     [&](int32_t a, int32_t b) { return tasks_[a].demand > tasks_[b].demand; });
    isTouched_.assign(tasks_.size(), 0);
}

void Timetable::attach(Engine& e) {
    taskOfVar_.assign(static_cast<size_t>(e.numVars()), -1);
    for (size_t k = 0; k < tasks_.size(); ++k) {
        const auto i = static_cast<int32_t>(k);
        const StageTask& t = tasks_[k];
        for (solver::VarId x : {t.presence, t.stage, t.end}) taskOfVar_[static_cast<size_t>(x)] = i;
        e.watch(t.presence, Event::Fixed, *this, kWatchesPerTask * i + kWatchPresence);
        e.watch(t.stage, Event::AnyBound, *this, kWatchesPerTask * i + kWatchStage);
        e.watch(t.end, Event::AnyBound, *this, kWatchesPerTask * i + kWatchEnd);
    }
}

// Only three changes matter: startMax falling, endMin rising (they grow a compulsory part and
// widen the regions the rules search) and presence becoming true. A rising startMin or a falling
// endMax shrinks the regions searched by (c) and (b) without moving their conclusions, and an
// absent task is out of the constraint.
bool Timetable::notify(Engine& e, int32_t watchIndex, EventMask events) {
    const int32_t i = watchIndex / kWatchesPerTask;
    const StageTask& t = tasks_[i];
    if (e.isFalse(t.presence)) return false;
    switch (watchIndex % kWatchesPerTask) {
        case kWatchStage:
            if ((events & Event::UpperBound) == 0) return false;
            break;
        case kWatchEnd:
            if ((events & Event::LowerBound) == 0) return false;
            break;
        default:
            break;  // presence became true
    }
    if (!opts_.filtering && !e.isTrue(t.presence)) return false;
    touch(i);
    return true;
}

void Timetable::touch(int32_t i) {
    if (isTouched_[i]) return;
    isTouched_[i] = 1;
    touched_.push_back(i);
}

Timetable::Part Timetable::currentPart(const Engine& e, int32_t i) const {
    const StageTask& t = tasks_[i];
    if (!stagetask::isPresent(e, t)) return Part{};
    const int64_t b = stagetask::startMax(e, t), en = stagetask::endMin(e, t);
    return b < en ? Part{b, en} : Part{};
}

void Timetable::replaceContribution(Engine& e, int32_t i, Part now) {
    const Part old = contrib_[i];
    const int64_t d = tasks_[i].demand;
    if (!old.empty()) deltas_.push_back(ProfileRect{old.begin, old.end, -d});
    if (!now.empty()) deltas_.push_back(ProfileRect{now.begin, now.end, d});
    if (e.level() > 0) {
        log_.push_back(LogEntry{i, old});
        logSize_.set(e.trail(), static_cast<int64_t>(log_.size()));
        e.requestBacktrackCallback(*this);
    }
    contrib_[i] = now.empty() ? Part{} : now;
}

void Timetable::applyDeltas(Engine& e) {
    if (deltas_.empty()) return;
    applyRects(profile_, deltas_, stepsScratch_, eventScratch_);
    profile_.swap(stepsScratch_);
    index_.build(profile_);
    e.addWork(profile_.size() + deltas_.size());
    deltas_.clear();
}

void Timetable::addIncrease(Part old, Part now) {
    if (now.empty()) return;
    if (old.empty() || old.end <= now.begin || now.end <= old.begin) {
        increases_.push_back(now);
        return;
    }
    if (now.begin < old.begin) increases_.push_back(Part{now.begin, old.begin});
    if (old.end < now.end) increases_.push_back(Part{old.end, now.end});
}

// Sorts increases_ and merges overlapping regions, so both begins and ends increase.
void Timetable::sortIncreases() {
    std::sort(increases_.begin(), increases_.end(),
              [](const Part& a, const Part& b) { return a.begin < b.begin; });
    size_t w = 0;
    for (const Part& p : increases_) {
        if (w > 0 && p.begin <= increases_[w - 1].end) {
            increases_[w - 1].end = std::max(increases_[w - 1].end, p.end);
        } else {
            increases_[w++] = p;
        }
    }
    increases_.resize(w);
}

// Rule (b) for task i looks at [from, endMax) and rule (c) at [startMin, to) only (see
// filterTask); a task whose regions meet no growth of the profile has nothing new to prune.
bool Timetable::meetsIncrease(int64_t lo, int64_t hi) const {
    if (lo >= hi) return false;
    auto it = std::upper_bound(increases_.begin(), increases_.end(), lo,
                               [](int64_t v, const Part& p) { return v < p.end; });
    return it != increases_.end() && it->begin < hi;
}

bool Timetable::regionsMeetIncrease(const Engine& e, int32_t i) const {
    const StageTask& t = tasks_[i];
    if (stagetask::isAbsent(e, t)) return false;
    const bool present = stagetask::isPresent(e, t);
    const int64_t sMin = stagetask::startMin(e, t), sMax = stagetask::startMax(e, t);
    const int64_t eMin = stagetask::endMin(e, t), eMax = stagetask::endMax(e, t);
    const int64_t from = present ? std::max(sMax, eMin) : sMax;
    const int64_t to = present ? std::min(sMax, eMin) : eMin;
    return meetsIncrease(from, eMax) || meetsIncrease(sMin, to);
}

bool Timetable::filterTask(Engine& e, int32_t i) {
    const StageTask& t = tasks_[i];
    if (stagetask::isAbsent(e, t)) return true;
    const bool present = stagetask::isPresent(e, t);
    const int64_t sMin = stagetask::startMin(e, t), sMax = stagetask::startMax(e, t);
    const int64_t eMin = stagetask::endMin(e, t), eMax = stagetask::endMax(e, t);
    if (present && sMin == sMax && eMin == eMax) return true;  // nothing left to prune
    // A conflict is a time where P (without this task) + demand > capacity.
    const int64_t threshold = capacity_ - t.demand;

    // (b) end max; for an undecided task a conflict before endMin makes it absent (d).
    const int64_t from = present ? std::max(sMax, eMin) : sMax;
    if (from < eMax) {
        if (auto c = index_.firstAbove(from, threshold); c && *c < eMax) {
            if (!stagetask::setEndMax(e, t, *c, this, *c)) return false;
            if (stagetask::isAbsent(e, t)) return true;
        }
    }
    // (c) start min; for an undecided task a conflict at or after startMax makes it absent (d).
    const int64_t to = present ? std::min(sMax, eMin) : eMin;
    if (auto c = index_.lastAbove(sMin, to, threshold)) {
        if (!stagetask::setStartMin(e, t, *c + 1, this, *c)) return false;
    }
    return true;
}

bool Timetable::propagateFromScratch(Engine& e) {
    needFull_ = false;
    for (int32_t i : touched_) isTouched_[i] = 0;
    touched_.clear();
    deltas_.clear();
    increases_.clear();

    const auto n = static_cast<int32_t>(tasks_.size());
    for (int32_t i = 0; i < n; ++i) {
        const Part now = currentPart(e, i);
        if (!(now == contrib_[i])) replaceContribution(e, i, now);
    }
    // Rebuild from the contributions alone (sort + sweep), not from the cached profile.
    deltas_.clear();
    for (int32_t i = 0; i < n; ++i) {
        const Part& p = contrib_[i];
        if (!p.empty()) deltas_.push_back(ProfileRect{p.begin, p.end, tasks_[i].demand});
    }
    buildProfile(deltas_, profile_);
    deltas_.clear();
    index_.build(profile_);
    e.addWork(tasks_.size() + profile_.size());

    if (index_.maxLevel() > capacity_) return overload(e);  // (a)
    if (!opts_.filtering) return true;
    for (int32_t i = 0; i < n; ++i) {
        if (!filterTask(e, i)) return false;
    }
    return true;
}

bool Timetable::propagate(Engine& e) {
    if (needFull_) return propagateFromScratch(e);
    deltas_.clear();
    increases_.clear();
    for (int32_t i : touched_) {
        const Part now = currentPart(e, i);
        const Part old = contrib_[i];
        if (now == old) continue;
        addIncrease(old, now);
        replaceContribution(e, i, now);
    }
    applyDeltas(e);

    bool ok = index_.maxLevel() <= capacity_ || overload(e);  // (a)
    if (ok && opts_.filtering) {
        size_t examined = touched_.size();
        for (size_t k = 0; k < touched_.size() && ok; ++k) ok = filterTask(e, touched_[k]);
        if (ok && !increases_.empty()) {
            // Along a dive the profile only grows, and every other task was at its fixpoint: it
            // can gain a conflict only inside a grown region, and only if its demand exceeds
            // capacity - (the highest level there). byDemand_ lists demands in decreasing order.
            sortIncreases();
            int64_t grown = 0;
            for (const Part& p : increases_) grown = std::max(grown, index_.maxIn(p.begin, p.end));
            for (int32_t i : byDemand_) {
                if (tasks_[i].demand <= capacity_ - grown) break;
                ++examined;
                if (!isTouched_[i] && regionsMeetIncrease(e, i) && !filterTask(e, i)) {
                    ok = false;
                    break;
                }
            }
        }
        e.addWork(examined);
    }
    for (int32_t i : touched_) isTouched_[i] = 0;
    touched_.clear();
    return ok;
}

// Undo the contributions replaced in the popped levels, newest first. The tasks concerned are
// touched again, so a change made before the push but not yet propagated is not lost.
void Timetable::onBacktrack(Engine& e) {
    const auto keep = static_cast<size_t>(logSize_.get());
    if (log_.size() <= keep) return;
    deltas_.clear();
    for (size_t k = log_.size(); k-- > keep;) {
        const LogEntry& entry = log_[k];
        const Part cur = contrib_[entry.task];
        const int64_t d = tasks_[entry.task].demand;
        if (!cur.empty()) deltas_.push_back(ProfileRect{cur.begin, cur.end, -d});
        if (!entry.old.empty()) deltas_.push_back(ProfileRect{entry.old.begin, entry.old.end, d});
        contrib_[entry.task] = entry.old;
        touch(entry.task);
    }
    log_.resize(keep);
    applyDeltas(e);
}

}  // namespace moccasin

namespace moccasin {

bool Timetable::overload(Engine& e) {
    e.setFailureCode(*this, index_.firstAbove(solver::kMinValue, capacity_).value_or(0));
    return false;
}

bool Timetable::explain(const Engine& e, int64_t t, const solver::BoundLiteral* lit, int64_t pos,
                        std::vector<solver::BoundLiteral>& reason) const {
    using solver::BoundLiteral;
    const int32_t self = lit ? taskOfVar_[static_cast<size_t>(lit->var)] : -1;
    int64_t room = capacity_;  // the other tasks' demands at t exceed this
    if (self >= 0) {
        const StageTask& s = tasks_[static_cast<size_t>(self)];
        room -= s.demand;
        // Its bounds are set "if present": on a present task a failure needs [present].
        if (lit->var != s.presence && e.lbAt(s.presence, pos) >= 1) reason.push_back(BoundLiteral{s.presence, true, 1});
        if (lit->var != s.stage) reason.push_back(BoundLiteral{s.stage, false, stagetask::lastStageAtOrBefore(t, s.slot)});
        if (lit->var != s.end) reason.push_back(BoundLiteral{s.end, true, t + 1});
    }
    // Tasks whose compulsory part covered t before entry pos, largest demands first (byDemand_
    // order), until they exceed the room. Bounds only tighten, so they cover t now as well: the
    // current domains filter first, the bounds at pos decide.
    int64_t sum = 0;
    for (int32_t j : byDemand_) {
        if (sum > room) break;
        if (j == self) continue;
        const StageTask& u = tasks_[static_cast<size_t>(j)];
        if (!stagetask::isPresent(e, u) || stagetask::startMax(e, u) > t || stagetask::endMin(e, u) <= t) continue;
        if (e.lbAt(u.presence, pos) < 1 || eventOf(e.ubAt(u.stage, pos), u.slot) > t || e.lbAt(u.end, pos) <= t) continue;
        sum += u.demand;
        reason.push_back(BoundLiteral{u.presence, true, 1});
        reason.push_back(BoundLiteral{u.stage, false, stagetask::lastStageAtOrBefore(t, u.slot)});
        reason.push_back(BoundLiteral{u.end, true, t + 1});
    }
    assert(sum > room && "Timetable::explain: the covering tasks must overload t");
    return true;
}

}  // namespace moccasin
