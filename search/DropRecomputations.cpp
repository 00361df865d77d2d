#include "search/DropRecomputations.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "solver/RangeAddMaxTree.h"

namespace moccasin {

namespace {

// Added to the memory of a deleted computation so that no later query sees it (values stay far
// from overflow: memories are below 2^62 and few deletions stack on one position).
constexpr int64_t kGone = -(std::numeric_limits<int64_t>::max() / 4);

// Whether rule tries node a's recomputations before node b's (a strict weak order; ties are
// broken by node, then copy).
bool tryBefore(const Graph& g, DropOrder rule, int a, int b) {
    switch (rule) {
        case DropOrder::Dearest: return g.cost(a) > g.cost(b);
        case DropOrder::CostPerByte:  // cost(a) / size(a) > cost(b) / size(b), size 0 first
            return static_cast<__int128>(g.cost(a)) * g.size(b) > static_cast<__int128>(g.cost(b)) * g.size(a);
        case DropOrder::Smallest:
            return g.size(a) < g.size(b) || (g.size(a) == g.size(b) && g.cost(a) > g.cost(b));
    }
    return false;
}

// One pass over a materialized plan. Copies are identified by their position in start order.
// A deleted copy's consumers are served by the copy before it (union-find on `rep_`); a copy's
// end is one past its last served computation that is still there, so each deletion updates the
// ends of the deleted computation's inputs (memory falls) and of the copy that takes its
// consumers over (memory rises, checked against the budget first).
class Pass {
public:
    Pass(const Instance& inst, const StagedPlan& plan)
        : inst_(inst), g_(inst.graph), comps_(materialize(g_, plan).computations) {
        const int num = static_cast<int>(comps_.size());
        starts_.resize(num);
        for (int p = 0; p < num; ++p) starts_[p] = comps_[p].start;
        copies_.resize(g_.numNodes());
        for (int p = 0; p < num; ++p) copies_[comps_[p].node].push_back(p);
        // Who serves whom: the latest copy of the input that starts before the consumer.
        served_.resize(num);
        inputsOf_.resize(num);
        for (int q = 0; q < num; ++q) {
            for (int u : g_.preds(comps_[q].node)) {
                const std::vector<int>& cu = copies_[u];
                auto it = std::lower_bound(cu.begin(), cu.end(), q);
                const int c = *(it - 1);  // copy 0 of u starts before every consumer
                served_[c].push_back(q);  // ascending q: the outer loop is ascending
                inputsOf_[q].push_back(c);
            }
        }
        rep_.resize(num);
        members_.resize(num);
        gone_.assign(num, false);
        end_.resize(num);
        memory_.reset(num);
        for (int p = 0; p < num; ++p) {
            rep_[p] = p;
            members_[p] = {p};
            end_[p] = comps_[p].end;
            memory_.add(p, firstAtOrAfter(end_[p]) - 1, g_.size(comps_[p].node));
        }
    }

    // Tries every recomputation once, dearest first; returns the number deleted and removes
    // them from `plan`.
    int64_t run(StagedPlan& plan, DropOrder rule, const Deadline* deadline) {
        std::vector<std::pair<int, int>> order;  // (node, copy index)
        for (int k = 0; k < g_.numNodes(); ++k)
            for (int j = 1; j < static_cast<int>(copies_[k].size()); ++j) order.emplace_back(k, j);
        std::sort(order.begin(), order.end(),
                  [&](const std::pair<int, int>& a, const std::pair<int, int>& b) {
                      return tryBefore(g_, rule, a.first, b.first) || (!tryBefore(g_, rule, b.first, a.first) && a < b);
                  });
        int64_t removed = 0;
        for (const auto& [k, j] : order) {
            if (deadline && deadline->expired()) break;
            if (tryDelete(copies_[k][j])) ++removed;
        }
        if (removed == 0) return 0;
        for (int k = 0; k < g_.numNodes(); ++k) {
            std::vector<int> kept;
            for (size_t j = 1; j < copies_[k].size(); ++j)
                if (!gone_[copies_[k][j]]) kept.push_back(plan.recomputeStages[k][j - 1]);
            plan.recomputeStages[k] = std::move(kept);
        }
        return removed;
    }

private:
    int firstAtOrAfter(int64_t t) const {
        return static_cast<int>(std::lower_bound(starts_.begin(), starts_.end(), t) - starts_.begin());
    }
    int find(int c) {
        while (rep_[c] != c) c = rep_[c] = rep_[rep_[c]];
        return c;
    }
    // One past the last computation still there that copy group `r` serves (at least its own
    // start plus one). Deleted positions are skipped, not removed: a deletion can be undone.
    int64_t endOf(int r) const {
        for (auto m = members_[r].rbegin(); m != members_[r].rend(); ++m) {
            const std::vector<int>& s = served_[*m];
            for (auto q = s.rbegin(); q != s.rend(); ++q)
                if (!gone_[*q]) return std::max(starts_[*q] + 1, starts_[r] + 1);
        }
        return starts_[r] + 1;
    }
    // Moves the end of group r to `to`, updating memory over the positions in between.
    void moveEnd(int r, int64_t to) {
        const int64_t from = end_[r];
        if (to == from) return;
        const int64_t size = g_.size(comps_[r].node);
        if (to > from) memory_.add(firstAtOrAfter(from), firstAtOrAfter(to) - 1, size);
        else memory_.add(firstAtOrAfter(to), firstAtOrAfter(from) - 1, -size);
        end_[r] = to;
    }

