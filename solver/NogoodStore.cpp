#include "solver/NogoodStore.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "solver/Engine.h"

namespace moccasin::solver {

namespace {

// Keeps the strongest literal per variable and direction ([x >= 5] implies [x >= 3]). Returns
// false when two literals contradict each other: such a conjunction never holds, the nogood is
// useless.
bool normalize(std::vector<BoundLiteral>& lits) {
    std::sort(lits.begin(), lits.end(), [](const BoundLiteral& a, const BoundLiteral& b) {
        return a.var != b.var ? a.var < b.var : a.lower < b.lower;
    });
    size_t out = 0;
    for (size_t i = 0; i < lits.size(); ++i) {
        if (out > 0 && lits[out - 1].var == lits[i].var && lits[out - 1].lower == lits[i].lower) {
            BoundLiteral& kept = lits[out - 1];
            kept.value = kept.lower ? std::max(kept.value, lits[i].value) : std::min(kept.value, lits[i].value);
        } else {
            lits[out++] = lits[i];
        }
    }
    lits.resize(out);
    for (size_t i = 0; i + 1 < lits.size(); ++i)
        if (lits[i].var == lits[i + 1].var && lits[i + 1].lower && lits[i + 1].value > lits[i].value) return false;
    return true;
}

// Moves up to two literals that are not true to the front (the watched slots).
int frontNonTrue(const Engine& e, std::vector<BoundLiteral>& lits) {
    int found = 0;
    for (size_t k = 0; k < lits.size() && found < 2; ++k)
        if (!lits[k].isTrue(e)) std::swap(lits[static_cast<size_t>(found++)], lits[k]);
    return found;
}

}  // namespace

void NogoodStore::attach(Engine& /*engine*/) {}

bool NogoodStore::notify(Engine& engine, int32_t list, EventMask /*events*/) {
    pending_.push_back(list);
    engine.requestBacktrackCallback(*this);
    return true;
}

void NogoodStore::onBacktrack(Engine& engine) {
    // Only changes made above level 0 can be pending here (add() settles level 0 at once), and
    // they have just been undone.
    pending_.clear();
    const int32_t level = engine.level();
    while (!asserted_.empty() && asserted_.back().level > level) {
        const int32_t id = asserted_.back().nogood;
        asserted_.pop_back();
        // Still unit where its other literals all still hold; a deleted nogood has none.
        if (info_[static_cast<size_t>(id)].assertLevel <= level && !nogoods_[static_cast<size_t>(id)].empty())
            learntPending_.push_back(id);
    }
}

void NogoodStore::watchLiteral(Engine& engine, int32_t nogood, int32_t slot) {
    const BoundLiteral& lit = nogoods_[static_cast<size_t>(nogood)][static_cast<size_t>(slot)];
    const auto list = static_cast<size_t>(listOf(lit));
    if (!watched_[list]) {
        watched_[list] = 1;
        engine.watch(lit.var, lit.lower ? EventMask(Event::LowerBound) : EventMask(Event::UpperBound), *this,
                     static_cast<int32_t>(list));
    }
    const BoundLiteral& other = nogoods_[static_cast<size_t>(nogood)][static_cast<size_t>(1 - slot)];
    watches_[list].push_back(Watch{nogood, slot, lit.value, other});
}

bool NogoodStore::add(Engine& engine, std::vector<BoundLiteral> literals) {
    if (engine.level() != 0) throw std::logic_error("NogoodStore::add: nogoods are recorded at level 0");
    if (literals.empty()) return false;
    if (!normalize(literals)) return true;
    ensureLists(engine);
    const int nonTrue = frontNonTrue(engine, literals);
    if (nonTrue == 0) return false;
    if (nonTrue == 1) {
        // Unit at level 0: its last literal is false from now on, so the nogood is spent.
        ++unitAtRoot_;
        if (literals[0].isFalse(engine)) return true;
        return literals[0].negation().apply(engine) && engine.fixpoint();
    }
    literals_ += static_cast<int64_t>(literals.size());
    nogoods_.push_back(std::move(literals));
    info_.push_back(Info{});
    const auto id = static_cast<int32_t>(nogoods_.size() - 1);
    watchLiteral(engine, id, 0);
    watchLiteral(engine, id, 1);
    return true;
}

void NogoodStore::ensureLists(const Engine& engine) {
    if (watches_.size() < 2 * static_cast<size_t>(engine.numVars())) {
        watches_.resize(2 * static_cast<size_t>(engine.numVars()));
        watched_.resize(2 * static_cast<size_t>(engine.numVars()), 0);
    }
}

bool NogoodStore::addLearnt(Engine& engine, std::vector<BoundLiteral> literals) {
    if (literals.empty() || !normalize(literals)) return false;
    if (!fits(static_cast<int64_t>(std::max<size_t>(literals.size(), 2)))) return false;
    ensureLists(engine);
    if (learntLimit_ > 0 && learnt_ - deleted_ >= learntLimit_) {
        reduceLearnt(engine);
        learntLimit_ = std::max(learntLimit_ + 1, static_cast<int64_t>(static_cast<double>(learntLimit_) * limits_.learntGrowth));
    }
    // Watched slots: the two literals made true last.
    const Implications& imp = engine.implications();
    entries_.clear();
    for (const BoundLiteral& l : literals) entries_.push_back(imp.entryOf(l.var, l.lower, l.value));
    for (size_t slot = 0; slot < 2 && slot < literals.size(); ++slot) {
        size_t best = slot;
        for (size_t k = best + 1; k < literals.size(); ++k)
            if (entries_[k] > entries_[best]) best = k;
        std::swap(literals[slot], literals[best]);
        std::swap(entries_[slot], entries_[best]);
    }
    // A single literal gets a second one that is always true, so that it has two watches:
    // the nogood then says that its first literal is never true.
    if (literals.size() == 1) literals.push_back(BoundLiteral{literals[0].var, !literals[0].lower,
                                                              literals[0].lower ? kMaxValue : kMinValue});
    const int32_t second = entries_.size() > 1 ? entries_[1] : -1;
    literals_ += static_cast<int64_t>(literals.size());
    ++learnt_;
    nogoods_.push_back(std::move(literals));
    info_.push_back(Info{true, second >= 0 ? imp[second].level : 0, activityInc_});
    // Decay: later bumps weigh more (MiniSat's 0.999 per conflict), rescaled before overflow.
    activityInc_ /= 0.999;
    if (activityInc_ > 1e100) {
        for (Info& i : info_) i.activity *= 1e-100;
        activityInc_ *= 1e-100;
    }
    const auto id = static_cast<int32_t>(nogoods_.size() - 1);
    watchLiteral(engine, id, 0);
    watchLiteral(engine, id, 1);
    learntPending_.push_back(id);
    return true;
}

void NogoodStore::bumpActivity(int32_t id) const {
    Info& i = info_[static_cast<size_t>(id)];
    if (i.learnt) i.activity += activityInc_;
}

void NogoodStore::reduceLearnt(const Engine& engine) {
    ++reductions_;
    std::vector<char> spared(nogoods_.size(), 0);
    const Implications& imp = engine.implications();
    for (int64_t i = 0; i < imp.size(); ++i)
        if (imp[i].by == this) spared[static_cast<size_t>(imp[i].code)] = 1;
    for (int32_t id : learntPending_) spared[static_cast<size_t>(id)] = 1;
    std::vector<int32_t> candidates;
    for (size_t i = 0; i < nogoods_.size(); ++i)
        if (info_[i].learnt && nogoods_[i].size() > 2 && !spared[i]) candidates.push_back(static_cast<int32_t>(i));
    const size_t drop = std::min(candidates.size(), static_cast<size_t>((learnt_ - deleted_) / 2));
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(drop), candidates.end(),
                     [&](int32_t a, int32_t b) {
                         return info_[static_cast<size_t>(a)].activity < info_[static_cast<size_t>(b)].activity;
                     });
    std::vector<char> gone(nogoods_.size(), 0);
    for (size_t k = 0; k < drop; ++k) {
        const auto i = static_cast<size_t>(candidates[k]);
        gone[i] = 1;
        literals_ -= static_cast<int64_t>(nogoods_[i].size());
        std::vector<BoundLiteral>().swap(nogoods_[i]);
    }
    deleted_ += static_cast<int64_t>(drop);
    for (std::vector<Watch>& list : watches_)
        list.erase(std::remove_if(list.begin(), list.end(), [&](const Watch& w) { return gone[static_cast<size_t>(w.nogood)] != 0; }),
                   list.end());
}

