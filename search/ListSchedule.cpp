#include "search/ListSchedule.h"

#include <queue>
#include <random>
#include <tuple>

namespace moccasin {

namespace {

struct Entry {
    double primary, secondary;
    int node;
    uint32_t version;
    // std::priority_queue is a max-heap: "less" means later.
    bool operator<(const Entry& o) const {
        return std::tie(primary, secondary, node) > std::tie(o.primary, o.secondary, o.node);
    }
};

class ListScheduler {
public:
    ListScheduler(const Graph& g, ListRule rule, uint64_t noiseSeed, double noise)
        : g_(g), n_(g.numNodes()), rule_(rule), rng_(noiseSeed), noisy_(noiseSeed != 0), missingInputs_(n_),
          unscheduledConsumers_(n_), freedNow_(n_, 0), readyTime_(n_, 0), jitter_(n_, 0.0), version_(n_, 0),
          scheduled_(n_, 0) {
        double meanSize = n_ == 0 ? 0.0 : static_cast<double>(g.totalSize()) / n_;
        for (int v = 0; v < n_; ++v) {
            missingInputs_[v] = static_cast<int>(g.preds(v).size());
            unscheduledConsumers_[v] = static_cast<int>(g.succs(v).size());
            if (noisy_) jitter_[v] = noise * meanSize * static_cast<double>(rng_() % 1024) / 1024.0;
        }
        // An input with a single consumer is freed by that consumer from the start.
        for (int u = 0; u < n_; ++u)
            if (g.succs(u).size() == 1) freedNow_[g.succs(u)[0]] += g.size(u);
    }

    std::vector<int> run() {
        std::vector<int> order;
        order.reserve(n_);
        for (int v = 0; v < n_; ++v)
            if (missingInputs_[v] == 0) push(v);
        while (!heap_.empty()) {
            Entry e = heap_.top();
            heap_.pop();
            if (scheduled_[e.node] || e.version != version_[e.node]) continue;
            schedule(e.node, static_cast<int>(order.size()));
            order.push_back(e.node);
        }
        return order;
    }

private:
    // Memory kept after computing v: its output unless it is a sink, minus the inputs it frees.
    double netGrowth(int v) const {
        int64_t kept = g_.succs(v).empty() ? 0 : g_.size(v);
        return static_cast<double>(kept - freedNow_[v]) + jitter_[v];
    }

    void push(int v) {
        Entry e{0, 0, v, ++version_[v]};
        switch (rule_) {
            case ListRule::NetGrowth: e.primary = netGrowth(v); break;
            case ListRule::SmallestOutput:
                e.primary = static_cast<double>(g_.size(v)) + jitter_[v];
                e.secondary = netGrowth(v);
                break;
            case ListRule::DepthFirst:
                e.primary = -static_cast<double>(readyTime_[v]);
                e.secondary = netGrowth(v);
                break;
        }
        heap_.push(e);
    }

    void schedule(int v, int time) {
        scheduled_[v] = 1;
        for (int u : g_.preds(v)) {
            if (--unscheduledConsumers_[u] != 1) continue;
            // v was u's second-to-last consumer: the remaining one now frees u.
            for (int c : g_.succs(u))
                if (!scheduled_[c]) {
                    freedNow_[c] += g_.size(u);
                    if (missingInputs_[c] == 0) push(c);
                    break;
                }
        }
        for (int w : g_.succs(v))
            if (--missingInputs_[w] == 0) {
                readyTime_[w] = time + 1;
                push(w);
            }
    }

    const Graph& g_;
    int n_;
    ListRule rule_;
    std::mt19937_64 rng_;
    bool noisy_;
    std::vector<int> missingInputs_, unscheduledConsumers_;
    std::vector<int64_t> freedNow_;
    std::vector<int> readyTime_;
    std::vector<double> jitter_;
    std::vector<uint32_t> version_;
    std::vector<char> scheduled_;
    std::priority_queue<Entry> heap_;
};

}  // namespace

std::vector<int> listSchedule(const Graph& g, ListRule rule, uint64_t noiseSeed, double noise) {
    return ListScheduler(g, rule, noiseSeed, noise).run();
}

}  // namespace moccasin
