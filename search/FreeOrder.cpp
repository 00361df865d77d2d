#include "search/FreeOrder.h"

#include "search/GivenOrder.h"

namespace moccasin {

SolveOutcome solveFreeOrder(const Graph& g, const SolveOptions& options, SolveRecord& record, const Deadline& deadline) {
    SolveOutcome out;
    std::vector<int> identity(g.numNodes());
    for (int k = 0; k < g.numNodes(); ++k) identity[k] = k;
    OrderedGraph given{std::shared_ptr<const Graph>(&g, [](const Graph*) {}), identity};
    OrderRun run = runOnOrder(given, options, record, deadline);
    out.statistics["orders"] = nlohmann::json::array({run.statistics});
    out.solution = record.best();
    out.lowerBound = record.bound();
    if (!out.solution) {
        out.status = SolveStatus::Unknown;
        out.message = run.message;
        return out;
    }
    out.status = out.solution->cost == record.bound() ? SolveStatus::Optimal : SolveStatus::Feasible;
    return out;
}

}  // namespace moccasin
