// `moccasin solve` as a user runs it: the output path checked before the search, null fields and
// a message without a schedule, the improvement stream, the order record, bad input exit codes.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "model/GraphJson.h"
#include "model/ScheduleJson.h"
#include "model/Validator.h"
#include "support/SharedGraphs.h"

using namespace moccasin;
using nlohmann::json;

namespace {

std::string scratch(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("moccasin-cli-" + std::to_string(getpid()) + "-" + name)).string();
}

struct Run {
    int code = -1;
    std::string out, err;
    double seconds = 0;
};

Run run(const std::string& args) {
    const std::string out = scratch("stdout"), err = scratch("stderr");
    const auto t0 = std::chrono::steady_clock::now();
    int status = std::system((std::string(MOCCASIN_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
    Run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::stringstream a, b;
    a << std::ifstream(out).rdbuf();
    b << std::ifstream(err).rdbuf();
    r.out = a.str();
    r.err = b.str();
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
}

std::string writeFile(const std::string& name, const std::string& text) {
    std::string p = scratch(name);
    std::ofstream(p) << text;
    return p;
}

const char* kChain = R"({"directed": true, "graph": {"name": "chain"}, "nodes": [
    {"id": "a", "cost_cpu": 1, "cost_ram": 10}, {"id": "b", "cost_cpu": 2, "cost_ram": 20},
    {"id": "c", "cost_cpu": 3, "cost_ram": 30}, {"id": "d", "cost_cpu": 4, "cost_ram": 5}],
  "links": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "a", "target": "c"},
            {"source": "c", "target": "d"}]})";

// A graph of the repository's own, so these tests run without the benchmark graphs.
std::string exampleGraph() { return std::string(MOCCASIN_SOURCE_DIR) + "/examples/layered_n60.json"; }

}  // namespace

