#include "model/OrderLowerBound.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <vector>

#include "model/Peak.h"

namespace moccasin {

int64_t forcedLiveBound(const Graph& g, int maxNodes) {
    const int n = g.numNodes();
    int64_t bound = budgetLowerLimit(g);
    if (n > maxNodes) return bound;
    const size_t words = (static_cast<size_t>(n) + 63) / 64;
    // ancestors[v]: every u with a path u -> v; readers[v]: every u with a consumer in {v} and
    // v's descendants. Node indices are a topological order, so one pass each way builds them.
    std::vector<uint64_t> ancestors(words * n, 0), readers(words * n, 0);
    auto row = [&](std::vector<uint64_t>& m, int v) { return m.data() + words * static_cast<size_t>(v); };
    for (int v = 0; v < n; ++v) {
        uint64_t* a = row(ancestors, v);
        for (int u : g.preds(v)) {
            const uint64_t* au = row(ancestors, u);
            for (size_t w = 0; w < words; ++w) a[w] |= au[w];
            a[u / 64] |= uint64_t{1} << (u % 64);
        }
    }
    for (int v = n - 1; v >= 0; --v) {
        uint64_t* r = row(readers, v);
        for (int u : g.preds(v)) r[u / 64] |= uint64_t{1} << (u % 64);
        for (int w : g.succs(v)) {
            const uint64_t* rw = row(readers, w);
            for (size_t i = 0; i < words; ++i) r[i] |= rw[i];
        }
    }
    for (int v = 0; v < n; ++v) {
        const uint64_t* a = row(ancestors, v);
        const uint64_t* r = row(readers, v);
        int64_t live = g.size(v);  // a sum of distinct sizes: fits in int64 (checked by Graph)
        for (size_t w = 0; w < words; ++w)
            for (uint64_t bits = a[w] & r[w]; bits != 0; bits &= bits - 1)
                live += g.size(static_cast<int>(w * 64) + std::countr_zero(bits));
        bound = std::max(bound, live);
    }
    return bound;
}

namespace {

// Dinic's max-flow with an explicit stack (paths can be as long as the graph).
class MaxFlow {
public:
    explicit MaxFlow(int vertices) : first_(vertices, -1), level_(vertices), next_(vertices) {}

    void addEdge(int from, int to, int64_t capacity) {
        edges_.push_back({to, first_[from], capacity});
        first_[from] = static_cast<int>(edges_.size()) - 1;
        edges_.push_back({from, first_[to], 0});
        first_[to] = static_cast<int>(edges_.size()) - 1;
    }

    int64_t run(int source, int sink) {
        int64_t flow = 0;
        while (levelGraph(source, sink)) {
            next_ = first_;
            while (int64_t pushed = augment(source, sink)) flow += pushed;
        }
        return flow;
    }

private:
    struct Edge {
        int to, next;
        int64_t capacity;
    };

    bool levelGraph(int source, int sink) {
        std::fill(level_.begin(), level_.end(), -1);
        std::vector<int> queue{source};
        level_[source] = 0;
        for (size_t i = 0; i < queue.size(); ++i)
            for (int e = first_[queue[i]]; e != -1; e = edges_[e].next)
                if (edges_[e].capacity > 0 && level_[edges_[e].to] < 0) {
                    level_[edges_[e].to] = level_[queue[i]] + 1;
                    queue.push_back(edges_[e].to);
                }
        return level_[sink] >= 0;
    }

    // One augmenting path in the level graph, found depth first; dead ends are skipped for good
    // by advancing next_. Returns the flow pushed, 0 when the level graph is blocked.
    int64_t augment(int source, int sink) {
        path_.clear();
        int at = source;
        while (true) {
            if (at == sink) {
                int64_t pushed = std::numeric_limits<int64_t>::max();
                for (int e : path_) pushed = std::min(pushed, edges_[e].capacity);
                for (int e : path_) {
                    edges_[e].capacity -= pushed;
                    edges_[e ^ 1].capacity += pushed;
                }
                return pushed;
            }
            int& e = next_[at];
            while (e != -1 && (edges_[e].capacity <= 0 || level_[edges_[e].to] != level_[at] + 1)) e = edges_[e].next;
            if (e != -1) {
                path_.push_back(e);
                at = edges_[e].to;
                continue;
            }
            if (path_.empty()) return 0;
            level_[at] = -1;  // a dead end for the rest of this phase
            at = edges_[path_.back() ^ 1].to;
            path_.pop_back();
            next_[at] = edges_[next_[at]].next;
        }
    }

    std::vector<Edge> edges_;
    std::vector<int> first_, level_, next_, path_;
};

}  // namespace

int64_t cutBoundAt(const Graph& g, int v) {
    const int n = g.numNodes();
    // Each output u in D pays m_u once, on the edge u -> u', when some consumer c of u is outside
    // D: u' -> c has infinite capacity, so u' must follow c to the sink side.
    const int64_t infinite = g.totalSize() < std::numeric_limits<int64_t>::max() ? g.totalSize() + 1 : g.totalSize();
    std::vector<char> ancestor(n, 0), after(n, 0);
    for (int x = v - 1; x >= 0; --x)
        for (int c : g.succs(x))
            if (c == v || ancestor[c]) {
                ancestor[x] = 1;
                break;
            }
    after[v] = 1;
    for (int x = v + 1; x < n; ++x)
        for (int u : g.preds(x))
            if (after[u]) {
                after[x] = 1;
                break;
            }
    const int source = 2 * n, sink = 2 * n + 1;
    MaxFlow flow(2 * n + 2);
    for (int u = 0; u < n; ++u) {
        if (after[u]) {  // v and its descendants come at or after v
            flow.addEdge(u, sink, infinite);
            continue;
        }
        if (ancestor[u]) flow.addEdge(source, u, infinite);
        if (g.size(u) > 0 && !g.succs(u).empty()) flow.addEdge(u, n + u, g.size(u));
        for (int c : g.succs(u)) {
            flow.addEdge(n + u, c, infinite);
            flow.addEdge(c, u, infinite);  // D is a down-set: c in D brings its input u
        }
    }
    return g.size(v) + flow.run(source, sink);
}

}  // namespace moccasin
