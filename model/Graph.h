// The compute graph, relabelled so that node k is the k-th node of the reference order pi.
// Every edge (u, v) therefore has u < v. Costs and sizes are int64; their sums are checked at
// construction to fit in int64, so any sum over a subset of nodes fits too.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace moccasin {

// A node's id as the input file spelled it: an integer or a string.
struct NodeId {
    bool isInteger = false;
    int64_t integer = 0;
    std::string text;  // the string id, or the decimal form of the integer id

    static NodeId fromInteger(int64_t v) { return NodeId{true, v, std::to_string(v)}; }
    static NodeId fromString(std::string s) { return NodeId{false, 0, std::move(s)}; }
    bool operator==(const NodeId&) const = default;
};

class Graph {
public:
    Graph() = default;
    // `edges` hold (u, v) in reference-order indices with u < v; duplicates are merged.
    // Throws std::invalid_argument on a backward edge, an index out of range, a negative value
    // or sums of costs or sizes beyond int64.
    Graph(std::string name, std::vector<NodeId> ids, std::vector<int64_t> cost,
          std::vector<int64_t> size, std::vector<std::pair<int, int>> edges);

    const std::string& name() const { return name_; }
    int numNodes() const { return static_cast<int>(cost_.size()); }
    int64_t numEdges() const { return static_cast<int64_t>(predList_.size()); }
    int64_t cost(int k) const { return cost_[k]; }
    int64_t size(int k) const { return size_[k]; }
    const NodeId& id(int k) const { return ids_[k]; }
    const std::vector<int64_t>& costs() const { return cost_; }
    const std::vector<int64_t>& sizes() const { return size_; }
    // Predecessors and successors of k, ascending.
    std::span<const int> preds(int k) const {
        return {predList_.data() + predStart_[k], predList_.data() + predStart_[k + 1]};
    }
    std::span<const int> succs(int k) const {
        return {succList_.data() + succStart_[k], succList_.data() + succStart_[k + 1]};
    }
    // The last consumer of k in the reference order, or k itself for a sink.
    int lastConsumer(int k) const { return succStart_[k] == succStart_[k + 1] ? k : succList_[succStart_[k + 1] - 1]; }
    int64_t baselineCost() const { return baselineCost_; }  // sum of all costs
    int64_t totalSize() const { return totalSize_; }

private:
    std::string name_;
    std::vector<NodeId> ids_;
    std::vector<int64_t> cost_, size_;
    std::vector<int> predStart_, predList_, succStart_, succList_;
    int64_t baselineCost_ = 0, totalSize_ = 0;
};

}  // namespace moccasin
