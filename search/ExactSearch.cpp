#include "search/ExactSearch.h"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "model/LowerBound.h"
#include "model/Timeline.h"
#include "search/Deadline.h"

namespace moccasin {

namespace {

using solver::Engine;
using solver::VarId;

// One side of a binary branching: x >= value (lower) or x <= value.
struct Decision {
    VarId var = -1;
    bool lower = false;
    int64_t value = 0;
    bool apply(Engine& e) const { return lower ? e.setLb(var, value) : e.setUb(var, value); }
};

struct Frame {
    Decision alt[2];
    int next = 0;
    int32_t level = 0;  // the engine level the frame's node lives at
};

// Luby sequence 1 1 2 1 1 2 4 ...
uint64_t luby(uint64_t i) {
    for (uint64_t k = 1;; ++k) {
        uint64_t p = (uint64_t{1} << k) - 1;
        if (i == p) return uint64_t{1} << (k - 1);
        if (i < p) return luby(i - ((uint64_t{1} << (k - 1)) - 1));
    }
}

class Search {
public:
    Search(const Graph& g, int64_t budget, int copies, const ExactOptions& opt)
        : g_(g), copies_(copies), opt_(opt), model_(g, budget, copies, opt.model), e_(model_.engine()),
          deadline_(opt.timeLimitSeconds), rng_(opt.seed * 0x9E3779B97F4A7C15ULL + 1) {}

    ExactResult run(const std::optional<StagedPlan>& warmStart) {
        result_.lowerBound = g_.baselineCost();
        if (warmStart) offer(*warmStart, "warm start");
        bool rootOk = e_.fixpoint();
        if (rootOk) {
            int64_t target = haveIncumbent_ ? result_.bestCost : g_.baselineCost() * 2;
            result_.lowerBound = std::max({result_.lowerBound, e_.lb(model_.costVar()),
                                           rootLowerBound(g_, model_.budget(), copies_, 200, target)});
        }
        bool exhausted = !rootOk;
        for (uint64_t run = 1; !exhausted && !limitHit_; ++run) {
            uint64_t limit = opt_.restarts ? opt_.restartBase * luby(run) : UINT64_MAX;
            jitter_ = run > 1 ? 0.5L : 0.0L;  // restarts explore other tie-breaks
            exhausted = dive(limit);
            e_.popToLevel(0);
            if (!exhausted && !limitHit_) ++result_.restarts;
        }
        if (exhausted) {
            if (haveIncumbent_) {
                result_.provedOptimal = true;
                result_.lowerBound = result_.bestCost;
            } else {
                result_.provedInfeasible = true;
            }
        }
        result_.seconds = deadline_.elapsed();
        result_.statistics = {{"nodes", result_.nodes},           {"failures", result_.failures},
                              {"solutions", result_.solutions},   {"restarts", result_.restarts},
                              {"propagations", e_.stats().propagations}, {"work", e_.stats().work},
                              {"propagators", model_.propagatorStats()}};
        return std::move(result_);
    }

private:
    // ---- incumbent --------------------------------------------------------------------------
    // Accepts a plan if it fits the budget and improves the incumbent. The engine's own leaves
    // are checked the same way: everything that becomes an incumbent has been evaluated here.
    bool offer(const StagedPlan& plan, const char* /*source*/) {
        Schedule s = materialize(g_, plan);
        Evaluation ev = evaluate(g_, s);
        if (ev.peak > model_.budget()) return false;
        for (const auto& st : plan.recomputeStages)
            if (static_cast<int>(st.size()) > copies_ - 1) return false;
        if (haveIncumbent_ && ev.cost >= result_.bestCost) return false;
        haveIncumbent_ = true;
        result_.best = plan;
        result_.bestCost = ev.cost;
        ++result_.solutions;
        result_.secondsToBest = deadline_.elapsed();
        if (result_.secondsToFirst < 0) result_.secondsToFirst = result_.secondsToBest;
        return true;
    }

