#include "model/GraphJson.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <sstream>
#include <system_error>

#include "model/InputError.h"
#include "model/MessageText.h"

namespace moccasin {

namespace {

using nlohmann::json;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// The two attribute conventions of the benchmark files; a file must use one of them throughout.
struct Convention {
    const char* cost;
    const char* size;
};
constexpr Convention kConventions[] = {{"cost_cpu", "cost_ram"}, {"duration", "out_cost"}};

// Error messages are one line, but file names, ids and parser excerpts may hold control
// characters or bytes that are not UTF-8. Every piece quoted from the file is bounded on its own;
// the cap on the whole line only guards against a path or a combination nobody foresaw.
constexpr size_t kMaxMessage = 2000;
std::string oneLine(const std::string& s) { return printableLine(s, kMaxMessage); }

// The parser's own words can quote a whole token (a megabyte-long string), so they are cut.
constexpr size_t kMaxParserDetail = 200;

// A string shown quoted and escaped, shortened so that one huge value cannot flood a message.
std::string quoted(const std::string& s) {
    constexpr size_t kShown = 60;
    std::string out = json(s.substr(0, kShown)).dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > kShown ? out + "..." : out;
}

// Integer ids print bare, string ids quoted, so that 1 and "1" (distinct nodes) stay distinct.
std::string idText(const NodeId& id) { return id.isInteger ? id.text : quoted(id.text); }

// A wrong value for a message: its type and, for scalars, the value. Never dumps a container,
// whose size (and nesting) is unbounded.
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string: return "string " + quoted(v.get_ref<const std::string&>());
        case json::value_t::boolean: return std::string("boolean ") + (v.get<bool>() ? "true" : "false");
        case json::value_t::null: return "null";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        case json::value_t::number_float: return "float " + v.dump();
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return v.dump();
        default: return "an unsupported value";  // binary and discarded values never come from text
    }
}

// The id order of the reference-order rule: integers before strings, integers numerically,
// strings bytewise.
bool idLess(const NodeId& a, const NodeId& b) {
    if (a.isInteger != b.isInteger) return a.isInteger;
    if (a.isInteger) return a.integer < b.integer;
    return a.text < b.text;
}

std::string indexed(const std::string& array, size_t i) { return array + "[" + std::to_string(i) + "]"; }

