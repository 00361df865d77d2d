// The graph loader: both attribute conventions, ids, edge keys, the reference order, and one
// test per kind of malformed input (each must name the file and the problem, on one line).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "model/GraphJson.h"
#include "model/InputError.h"

using moccasin::Graph;
using moccasin::InputError;
using moccasin::NodeId;
using moccasin::parseGraphJson;

namespace {

const char* kFile = "dir/bad_graph.json";

// The InputError message parsing `text` gives, or "" when it loads.
std::string errorOf(const std::string& text) {
    try {
        parseGraphJson(text, kFile);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Checks the message names the file, each of `parts`, and is one line.
void checkRejected(const std::string& text, const std::vector<std::string>& parts) {
    const std::string msg = errorOf(text);
    INFO("message: " << msg);
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.rfind(std::string(kFile) + ": ", 0) == 0);
    CHECK_FALSE(contains(msg, "\n"));
    for (const std::string& p : parts) CHECK(contains(msg, p));
}

// A document with the given node objects and links, in the cost_cpu/cost_ram convention.
std::string doc(const std::string& nodes, const std::string& links, const std::string& graph = "") {
    std::string s = R"({"directed": true, "multigraph": false, )";
    if (!graph.empty()) s += R"("graph": )" + graph + ", ";
    return s + R"("nodes": [)" + nodes + R"(], "links": [)" + links + "]}";
}

std::string node(const std::string& id, const std::string& cost = "1", const std::string& size = "1") {
    return R"({"id": )" + id + R"(, "cost_cpu": )" + cost + R"(, "cost_ram": )" + size + "}";
}

std::string arc(const std::string& s, const std::string& t) {
    return R"({"source": )" + s + R"(, "target": )" + t + "}";
}

// Three nodes 0, 1, 2 with the given attributes for node 1.
std::string withNode1(const std::string& cost, const std::string& size) {
    return doc(node("0") + "," + node("1", cost, size) + "," + node("2"), arc("0", "1") + "," + arc("1", "2"));
}

// The reference-order ids of a graph, as text.
std::vector<std::string> orderOf(const Graph& g) {
    std::vector<std::string> ids;
    for (int k = 0; k < g.numNodes(); ++k) ids.push_back(g.id(k).text);
    return ids;
}

}  // namespace

TEST_CASE("graph json: cost_cpu/cost_ram convention, relabelled in the reference order") {
    Graph g = parseGraphJson(doc(node("10", "5", "50") + "," + node("20", "7", "70") + "," + node("30", "9", "90"),
                                 arc("10", "20") + "," + arc("20", "30") + "," + arc("10", "30")),
                             kFile);
    REQUIRE(g.numNodes() == 3);
    CHECK(g.numEdges() == 3);
    CHECK(g.name() == "bad_graph");  // no graph.name: the file's stem
    CHECK(g.cost(0) == 5);
    CHECK(g.size(2) == 90);
    CHECK(g.id(1) == NodeId::fromInteger(20));
    CHECK(g.baselineCost() == 21);
    CHECK(g.preds(2).size() == 2);
}

TEST_CASE("graph json: duration/out_cost convention, name from graph.name, names as ids, \"0\"/\"1\" links") {
    const std::string text = R"({"directed": true, "graph": {"name": "layered", "order": [0, 2, 1]},
        "nodes": [{"name": 0, "duration": 3, "out_cost": 30, "param_cost": 1},
                  {"name": 1, "duration": 4, "out_cost": 40},
                  {"name": 2, "duration": 5, "out_cost": 50}],
        "links": [{"0": 0, "1": 1}, {"0": 0, "1": 2}, {"0": 2, "1": 1}]})";
    Graph g = parseGraphJson(text, kFile);
    CHECK(g.name() == "layered");
    CHECK(orderOf(g) == std::vector<std::string>{"0", "2", "1"});
    CHECK(g.cost(1) == 5);
    CHECK(g.size(2) == 40);
    CHECK(g.numEdges() == 3);
}

TEST_CASE("graph json: id wins over name, an empty graph.name falls back to the stem") {
    Graph g = parseGraphJson(R"({"graph": {"name": ""}, "nodes": [
        {"id": 1, "name": "conv", "cost_cpu": 1, "cost_ram": 2}], "links": []})",
                             "/some/where/net.json");
    CHECK(g.id(0) == NodeId::fromInteger(1));
    CHECK(g.name() == "net");
}

