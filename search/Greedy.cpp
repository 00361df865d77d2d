#include "search/Greedy.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "model/Timeline.h"
#include "solver/RangeAddMaxTree.h"

namespace moccasin {

namespace {

// Life cycle of a node's output during the walk.
enum class State : uint8_t {
    NotYet,   // its first computation is still ahead
    Live,     // the current copy is retained
    Pending,  // not retained, but needed again: recomputed at the stage that next needs it
    Dead,     // not retained and, as things stand, never needed again
};

// Recomputing a node can drag Dead inputs back; chains longer than this are not worth it.
constexpr int kMaxClosure = 64;

// How many stages a walk makes between looks at the clock.
constexpr int kDeadlineStride = 64;

// Eviction plans are worked out for at most this many live outputs at a time (the best by a
// closure-free score), unless none of them can go.
constexpr int kShortlist = 48;
// Above this many live outputs, an eviction first scores a random sample of this size.
constexpr int kSampleAbove = 1024;
constexpr int kSample = 256;

// A walk allowed over the budget looks at this many shortlists before it accepts the excess.
constexpr size_t kExcessShortlists = 4;

// The walk visits computations in event order; the k-th computation made is "ordinal" k. Memory
// is only ever checked at computations (an empty event holds no more than the computation before
// it), so the past profile lives in a tree over ordinals, never over events.
class GreedyWalk {
public:
    GreedyWalk(const Instance& inst, const GreedyOptions& options)
        : rng_(options.noiseSeed), noisy_(options.noiseSeed != 0), allowExcess_(options.allowExcess),
          chargePending_(options.chargePending), fullPlans_(options.fullPlans),
          deadline_(options.deadline), g_(inst.graph), n_(inst.graph.numNodes()), budget_(inst.budget),
          copies_(inst.copies), rule_(options.rule), state_(n_, State::NotYet),
          copiesMade_(n_, 0), nextFirstUse_(n_, 0), pendingDemand_(n_, 0), livePos_(n_, -1), lastUse_(n_, -1),
          protectStamp_(n_, 0), lastSlot_(n_, 0), visitStamp_(n_, 0), needStamp_(n_, 0), needStage_(n_, 0),
          profile_(n_ + n_ / 2 + 16), plan_(StagedPlan::noRecompute(n_)) {
        sampleStamp_.assign(n_, 0);
        reviveStamp_.assign(n_, 0);
        reviveFits_.assign(n_, 0);
    }

    GreedyResult run() {
        GreedyResult r;
        for (int s = 0; s < n_ && failure_.empty(); ++s) {
            // A walk over 10^4+ nodes takes a while: it must not outlive the time limit.
            if (deadline_ && s % kDeadlineStride == 0 && deadline_->expired()) {
                stopForDeadline(s);
                break;
            }
            runStage(s);
        }
        r.evictions = evictions_;
        if (!failure_.empty())
            r.failure = failure_;
        else if (overBudget_)
            r.overBudget = std::move(plan_);
        else
            r.plan = std::move(plan_);
        if (overBudget_ && r.failure.empty()) r.failure = excessFailure_;
        return r;
    }

private:
    // ---- bookkeeping -----------------------------------------------------------------------
    bool hasFutureUse(int u) const {
        return nextFirstUse_[u] < static_cast<int>(g_.succs(u).size()) || pendingDemand_[u] > 0;
    }
    void addLive(int u) {
        state_[u] = State::Live;
        livePos_[u] = static_cast<int>(live_.size());
        live_.push_back(u);
        liveMemory_ += g_.size(u);
    }
    void removeLive(int u, State to) {
        int pos = livePos_[u];
        live_[pos] = live_.back();
        livePos_[live_[pos]] = pos;
        live_.pop_back();
        livePos_[u] = -1;
        liveMemory_ -= g_.size(u);
        state_[u] = to;
    }
    void freeIfUnused(int u) {
        if (state_[u] == State::Live && !hasFutureUse(u)) removeLive(u, State::Dead);
    }
    // Records the memory at the current ordinal once the computation there fits.
    void recordOrdinal() {
        if (ordinal_ >= profile_.size()) {
            RangeAddMaxTree bigger(2 * profile_.size());
            for (int i = 0; i < profile_.size(); ++i) bigger.set(i, profile_.at(i));
            profile_ = std::move(bigger);
        }
        profile_.set(ordinal_, liveMemory_);
    }
    // u was Dead from just after its last use until now; can it have stayed in memory instead?
    bool canRevive(int u) const {
        return profile_.max(lastUse_[u] + 1, ordinal_ - 1) + g_.size(u) <= budget_;
    }