// Drops nlohmann's "[json.exception.xxx.nnn] " prefix from an exception text.
std::string withoutExceptionTag(const std::string& what) {
    auto close = what.find("] ");
    return what.rfind("[json.exception.", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

class Loader {
public:
    explicit Loader(std::string sourceName) : file_(std::move(sourceName)) {}
    Graph load(const std::string& text);

private:
    struct Node {
        NodeId id;
        int64_t cost = 0, size = 0;
    };
    struct Edge {
        int u = 0, v = 0;  // ranks (positions in ascending id order)
        size_t link = 0;   // index in the links array, for messages
    };

    [[noreturn]] void fail(const std::string& problem, const std::string& place) const {
        throw InputError(oneLine(file_ + ": " + problem + " (" + place + ")"));
    }

    json parseText(const std::string& text) const;
    const json* graphAttributes(const json& doc) const;
    void readNodes(const json& doc);
    Node readNode(const json& node, size_t i);
    NodeId readId(const json& v, const std::string& what, const std::string& place) const;
    int pickConvention(const json& node, const std::string& place);
    int64_t readAmount(const json& node, const char* key, const std::string& place) const;
    int64_t floatToInt64(double d, const std::string& key, const std::string& place) const;
    void indexIds();
    void checkSums() const;
    int findRank(const NodeId& id) const;
    void readEdges(const json& doc);
    Edge readEdge(const json& link, size_t i) const;
    std::vector<int> kahnOrder() const;
    [[noreturn]] void failCycle(const std::vector<int>& indegree) const;
    std::vector<int> givenOrder(const json& order) const;
    std::string graphName(const json* attributes) const;
    Graph build(const std::vector<int>& order, std::string name) const;

    const NodeId& idOfRank(int r) const { return nodes_[byRank_[r]].id; }
    std::string nodePlace(size_t i) const { return indexed("nodes", i) + ", node " + idText(nodes_[i].id); }
    std::string linkPlace(const Edge& e) const {
        return indexed(linksKey_, e.link) + ": " + idText(idOfRank(e.u)) + " -> " + idText(idOfRank(e.v));
    }

    std::string file_;
    int convention_ = -1;      // index into kConventions, fixed by the first node
    std::vector<Node> nodes_;  // in file order
    std::vector<int> byRank_;  // file indices in ascending id order
    std::vector<int> rank_;    // inverse of byRank_
    std::string linksKey_;     // "links" or "edges", as the file spells it
    std::vector<Edge> edges_;  // in file order
};

Graph Loader::load(const std::string& text) {
    const json doc = parseText(text);
    if (!doc.is_object())
        fail("the top level is " + describe(doc) + ", expected an object with \"nodes\" and \"links\"", "top level");
    const json* attributes = graphAttributes(doc);
    readNodes(doc);
    indexIds();
    checkSums();
    readEdges(doc);
    // Kahn's pass runs even when graph.order is given: it is what finds and names a cycle.
    std::vector<int> order = kahnOrder();
    if (attributes) {
        if (auto it = attributes->find("order"); it != attributes->end()) order = givenOrder(*it);
    }
    return build(order, graphName(attributes));
}

json Loader::parseText(const std::string& text) const {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        fail("empty file, expected a JSON object", std::to_string(text.size()) + " bytes");
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // what(): "[json.exception.parse_error.101] parse error at line L, column C: detail".
        std::string detail = printableLine(withoutExceptionTag(e.what()), kMaxParserDetail);
        std::string position;
        if (auto at = detail.find(" at "), colon = detail.find(": "); at != std::string::npos && colon > at) {
            position = detail.substr(at + 4, colon - at - 4) + ", ";
            detail = detail.substr(colon + 2);
        }
        // The parser reports end of input one past the last byte.
        const bool truncated = e.byte > text.size();
        fail(std::string(truncated ? "truncated JSON: " : "not valid JSON: ") + detail,
             position + "byte " + std::to_string(e.byte));
    } catch (const json::exception& e) {
        // A number beyond double range ("number overflow parsing '1e400'") carries no position;
        // find the quoted literal in the text instead.
        std::string detail = printableLine(withoutExceptionTag(e.what()), kMaxParserDetail);
        std::string place = "a number literal";
        if (auto q = detail.find('\''), q2 = detail.rfind('\''); q != std::string::npos && q2 > q) {
            if (auto at = text.find(detail.substr(q + 1, q2 - q - 1)); at != std::string::npos)
                place = "byte " + std::to_string(at + 1);
        }
        fail("not valid JSON: " + detail, place);
    }
}

const json* Loader::graphAttributes(const json& doc) const {
    if (auto d = doc.find("directed"); d != doc.end()) {
        if (!d->is_boolean()) fail("\"directed\" must be a boolean, got " + describe(*d), "directed");
        if (!d->get<bool>()) fail("the graph is undirected, but edges need a direction", "directed");
    }
    auto g = doc.find("graph");
    if (g == doc.end() || g->is_null()) return nullptr;
    if (!g->is_object()) fail("\"graph\" must be an object, got " + describe(*g), "graph");
    return &*g;
}

void Loader::readNodes(const json& doc) {
    auto it = doc.find("nodes");
    if (it == doc.end()) fail("missing the \"nodes\" array", "top level");
    if (!it->is_array()) fail("\"nodes\" must be an array, got " + describe(*it), "nodes");
    if (it->empty()) fail("the graph has no nodes", "nodes");
    if (it->size() > static_cast<size_t>(INT_MAX)) fail("too many nodes", "nodes");
    nodes_.reserve(it->size());
    for (size_t i = 0; i < it->size(); ++i) nodes_.push_back(readNode((*it)[i], i));
}

Loader::Node Loader::readNode(const json& node, size_t i) {
    const std::string place = indexed("nodes", i);
    if (!node.is_object()) fail("a node must be an object, got " + describe(node), place);
    // networkx writes the node key as "id"; some exporters name nodes by "name" only.
    const char* key = node.contains("id") ? "id" : node.contains("name") ? "name" : nullptr;
    if (!key) fail("the node has neither \"id\" nor \"name\"", place);
    Node result;
    result.id = readId(node.at(key), std::string("node ") + key, place + "." + key);
    const std::string who = ", node " + idText(result.id);
    const Convention& c = kConventions[pickConvention(node, place + who)];
    result.cost = readAmount(node, c.cost, place + "." + c.cost + who);
    result.size = readAmount(node, c.size, place + "." + c.size + who);
    return result;
}

NodeId Loader::readId(const json& v, const std::string& what, const std::string& place) const {
    if (v.is_string()) return NodeId::fromString(v.get<std::string>());
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kInt64Max))
        fail(what + " " + v.dump() + " is beyond int64", place);
    if (v.is_number_integer()) return NodeId::fromInteger(v.get<int64_t>());
    // Float ids are refused even when integral: 3.0 and 3 would name different nodes in Python.
    fail(what + " must be an integer or a string, got " + describe(v), place);
}

