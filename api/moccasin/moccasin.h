// moccasin as a library: a compute graph and a memory budget in, a rematerialization schedule out.
//
//   moccasin::api::Graph g = moccasin::api::Graph::fromJsonFile("model.json");
//   moccasin::api::Options options;
//   options.budget = moccasin::api::Budget::fraction(0.8);  // 80% of the no-recompute peak
//   moccasin::api::Result r = moccasin::api::solve(g, options);
//   if (r.hasSchedule()) for (const auto& op : r.operations) ...;  // compute / free, in order
//
// Every schedule returned has passed the independent validator. The problem, the budgets and the
// schedules are those of the moccasin program (docs/library.md); this header is the whole
// interface and needs C++17.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace moccasin::api {

// A graph that cannot be used: an unreadable file, malformed JSON, a cycle, a negative cost or
// size, an edge to a node that does not exist, amounts beyond what the solver handles. The
// message is one line naming the input and the problem.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A compute graph. Nodes are numbered 0 .. numNodes()-1: for fromArrays, as the caller numbered
// them; for JSON graphs, in the reference order the schedule's budgets are quoted against.
class Graph {
public:
    // networkx node-link JSON (cost_cpu/cost_ram or duration/out_cost; docs/graph-format.md).
    static Graph fromJsonFile(const std::string& path);
    // `name` stands for the text in error messages and names the graph when it has no name.
    static Graph fromJsonString(const std::string& json, const std::string& name = "graph");
    // Node i computes in costs[i] and outputs sizes[i] bytes; an edge (u, v) means v reads u's
    // output. Node ids are the decimal numbers "0", "1", ... .
    static Graph fromArrays(const std::vector<int64_t>& costs, const std::vector<int64_t>& sizes,
                            const std::vector<std::pair<int, int>>& edges, const std::string& name = "graph");

    const std::string& name() const;
    int numNodes() const;
    int64_t numEdges() const;  // duplicates merged
    const std::string& nodeId(int node) const;  // as the input spelled it
    int64_t cost(int node) const;
    int64_t size(int node) const;
    int64_t baselineCost() const;      // every node computed once: the cost of no recomputation
    int64_t referencePeak() const;     // peak memory without recomputation in the reference order
    int64_t budgetLowerLimit() const;  // no budget below this can be met (a node with its inputs)

    struct Impl;  // the engine's graph; not part of the interface

private:
    explicit Graph(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const Impl> impl_;
    friend const Impl& implOf(const Graph& g);
};

// A memory budget: a fraction of the graph's reference peak (B = ceil(f * peak), f taken to nine
// decimals, as the program reads "0.8") or an absolute amount in the graph's size unit.
class Budget {
public:
    static Budget fraction(double f);
    static Budget bytes(int64_t amount);
    bool isFraction() const { return isFraction_; }
    double fractionValue() const { return fraction_; }
    int64_t amount() const { return amount_; }
    // The absolute budget for `g`. Throws std::invalid_argument for a fraction <= 0, NaN, or an
    // amount <= 0.
    int64_t resolve(const Graph& g) const;

private:
    Budget(bool isFraction, double f, int64_t amount) : isFraction_(isFraction), fraction_(f), amount_(amount) {}
    bool isFraction_ = true;
    double fraction_ = 1.0;
    int64_t amount_ = 0;
};

enum class Order {
    Given,  // first computations follow the reference order ("optimal" means optimal for it)
    Free,   // the solver also chooses the execution order
};

struct Options {
    Budget budget = Budget::fraction(1.0);
    int copies = 2;                 // at most this many computations of each node (>= 1)
    Order order = Order::Given;
    double timeLimitSeconds = 10;   // then the best schedule found so far is returned
    int threads = 1;                // search threads (>= 1)
    uint64_t seed = 0;
};

enum class Status {
    Optimal,     // proven optimal (for the reference order, with Order::Given)
    Feasible,    // valid, not proven optimal
    Infeasible,  // proven: no schedule meets the budget
    Unknown,     // none found within the time limit
};
const char* statusName(Status s);  // "optimal", "feasible", "infeasible", "unknown"

// One computation: `node` is computed at event `start` and its output kept until `end`
// (exclusive). Events are increasing but not consecutive (the solver's timeline leaves gaps).
struct Computation {
    int node = 0;
    std::string id;
    int64_t start = 0, end = 0;
};

// The schedule as a program: compute a node's output, or free the oldest live copy of a node.
struct Operation {
    enum class Kind { Compute, Free };
    Kind kind = Kind::Compute;
    int node = 0;
    std::string id;
};

struct Result {
    Status status = Status::Unknown;
    std::string message;  // why there is no schedule, or how the result was settled
    int64_t budget = 0;   // the absolute budget solved for
    int copies = 2;
    Order order = Order::Given;
    int64_t referencePeak = 0, baselineCost = 0;
    // Present when there is a schedule:
    std::optional<int64_t> cost;        // sum of the costs of all computations
    std::optional<int64_t> peak;        // highest memory at any event, <= budget
    std::optional<double> tdiPercent;   // 100 * (cost - baselineCost) / baselineCost
    std::optional<int64_t> lowerBound;  // no schedule costs less (for the order searched)
    std::vector<Computation> computations;  // ascending start
    std::vector<Operation> operations;      // replaying them never exceeds `peak`
    std::vector<int> executionOrder;        // Order::Free: nodes in the order first computed
    double seconds = 0;                     // wall time of the solve
    int threads = 1;                        // the options it ran with
    uint64_t seed = 0;
    double timeLimitSeconds = 0;

    bool hasSchedule() const { return status == Status::Optimal || status == Status::Feasible; }
};

// Solves `g` under `options`. Throws std::invalid_argument for bad options (copies or threads
// < 1, a bad budget, a negative time limit) and InputError for a graph whose amounts times the
// copy limit are beyond the solver's range. Keeps no state between calls; the one process-wide
// thing is the engine's stop request (set by SIGINT in the moccasin program, never by the
// library), which would end every running solve early.
Result solve(const Graph& g, const Options& options);

// The result as a "moccasin-schedule/1" file (docs/schedule-format.md), for `moccasin check`
// and the other tools that read schedules.
std::string toScheduleJson(const Graph& g, const Result& r);

const char* version();

}  // namespace moccasin::api