    // canRevive while the profile stays as it is: the plans of one eviction ask it for the same
    // outputs again and again, and the profile changes only when an eviction applies (a new
    // needEpoch_; a plan that fails to apply restores the profile exactly).
    bool canReviveNow(int u) {
        if (reviveStamp_[u] != needEpoch_) {
            reviveStamp_[u] = needEpoch_;
            reviveFits_[u] = canRevive(u);
        }
        return reviveFits_[u];
    }

    // ---- stages ----------------------------------------------------------------------------
    // The Pending nodes stage s must recompute for node s, ascending.
    void collectRecomputations(int s) {
        recompute_.clear();
        std::vector<int>& stack = stack_;
        stack.assign(g_.preds(s).begin(), g_.preds(s).end());
        ++visitEpoch_;
        while (!stack.empty()) {
            int u = stack.back();
            stack.pop_back();
            if (state_[u] != State::Pending || visitStamp_[u] == visitEpoch_) continue;
            visitStamp_[u] = visitEpoch_;
            recompute_.push_back(u);
            for (int p : g_.preds(u)) stack.push_back(p);
        }
        std::sort(recompute_.begin(), recompute_.end());
    }

    // During stage s an output is off limits for eviction until the last slot of the stage that
    // reads or writes it; after that it may go like any other.
    void protectStage(int s) {
        ++protectEpoch_;
        auto mark = [&](int u, int slot) {
            if (protectStamp_[u] != protectEpoch_) {
                protectStamp_[u] = protectEpoch_;
                lastSlot_[u] = slot;
            } else {
                lastSlot_[u] = std::max(lastSlot_[u], slot);
            }
        };
        mark(s, s);
        for (int p : g_.preds(s)) mark(p, s);
        for (int w : recompute_) {
            mark(w, w);
            for (int p : g_.preds(w)) mark(p, w);
        }
    }
    bool isProtected(int u, int slot) const { return protectStamp_[u] == protectEpoch_ && lastSlot_[u] >= slot; }

    // Computes node x at the current ordinal (slot `slot` of stage s), then lets go of inputs
    // that are no longer needed.
    bool compute(int s, int x, bool first) {
        if (first) {
            copiesMade_[x] = 1;
        } else {
            ++copiesMade_[x];
            plan_.recomputeStages[x].push_back(s);
        }
        addLive(x);
        if (!fitBudget(s, x)) return false;
        recordOrdinal();
        lastUse_[x] = ordinal_;
        for (int p : g_.preds(x)) {
            lastUse_[p] = ordinal_;
            if (first)
                ++nextFirstUse_[p];
            else
                --pendingDemand_[p];
        }
        ++ordinal_;
        for (int p : g_.preds(x)) freeIfUnused(p);
        freeIfUnused(x);
        return true;
    }

    void runStage(int s) {
        collectRecomputations(s);
        protectStage(s);
        for (int w : recompute_)
            if (!compute(s, w, false)) return;
        compute(s, s, true);
    }

    // ---- eviction ----------------------------------------------------------------------------
    // The earliest stage at which u is needed again: its next first-use consumer, or the next
    // need of a Pending consumer that will be recomputed from it.
    int nextNeed(int u) {
        if (needStamp_[u] == needEpoch_) return needStage_[u];
        int best = std::numeric_limits<int>::max();
        auto succ = g_.succs(u);
        if (nextFirstUse_[u] < static_cast<int>(succ.size())) best = succ[nextFirstUse_[u]];
        if (pendingDemand_[u] > 0)
            for (int c : succ)
                if (state_[c] == State::Pending) best = std::min(best, nextNeed(c));
        needStamp_[u] = needEpoch_;
        needStage_[u] = best;
        return best;
    }

