// The sweep files: "moccasin-sweep/1" JSON (written by `moccasin sweep`, read by `moccasin
// report --sweep`) and the same rows as CSV. docs/cli.md lists the fields.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/Pareto.h"
#include "analysis/Sweep.h"

namespace moccasin::analysis {

inline constexpr const char* kSweepFormat = "moccasin-sweep/1";

struct SweepFile {
    std::string graph;
    int64_t referencePeak = 0, baselineCost = 0, budgetLowerLimit = 0;
    std::string order = "given";
    int copies = 2;
    std::optional<double> timeLimitEach;
    bool complete = true;
    std::vector<SweepRow> rows;
};

// The sweep's curve: one point per row with a schedule (memory = its peak / reference peak,
// TDI), and for each point its row.
struct SweepCurve {
    std::vector<CurvePoint> points;
    std::vector<size_t> rowOf;
};
SweepCurve curveOf(const SweepFile& s);

// The row at the knee of the curve (analysis/Pareto.h findKnee), if there is one.
struct KneeRow {
    size_t row = 0;
    double distance = 0;
};
std::optional<KneeRow> kneeOf(const SweepFile& s);

nlohmann::json sweepToJson(const SweepFile& s);
std::string sweepToCsv(const SweepFile& s);

// Throws InputError "<source>: <problem> (<place>)" for anything but a well-formed sweep file.
SweepFile parseSweepJson(const std::string& text, const std::string& source);
SweepFile readSweepFile(const std::string& path);

}  // namespace moccasin::analysis
