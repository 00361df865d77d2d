#include "model/StageCutCover.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <queue>

#include "model/LowerBound.h"

namespace moccasin {

namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// One drop the program may choose: node `owner` out of memory over the rows [lo, hi).
struct Item {
    int owner;
    int64_t cost, weight;
    int lo, hi;
};

// A branch-and-bound node: the decision that created it (item in or out) on top of its parent's,
// and the multipliers its parent ended with (shared by both children).
struct Decision {
    int parent;
    int item;
    bool in;
    int depth;
    std::shared_ptr<const std::vector<double>> lambda;
};

struct Open {
    int64_t key;  // the parent's bound: a lower bound of every cover below this node
    int depth;
    int id;
    bool operator<(const Open& o) const {  // std::priority_queue pops the greatest: lowest key, then deepest
        return key != o.key ? key > o.key : depth < o.depth;
    }
};

class CoverSearch {
public:
    CoverSearch(const Graph& g, int64_t budget, const std::vector<int>& maxDrops, const CoverLimits& limits)
        : limits_(limits) {
        const StageCutBound relaxation(g, budget);  // the stages' excesses
        std::vector<int> stages;
        for (int s = 0; s < g.numNodes(); ++s)
            if (relaxation.excess(s) > 0) {
                stages.push_back(s);
                req_.push_back(relaxation.excess(s));
            }
        for (int u = 0; u < g.numNodes(); ++u) {
            if (maxDrops[u] <= 0 || g.size(u) <= 0) continue;
            int prev = u;
            for (int c : g.succs(u)) {
                if (c > prev + 1) {
                    int lo = static_cast<int>(std::lower_bound(stages.begin(), stages.end(), prev + 1) - stages.begin());
                    int hi = static_cast<int>(std::upper_bound(stages.begin(), stages.end(), c - 1) - stages.begin());
                    if (lo < hi) items_.push_back({u, g.cost(u), g.size(u), lo, hi});
                }
                prev = c;
            }
        }
        // Items come grouped by owner: ownerStart_ indexes the groups.
        for (size_t i = 0; i < items_.size(); ++i)
            if (i == 0 || items_[i].owner != items_[i - 1].owner) {
                ownerStart_.push_back(static_cast<int>(i));
                cap_.push_back(maxDrops[items_[i].owner]);
            }
        ownerStart_.push_back(static_cast<int>(items_.size()));
        groupOf_.resize(items_.size());
        for (size_t k = 0; k + 1 < ownerStart_.size(); ++k)
            for (int i = ownerStart_[k]; i < ownerStart_[k + 1]; ++i) groupOf_[i] = static_cast<int>(k);
    }

    CoverResult run() {
        CoverResult r;
        const int rows = static_cast<int>(req_.size());
        if (rows == 0) {
            r.bound = 0;
            r.best = 0;
            r.exact = true;
            return r;
        }
        arena_.push_back({-1, -1, false, 0, std::make_shared<const std::vector<double>>(rows, 0.0)});
        std::priority_queue<Open> open;
        open.push({0, 0, 0});
        while (!open.empty()) {
            const Open top = open.top();
            if (top.key >= best_) {  // everything left costs at least the best cover: done
                std::priority_queue<Open>().swap(open);
                break;
            }
            if (r.nodes >= limits_.maxNodes || expired()) break;
            open.pop();
            if (!expand(top.id, r.nodes == 0 ? limits_.rootIterations : limits_.nodeIterations, open)) {
                open.push(top);  // the time ran out inside it: it stays open, with its key
                break;
            }
            ++r.nodes;
            arena_[top.id].lambda.reset();
        }
        if (best_ != kNone) r.best = best_;
        r.work = work_;
        if (open.empty()) {
            r.infeasible = best_ == kNone;
            r.bound = best_;
            r.exact = !r.infeasible;
        } else {
            r.bound = std::min(best_, open.top().key);
            r.exact = r.bound == best_;
        }
        return r;
    }

private:
    bool expired() const {
        return work_ > limits_.maxWork ||
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() > limits_.seconds;
    }

    // The node's fixings, the rows it leaves to cover and the drops its owners have left.
    void setUp(int id) {
        fix_.assign(items_.size(), 0);
        for (int x = id; arena_[x].parent >= 0; x = arena_[x].parent) fix_[arena_[x].item] = arena_[x].in ? 1 : -1;
        residual_ = req_;
        capLeft_ = cap_;
        costIn_ = 0;
        for (size_t i = 0; i < items_.size(); ++i) {
            if (fix_[i] != 1) continue;
            const Item& it = items_[i];
            costIn_ += it.cost;
            --capLeft_[groupOf_[i]];
            work_ += static_cast<uint64_t>(it.hi - it.lo);
            for (int j = it.lo; j < it.hi; ++j) residual_[j] = std::max<int64_t>(0, residual_[j] - it.weight);
        }
    }
    bool usable(size_t i) const { return fix_[i] == 0 && capLeft_[groupOf_[i]] > 0; }

