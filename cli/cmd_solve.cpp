// moccasin solve: graph + budget -> validated schedule JSON (stdout or -o) and a summary (stderr).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>

#include <csignal>

#include <sys/resource.h>
#include <unistd.h>

#include "cli/Args.h"
#include "cli/Interrupt.h"
#include "cli/AtomicFile.h"
#include "cli/SolveOutput.h"
#include "cli/Commands.h"
#include "cli/SolveArgs.h"
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
    "  --order O         given (default: the reference order; 'optimal' means optimal for it)\n"
    "                    | free (the solver also chooses the execution order)\n"
    "  --strategy S      auto | lns | exact | greedy | none (default auto: greedy, then exact\n"
    "                    search beside large-neighbourhood search); with --order free, greedy\n"
    "                    and none run on the orders the order search finds\n"
    "  --time-limit S    stop after S seconds and write the best schedule found (auto and lns\n"
    "                    default to 60; exact runs until it proves optimality)\n"
    "  --threads T       worker threads (default: all cores)\n"
    "  --seed N          random seed (default 0)\n"
    "  -o FILE           write the schedule JSON to FILE instead of stdout; checked before the\n"
    "                    search, replaced atomically by every improvement (at most 4 a second)\n"
    "  --progress-json F one JSON line per improvement (seconds, cost, tdi_percent, peak, bound,\n"
    "                    source) to file F, or to stdout with '-' (then -o is required)\n"
    "exact search switches (for ablations):\n"
    "  --ttef                     add timetable-edge-finding (off by default: slower overall\n"
    "                             on the benchmark graphs, see bench/README.md)\n"
    "  --no-ttef                  no timetable-edge-finding (the default)\n"
    "  --ttef-max-free N          TTEF works only when at most N tasks are free (default 200)\n"
    "  --ttef-no-left-overlap     TTEF without its rules for tasks that start before a window\n"
    "  --no-timetable-filtering   the cumulative only detects overloads\n"
    "  --no-bound                 no stage-cut lower bound on the objective\n"
    "  --no-cover-bound           the root bound is the stage-cut relaxation's Lagrangian only\n"
    "                             (by default that relaxation is also solved as an integer program)\n"
    "  --no-restarts              no restarts while no schedule is known\n"
    "  --no-nogoods               restarts record no nogoods (by default each restart records\n"
    "                             the refuted part of its last branch)\n"
    "  --nogood-length N          record nogoods of at most N literals (default 32)\n"
    "  --learn                    learn a nogood from every failure of the exact search\n"
    "                             (conflict analysis over the propagators' explanations; the\n"
    "                             default)\n"
    "  --no-learn                 no learning: failures teach the search nothing\n"
    "  --learnt-length N          record learnt nogoods of at most N literals (default 64)\n"
    "  --learnt-keep N            once N learnt nogoods are live, delete the less active half\n"
    "                             (the limit then grows by a tenth; 0: keep them all)\n"
    "  --luby-restarts            keep restarting after a schedule is known (no shaving)\n"
    "  --no-shaving               once a schedule is known, one run until the proof (by default\n"
    "                             probes capped between the bound and the schedule's cost raise\n"
    "                             the proven bound, and the last probe is the proof)\n"
    "  --no-window-bound          no bound from relaxations to windows of stages (by default,\n"
    "                             once a schedule is known, up to half of the exact search's time)\n"
    "  --no-window-refine         the windows that did not end are not searched again with the\n"
    "                             time their sweep left\n"
    "  --window-share F           the windows get at most this share of the exact search's time\n"
    "                             left when they start (default 0.5)\n"
    "  --window-plateau N         a first pass of the windows pauses each depth where its bound\n"
    "                             has not risen over N windows (default 2; 0: one pass)\n"
    "  --window-nesting N         the windows' searches use windows of their own, N levels down\n"
    "                             (default 0)\n"
    "  --bound-windows            the stage-cut bound also reads copy ends and stages (off by\n"
    "                             default: fewer nodes, slower proofs)\n"
    "  --fail-limit N             stop after N failures\n"
    "  -q                no progress lines or summary on stderr\n"
    "  --deterministic   LNS in epochs, fixed order-search moves and greedy restarts:\n"
    "                    the same seed gives the same result whatever --threads\n"
    "  --lns-epochs N    with --deterministic, stop after N epochs\n"
    "  --lns-fail-limit N  failures allowed per LNS neighbourhood (default 300)\n"
    "SIGINT/SIGTERM stop the search and write the best schedule; a second one exits at once (the\n"
    "-o file then holds the last improvement written).\n"
    "exit codes: 0 schedule written, 2 usage error, 3 bad input file, 4 proven infeasible,\n"
    "            5 no schedule found within the limits, 1 internal error, 130 second interrupt\n";

std::string percent(double x) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << x << "%";
    return o.str();
}

double tdiOf(const Graph& g, int64_t cost) {
    return g.baselineCost() == 0 ? 0.0
                                 : 100.0 * static_cast<double>(cost - g.baselineCost()) /
                                       static_cast<double>(g.baselineCost());
}

