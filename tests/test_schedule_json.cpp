// The schedule file: writing, reading back, operation replay, reader errors, and `moccasin check`.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Peak.h"
#include "model/Schedule.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"
#include "tests/support/SharedGraphs.h"

using namespace moccasin;
using nlohmann::json;

namespace {

// A scratch file removed when the test ends.
class TempFile {
public:
    explicit TempFile(const std::string& text, const std::string& suffix = ".json") {
        static int counter = 0;
        path_ = (std::filesystem::temp_directory_path() /
                 ("moccasin_sched_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + suffix))
                    .string();
        std::ofstream(path_) << text;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

Graph stringGraph() {
    return Graph("strings", {NodeId::fromString("in"), NodeId::fromString("mid"), NodeId::fromString("out")},
                 {1, 2, 3}, {10, 20, 30}, {{0, 1}, {1, 2}, {0, 2}});
}

Graph integerGraph() {
    return Graph("ints", {NodeId::fromInteger(4), NodeId::fromInteger(7), NodeId::fromInteger(1)}, {1, 2, 3},
                 {10, 20, 30}, {{0, 1}, {1, 2}, {0, 2}});
}

// A valid schedule recomputing node 0 once.
std::vector<Computation> sampleSchedule() { return {{0, 0, 2}, {1, 1, 4}, {0, 2, 4}, {2, 3, 4}}; }

SolveReport reportFor(const Graph& g, const std::vector<Computation>& comps, const std::string& status) {
    ValidationResult v = validateSchedule(g, comps, std::numeric_limits<int64_t>::max(), 2);
    SolveReport r;
    r.status = status;
    r.budget = v.peak;
    r.copies = 2;
    r.objective = v.cost;
    r.baselineCost = g.baselineCost();
    r.peakMemory = v.peak;
    r.referencePeak = 60;
    r.lowerBound = g.baselineCost();
    r.strategy = "test";
    r.version = "0.0";
    r.seed = 42;
    r.threads = 1;
    r.wallSeconds = 0.5;
    r.statistics = json{{"nodes", 3}};
    r.computations = comps;
    return r;
}

std::vector<Computation> byStart(std::vector<Computation> c) {
    std::sort(c.begin(), c.end(), [](auto& a, auto& b) { return a.start < b.start; });
    return c;
}

json sampleDoc(const Graph& g) { return scheduleToJson(g, reportFor(g, sampleSchedule(), "feasible")); }

std::string readError(const std::string& text, const Graph& g) {
    TempFile f(text);
    try {
        readScheduleFile(f.path(), g);
    } catch (const InputError& e) {
        std::string msg = e.what();
        CHECK(msg.rfind(f.path() + ": ", 0) == 0);
        return msg.substr(f.path().size() + 2);
    }
    return "no error";
}

}  // namespace

TEST_CASE("schedule json: the fields of a written schedule") {
    Graph g = stringGraph();
    json j = sampleDoc(g);
    CHECK(j["format"] == "moccasin-schedule/1");
    CHECK(j["graph"] == json{{"name", "strings"}, {"nodes", 3}, {"edges", 3}});
    CHECK(j["budget"] == 60);
    CHECK(j["copies"] == 2);
    CHECK(j["status"] == "feasible");
    CHECK(j["objective"] == 7);
    CHECK(j["baseline_cost"] == 6);
    CHECK(j["tdi_percent"].get<double>() == doctest::Approx(100.0 / 6.0));
    CHECK(j["peak_memory"] == 60);
    CHECK(j["reference_peak"] == 60);
    CHECK(j["lower_bound"] == 6);
    CHECK(j["solver"]["seed"] == 42);
    CHECK(j["solver"]["time_limit_seconds"].is_null());
    CHECK(j["solver"]["statistics"]["nodes"] == 3);
    CHECK(j["computations"].size() == 4);
    CHECK(j["computations"][2] == json{{"node", "in"}, {"start", 2}, {"end", 4}});
    // Frees come right before the first computation at or after their end.
    json expectOps = json::parse(R"([
        {"op":"compute","node":"in"}, {"op":"compute","node":"mid"},
        {"op":"free","node":"in"}, {"op":"compute","node":"in"}, {"op":"compute","node":"out"},
        {"op":"free","node":"mid"}, {"op":"free","node":"in"}, {"op":"free","node":"out"}])");
    CHECK(j["operations"] == expectOps);
}

TEST_CASE("schedule json: no schedule for infeasible or unknown") {
    Graph g = stringGraph();
    for (const char* status : {"infeasible", "unknown"}) {
        SolveReport r = reportFor(g, sampleSchedule(), status);
        r.lowerBound.reset();
        r.timeLimitSeconds = 10.0;
        json j = scheduleToJson(g, r);
        CHECK(j["computations"] == json::array());
        CHECK(j["operations"] == json::array());
        CHECK(j["lower_bound"].is_null());
        CHECK(j["solver"]["time_limit_seconds"] == 10.0);
    }
}

TEST_CASE("schedule json: tdi is 0 for a zero baseline") {
    Graph g("zero", {NodeId::fromInteger(0)}, {0}, {5}, {});
    SolveReport r = reportFor(g, {{0, 0, 1}}, "optimal");
    CHECK(scheduleToJson(g, r)["tdi_percent"] == 0.0);
}

TEST_CASE("schedule json: round trip with string and integer ids") {
    for (const Graph& g : {stringGraph(), integerGraph()}) {
        // The writer sorts by start; give it a shuffled list to be sure.
        SolveReport r = reportFor(g, {{2, 3, 4}, {0, 2, 4}, {0, 0, 2}, {1, 1, 4}}, "optimal");
        TempFile f(scheduleToJson(g, r).dump(2));
        ScheduleFile back = readScheduleFile(f.path(), g);
        CHECK(back.computations == byStart(sampleSchedule()));
        CHECK(back.budget == 60);
        CHECK(back.objective == 7);
        CHECK(back.peakMemory == 60);
        CHECK(back.copies == 2);
        int64_t replayPeak = -1;
        CHECK_FALSE(checkOperations(g, back.operations, back.computations, replayPeak).has_value());
        CHECK(replayPeak == 60);
    }
    CHECK(sampleDoc(integerGraph())["computations"][3]["node"] == 1);  // an integer, not "1"
}

TEST_CASE("schedule json: a string equal to an integer id's text names that node") {
    Graph g = integerGraph();
    json j = sampleDoc(g);
    j["computations"][0]["node"] = "4";
    j["computations"][1]["node"] = 7;
    TempFile f(j.dump());
    CHECK(readScheduleFile(f.path(), g).computations == byStart(sampleSchedule()));
}

TEST_CASE("schedule json: optional fields may be absent or null") {
    Graph g = stringGraph();
    json j = {{"format", "moccasin-schedule/1"},
              {"budget", nullptr},
              {"computations", json::parse(R"([{"node":"in","start":0,"end":3}])")}};
    TempFile f(j.dump());
    ScheduleFile s = readScheduleFile(f.path(), g);
    CHECK_FALSE(s.budget.has_value());
    CHECK_FALSE(s.objective.has_value());
    CHECK_FALSE(s.peakMemory.has_value());
    CHECK_FALSE(s.copies.has_value());
    CHECK_FALSE(s.status.has_value());
    CHECK_FALSE(s.message.has_value());
    CHECK(s.operations.is_null());
    CHECK(s.computations.size() == 1);
}

TEST_CASE("schedule json: reader errors name the problem and the place") {
    Graph g = stringGraph();
    json good = sampleDoc(g);
    auto with = [&](const std::string& pointer, const json& value) {
        json j = good;
        j[json::json_pointer(pointer)] = value;
        return readError(j.dump(), g);
    };
    auto without = [&](const std::string& key) {
        json j = good;
        j.erase(key);
        return readError(j.dump(), g);
    };
    CHECK(readError("{\"format\": ", g).rfind("not valid JSON: ", 0) == 0);
    CHECK(readError("[1, 2]", g) == "not a schedule: the top level must be a JSON object (top level)");
    CHECK(with("/format", "moccasin-schedule/2") ==
          "format must be \"moccasin-schedule/1\", got \"moccasin-schedule/2\" (format)");
    CHECK(without("format") == "missing \"format\" (top level)");
    CHECK(without("computations") == "missing \"computations\" (top level)");
    CHECK(with("/computations", json::object()) == "computations must be an array (computations)");
    CHECK(with("/computations/1/node", "nope") == "unknown node id \"nope\" (computations[1].node)");
    CHECK(with("/computations/1/node", 3) == "unknown node id 3 (computations[1].node)");
    CHECK(with("/computations/1/node", json::array()) ==
          "node id must be an integer or a string, got [] (computations[1].node)");
    CHECK(with("/computations/2/start", 1.5) == "start must be an integer, got 1.5 (computations[2].start)");
    CHECK(with("/computations/2/end", "4") == "end must be an integer, got \"4\" (computations[2].end)");
    CHECK(with("/computations/2/end", 18446744073709551615ULL) == "end is out of range (computations[2].end)");
    CHECK(with("/computations/0", 5) == "a computation must be an object {node, start, end} (computations[0])");
    json j = good;
    j["computations"][0].erase("end");
    CHECK(readError(j.dump(), g) == "missing \"end\" (computations[0])");
    CHECK(with("/budget", "big") == "budget must be an integer, got \"big\" (budget)");
    CHECK(with("/copies", 0) == "copies must be >= 1 (copies)");
    CHECK(with("/operations", 1) == "operations must be an array (operations)");
    CHECK(with("/operations/0/op", "drop") ==
          "op must be \"compute\" or \"free\", got \"drop\" (operations[0].op)");
    CHECK(with("/operations/0/node", "x") == "unknown node id \"x\" (operations[0].node)");
    CHECK(with("/status", 3) == "status must be a string, got 3 (status)");
    CHECK(with("/message", json::array()) == "message must be a string, got [] (message)");

    CHECK_THROWS_AS(readScheduleFile("/nonexistent/moccasin/schedule.json", g), InputError);
}

TEST_CASE("schedule json: replay reports the first discrepancy") {
    Graph g = stringGraph();
    const auto comps = sampleSchedule();
    const json good = operationsToJson(g, comps);
    auto replay = [&](const json& ops) {
        int64_t peak = 0;
        auto bad = checkOperations(g, ops, comps, peak);
        return bad ? *bad : std::string("ok");
    };
    auto edited = [&](auto edit) {
        json ops = good;
        edit(ops);
        return replay(ops);
    };
    CHECK(replay(good) == "ok");
    // ops: 0 compute in, 1 compute mid, 2 free in, 3 compute in, 4 compute out, 5 free mid, 6 free in, 7 free out
    CHECK(edited([](json& o) { o[1]["node"] = "out"; }) ==
          "operation #1: compute of out, but the computation at event 1 is of mid");
    CHECK(edited([](json& o) { o.erase(2); }) ==
          "operation #2: node in (computed at event 0, kept until 2) is not freed before the computation at event 2");
    CHECK(edited([](json& o) { std::swap(o[1], o[2]); }) ==
          "operation #1: free of in before the computation at event 1, but its copy computed at event 0 is kept "
          "until 2");
    CHECK(edited([](json& o) { o[5]["node"] = "out"; o[7]["node"] = "mid"; }) == "ok");  // order of final frees is free
    CHECK(edited([](json& o) { o.insert(o.begin(), json{{"op", "free"}, {"node", "out"}}); }) ==
          "operation #0: free of out, which has no live copy");
    CHECK(edited([](json& o) { o.erase(7); }) == "node out (computed at event 3) is never freed");
    CHECK(edited([](json& o) { o.erase(o.begin() + 4, o.end()); }) == "operations compute only 3 of the 4 computations");
    CHECK(edited([](json& o) { o.push_back(json{{"op", "compute"}, {"node", "in"}}); }) ==
          "operation #8: compute of in after all 4 computations");
    CHECK(edited([](json& o) { o[0]["op"] = "make"; }) ==
          "op must be \"compute\" or \"free\", got \"make\" (operations[0].op)");
}

TEST_CASE("schedule json: replay peak equals validator peak on random materialized plans") {
    std::mt19937_64 rng(2024);
    for (int iter = 0; iter < 200; ++iter) {
        const int n = std::uniform_int_distribution<int>(1, 30)(rng);
        std::vector<NodeId> ids;
        std::vector<int64_t> cost, size;
        std::vector<std::pair<int, int>> edges;
        for (int k = 0; k < n; ++k) {
            ids.push_back(k % 2 ? NodeId::fromString(std::string("n").append(std::to_string(k))) : NodeId::fromInteger(k));
            cost.push_back(std::uniform_int_distribution<int64_t>(0, 9)(rng));
            size.push_back(std::uniform_int_distribution<int64_t>(0, 1'000'000'000'000LL)(rng));
            for (int u = 0; u < k; ++u)
                if (std::bernoulli_distribution(0.2)(rng)) edges.emplace_back(u, k);
        }
        Graph g("rand", ids, cost, size, edges);
        StagedPlan plan = StagedPlan::noRecompute(n);
        for (int k = 0; k + 1 < n; ++k)
            for (int s = k + 1; s < n; ++s)
                if (std::bernoulli_distribution(0.1)(rng) && plan.recomputeStages[k].size() < 2)
                    plan.recomputeStages[k].push_back(s);
        Schedule s = materialize(g, plan);
        ValidationResult v = validateSchedule(g, s.computations, std::numeric_limits<int64_t>::max(), 3);
        REQUIRE(v.ok);

        SolveReport r = reportFor(g, s.computations, "feasible");
        r.copies = 3;
        TempFile f(scheduleToJson(g, r).dump());
        ScheduleFile back = readScheduleFile(f.path(), g);
        CHECK(back.computations == byStart(s.computations));
        int64_t replayPeak = -1;
        auto bad = checkOperations(g, back.operations, back.computations, replayPeak);
        CAPTURE(iter);
        CHECK_FALSE(bad.has_value());
        CHECK(replayPeak == v.peak);
    }
}

TEST_CASE("schedule json: no-recompute schedules of the benchmark graphs peak at the reference peak") {
    for (const std::string& file : testing::sharedGraphFiles()) {
        Graph g = loadGraphFile(file);
        if (g.numNodes() > 2000) continue;
        Schedule s = materialize(g, StagedPlan::noRecompute(g.numNodes()));
        ValidationResult v = validateSchedule(g, s.computations, referencePeak(g), 1);
        CAPTURE(file);
        CHECK(v.ok);
        CHECK(v.peak == referencePeak(g));
        CHECK(v.cost == g.baselineCost());
        int64_t replayPeak = -1;
        CHECK_FALSE(checkOperations(g, operationsToJson(g, s.computations), s.computations, replayPeak).has_value());
        CHECK(replayPeak == v.peak);
    }
}

// ------------------------------------------------------------------ moccasin check

namespace {

struct Run {
    int code = -1;
    std::string out;
};

Run runCheck(const std::string& args) {
    TempFile out("", ".out");
    std::string cmd = std::string(MOCCASIN_BINARY) + " check " + args + " >" + out.path() + " 2>&1";
    int status = std::system(cmd.c_str());
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(out.path());
    std::stringstream ss;
    ss << in.rdbuf();
    r.out = ss.str();
    return r;
}

// The triangle graph as a node-link file: in -> mid -> out, in -> out.
const char* kGraphFile = R"({"directed": true, "graph": {"name": "tri"}, "nodes": [
    {"id": "in", "cost_cpu": 1, "cost_ram": 10}, {"id": "mid", "cost_cpu": 2, "cost_ram": 20},
    {"id": "out", "cost_cpu": 3, "cost_ram": 30}],
  "links": [{"source": "in", "target": "mid"}, {"source": "mid", "target": "out"},
            {"source": "in", "target": "out"}]})";

}  // namespace