    // False when some row cannot be covered by the items still free.
    bool coverable() {
        avail_.assign(req_.size(), 0);
        for (size_t i = 0; i < items_.size(); ++i)
            if (usable(i)) {
                work_ += static_cast<uint64_t>(items_[i].hi - items_[i].lo);
                for (int j = items_[i].lo; j < items_[i].hi; ++j) avail_[j] += std::min(items_[i].weight, residual_[j]);
            }
        for (size_t j = 0; j < req_.size(); ++j)
            if (avail_[j] < residual_[j]) return false;
        return true;
    }

    // The Lagrangian at lambda_: its value, and per free item its reduced cost; chosen_ marks the
    // items the relaxed problem takes (per owner its most negative reduced costs, up to capLeft).
    long double lagrangian() {
        long double value = static_cast<long double>(costIn_);
        for (size_t j = 0; j < req_.size(); ++j) value += lambda_[j] * static_cast<long double>(residual_[j]);
        reduced_.assign(items_.size(), 0.0L);
        chosen_.assign(items_.size(), 0);
        for (size_t k = 0; k + 1 < ownerStart_.size(); ++k) {
            if (capLeft_[k] <= 0) continue;
            pick_.clear();
            for (int i = ownerStart_[k]; i < ownerStart_[k + 1]; ++i) {
                if (fix_[i] != 0) continue;
                long double rc = static_cast<long double>(items_[i].cost);
                work_ += static_cast<uint64_t>(items_[i].hi - items_[i].lo);
                for (int j = items_[i].lo; j < items_[i].hi; ++j)
                    if (residual_[j] > 0) rc -= lambda_[j] * static_cast<long double>(std::min(items_[i].weight, residual_[j]));
                reduced_[i] = rc;
                if (rc < 0) pick_.push_back(i);
            }
            std::sort(pick_.begin(), pick_.end(), [&](int a, int b) { return reduced_[a] < reduced_[b]; });
            for (int t = 0; t < static_cast<int>(pick_.size()) && t < capLeft_[k]; ++t) {
                chosen_[pick_[t]] = 1;
                value += reduced_[pick_[t]];
            }
        }
        return value;
    }

    // Completes the items in `take` (plus the node's fixed ones) into a cover, greedily by
    // uncovered excess freed per unit of cost, then drops items no row needs; offers its cost.
    void completeCover(std::vector<char> take) {
        std::vector<int64_t> left = residual_;
        std::vector<int> usedCap = std::vector<int>(capLeft_.size(), 0);
        int64_t cost = costIn_;
        auto apply = [&](size_t i, int sign) {
            for (int j = items_[i].lo; j < items_[i].hi; ++j) left[j] -= sign * items_[i].weight;
        };
        for (size_t i = 0; i < items_.size(); ++i)
            if (take[i]) {
                apply(i, 1);
                cost += items_[i].cost;
                ++usedCap[groupOf_[i]];
            }
        for (;;) {
            long double bestRatio = -1;
            int pick = -1;
            bool uncovered = false;
            for (size_t j = 0; j < left.size() && !uncovered; ++j) uncovered = left[j] > 0;
            if (!uncovered) break;
            if (expired()) return;  // no cover offered: the bounds stay valid
            for (size_t i = 0; i < items_.size(); ++i) {
                if (take[i] || !usable(i) || usedCap[groupOf_[i]] >= capLeft_[groupOf_[i]]) continue;
                work_ += static_cast<uint64_t>(items_[i].hi - items_[i].lo);
                long double freed = 0;
                for (int j = items_[i].lo; j < items_[i].hi; ++j)
                    if (left[j] > 0) freed += static_cast<long double>(std::min(items_[i].weight, left[j]));
                if (freed <= 0) continue;
                long double ratio = freed / (static_cast<long double>(items_[i].cost) + 1e-9L);
                if (ratio > bestRatio) {
                    bestRatio = ratio;
                    pick = static_cast<int>(i);
                }
            }
            if (pick < 0) return;  // this completion does not cover every row
            take[pick] = 1;
            apply(pick, 1);
            cost += items_[pick].cost;
            ++usedCap[groupOf_[pick]];
        }
        // Dearest first, drop what the cover does not need.
        std::vector<int> taken;
        for (size_t i = 0; i < items_.size(); ++i)
            if (take[i]) taken.push_back(static_cast<int>(i));
        std::sort(taken.begin(), taken.end(), [&](int a, int b) { return items_[a].cost > items_[b].cost; });
        for (int i : taken) {
            bool needed = false;
            for (int j = items_[i].lo; j < items_[i].hi && !needed; ++j) needed = left[j] + items_[i].weight > 0;
            if (needed) continue;
            apply(i, -1);
            cost -= items_[i].cost;
        }
        best_ = std::min(best_, cost);
    }