int Loader::pickConvention(const json& node, const std::string& place) {
    bool complete[2];
    for (int c = 0; c < 2; ++c) complete[c] = node.contains(kConventions[c].cost) && node.contains(kConventions[c].size);
    if (complete[0] && complete[1])
        fail("the node has both cost_cpu/cost_ram and duration/out_cost, which pair to use is ambiguous", place);
    if (!complete[0] && !complete[1]) {
        for (const Convention& c : kConventions) {
            if (node.contains(c.cost)) fail(std::string("missing size \"") + c.size + "\" next to \"" + c.cost + "\"", place);
            if (node.contains(c.size)) fail(std::string("missing cost \"") + c.cost + "\" next to \"" + c.size + "\"", place);
        }
        fail("missing cost and size: expected cost_cpu/cost_ram or duration/out_cost", place);
    }
    const int c = complete[0] ? 0 : 1;
    if (convention_ < 0) convention_ = c;
    // The conventions come from different tools with different units; a file mixing them is
    // almost certainly assembled by mistake.
    if (c != convention_)
        fail(std::string("mixed attribute conventions: the node uses ") + kConventions[c].cost + "/" +
                 kConventions[c].size + " but nodes[0] uses " + kConventions[convention_].cost + "/" +
                 kConventions[convention_].size,
             place);
    return c;
}

int64_t Loader::readAmount(const json& node, const char* key, const std::string& place) const {
    const json& v = node.at(key);
    int64_t x = 0;
    switch (v.type()) {
        case json::value_t::number_integer: x = v.get<int64_t>(); break;
        case json::value_t::number_unsigned:
            if (v.get<uint64_t>() > static_cast<uint64_t>(kInt64Max))
                fail(std::string(key) + " " + v.dump() + " is beyond int64", place);
            x = static_cast<int64_t>(v.get<uint64_t>());
            break;
        case json::value_t::number_float: x = floatToInt64(v.get<double>(), key, place); break;
        default: fail(std::string(key) + " must be a non-negative integer, got " + describe(v), place);
    }
    if (x < 0) fail(std::string(key) + " is negative: " + v.dump(), place);
    return x;
}

// Exporters sometimes write integral values as floats (100.0); those are accepted while a double
// holds them exactly, i.e. up to 2^53 in magnitude.
int64_t Loader::floatToInt64(double d, const std::string& key, const std::string& place) const {
    constexpr double kExact = 9007199254740992.0;      // 2^53
    constexpr double kBeyond = 9223372036854775808.0;  // 2^63
    const std::string shown = json(d).dump();
    if (std::trunc(d) != d) fail(key + " must be an integer, got float " + shown, place);
    if (std::fabs(d) >= kBeyond) fail(key + " " + shown + " is beyond int64", place);
    if (std::fabs(d) > kExact)
        fail(key + " " + shown + " is a float beyond 2^53, where floats are inexact; write it as an integer", place);
    return static_cast<int64_t>(d);
}

void Loader::indexIds() {
    const int n = static_cast<int>(nodes_.size());
    byRank_.resize(n);
    std::iota(byRank_.begin(), byRank_.end(), 0);
    // Stable, so that of two equal ids the earlier node comes first in the message.
    std::stable_sort(byRank_.begin(), byRank_.end(), [&](int a, int b) { return idLess(nodes_[a].id, nodes_[b].id); });
    rank_.resize(n);
    for (int r = 0; r < n; ++r) {
        if (r > 0 && !idLess(idOfRank(r - 1), idOfRank(r)))
            fail("duplicate node id " + idText(idOfRank(r)),
                 indexed("nodes", byRank_[r - 1]) + " and " + indexed("nodes", byRank_[r]));
        rank_[byRank_[r]] = r;
    }
}

// Graph's constructor checks the sums too, but only this loader can say where they overflow.
void Loader::checkSums() const {
    const Convention& c = kConventions[convention_];
    int64_t cost = 0, size = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i].cost > kInt64Max - cost)
            fail(std::string("the sum of ") + c.cost + " over all nodes exceeds int64", nodePlace(i));
        if (nodes_[i].size > kInt64Max - size)
            fail(std::string("the sum of ") + c.size + " over all nodes exceeds int64", nodePlace(i));
        cost += nodes_[i].cost;
        size += nodes_[i].size;
    }
}