    // What dropping u now entails. Recomputing u later needs its inputs: Live and Pending ones
    // are there (or will be); a Dead one is either kept in memory after all (revived, if the past
    // profile has room) or recomputed too, which may drag its own Dead inputs in.
    struct EvictionPlan {
        bool ok = false;
        int64_t cost = 0;      // compute added by the recomputations
        int64_t relief = 0;    // memory freed at the current computation
        int dragged = 0;       // Pending inputs recomputed again with it (in `cost`)
        // Whether preferring revivals changed anything: a Dead input that could have been
        // recomputed was revived instead. If not, the plan without that preference is the same.
        bool revivedByPreference = false;
        // Given up part way because its score could no longer beat the cutoff (see ScoreCutoff).
        bool pruned = false;
        std::vector<int> recompute, revive;
    };
    // A plan's cost only grows and its relief only shrinks as its closure is worked out, so the
    // score of the part seen so far is a lower bound on the plan's score (for every rule, with its
    // jitter factor fixed in advance). A plan whose bound exceeds the best score found so far at
    // this eviction cannot be chosen, and is given up there.
    struct ScoreCutoff {
        long double best;      // the lowest score of a complete plan so far
        long double factor;    // this plan's jitter factor
        long double distance;  // stages to the victim's next need (the Dtr rule)
    };
    // The plan is built in a buffer the walk reuses (evictions work out thousands of plans); it is
    // valid until the next call.
    EvictionPlan& planEviction(int u, bool preferRevive, const ScoreCutoff* cutoff = nullptr) {
        EvictionPlan& plan = scratchPlan_;
        // Relief never grows again once it is gone: the plan frees nothing.
        const auto hopeless = [&] {
            if (plan.relief <= 0) return true;
            if (!cutoff || jittered(ruleScore(plan.cost, plan.relief, cutoff->distance), cutoff->factor) <= cutoff->best)
                return false;
            plan.pruned = true;
            return true;
        };
        plan.ok = plan.revivedByPreference = plan.pruned = false;
        plan.cost = 0;
        plan.dragged = 0;
        plan.recompute.clear();
        plan.revive.clear();
        ++visitEpoch_;
        std::vector<int>& stack = stack_;
        stack.assign(1, u);
        visitStamp_[u] = visitEpoch_;
        plan.relief = g_.size(u);
        while (!stack.empty()) {
            int x = stack.back();
            stack.pop_back();
            if (copiesMade_[x] >= copies_ || static_cast<int>(plan.recompute.size()) >= kMaxClosure) return plan;
            plan.recompute.push_back(x);
            plan.cost += g_.cost(x);
            if (hopeless()) return plan;
            for (int p : g_.preds(x)) {
                if (visitStamp_[p] == visitEpoch_) continue;
                if (chargePending_ && state_[p] == State::Pending) {
                    // Already to be recomputed, but then again at u's next need: counted in the
                    // cost and in the length of the chain, with the Pending inputs it drags along.
                    visitStamp_[p] = visitEpoch_;
                    if (!dragPending(plan, p) || hopeless()) return plan;
                    continue;
                }
                if (state_[p] != State::Dead) continue;
                visitStamp_[p] = visitEpoch_;
                bool recomputable = copiesMade_[p] < copies_;
                if ((preferRevive || !recomputable) && canReviveNow(p)) {
                    plan.revivedByPreference = plan.revivedByPreference || recomputable;
                    plan.revive.push_back(p);
                    plan.relief -= g_.size(p);
                    if (hopeless()) return plan;
                } else {
                    stack.push_back(p);
                }
            }
        }
        plan.ok = plan.relief > 0;
        return plan;
    }
    // Adds the Pending node x, and the Pending inputs it needs in turn, to what recomputing the
    // plan's victim costs; false when the chain grows beyond kMaxClosure. Without this, victims
    // whose inputs were evicted earlier look cheap, and the chains of Pending outputs grow until
    // one stage recomputes thousands of nodes (seen on 10^4-node graphs at 0.7 of the peak).
    bool dragPending(EvictionPlan& plan, int x) {
        std::vector<int>& stack = dragStack_;
        stack.assign(1, x);
        while (!stack.empty()) {
            int y = stack.back();
            stack.pop_back();
            if (++plan.dragged + static_cast<int>(plan.recompute.size()) >= kMaxClosure) return false;
            plan.cost += g_.cost(y);
            for (int p : g_.preds(y)) {
                if (state_[p] != State::Pending || visitStamp_[p] == visitEpoch_) continue;
                visitStamp_[p] = visitEpoch_;
                stack.push_back(p);
            }
        }
        return true;
    }