TEST_CASE("graph json: string ids and the edges alias") {
    Graph g = parseGraphJson(R"({"nodes": [
        {"id": "b", "cost_cpu": 1, "cost_ram": 1}, {"id": "a", "cost_cpu": 2, "cost_ram": 2},
        {"id": "c", "cost_cpu": 3, "cost_ram": 3}],
        "edges": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}]})",
                             kFile);
    CHECK(orderOf(g) == std::vector<std::string>{"a", "b", "c"});
    CHECK_FALSE(g.id(0).isInteger);
    CHECK(g.cost(0) == 2);
    CHECK(moccasin::nodeIdToJson(g.id(0)) == nlohmann::json("a"));
}

TEST_CASE("graph json: nodeIdToJson keeps integers integers") {
    CHECK(moccasin::nodeIdToJson(NodeId::fromInteger(-7)) == nlohmann::json(-7));
    CHECK(moccasin::nodeIdToJson(NodeId::fromInteger(-7)).is_number_integer());
    CHECK(moccasin::nodeIdToJson(NodeId::fromString("7")).is_string());
}

TEST_CASE("graph json: order is ids ascending when that is topological (integers numerically)") {
    // Listed out of order in the file; 2 < 10 numerically though "10" < "2" as text.
    Graph g = parseGraphJson(doc(node("10") + "," + node("2") + "," + node("-1"), arc("-1", "2") + "," + arc("2", "10")),
                             kFile);
    CHECK(orderOf(g) == std::vector<std::string>{"-1", "2", "10"});
}

TEST_CASE("graph json: mixed ids order integers before strings") {
    Graph g = parseGraphJson(doc(node(R"("a")") + "," + node("5") + "," + node(R"("5")"), ""), kFile);
    CHECK(orderOf(g) == std::vector<std::string>{"5", "5", "a"});
    CHECK(g.id(0).isInteger);
    CHECK_FALSE(g.id(1).isInteger);
}

TEST_CASE("graph json: order from Kahn with the smallest ready id first") {
    // Edges 4 -> 1, 3 -> 0, 2 -> 0, 1 -> 0 make ascending order non-topological. Ready at first:
    // {2, 3, 4} -> 2; then 3; then 4, which frees 1; then 1, which frees 0.
    Graph g = parseGraphJson(doc(node("0") + "," + node("1") + "," + node("2") + "," + node("3") + "," + node("4"),
                                 arc("4", "1") + "," + arc("3", "0") + "," + arc("2", "0") + "," + arc("1", "0")),
                             kFile);
    CHECK(orderOf(g) == std::vector<std::string>{"2", "3", "4", "1", "0"});
    for (int k = 0; k < g.numNodes(); ++k)
        for (int p : g.preds(k)) CHECK(p < k);
}

TEST_CASE("graph json: order from graph.order overrides ids ascending") {
    Graph g = parseGraphJson(
        doc(node("0") + "," + node("1") + "," + node("2"), arc("0", "1") + "," + arc("0", "2"), R"({"order": [0, 2, 1]})"),
        kFile);
    CHECK(orderOf(g) == std::vector<std::string>{"0", "2", "1"});
    CHECK(g.lastConsumer(0) == 2);
}

TEST_CASE("graph json: duplicate edges are merged") {
    Graph g = parseGraphJson(doc(node("0") + "," + node("1"), arc("0", "1") + "," + arc("0", "1") + R"(, {"0": 0, "1": 1})"),
                             kFile);
    CHECK(g.numEdges() == 1);
}

TEST_CASE("graph json: an integral float within 2^53 is accepted") {
    Graph g = parseGraphJson(withNode1("100.0", "9007199254740992.0"), kFile);
    CHECK(g.cost(1) == 100);
    CHECK(g.size(1) == 9007199254740992LL);
}

TEST_CASE("graph json: values up to int64 max are accepted") {
    Graph g = parseGraphJson(doc(node("0", "9223372036854775807", "0"), ""), kFile);
    CHECK(g.cost(0) == 9223372036854775807LL);
}

// --- malformed input ---

TEST_CASE("graph json rejects: not JSON") {
    checkRejected("nodes: [1, 2]", {"not valid JSON", "byte"});
    checkRejected(R"({"nodes": [], "links": []} trailing)", {"not valid JSON", "byte"});
    checkRejected("{\"nodes\": [\"\x01\"]}", {"not valid JSON"});
}

