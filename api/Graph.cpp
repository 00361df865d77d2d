// The facade's graphs and budgets: loading through the program's own JSON reader, so a graph
// means the same to the library as to `moccasin solve`.
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/GraphImpl.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/Peak.h"

namespace moccasin::api {

namespace {

// Wraps a loaded engine graph; `fromCallerNumbers`: the node ids are the caller's numbers 0..n-1.
std::shared_ptr<const Graph::Impl> wrap(moccasin::Graph graph, bool fromCallerNumbers) {
    auto impl = std::make_shared<Graph::Impl>();
    const int n = graph.numNodes();
    impl->userOf.resize(n);
    impl->engineOf.resize(n);
    impl->idOf.resize(n);
    for (int k = 0; k < n; ++k) {
        const int user = fromCallerNumbers ? static_cast<int>(graph.id(k).integer) : k;
        impl->userOf[k] = user;
        impl->engineOf[user] = k;
        impl->idOf[user] = graph.id(k).text;
    }
    impl->referencePeak = referencePeak(graph);
    impl->budgetLowerLimit = budgetLowerLimit(graph);
    impl->graph = std::move(graph);
    return impl;
}

// The engine's loader reports bad input as its own exception types; the facade has one.
template <class Load>
moccasin::Graph loadOrThrow(Load load) {
    try {
        return load();
    } catch (const moccasin::InputError& e) {
        throw InputError(e.what());
    } catch (const std::invalid_argument& e) {
        throw InputError(e.what());
    }
}

}  // namespace

const Graph::Impl& implOf(const Graph& g) { return *g.impl_; }

Graph Graph::fromJsonFile(const std::string& path) {
    return Graph(wrap(loadOrThrow([&] { return loadGraphFile(path); }), false));
}

Graph Graph::fromJsonString(const std::string& json, const std::string& name) {
    return Graph(wrap(loadOrThrow([&] { return parseGraphJson(json, name); }), false));
}

Graph Graph::fromArrays(const std::vector<int64_t>& costs, const std::vector<int64_t>& sizes,
                        const std::vector<std::pair<int, int>>& edges, const std::string& name) {
    if (costs.size() != sizes.size())
        throw InputError(name + ": " + std::to_string(costs.size()) + " costs but " + std::to_string(sizes.size()) +
                         " sizes");
    if (costs.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
        throw InputError(name + ": too many nodes");
    const int n = static_cast<int>(costs.size());
    // Spelled as a node-link document and read by the program's loader: the reference order, the
    // cycle check and the range checks are then the program's own.
    nlohmann::json doc{{"directed", true}, {"graph", {{"name", name}}}};
    nlohmann::json& nodes = doc["nodes"] = nlohmann::json::array();
    for (int i = 0; i < n; ++i) nodes.push_back({{"id", i}, {"cost_cpu", costs[i]}, {"cost_ram", sizes[i]}});
    nlohmann::json& links = doc["links"] = nlohmann::json::array();
    for (size_t e = 0; e < edges.size(); ++e) {
        const auto [u, v] = edges[e];
        if (u < 0 || u >= n || v < 0 || v >= n)
            throw InputError(name + ": edge " + std::to_string(e) + " (" + std::to_string(u) + ", " +
                             std::to_string(v) + ") names a node outside 0.." + std::to_string(n - 1));
        links.push_back({{"source", u}, {"target", v}});
    }
    return Graph(wrap(loadOrThrow([&] { return parseGraphJson(doc.dump(), name); }), true));
}

const std::string& Graph::name() const { return impl_->graph.name(); }
int Graph::numNodes() const { return impl_->graph.numNodes(); }
int64_t Graph::numEdges() const { return impl_->graph.numEdges(); }
const std::string& Graph::nodeId(int node) const { return impl_->idOf.at(node); }
int64_t Graph::cost(int node) const { return impl_->graph.cost(impl_->engineOf.at(node)); }
int64_t Graph::size(int node) const { return impl_->graph.size(impl_->engineOf.at(node)); }
int64_t Graph::baselineCost() const { return impl_->graph.baselineCost(); }
int64_t Graph::referencePeak() const { return impl_->referencePeak; }
int64_t Graph::budgetLowerLimit() const { return impl_->budgetLowerLimit; }

Budget Budget::fraction(double f) { return Budget(true, f, 0); }
Budget Budget::bytes(int64_t amount) { return Budget(false, 0, amount); }

int64_t Budget::resolve(const Graph& g) const {
    if (!isFraction_) {
        if (amount_ <= 0) throw std::invalid_argument("the budget must be a positive amount");
        return amount_;
    }
    if (!(fraction_ > 0) || !std::isfinite(fraction_) || fraction_ > 1e6)
        throw std::invalid_argument("the budget fraction must be a positive number (e.g. 0.8)");
    // Nine decimals, exactly: 0.8 means 8/10 of the peak, not the double nearest to 0.8.
    const __int128 billionths = std::llround(fraction_ * 1e9);
    const __int128 b = (static_cast<__int128>(g.referencePeak()) * billionths + 999999999) / 1000000000;
    if (b <= 0) throw std::invalid_argument("the budget resolves to 0 (the graph's peak is 0 or the fraction tiny)");
    if (b > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(b);
}

}  // namespace moccasin::api