    // Lower is a better victim. With a noise seed, scores are jittered by up to a factor 2 so that
    // restarts explore other choices.
    // The score of dropping u alone, before its closure is worked out (ranks the shortlists).
    long double closureFreeScore(int u) { return jittered(ruleScore(g_.cost(u), g_.size(u), distance(u)), jitter()); }
    // The factor of one jittered score: 1 without a noise seed.
    long double jitter() { return noisy_ ? 1.0L + static_cast<long double>(rng_() % 1000) / 1000.0L : 1.0L; }
    static long double jittered(long double s, long double factor) { return s >= 0 ? s * factor : s / factor; }
    // Stages until u is needed again, counting the current one (only the Dtr rule reads it).
    long double distance(int u) {
        return rule_ == VictimRule::Dtr ? static_cast<long double>(nextNeed(u)) - currentStage_ + 1 : 1.0L;
    }
    long double ruleScore(int64_t cost, int64_t relief, long double distance) const {
        switch (rule_) {
            case VictimRule::LargestSize:
                return -static_cast<long double>(relief);
            case VictimRule::CostPerByte:
                return static_cast<long double>(cost) / static_cast<long double>(relief);
            case VictimRule::Dtr:
            default:
                return static_cast<long double>(cost) / (static_cast<long double>(relief) * distance);
        }
    }

    // Applies an eviction plan. Revivals are re-checked one by one, since each one raises the
    // past profile for the next; one that no longer fits is recomputed instead when it can be,
    // otherwise the whole plan is undone.
    bool applyEviction(int u, EvictionPlan& plan) {
        std::vector<int>& revived = revived_;
        revived.clear();
        for (int p : plan.revive) {
            if (canRevive(p)) {
                profile_.add(lastUse_[p] + 1, ordinal_ - 1, g_.size(p));
                addLive(p);
                revived.push_back(p);
            } else if (copiesMade_[p] < copies_ && hasLiveOrPendingInputs(p)) {
                plan.recompute.push_back(p);
            } else {
                for (int q : revived) {
                    profile_.add(lastUse_[q] + 1, ordinal_ - 1, -g_.size(q));
                    removeLive(q, State::Dead);
                }
                return false;
            }
        }
        // u's copy ends right after its last use: it no longer counts from there to now.
        profile_.add(lastUse_[u] + 1, ordinal_ - 1, -g_.size(u));
        removeLive(u, State::Pending);
        for (int x : plan.recompute) {
            if (x != u) state_[x] = State::Pending;
            for (int p : g_.preds(x)) ++pendingDemand_[p];
        }
        ++evictions_;
        return true;
    }
    bool hasLiveOrPendingInputs(int x) const {
        for (int p : g_.preds(x))
            if (state_[p] == State::Dead) return false;
        return true;
    }

