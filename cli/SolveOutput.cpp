#include "cli/SolveOutput.h"

#include <iostream>

#include "cli/AtomicFile.h"
#include "model/Validator.h"

namespace moccasin::cli {

SolveReport baseReport(const RunFacts& f, const std::string& status) {
    SolveReport r;
    r.status = status;
    r.budget = f.options.budget;
    r.copies = f.options.copies;
    r.baselineCost = f.graph->baselineCost();
    r.referencePeak = f.referencePeak;
    r.strategy = f.options.strategy;
    r.orderMode = orderName(f.options.order);
    r.version = MOCCASIN_VERSION;
    r.seed = f.options.seed;
    r.threads = f.options.threads;
    r.timeLimitSeconds = f.options.timeLimitSeconds;
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - f.started).count();
    return r;
}

std::optional<std::string> addSchedule(const RunFacts& f, const Solution& solution, SolveReport& r) {
    Schedule schedule = solution.schedule();
    // Nothing leaves the program without passing the independent validator.
    ValidationResult v = validateSchedule(*f.graph, schedule.computations, f.options.budget, f.options.copies);
    if (!v.ok) return v.violation;
    r.objective = v.cost;
    r.peakMemory = v.peak;
    r.computations = std::move(schedule.computations);
    if (f.options.order == OrderMode::Free) r.executionOrder = solution.executionOrder();
    return std::nullopt;
}

ScheduleWriter::ScheduleWriter(std::string path, const RunFacts& facts, std::chrono::milliseconds interval)
    : path_(std::move(path)), facts_(facts), interval_(interval), thread_([this] { loop(); }) {}

ScheduleWriter::~ScheduleWriter() { stop(); }

void ScheduleWriter::submit(std::shared_ptr<const Solution> solution, int64_t bound) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    pending_ = std::move(solution);
    pendingBound_ = bound;
    wake_.notify_one();
}

void ScheduleWriter::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

uint64_t ScheduleWriter::writes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return writes_;
}

void ScheduleWriter::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || pending_; });
        if (stopping_) return;  // the caller writes the final file itself
        auto s = std::move(pending_);
        int64_t bound = pendingBound_;
        pending_.reset();
        lock.unlock();
        writeOne(*s, bound);
        lock.lock();
        ++writes_;
        // At most one write per interval; a stop request cuts the pause short.
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
    }
}

void ScheduleWriter::writeOne(const Solution& s, int64_t bound) {
    SolveReport r = baseReport(facts_, "feasible");
    r.lowerBound = bound;
    r.message = "the search is still running; this is its best schedule so far";
    if (auto bad = addSchedule(facts_, s, r)) {
        std::cerr << "moccasin solve: internal error: a schedule fails validation: " << *bad << "\n";
        return;
    }
    if (auto err = writeFileAtomically(path_, scheduleToJson(*facts_.graph, r).dump(1) + "\n"))
        std::cerr << "moccasin solve: " << *err << "\n";
}

}  // namespace moccasin::cli