int Loader::findRank(const NodeId& id) const {
    auto it = std::lower_bound(byRank_.begin(), byRank_.end(), id,
                               [&](int fileIndex, const NodeId& key) { return idLess(nodes_[fileIndex].id, key); });
    if (it == byRank_.end() || idLess(id, nodes_[*it].id)) return -1;
    return static_cast<int>(it - byRank_.begin());
}

void Loader::readEdges(const json& doc) {
    auto links = doc.find("links"), edges = doc.find("edges");
    if (links != doc.end() && edges != doc.end())
        fail("both \"links\" and \"edges\" are present, only one may hold the edges", "top level");
    auto it = links != doc.end() ? links : edges;
    if (it == doc.end()) fail("missing the \"links\" array (or \"edges\")", "top level");
    linksKey_ = it.key();
    if (!it->is_array()) fail("\"" + linksKey_ + "\" must be an array, got " + describe(*it), linksKey_);
    // Edge positions are ints here and in Graph.
    if (it->size() > static_cast<size_t>(INT_MAX)) fail("too many edges", linksKey_);
    edges_.reserve(it->size());
    for (size_t i = 0; i < it->size(); ++i) edges_.push_back(readEdge((*it)[i], i));
}

Loader::Edge Loader::readEdge(const json& link, size_t i) const {
    const std::string place = indexed(linksKey_, i);
    if (!link.is_object()) fail("an edge must be an object, got " + describe(link), place);
    // networkx writes "source"/"target"; the random layered graphs use "0"/"1".
    const char* sourceKey = link.contains("source") ? "source" : link.contains("0") ? "0" : nullptr;
    const char* targetKey = link.contains("target") ? "target" : link.contains("1") ? "1" : nullptr;
    if (!sourceKey) fail("the edge has no source, expected \"source\"/\"target\" or \"0\"/\"1\"", place);
    if (!targetKey) fail("the edge has no target, expected \"source\"/\"target\" or \"0\"/\"1\"", place);
    const NodeId s = readId(link.at(sourceKey), "edge source", place + "." + sourceKey);
    const NodeId t = readId(link.at(targetKey), "edge target", place + "." + targetKey);
    const std::string arrow = place + ": " + idText(s) + " -> " + idText(t);
    const int u = findRank(s), v = findRank(t);
    if (u < 0) fail("edge from unknown node " + idText(s), arrow);
    if (v < 0) fail("edge to unknown node " + idText(t), arrow);
    if (u == v) fail("self-loop on node " + idText(s), arrow);
    return {u, v, i};
}

// Kahn's algorithm taking the smallest ready id first. When ids ascending is topological the
// smallest unplaced id is always ready, so this returns exactly that order: it implements both
// fallbacks of the reference-order rule. O((n + m) log n). Throws on a cycle.
std::vector<int> Loader::kahnOrder() const {
    const int n = static_cast<int>(nodes_.size());
    std::vector<int> start(n + 1, 0), outEdges(edges_.size()), indegree(n, 0);
    for (const Edge& e : edges_) {
        ++start[e.u + 1];
        ++indegree[e.v];
    }
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < edges_.size(); ++i) outEdges[fill[edges_[i].u]++] = static_cast<int>(i);

    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int r = 0; r < n; ++r)
        if (indegree[r] == 0) ready.push(r);
    std::vector<int> order;
    order.reserve(n);
    while (!ready.empty()) {
        const int r = ready.top();
        ready.pop();
        order.push_back(r);
        for (int k = start[r]; k < start[r + 1]; ++k)
            if (--indegree[edges_[outEdges[k]].v] == 0) ready.push(edges_[outEdges[k]].v);
    }
    if (static_cast<int>(order.size()) < n) failCycle(indegree);
    return order;
}

// After Kahn's pass the unplaced nodes are those with indegree > 0, and each has an unplaced
// predecessor. Walking back along such in-edges must revisit a node; the walk between the two
// visits is a cycle. Iterative and O(n + m).
void Loader::failCycle(const std::vector<int>& indegree) const {
    const int n = static_cast<int>(indegree.size());
    std::vector<int> inEdge(n, -1);
    for (size_t i = 0; i < edges_.size(); ++i) {
        const Edge& e = edges_[i];
        if (indegree[e.u] > 0 && indegree[e.v] > 0 && inEdge[e.v] < 0) inEdge[e.v] = static_cast<int>(i);
    }
    int x = static_cast<int>(std::find_if(indegree.begin(), indegree.end(), [](int d) { return d > 0; }) - indegree.begin());
    std::vector<int> step(n, -1), walk;
    while (step[x] < 0) {
        step[x] = static_cast<int>(walk.size());
        walk.push_back(x);
        x = edges_[inEdge[x]].u;
    }
    std::vector<int> cycle(walk.begin() + step[x], walk.end());
    std::reverse(cycle.begin(), cycle.end());  // the walk went against the edges
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());

    constexpr size_t kShown = 20;  // keep the line readable for long cycles
    std::string nodes, links;
    for (size_t k = 0; k < cycle.size() && k < kShown; ++k) {
        nodes += idText(idOfRank(cycle[k])) + " -> ";
        const int next = cycle[(k + 1) % cycle.size()];  // inEdge[next] is the edge cycle[k] -> next
        links += (k ? ", " : "") + indexed(linksKey_, edges_[inEdge[next]].link);
    }
    if (cycle.size() > kShown) {
        nodes += "... (" + std::to_string(cycle.size()) + " nodes)";
        links += ", ...";
    } else {
        nodes += idText(idOfRank(cycle[0]));
    }
    fail("the graph has a cycle " + nodes, links);
}

