// The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
#pragma once
#include <string>

#include "analysis/Report.h"
#include "model/Graph.h"

namespace moccasin::analysis {

// Elements a reader (or a test) can find by id: svg#memory-profile with path#profile,
// path#reference, line#budget and path#recomputations; table#expensive; with a sweep,
// svg#pareto-curve with path#pareto.
std::string renderReportHtml(const Graph& g, const ReportData& r);

}  // namespace moccasin::analysis