// After the backtrack that follows a learnt nogood: the nogood is unit when its second watched
// literal is still true (all the others were true before it), and then it propagates now.
// On a violated one, it and the ones not yet checked stay pending for the next level down.
bool NogoodStore::checkLearnt(Engine& engine) {
    for (size_t i = 0; i < learntPending_.size(); ++i) {
        const int32_t id = learntPending_[i];
        const std::vector<BoundLiteral>& lits = nogoods_[static_cast<size_t>(id)];
        if (!lits[1].isTrue(engine) || lits[0].isFalse(engine)) continue;
        bool allOthersTrue = true;
        for (size_t k = 2; k < lits.size() && allOthersTrue; ++k) allOthersTrue = lits[k].isTrue(engine);
        if (!allOthersTrue) continue;  // watches stay valid: a non-true literal beyond slot 1
        if (lits[0].isTrue(engine)) {
            engine.setFailureCode(*this, id);
            engine.requestBacktrackCallback(*this);
            learntPending_.erase(learntPending_.begin(), learntPending_.begin() + static_cast<std::ptrdiff_t>(i));
            return false;
        }
        lits[0].negation().apply(engine, this, id);  // cannot fail: lits[0] is neither true nor false
        pending_.push_back(listOf(lits[0].negation()));
        if (info_[static_cast<size_t>(id)].assertLevel < engine.level()) {
            asserted_.push_back(Asserted{id, engine.level()});
            engine.requestBacktrackCallback(*this);
        }
    }
    learntPending_.clear();
    return true;
}

