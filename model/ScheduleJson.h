// The schedule file "moccasin-schedule/1" (docs/schedule-format.md): written by `solve`, read back
// by `check`. Nodes are named by their ids as the graph file spelled them, never by internal index.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/Graph.h"
#include "model/Schedule.h"

namespace moccasin {

inline constexpr const char* kScheduleFormat = "moccasin-schedule/1";

// Everything a solve reports; plain data, filled in by the solve command.
struct SolveReport {
    std::string status;  // optimal | feasible | infeasible | unknown
    int64_t budget = 0;
    int copies = 2;
    std::optional<int64_t> objective;   // null in the file when there is no schedule
    int64_t baselineCost = 0;
    std::optional<int64_t> peakMemory;  // likewise
    std::string message;                // why there is no schedule, or how it was proven
    std::string orderMode = "given";    // given | free
    std::vector<int> executionOrder;    // first computations' order (node indices); empty: pi
    int64_t referencePeak = 0;
    std::optional<int64_t> lowerBound;
    std::string strategy;
    std::string version;
    uint64_t seed = 0;
    int threads = 1;
    std::optional<double> timeLimitSeconds;
    double wallSeconds = 0;
    nlohmann::json statistics = nlohmann::json::object();
    std::vector<Computation> computations;  // ascending start
};

// The schedule file's JSON. Computations and operations are empty unless status is optimal or
// feasible. The operations replay to exactly the memory profile of the computations.
nlohmann::json scheduleToJson(const Graph& g, const SolveReport& r);

// The replayable operation list of `comps`: before each computation, the frees of the copies
// whose end is <= its event (by end, then start); after the last, the frees of all the rest.
nlohmann::json operationsToJson(const Graph& g, const std::vector<Computation>& comps);

// What `check` needs from a schedule file; the optional fields are absent or null in the file.
struct ScheduleFile {
    std::vector<Computation> computations;  // in file order
    std::optional<int64_t> budget, objective, peakMemory;
    std::optional<int> copies;
    nlohmann::json operations;  // null if absent
    // What the solve that wrote the file said (a file without a schedule says why).
    std::optional<std::string> status, message;
};

// Throws InputError "<file>: <problem> (<json path>)" for an unreadable or non-JSON file, a wrong
// or missing "format", missing or malformed computations, a node id not in `g`, a non-integer
// start or end, a malformed optional field or a malformed operation list.
// A node is matched by its JSON id; a string equal to an integer id's decimal text also matches.
ScheduleFile readScheduleFile(const std::string& path, const Graph& g);

// The same for a schedule already in memory; `sourceName` (usually the file path) names it in
// error messages.
ScheduleFile parseScheduleJson(const std::string& text, const std::string& sourceName, const Graph& g);

// Replays `ops` against `comps` (any order): the computes must be the computations in start
// order, and each free must release a live copy of that node whose end has come, with every copy
// freed as soon as its end has come (before the next compute at or after its end), and none left
// at the end. Returns the first discrepancy, or nullopt; `replayPeak` is the highest memory after
// a compute, up to the point of the discrepancy.
std::optional<std::string> checkOperations(const Graph& g, const nlohmann::json& ops,
                                           const std::vector<Computation>& comps, int64_t& replayPeak);

}  // namespace moccasin
