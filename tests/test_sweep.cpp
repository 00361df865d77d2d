// Budget sweeps: the budget grid (exact fractions, down to the lower limit), the Pareto front and
// its knee, the warm start from the neighbouring budget, the sweep files, and `moccasin sweep` as
// a user runs it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "analysis/Pareto.h"
#include "analysis/Sweep.h"
#include "analysis/SweepJson.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Peak.h"

using namespace moccasin;
using namespace moccasin::analysis;
using nlohmann::json;

namespace {

const std::string kTiny = std::string(MOCCASIN_SOURCE_DIR) + "/examples/tiny.json";

std::string scratch(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("moccasin-sweep-" + std::to_string(getpid()) + "-" + name)).string();
}

std::string slurp(const std::string& path) {
    std::stringstream s;
    s << std::ifstream(path).rdbuf();
    return s.str();
}

struct Run {
    int code = -1;
    std::string err;
};

Run run(const std::string& args) {
    const std::string err = scratch("stderr");
    const int status = std::system((std::string(MOCCASIN_BINARY) + " " + args + " >/dev/null 2>" + err).c_str());
    Run r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(err)};
    std::filesystem::remove(err);
    return r;
}

std::vector<int64_t> budgetsOf(const std::vector<SweepBudget>& b) {
    std::vector<int64_t> out;
    for (const SweepBudget& x : b) out.push_back(x.budget);
    return out;
}

}  // namespace

TEST_CASE("sweep budgets: from 1.0 down in exact steps, ending at the lower limit itself") {
    const Graph g = loadGraphFile(kTiny);  // reference peak 21, lower limit 17
    REQUIRE(referencePeak(g) == 21);
    REQUIRE(budgetLowerLimit(g) == 17);
    const auto toLimit = sweepBudgets(g, kBillion, std::nullopt, kBillion / 20);
    // ceil(21 * 1.0, 0.95, 0.9, 0.85) = 21, 20, 19, 18; 0.80 is below the limit 17/21 = 0.8095.
    CHECK(budgetsOf(toLimit) == std::vector<int64_t>{21, 20, 19, 18, 17});
    CHECK(toLimit.back().fraction == doctest::Approx(17.0 / 21.0));
    CHECK(toLimit[2].fraction == 0.9);

    // Ten steps of 0.1 land exactly on 0.3: no floating-point drift adds or loses a row.
    const auto tenths = sweepBudgets(g, kBillion, 300000000, 100000000);
    REQUIRE(tenths.size() == 8);
    CHECK(tenths.back().fraction == 0.3);
    CHECK(tenths.back().budget == 7);  // ceil(6.3)

    // A --to between grid points is still the last row.
    const auto between = sweepBudgets(g, kBillion, 820000000, 100000000);
    CHECK(between.size() == 3);
    CHECK(between.back().fraction == 0.82);

    CHECK_THROWS_AS(sweepBudgets(g, kBillion, std::nullopt, 0), std::invalid_argument);
    CHECK_THROWS_AS(sweepBudgets(g, 800000000, 900000000, kBillion / 20), std::invalid_argument);  // upwards
    CHECK_THROWS_AS(sweepBudgets(g, 500000000, std::nullopt, kBillion / 20), std::invalid_argument);  // below the limit
    CHECK_THROWS_AS(sweepBudgets(g, kBillion, std::nullopt, 1, 100), std::invalid_argument);  // too many rows
}

TEST_CASE("pareto front: dominated points leave it, it runs from least memory to least TDI") {
    const std::vector<CurvePoint> pts{{1.0, 0}, {0.9, 0}, {0.8, 1}, {0.7, 3}, {0.6, 20}, {0.85, 2}, {0.7, 3}};
    // (1.0, 0) is beaten by (0.9, 0); (0.85, 2) by (0.8, 1); the second (0.7, 3) repeats the first.
    CHECK(paretoFront(pts) == std::vector<size_t>{4, 3, 2, 1});
    CHECK(paretoFront({}).empty());
}