std::vector<int> Loader::givenOrder(const json& order) const {
    const std::string base = "graph.order";
    if (!order.is_array()) fail("graph.order must be an array of node ids, got " + describe(order), base);
    const size_t n = nodes_.size();
    std::vector<int64_t> position(n, -1);  // index in graph.order, per rank
    std::vector<int> result;
    result.reserve(n);
    for (size_t i = 0; i < order.size(); ++i) {
        const std::string place = indexed(base, i);
        const NodeId id = readId(order[i], "graph.order entry", place);
        const int r = findRank(id);
        if (r < 0) fail("graph.order names unknown node " + idText(id), place);
        if (position[r] >= 0)
            fail("node " + idText(id) + " appears twice in graph.order",
                 place + ", first at " + indexed(base, static_cast<size_t>(position[r])));
        position[r] = static_cast<int64_t>(i);
        result.push_back(r);
    }
    if (result.size() < n) {
        const size_t missing = std::find(position.begin(), position.end(), -1) - position.begin();
        fail("graph.order misses node " + idText(idOfRank(static_cast<int>(missing))),
             base + " lists " + std::to_string(result.size()) + " of " + std::to_string(n) + " nodes");
    }
    for (const Edge& e : edges_) {
        if (position[e.u] > position[e.v])
            fail("graph.order is not topological: edge " + idText(idOfRank(e.u)) + " -> " + idText(idOfRank(e.v)) +
                     " goes backwards",
                 indexed(linksKey_, e.link) + "; " + indexed(base, static_cast<size_t>(position[e.v])) + " is " +
                     idText(idOfRank(e.v)) + ", " + indexed(base, static_cast<size_t>(position[e.u])) + " is " +
                     idText(idOfRank(e.u)));
    }
    return result;
}

std::string Loader::graphName(const json* attributes) const {
    if (attributes) {
        if (auto it = attributes->find("name"); it != attributes->end() && !it->is_null()) {
            if (!it->is_string()) fail("graph.name must be a string, got " + describe(*it), "graph.name");
            // networkx writes "" for an unnamed graph; the file name says more.
            if (!it->get_ref<const std::string&>().empty()) return it->get<std::string>();
        }
    }
    std::string stem = std::filesystem::path(file_).stem().string();
    return stem.empty() ? "graph" : stem;
}

Graph Loader::build(const std::vector<int>& order, std::string name) const {
    const int n = static_cast<int>(order.size());
    std::vector<int> position(n);
    std::vector<NodeId> ids(n);
    std::vector<int64_t> cost(n), size(n);
    for (int k = 0; k < n; ++k) {
        position[order[k]] = k;
        const Node& node = nodes_[byRank_[order[k]]];
        ids[k] = node.id;
        cost[k] = node.cost;
        size[k] = node.size;
    }
    std::vector<std::pair<int, int>> edges;
    edges.reserve(edges_.size());
    for (const Edge& e : edges_) edges.emplace_back(position[e.u], position[e.v]);
    // Graph merges duplicate edges.
    return Graph(std::move(name), std::move(ids), std::move(cost), std::move(size), std::move(edges));
}

}  // namespace

Graph parseGraphJson(const std::string& text, const std::string& sourceName) {
    return Loader(sourceName).load(text);
}

Graph loadGraphFile(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(oneLine(path + ": cannot read the graph file (it is a directory)"));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(oneLine(path + ": cannot open the graph file (" + std::strerror(errno) + ")"));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw InputError(oneLine(path + ": cannot read the graph file (read error)"));
    return parseGraphJson(text.str(), path);
}

nlohmann::json nodeIdToJson(const NodeId& id) { return id.isInteger ? json(id.integer) : json(id.text); }

}  // namespace moccasin