    bool limitsReached() {
        if (result_.failures >= opt_.failLimit) return true;
        if ((result_.nodes & 63) == 0 && deadline_.expired()) return true;
        return false;
    }

    // Applies the incumbent bound at the current level: cost <= best - 1.
    bool boundObjective() { return !haveIncumbent_ || e_.setUb(model_.costVar(), result_.bestCost - 1); }

    // One restart run: DFS until the tree is exhausted (true) or `failLimit` failures (false).
    bool dive(uint64_t failLimit) {
        uint64_t failuresAtStart = result_.failures;
        std::vector<Frame> stack;
        e_.pushLevel();
        if (!boundObjective() || !e_.fixpoint()) {
            ++result_.failures;
            return true;  // nothing better than the incumbent exists
        }
        Frame first;
        if (!branchOrSolution(first)) return true;
        first.level = e_.level();
        stack.push_back(first);
        while (!stack.empty()) {
            if (limitsReached()) {
                limitHit_ = true;
                return false;
            }
            if (result_.failures - failuresAtStart >= failLimit) return false;
            Frame& f = stack.back();
            if (f.next == 2) {
                stack.pop_back();
                continue;
            }
            e_.popToLevel(f.level);
            e_.pushLevel();
            const Decision d = f.alt[f.next++];
            ++result_.nodes;
            if (!d.apply(e_) || !boundObjective() || !e_.fixpoint()) {
                ++result_.failures;
                continue;
            }
            Frame child;
            if (branchOrSolution(child)) {
                child.level = e_.level();
                stack.push_back(child);
            }
        }
        return true;
    }

    // ---- branching --------------------------------------------------------------------------
    // Fills `f` with a branching and returns true, or records the leaf's solution and returns
    // false (the caller backtracks).
    bool branchOrSolution(Frame& f) {
        if (model_.allFixed()) {
            offer(model_.plan(), "search");
            return false;
        }
        StagedPlan completion = defaultCompletion();
        Schedule s = materialize(g_, completion);
        int64_t t = -1;
        int node = -1;
        firstOverload(s, t, node);
        if (t < 0) tryCompletion(completion);
        else if (peakBranch(s, t, node, f)) return true;
        return fallbackBranch(f);
    }

    StagedPlan defaultCompletion() const {
        StagedPlan p = StagedPlan::noRecompute(g_.numNodes());
        for (int k = 0; k < g_.numNodes(); ++k)
            for (int i = 1; i < copies_; ++i) {
                const StageTask& t = model_.task(k, i);
                if (!e_.isTrue(t.presence)) continue;
                int64_t st = e_.ub(t.stage);
                if (p.recomputeStages[k].empty() || p.recomputeStages[k].back() < st)
                    p.recomputeStages[k].push_back(static_cast<int>(st));
            }
        return p;
    }

    // The earliest computation at which memory exceeds the budget (t = -1 if none).
    void firstOverload(const Schedule& s, int64_t& t, int& node) const {
        std::vector<std::pair<int64_t, int64_t>> deltas;
        deltas.reserve(2 * s.computations.size());
        for (const auto& c : s.computations) {
            deltas.emplace_back(c.end, -g_.size(c.node));
            deltas.emplace_back(c.start, g_.size(c.node));
        }
        std::sort(deltas.begin(), deltas.end());
        int64_t live = 0;
        for (size_t i = 0; i < deltas.size(); ++i) {
            live += deltas[i].second;
            bool lastAtEvent = i + 1 == deltas.size() || deltas[i + 1].first != deltas[i].first;
            if (lastAtEvent && live > model_.budget()) {
                t = deltas[i].first;
                break;
            }
        }
        node = -1;
        if (t >= 0)
            for (const auto& c : s.computations)
                if (c.start == t) node = c.node;
    }

