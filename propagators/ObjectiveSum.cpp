#include "propagators/ObjectiveSum.h"

#include <algorithm>

#include "solver/BoundLiteral.h"

namespace moccasin {

using solver::Engine;
namespace Event = solver::Event;

ObjectiveSum::ObjectiveSum(solver::VarId cost, int64_t baseline, std::vector<Term> terms)
    : cost_(cost), baseline_(baseline), terms_(std::move(terms)), counted_(terms_.size()) {
    // Most expensive first: the slack rule stops at the first term that fits.
    std::stable_sort(terms_.begin(), terms_.end(), [](const Term& a, const Term& b) { return a.cost > b.cost; });
}

void ObjectiveSum::attach(Engine& e) {
    int64_t possible = 0;
    termOfVar_.assign(static_cast<size_t>(e.numVars()), -1);
    for (size_t i = 0; i < terms_.size(); ++i) {
        e.watch(terms_[i].presence, Event::Fixed, *this, static_cast<int32_t>(i));
        possible += terms_[i].cost;
        termOfVar_[static_cast<size_t>(terms_[i].presence)] = static_cast<int32_t>(i);
    }
    totalCost_ = possible;
    presentSum_ = solver::RevInt64(0);
    possibleSum_ = solver::RevInt64(possible);
    e.watch(cost_, Event::UpperBound, *this, -1);
}

// Folds a newly fixed presence into the running sums (once per fixing, undone on backtrack).
void ObjectiveSum::account(Engine& e, size_t i) {
    if (counted_[i].get() || !e.isFixed(terms_[i].presence)) return;
    counted_[i].set(e.trail(), true);
    if (e.isTrue(terms_[i].presence))
        presentSum_.set(e.trail(), presentSum_.get() + terms_[i].cost);
    else
        possibleSum_.set(e.trail(), possibleSum_.get() - terms_[i].cost);
}

bool ObjectiveSum::notify(Engine& e, int32_t watchIndex, solver::EventMask) {
    if (watchIndex >= 0) account(e, static_cast<size_t>(watchIndex));
    return true;
}

bool ObjectiveSum::filter(Engine& e, int64_t presentSum, int64_t possibleSum) {
    if (!e.setLb(cost_, baseline_ + presentSum, this)) return false;
    if (!e.setUb(cost_, baseline_ + possibleSum, this)) return false;
    const int64_t slack = e.ub(cost_) - baseline_ - presentSum;
    for (size_t i = 0; i < terms_.size() && terms_[i].cost > slack; ++i) {
        if (e.isFixed(terms_[i].presence)) continue;
        if (!e.setUb(terms_[i].presence, 0, this)) return false;
        account(e, i);  // our own changes are not notified back to us
    }
    return true;
}

bool ObjectiveSum::propagate(Engine& e) {
    if (!initialized_) {  // fixings made before attach, at level 0
        initialized_ = true;
        for (size_t i = 0; i < terms_.size(); ++i) account(e, i);
    }
    return filter(e, presentSum_.get(), possibleSum_.get());
}

bool ObjectiveSum::propagateFromScratch(Engine& e) {
    int64_t present = 0, possible = 0;
    for (size_t i = 0; i < terms_.size(); ++i) {
        account(e, i);  // keeps the incremental state in step
        if (e.isTrue(terms_[i].presence)) present += terms_[i].cost;
        if (!e.isFalse(terms_[i].presence)) possible += terms_[i].cost;
    }
    initialized_ = true;
    return filter(e, present, possible);
}

bool ObjectiveSum::explain(const Engine& e, int64_t /*code*/, const solver::BoundLiteral* lit, int64_t pos,
                           std::vector<solver::BoundLiteral>& reason) const {
    using solver::BoundLiteral;
    // Present copies (most expensive first) until their costs exceed `over`.
    auto present = [&](int64_t over) {
        int64_t sum = 0;
        for (size_t i = 0; i < terms_.size() && sum <= over; ++i)
            if (e.lbAt(terms_[i].presence, pos) >= 1) {
                sum += terms_[i].cost;
                reason.push_back(BoundLiteral{terms_[i].presence, true, 1});
            }
    };
    if (lit && lit->var == cost_ && lit->lower) {  // [cost >= v]: present copies costing v - baseline
        present(lit->value - baseline_ - 1);
    } else if (lit && lit->var == cost_) {  // [cost <= v]: absent copies leaving at most v - baseline
        int64_t possible = totalCost_;
        for (size_t i = 0; i < terms_.size() && possible > lit->value - baseline_; ++i)
            if (e.ubAt(terms_[i].presence, pos) <= 0) {
                possible -= terms_[i].cost;
                reason.push_back(BoundLiteral{terms_[i].presence, false, 0});
            }
    } else if (lit) {  // an absent copy: with it the present ones would exceed cost.ub
        const int64_t ub = e.ubAt(cost_, pos);
        reason.push_back(BoundLiteral{cost_, false, ub});
        present(ub - baseline_ - terms_[static_cast<size_t>(termOfVar_[static_cast<size_t>(lit->var)])].cost);
    } else {  // never reported: failures come from a bound change
        return e.explainByScope(*this, pos, reason);
    }
    return true;
}

}  // namespace moccasin