TEST_CASE("graph json rejects: truncated file") {
    const std::string full = doc(node("0") + "," + node("1"), arc("0", "1"));
    checkRejected(full.substr(0, full.size() / 2), {"truncated JSON", "byte " + std::to_string(full.size() / 2 + 1)});
    checkRejected(R"({"nodes": [{"id": "unterminated)", {"truncated JSON"});
}

TEST_CASE("graph json rejects: empty file") {
    checkRejected("", {"empty file"});
    checkRejected(" \n\t ", {"empty file"});
}

TEST_CASE("graph json rejects: top level not an object") {
    checkRejected("[1, 2, 3]", {"top level is an array", "(top level)"});
    checkRejected("42", {"top level is 42"});
    checkRejected(R"("graph")", {"top level is string"});
    // Deep nesting must neither overflow the stack nor be accepted.
    checkRejected(std::string(100000, '[') + std::string(100000, ']'), {"top level is an array"});
}

TEST_CASE("graph json rejects: missing or malformed nodes and links") {
    checkRejected(R"({"links": []})", {"missing the \"nodes\" array"});
    checkRejected(R"({"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 1}]})", {"missing the \"links\" array"});
    checkRejected(R"({"nodes": {}, "links": []})", {"\"nodes\" must be an array", "(nodes)"});
    checkRejected(R"({"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 1}], "links": 5})", {"\"links\" must be an array"});
    checkRejected(R"({"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 1}], "links": [], "edges": []})",
                  {"both \"links\" and \"edges\""});
    checkRejected(R"({"nodes": [7], "links": []})", {"a node must be an object", "nodes[0]"});
    checkRejected(doc(node("0"), "[0, 0]"), {"an edge must be an object", "links[0]"});
}

TEST_CASE("graph json rejects: empty graph") {
    checkRejected(R"({"nodes": [], "links": []})", {"no nodes", "(nodes)"});
}

TEST_CASE("graph json rejects: missing cost or size") {
    const std::string links = arc("0", "1");
    checkRejected(doc(node("0") + R"(, {"id": 1, "cost_cpu": 4})", links), {"missing size \"cost_ram\"", "nodes[1], node 1"});
    checkRejected(doc(node("0") + R"(, {"id": 1, "cost_ram": 4})", links), {"missing cost \"cost_cpu\"", "nodes[1]"});
    checkRejected(R"({"nodes": [{"id": 0, "duration": 4}], "links": []})", {"missing size \"out_cost\"", "nodes[0]"});
    checkRejected(R"({"nodes": [{"id": 0, "out_cost": 4}], "links": []})", {"missing cost \"duration\""});
    checkRejected(R"({"nodes": [{"id": 0, "flops": 4}], "links": []})", {"missing cost and size", "nodes[0], node 0"});
}

TEST_CASE("graph json rejects: mixed or ambiguous attribute conventions") {
    checkRejected(doc(node("0") + R"(, {"id": 1, "duration": 1, "out_cost": 1})", ""), {"mixed attribute conventions", "nodes[1]"});
    checkRejected(R"({"nodes": [{"id": 0, "duration": 1, "out_cost": 1, "cost_cpu": 1, "cost_ram": 1}], "links": []})",
                  {"ambiguous", "nodes[0]"});
}

TEST_CASE("graph json rejects: non-integer cost or size") {
    checkRejected(withNode1(R"("12")", "1"), {"cost_cpu must be a non-negative integer, got string \"12\"", "nodes[1].cost_cpu, node 1"});
    checkRejected(withNode1("1", "true"), {"cost_ram must be a non-negative integer, got boolean true", "nodes[1].cost_ram"});
    checkRejected(withNode1("1.5", "1"), {"cost_cpu must be an integer, got float 1.5", "nodes[1].cost_cpu"});
    checkRejected(withNode1("null", "1"), {"got null", "nodes[1].cost_cpu"});
    checkRejected(withNode1("[1]", "1"), {"got an array", "nodes[1].cost_cpu"});
    checkRejected(withNode1("1e17", "1"), {"float beyond 2^53", "nodes[1].cost_cpu"});
}

TEST_CASE("graph json rejects: negative cost or size") {
    checkRejected(withNode1("-5", "1"), {"cost_cpu is negative: -5", "nodes[1].cost_cpu, node 1"});
    checkRejected(withNode1("1", "-1.0"), {"cost_ram is negative", "nodes[1].cost_ram"});
}

