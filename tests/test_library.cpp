// The public facade <moccasin/moccasin.h>: graphs from files, strings and arrays, budgets as
// fractions or amounts, results in the caller's node numbers, and the schedule file it writes,
// read back and judged by the independent validator.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <unistd.h>

#include "model/GraphJson.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"
#include "moccasin/moccasin.h"

namespace api = moccasin::api;

namespace {

const std::string kTiny = std::string(MOCCASIN_SOURCE_DIR) + "/examples/tiny.json";

// Replays the operations by the schedule file's rule: the peak right after each compute.
int64_t replayPeak(const api::Graph& g, const api::Result& r) {
    int64_t live = 0, peak = 0;
    for (const api::Operation& op : r.operations) {
        if (op.kind == api::Operation::Kind::Compute) {
            live += g.size(op.node);
            peak = std::max(peak, live);
        } else {
            live -= g.size(op.node);
        }
    }
    CHECK(live == 0);
    return peak;
}

// The result as a schedule file, read back by the program's reader and validated.
moccasin::ValidationResult judge(const api::Graph& g, const api::Result& r, const std::string& graphPath) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("moccasin-library-" + std::to_string(getpid()) + ".json")).string();
    std::ofstream(path) << api::toScheduleJson(g, r);
    const moccasin::Graph engineGraph = moccasin::loadGraphFile(graphPath);
    const moccasin::ScheduleFile file = moccasin::readScheduleFile(path, engineGraph);
    std::filesystem::remove(path);
    CHECK(file.budget == r.budget);
    CHECK(file.objective == r.cost);
    return moccasin::validateSchedule(engineGraph, file.computations, r.budget, r.copies);
}

}  // namespace

TEST_CASE("library: a JSON graph solved at a fraction of its peak, in the file's ids") {
    const api::Graph g = api::Graph::fromJsonFile(kTiny);
    CHECK(g.name() == "tiny forward-backward");
    CHECK(g.numNodes() == 6);
    CHECK(g.referencePeak() == 21);
    CHECK(g.budgetLowerLimit() == 17);
    CHECK(g.nodeId(0) == "input");
    api::Options o;
    o.budget = api::Budget::fraction(0.85);  // ceil(17.85) = 18
    o.timeLimitSeconds = 5;
    const api::Result r = api::solve(g, o);
    REQUIRE(r.hasSchedule());
    CHECK(r.budget == 18);
    CHECK(*r.peak <= 18);
    CHECK(*r.cost >= g.baselineCost());
    CHECK(r.status == api::Status::Optimal);
    CHECK(r.lowerBound == r.cost);
    CHECK(replayPeak(g, r) == *r.peak);
    int64_t cost = 0;
    for (const api::Computation& c : r.computations) {
        CHECK(c.id == g.nodeId(c.node));
        cost += g.cost(c.node);
    }
    CHECK(cost == *r.cost);
    CHECK(judge(g, r, kTiny).ok);
}

TEST_CASE("library: arrays in the caller's numbering, even when it is not a topological order") {
    // The tiny graph numbered backwards: node 5 is the input, node 0 the last gradient.
    const std::vector<int64_t> costs{12, 12, 1, 10, 10, 0}, sizes{4, 8, 1, 8, 8, 4};
    const std::vector<std::pair<int, int>> edges{{5, 4}, {4, 3}, {3, 2}, {2, 1}, {4, 1}, {1, 0}, {5, 0}};
    const api::Graph g = api::Graph::fromArrays(costs, sizes, edges, "backwards");
    CHECK(g.numNodes() == 6);
    CHECK(g.numEdges() == 7);
    CHECK(g.nodeId(5) == "5");
    CHECK(g.cost(4) == 10);
    CHECK(g.size(5) == 4);
    CHECK(g.referencePeak() == 21);
    api::Options o;
    o.budget = api::Budget::bytes(17);
    o.timeLimitSeconds = 5;
    const api::Result r = api::solve(g, o);
    REQUIRE(r.hasSchedule());
    CHECK(*r.peak <= 17);
    CHECK(replayPeak(g, r) == *r.peak);
    // Inputs before consumers, in the caller's numbers: 5 first, 0 last among first computations.
    std::vector<int> firsts;
    std::set<int> seen;
    for (const api::Computation& c : r.computations)
        if (seen.insert(c.node).second) firsts.push_back(c.node);
    CHECK(firsts == std::vector<int>{5, 4, 3, 2, 1, 0});
    int64_t cost = 0;
    for (const api::Computation& c : r.computations) cost += costs[c.node];
    CHECK(cost == *r.cost);
}

TEST_CASE("library: free order, budgets below the limit, and what is refused") {
    const api::Graph g = api::Graph::fromJsonString(
        R"({"nodes": [{"id": 1, "duration": 3, "out_cost": 5}, {"id": 2, "duration": 4, "out_cost": 6},
                      {"id": 3, "duration": 5, "out_cost": 7}],
            "links": [{"source": 1, "target": 2}, {"source": 1, "target": 3}, {"source": 2, "target": 3}]})",
        "three");
    CHECK(g.name() == "three");
    api::Options o;
    o.order = api::Order::Free;
    o.timeLimitSeconds = 2;
    const api::Result r = api::solve(g, o);
    REQUIRE(r.hasSchedule());
    CHECK(r.executionOrder == std::vector<int>{0, 1, 2});
    CHECK(r.tdiPercent == 0.0);

    o.budget = api::Budget::bytes(g.budgetLowerLimit() - 1);
    const api::Result none = api::solve(g, o);
    CHECK(none.status == api::Status::Infeasible);
    CHECK(none.computations.empty());
    CHECK_FALSE(none.cost);
    CHECK(none.message.find("lower limit") != std::string::npos);

    o.budget = api::Budget::fraction(1.0);
    o.copies = 0;
    CHECK_THROWS_AS(api::solve(g, o), std::invalid_argument);
    o.copies = 2;
    o.budget = api::Budget::fraction(-0.5);
    CHECK_THROWS_AS(api::solve(g, o), std::invalid_argument);

    CHECK_THROWS_AS(api::Graph::fromArrays({1, 1}, {1, 1}, {{0, 1}, {1, 0}}), api::InputError);  // a cycle
    CHECK_THROWS_AS(api::Graph::fromArrays({1, 1}, {1, 1}, {{0, 2}}), api::InputError);
    CHECK_THROWS_AS(api::Graph::fromArrays({1, 1}, {1}, {}), api::InputError);
    CHECK_THROWS_AS(api::Graph::fromArrays({-1}, {1}, {}), api::InputError);
    try {
        api::Graph::fromJsonString("{", "broken.json");
        FAIL("accepted");
    } catch (const api::InputError& e) {
        CHECK(std::string(e.what()).rfind("broken.json", 0) == 0);
    }
    CHECK_THROWS_AS(api::Graph::fromJsonFile("/nonexistent/graph.json"), api::InputError);
}
