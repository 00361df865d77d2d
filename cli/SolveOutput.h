// What `solve` writes: the schedule file's report, built from a solution after the independent
// validator has accepted it, and the writer that keeps the -o file current during the search.
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "model/Graph.h"
#include "model/ScheduleJson.h"
#include "search/Solver.h"

namespace moccasin::cli {

// The facts of one solve run that every report repeats.
struct RunFacts {
    const Graph* graph = nullptr;
    SolveOptions options;  // without its callback
    int64_t referencePeak = 0;
    std::chrono::steady_clock::time_point started;
};

// A report without a schedule (status, message, bound), the solution's fields left null.
SolveReport baseReport(const RunFacts& facts, const std::string& status);

// Fills `report` with `solution`'s schedule after the independent validator accepted it.
// Returns the violation instead when it does not validate (an internal error).
std::optional<std::string> addSchedule(const RunFacts& facts, const Solution& solution, SolveReport& report);

// Keeps the -o file current: every improvement submitted is validated and written atomically,
// at most one write per `interval`; a newer improvement replaces one still waiting. Runs its
// own thread; stop() (or the destructor) writes nothing more and joins it.
class ScheduleWriter {
public:
    ScheduleWriter(std::string path, const RunFacts& facts, std::chrono::milliseconds interval);
    ~ScheduleWriter();
    ScheduleWriter(const ScheduleWriter&) = delete;
    ScheduleWriter& operator=(const ScheduleWriter&) = delete;

    void submit(std::shared_ptr<const Solution> solution, int64_t bound);
    void stop();
    uint64_t writes() const;

private:
    void loop();
    void writeOne(const Solution& s, int64_t bound);

    const std::string path_;
    const RunFacts& facts_;
    const std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::shared_ptr<const Solution> pending_;
    int64_t pendingBound_ = 0;
    bool stopping_ = false;
    uint64_t writes_ = 0;
    std::thread thread_;
};

}  // namespace moccasin::cli