TEST_CASE("graph json rejects: values beyond int64") {
    checkRejected(withNode1("9223372036854775808", "1"), {"cost_cpu 9223372036854775808 is beyond int64", "nodes[1].cost_cpu"});
    checkRejected(withNode1("1", "18446744073709551616"), {"is beyond int64", "nodes[1].cost_ram"});  // parsed as a double
    checkRejected(withNode1("-99999999999999999999", "1"), {"is beyond int64", "nodes[1].cost_cpu"});
    checkRejected(withNode1("1e30", "1"), {"is beyond int64"});
    checkRejected(withNode1("1e400", "1"), {"not valid JSON", "number overflow", "byte"});
}

TEST_CASE("graph json rejects: sums beyond int64") {
    const std::string big = "5000000000000000000";
    checkRejected(doc(node("0", big) + "," + node("1", big), ""), {"sum of cost_cpu over all nodes exceeds int64", "nodes[1], node 1"});
    checkRejected(doc(node("0", "1", big) + "," + node("1", "1", big), ""), {"sum of cost_ram", "nodes[1]"});
}

TEST_CASE("graph json rejects: duplicate node ids") {
    checkRejected(doc(node("0") + "," + node("1") + "," + node("0"), ""), {"duplicate node id 0", "nodes[0] and nodes[2]"});
    checkRejected(doc(node(R"("x")") + "," + node(R"("x")"), ""), {"duplicate node id \"x\"", "nodes[0] and nodes[1]"});
}

TEST_CASE("graph json rejects: node without id or name, or with a bad id") {
    checkRejected(R"({"nodes": [{"cost_cpu": 1, "cost_ram": 1}], "links": []})", {"neither \"id\" nor \"name\"", "nodes[0]"});
    checkRejected(doc(node("1.0"), ""), {"node id must be an integer or a string, got float 1.0", "nodes[0].id"});
    checkRejected(doc(node("false"), ""), {"node id must be an integer or a string", "nodes[0].id"});
    checkRejected(doc(node("null"), ""), {"got null", "nodes[0].id"});
    checkRejected(doc(node("9223372036854775808"), ""), {"beyond int64", "nodes[0].id"});
}

TEST_CASE("graph json rejects: edge to an unknown node") {
    checkRejected(doc(node("0") + "," + node("1"), arc("0", "1") + "," + arc("1", "7")), {"edge to unknown node 7", "links[1]: 1 -> 7"});
    checkRejected(doc(node(R"("a")"), arc(R"("b")", R"("a")")), {"edge from unknown node \"b\"", "links[0]"});
    // The integer 0 and the string "0" are different ids.
    checkRejected(doc(node("0") + "," + node("1"), arc(R"("0")", "1")), {"unknown node \"0\""});
}

TEST_CASE("graph json rejects: edge missing an endpoint") {
    checkRejected(doc(node("0") + "," + node("1"), R"({"source": 0})"), {"no target", "links[0]"});
    checkRejected(doc(node("0") + "," + node("1"), arc("0", "1") + R"(, {"1": 1})"), {"no source", "links[1]"});
    checkRejected(doc(node("0") + "," + node("1"), arc("0", "[1]")), {"edge target must be an integer or a string", "links[0].target"});
}

TEST_CASE("graph json rejects: self-loop") {
    checkRejected(doc(node("0") + "," + node("1"), arc("0", "1") + "," + arc("1", "1")), {"self-loop on node 1", "links[1]: 1 -> 1"});
}

TEST_CASE("graph json rejects: a cycle, naming its nodes") {
    const std::string nodes = node(R"("s")") + "," + node(R"("a")") + "," + node(R"("b")") + "," + node(R"("c")");
    const std::string links = arc(R"("s")", R"("a")") + "," + arc(R"("b")", R"("c")") + "," + arc(R"("a")", R"("b")") +
                              "," + arc(R"("c")", R"("a")");
    checkRejected(doc(nodes, links), {R"(cycle "a" -> "b" -> "c" -> "a")", "(links[2], links[1], links[3])"});
    // A cycle is reported even when graph.order is given.
    checkRejected(doc(node("0") + "," + node("1"), arc("0", "1") + "," + arc("1", "0"), R"({"order": [0, 1]})"),
                  {"cycle 0 -> 1 -> 0"});
}