TEST_CASE("knee: the front point farthest below the chord, in normalised coordinates") {
    // Normalised, (0.7, 3) sits at (1/3, 0.15) and (0.8, 1) at (2/3, 0.05): 1 - x - y is 0.517
    // against 0.283, so the knee is 0.7, where the TDI starts to climb steeply.
    const std::vector<CurvePoint> pts{{0.9, 0}, {0.8, 1}, {0.7, 3}, {0.6, 20}};
    const auto knee = findKnee(pts);
    REQUIRE(knee);
    CHECK(knee->index == 2);
    CHECK(knee->distance == doctest::Approx((1.0 - 1.0 / 3.0 - 0.15) / std::sqrt(2.0)));

    CHECK_FALSE(findKnee({{0.9, 0}, {0.6, 20}}));               // two points: no bend
    CHECK_FALSE(findKnee({{0.9, 0}, {0.75, 10}, {0.6, 20}}));   // a straight line
    CHECK_FALSE(findKnee({{0.9, 0}, {0.75, 15}, {0.6, 20}}));   // bulging away from low memory and TDI
    CHECK_FALSE(findKnee({{0.9, 0}, {0.8, 0}, {0.7, 0}}));      // one point on the front
}

TEST_CASE("run sweep: every row validated, optimal costs rise as the budget falls, rows below the limit infeasible") {
    const Graph g = loadGraphFile(kTiny);
    SolveOptions base;
    base.strategy = "exact";
    base.threads = 1;
    base.timeLimitSeconds = 10;
    const auto budgets = sweepBudgets(g, kBillion, 700000000, kBillion / 20);  // 1.0 .. 0.7
    const SweepRun run = runSweep(g, budgets, base);
    REQUIRE(run.rows.size() == budgets.size());
    CHECK(run.complete);
    CHECK_FALSE(run.invalidSchedule);
    std::optional<int64_t> previous;
    for (const SweepRow& r : run.rows) {
        CAPTURE(r.budget);
        if (r.budget < 17) {
            CHECK(r.status == "infeasible");
            CHECK_FALSE(r.hasSchedule());
            continue;
        }
        REQUIRE(r.hasSchedule());
        CHECK(r.status == "optimal");
        CHECK(*r.peak <= r.budget);
        CHECK(*r.cost >= g.baselineCost());
        CHECK(r.lowerBound == r.cost);
        // Feasible sets shrink with the budget, so optimal costs never fall.
        if (previous) CHECK(*r.cost >= *previous);
        previous = r.cost;
    }
}

TEST_CASE("run sweep: each solve starts from its neighbour's schedule when that meets its budget") {
    const Graph g = loadGraphFile(kTiny);
    SolveOptions base;
    base.strategy = "auto";
    base.threads = 1;
    base.timeLimitSeconds = 5;
    std::vector<std::string> sources;
    base.onImprovement = [&](const SolveEvent& e) { sources.push_back(e.source); };
    // The same budget twice: the second solve's first incumbent is the first solve's schedule.
    const std::vector<SweepBudget> twice{{0.85, 18}, {0.85, 18}};
    const SweepRun run = runSweep(g, twice, base);
    REQUIRE(run.rows.size() == 2);
    CHECK(run.rows[1].cost == run.rows[0].cost);
    CHECK(std::count(sources.begin(), sources.end(), "warm start") == 1);
}

