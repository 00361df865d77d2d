// moccasin info: what a graph is, and the budgets worth asking for (reference peak, lower limit).
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "model/GraphJson.h"
#include "model/Peak.h"

namespace moccasin::cli {

namespace {
const char* kInfoHelp =
    "usage: moccasin info GRAPH [--json]\n"
    "prints the graph's name, node and edge counts, the reference peak P_pi (no-recompute\n"
    "schedule in the reference order), the lower limit on budgets (max over v of m_v plus the\n"
    "sizes of v's inputs), that limit as a fraction of the peak, and the baseline cost D\n"
    "  --json   print one JSON object instead of text\n"
    "exit codes: 0 ok, 2 usage error, 3 bad input file, 1 internal error\n";

struct Info {
    std::string name;
    int nodes = 0;
    int64_t edges = 0, peak = 0, limit = 0, baselineCost = 0;
    // limit / peak; absent when the peak is 0 (all sizes 0), where no fraction is meaningful.
    std::optional<double> limitFraction;
};

Info describeGraph(const Graph& g) {
    Info info{g.name(), g.numNodes(), g.numEdges(), referencePeak(g), budgetLowerLimit(g), g.baselineCost(), {}};
    if (info.peak > 0) info.limitFraction = static_cast<double>(info.limit) / static_cast<double>(info.peak);
    return info;
}

void printJson(const Info& info) {
    nlohmann::json j = {{"graph", info.name},          {"nodes", info.nodes},
                        {"edges", info.edges},         {"peak", info.peak},
                        {"budget_lower_limit", info.limit},
                        {"limit_fraction", nullptr},   {"baseline_cost", info.baselineCost}};
    if (info.limitFraction) j["limit_fraction"] = *info.limitFraction;
    // replace: a graph name is whatever the file held; never fail on printing it.
    std::cout << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void printText(const Info& info) {
    std::ostringstream fraction;
    if (info.limitFraction)
        fraction << std::fixed << std::setprecision(4) << *info.limitFraction << " of the peak";
    else
        fraction << "the peak is 0";
    std::cout << "graph          " << info.name << "\n"
              << "nodes          " << info.nodes << "\n"
              << "edges          " << info.edges << "\n"
              << "peak P_pi      " << info.peak << "\n"
              << "budget limit   " << info.limit << " (" << fraction.str() << ")\n"
              << "baseline cost  " << info.baselineCost << "\n";
}
}  // namespace

int cmdInfo(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"--json", "--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kInfoHelp;
        return kExitOk;
    }
    if (args.positional().size() != 1) throw UsageError("expected exactly one GRAPH file");
    const Info info = describeGraph(loadGraphFile(args.positional()[0]));
    if (args.flag("--json"))
        printJson(info);
    else
        printText(info);
    return kExitOk;
}

}  // namespace moccasin::cli
