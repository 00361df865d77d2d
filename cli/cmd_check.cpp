// moccasin check GRAPH SCHEDULE: validates a schedule file against a graph with the independent
// validator, then checks the file's own claims (objective, peak memory, operation list) against
// what the computations really give.
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "model/Budget.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"

namespace moccasin::cli {

namespace {

const char* kCheckUsage =
    "usage: moccasin check GRAPH SCHEDULE [--budget B] [--copies C] [--json]\n"
    "Replays SCHEDULE (a moccasin-schedule/1 file) on GRAPH and reports the first violation.\n"
    "  --budget B   memory budget, overriding the file's: a fraction of the reference peak\n"
    "               (0.8, 80%) or an absolute amount (123456789, 900MB, 12GiB)\n"
    "  --copies C   most computations allowed per node, overriding the file's (default 2)\n"
    "  --json       print one JSON object (valid, violation, peak, cost, tdi_percent, budget,\n"
    "               copies) instead of the text line\n"
    "exit codes: 0 valid, 6 violation, 2 usage error, 3 bad input file, 1 internal error\n";

int64_t chooseBudget(const Args& args, const Graph& g, const ScheduleFile& file) {
    if (auto text = args.value("--budget")) {
        try {
            return parseBudget(*text).resolve(referencePeak(g));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("option --budget: ") + e.what());
        }
    }
    if (file.budget) return *file.budget;
    throw UsageError("the schedule file states no budget; give one with --budget");
}

// The file's claims about itself, which a valid schedule must also get right.
std::optional<std::string> checkClaims(const ScheduleFile& file, const ValidationResult& v) {
    if (file.objective && *file.objective != v.cost)
        return "the file claims objective " + std::to_string(*file.objective) + ", but the computations cost " +
               std::to_string(v.cost);
    if (file.peakMemory && *file.peakMemory != v.peak)
        return "the file claims peak_memory " + std::to_string(*file.peakMemory) + ", but the peak is " +
               std::to_string(v.peak) + " (at event " + std::to_string(v.peakEvent) + ")";
    return std::nullopt;
}

std::optional<std::string> checkReplay(const Graph& g, const ScheduleFile& file, const ValidationResult& v) {
    if (file.operations.is_null()) return std::nullopt;
    int64_t replayPeak = 0;
    if (auto bad = checkOperations(g, file.operations, file.computations, replayPeak))
        return "operations: " + *bad;
    // Guards the replay rule itself: a faithful operation list reproduces the validator's peak.
    if (replayPeak != v.peak)
        return "operations replay to peak " + std::to_string(replayPeak) + ", but the peak is " +
               std::to_string(v.peak);
    return std::nullopt;
}

std::string percent(double x) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f%%", x);
    return buf;
}

double ratioPercent(int64_t part, int64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

double tdiPercent(int64_t cost, int64_t baseline) {
    return baseline == 0 ? 0.0 : 100.0 * static_cast<double>(static_cast<__int128>(cost) - baseline) /
                                     static_cast<double>(baseline);
}

// The verdict, as a text line or as one JSON object.
int report(const Graph& g, const std::optional<std::string>& violation, const ValidationResult& v, int64_t budget,
           int copies, bool asJson) {
    if (asJson) {
        nlohmann::json j{{"valid", !violation},
                         {"violation", violation ? nlohmann::json(*violation) : nlohmann::json(nullptr)},
                         {"peak", v.peak},
                         {"cost", v.cost},
                         {"tdi_percent", tdiPercent(v.cost, g.baselineCost())},
                         {"baseline_cost", g.baselineCost()},
                         {"budget", budget},
                         {"copies", copies}};
        std::cout << j.dump() << "\n";
    } else if (violation) {
        std::cout << "VIOLATION: " << *violation << "\n";
    } else {
        std::cout << "OK: peak " << v.peak << " (" << percent(ratioPercent(v.peak, budget)) << " of budget " << budget
                  << "), cost " << v.cost << ", TDI " << percent(tdiPercent(v.cost, g.baselineCost())) << "\n";
    }
    return violation ? kExitViolation : kExitOk;
}

}  // namespace

int cmdCheck(const std::vector<std::string>& argv) {
    Args args(argv, {"--budget", "--copies"}, {"--help", "-h", "--json"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kCheckUsage;
        return kExitOk;
    }
    if (args.positional().size() != 2) throw UsageError("expected GRAPH and SCHEDULE");
    const Graph g = loadGraphFile(args.positional()[0]);
    const ScheduleFile file = readScheduleFile(args.positional()[1], g);
    const int64_t budget = chooseBudget(args, g, file);
    const int copies =
        static_cast<int>(args.integer("--copies", file.copies.value_or(2), 1, std::numeric_limits<int>::max()));

    const bool asJson = args.flag("--json");
    const ValidationResult v = validateSchedule(g, file.computations, budget, copies);
    std::optional<std::string> violation;
    if (!v.ok) violation = v.violation;
    // A solve that found no schedule writes a file without computations: say that, not which
    // node is missing.
    if (!v.ok && file.computations.empty() && g.numNodes() > 0)
        violation = "the file holds no schedule" +
                    (file.status ? " (the solve's status: " + *file.status +
                                       (file.message ? "; " + *file.message : std::string()) + ")"
                                 : std::string());
    if (!violation) violation = checkClaims(file, v);
    if (!violation) violation = checkReplay(g, file, v);
    return report(g, violation, v, budget, copies, asJson);
}

}  // namespace moccasin::cli
