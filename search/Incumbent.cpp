#include "search/Incumbent.h"

namespace moccasin {

bool Incumbent::offer(const StagedPlan& plan, const std::string& source) {
    if (static_cast<int>(plan.recomputeStages.size()) != g_.numNodes()) return false;
    for (const auto& stages : plan.recomputeStages)
        if (static_cast<int>(stages.size()) > copies_ - 1) return false;
    Evaluation ev = evaluate(g_, materialize(g_, plan));
    if (ev.peak > budget_ || ev.cost >= cost()) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    if (ev.cost >= cost_.load()) return false;  // another thread got there first
    best_ = plan;
    cost_.store(ev.cost, std::memory_order_release);
    ++solutions_;
    last_ = clock_.elapsed();
    if (first_ < 0) first_ = last_;
    if (sink_) sink_->improved(Improvement{ev.cost, ev.peak, last_, source}, *best_);
    return true;
}

std::optional<StagedPlan> Incumbent::best() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return best_;
}
uint64_t Incumbent::solutions() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return solutions_;
}
double Incumbent::secondsToFirst() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
}
double Incumbent::secondsToBest() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_;
}

}  // namespace moccasin
