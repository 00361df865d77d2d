// The best schedule found so far, shared by every search (and every worker thread): plans are
// evaluated on offer (peak within the budget, at most C copies) and kept only if strictly
// cheaper. Thread-safe; cost() is a lock-free read for objective bounds in hot loops.
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>

#include "model/Graph.h"
#include "model/Instance.h"
#include "model/Schedule.h"
#include "search/Deadline.h"

namespace moccasin {

class Incumbent {
public:
    struct Improvement {
        int64_t cost;
        int64_t peak;
        double seconds;
        std::string source;
    };
    // Told of every improvement (under the incumbent's lock, so one call at a time).
    class Sink {
    public:
        virtual ~Sink() = default;
        virtual void improved(const Improvement& imp, const StagedPlan& plan) = 0;
    };

    Incumbent(const Instance& inst, const Deadline& clock)
        : g_(inst.graph), budget_(inst.budget), copies_(inst.copies), clock_(clock) {}

    // Evaluates `plan`; keeps it if it is valid for the model and cheaper than the incumbent.
    bool offer(const StagedPlan& plan, const std::string& source);

    static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
    int64_t cost() const { return cost_.load(std::memory_order_acquire); }
    bool has() const { return cost() != kNone; }
    std::optional<StagedPlan> best() const;
    uint64_t solutions() const;
    double secondsToFirst() const;
    double secondsToBest() const;
    // `sink` (owned by the caller, outliving the search) is told of every improvement.
    void setSink(Sink* sink) { sink_ = sink; }

private:
    const Graph& g_;
    int64_t budget_;
    int copies_;
    const Deadline& clock_;
    mutable std::mutex mutex_;
    std::atomic<int64_t> cost_{kNone};
    std::optional<StagedPlan> best_;
    uint64_t solutions_ = 0;
    double first_ = -1, last_ = -1;
    Sink* sink_ = nullptr;
};

}  // namespace moccasin