TEST_CASE("graph json rejects: a long cycle is shortened and found without recursion") {
    const int n = 20000;
    std::string nodes, links;
    for (int i = 0; i < n; ++i) {
        if (i) nodes += ',', links += ',';
        nodes += node(std::to_string(i));
        links += arc(std::to_string(i), std::to_string((i + 1) % n));
    }
    checkRejected(doc(nodes, links), {"cycle 0 -> 1 -> 2", "(20000 nodes)"});
}

TEST_CASE("graph json rejects: graph.order not a permutation") {
    const std::string nodes = node("0") + "," + node("1") + "," + node("2");
    const std::string links = arc("0", "1");
    checkRejected(doc(nodes, links, R"({"order": [0, 1, 9]})"), {"graph.order names unknown node 9", "graph.order[2]"});
    checkRejected(doc(nodes, links, R"({"order": [0, 1, 0, 2]})"), {"node 0 appears twice", "graph.order[2], first at graph.order[0]"});
    checkRejected(doc(nodes, links, R"({"order": [0, 2]})"), {"graph.order misses node 1", "lists 2 of 3 nodes"});
    checkRejected(doc(nodes, links, R"({"order": {"0": 1}})"), {"graph.order must be an array", "(graph.order)"});
    checkRejected(doc(nodes, links, R"({"order": [0, 1, 2.5]})"), {"graph.order entry must be an integer or a string", "graph.order[2]"});
}

TEST_CASE("graph json rejects: graph.order not topological") {
    checkRejected(doc(node("0") + "," + node("1") + "," + node("2"), arc("0", "1") + "," + arc("2", "1") + "," + arc("0", "2"),
                      R"({"order": [0, 1, 2]})"),
                  {"graph.order is not topological: edge 2 -> 1 goes backwards", "links[1]; graph.order[1] is 1, graph.order[2] is 2"});
}

TEST_CASE("graph json rejects: malformed graph attributes") {
    checkRejected(doc(node("0"), "", "[]"), {"\"graph\" must be an object", "(graph)"});
    checkRejected(doc(node("0"), "", R"({"name": 5})"), {"graph.name must be a string", "(graph.name)"});
    checkRejected(R"({"directed": false, "nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 1}], "links": []})", {"undirected", "(directed)"});
}

TEST_CASE("graph json: loadGraphFile reports unreadable files") {
    const std::string missing = "/nonexistent/dir/graph.json";
    try {
        moccasin::loadGraphFile(missing);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).rfind(missing + ": cannot open", 0) == 0);
    }
    const std::string dir = std::filesystem::temp_directory_path().string();
    try {
        moccasin::loadGraphFile(dir);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(contains(e.what(), "directory"));
    }
}

TEST_CASE("graph json: loadGraphFile reads a file and names the graph after it") {
    const auto path = std::filesystem::temp_directory_path() / ("moccasin_test_graph_json_" + std::to_string(::getpid()) + ".json");
    {
        std::ofstream f(path);
        f << doc(node("0") + "," + node("1"), arc("0", "1"));
    }
    Graph g = moccasin::loadGraphFile(path.string());
    std::filesystem::remove(path);
    CHECK(g.numNodes() == 2);
    CHECK(g.name() == path.stem().string());
}

TEST_CASE("graph json: a large graph with ids listed backwards loads") {
    // Exercises the id sort, Kahn's pass and the Graph build at size (timings live in bench/).
    const int n = 20000;
    std::string nodes, links;
    for (int i = n - 1; i >= 0; --i) {
        if (i < n - 1) nodes += ',';
        nodes += node(std::to_string(i), "3", "5");
    }
    for (int i = 0; i + 2 < n; ++i) {
        if (i) links += ',';
        links += arc(std::to_string(i), std::to_string(i + 1));
        links += ',';
        links += arc(std::to_string(i), std::to_string(i + 2));
    }
    Graph g = parseGraphJson(doc(nodes, links), kFile);
    CHECK(g.numNodes() == n);
    CHECK(g.numEdges() == 2 * (n - 2));
    CHECK(g.id(n - 1) == NodeId::fromInteger(n - 1));
    CHECK(g.id(0) == NodeId::fromInteger(0));
}

// --- the benchmark graphs, when present ---

