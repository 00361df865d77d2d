// bestGreedyPlan (search/Greedy.h): the greedy's walks spread over worker threads, numbered and
// chosen as search/GreedyPortfolio.h describes.
#include "search/GreedyPortfolio.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <vector>

#include "search/DropRecomputations.h"
#include "search/Workers.h"

namespace moccasin {

namespace {

// When no rule meets the budget, rounds with jittered scores; more rarely pays off.
constexpr uint64_t kNoisyRestarts = 8;
constexpr uint64_t kTimedRestarts = 64;

constexpr VictimRule kRules[] = {VictimRule::Dtr, VictimRule::CostPerByte, VictimRule::LargestSize};
constexpr uint64_t kRuleCount = sizeof kRules / sizeof kRules[0];
// Round 0: one charging walk (Dtr), then every rule without charging.
constexpr uint64_t kFirstRound = 1 + kRuleCount;

// What the workers share: the next walk's number and the first round that met the budget.
class WalkQueue {
public:
    explicit WalkQueue(uint64_t rounds) : walks_(kFirstRound + rounds * kRuleCount) {}
    static constexpr uint64_t kNoRound = std::numeric_limits<uint64_t>::max();

    // The next walk to make, or nothing once the walks are used up or a round before it met the budget.
    std::optional<uint64_t> next() {
        const uint64_t k = next_.fetch_add(1, std::memory_order_relaxed);
        if (k >= walks_ || walkSpec(k).round > metRound()) return std::nullopt;
        return k;
    }
    void met(uint64_t round) {
        uint64_t seen = metRound_.load(std::memory_order_relaxed);
        while (round < seen && !metRound_.compare_exchange_weak(seen, round, std::memory_order_acq_rel)) {
        }
    }
    uint64_t metRound() const { return metRound_.load(std::memory_order_acquire); }

private:
    const uint64_t walks_;
    std::atomic<uint64_t> next_{0};
    std::atomic<uint64_t> metRound_{kNoRound};
};

// One worker's walks: it owns what it found; the portfolio reads it after join().
class WalkWorker {
public:
    struct Met {
        MetWalk walk;
        int64_t evictions;
        StagedPlan plan;
    };

    WalkWorker(const Instance& inst, const Deadline* deadline, bool everyDropOrder, WalkQueue& queue)
        : inst_(inst), deadline_(deadline), everyDropOrder_(everyDropOrder), queue_(queue) {}

    void operator()() {
        for (;;) {
            const std::optional<uint64_t> k = queue_.next();
            // The first walk always runs, so a schedule exists whenever it fits.
            if (!k || (*k > 0 && deadline_ && deadline_->expired())) break;
            walk(*k);
        }
    }

    const std::vector<Met>& met() const { return met_; }
    // The failure of this worker's lowest-numbered walk that met nothing.
    uint64_t failedIndex() const { return failedIndex_; }
    const std::string& failure() const { return failure_; }

private:
    void walk(uint64_t index) {
        const WalkSpec spec = walkSpec(index);
        GreedyOptions o;
        o.rule = spec.rule;
        o.chargePending = spec.chargePending;
        o.noiseSeed = spec.noise == 0 ? 0 : spec.noise * 3 + static_cast<uint64_t>(spec.rule);
        o.deadline = index > 0 ? deadline_ : nullptr;  // the first walk always completes
        GreedyResult r = greedyPlan(inst_, o);
        if (!r.plan) {
            if (index < failedIndex_) {
                failedIndex_ = index;
                failure_ = r.failure;
            }
            return;
        }
        queue_.met(spec.round);
        // The walk decided each eviction without knowing that memory falls later: drop the
        // recomputations the budget turns out not to need before comparing walks.
        if (everyDropOrder_) dropRecomputations(inst_, *r.plan, deadline_);
        else dropRecomputationsIn(inst_, *r.plan, DropOrder::Dearest, deadline_);
        const int64_t cost = evaluate(inst_.graph, materialize(inst_.graph, *r.plan)).cost;
        met_.push_back({{index, spec.round, cost}, r.evictions, std::move(*r.plan)});
    }

    const Instance& inst_;
    const Deadline* deadline_;
    bool everyDropOrder_;
    WalkQueue& queue_;
    std::vector<Met> met_;
    uint64_t failedIndex_ = std::numeric_limits<uint64_t>::max();
    std::string failure_;
};

}  // namespace

WalkSpec walkSpec(uint64_t index) {
    if (index == 0) return {0, VictimRule::Dtr, 0, true};
    if (index < kFirstRound) return {0, kRules[index - 1], 0, false};
    const uint64_t round = 1 + (index - kFirstRound) / kRuleCount;
    return {round, kRules[(index - kFirstRound) % kRuleCount], round, round % 2 == 1};
}

std::optional<size_t> chooseWalk(const std::vector<MetWalk>& met, uint64_t lastRound) {
    std::optional<size_t> pick;
    for (size_t i = 0; i < met.size(); ++i) {
        const MetWalk& m = met[i];
        if (m.round > lastRound) continue;  // started before the workers learnt of an earlier success
        const MetWalk* kept = pick ? &met[*pick] : nullptr;
        if (!kept || m.cost < kept->cost || (m.cost == kept->cost && m.index < kept->index)) pick = i;
    }
    return pick;
}

GreedyResult bestGreedyPlan(const Instance& inst, const Deadline* deadline, bool timedRestarts, bool everyDropOrder,
                            int threads) {
    // With a deadline, rounds go on until it expires (on large graphs sampled victims make each
    // walk different, and a later one often fits); without one, a fixed number.
    const uint64_t rounds = timedRestarts && deadline && deadline->hasLimit() ? kTimedRestarts : kNoisyRestarts;
    WalkQueue queue(rounds);
    std::vector<WalkWorker> workers;
    const int count = std::max(1, threads);
    workers.reserve(static_cast<size_t>(count));
    for (int t = 0; t < count; ++t) workers.emplace_back(inst, deadline, everyDropOrder, queue);
    runWorkers(workers);

    GreedyResult best;
    std::vector<MetWalk> met;
    std::vector<const WalkWorker::Met*> source;
    uint64_t failedIndex = std::numeric_limits<uint64_t>::max();
    for (const WalkWorker& w : workers) {
        for (const WalkWorker::Met& m : w.met()) {
            met.push_back(m.walk);
            source.push_back(&m);
        }
        if (w.failedIndex() < failedIndex) {
            failedIndex = w.failedIndex();
            best.failure = w.failure();
        }
    }
    if (const std::optional<size_t> pick = chooseWalk(met, queue.metRound())) {
        best.plan = source[*pick]->plan;
        best.evictions = source[*pick]->evictions;
        best.failure.clear();
        return best;
    }
    // No walk met the budget: one walk that goes on over it, the start of a repair.
    if (!(deadline && deadline->expired())) {
        GreedyOptions o;
        o.chargePending = true;
        o.allowExcess = true;
        o.deadline = deadline;
        // Walk 0's decisions (it failed, so this one goes over the budget where walk 0 stopped).
        GreedyResult r = greedyPlan(inst, o);
        if (r.overBudget) {
            best.overBudget = std::move(r.overBudget);
            best.overBudgetPeak = evaluate(inst.graph, materialize(inst.graph, *best.overBudget)).peak;
        }
    }
    return best;
}

}  // namespace moccasin
