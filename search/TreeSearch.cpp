#include "search/TreeSearch.h"

#include <algorithm>
#include <vector>

namespace moccasin {

using solver::Engine;

bool TreeSearch::boundObjective() {
    int64_t ub = costCap_;
    const int64_t best = incumbent_.cost();
    if (best != Incumbent::kNone) ub = std::min(ub, best - 1);
    return ub == Incumbent::kNone || e_.setUb(model_.costVar(), ub);
}

void TreeSearch::learn() {
    // A full store takes nothing more: the analysis would be wasted.
    if (!analysis_ || !nogoods_ || !nogoods_->fits(1)) return;
    if (!analysis_->analyze(e_, learnt_)) return;
    nogoods_->addLearnt(e_, std::move(learnt_));
    learnt_.clear();
}

bool TreeSearch::propagatePendingLearnt() {
    if (!nogoods_ || !nogoods_->hasPendingLearnt()) return true;
    e_.schedule(*nogoods_);
    return e_.fixpoint();
}

TreeSearch::Outcome TreeSearch::run(uint64_t failLimit, const Deadline& deadline, double jitter, const char* source) {
    jitter_ = jitter;
    source_ = source;
    const int32_t base = e_.level();
    const uint64_t failuresAtStart = failures_;
    std::vector<Frame> stack;
    Outcome outcome = Outcome::Exhausted;
    e_.pushLevel();
    Frame first;
    if (!propagatePendingLearnt() || !boundObjective() || !e_.fixpoint()) {
        ++failures_;
        learn();
    } else {
        completion_.setScope();  // every node of this run lies below this one
        if (branchOrSolution(first)) {
            first.level = e_.level();
            stack.push_back(first);
        }
    }
    while (!stack.empty()) {
        if (deadline.expired()) {
            outcome = Outcome::Deadline;
            break;
        }
        if (failures_ - failuresAtStart >= failLimit &&
            !(capLowering_ && costCap_ != Incumbent::kNone && capLowering_->lower(costCap_, failLimit))) {
            outcome = Outcome::FailLimit;
            break;
        }
        Frame& f = stack.back();
        if (f.next == 2) {
            stack.pop_back();
            continue;
        }
        e_.popToLevel(f.level);
        // On the frame's level, so that what they imply holds for all its alternatives. A
        // failure there refutes the decision that opened the level.
        if (!propagatePendingLearnt()) {
            ++failures_;
            learn();
            stack.pop_back();
            continue;
        }
        e_.pushLevel();
        const Decision d = f.alt[f.next++];
        ++nodes_;
        if (!d.apply(e_) || !boundObjective() || !e_.fixpoint()) {
            ++failures_;
            learn();
            continue;
        }
        Frame child;
        if (branchOrSolution(child)) {
            child.level = e_.level();
            stack.push_back(child);
        }
    }
    std::vector<std::vector<Decision>> learnt;
    if (outcome == Outcome::FailLimit && nogoods_ && nogoodLimits_.restartNogoods && base == 0 && costCap_ == Incumbent::kNone) learnt = refutedBranches(stack);
    e_.popToLevel(base);
    for (std::vector<Decision>& nogood : learnt) {
        if (!nogoods_->fits(static_cast<int64_t>(nogood.size()))) continue;
        ++nogoodsRecorded_;
        // A nogood violated at the root: everything below it has been refuted.
        if (!nogoods_->add(e_, std::move(nogood))) return Outcome::Exhausted;
    }
    return outcome;
}

std::vector<std::vector<TreeSearch::Decision>> TreeSearch::refutedBranches(const std::vector<Frame>& stack) const {
    // Frames below the top are on the current branch: next == 1 means alt[0] is being searched
    // (a positive decision), next == 2 that alt[0] was refuted and alt[1] is being searched.
    // The top frame's alternatives tried so far are all refuted. Nogoods longer than the limit
    // are left out; they only grow along the branch, so the walk stops once they all would be.
    std::vector<std::vector<Decision>> out;
    std::vector<Decision> positive;
    const size_t maxLength = nogoodLimits_.maxLength;
    auto record = [&](const Decision* refuted) {
        if (positive.size() + (refuted ? 1 : 0) > maxLength) return;
        out.push_back(positive);
        if (refuted) out.back().push_back(*refuted);
    };
    for (size_t i = 0; i < stack.size() && positive.size() <= maxLength; ++i) {
        const Frame& f = stack[i];
        if (i + 1 == stack.size()) {
            if (f.next == 2) record(nullptr);
            else if (f.next == 1) record(&f.alt[0]);
            break;
        }
        if (f.next == 1) positive.push_back(f.alt[0]);
        else record(&f.alt[0]);
    }
    return out;
}

bool TreeSearch::branchOrSolution(Frame& f) {
    if (model_.allFixed()) {
        incumbent_.offer(model_.plan(), source_);
        return false;
    }
    completion_.build();
    const auto [t, node] = completion_.firstOverload();
    if (t < 0) tryCompletion(completion_.plan());
    else if (peakBranch(completion_.computations(), t, node, f)) return true;
    return fallbackBranch(f);
}

// Tries the completion as a full assignment at a scratch level; a success is a solution.
void TreeSearch::tryCompletion(const StagedPlan& completion) {
    int32_t level = e_.level();
    e_.pushLevel();
    if (model_.fixToPlan(completion) && model_.allFixed()) incumbent_.offer(model_.plan(), source_);
    e_.popToLevel(level);
}

// Drop-or-keep branching on an output held at the overloaded event t.
bool TreeSearch::peakBranch(const std::vector<Computation>& computations, int64_t t, int computedNode, Frame& f) {
    long double bestScore = -1;
    Decision drop;
    for (const auto& c : computations) {
        if (!(c.start < t && t < c.end) || c.node == computedNode) continue;
        if (computedNode >= 0) {
            auto preds = model_.graph().preds(computedNode);
            if (std::binary_search(preds.begin(), preds.end(), c.node)) continue;
        }
        if (model_.graph().size(c.node) == 0) continue;
        // Which model copy is this? The one of that node whose start is c.start.
        const StageTask* task = nullptr;
        for (int i = 0; i < model_.copies(); ++i) {
            const StageTask& ti = model_.task(c.node, i);
            if (e_.isTrue(ti.presence) && stagetask::startMax(e_, ti) == c.start) task = &ti;
        }
        // Both sides must shrink the domain, or the search would not progress.
        if (!task || e_.lb(task->end) > t || e_.ub(task->end) <= t) continue;
        long double score = static_cast<long double>(model_.graph().size(c.node)) /
                            (static_cast<long double>(model_.graph().cost(c.node)) + 1.0L) *
                            (1.0L + static_cast<long double>(rng_() % 1000) * static_cast<long double>(jitter_) / 1000.0L);
        if (score > bestScore) {
            bestScore = score;
            drop = Decision{task->end, false, t};
        }
    }
    if (bestScore < 0) return false;
    f.alt[0] = drop;
    f.alt[1] = drop.negation();
    return true;
}

bool TreeSearch::fallbackBranch(Frame& f) {
    for (const StageTask& t : model_.tasks())
        if (!e_.isFixed(t.presence)) {
            f.alt[0] = Decision{t.presence, false, 0};
            f.alt[1] = f.alt[0].negation();
            return true;
        }
    for (const StageTask& t : model_.tasks())
        if (e_.isTrue(t.presence) && !e_.isFixed(t.stage)) {
            int64_t ub = e_.ub(t.stage);
            f.alt[0] = Decision{t.stage, true, ub};
            f.alt[1] = f.alt[0].negation();
            return true;
        }
    for (const StageTask& t : model_.tasks())
        if (e_.isTrue(t.presence) && !e_.isFixed(t.end)) {
            int64_t lb = e_.lb(t.end);
            f.alt[0] = Decision{t.end, false, lb};
            f.alt[1] = f.alt[0].negation();
            return true;
        }
    return false;  // unreachable: allFixed() was false
}

}  // namespace moccasin
