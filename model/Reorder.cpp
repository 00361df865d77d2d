#include "model/Reorder.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace moccasin {

namespace {
// Position of each node in `order`, or nothing when `order` is not a permutation of 0..n-1.
std::optional<std::vector<int>> positionsOf(int n, std::span<const int> order) {
    if (order.size() != static_cast<size_t>(n)) return std::nullopt;
    std::vector<int> pos(n, -1);
    for (int k = 0; k < n; ++k) {
        int v = order[k];
        if (v < 0 || v >= n || pos[v] != -1) return std::nullopt;
        pos[v] = k;
    }
    return pos;
}

bool respectsEdges(const Graph& g, const std::vector<int>& pos) {
    for (int v = 0; v < g.numNodes(); ++v)
        for (int u : g.preds(v))
            if (pos[u] >= pos[v]) return false;
    return true;
}

std::vector<int> checkedPositions(const Graph& g, std::span<const int> order) {
    std::optional<std::vector<int>> pos = positionsOf(g.numNodes(), order);
    if (!pos) throw std::invalid_argument("the order is not a permutation of the nodes");
    if (!respectsEdges(g, *pos)) throw std::invalid_argument("the order puts a node before one of its inputs");
    return std::move(*pos);
}
}  // namespace

bool isTopologicalOrder(const Graph& g, std::span<const int> order) {
    std::optional<std::vector<int>> pos = positionsOf(g.numNodes(), order);
    return pos && respectsEdges(g, *pos);
}

Graph relabelled(const Graph& g, std::span<const int> order) {
    std::vector<int> pos = checkedPositions(g, order);
    const int n = g.numNodes();
    std::vector<NodeId> ids;
    std::vector<int64_t> cost, size;
    ids.reserve(n);
    cost.reserve(n);
    size.reserve(n);
    for (int k = 0; k < n; ++k) {
        ids.push_back(g.id(order[k]));
        cost.push_back(g.cost(order[k]));
        size.push_back(g.size(order[k]));
    }
    std::vector<std::pair<int, int>> edges;
    edges.reserve(static_cast<size_t>(g.numEdges()));
    for (int v = 0; v < n; ++v)
        for (int u : g.preds(v)) edges.emplace_back(pos[u], pos[v]);
    return Graph(g.name(), std::move(ids), std::move(cost), std::move(size), std::move(edges));
}

int64_t noRecomputePeak(const Graph& g, std::span<const int> order) {
    std::vector<int> pos = checkedPositions(g, order);
    const int n = g.numNodes();
    // Node v's output is live at positions pos[v] .. (its last consumer's position): a difference
    // array over positions. Sums stay below the graph's total size, which fits in int64.
    std::vector<int64_t> delta(n + 1, 0);
    for (int v = 0; v < n; ++v) {
        int last = pos[v];
        for (int w : g.succs(v)) last = std::max(last, pos[w]);
        delta[pos[v]] += g.size(v);
        delta[last + 1] -= g.size(v);
    }
    int64_t live = 0, peak = 0;
    for (int k = 0; k < n; ++k) {
        live += delta[k];
        peak = std::max(peak, live);
    }
    return peak;
}

}  // namespace moccasin