TEST_CASE("solve cli: a bad -o path is refused before the search, with exit 2 and one line") {
    const std::string graph = exampleGraph();
    Run r = run("solve " + graph + " --budget 0.8 --time-limit 30 -o /nonexistent-dir/out.json");
    CHECK(r.code == 2);
    CHECK(r.seconds < 10);  // not after the 30 s time limit
    CHECK(r.err.find("/nonexistent-dir") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    Run dir = run("solve " + graph + " --budget 0.8 -o /tmp");
    CHECK(dir.code == 2);
    CHECK(dir.err.find("is a directory") != std::string::npos);
    CHECK(run("solve " + graph + " --budget 0.8 --progress-json -").code == 2);  // stdout taken twice
    Run order = run("solve " + graph + " --budget 0.8 --order sideways");
    CHECK(order.code == 2);
    CHECK(order.err.find("--order must be given or free, not 'sideways'") != std::string::npos);
    CHECK(run("solve " + graph + " --budget 0.8 --strategy fastest").code == 2);
    Run negative = run("solve " + graph + " --budget 0.8 --time-limit -1");
    CHECK(negative.code == 2);
    CHECK(negative.err.find("option --time-limit needs a number from 0 to 1e+09, got '-1'") != std::string::npos);
}

TEST_CASE("solve cli: without a schedule the numbers are null and the reason is in the file") {
    const std::string graph = writeFile("chain.json", kChain);
    const std::string out = scratch("infeasible.json");
    Run r = run("solve " + graph + " --budget 20 -q -o " + out);  // below the lower limit 50
    CHECK(r.code == 4);
    json j = json::parse(std::ifstream(out));
    CHECK(j["status"] == "infeasible");
    CHECK(j["objective"].is_null());
    CHECK(j["peak_memory"].is_null());
    CHECK(j["tdi_percent"].is_null());
    CHECK(j["message"].get<std::string>().find("below the lower limit") != std::string::npos);
    CHECK(j["computations"].empty());
    std::filesystem::remove(out);
    std::filesystem::remove(graph);
}

TEST_CASE("solve cli: the improvement stream, the order record and the file agree and validate") {
    const std::string graph = exampleGraph();
    const std::string out = scratch("stream.json"), stream = scratch("stream.jsonl");
    Run r = run("solve " + graph + " --budget 0.8 --time-limit 2 --threads 2 -q -o " + out + " --progress-json " + stream);
    REQUIRE(r.code == 0);
    json doc = json::parse(std::ifstream(out));
    CHECK(doc["order"]["mode"] == "given");
    std::ifstream lines(stream);
    std::string line;
    int64_t last = -1, count = 0;
    while (std::getline(lines, line)) {
        json e = json::parse(line);
        for (const char* key : {"seconds", "cost", "tdi_percent", "peak", "bound", "source"}) CHECK(e.contains(key));
        if (last >= 0) CHECK(e["cost"].get<int64_t>() < last);
        CHECK(e["bound"].get<int64_t>() <= e["cost"].get<int64_t>());
        last = e["cost"].get<int64_t>();
        ++count;
    }
    CHECK(count >= 1);
    CHECK(doc["objective"] == last);
    Run check = run("check " + graph + " " + out + " --json");
    CHECK(check.code == 0);
    CHECK(json::parse(check.out)["valid"] == true);
    std::filesystem::remove(out);
    std::filesystem::remove(stream);
}

TEST_CASE("solve cli: a graph beyond the engine's range is a bad input (exit 3, one line naming the file)") {
    const std::string graph = writeFile("huge.json", R"({"directed": true, "nodes": [
        {"id": 0, "duration": 1000000000000000000, "out_cost": 1}, {"id": 1, "duration": 1, "out_cost": 1}],
      "links": [{"source": 0, "target": 1}]})");
    Run r = run("solve " + graph + " --budget 1.0 -q");
    CHECK(r.code == 3);
    CHECK(r.err.rfind(graph + ": ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(run("solve " + graph + " --budget 1.0 -q --copies 1").code == 0);
    std::filesystem::remove(graph);
}

TEST_CASE("solve cli: --order free records the mode and the order, and check accepts the schedule") {
    if (testing::sharedGraphsDir().empty()) {
        MESSAGE("skipped: the benchmark graphs (../shared/graphs) are absent");
        return;
    }
    const std::string graph = testing::sharedGraphsDir() + "/rl_n250.json";
    const std::string out = scratch("free.json");
    Run r = run("solve " + graph + " --budget 0.8 --order free --threads 1 --time-limit 3 -q -o " + out);
    REQUIRE(r.code == 0);
    json doc = json::parse(std::ifstream(out));
    CHECK(doc["order"]["mode"] == "free");
    const json& seq = doc["order"]["sequence"];
    REQUIRE(seq.is_array());
    Graph g = loadGraphFile(graph);
    CHECK(static_cast<int>(seq.size()) == g.numNodes());
    // The sequence is the order of first computations in the file.
    std::vector<std::string> firsts, seen;
    for (const json& c : doc["computations"]) {
        std::string id = c["node"].dump();
        if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
            seen.push_back(id);
            firsts.push_back(id);
        }
    }
    REQUIRE(firsts.size() == seq.size());
    for (size_t i = 0; i < seq.size(); ++i) CHECK(seq[i].dump() == firsts[i]);
    CHECK(run("check " + graph + " " + out).code == 0);
    // FastSA reaches this budget with no recomputation by reordering; so do we.
    CHECK(doc["tdi_percent"] == 0.0);
    CHECK(doc["status"] == "optimal");
    std::filesystem::remove(out);
}

