// What the HTML report shows about one validated schedule: the numbers first (this file), the
// page second (analysis/ReportHtml.h), so the numbers can be tested without parsing HTML.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/Profile.h"
#include "analysis/SweepJson.h"
#include "model/Graph.h"
#include "model/Schedule.h"

namespace moccasin::analysis {

// Polylines are cut to this many slices (each keeping its lowest and highest point): a few
// thousand points, whatever the schedule's length.
inline constexpr size_t kProfileBuckets = 1500;
inline constexpr size_t kMostExpensiveShown = 20;

struct Recomputation {
    int node = 0;
    int64_t cost = 0, size = 0;
    size_t computation = 0;  // its number in the schedule, from 0
    int copy = 2;            // the node's 2nd, 3rd, ... computation
};

struct ReportData {
    std::string graphName, scheduleName, order;
    int nodes = 0;
    int64_t edges = 0;
    int64_t budget = 0, cost = 0, baselineCost = 0, peak = 0, referencePeak = 0;
    int copies = 2;
    double tdiPercent = 0;
    size_t computations = 0, recomputations = 0;
    std::vector<ProfilePoint> profile;    // x: computation number; y: memory after it
    std::vector<ProfilePoint> reference;  // the no-recompute profile on the same axis
    std::vector<ProfilePoint> marks;      // recomputations on the profile, at most one per slice
    std::vector<Recomputation> mostExpensive;  // by cost, highest first, then earliest
    std::optional<SweepFile> sweep;
};

struct ScheduleFacts {
    std::string name;  // the schedule's file name, for the title
    int64_t budget = 0;
    int copies = 2;
    std::string order = "given";
};

// `comps` must have passed the validator for facts.budget and facts.copies (any order).
ReportData buildReport(const Graph& g, std::vector<Computation> comps, const ScheduleFacts& facts,
                       std::optional<SweepFile> sweep = std::nullopt);

}  // namespace moccasin::analysis