bool NogoodStore::explain(const Engine& /*engine*/, int64_t code, const BoundLiteral* lit, int64_t /*pos*/,
                          std::vector<BoundLiteral>& reason) const {
    bumpActivity(static_cast<int32_t>(code));
    for (const BoundLiteral& l : nogoods_[static_cast<size_t>(code)])
        if (!lit || l.var != lit->var || l.lower == lit->lower) reason.push_back(l);
    return true;
}

bool NogoodStore::process(Engine& engine, int32_t listId) {
    std::vector<Watch>& list = watches_[static_cast<size_t>(listId)];
    const VarId var = listId / 2;
    const bool lower = listId % 2 == 1;
    const int64_t bound = lower ? engine.lb(var) : engine.ub(var);
    moved_.clear();
    bool ok = true;
    size_t kept = 0;
    for (size_t i = 0; i < list.size(); ++i) {
        const Watch w = list[i];
        if (!ok || (lower ? bound < w.value : bound > w.value) || w.blocker.isFalse(engine)) {
            list[kept++] = w;  // the watched literal is not true, or the nogood is satisfied
            continue;
        }
        std::vector<BoundLiteral>& lits = nogoods_[static_cast<size_t>(w.nogood)];
        const auto slot = static_cast<size_t>(w.slot);
        if (lits[1 - slot].isFalse(engine)) {
            list[kept++] = Watch{w.nogood, w.slot, w.value, lits[1 - slot]};
            continue;
        }
        size_t k = 2;
        while (k < lits.size() && lits[k].isTrue(engine)) ++k;
        if (k < lits.size()) {  // another literal to watch
            std::swap(lits[slot], lits[k]);
            if (listOf(lits[slot]) == listId) moved_.push_back(Watch{w.nogood, w.slot, lits[slot].value, lits[1 - slot]});
            else watchLiteral(engine, w.nogood, w.slot);
            continue;
        }
        list[kept++] = w;
        const BoundLiteral& last = lits[1 - slot];
        if (last.isTrue(engine)) {
            ok = false;  // every literal true: the nogood is violated
            engine.setFailureCode(*this, w.nogood);
        } else {
            ok = last.negation().apply(engine, this, w.nogood);
            // We are idempotent: the engine will not tell us about our own change.
            pending_.push_back(listOf(last.negation()));
        }
    }
    list.resize(kept);
    list.insert(list.end(), moved_.begin(), moved_.end());
    return ok;
}

bool NogoodStore::propagate(Engine& engine) {
    if (!learntPending_.empty() && !checkLearnt(engine)) {
        pending_.clear();
        return false;
    }
    while (!pending_.empty()) {
        const int32_t list = pending_.back();
        pending_.pop_back();
        if (!process(engine, list)) {
            pending_.clear();
            return false;
        }
    }
    return true;
}

bool NogoodStore::scanOnce(Engine& engine, bool& changed) {
    for (const std::vector<BoundLiteral>& lits : nogoods_) {
        if (lits.empty()) continue;  // deleted
        const BoundLiteral* open = nullptr;
        int nonTrue = 0;
        for (const BoundLiteral& l : lits)
            if (!l.isTrue(engine)) {
                open = &l;
                if (++nonTrue > 1) break;
            }
        if (nonTrue == 0) {
            engine.setFailureCode(*this, static_cast<int32_t>(&lits - nogoods_.data()));
            return false;
        }
        if (nonTrue == 1 && !open->isFalse(engine)) {
            if (!open->negation().apply(engine, this, static_cast<int32_t>(&lits - nogoods_.data()))) return false;
            pending_.push_back(listOf(open->negation()));  // for the watches (propagateFromScratch)
            changed = true;
        }
    }
    return true;
}

bool NogoodStore::propagateFromScratch(Engine& engine) {
    for (bool changed = true; changed;) {
        changed = false;
        if (!scanOnce(engine, changed)) {
            pending_.clear();
            return false;
        }
    }
    // The scan has decided everything. The watches are then brought up to date on this level's
    // changes exactly as propagate() does (it finds nothing more to set), so that they keep
    // watching the literals made true last and incremental calls after this one stay complete.
    return propagate(engine);
}

}  // namespace moccasin::solver
