// The facade's solve: the engine's solve, then the independent validator, then the schedule in
// the caller's node numbers. Nothing leaves without passing the validator.
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "api/GraphImpl.h"
#include "model/GraphJson.h"
#include "model/Instance.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"
#include "search/Solver.h"

namespace moccasin::api {

namespace {

Status fromEngine(SolveStatus s) {
    switch (s) {
        case SolveStatus::Optimal: return Status::Optimal;
        case SolveStatus::Feasible: return Status::Feasible;
        case SolveStatus::Infeasible: return Status::Infeasible;
        case SolveStatus::Unknown: return Status::Unknown;
    }
    return Status::Unknown;
}

SolveOptions engineOptions(const Options& o, int64_t budget) {
    if (o.copies < 1) throw std::invalid_argument("copies must be at least 1");
    if (o.threads < 1) throw std::invalid_argument("threads must be at least 1");
    if (!(o.timeLimitSeconds >= 0) || !std::isfinite(o.timeLimitSeconds))
        throw std::invalid_argument("the time limit must be a number of seconds >= 0");
    SolveOptions so;
    so.budget = budget;
    so.copies = o.copies;
    so.strategy = "auto";
    so.order = o.order == Order::Free ? OrderMode::Free : OrderMode::Given;
    so.timeLimitSeconds = o.timeLimitSeconds;
    so.threads = o.threads;
    so.seed = o.seed;
    return so;
}

double tdiPercent(int64_t cost, int64_t baseline) {
    if (baseline == 0) return 0.0;
    return 100.0 * static_cast<double>(static_cast<__int128>(cost) - baseline) / static_cast<double>(baseline);
}

// Operations are derived by the schedule file's own rule (model/ScheduleJson.h), which names
// nodes by id; this maps those ids back to engine indices.
class IdIndex {
public:
    explicit IdIndex(const moccasin::Graph& g) {
        for (int k = 0; k < g.numNodes(); ++k) index_.emplace(key(nodeIdToJson(g.id(k))), k);
    }
    int find(const nlohmann::json& id) const { return index_.at(key(id)); }

private:
    // An integer id 7 and a string id "7" are different nodes.
    static std::string key(const nlohmann::json& id) {
        std::string k(1, id.is_string() ? 's' : 'i');
        k += id.is_string() ? id.get_ref<const std::string&>() : id.dump();
        return k;
    }
    std::unordered_map<std::string, int> index_;
};

void addSchedule(const Graph::Impl& im, const Solution& solution, const Options& options, Result& r) {
    const Schedule schedule = solution.schedule();
    const ValidationResult v = validateSchedule(im.graph, schedule.computations, r.budget, r.copies);
    if (!v.ok) throw std::logic_error("moccasin: internal error: a schedule fails validation: " + v.violation);
    r.cost = v.cost;
    r.peak = v.peak;
    r.tdiPercent = tdiPercent(v.cost, im.graph.baselineCost());
    for (const moccasin::Computation& c : schedule.computations)
        r.computations.push_back({im.userOf[c.node], im.idOf[im.userOf[c.node]], c.start, c.end});
    const IdIndex ids(im.graph);
    for (const nlohmann::json& op : operationsToJson(im.graph, schedule.computations)) {
        const int user = im.userOf[ids.find(op.at("node"))];
        const auto kind = op.at("op") == "compute" ? Operation::Kind::Compute : Operation::Kind::Free;
        r.operations.push_back({kind, user, im.idOf[user]});
    }
    if (options.order == Order::Free)
        for (int k : solution.executionOrder()) r.executionOrder.push_back(im.userOf[k]);
}

}  // namespace

const char* statusName(Status s) {
    switch (s) {
        case Status::Optimal: return "optimal";
        case Status::Feasible: return "feasible";
        case Status::Infeasible: return "infeasible";
        case Status::Unknown: return "unknown";
    }
    return "unknown";
}

const char* version() { return MOCCASIN_VERSION; }

Result solve(const Graph& g, const Options& options) {
    const auto started = std::chrono::steady_clock::now();
    const Graph::Impl& im = implOf(g);
    const int64_t budget = options.budget.resolve(g);
    const SolveOptions so = engineOptions(options, budget);
    if (auto why = unrepresentableReason(Instance{im.graph, budget, options.copies}))
        throw InputError(g.name() + ": " + *why);

    const SolveOutcome outcome = moccasin::solve(im.graph, so);
    Result r;
    r.status = fromEngine(outcome.status);
    r.message = outcome.message;
    r.budget = budget;
    r.copies = options.copies;
    r.order = options.order;
    r.referencePeak = im.referencePeak;
    r.baselineCost = im.graph.baselineCost();
    r.lowerBound = outcome.lowerBound;
    r.threads = options.threads;
    r.seed = options.seed;
    r.timeLimitSeconds = options.timeLimitSeconds;
    if (outcome.solution) {
        addSchedule(im, *outcome.solution, options, r);
        // The validated cost is the truth: a bound above it would be a bug, never a proof.
        if (r.lowerBound && *r.lowerBound > *r.cost) {
            r.lowerBound.reset();
            r.status = Status::Feasible;
        }
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return r;
}

std::string toScheduleJson(const Graph& g, const Result& r) {
    const Graph::Impl& im = implOf(g);
    SolveReport report;
    report.status = statusName(r.status);
    report.budget = r.budget;
    report.copies = r.copies;
    report.objective = r.cost;
    report.baselineCost = r.baselineCost;
    report.peakMemory = r.peak;
    report.message = r.message;
    report.orderMode = r.order == Order::Free ? "free" : "given";
    for (int node : r.executionOrder) report.executionOrder.push_back(im.engineOf.at(node));
    report.referencePeak = r.referencePeak;
    report.lowerBound = r.lowerBound;
    report.strategy = "auto";
    report.version = MOCCASIN_VERSION;
    report.seed = r.seed;
    report.threads = r.threads;
    report.timeLimitSeconds = r.timeLimitSeconds;
    report.wallSeconds = r.seconds;
    for (const Computation& c : r.computations) report.computations.push_back({im.engineOf.at(c.node), c.start, c.end});
    return scheduleToJson(im.graph, report).dump(1) + "\n";
}

}  // namespace moccasin::api
