// moccasin sweep GRAPH: one solve per budget from a generous fraction of the reference peak down
// to a tight one, each warm-started from its neighbour's schedule; writes the rows as JSON and
// CSV and names the knee of the memory/TDI curve (docs/cli.md).
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "analysis/Sweep.h"
#include "analysis/SweepJson.h"
#include "cli/Args.h"
#include "cli/Interrupt.h"
#include "cli/AtomicFile.h"
#include "cli/Commands.h"
#include "cli/SolveArgs.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Instance.h"
#include "model/Peak.h"
#include "search/Solver.h"
#include "search/StopFlag.h"

namespace moccasin::cli {

namespace {

const char* kSweepHelp =
    "usage: moccasin sweep GRAPH -o SWEEP.json [options]\n"
    "Solves GRAPH at budgets from --from down to --to (fractions of the reference peak), each solve\n"
    "starting from its neighbour's schedule, and writes one row per budget.\n"
    "  --from F             the first budget (default 1.0)\n"
    "  --to T|limit         the last budget (default limit: the lowest budget any schedule can meet)\n"
    "  --step S             the distance between budgets (default 0.05)\n"
    "  --time-limit-each S  seconds per budget (default 10)\n"
    "  --order given|free   (default given)\n"
    "  --copies C           at most C computations per node (default 2)\n"
    "  --strategy S         auto | lns | exact | greedy | none (default auto)\n"
    "  --threads T          worker threads (default: all cores)\n"
    "  --seed N             random seed (default 0)\n"
    "  -o FILE              the sweep JSON (required); checked before the first solve and rewritten\n"
    "                       atomically after every budget\n"
    "  --csv FILE           the rows as CSV (default: FILE with .json replaced by .csv)\n"
    "  -q                   no progress lines on stderr\n"
    "The knee is the point of the Pareto front (peak memory against TDI, each scaled to [0, 1])\n"
    "farthest below the chord between the front's two ends.\n"
    "SIGINT/SIGTERM end the sweep after the current budget's best schedule; a second one exits at once.\n"
    "exit codes: 0 written (some budget has a schedule), 2 usage error, 3 bad input file,\n"
    "            4 every budget proven infeasible, 5 no schedule at any budget, 1 internal error\n";

int64_t billionths(double fraction) { return std::llround(fraction * static_cast<double>(analysis::kBillion)); }

std::string csvPathFor(const std::string& jsonPath) {
    const std::string ext = ".json";
    if (jsonPath.size() > ext.size() && jsonPath.compare(jsonPath.size() - ext.size(), ext.size(), ext) == 0)
        return jsonPath.substr(0, jsonPath.size() - ext.size()) + ".csv";
    return jsonPath + ".csv";
}

std::string progressLine(const analysis::SweepRow& r) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "budget %.4f (%lld): %s", r.fraction, static_cast<long long>(r.budget), r.status.c_str());
    std::string line = buf;
    if (r.tdiPercent) {
        std::snprintf(buf, sizeof buf, ", TDI %.3f%%, peak %lld", *r.tdiPercent, static_cast<long long>(*r.peak));
        line += buf;
    }
    std::snprintf(buf, sizeof buf, " [%.2f s]", r.seconds);
    return line + buf;
}

// Both files, each replaced atomically; the first failure is returned.
std::optional<std::string> writeBoth(const analysis::SweepFile& s, const std::string& jsonPath, const std::string& csvPath) {
    if (auto err = writeFileAtomically(jsonPath, analysis::sweepToJson(s).dump(1) + "\n")) return err;
    return writeFileAtomically(csvPath, analysis::sweepToCsv(s));
}

}  // namespace

