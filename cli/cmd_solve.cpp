// moccasin solve: graph + budget -> validated schedule JSON (stdout or -o) and a summary (stderr).
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <csignal>

#include <sys/resource.h>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "model/Budget.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Peak.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"
#include "search/Solver.h"
#include "search/StopFlag.h"

namespace moccasin::cli {

namespace {
const char* kSolveHelp =
    "usage: moccasin solve GRAPH --budget B [options]\n"
    "  --budget B        a fraction of the reference peak (0.8, 80%) or an amount (123456789, 900MB, 12GiB)\n"
    "  --copies C        at most C computations per node (default 2)\n"
    "  --strategy S      auto | lns | exact | greedy | none (default auto: greedy, exact search\n"
    "                    for a quarter of the time, then large-neighbourhood search)\n"
    "  --time-limit S    stop after S seconds and write the best schedule found (auto and lns\n"
    "                    default to 60; exact runs until it proves optimality)\n"
    "  --threads T       worker threads (default: all cores)\n"
    "  --seed N          random seed (default 0)\n"
    "  -o FILE           write the schedule JSON to FILE instead of stdout\n"
    "exact search switches (for ablations):\n"
    "  --ttef                     add timetable-edge-finding (off by default: slower overall\n"
    "                             on the benchmark graphs, see bench/README.md)\n"
    "  --no-ttef                  no timetable-edge-finding (the default)\n"
    "  --ttef-max-free N          TTEF works only when at most N tasks are free (default 200)\n"
    "  --no-timetable-filtering   the cumulative only detects overloads\n"
    "  --no-bound                 no stage-cut lower bound on the objective\n"
    "  --no-restarts              one depth-first run, no restarts\n"
    "  --fail-limit N             stop after N failures\n"
    "  -q                no progress lines or summary on stderr\n"
    "  --deterministic   LNS in epochs: the same seed gives the same result whatever --threads\n"
    "  --lns-epochs N    with --deterministic, stop after N epochs\n"
    "  --lns-fail-limit N  failures allowed per LNS neighbourhood (default 300)\n"
    "exit codes: 0 schedule written, 2 usage error, 3 bad input file, 4 proven infeasible,\n"
    "            5 no schedule found within the limits, 1 internal error\n";

// SIGINT/SIGTERM ask the search to stop; it then writes its best schedule as usual.
extern "C" void requestStop(int) { stopRequested().store(true); }

std::string percent(double x) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << x << "%";
    return o.str();
}

void writeJson(const nlohmann::json& j, const std::optional<std::string>& path) {
    if (!path) {
        std::cout << j.dump(1) << "\n";
        return;
    }
    std::ofstream f(*path);
    if (!f) throw InputError(*path + ": cannot open the output file for writing");
    f << j.dump(1) << "\n";
    if (!f.flush()) throw InputError(*path + ": cannot write the output file");
}
}  // namespace