    struct Candidate {
        long double score;
        int node;
        bool preferRevive;
        bool operator<(const Candidate& o) const {
            return score != o.score ? score < o.score : node != o.node ? node < o.node : preferRevive > o.preferRevive;
        }
    };
    // The candidates of `nodes` (each with and without preferring revivals). With `prune`, plans
    // that cannot have the lowest score are given up part way and left out; returns whether any
    // was (then the lowest listed is the lowest of all, but the next ones may not be).
    bool addCandidates(const std::vector<int>& nodes, std::vector<Candidate>& out, bool prune) {
        long double best = std::numeric_limits<long double>::infinity();
        bool anyPruned = false;
        for (int u : nodes) {
            const long double dist = distance(u);
            // Adds the plan of (u, preferRevive) as a candidate if it frees memory.
            const auto consider = [&](const EvictionPlan& plan, bool preferRevive, long double factor) {
                anyPruned = anyPruned || plan.pruned;
                if (!plan.ok) return;
                const long double sc = jittered(ruleScore(plan.cost, plan.relief, dist), factor);
                out.push_back({sc, u, preferRevive});
                best = std::min(best, sc);
            };
            const long double f1 = jitter();
            ScoreCutoff cut1{best, f1, dist};
            const EvictionPlan& preferring = planEviction(u, true, prune ? &cut1 : nullptr);
            const bool samePlan = !preferring.revivedByPreference && !preferring.pruned && !fullPlans_;
            const bool sameAndPruned = !preferring.revivedByPreference && preferring.pruned && !noisy_;
            consider(preferring, true, f1);
            // Usually no revival was a matter of preference, and the second plan is the same one
            // (with jittered scores, under its own factor).
            const long double f2 = jitter();
            if (samePlan) {
                consider(preferring, false, f2);
            } else if (sameAndPruned) {
                anyPruned = true;  // the same part way, the same bound: given up too
            } else {
                ScoreCutoff cut2{best, f2, dist};
                consider(planEviction(u, false, prune ? &cut2 : nullptr), false, f2);
            }
        }
        return anyPruned;
    }

    void stopForDeadline(int s) {
        failure_ = "the time limit came first (stage " + std::to_string(s) + " of " + std::to_string(n_) + ")";
    }

    // An output that an eviction may choose at this slot.
    bool mayDrop(int u, int slot) const { return !isProtected(u, slot) && g_.size(u) > 0 && copiesMade_[u] < copies_; }

    // Evicts victims until the memory at the current computation (slot `slot` of stage s) fits.
    bool fitBudget(int s, int slot) {
        currentStage_ = s;
        while (liveMemory_ > budget_) {
            ++needEpoch_;  // next-need answers are valid until the next eviction
            if (deadline_ && ++evictionTries_ % kDeadlineStride == 0 && deadline_->expired()) {
                stopForDeadline(s);
                return false;
            }
            // With many live outputs, a random sample is scored first, as DTR does: scoring all of
            // them at every eviction makes a walk quadratic on graphs of 10^5 nodes.
            if (static_cast<int>(live_.size()) > kSampleAbove) {
                ++sampleEpoch_;
                std::vector<int>& sample = sample_;
                sample.clear();
                for (int tries = 0; tries < 4 * kSample && static_cast<int>(sample.size()) < kSample; ++tries) {
                    int u = live_[rng_() % live_.size()];
                    if (sampleStamp_[u] == sampleEpoch_ || !mayDrop(u, slot)) continue;
                    sampleStamp_[u] = sampleEpoch_;
                    sample.push_back(u);
                }
                if (evictOneOf(sample)) continue;
            }
            std::vector<int>& pool = pool_;
            pool.clear();
            int64_t droppable = 0;
            for (int u : live_)
                if (mayDrop(u, slot)) {
                    pool.push_back(u);
                    droppable += g_.size(u);
                }
            // Dropping everything that may go would not fit either: do not spend copies on it.
            if (liveMemory_ - droppable > budget_) return acceptExcess(s, slot);
            if (!evictOneOf(pool)) return acceptExcess(s, slot);
        }
        return true;
    }