int cmdSweep(const std::vector<std::string>& argv) {
    Args args(argv, {"--from", "--to", "--step", "--time-limit-each", "--order", "--copies", "--strategy", "--threads",
                     "--seed", "-o", "--csv"},
              {"--help", "-h", "-q"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kSweepHelp;
        return kExitOk;
    }
    if (args.positional().size() != 1) throw UsageError("expected exactly one GRAPH file");
    const auto outPath = args.value("-o");
    if (!outPath) throw UsageError("-o FILE is required (the sweep JSON; the CSV goes beside it)");
    const std::string csvPath = args.value("--csv").value_or(csvPathFor(*outPath));
    if (csvPath == *outPath) throw UsageError("the CSV and the JSON need different files");

    const int64_t from = billionths(args.real("--from", 1.0, 1e-9, 1e6));
    const int64_t step = billionths(args.real("--step", 0.05, 1e-9, 1e6));
    std::optional<int64_t> to;
    if (auto t = args.value("--to"); t && *t != "limit") to = billionths(args.real("--to", 0, 1e-9, 1e6));
    SolveOptions opt;
    readSharedSolveOptions(args, opt);
    opt.timeLimitSeconds = args.real("--time-limit-each", 10, 0, 1e9);
    const bool quiet = args.flag("-q");

    // Refuse bad output paths now, not after the whole sweep.
    if (auto err = checkWritable(*outPath)) throw UsageError("-o " + *err);
    if (auto err = checkWritable(csvPath)) throw UsageError("--csv " + *err);

    const std::string& graphPath = args.positional()[0];
    const Graph g = loadGraphFile(graphPath);
    std::vector<analysis::SweepBudget> budgets;
    try {
        budgets = analysis::sweepBudgets(g, from, to, step);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    // A graph whose sums the engine cannot hold is a bad input, refused before any search.
    if (auto why = unrepresentableReason(Instance{g, budgets.front().budget, opt.copies}))
        throw InputError(graphPath + ": " + *why);

    analysis::SweepFile file;
    file.graph = g.name();
    file.referencePeak = referencePeak(g);
    file.baselineCost = g.baselineCost();
    file.budgetLowerLimit = budgetLowerLimit(g);
    file.order = orderName(opt.order);
    file.copies = opt.copies;
    file.timeLimitEach = opt.timeLimitSeconds;
    file.complete = false;
    if (!quiet)
        std::cerr << g.name() << ": " << budgets.size() << " budgets from " << budgets.front().budget << " down to "
                  << budgets.back().budget << " (reference peak " << file.referencePeak << ")\n";

    installStopHandlers();
    bool warned = false;  // one line for a failing progress write; the final write tries again
    const analysis::SweepRun run = analysis::runSweep(g, budgets, opt, [&](const analysis::SweepRun& sofar) {
        if (!quiet) std::cerr << progressLine(sofar.rows.back()) << std::endl;
        if (!sofar.rows.back().message.empty() && sofar.rows.back().status == "invalid")
            std::cerr << "moccasin sweep: internal error: " << sofar.rows.back().message << "\n";
        file.rows = sofar.rows;
        if (auto err = writeBoth(file, *outPath, csvPath); err && !warned) {
            std::cerr << "moccasin sweep: " << *err << "\n";
            warned = true;
        }
    });
    file.rows = run.rows;
    file.complete = run.complete;
    if (auto err = writeBoth(file, *outPath, csvPath)) {
        std::cerr << "moccasin sweep: " << *err << "\n";
        return kExitInternal;
    }
    const auto knee = analysis::kneeOf(file);
    if (!quiet) {
        if (knee)
            std::cerr << "knee: budget " << file.rows[knee->row].fraction << " (" << file.rows[knee->row].budget
                      << "), TDI " << *file.rows[knee->row].tdiPercent << "%\n";
        else
            std::cerr << "no knee: the Pareto front has fewer than three points or no bend\n";
        if (!run.complete) std::cerr << "interrupted after " << run.rows.size() << " of " << budgets.size() << " budgets\n";
    }
    if (run.invalidSchedule) return kExitInternal;
    bool anySchedule = false, allInfeasible = !run.rows.empty();
    for (const analysis::SweepRow& r : run.rows) {
        anySchedule = anySchedule || r.hasSchedule();
        allInfeasible = allInfeasible && r.status == "infeasible";
    }
    if (anySchedule) return kExitOk;
    return allInfeasible ? kExitInfeasible : kExitNoSchedule;
}

}  // namespace moccasin::cli
