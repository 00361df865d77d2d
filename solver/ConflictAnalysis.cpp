#include "solver/ConflictAnalysis.h"

#include <algorithm>

namespace moccasin::solver {

bool ConflictAnalysis::add(const Engine& engine, const BoundLiteral& l, int64_t before) {
    const Implications& imp = engine.implications();
    // The literal must have been true before the change it explains; anything else is a wrong
    // explanation, and learning from it could cut solutions.
    const Implications::Held h =
        imp.heldBefore(l.var, l.lower, l.value, before, l.lower ? engine.lb(l.var) : engine.ub(l.var));
    if (!h.held) {
        ++stats_.badExplanations;
        return false;
    }
    const int32_t p = h.entry;
    if (p < 0) return true;  // true since level 0
    const auto i = static_cast<size_t>(p);
    if (mark_[i] == stamp_) {
        need_[i] = l.lower ? std::max(need_[i], l.value) : std::min(need_[i], l.value);
        return true;
    }
    mark_[i] = stamp_;
    need_[i] = l.value;
    if (imp[p].level == level_) ++open_;
    else lowerLevel_.push_back(p);
    return static_cast<size_t>(open_) + lowerLevel_.size() + kept_.size() <= 4 * maxLength_;
}

void ConflictAnalysis::countExplanation(const Propagator& by) {
    ++stats_.explanations;
    const auto id = static_cast<size_t>(by.id());
    if (explanationsBy_.size() <= id) {
        explanationsBy_.resize(id + 1, 0);
        givenUpAt_.resize(id + 1, 0);
    }
    ++explanationsBy_[id];
}

bool ConflictAnalysis::explain(const Engine& engine, const Propagator& by, int64_t code, const BoundLiteral* lit,
                               int64_t pos) {
    countExplanation(by);
    reason_.clear();
    return by.explain(engine, code, lit, pos, reason_);
}

bool ConflictAnalysis::conflictReason(const Engine& engine, std::vector<BoundLiteral>& out) {
    const Engine::Conflict& c = engine.conflict();
    const int64_t now = engine.implications().size();
    if (!c.hasLiteral) return c.by->explain(engine, c.code, nullptr, now, out);
    const BoundLiteral failed{c.var, c.lower, c.value};
    if (!c.by->explain(engine, c.code, &failed, now, out)) return false;
    // The bound that refused the change.
    out.push_back(c.lower ? BoundLiteral{c.var, false, engine.ub(c.var)} : BoundLiteral{c.var, true, engine.lb(c.var)});
    return true;
}

bool ConflictAnalysis::addAll(const Engine& engine, int64_t before) {
    for (const BoundLiteral& l : reason_)
        if (!add(engine, l, before)) return false;
    return true;
}

bool ConflictAnalysis::analyze(const Engine& engine, std::vector<BoundLiteral>& nogood) {
    nogood.clear();
    const Engine::Conflict& c = engine.conflict();
    if (!engine.learning() || c.by == nullptr) return false;
    ++stats_.conflicts;
    const Implications& imp = engine.implications();
    const int64_t end = imp.size();
    if (mark_.size() < static_cast<size_t>(end)) {
        mark_.resize(static_cast<size_t>(end), 0);
        need_.resize(static_cast<size_t>(end), 0);
    }
    if (++stamp_ == 0) {  // wrapped: old marks could look current
        std::fill(mark_.begin(), mark_.end(), 0);
        stamp_ = 1;
    }
    level_ = engine.level();
    open_ = 0;
    lowerLevel_.clear();
    kept_.clear();

    countExplanation(*c.by);
    reason_.clear();
    if (!conflictReason(engine, reason_) || !addAll(engine, end)) return giveUp(c.by);

    int32_t uip = -1;
    for (int64_t i = end - 1; open_ > 0 && i >= 0; --i) {
        const auto k = static_cast<size_t>(i);
        if (mark_[k] != stamp_ || imp[i].level != level_) continue;
        const Implication& entry = imp[i];
        if (--open_ == 0) {
            uip = static_cast<int32_t>(i);
            break;
        }
        if (entry.by == nullptr) {  // a decision: no explanation, it stays
            kept_.push_back(static_cast<int32_t>(i));
            continue;
        }
        mark_[k] = 0;  // resolved: replaced by its explanation
        const BoundLiteral lit{entry.var, entry.lower, entry.value};
        if (!explain(engine, *entry.by, entry.code, &lit, i) || !addAll(engine, i)) return giveUp(entry.by);
    }

    if (open_ > 0) return giveUp(nullptr);  // unreachable: the current level's entries all lie above
    auto literalOf = [&](int32_t p) {
        const Implication& entry = imp[p];
        return BoundLiteral{entry.var, entry.lower, need_[static_cast<size_t>(p)]};
    };
    if (uip >= 0) nogood.push_back(literalOf(uip));
    for (int32_t p : kept_) nogood.push_back(literalOf(p));
    for (int32_t p : lowerLevel_) nogood.push_back(literalOf(p));
    if (nogood.empty() || nogood.size() > maxLength_) return giveUp(nullptr);
    ++stats_.learnt;
    stats_.literals += nogood.size();
    return true;
}

bool ConflictAnalysis::giveUp(const Propagator* at) {
    ++stats_.givenUp;
    if (at) ++givenUpAt_[static_cast<size_t>(at->id())];
    return false;
}

}  // namespace moccasin::solver
