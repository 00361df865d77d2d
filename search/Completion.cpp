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

void Completion::setScope() {
    const solver::Engine& e = model_.engine();
    const int n = model_.graph().numNodes(), c = model_.copies();
    scope_.clear();
    std::fill(numStages_.begin(), numStages_.end(), 0);
    for (int k = 0; k < n; ++k)
        for (int i = 1; i < c; ++i)
            if (!e.isFalse(model_.task(k, i).presence)) {
                scope_.push_back(k);
                break;
            }
    scoped_ = true;
}

void Completion::build() {
    const solver::Engine& e = model_.engine();
    const Graph& g = model_.graph();
    const int n = g.numNodes(), c = model_.copies(), extra = std::max(c - 1, 0);
    std::fill(stageCount_.begin(), stageCount_.end(), 0);
    size_t total = 0;
    // Nodes outside the scope have no present extra copy (numStages_ stays 0 for them).
    auto readStages = [&](int k) {
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
    };
    if (scoped_) {
        for (int k : scope_) readStages(k);
    } else {
        for (int k = 0; k < n; ++k) readStages(k);
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
    // Every consumer computation is served by the latest earlier copy of each input. A node with
    // one copy serves all of them: its last served computation is its last consumer's first
    // computation or a later recomputation of a consumer, so only the R recomputations are read
    // for it, not its m consumers (most nodes have one copy at a search node).
    lastServed_.resize(comps_.size());
    for (size_t i = 0; i < comps_.size(); ++i) lastServed_[i] = static_cast<int>(i);
    auto firstPos = [&](int k) { return copyIndex_[static_cast<size_t>(k) * c]; };
    for (int k = 0; k < n; ++k) {
        if (numCopies_[k] != 1 || g.succs(k).empty()) continue;
        lastServed_[firstPos(k)] = firstPos(g.succs(k).back());  // successors ascend
    }
    // The copy of u that serves the computation at position i (u has several copies).
    auto serving = [&](int u, int i) {
        const int* idx = &copyIndex_[static_cast<size_t>(u) * c];
        int j = numCopies_[u] - 1;
        while (j > 0 && comps_[idx[j]].start >= comps_[i].start) --j;  // copy 0 is always earlier
        return idx[j];
    };
    for (int k = 0; k < n; ++k) {
        for (int j = 1; j < numCopies_[k]; ++j) {  // recomputations of k read every input
            const int i = copyIndex_[static_cast<size_t>(k) * c + j];
            for (int u : g.preds(k)) {
                const int copy = numCopies_[u] == 1 ? firstPos(u) : serving(u, i);
                lastServed_[copy] = std::max(lastServed_[copy], i);
            }
        }
        if (numCopies_[k] > 1)  // first computations of k's consumers, for each copy of k
            for (int w : g.succs(k)) {
                const int copy = serving(k, firstPos(w));
                lastServed_[copy] = std::max(lastServed_[copy], firstPos(w));
            }
    }
    for (size_t i = 0; i < comps_.size(); ++i)
        if (lastServed_[i] != static_cast<int>(i)) comps_[i].end = comps_[lastServed_[i]].start + 1;
}

std::pair<int64_t, int> Completion::firstOverload() {
    const Graph& g = model_.graph();
    // Memory at event t: copies with start <= t < end. Starts are ascending and distinct, and a
    // copy's end is one past the start of the computation at lastServed_, so at position i the
    // live copies are those with position <= i <= lastServed_.
    freedAt_.assign(comps_.size() + 1, 0);
    for (size_t i = 0; i < comps_.size(); ++i) freedAt_[lastServed_[i] + 1] += g.size(comps_[i].node);
    int64_t live = 0;
    for (size_t i = 0; i < comps_.size(); ++i) {
        live += g.size(comps_[i].node) - freedAt_[i];
        if (live > model_.budget()) return {comps_[i].start, comps_[i].node};
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