namespace {

std::string sharedGraphsDir() {
    if (const char* env = std::getenv("MOCCASIN_SHARED_GRAPHS")) return env;
    return std::string(MOCCASIN_SOURCE_DIR) + "/../shared/graphs";
}

struct Expected {
    std::string name;
    int nodes = 0;
    int64_t edges = 0, peak = 0, baseline = 0;
};

// The README table rows: | file | graph name | nodes | edges | peak P_pi | baseline cost D |
std::map<std::string, Expected> readReadme(const std::string& path) {
    std::map<std::string, Expected> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| ", 0) != 0 || !contains(line, ".json")) continue;
        std::vector<std::string> cells;
        std::stringstream ss(line.substr(1));
        std::string cell;
        while (std::getline(ss, cell, '|')) cells.push_back(cell.substr(1, cell.size() - 2));
        if (cells.size() < 6) continue;
        rows[cells[0]] = {cells[1], std::stoi(cells[2]), std::stoll(cells[3]), std::stoll(cells[4]), std::stoll(cells[5])};
    }
    return rows;
}

// The peak of the no-recompute schedule in the loaded order, computed here independently of
// model/Peak so that this test checks the loader's order on its own.
int64_t noRecomputePeak(const Graph& g) {
    std::vector<int64_t> delta(g.numNodes() + 1, 0);
    for (int k = 0; k < g.numNodes(); ++k) {
        delta[k] += g.size(k);
        delta[g.lastConsumer(k) + 1] -= g.size(k);
    }
    int64_t live = 0, peak = 0;
    for (int k = 0; k < g.numNodes(); ++k) peak = std::max(peak, live += delta[k]);
    return peak;
}

}  // namespace

TEST_CASE("graph json: the benchmark graphs load with the README's counts and peaks") {
    const std::string dir = sharedGraphsDir();
    if (!std::filesystem::is_directory(dir)) {
        MESSAGE("skipped: no benchmark graphs at " << dir);
        return;
    }
    const auto expected = readReadme(dir + "/README.md");
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        const std::string file = entry.path().filename().string();
        INFO("graph " << file);
        auto it = expected.find(file);
        REQUIRE(it != expected.end());
        Graph g = moccasin::loadGraphFile(entry.path().string());
        CHECK(g.name() == it->second.name);
        CHECK(g.numNodes() == it->second.nodes);
        CHECK(g.numEdges() == it->second.edges);
        CHECK(g.baselineCost() == it->second.baseline);
        CHECK(noRecomputePeak(g) == it->second.peak);
        ++checked;
    }
    CHECK(checked == static_cast<int>(expected.size()));
}

// --- moccasin info ---

namespace {

// Runs the moccasin binary with `args`, stdout to `out`; returns the exit code.
int runMoccasin(const std::string& args, const std::filesystem::path& out) {
    const std::string cmd = std::string("'") + MOCCASIN_BINARY + "' " + args + " > '" + out.string() + "' 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("graph json: moccasin info prints counts, peak, limit and baseline") {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string tag = std::to_string(::getpid());
    const auto graph = dir / ("moccasin_info_" + tag + ".json"), out = dir / ("moccasin_info_" + tag + ".out");
    {
        // Order 0 1 2 3; node 0 stays live until 3, so stage 2 holds 0, 1 and 2: peak 3. No node
        // reads more than one input: limit 2.
        std::ofstream f(graph);
        f << doc(node("0", "1") + "," + node("1", "2") + "," + node("2", "3") + "," + node("3", "4"),
                 arc("0", "1") + "," + arc("1", "2") + "," + arc("0", "3"), R"({"name": "tiny"})");
    }
    REQUIRE(runMoccasin("info '" + graph.string() + "' --json", out) == 0);
    std::ifstream in(out);
    const nlohmann::json j = nlohmann::json::parse(in);
    CHECK(j.at("graph") == "tiny");
    CHECK(j.at("nodes") == 4);
    CHECK(j.at("edges") == 3);
    CHECK(j.at("peak") == 3);
    CHECK(j.at("budget_lower_limit") == 2);
    CHECK(j.at("limit_fraction").get<double>() == doctest::Approx(2.0 / 3.0));
    CHECK(j.at("baseline_cost") == 10);

    CHECK(runMoccasin("info '" + graph.string() + "'", out) == 0);
    CHECK(runMoccasin("info --help", out) == 0);
    CHECK(runMoccasin("info", out) == 2);
    CHECK(runMoccasin("info '" + graph.string() + "' --bogus", out) == 2);
    {
        std::ofstream f(graph);
        f << "{\"nodes\": [";
    }
    CHECK(runMoccasin("info '" + graph.string() + "'", out) == 3);
    std::filesystem::remove(graph);
    std::filesystem::remove(out);
}
