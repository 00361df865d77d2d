// One thread's share of a round of the order search (search/OrderSearch.h): the starts it
// anneals one after the other, and what, reached by one start, ends the round for the starts not
// yet begun on every thread. Its own header so that tests can run a worker alone.
#pragma once
#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "search/Deadline.h"
#include "search/OrderAnnealer.h"

namespace moccasin {

// What ends the search when one start reaches it (OrderSearchRun::stopsSearch; finished() asks
// it of every start, a parallel round's worker of its own).
struct SliceTarget {
    bool any = false;
    int64_t budget = 0;
    bool pressure = false;  // the pressure phase: no memory above the budget
    bool reachedBy(const OrderAnnealer& a) const {
        if (!any) return false;
        return a.bestPeak() <= budget || (pressure && a.bestPressure() <= 0);
    }
};

// The starts one thread anneals in a parallel round, one after the other. It owns its count of
// moves; the annealers are its own for the round (no other worker has them).
class SliceWorker {
public:
    SliceWorker(std::vector<OrderAnnealer*> starts, int64_t slice, SliceTarget target, const Deadline& deadline,
                std::atomic<bool>& targetReached)
        : starts_(std::move(starts)), slice_(slice), target_(target), deadline_(deadline), targetReached_(targetReached) {}
    void operator()() {
        for (OrderAnnealer* a : starts_) {
            if (targetReached_.load(std::memory_order_relaxed) || deadline_.expired()) break;
            tried_ += a->run(slice_, deadline_);
            if (target_.reachedBy(*a)) targetReached_.store(true, std::memory_order_relaxed);
        }
    }
    int64_t tried() const { return tried_; }

private:
    std::vector<OrderAnnealer*> starts_;
    int64_t slice_;
    SliceTarget target_;
    const Deadline& deadline_;
    std::atomic<bool>& targetReached_;
    int64_t tried_ = 0;
};

}  // namespace moccasin