    // Evaluates node `id`: bound by subgradient steps, a cover from its best Lagrangian choice,
    // and two children unless the node is closed. False when the time ran out before the node
    // had a bound (it is then neither closed nor expanded).
    bool expand(int id, int iterations, std::priority_queue<Open>& open) {
        setUp(id);
        if (!coverable()) return true;
        const size_t rows = req_.size();
        lambda_.assign(arena_[id].lambda->begin(), arena_[id].lambda->end());
        if (best_ == kNone) completeCover(std::vector<char>(items_.size(), 0));  // a first Polyak target
        std::vector<double> bestLambda = lambda_;
        std::vector<char> bestChosen;
        std::vector<long double> bestReduced;
        PolyakSchedule steps(std::max(2, iterations / 10));
        std::vector<long double> sub(rows);
        for (int it = 0; it < std::max(1, iterations); ++it) {
            if (it > 0 && expired()) return false;
            const long double v = lagrangian();
            if (steps.record(v)) {
                bestLambda = lambda_;
                bestChosen = chosen_;
                bestReduced = reduced_;
            }
            if (best_ != kNone && safeCeil(steps.best()) >= best_) break;  // closed by the bound
            std::fill(sub.begin(), sub.end(), 0.0L);
            for (size_t i = 0; i < items_.size(); ++i)
                if (chosen_[i])
                    for (int j = items_[i].lo; j < items_[i].hi; ++j)
                        sub[j] -= static_cast<long double>(std::min(items_[i].weight, residual_[j]));
            long double norm = 0;
            for (size_t j = 0; j < rows; ++j) {
                sub[j] += static_cast<long double>(residual_[j]);
                if (residual_[j] > 0 && (lambda_[j] > 0 || sub[j] > 0)) norm += sub[j] * sub[j];
            }
            if (norm <= 0) break;  // the relaxed choice covers every row with no slack priced: exact
            const long double target =
                best_ != kNone ? static_cast<long double>(best_) : v + std::max<long double>(1.0L, v * 0.1L);
            const long double step = steps.theta() * std::max<long double>(target - v, 1.0L) / norm;
            for (size_t j = 0; j < rows; ++j)
                lambda_[j] = residual_[j] > 0 ? std::max<double>(0.0, static_cast<double>(lambda_[j] + step * sub[j])) : 0.0;
        }
        completeCover(bestChosen);
        const int64_t bound = safeCeil(steps.best());
        if (bound >= best_) return true;
        const int item = branchItem(bestChosen, bestReduced);
        if (item < 0) return true;  // nothing left to decide: the node's cover is its optimum
        auto shared = std::make_shared<const std::vector<double>>(std::move(bestLambda));
        const int depth = arena_[id].depth + 1;
        for (bool in : {true, false}) {
            arena_.push_back({id, item, in, depth, shared});
            open.push({bound, depth, static_cast<int>(arena_.size()) - 1});
        }
        return true;
    }

    // The most attractive free item covering the row the relaxed choice leaves most uncovered
    // (relative to its residual); if it covers them all, the chosen item least sure to pay.
    int branchItem(const std::vector<char>& chosen, const std::vector<long double>& reduced) const {
        std::vector<int64_t> left = residual_;
        for (size_t i = 0; i < items_.size(); ++i)
            if (chosen[i])
                for (int j = items_[i].lo; j < items_[i].hi; ++j) left[j] -= items_[i].weight;
        int row = -1;
        long double worst = 0;
        for (size_t j = 0; j < left.size(); ++j)
            if (residual_[j] > 0 && left[j] > 0) {
                long double share = static_cast<long double>(left[j]) / static_cast<long double>(residual_[j]);
                if (share > worst) {
                    worst = share;
                    row = static_cast<int>(j);
                }
            }
        int pick = -1;
        for (size_t i = 0; i < items_.size(); ++i) {
            if (!usable(i)) continue;
            if (row >= 0 ? (chosen[i] || items_[i].lo > row || items_[i].hi <= row) : !chosen[i]) continue;
            // Uncovered row: the lowest reduced cost; all covered: the chosen item nearest zero.
            if (pick < 0 || (row >= 0 ? reduced[i] < reduced[pick] : reduced[i] > reduced[pick])) pick = static_cast<int>(i);
        }
        return pick;
    }

    CoverLimits limits_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::vector<int64_t> req_;  // per row (stage with a positive excess): the excess
    std::vector<Item> items_;
    std::vector<int> ownerStart_, cap_, groupOf_;
    std::vector<Decision> arena_;
    int64_t best_ = kNone;
    uint64_t work_ = 0;
    // Per evaluated node (reused).
    std::vector<int8_t> fix_;
    std::vector<int64_t> residual_, avail_;
    std::vector<int> capLeft_, pick_;
    int64_t costIn_ = 0;
    std::vector<double> lambda_;
    std::vector<long double> reduced_;
    std::vector<char> chosen_;
};

}  // namespace

CoverResult solveStageCutCover(const Graph& g, int64_t budget, const std::vector<int>& maxDrops,
                               const CoverLimits& limits) {
    return CoverSearch(g, budget, maxDrops, limits).run();
}

}  // namespace moccasin
