// libFuzzer target: the graph loader (model/GraphJson) on arbitrary bytes.
// Expected: either a Graph or an InputError with a one-line message; never another exception, a
// crash or a sanitizer report. A loaded graph must also survive a round trip: written back as
// node-link JSON with its reference order in graph.order, it loads as the same graph.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/FuzzCheck.h"
#include "model/GraphJson.h"
#include "model/InputError.h"

using moccasin::Graph;
using nlohmann::json;

namespace {

constexpr const char* kName = "fuzz.json";

json toNodeLink(const Graph& g) {
    json nodes = json::array(), links = json::array(), order = json::array();
    for (int k = 0; k < g.numNodes(); ++k) {
        const json id = moccasin::nodeIdToJson(g.id(k));
        nodes.push_back({{"id", id}, {"cost_cpu", g.cost(k)}, {"cost_ram", g.size(k)}});
        order.push_back(id);
        for (int s : g.succs(k)) links.push_back({{"source", id}, {"target", moccasin::nodeIdToJson(g.id(s))}});
    }
    return {{"directed", true}, {"graph", {{"name", g.name()}, {"order", order}}}, {"nodes", nodes}, {"links", links}};
}

void requireSame(const Graph& a, const Graph& b) {
    FUZZ_REQUIRE(a.name() == b.name(), a.name() + " vs " + b.name());
    FUZZ_REQUIRE(a.numNodes() == b.numNodes(), "node counts");
    FUZZ_REQUIRE(a.numEdges() == b.numEdges(), "edge counts");
    for (int k = 0; k < a.numNodes(); ++k) {
        FUZZ_REQUIRE(a.id(k) == b.id(k), "ids at " + std::to_string(k));
        FUZZ_REQUIRE(a.cost(k) == b.cost(k) && a.size(k) == b.size(k), "amounts at " + std::to_string(k));
        const auto pa = a.preds(k), pb = b.preds(k);
        FUZZ_REQUIRE(std::equal(pa.begin(), pa.end(), pb.begin(), pb.end()), "preds at " + std::to_string(k));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    Graph g;
    try {
        g = moccasin::parseGraphJson(text, kName);
    } catch (const moccasin::InputError& e) {
        moccasin::fuzz::requireErrorLine(e.what(), std::string(kName) + ": ", 2100);
        return 0;
    }
    FUZZ_REQUIRE(g.numNodes() >= 1, "an empty graph loaded");
    for (int v = 0; v < g.numNodes(); ++v)
        for (int u : g.preds(v)) FUZZ_REQUIRE(u < v, "an edge against the reference order");
    try {
        requireSame(g, moccasin::parseGraphJson(toNodeLink(g).dump(), kName));
    } catch (const moccasin::InputError& e) {
        moccasin::fuzz::broken("the written graph reloads", e.what());
    }
    return 0;
}