TEST_CASE("moccasin check: exit codes and output") {
    TempFile graph(kGraphFile);
    Graph g = loadGraphFile(graph.path());
    json doc = sampleDoc(g);  // peak 60, objective 7, budget 60 (from the validator), reference peak 60
    TempFile good(doc.dump());
    const std::string files = graph.path() + " " + good.path();

    Run ok = runCheck(files);
    CHECK(ok.code == 0);
    CHECK(ok.out == "OK: peak 60 (100.00% of budget 60), cost 7, TDI 16.67%\n");

    Run fraction = runCheck(files + " --budget 0.5");  // 30 < 60
    CHECK(fraction.code == 6);
    CHECK(fraction.out == "VIOLATION: memory over budget at event 3: 60 > budget 30\n");

    CHECK(runCheck(files + " --budget 120").out == "OK: peak 60 (50.00% of budget 120), cost 7, TDI 16.67%\n");
    CHECK(runCheck(files + " --copies 1").out ==
          "VIOLATION: node in computed 2 times, more than the copy limit 1\n");

    json lie = doc;
    lie["objective"] = 6;
    TempFile lying(lie.dump());
    Run claimed = runCheck(graph.path() + " " + lying.path());
    CHECK(claimed.code == 6);
    CHECK(claimed.out == "VIOLATION: the file claims objective 6, but the computations cost 7\n");

    json reordered = doc;
    std::swap(reordered["operations"][1], reordered["operations"][2]);
    TempFile badOps(reordered.dump());
    CHECK(runCheck(graph.path() + " " + badOps.path()).out.rfind("VIOLATION: operations: operation #1: ", 0) == 0);

    json noBudget = doc;
    noBudget.erase("budget");
    TempFile nb(noBudget.dump());
    CHECK(runCheck(graph.path() + " " + nb.path()).code == 2);
    CHECK(runCheck(graph.path() + " " + nb.path() + " --budget 60").code == 0);

    CHECK(runCheck(graph.path()).code == 2);
    CHECK(runCheck(files + " --budget lots").code == 2);
    CHECK(runCheck(files + " --frobnicate").code == 2);
    CHECK(runCheck("--help").code == 0);

    // --json: one object with the verdict and the figures, the same exit codes.
    Run okJson = runCheck(files + " --json");
    CHECK(okJson.code == 0);
    json verdict = json::parse(okJson.out);
    CHECK(verdict["valid"] == true);
    CHECK(verdict["violation"].is_null());
    CHECK(verdict["peak"] == 60);
    CHECK(verdict["cost"] == 7);
    CHECK(verdict["budget"] == 60);
    Run badJson = runCheck(files + " --budget 0.5 --json");
    CHECK(badJson.code == 6);
    json badVerdict = json::parse(badJson.out);
    CHECK(badVerdict["valid"] == false);
    CHECK(badVerdict["violation"] == "memory over budget at event 3: 60 > budget 30");

    // A solve that found no schedule wrote the file: check says so, with the solve's reason.
    json none = doc;
    none["computations"] = json::array();
    none["operations"] = json::array();
    none["status"] = "unknown";
    none["message"] = "no schedule found within the limits";
    none["objective"] = nullptr;
    none["peak_memory"] = nullptr;
    TempFile empty(none.dump());
    Run noSchedule = runCheck(graph.path() + " " + empty.path());
    CHECK(noSchedule.code == 6);
    CHECK(noSchedule.out ==
          "VIOLATION: the file holds no schedule (the solve's status: unknown; no schedule found within the limits)\n");
    none.erase("status");
    none.erase("message");
    TempFile bare(none.dump());
    CHECK(runCheck(graph.path() + " " + bare.path()).out == "VIOLATION: the file holds no schedule\n");

    TempFile notJson("not json");
    Run bad = runCheck(graph.path() + " " + notJson.path());
    CHECK(bad.code == 3);
    CHECK(bad.out.rfind(notJson.path() + ": not valid JSON", 0) == 0);
    CHECK(runCheck(graph.path() + " /nonexistent/schedule.json").code == 3);
}
