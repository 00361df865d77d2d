// Objective: cost = baseline + sum of d_k over present extra copies (copy 0 of every node is
// always present, so its cost is the constant baseline).
// Invariant after propagation:
//   cost.lb >= baseline + sum of d over copies known present,
//   cost.ub <= baseline + sum of d over copies not known absent,
//   an undecided copy whose cost would push the sum of present copies above cost.ub is absent.
// In branch and bound the search lowers cost.ub to incumbent - 1 at every node.
// Explanations (learning): each bound is explained by the fewest fixed terms that force it,
// most expensive first: [cost >= v] by present copies, [cost <= v] by absent ones, an absent
// copy by cost.ub and present copies that leave no room for it.
#pragma once
#include <cstdint>
#include <vector>

#include "solver/Engine.h"
#include "solver/Rev.h"

namespace moccasin {

class ObjectiveSum : public solver::Propagator {
public:
    struct Term {
        solver::VarId presence;
        int64_t cost;
    };
    ObjectiveSum(solver::VarId cost, int64_t baseline, std::vector<Term> terms);

    std::string_view name() const override { return "objective-sum"; }
    solver::Priority priority() const override { return solver::Priority::Linear; }
    void attach(solver::Engine& e) override;
    bool propagate(solver::Engine& e) override;
    bool propagateFromScratch(solver::Engine& e) override;
    bool notify(solver::Engine& e, int32_t watchIndex, solver::EventMask events) override;
    bool explain(const solver::Engine& e, int64_t code, const solver::BoundLiteral* lit, int64_t pos,
                 std::vector<solver::BoundLiteral>& reason) const override;

private:
    bool filter(solver::Engine& e, int64_t presentSum, int64_t possibleSum);
    void account(solver::Engine& e, size_t i);

    solver::VarId cost_;
    int64_t baseline_;
    std::vector<Term> terms_;
    // Running sums kept up to date by notify(): reversible, so backtracking restores them.
    solver::RevInt64 presentSum_, possibleSum_;
    std::vector<solver::RevBool> counted_;  // the term's presence was fixed and counted
    bool initialized_ = false;
    int64_t totalCost_ = 0;               // sum of all terms' costs
    std::vector<int32_t> termOfVar_;      // per engine variable: its term, or -1
};

}  // namespace moccasin
