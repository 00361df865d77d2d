#include "search/SolveRecord.h"

namespace moccasin {

void SolveRecord::raiseBound(int64_t bound) {
    int64_t cur = bound_.load(std::memory_order_relaxed);
    while (bound > cur && !bound_.compare_exchange_weak(cur, bound, std::memory_order_acq_rel)) {
    }
}

void SolveRecord::offer(std::shared_ptr<const Solution> s, const std::string& source) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (best_ && s->cost >= best_->cost) return;
    best_ = s;
    bestCost_.store(s->cost, std::memory_order_release);
    if (callback_) callback_(SolveEvent{clock_.elapsed(), s->cost, s->peak, bound(), source, s});
}

std::shared_ptr<const Solution> SolveRecord::best() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return best_;
}

void RecordSink::improved(const Incumbent::Improvement& imp, const StagedPlan& plan) {
    auto s = std::make_shared<Solution>();
    s->solvedGraph = graph_;
    s->order = order_;
    s->plan = plan;
    s->cost = imp.cost;
    s->peak = imp.peak;
    record_.offer(std::move(s), imp.source);
}

}  // namespace moccasin
