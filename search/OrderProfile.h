// The memory profile of the no-recompute schedule run in a changing topological order, kept up
// to date under block swaps so that local search can score a move in time proportional to the
// stretch of the order it touches.
//
// mem(p) is the memory at the p-th computation: the sizes of every output made at or before p
// whose last consumer comes at or after p (a sink's output counts at its own position only). With
// freed(w) = the sizes of the outputs whose last consumer is w (w's own if w is a sink),
//     mem(p) = mem(p-1) - freed(order[p-1]) + size(order[p]).
// Moving a node shifts every node it jumps by one position, so the profile does not change by a
// range add: the values over the jumped stretch are recomputed by the recurrence above, and only
// the freed() of the moved node's inputs' last consumers change. A max tree over positions gives
// the peak outside the stretch in O(log n).
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "model/Graph.h"

namespace moccasin {

// Max over positions 0..n-1 with writes to a contiguous stretch in O(length + log n).
class PositionMaxTree {
public:
    void reset(std::span<const int64_t> values);
    void write(int first, std::span<const int64_t> values);  // positions first .. first+size-1
    int64_t max(int lo, int hi) const;                        // lowest int64 when lo > hi
    int64_t max() const { return tree_.size() > 1 ? tree_[1] : 0; }

private:
    int leaves_ = 1;
    std::vector<int64_t> tree_;  // tree_[leaves_ + p] holds position p; tree_[i] the max of its children
};

class OrderProfile {
public:
    // Throws std::invalid_argument unless `order` is a topological order of g.
    OrderProfile(const Graph& g, std::span<const int> order);
    // Starts over from another topological order of the same graph (throws like the constructor).
    void reset(std::span<const int> order);

    const Graph& graph() const { return g_; }
    int numNodes() const { return n_; }
    const std::vector<int>& order() const { return order_; }
    int position(int v) const { return pos_[v]; }
    int64_t memoryAt(int p) const { return mem_[p]; }
    const std::vector<int64_t>& memory() const { return mem_; }
    int64_t peak() const { return tree_.max(); }
    // sum over positions of max(0, mem(p) - threshold); approximate beyond 2^53, which only
    // matters as a search guide.
    double excessAbove(int64_t threshold) const;

    // The positions v may take without breaking precedence: after its last input, before its
    // first consumer (inclusive bounds). O(degree).
    std::pair<int, int> window(int v) const;
    // The same for the stretch [first, last] moved as one block (edges inside it are kept).
    std::pair<int, int> blockWindow(int first, int last) const;

    // A move exchanges the adjacent stretches X = [lo, mid) and Y = [mid, hi] (Y X afterwards).
    // There must be no edge from X to Y. preview() scores the move without applying it; commit()
    // applies the last preview. Both take O(hi - lo + inputs of X).
    struct Preview {
        int64_t peak = 0;          // the peak after the move
        double excessChange = 0;   // change of excessAbove(threshold)
    };
    Preview preview(int lo, int mid, int hi, int64_t threshold);
    // Any other rearrangement of the positions lo .. lo + size - 1: `stretch` holds the same nodes
    // in a new order that keeps every edge forward. O(size + inputs of the stretch).
    Preview previewStretch(int lo, std::span<const int> stretch, int64_t threshold);
    void commit();
    // Moves the node at position `from` to position `to` within its window (preview + commit).
    void moveNode(int from, int to);
    // The (lo, mid, hi) of the swap that moves the stretch [first, last] to start at `to`.
    static void shiftAsSwap(int first, int last, int to, int& lo, int& mid, int& hi);

private:
    struct LastChange {
        int node, oldLast, newLast;
    };
    void applyFreed(bool forward);
    // Records in changes_ the outputs whose last consumer is at a position in [lo, hi] and which
    // are read by the nodes [first, last) (in their new order): their new last consumer.
    void noteLastConsumers(int lo, int hi, std::vector<int>::const_iterator first, std::vector<int>::const_iterator last);
    Preview score(int lo, int64_t threshold);

    const Graph& g_;
    int n_ = 0;
    std::vector<int> order_, pos_;
    std::vector<int> last_;      // last consumer of each node in the current order (itself for a sink)
    std::vector<int64_t> freed_;  // sizes freed after each node's computation
    std::vector<int64_t> mem_;    // memory at each position
    PositionMaxTree tree_;

    // The pending preview.
    int lo_ = 0;
    std::vector<int> newOrder_;
    std::vector<int64_t> newMem_;
    std::vector<LastChange> changes_;
    std::vector<int> changeIndex_;     // per node: its entry in changes_ when stamped
    std::vector<uint32_t> changeStamp_;
    uint32_t stamp_ = 0;
};

}  // namespace moccasin
