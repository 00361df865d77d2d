// The record of one solve, shared by every phase and thread: the best solution over all the
// execution orders tried, the proven lower bound, and the caller's improvement callback.
// Thread-safe; the callback runs under the record's lock, so calls never overlap and arrive in
// order of decreasing cost.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "search/Deadline.h"
#include "search/Incumbent.h"
#include "search/Solver.h"

namespace moccasin {

class SolveRecord {
public:
    SolveRecord(const Deadline& clock, std::function<void(const SolveEvent&)> callback)
        : clock_(clock), callback_(std::move(callback)) {}

    // Raises the proven lower bound to at least `bound` (never lowers it).
    void raiseBound(int64_t bound);
    int64_t bound() const { return bound_.load(std::memory_order_acquire); }

    // Keeps `s` if it is cheaper than the best so far; then tells the callback.
    void offer(std::shared_ptr<const Solution> s, const std::string& source);
    std::shared_ptr<const Solution> best() const;
    int64_t bestCost() const { return bestCost_.load(std::memory_order_acquire); }

private:
    const Deadline& clock_;
    std::function<void(const SolveEvent&)> callback_;
    std::atomic<int64_t> bound_{0};
    std::atomic<int64_t> bestCost_{Incumbent::kNone};
    mutable std::mutex mutex_;
    std::shared_ptr<const Solution> best_;
};

// Forwards one instance's incumbent improvements (plans on one solved graph) to the record.
class RecordSink final : public Incumbent::Sink {
public:
    RecordSink(SolveRecord& record, std::shared_ptr<const Graph> solvedGraph, std::vector<int> order)
        : record_(record), graph_(std::move(solvedGraph)), order_(std::move(order)) {}
    void improved(const Incumbent::Improvement& imp, const StagedPlan& plan) override;

private:
    SolveRecord& record_;
    std::shared_ptr<const Graph> graph_;
    std::vector<int> order_;
};

}  // namespace moccasin
