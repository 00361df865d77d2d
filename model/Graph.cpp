#include "model/Graph.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace moccasin {

namespace {
int64_t checkedSum(const std::vector<int64_t>& values, const char* what) {
    int64_t sum = 0;
    for (int64_t v : values) {
        if (v < 0) throw std::invalid_argument(std::string("negative ") + what);
        if (v > std::numeric_limits<int64_t>::max() - sum)
            throw std::invalid_argument(std::string("the sum of all ") + what + "s exceeds int64");
        sum += v;
    }
    return sum;
}

void buildCsr(int n, const std::vector<std::pair<int, int>>& edges, bool byTarget, std::vector<int>& start,
              std::vector<int>& list) {
    start.assign(n + 1, 0);
    for (auto [u, v] : edges) ++start[(byTarget ? v : u) + 1];
    for (int k = 0; k < n; ++k) start[k + 1] += start[k];
    list.resize(edges.size());
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (auto [u, v] : edges) list[fill[byTarget ? v : u]++] = byTarget ? u : v;
    for (int k = 0; k < n; ++k) std::sort(list.begin() + start[k], list.begin() + start[k + 1]);
}
}  // namespace

Graph::Graph(std::string name, std::vector<NodeId> ids, std::vector<int64_t> cost, std::vector<int64_t> size,
             std::vector<std::pair<int, int>> edges)
    : name_(std::move(name)), ids_(std::move(ids)), cost_(std::move(cost)), size_(std::move(size)) {
    const int n = static_cast<int>(cost_.size());
    if (static_cast<int>(size_.size()) != n || static_cast<int>(ids_.size()) != n)
        throw std::invalid_argument("ids, costs and sizes differ in length");
    baselineCost_ = checkedSum(cost_, "cost");
    totalSize_ = checkedSum(size_, "size");
    for (auto [u, v] : edges) {
        if (u < 0 || v < 0 || u >= n || v >= n) throw std::invalid_argument("edge endpoint out of range");
        if (u >= v) throw std::invalid_argument("edge does not follow the reference order");
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    buildCsr(n, edges, true, predStart_, predList_);
    buildCsr(n, edges, false, succStart_, succList_);
}

}  // namespace moccasin