    // Tries the completion as a full assignment at a scratch level; a success is a solution.
    void tryCompletion(const StagedPlan& completion) {
        int32_t level = e_.level();
        e_.pushLevel();
        bool ok = true;
        for (int k = 0; k < g_.numNodes() && ok; ++k)
            for (int i = 1; i < copies_ && ok; ++i) {
                const StageTask& t = model_.task(k, i);
                bool present = i - 1 < static_cast<int>(completion.recomputeStages[k].size());
                ok = e_.fix(t.presence, present ? 1 : 0) &&
                     (!present || e_.fix(t.stage, completion.recomputeStages[k][i - 1]));
            }
        ok = ok && e_.fixpoint();
        if (ok && model_.allFixed()) offer(model_.plan(), "completion");
        e_.popToLevel(level);
    }

    // Drop-or-keep branching on an output held at the overloaded event t.
    bool peakBranch(const Schedule& s, int64_t t, int computedNode, Frame& f) {
        long double bestScore = -1;
        Decision drop;
        for (const auto& c : s.computations) {
            if (!(c.start < t && t < c.end) || c.node == computedNode) continue;
            if (computedNode >= 0) {
                auto preds = g_.preds(computedNode);
                if (std::binary_search(preds.begin(), preds.end(), c.node)) continue;
            }
            if (g_.size(c.node) == 0) continue;
            // Which model copy is this? The one of that node whose start is c.start.
            const StageTask* task = nullptr;
            for (int i = 0; i < copies_; ++i) {
                const StageTask& ti = model_.task(c.node, i);
                if (e_.isTrue(ti.presence) && stagetask::startMax(e_, ti) == c.start) task = &ti;
            }
            // Both sides must shrink the domain, or the search would not progress.
            if (!task || e_.lb(task->end) > t || e_.ub(task->end) <= t) continue;
            long double score = static_cast<long double>(g_.size(c.node)) /
                                (static_cast<long double>(g_.cost(c.node)) + 1.0L) *
                                (1.0L + static_cast<long double>(rng_() % 1000) * jitter_ / 1000.0L);
            if (score > bestScore) {
                bestScore = score;
                drop = Decision{task->end, false, t};
            }
        }
        if (bestScore < 0) return false;
        f.alt[0] = drop;
        f.alt[1] = Decision{drop.var, true, t + 1};
        return true;
    }

    bool fallbackBranch(Frame& f) {
        for (const StageTask& t : model_.tasks())
            if (!e_.isFixed(t.presence)) {
                f.alt[0] = Decision{t.presence, false, 0};
                f.alt[1] = Decision{t.presence, true, 1};
                return true;
            }
        for (const StageTask& t : model_.tasks())
            if (e_.isTrue(t.presence) && !e_.isFixed(t.stage)) {
                int64_t ub = e_.ub(t.stage);
                f.alt[0] = Decision{t.stage, true, ub};
                f.alt[1] = Decision{t.stage, false, ub - 1};
                return true;
            }
        for (const StageTask& t : model_.tasks())
            if (e_.isTrue(t.presence) && !e_.isFixed(t.end)) {
                int64_t lb = e_.lb(t.end);
                f.alt[0] = Decision{t.end, false, lb};
                f.alt[1] = Decision{t.end, true, lb + 1};
                return true;
            }
        return false;  // unreachable: allFixed() was false
    }

    const Graph& g_;
    int copies_;
    ExactOptions opt_;
    RematModel model_;
    Engine& e_;
    Deadline deadline_;
    std::mt19937_64 rng_;
    long double jitter_ = 0.0L;
    bool haveIncumbent_ = false;
    bool limitHit_ = false;
    ExactResult result_;
};

}  // namespace

ExactResult solveExact(const Graph& g, int64_t budget, int copies, const ExactOptions& options,
                       const std::optional<StagedPlan>& warmStart) {
    return Search(g, budget, copies, options).run(warmStart);
}

}  // namespace moccasin