TEST_CASE("sweep files: JSON round trip with the knee, CSV with empty cells for null") {
    SweepFile s;
    s.graph = "g";
    s.referencePeak = 100;
    s.baselineCost = 50;
    s.budgetLowerLimit = 55;
    s.copies = 2;
    s.timeLimitEach = 3;
    const double tdis[] = {0, 2, 6, 40};
    for (int i = 0; i < 4; ++i) {
        SweepRow r;
        r.fraction = 0.9 - 0.1 * i;
        r.budget = 90 - 10 * i;
        r.status = "optimal";
        r.peak = r.budget;
        r.tdiPercent = tdis[i];
        r.cost = 50 + static_cast<int64_t>(tdis[i] / 2);
        r.lowerBound = r.cost;
        r.seconds = 0.5;
        s.rows.push_back(r);
    }
    SweepRow none;
    none.fraction = 0.5;
    none.budget = 50;
    none.status = "infeasible";
    none.message = "below the lower limit";
    s.rows.push_back(none);

    const json j = sweepToJson(s);
    CHECK(j["format"] == kSweepFormat);
    CHECK(j["rows"].size() == 5);
    CHECK(j["rows"][4]["tdi_percent"].is_null());
    CHECK(j["rows"][4]["lower_bound"].is_null());
    REQUIRE(j["knee"].is_object());
    CHECK(j["knee"]["row"] == 2);  // (0.7, 6%): the bend before 40%
    CHECK(j["knee"]["fraction"] == doctest::Approx(0.7));

    const SweepFile back = parseSweepJson(j.dump(), "s.json");
    REQUIRE(back.rows.size() == 5);
    CHECK(back.rows[2].tdiPercent == s.rows[2].tdiPercent);
    CHECK(back.rows[4].message == "below the lower limit");
    CHECK(back.timeLimitEach == 3);
    CHECK(kneeOf(back)->row == 2);

    const std::string csv = sweepToCsv(s);
    CHECK(csv.rfind("fraction,budget,status,tdi_percent,lower_bound,seconds,cost,peak\n", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 6);
    CHECK(csv.find("\n0.5,50,infeasible,,,0.0,,\n") != std::string::npos);
}

TEST_CASE("sweep files: malformed ones are refused with the file and the place") {
    auto problem = [](const std::string& text) {
        try {
            parseSweepJson(text, "bad.json");
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(problem("{").find("bad.json: not JSON") == 0);
    CHECK(problem(R"({"format": "moccasin-schedule/1"})").find("not a sweep file") != std::string::npos);
    const std::string head = R"({"format": "moccasin-sweep/1", "graph": "g", "reference_peak": 10, "baseline_cost": 5,
        "order": "given", "copies": 2, )";
    CHECK(problem(head + R"("rows": {}})").find("(rows)") != std::string::npos);
    const std::string row = R"({"fraction": 1, "budget": 10, "status": "optimal", "tdi_percent": 0, "lower_bound": 5,
        "seconds": 0, "cost": 5, "peak": 9})";
    CHECK(problem(head + R"("rows": [)" + row + "]}") == "accepted");
    const std::string badBudget = R"({"fraction": 1, "budget": "10", "status": "optimal", "tdi_percent": null,
        "lower_bound": null, "seconds": 0})";
    CHECK(problem(head + R"("rows": [)" + row + "," + badBudget + "]}").find("(rows[1].budget)") != std::string::npos);
    const std::string half = R"({"fraction": 1, "budget": 10, "status": "optimal", "tdi_percent": 3,
        "lower_bound": null, "seconds": 0})";
    CHECK(problem(head + R"("rows": [)" + half + "]}").find("all null or all given") != std::string::npos);
}

TEST_CASE("sweep cli: JSON and CSV written, the output path checked before any solve") {
    const std::string out = scratch("out.json"), csv = scratch("out.csv");
    Run ok = run("sweep " + kTiny + " --time-limit-each 2 --threads 1 -q -o " + out);
    REQUIRE(ok.code == 0);
    const json j = json::parse(slurp(out));
    CHECK(j["graph"] == "tiny forward-backward");
    CHECK(j["reference_peak"] == 21);
    CHECK(j["complete"] == true);
    REQUIRE(j["rows"].size() == 5);
    CHECK(j["rows"][4]["budget"] == 17);
    for (const json& r : j["rows"]) CHECK(r["peak"].get<int64_t>() <= r["budget"].get<int64_t>());
    const std::string table = slurp(csv);
    CHECK(std::count(table.begin(), table.end(), '\n') == 6);
    std::filesystem::remove(out);
    std::filesystem::remove(csv);

    Run bad = run("sweep " + kTiny + " -o /nonexistent-dir/s.json");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("/nonexistent-dir") != std::string::npos);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    CHECK(run("sweep " + kTiny).code == 2);                                     // no -o
    CHECK(run("sweep " + kTiny + " --to 0.9 --from 0.8 -o " + out).code == 2);  // upwards
    // The options shared with solve (cli/SolveArgs.h) are refused the same way.
    Run order = run("sweep " + kTiny + " --order sideways -o " + out);
    CHECK(order.code == 2);
    CHECK(order.err.find("--order must be given or free, not 'sideways'") != std::string::npos);
    CHECK(run("sweep " + kTiny + " --strategy fastest -o " + out).code == 2);
    CHECK(run("sweep " + kTiny + " --copies 0 -o " + out).code == 2);
    CHECK_FALSE(std::filesystem::exists(out));
    Run missing = run("sweep /nonexistent-graph.json -o " + out);
    CHECK(missing.code == 3);
    CHECK(missing.err.find("/nonexistent-graph.json") != std::string::npos);
    // Below the lower limit only: every row proven infeasible.
    CHECK(run("sweep " + kTiny + " --from 0.7 --to 0.6 --step 0.05 -q -o " + out).code == 4);
    std::filesystem::remove(out);
    std::filesystem::remove(csv);
}
