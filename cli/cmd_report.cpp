// moccasin report GRAPH SCHEDULE: one self-contained HTML page about a schedule: its memory
// profile against the budget and the no-recompute profile, its recomputations, and a sweep's
// Pareto curve when given. The schedule is validated first; an invalid one gets no report.
#include <algorithm>
#include <iostream>
#include <limits>

#include "analysis/Report.h"
#include "analysis/ReportHtml.h"
#include "analysis/SweepJson.h"
#include "cli/Args.h"
#include "cli/AtomicFile.h"
#include "cli/Commands.h"
#include "model/Budget.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Peak.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"

namespace moccasin::cli {

namespace {

const char* kReportHelp =
    "usage: moccasin report GRAPH SCHEDULE -o REPORT.html [--sweep SWEEP.json] [options]\n"
    "Writes one HTML file (inline SVG, no scripts, nothing fetched): the memory profile over the\n"
    "schedule against its budget and against the no-recompute schedule in the reference order,\n"
    "the recomputations, the most expensive ones, and the sweep's Pareto curve with its knee.\n"
    "  -o FILE        the HTML file (required; checked first, replaced atomically)\n"
    "  --sweep FILE   a `moccasin sweep` JSON file of the same graph\n"
    "  --budget B     the budget to validate against, overriding the file's (0.8, 80%, 900MB)\n"
    "  --copies C     the copy limit, overriding the file's (default 2)\n"
    "  -q             no summary on stderr\n"
    "exit codes: 0 written, 2 usage error, 3 bad input file, 6 the schedule is invalid,\n"
    "            1 internal error\n";

std::string fileName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The schedule's first computations in the reference order: the staged timeline of pi.
std::string orderOf(const Graph& g, std::vector<Computation> comps) {
    std::sort(comps.begin(), comps.end(), [](const Computation& a, const Computation& b) { return a.start < b.start; });
    std::vector<bool> seen(g.numNodes(), false);
    int next = 0;
    for (const Computation& c : comps) {
        if (seen[c.node]) continue;
        seen[c.node] = true;
        if (c.node != next++) return "another order than the reference order";
    }
    return "the reference order";
}

}  // namespace

int cmdReport(const std::vector<std::string>& argv) {
    Args args(argv, {"-o", "--sweep", "--budget", "--copies"}, {"--help", "-h", "-q"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kReportHelp;
        return kExitOk;
    }
    if (args.positional().size() != 2) throw UsageError("expected GRAPH and SCHEDULE");
    const auto outPath = args.value("-o");
    if (!outPath) throw UsageError("-o FILE is required (the HTML report)");
    if (auto err = checkWritable(*outPath)) throw UsageError("-o " + *err);

    const std::string& schedulePath = args.positional()[1];
    const Graph g = loadGraphFile(args.positional()[0]);
    const ScheduleFile file = readScheduleFile(schedulePath, g);
    int64_t budget = 0;
    if (auto text = args.value("--budget")) {
        try {
            budget = parseBudget(*text).resolve(referencePeak(g));
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("option --budget: ") + e.what());
        }
    } else if (file.budget) {
        budget = *file.budget;
    } else {
        throw UsageError("the schedule file states no budget; give one with --budget");
    }
    const int copies =
        static_cast<int>(args.integer("--copies", file.copies.value_or(2), 1, std::numeric_limits<int>::max()));
    if (file.computations.empty())
        throw InputError(schedulePath + ": the file holds no schedule (no computations)");

    // Only a valid schedule is drawn: a report would otherwise lend it credibility.
    const ValidationResult v = validateSchedule(g, file.computations, budget, copies);
    if (!v.ok) {
        std::cerr << "moccasin report: " << schedulePath << ": invalid schedule: " << v.violation << "\n";
        return kExitViolation;
    }

    std::optional<analysis::SweepFile> sweep;
    if (auto sweepPath = args.value("--sweep")) {
        sweep = analysis::readSweepFile(*sweepPath);
        if (sweep->referencePeak != referencePeak(g) || sweep->baselineCost != g.baselineCost())
            throw InputError(*sweepPath + ": a sweep of another graph (reference peak " +
                             std::to_string(sweep->referencePeak) + ", baseline cost " +
                             std::to_string(sweep->baselineCost) + "; this graph's are " +
                             std::to_string(referencePeak(g)) + " and " + std::to_string(g.baselineCost()) + ")");
    }

    const analysis::ScheduleFacts facts{fileName(schedulePath), budget, copies, orderOf(g, file.computations)};
    const analysis::ReportData data = analysis::buildReport(g, file.computations, facts, std::move(sweep));
    if (auto err = writeFileAtomically(*outPath, analysis::renderReportHtml(g, data))) {
        std::cerr << "moccasin report: " << *err << "\n";
        return kExitInternal;
    }
    if (!args.flag("-q"))
        std::cerr << *outPath << ": " << data.computations << " computations (" << data.recomputations
                  << " recomputations), peak " << data.peak << " of budget " << budget << "\n";
    return kExitOk;
}

}  // namespace moccasin::cli