TEST_CASE("solve cli: the nogood switches reach the exact search") {
    // With restarts after the first schedule, the example is proven with nogoods in a fraction of
    // the nodes it takes without them (measured: 2,173 against 5,846); failure-based restarts
    // on one thread, so the counts do not depend on the clock.
    const std::string graph = exampleGraph();
    const std::string out = scratch("nogoods.json");
    const std::string base = "solve " + graph + " --budget 0.8 --strategy exact --threads 1 --time-limit 120 --luby-restarts --no-learn -q -o " + out;
    uint64_t nodes[2] = {0, 0};
    for (int on = 0; on < 2; ++on) {
        Run r = run(base + (on ? "" : " --no-nogoods"));
        CAPTURE(on);
        REQUIRE(r.code == 0);
        json j = json::parse(std::ifstream(out));
        CHECK(j["status"] == "optimal");
        const json& e = j["solver"]["statistics"]["exact"];
        CHECK(e["restarts"].get<uint64_t>() > 0);
        CHECK(e.contains("nogoods") == (on == 1));
        if (on) CHECK(e["nogoods"]["recorded"].get<uint64_t>() > 0);
        nodes[on] = e["nodes"].get<uint64_t>();
    }
    CHECK(nodes[1] < nodes[0]);
    Run shortOnly = run(base + " --nogood-length 2");
    CHECK(shortOnly.code == 0);
    json j = json::parse(std::ifstream(out));
    CHECK(j["solver"]["statistics"]["exact"]["nogoods"]["literals"].get<int64_t>() <=
          2 * j["solver"]["statistics"]["exact"]["nogoods"]["stored"].get<int64_t>());
    CHECK(run("solve " + graph + " --budget 0.7 --nogood-length 0").code == 2);
    std::filesystem::remove(out);
}

TEST_CASE("solve cli: the search learns by default and the learning switches reach it") {
    const std::string graph = exampleGraph();
    const std::string out = scratch("learning.json");
    const std::string base = "solve " + graph + " --budget 0.8 --strategy exact --threads 1 --time-limit 120 -q -o " + out;
    auto exactStats = [&] { return json::parse(std::ifstream(out))["solver"]["statistics"]["exact"]; };
    REQUIRE(run(base).code == 0);
    json e = exactStats();
    REQUIRE(e.contains("learning"));
    CHECK(e["learning"]["learnt"].get<uint64_t>() > 0);
    CHECK(e["learning"]["bad_explanations"].get<uint64_t>() == 0);
    CHECK(e["learning"]["by_propagator"].contains("Timetable"));
    const uint64_t learningNodes = e["nodes"].get<uint64_t>();
    REQUIRE(run(base + " --no-learn").code == 0);
    e = exactStats();
    CHECK_FALSE(e.contains("learning"));
    CHECK(learningNodes < e["nodes"].get<uint64_t>());  // measured: 744 against 3,852
    REQUIRE(run(base + " --learnt-length 3").code == 0);
    e = exactStats();
    CHECK(e["learning"]["literals"].get<uint64_t>() <= 3 * e["learning"]["learnt"].get<uint64_t>());
    CHECK(e["learning"]["given_up"].get<uint64_t>() > 0);
    REQUIRE(run(base + " --learnt-keep 20").code == 0);
    e = exactStats();
    CHECK(e["nogoods"]["reductions"].get<int64_t>() > 0);
    CHECK(e["nogoods"]["learnt_deleted"].get<int64_t>() > 0);
    REQUIRE(run(base + " --learnt-keep 0").code == 0);
    CHECK(exactStats()["nogoods"]["learnt_deleted"].get<int64_t>() == 0);
    CHECK(run(base + " --learn --no-learn").code == 2);
    CHECK(run(base + " --learnt-length 0").code == 2);
    CHECK(run(base + " --learnt-keep -1").code == 2);
    REQUIRE(run(base + " --no-window-refine").code == 0);  // the windows' own switch (tests/test_window_bound.cpp)
    REQUIRE(run(base + " --window-share 0.8").code == 0);
    CHECK(run(base + " --window-share 0").code == 2);
    CHECK(run(base + " --window-share 1.5").code == 2);
    REQUIRE(run(base + " --window-plateau 0 --window-nesting 1").code == 0);
    CHECK(run(base + " --window-plateau -1").code == 2);
    CHECK(run(base + " --window-nesting 4").code == 2);
    std::filesystem::remove(out);
}