    bool tryDelete(int p) {
        const int k = comps_[p].node;
        int prev = -1;
        for (int c : copies_[k]) {
            if (c == p) break;
            if (!gone_[c]) prev = c;
        }
        // Without p, the inputs it read may end earlier: that memory is freed first, since it
        // often lies exactly where the earlier copy of k must now be kept.
        gone_[p] = true;
        undo_.clear();
        for (int c : inputsOf_[p]) {
            const int r = find(c);
            undo_.emplace_back(r, end_[r]);
            moveEnd(r, endOf(r));
        }
        // The earlier copy keeps k until the last computation p's group serves, so k is added
        // to the computations between the earlier copy's end and p (from p on, p's own copy
        // already counts k; p itself leaves the schedule).
        const int64_t ownEnd = endOf(p);
        const bool servesSomething = ownEnd > starts_[p] + 1;
        const int64_t newEnd = servesSomething ? std::max(end_[prev], ownEnd) : end_[prev];
        if (newEnd > end_[prev]) {
            const int lo = firstAtOrAfter(end_[prev]), hi = p - 1;
            if (lo <= hi && memory_.max(lo, hi) > inst_.budget - g_.size(k)) {
                for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) moveEnd(it->first, it->second);
                gone_[p] = false;
                return false;
            }
        }
        // Commit: p's own copy leaves, its group joins prev's.
        moveEnd(p, starts_[p] + 1);
        memory_.add(p, p, kGone);
        rep_[p] = prev;
        for (int m : members_[p]) members_[prev].push_back(m);
        members_[p].clear();
        moveEnd(prev, newEnd);
        return true;
    }

    const Instance& inst_;
    const Graph& g_;
    std::vector<Computation> comps_;
    std::vector<int64_t> starts_;
    std::vector<std::vector<int>> copies_;    // per node: its copies' positions, in start order
    std::vector<std::vector<int>> served_;    // per copy: the positions it serves, ascending
    std::vector<std::vector<int>> inputsOf_;  // per position: the copies serving it
    std::vector<int> rep_;                    // per copy: the copy that took its consumers over
    std::vector<std::vector<int>> members_;   // per group representative: its copies, in start order
    std::vector<bool> gone_;
    std::vector<int64_t> end_;                // per representative: its current end
    std::vector<std::pair<int, int64_t>> undo_;  // ends moved by a deletion being tried
    RangeAddMaxTree memory_;                  // per position: memory at that computation
};

}  // namespace

DropStats dropRecomputationsIn(const Instance& inst, StagedPlan& plan, DropOrder rule, const Deadline* deadline) {
    DropStats stats;
    while (plan.numRecomputations() > 0 && !(deadline && deadline->expired())) {
        const int64_t removed = Pass(inst, plan).run(plan, rule, deadline);
        ++stats.passes;
        stats.removed += removed;
        if (removed == 0) break;
    }
    return stats;
}

DropStats dropRecomputations(const Instance& inst, StagedPlan& plan, const Deadline* deadline) {
    const Graph& g = inst.graph;
    DropStats best;
    std::optional<StagedPlan> bestPlan;
    int64_t bestCost = 0;
    for (DropOrder rule : {DropOrder::Dearest, DropOrder::CostPerByte, DropOrder::Smallest}) {
        if (bestPlan && deadline && deadline->expired()) break;
        StagedPlan tried = plan;
        const DropStats stats = dropRecomputationsIn(inst, tried, rule, deadline);
        const int64_t cost = evaluate(g, materialize(g, tried)).cost;
        if (!bestPlan || cost < bestCost) {
            best = stats;
            bestCost = cost;
            bestPlan = std::move(tried);
        }
    }
    plan = std::move(*bestPlan);
    return best;
}

}  // namespace moccasin
