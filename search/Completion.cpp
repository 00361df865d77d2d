#include "search/Completion.h"

#include <algorithm>

#include "model/Timeline.h"

namespace moccasin {

Completion::Completion(const RematModel& model) : model_(model) {
    const int n = model.graph().numNodes();
    const int extra = std::max(model.copies() - 1, 0);
    stagesOf_.assign(static_cast<size_t>(n) * extra, 0);
    numStages_.assign(n, 0);
    stageCount_.assign(n + 1, 0);
    stageFirst_.assign(n + 1, 0);
    copyIndex_.assign(static_cast<size_t>(n) * model.copies(), 0);
    numCopies_.assign(n, 0);
}

void Completion::build() {
    const solver::Engine& e = model_.engine();
    const Graph& g = model_.graph();
    const int n = g.numNodes(), c = model_.copies(), extra = std::max(c - 1, 0);
    std::fill(stageCount_.begin(), stageCount_.end(), 0);
    size_t total = 0;
    for (int k = 0; k < n; ++k) {
        int& cnt = numStages_[k];
        cnt = 0;
        for (int i = 1; i < c; ++i) {
            const StageTask& t = model_.task(k, i);
            if (!e.isTrue(t.presence)) continue;
            const int st = static_cast<int>(e.ub(t.stage));
            // Latest allowed stages may coincide or invert while undecided: keep ascending ones.
            if (cnt > 0 && stagesOf_[static_cast<size_t>(k) * extra + cnt - 1] >= st) continue;
            stagesOf_[static_cast<size_t>(k) * extra + cnt++] = st;
            ++stageCount_[st];
        }
        total += static_cast<size_t>(cnt);
    }
    // Counting sort by stage; nodes are visited ascending, so each stage's group is ascending.
    int acc = 0;
    for (int s = 0; s <= n; ++s) {
        stageFirst_[s] = acc;
        acc += stageCount_[s];
    }
    recomputed_.resize(total);
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < numStages_[k]; ++j) recomputed_[stageFirst_[stagesOf_[static_cast<size_t>(k) * extra + j]]++] = k;
    // stageFirst_[s] now points one past stage s's group: the group is [stageFirst_[s] - count, stageFirst_[s]).
    comps_.clear();
    std::fill(numCopies_.begin(), numCopies_.end(), 0);
    auto add = [&](int k, int64_t t) {
        copyIndex_[static_cast<size_t>(k) * c + numCopies_[k]++] = static_cast<int>(comps_.size());
        comps_.push_back({k, t, t + 1});
    };
    for (int s = 0; s < n; ++s) {
        for (int i = stageFirst_[s] - stageCount_[s]; i < stageFirst_[s]; ++i) add(recomputed_[i], eventOf(s, recomputed_[i]));
        add(s, eventOf(s, s));
    }
    // Every consumer computation is served by the latest earlier copy of each input.
    for (Computation& cc : comps_) {
        for (int u : g.preds(cc.node)) {
            const int* idx = &copyIndex_[static_cast<size_t>(u) * c];
            int j = numCopies_[u] - 1;
            while (j > 0 && comps_[idx[j]].start >= cc.start) --j;  // copy 0 is always earlier
            Computation& served = comps_[idx[j]];
            served.end = std::max(served.end, cc.start + 1);
        }
    }
}

std::pair<int64_t, int> Completion::firstOverload() {
    const Graph& g = model_.graph();
    ends_.clear();
    for (const Computation& cc : comps_) ends_.emplace_back(cc.end, g.size(cc.node));
    std::sort(ends_.begin(), ends_.end());
    // Memory at event t: copies with start <= t < end. Starts are ascending and distinct.
    int64_t live = 0;
    size_t next = 0;
    for (const Computation& cc : comps_) {
        for (; next < ends_.size() && ends_[next].first <= cc.start; ++next) live -= ends_[next].second;
        live += g.size(cc.node);
        if (live > model_.budget()) return {cc.start, cc.node};
    }
    return {-1, -1};
}

StagedPlan Completion::plan() const {
    const int n = model_.graph().numNodes(), extra = std::max(model_.copies() - 1, 0);
    StagedPlan p = StagedPlan::noRecompute(n);
    for (int k = 0; k < n; ++k)
        p.recomputeStages[k].assign(stagesOf_.begin() + static_cast<long>(k) * extra,
                                    stagesOf_.begin() + static_cast<long>(k) * extra + numStages_[k]);
    return p;
}

}  // namespace moccasin