int cmdSolve(const std::vector<std::string>& argv) {
    Args args(argv,
              {"--budget", "--copies", "--strategy", "--time-limit", "--threads", "--seed", "-o", "--ttef-max-free",
               "--fail-limit", "--lns-epochs", "--lns-fail-limit"},
              {"--help", "-h", "-q", "--no-ttef", "--no-timetable-filtering", "--no-bound", "--no-restarts", "--deterministic", "--ttef"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kSolveHelp;
        return kExitOk;
    }
    if (args.positional().size() != 1) throw UsageError("expected exactly one GRAPH file");
    auto budgetText = args.value("--budget");
    if (!budgetText) throw UsageError("--budget is required");
    Budget budgetSpec = Budget::absolute(0);
    try {
        budgetSpec = parseBudget(*budgetText);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    SolveOptions opt;
    opt.copies = static_cast<int>(args.integer("--copies", 2, 1, 64));
    opt.strategy = args.value("--strategy").value_or("auto");
    if (args.value("--time-limit")) opt.timeLimitSeconds = args.real("--time-limit", 0, 0, 1e9);
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    opt.threads = static_cast<int>(args.integer("--threads", cores, 1, 1024));
    opt.seed = static_cast<uint64_t>(args.integer("--seed", 0, 0, std::numeric_limits<long long>::max()));
    if (args.flag("--ttef") && args.flag("--no-ttef")) throw UsageError("--ttef and --no-ttef contradict each other");
    opt.exact.model.ttef = args.flag("--ttef");
    opt.exact.model.ttefMaxFreeTasks = static_cast<int>(args.integer("--ttef-max-free", 200, 0, 1 << 30));
    opt.exact.model.timetableFiltering = !args.flag("--no-timetable-filtering");
    opt.exact.model.recomputeBound = !args.flag("--no-bound");
    opt.exact.restarts = !args.flag("--no-restarts");
    opt.exact.failLimit = static_cast<uint64_t>(
        args.integer("--fail-limit", std::numeric_limits<long long>::max(), 0, std::numeric_limits<long long>::max()));
    opt.deterministic = args.flag("--deterministic");
    if (args.value("--lns-epochs")) opt.lns.maxEpochs = static_cast<uint64_t>(args.integer("--lns-epochs", 1, 0, 1LL << 40));
    opt.lns.failLimit = static_cast<uint64_t>(args.integer("--lns-fail-limit", 300, 1, 1LL << 40));
    const bool quiet = args.flag("-q");
    if (!quiet) opt.progress = [](const std::string& line) { std::cerr << line << std::endl; };
    const auto outPath = args.value("-o");

    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    auto started = std::chrono::steady_clock::now();
    const std::string& graphPath = args.positional()[0];
    Graph g = loadGraphFile(graphPath);
    const int64_t peak = referencePeak(g);
    opt.budget = budgetSpec.resolve(peak);
    if (opt.budget <= 0) throw UsageError("the budget resolves to " + std::to_string(opt.budget) + ", not a positive amount");

    SolveOutcome outcome;
    try {
        outcome = solve(g, opt);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }

    SolveReport report;
    report.status = statusName(outcome.status);
    report.budget = opt.budget;
    report.copies = opt.copies;
    report.baselineCost = g.baselineCost();
    report.referencePeak = peak;
    report.lowerBound = outcome.lowerBound;
    report.strategy = opt.strategy;
    report.version = MOCCASIN_VERSION;
    report.seed = opt.seed;
    report.threads = opt.threads;
    report.timeLimitSeconds = opt.timeLimitSeconds;
    report.statistics = outcome.statistics;
    if (outcome.plan) {
        Schedule schedule = materialize(g, *outcome.plan);
        // Nothing leaves the program without passing the independent validator.
        ValidationResult v = validateSchedule(g, schedule.computations, opt.budget, opt.copies);
        if (!v.ok) {
            std::cerr << "moccasin solve: internal error: the " << opt.strategy
                      << " schedule fails validation: " << v.violation << "\n";
            return kExitInternal;
        }
        report.objective = v.cost;
        report.peakMemory = v.peak;
        report.computations = std::move(schedule.computations);
    }
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0) report.statistics["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
    writeJson(scheduleToJson(g, report), outPath);

    if (!quiet) {
        std::cerr << g.name() << ": " << g.numNodes() << " nodes, " << g.numEdges() << " edges; budget "
                  << opt.budget << " (" << percent(100.0 * static_cast<double>(opt.budget) / static_cast<double>(peak))
                  << " of the peak " << peak << "), C = " << opt.copies << "\n";
        std::cerr << opt.strategy << ": " << report.status;
        if (outcome.plan) {
            double tdi = g.baselineCost() == 0 ? 0.0
                                               : 100.0 * static_cast<double>(report.objective - g.baselineCost()) /
                                                     static_cast<double>(g.baselineCost());
            std::cerr << ", cost " << report.objective << " (TDI " << percent(tdi) << "), peak " << report.peakMemory
                      << ", " << outcome.plan->numRecomputations() << " recomputations";
        }
        if (!outcome.message.empty()) std::cerr << "; " << outcome.message;
        std::cerr << " [" << std::fixed << std::setprecision(3) << report.wallSeconds << " s]\n";
    }
    switch (outcome.status) {
        case SolveStatus::Optimal:
        case SolveStatus::Feasible: return kExitOk;
        case SolveStatus::Infeasible: return kExitInfeasible;
        case SolveStatus::Unknown: return kExitNoSchedule;
    }
    return kExitInternal;
}

}  // namespace moccasin::cli
