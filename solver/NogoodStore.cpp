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

void NogoodStore::onBacktrack(Engine& /*engine*/) {
    // Only changes made above level 0 can be pending here (add() settles level 0 at once), and
    // they have just been undone.
    pending_.clear();
}

void NogoodStore::watchLiteral(Engine& engine, int32_t nogood, int32_t slot) {
    const BoundLiteral& lit = nogoods_[static_cast<size_t>(nogood)][static_cast<size_t>(slot)];
    const auto list = static_cast<size_t>(listOf(lit));
    if (!watched_[list]) {
        watched_[list] = 1;
        engine.watch(lit.var, lit.lower ? EventMask(Event::LowerBound) : EventMask(Event::UpperBound), *this,
                     static_cast<int32_t>(list));
    }
    watches_[list].push_back(Watch{nogood, slot, lit.value});
}

bool NogoodStore::add(Engine& engine, std::vector<BoundLiteral> literals) {
    if (engine.level() != 0) throw std::logic_error("NogoodStore::add: nogoods are recorded at level 0");
    if (literals.empty()) return false;
    if (!normalize(literals)) return true;
    if (watches_.size() < 2 * static_cast<size_t>(engine.numVars())) {
        watches_.resize(2 * static_cast<size_t>(engine.numVars()));
        watched_.resize(2 * static_cast<size_t>(engine.numVars()), 0);
    }
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
    const auto id = static_cast<int32_t>(nogoods_.size() - 1);
    watchLiteral(engine, id, 0);
    watchLiteral(engine, id, 1);
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
        if (!ok || (lower ? bound < w.value : bound > w.value)) {  // the watched literal is not true
            list[kept++] = w;
            continue;
        }
        std::vector<BoundLiteral>& lits = nogoods_[static_cast<size_t>(w.nogood)];
        const auto slot = static_cast<size_t>(w.slot);
        if (lits[1 - slot].isFalse(engine)) {
            list[kept++] = w;
            continue;
        }
        size_t k = 2;
        while (k < lits.size() && lits[k].isTrue(engine)) ++k;
        if (k < lits.size()) {  // another literal to watch
            std::swap(lits[slot], lits[k]);
            if (listOf(lits[slot]) == listId) moved_.push_back(Watch{w.nogood, w.slot, lits[slot].value});
            else watchLiteral(engine, w.nogood, w.slot);
            continue;
        }
        list[kept++] = w;
        const BoundLiteral& last = lits[1 - slot];
        if (last.isTrue(engine)) {
            ok = false;  // every literal true: the nogood is violated
        } else {
            ok = last.negation().apply(engine, this);
            // We are idempotent: the engine will not tell us about our own change.
            pending_.push_back(listOf(last.negation()));
        }
    }
    list.resize(kept);
    list.insert(list.end(), moved_.begin(), moved_.end());
    return ok;
}

bool NogoodStore::propagate(Engine& engine) {
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
        const BoundLiteral* open = nullptr;
        int nonTrue = 0;
        for (const BoundLiteral& l : lits)
            if (!l.isTrue(engine)) {
                open = &l;
                if (++nonTrue > 1) break;
            }
        if (nonTrue == 0) return false;
        if (nonTrue == 1 && !open->isFalse(engine)) {
            if (!open->negation().apply(engine, this)) return false;
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