    // Evicts the best victim of `pool` whose eviction applies; false if none does. Eviction plans
    // (the closure of inputs a recomputation drags in) are worked out a shortlist at a time, the
    // most promising by the score without the closure first. A plan can still fail when applied
    // (its revivals, checked one at a time, raise the profile for the next), so the next
    // shortlist is tried until one eviction applies.
    bool evictOneOf(const std::vector<int>& pool) {
        std::vector<std::pair<long double, int>>& ranked = ranked_;
        ranked.clear();
        for (int u : pool) ranked.emplace_back(closureFreeScore(u), u);
        std::vector<int>& shortlist = shortlist_;
        std::vector<Candidate>& candidates = candidates_;
        for (size_t from = 0, lists = 0; from < ranked.size(); from += kShortlist, ++lists) {
            // Over the budget already, a long hunt for a droppable output costs more time than
            // the excess it might save.
            if (allowExcess_ && lists == kExcessShortlists) break;
            const size_t to = std::min(ranked.size(), from + kShortlist);
            // Selection, not a sort: usually the first shortlist has a victim.
            if (to < ranked.size()) std::nth_element(ranked.begin() + from, ranked.begin() + to, ranked.end());
            // The most promising first, so that the cutoff is low early.
            std::sort(ranked.begin() + from, ranked.begin() + to);
            shortlist.clear();
            for (size_t i = from; i < to; ++i) shortlist.push_back(ranked[i].second);
            candidates.clear();
            const bool pruned = addCandidates(shortlist, candidates, !fullPlans_);
            if (candidates.empty()) continue;  // nothing pruned either: pruning needs a complete plan
            std::sort(candidates.begin(), candidates.end());
            if (applyEviction(candidates[0].node, planEviction(candidates[0].node, candidates[0].preferRevive))) return true;
            // The best plan no longer applies (a revival stopped fitting): the others in order, all
            // of them worked out this time (a failed plan leaves the walk as it was, so the first
            // fails again and is skipped when nothing was given up).
            if (pruned) {
                candidates.clear();
                addCandidates(shortlist, candidates, false);
                std::sort(candidates.begin(), candidates.end());
            }
            for (size_t i = pruned ? 0 : 1; i < candidates.size(); ++i)
                if (applyEviction(candidates[i].node, planEviction(candidates[i].node, candidates[i].preferRevive)))
                    return true;
        }
        return false;
    }

    // Nothing more can go at this computation: fail, or (allowExcess) carry on over the budget.
    bool acceptExcess(int s, int slot) {
        std::string why = "memory " + std::to_string(liveMemory_) + " exceeds the budget " + std::to_string(budget_) +
                          " at event " + std::to_string(eventOf(s, slot)) + " (stage " + std::to_string(s) +
                          ") and no live output can be dropped";
        if (!allowExcess_) {
            failure_ = why;
            return false;
        }
        // The walk's budget becomes the memory it could not go below: later computations drop
        // outputs only above this level (trying again at every computation would cost a full
        // candidate search each time, and spend copies for a peak that is already there).
        if (!overBudget_) excessFailure_ = why;
        overBudget_ = true;
        budget_ = liveMemory_;
        return true;
    }

    std::mt19937_64 rng_;
    bool noisy_;
    bool allowExcess_;
    bool chargePending_;
    bool fullPlans_;
    int64_t evictionTries_ = 0, sampleEpoch_ = 0;
    std::vector<int64_t> sampleStamp_, reviveStamp_;
    std::vector<uint8_t> reviveFits_;
    const Deadline* deadline_;
    bool overBudget_ = false;
    std::string excessFailure_;
    const Graph& g_;
    int n_;
    int64_t budget_;
    int copies_;
    VictimRule rule_;
    std::vector<State> state_;
    std::vector<int> copiesMade_, nextFirstUse_, pendingDemand_, livePos_, lastUse_;
    std::vector<int64_t> protectStamp_;
    std::vector<int> lastSlot_;
    std::vector<int64_t> visitStamp_, needStamp_;
    std::vector<int> needStage_;
    int64_t protectEpoch_ = 0, visitEpoch_ = 0, needEpoch_ = 0;
    std::vector<int> live_, recompute_;
    // Buffers reused by every eviction (a walk on 10^4 nodes works out millions of plans).
    EvictionPlan scratchPlan_;
    std::vector<int> stack_, dragStack_, revived_, sample_, pool_, shortlist_;
    std::vector<std::pair<long double, int>> ranked_;
    std::vector<Candidate> candidates_;
    int64_t liveMemory_ = 0;
    int ordinal_ = 0, currentStage_ = 0;
    RangeAddMaxTree profile_;
    int64_t evictions_ = 0;
    std::string failure_;
    StagedPlan plan_;
};

}  // namespace

GreedyResult greedyPlan(const Instance& inst, const GreedyOptions& options) {
    return GreedyWalk(inst, options).run();
}

}  // namespace moccasin
