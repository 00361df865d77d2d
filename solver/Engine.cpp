#include "solver/Engine.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "solver/BoundLiteral.h"

namespace moccasin::solver {

VarId Engine::addVar(int64_t lb, int64_t ub) {
    // Above level 0 a reallocation of bounds_ would leave dangling addresses in the trail.
    if (level() != 0) throw std::logic_error("Engine::addVar: variables are created at level 0");
    if (lb > ub || lb < kMinValue || ub > kMaxValue) {
        throw std::invalid_argument("Engine::addVar: bad domain [" + std::to_string(lb) + ", " +
                                    std::to_string(ub) + "]");
    }
    bounds_.push_back(Bounds{lb, ub});
    watchers_.emplace_back();
    if (learning_) implications_.resize(numVars());
    return static_cast<VarId>(bounds_.size() - 1);
}

void Engine::install(std::unique_ptr<Propagator> p) {
    Propagator& ref = *p;
    ref.id_ = static_cast<PropId>(props_.size());
    ref.priority_ = ref.priority();
    ref.idempotent_ = ref.idempotent();
    props_.push_back(std::move(p));
    scopes_.emplace_back();
    ref.attach(*this);
    if (!ref.queued_) enqueue(ref);
}

void Engine::watch(VarId x, EventMask mask, Propagator& p, int32_t watchIndex) {
    assert(x >= 0 && x < numVars());
    assert(p.id_ >= 0 && "watch() is called from attach(), after addPropagator");
    watchers_[x].push_back(Watcher{&p, watchIndex, mask});
    std::vector<VarId>& scope = scopes_[static_cast<size_t>(p.id_)];
    if (scope.empty() || scope.back() != x) scope.push_back(x);
}

void Engine::setLearning(bool on) {
    if (level() != 0) throw std::logic_error("Engine::setLearning: switched at level 0 only");
    learning_ = on;
    if (on) implications_.resize(numVars());
}

bool Engine::explainByScope(const Propagator& p, int64_t pos, std::vector<BoundLiteral>& reason) const {
    const std::vector<VarId>& scope = scopes_[static_cast<size_t>(p.id_)];
    if (scope.size() > kMaxScopeExplanation) return false;
    for (VarId x : scope) {
        reason.push_back(BoundLiteral{x, true, lbAt(x, pos)});
        reason.push_back(BoundLiteral{x, false, ubAt(x, pos)});
    }
    return true;
}

bool Propagator::explain(const Engine& engine, int64_t /*code*/, const BoundLiteral* /*lit*/, int64_t pos,
                         std::vector<BoundLiteral>& reason) const {
    return engine.explainByScope(*this, pos, reason);
}

void Engine::requestBacktrackCallback(Propagator& p) {
    if (p.backtrackStamp_ == trail_.stamp()) return;
    p.backtrackStamp_ = trail_.stamp();
    trail_.saveListener(p.id_);
}

void Engine::changed(VarId x, EventMask events, Propagator* by) {
    ++stats_.boundChanges;
    ++stats_.work;
    if (by != nullptr) ++by->stats_.prunings;
    // Index loop, size read once: a notify() may add watchers to this very list.
    const std::vector<Watcher>& list = watchers_[x];
    const size_t n = list.size();
    for (size_t i = 0; i < n; ++i) {
        const Watcher w = list[i];
        const EventMask hit = w.mask & events;
        if (hit == 0) continue;
        Propagator* p = w.prop;
        // An idempotent propagator has already taken its own changes into account.
        if (p == by && p->idempotent_) continue;
        if (p->notify(*this, w.watchIndex, hit) && !p->queued_) enqueue(*p);
    }
}

bool Engine::failOn(Propagator* by, VarId x, bool lower, int64_t value, int64_t code) {
    if (learning_ && !conflictSet_) {
        conflict_ = Conflict{by, code, true, x, lower, value};
        conflictSet_ = true;
    }
    markFailed();
    return false;
}

void Engine::markFailed() {
    if (failed_) return;
    failed_ = true;
    ++stats_.failures;
    if (level() == 0) rootFailed_ = true;
}

void Engine::cancelQueue() {
    while (Propagator* p = queue_.pop()) p->queued_ = false;
}

bool Engine::run(Propagator& p) {
    running_ = &p;
    bool ok;
    // Two clock reads per call cost ~10% of a search's time (measured: bench/README.md,
    // "Proofs"), so only every kTimingSample-th call of a propagator is timed and counted
    // kTimingSample times: an unbiased estimate over many calls.
    if (timing_ && p.stats_.calls % kTimingSample == 0) {
        const auto start = std::chrono::steady_clock::now();
        ok = fromScratch_ ? p.propagateFromScratch(*this) : p.propagate(*this);
        const auto stop = std::chrono::steady_clock::now();
        p.stats_.timeNs += kTimingSample * static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
    } else {
        ok = fromScratch_ ? p.propagateFromScratch(*this) : p.propagate(*this);
    }
    running_ = nullptr;
    return ok;
}

bool Engine::fixpoint() {
    ++stats_.fixpointCalls;
    if (failed_) {
        cancelQueue();
        return false;
    }
    while (Propagator* p = queue_.pop()) {
        p->queued_ = false;  // cleared first: a non-idempotent p may re-enqueue itself
        const bool ok = run(*p);
        ++p->stats_.calls;
        ++stats_.propagations;
        ++stats_.work;
        if (!ok || failed_) {
            ++p->stats_.failures;
            // A propagator that returned false without a failing change: its whole state failed.
            if (learning_ && !conflictSet_) {
                conflict_ = Conflict{p, 0, false, -1, false, 0};
                conflictSet_ = true;
            }
            markFailed();
            cancelQueue();
            return false;
        }
    }
    return true;
}

bool Engine::fixpointFromScratch() {
    const bool saved = fromScratch_;
    fromScratch_ = true;
    for (auto& p : props_) {
        if (!p->queued_) enqueue(*p);
    }
    const bool ok = fixpoint();
    fromScratch_ = saved;
    return ok;
}

void Engine::popToLevel(int32_t target) {
    assert(target >= 0 && target <= level());
    ++stats_.backtracks;
    cancelQueue();
    trail_.popToLevel(target, listenerScratch_);
    if (learning_) implications_.popToLevel(target);
    conflictSet_ = false;
    conflict_ = Conflict{};
    failed_ = rootFailed_;
    if (listenerScratch_.empty()) return;
    // A propagator may have asked at several popped levels: call it once.
    for (int32_t id : listenerScratch_) {
        Propagator* p = props_[id].get();
        if (!p->backtrackPending_) {
            p->backtrackPending_ = true;
            callbackScratch_.push_back(p);
        }
    }
    listenerScratch_.clear();
    for (Propagator* p : callbackScratch_) {
        p->backtrackPending_ = false;
        p->onBacktrack(*this);
    }
    callbackScratch_.clear();
}

}  // namespace moccasin::solver