// Formats an improvement as a progress line: time, cost, TDI, peak, bound, gap, source.
std::string progressLine(const Graph& g, const SolveEvent& e) {
    const double gap = e.cost == 0 ? 0.0 : 100.0 * static_cast<double>(e.cost - e.bound) / static_cast<double>(e.cost);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%8.2fs  cost %lld  TDI %.3f%%  peak %lld  bound %lld  gap %.3f%%  by %s", e.seconds,
                  static_cast<long long>(e.cost), tdiOf(g, e.cost), static_cast<long long>(e.peak),
                  static_cast<long long>(e.bound), gap, e.source.c_str());
    return buf;
}

std::string progressJson(const Graph& g, const SolveEvent& e) {
    return nlohmann::json{{"seconds", e.seconds}, {"cost", e.cost},     {"tdi_percent", tdiOf(g, e.cost)},
                          {"peak", e.peak},       {"bound", e.bound},   {"source", e.source}}
        .dump();
}

// Everything told of an improvement: the stderr line, the JSON stream and the -o file. Runs
// on a search thread under the solver's lock, so it only formats and hands over.
class ImprovementOutput {
public:
    ImprovementOutput(const Graph& g, bool quiet, std::ostream* stream, ScheduleWriter* writer)
        : g_(g), quiet_(quiet), stream_(stream), writer_(writer) {}
    void operator()(const SolveEvent& e) const {
        if (!quiet_) std::cerr << progressLine(g_, e) << std::endl;
        if (stream_) *stream_ << progressJson(g_, e) << std::endl;
        if (writer_) writer_->submit(e.solution, e.bound);
    }

private:
    const Graph& g_;
    bool quiet_;
    std::ostream* stream_;
    ScheduleWriter* writer_;
};

}  // namespace

