#include "propagators/Ttef.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace moccasin {

using solver::Engine;
namespace Event = solver::Event;
using i128 = __int128;

namespace {

// Free: not absent, and not present with a fixed stage and end. Monotone along a branch: once a
// task stops being free it stays so until backtracking.
bool isFreeTask(const Engine& e, const StageTask& t) {
    if (e.isFalse(t.presence)) return false;
    return !(e.isTrue(t.presence) && e.isFixed(t.stage) && e.isFixed(t.end));
}

}  // namespace

Ttef::Ttef(std::vector<StageTask> tasks, int64_t capacity, TtefOptions opts)
    : tasks_(std::move(tasks)), capacity_(capacity), opts_(opts), free_(tasks_.size()) {
    if (capacity_ < 0) throw std::invalid_argument("Ttef: negative capacity");
    for (const StageTask& t : tasks_)
        if (t.demand < 0) throw std::invalid_argument("Ttef: negative demand");
}

void Ttef::attach(Engine& e) {
    int32_t count = 0;
    for (size_t i = 0; i < tasks_.size(); ++i) {
        const bool f = isFreeTask(e, tasks_[i]);
        free_[i] = solver::RevBool(f);
        count += f ? 1 : 0;
        if (!opts_.enabled) continue;
        const auto idx = static_cast<int32_t>(i);
        e.watch(tasks_[i].presence, Event::Fixed, *this, idx);
        e.watch(tasks_[i].stage, Event::AnyBound, *this, idx);
        e.watch(tasks_[i].end, Event::AnyBound, *this, idx);
    }
    numFree_ = solver::RevInt32(count);
}

bool Ttef::notify(Engine& e, int32_t i, solver::EventMask) {
    if (free_[i].get() && !isFreeTask(e, tasks_[i])) {
        free_[i].set(e.trail(), false);
        numFree_.set(e.trail(), numFree_.get() - 1);
    }
    const int32_t n = numFree_.get();
    return n > 0 && n <= opts_.maxFreeTasks;
}

bool Ttef::propagate(Engine& e) {
    if (!opts_.enabled) return true;
    const int32_t n = numFree_.get();
    if (n == 0 || n > opts_.maxFreeTasks) return true;
    return run(e);
}

bool Ttef::propagateFromScratch(Engine& e) {
    if (!opts_.enabled) return true;
    int32_t n = 0;
    for (const StageTask& t : tasks_) n += isFreeTask(e, t) ? 1 : 0;
    if (n == 0 || n > opts_.maxFreeTasks) return true;
    return run(e);
}

bool Ttef::run(Engine& e) { return pass(e, false) && pass(e, true); }

i128 Ttef::energyBefore(int64_t t) const {
    // The last step with time <= t.
    auto it = std::upper_bound(steps_.begin(), steps_.end(), t,
                               [](int64_t v, const ProfileStep& s) { return v < s.time; });
    if (it == steps_.begin()) return 0;
    const auto k = static_cast<size_t>(it - steps_.begin()) - 1;
    return stepEnergy_[k] + static_cast<i128>(steps_[k].level) * (t - steps_[k].time);
}

