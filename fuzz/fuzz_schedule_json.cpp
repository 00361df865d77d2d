// libFuzzer target: the schedule reader (model/ScheduleJson) on arbitrary bytes, against a small
// fixed graph, followed by what `moccasin check` does with a schedule it could read: the
// validator and the operation replay.
// Expected: either a ScheduleFile or an InputError with a one-line message; never another
// exception, a crash or a sanitizer report. For a schedule with well-formed intervals at distinct
// events, three pieces must agree: an operation list that replays cleanly reaches the validator's
// peak, and the writer's own file for those computations reads back to them, with operations
// that replay cleanly to that same peak.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "fuzz/FuzzCheck.h"
#include "model/InputError.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"

using namespace moccasin;

namespace {

constexpr const char* kName = "fuzz-schedule.json";

// Integer and string ids, among them the integer 1 and the string "1" (a string matches a string
// id first, then an integer id with the same text), and two sizes near 2^62 whose sum is close
// to int64's limit.
const Graph& fixedGraph() {
    constexpr int64_t big = int64_t(1) << 62;
    static const Graph g("fuzz",
                         {NodeId::fromInteger(0), NodeId::fromString("a"), NodeId::fromInteger(1),
                          NodeId::fromString("1"), NodeId::fromInteger(-7)},
                         {3, 1, 4, 0, 5}, {10, 20, 30, big, big - 1000},
                         {{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}, {1, 4}});
    return g;
}

// Intervals the writer and the replay are defined for: start >= 0, end > start, starts distinct.
bool wellFormed(const std::vector<Computation>& comps) {
    std::set<int64_t> starts;
    for (const Computation& c : comps)
        if (c.start < 0 || c.end <= c.start || !starts.insert(c.start).second) return false;
    return true;
}

void requireWriterRoundTrip(const Graph& g, const std::vector<Computation>& comps, int64_t peak) {
    SolveReport r;
    r.status = "feasible";
    r.computations = comps;
    ScheduleFile back;
    try {
        back = parseScheduleJson(scheduleToJson(g, r).dump(), kName, g);
    } catch (const InputError& e) {
        fuzz::broken("the written schedule reads back", e.what());
    }
    std::vector<Computation> sorted = comps;
    std::stable_sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.start < b.start; });
    FUZZ_REQUIRE(back.computations == sorted, "computations differ after the round trip");
    int64_t replayPeak = 0;
    const auto bad = checkOperations(g, back.operations, back.computations, replayPeak);
    FUZZ_REQUIRE(!bad, *bad);
    FUZZ_REQUIRE(replayPeak == peak, std::to_string(replayPeak) + " vs " + std::to_string(peak));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const Graph& g = fixedGraph();
    ScheduleFile file;
    try {
        file = parseScheduleJson(std::string(reinterpret_cast<const char*>(data), size), kName, g);
    } catch (const InputError& e) {
        fuzz::requireErrorLine(e.what(), std::string(kName) + ": ", 2100);
        return 0;
    }
    for (const Computation& c : file.computations)
        FUZZ_REQUIRE(c.node >= 0 && c.node < g.numNodes(), "node index " + std::to_string(c.node));
    FUZZ_REQUIRE(!file.copies || *file.copies >= 1, "copies " + std::to_string(*file.copies));

    const ValidationResult v = validateSchedule(g, file.computations, file.budget.value_or(std::numeric_limits<int64_t>::max()),
                                                file.copies.value_or(2));
    const bool formed = wellFormed(file.computations);
    if (!file.operations.is_null()) {
        int64_t replayPeak = 0;
        const auto bad = checkOperations(g, file.operations, file.computations, replayPeak);
        if (!bad && formed) FUZZ_REQUIRE(replayPeak == v.peak, std::to_string(replayPeak) + " vs " + std::to_string(v.peak));
    }
    if (formed) requireWriterRoundTrip(g, file.computations, v.peak);
    return 0;
}