int cmdSolve(const std::vector<std::string>& argv) {
    Args args(argv,
              {"--budget", "--copies", "--strategy", "--time-limit", "--threads", "--seed", "-o", "--ttef-max-free",
               "--fail-limit", "--lns-epochs", "--lns-fail-limit", "--order", "--progress-json", "--nogood-length",
               "--learnt-length", "--learnt-keep", "--window-share", "--window-plateau", "--window-nesting"},
              {"--help", "-h", "-q", "--no-ttef", "--no-timetable-filtering", "--no-bound", "--no-restarts", "--deterministic", "--ttef",
               "--luby-restarts", "--bound-windows", "--ttef-no-left-overlap", "--no-cover-bound", "--no-nogoods",
               "--no-shaving", "--no-window-bound", "--no-window-refine", "--learn", "--no-learn"});
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
    readSharedSolveOptions(args, opt);
    if (args.value("--time-limit")) opt.timeLimitSeconds = args.real("--time-limit", 0, 0, 1e9);
    if (args.flag("--ttef") && args.flag("--no-ttef")) throw UsageError("--ttef and --no-ttef contradict each other");
    opt.exact.model.ttef = args.flag("--ttef");
    opt.exact.model.ttefMaxFreeTasks = static_cast<int>(args.integer("--ttef-max-free", 200, 0, 1 << 30));
    opt.exact.model.ttefLeftOverlap = !args.flag("--ttef-no-left-overlap");
    opt.exact.model.timetableFiltering = !args.flag("--no-timetable-filtering");
    opt.exact.model.recomputeBound = !args.flag("--no-bound");
    opt.exact.restarts = !args.flag("--no-restarts");
    opt.exact.restartsAfterIncumbent = args.flag("--luby-restarts");
    opt.exact.model.boundWindows = args.flag("--bound-windows");
    opt.exact.coverBound = !args.flag("--no-cover-bound");
    opt.exact.nogoods = !args.flag("--no-nogoods");
    if (args.flag("--learn") && args.flag("--no-learn")) throw UsageError("--learn and --no-learn contradict each other");
    opt.exact.learning = !args.flag("--no-learn");
    opt.exact.nogoodLimits.learntMaxLength = static_cast<size_t>(args.integer(
        "--learnt-length", static_cast<long long>(opt.exact.nogoodLimits.learntMaxLength), 1, 1 << 20));
    opt.exact.nogoodLimits.learntKeep =
        args.integer("--learnt-keep", static_cast<long long>(opt.exact.nogoodLimits.learntKeep), 0, 1LL << 40);
    opt.exact.shaving = !args.flag("--no-shaving");
    opt.exact.windowBound = !args.flag("--no-window-bound");
    opt.exact.window.refine = !args.flag("--no-window-refine");
    opt.exact.windowShare = args.real("--window-share", opt.exact.windowShare, 0.01, 1.0);
    opt.exact.window.plateau = static_cast<int>(args.integer("--window-plateau", opt.exact.window.plateau, 0, 1 << 20));
    opt.exact.window.nesting = static_cast<int>(args.integer("--window-nesting", opt.exact.window.nesting, 0, 3));
    opt.exact.nogoodLimits.maxLength = static_cast<size_t>(
        args.integer("--nogood-length", static_cast<long long>(opt.exact.nogoodLimits.maxLength), 1, 1 << 30));
    opt.exact.failLimit = static_cast<uint64_t>(
        args.integer("--fail-limit", std::numeric_limits<long long>::max(), 0, std::numeric_limits<long long>::max()));
    opt.deterministic = args.flag("--deterministic");
    if (args.value("--lns-epochs")) opt.lns.maxEpochs = static_cast<uint64_t>(args.integer("--lns-epochs", 1, 0, 1LL << 40));
    opt.lns.failLimit = static_cast<uint64_t>(args.integer("--lns-fail-limit", 300, 1, 1LL << 40));
    const bool quiet = args.flag("-q");
    const auto outPath = args.value("-o");
    const auto streamPath = args.value("--progress-json");
    if (streamPath && *streamPath == "-" && !outPath)
        throw UsageError("--progress-json - writes to stdout, so the schedule needs -o FILE");

    // Refuse a bad output path now, not after the whole time limit.
    if (outPath)
        if (auto err = checkWritable(*outPath)) throw UsageError("-o " + *err);
    std::ofstream streamFile;
    std::ostream* stream = nullptr;
    if (streamPath) {
        if (*streamPath == "-") {
            stream = &std::cout;
        } else {
            if (auto err = checkWritable(*streamPath)) throw UsageError("--progress-json " + *err);
            streamFile.open(*streamPath);
            if (!streamFile) throw UsageError("--progress-json " + *streamPath + ": cannot open for writing");
            stream = &streamFile;
        }
    }

    installStopHandlers();
    RunFacts facts;
    facts.started = std::chrono::steady_clock::now();
    const std::string& graphPath = args.positional()[0];
    Graph g = loadGraphFile(graphPath);
    facts.graph = &g;
    facts.referencePeak = referencePeak(g);
    opt.budget = budgetSpec.resolve(facts.referencePeak);
    if (opt.budget <= 0) throw UsageError("the budget resolves to " + std::to_string(opt.budget) + ", not a positive amount");
    // A graph whose sums the engine cannot hold is a bad input, refused before any search.
    if (auto why = unrepresentableReason(Instance{g, opt.budget, opt.copies})) throw InputError(graphPath + ": " + *why);
    facts.options = opt;

    std::optional<ScheduleWriter> writer;
    if (outPath) writer.emplace(*outPath, facts, std::chrono::milliseconds(250));
    opt.onImprovement = ImprovementOutput(g, quiet, stream, writer ? &*writer : nullptr);
    SolveOutcome outcome = solve(g, opt);
    if (writer) writer->stop();  // the final write below is the last word

    SolveReport report = baseReport(facts, statusName(outcome.status));
    report.lowerBound = outcome.lowerBound;
    report.message = outcome.message;
    report.statistics = outcome.statistics;
    if (outcome.solution) {
        if (auto bad = addSchedule(facts, *outcome.solution, report)) {
            std::cerr << "moccasin solve: internal error: the " << opt.strategy
                      << " schedule fails validation: " << *bad << "\n";
            return kExitInternal;
        }
        // The validated cost is the truth: a bound above it would be a bug, never a proof.
        if (report.lowerBound && *report.lowerBound > *report.objective) {
            std::cerr << "moccasin solve: internal inconsistency: lower bound " << *report.lowerBound
                      << " exceeds the validated cost " << *report.objective << "; reporting feasible\n";
            report.status = statusName(SolveStatus::Feasible);
            report.lowerBound.reset();
        }
    }
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - facts.started).count();
    struct rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) == 0) report.statistics["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
    const std::string text = scheduleToJson(g, report).dump(1) + "\n";
    int code = kExitOk;
    if (!outPath) {
        std::cout << text << std::flush;
    } else if (auto err = writeFileAtomically(*outPath, text)) {
        // Nothing the user asked for is lost: the result goes to stdout instead.
        std::cerr << "moccasin solve: " << *err << "; the schedule follows on stdout\n";
        std::cout << text << std::flush;
        code = kExitInternal;
    }

    if (!quiet) {
        std::cerr << g.name() << ": " << g.numNodes() << " nodes, " << g.numEdges() << " edges; budget " << opt.budget
                  << " (" << percent(100.0 * static_cast<double>(opt.budget) / static_cast<double>(facts.referencePeak))
                  << " of the peak " << facts.referencePeak << "), C = " << opt.copies << ", order "
                  << orderName(opt.order) << "\n";
        std::cerr << opt.strategy << ": " << report.status;
        if (report.objective) {
            std::cerr << ", cost " << *report.objective << " (TDI " << percent(tdiOf(g, *report.objective)) << "), peak "
                      << *report.peakMemory << ", " << outcome.solution->plan.numRecomputations() << " recomputations";
        }
        if (!outcome.message.empty()) std::cerr << "; " << outcome.message;
        std::cerr << " [" << std::fixed << std::setprecision(3) << report.wallSeconds << " s]\n";
    }
    if (code != kExitOk) return code;
    switch (outcome.status) {
        case SolveStatus::Optimal:
        case SolveStatus::Feasible: return kExitOk;
        case SolveStatus::Infeasible: return kExitInfeasible;
        case SolveStatus::Unknown: return kExitNoSchedule;
    }
    return kExitInternal;
}

}  // namespace moccasin::cli