bool Ttef::pass(Engine& e, bool mirror) {
    namespace st = stagetask;

    // ---- Items, from the current domains.
    items_.clear();
    for (size_t i = 0; i < tasks_.size(); ++i) {
        const StageTask& t = tasks_[i];
        if (t.demand == 0 || st::isAbsent(e, t)) continue;
        const int64_t sMin = st::startMin(e, t), sMax = st::startMax(e, t);
        const int64_t eMin = st::endMin(e, t), eMax = st::endMax(e, t);
        if (eMax <= sMin) {  // no placement with S < E
            if (st::isPresent(e, t)) return false;
            if (!e.setUb(t.presence, 0, this, kNoPlacement)) return false;
            continue;
        }
        Item it{};
        const int64_t est = sMin, lct = eMax;
        const int64_t lst = std::min(sMax, eMax - 1), ect = std::max(eMin, sMin + 1);
        if (mirror) {
            it.est = -lct, it.lst = -ect, it.ect = -lst, it.lct = -est;
        } else {
            it.est = est, it.lst = lst, it.ect = ect, it.lct = lct;
        }
        it.demand = t.demand;
        it.task = static_cast<int32_t>(i);
        it.present = st::isPresent(e, t);
        it.free = isFreeTask(e, t);
        items_.push_back(it);
    }

    // ---- Free items by decreasing est, and the window ends.
    freeOrder_.clear();
    ends_.clear();
    for (size_t k = 0; k < items_.size(); ++k) {
        const Item& it = items_[k];
        if (!it.free) continue;
        freeOrder_.push_back(static_cast<int32_t>(k));
        ends_.push_back(it.lct);
        if (it.present && it.lst >= it.ect) ends_.push_back(it.lst + 1);  // unit task
    }
    if (freeOrder_.empty()) return true;
    std::sort(freeOrder_.begin(), freeOrder_.end(),
              [&](int32_t x, int32_t y) { return items_[x].est > items_[y].est; });
    std::sort(ends_.begin(), ends_.end());
    ends_.erase(std::unique(ends_.begin(), ends_.end()), ends_.end());

    // ---- Compulsory profile of the present items and its prefix energies.
    rects_.clear();
    for (const Item& it : items_)
        if (it.present && it.lst < it.ect) rects_.push_back(ProfileRect{it.lst, it.ect, it.demand});
    static const ProfileSteps kEmpty;
    applyRects(kEmpty, rects_, steps_, profileScratch_);
    stepEnergy_.resize(steps_.size());
    i128 energy = 0;
    for (size_t k = 0; k < steps_.size(); ++k) {
        if (k > 0) energy += static_cast<i128>(steps_[k - 1].level) * (steps_[k].time - steps_[k - 1].time);
        stepEnergy_[k] = energy;
    }
    energyAtEst_.resize(items_.size());
    newEst_.assign(items_.size(), std::numeric_limits<int64_t>::min());
    for (int32_t k : freeOrder_) energyAtEst_[k] = energyBefore(items_[k].est);

    // ---- Windows [a, b): for each b, a sweep over a = est of the free items, decreasing.
    const auto m = freeOrder_.size();
    const i128 cap = capacity_;
    for (const int64_t b : ends_) {
        const i128 energyB = energyBefore(b);
        i128 units = 0;      // demands of the present unit tasks that must start in [a, b)
        i128 maxExtra = 0;   // largest extra energy among the candidates with est >= a
        int32_t maxItem = -1;
        size_t p = 0;
        while (p < m && items_[freeOrder_[p]].est >= b) ++p;  // no overlap with any window < b
        while (p < m) {
            const int64_t a = items_[freeOrder_[p]].est;
            const i128 energyA = energyAtEst_[freeOrder_[p]];
            for (; p < m && items_[freeOrder_[p]].est == a; ++p) {
                const int32_t k = freeOrder_[p];
                const Item& it = items_[k];
                const bool hasPart = it.lst < it.ect;
                if (it.present && !hasPart && it.lst < b) {
                    units += it.demand;  // it stays counted for every smaller a
                    continue;
                }
                const int64_t f = (it.present && hasPart) ? it.lst : it.ect;
                const int64_t len = std::min(f, b) - it.est;
                if (len <= 0) continue;
                const i128 extra = static_cast<i128>(it.demand) * len;
                if (extra > maxExtra) {
                    maxExtra = extra;
                    maxItem = k;
                }
            }
            const i128 avail = cap * (b - a) - (energyB - energyA) - units;
            if (avail < 0) return false;  // rule (1)
            if (maxItem < 0 || maxExtra <= avail) continue;
            // Rule (2) for maxItem: give back its own compulsory energy in the window.
            const Item& it = items_[maxItem];
            i128 availI = avail;
            if (it.present && it.lst < it.ect) {
                const int64_t overlap = std::min(it.ect, b) - std::max(it.lst, a);
                if (overlap > 0) availI += static_cast<i128>(it.demand) * overlap;
            }
            const i128 k = availI / it.demand;
            const i128 bound = k == 0 ? i128(b) : i128(std::min(it.ect, b)) - k;
            // bound > est: extra > avail means |occ(est) ∩ [a, b)| > k.
            const auto nb = static_cast<int64_t>(bound);
            if (nb > newEst_[maxItem]) newEst_[maxItem] = nb;
        }
        e.addWork(m);
    }

    // ---- Apply.
    for (int32_t k : freeOrder_) {
        const Item& it = items_[k];
        if (newEst_[k] <= it.est) continue;
        const StageTask& t = tasks_[it.task];
        const bool ok = mirror ? st::setEndMax(e, t, -newEst_[k], this, kEndMax)
                               : st::setStartMin(e, t, newEst_[k], this, kStartMin);
        if (!ok) return false;
    }
    return true;
}

}  // namespace moccasin
