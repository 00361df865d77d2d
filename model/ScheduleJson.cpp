#include "model/ScheduleJson.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <queue>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>

#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/MessageText.h"

namespace moccasin {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------- writing

std::vector<Computation> sortedByStart(std::vector<Computation> comps) {
    std::stable_sort(comps.begin(), comps.end(),
                     [](const Computation& a, const Computation& b) { return a.start < b.start; });
    return comps;
}

json opJson(const Graph& g, const char* op, int node) { return json{{"op", op}, {"node", nodeIdToJson(g.id(node))}}; }

double tdiPercent(int64_t objective, int64_t baseline) {
    if (baseline == 0) return 0.0;
    // The difference of two int64 can overflow int64; take it in 128 bits.
    const auto diff = static_cast<__int128>(objective) - baseline;
    return 100.0 * static_cast<double>(diff) / static_cast<double>(baseline);
}

json solverJson(const SolveReport& r) {
    return json{{"version", r.version},
                {"strategy", r.strategy},
                {"seed", r.seed},
                {"threads", r.threads},
                {"time_limit_seconds", r.timeLimitSeconds ? json(*r.timeLimitSeconds) : json(nullptr)},
                {"wall_seconds", r.wallSeconds},
                {"statistics", r.statistics.is_null() ? json::object() : r.statistics}};
}

bool hasSchedule(const std::string& status) { return status == "optimal" || status == "feasible"; }

// ---------------------------------------------------------------- reading

// A problem found in a JSON document: what is wrong and where, as a path like computations[2].end
// (the style of the graph loader's messages); "top level" for the document itself.
struct Problem {
    std::string what, where;
};

// How much of a wrong value a message shows.
constexpr size_t kExcerpt = 40;

// Appends `v` as compact JSON to `out`, stopping once `out` is longer than kExcerpt. A value in a
// file can be a huge or 100000-deep container: dump() would write all of it and recurse once per
// level. Here every level of nesting appends a bracket before descending, so the recursion is
// never deeper than kExcerpt + 1. Strings are cut before escaping, so a huge one is not copied.
void appendExcerpt(const json& v, std::string& out) {
    const auto quote = [](const std::string& s) {
        return json(s.substr(0, kExcerpt)).dump(-1, ' ', false, json::error_handler_t::replace);
    };
    switch (v.type()) {
        case json::value_t::string: out += quote(v.get_ref<const std::string&>()); return;
        case json::value_t::array:
            out += '[';
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (out.size() > kExcerpt) return;
                if (it != v.begin()) out += ',';
                appendExcerpt(*it, out);
            }
            out += ']';
            return;
        case json::value_t::object:
            out += '{';
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (out.size() > kExcerpt) return;
                if (it != v.begin()) out += ',';
                out += quote(it.key()) + ':';
                appendExcerpt(it.value(), out);
            }
            out += '}';
            return;
        default: out += v.dump(); return;  // a number, boolean or null: a few characters
    }
}

// A value for a message: its JSON text, cut to kExcerpt bytes.
std::string describe(const json& v) {
    std::string s;
    appendExcerpt(v, s);
    return s.size() > kExcerpt ? printableLine(s, kExcerpt - 3) : s;
}

// The message of an InputError: one line, however the file or its name is spelled.
std::string errorLine(const std::string& source, const std::string& what, const std::string& where) {
    constexpr size_t kMaxMessage = 2000;  // each piece is bounded; this only guards the sum
    return printableLine(source + ": " + what + " (" + where + ")", kMaxMessage);
}

// Resolves node ids as written in a schedule to reference-order indices.
class NodeLookup {
public:
    explicit NodeLookup(const Graph& g) {
        for (int k = 0; k < g.numNodes(); ++k) {
            const NodeId& id = g.id(k);
            if (id.isInteger) {
                byInteger_.emplace(id.integer, k);
                byIntegerText_.emplace(id.text, k);
            } else {
                byString_.emplace(id.text, k);
            }
        }
    }
    int find(const json& v, const std::string& where) const {
        if (v.is_number_integer()) {
            // Integers beyond int64 name no node: graph ids are int64.
            if (v.is_number_unsigned() && v.get<uint64_t>() > kMax)
                throw Problem{"unknown node id " + describe(v), where};
            if (auto it = byInteger_.find(v.get<int64_t>()); it != byInteger_.end()) return it->second;
        } else if (v.is_string()) {
            const auto& s = v.get_ref<const std::string&>();
            // A string id wins over an integer id with the same text; both may occur in one graph.
            if (auto it = byString_.find(s); it != byString_.end()) return it->second;
            if (auto it = byIntegerText_.find(s); it != byIntegerText_.end()) return it->second;
        } else {
            throw Problem{"node id must be an integer or a string, got " + describe(v), where};
        }
        throw Problem{"unknown node id " + describe(v), where};
    }

private:
    static constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    std::unordered_map<int64_t, int> byInteger_;
    std::unordered_map<std::string, int> byString_, byIntegerText_;
};

// obj[key]; `where` is obj's own path, empty for the top level. A missing key is reported at the
// object that lacks it.
const json& member(const json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) throw Problem{std::string("missing \"") + key + "\"", where.empty() ? "top level" : where};
    return *it;
}

int64_t toInt64(const json& v, const std::string& what, const std::string& where) {
    if (!v.is_number_integer()) throw Problem{what + " must be an integer, got " + describe(v), where};
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Problem{what + " is out of range", where};
    return v.get<int64_t>();
}

// An optional top-level integer: absent or null means "not given".
std::optional<int64_t> optionalInt64(const json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    return toInt64(*it, key, key);
}

// An optional top-level string: absent or null means "not given".
std::optional<std::string> optionalString(const json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw Problem{std::string(key) + " must be a string, got " + describe(*it), key};
    return it->get<std::string>();
}

void checkFormat(const json& doc) {
    if (!doc.is_object()) throw Problem{"not a schedule: the top level must be a JSON object", "top level"};
    const json& f = member(doc, "format", "");
    if (!f.is_string() || f.get_ref<const std::string&>() != kScheduleFormat)
        throw Problem{std::string("format must be \"") + kScheduleFormat + "\", got " + describe(f), "format"};
}

Computation readComputation(const json& c, const NodeLookup& nodes, const std::string& where) {
    if (!c.is_object()) throw Problem{"a computation must be an object {node, start, end}", where};
    Computation out;
    out.node = nodes.find(member(c, "node", where), where + ".node");
    out.start = toInt64(member(c, "start", where), "start", where + ".start");
    out.end = toInt64(member(c, "end", where), "end", where + ".end");
    return out;
}

std::vector<Computation> readComputations(const json& doc, const NodeLookup& nodes) {
    const json& list = member(doc, "computations", "");
    if (!list.is_array()) throw Problem{"computations must be an array", "computations"};
    std::vector<Computation> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i)
        out.push_back(readComputation(list[i], nodes, "computations[" + std::to_string(i) + "]"));
    return out;
}

struct Operation {
    bool compute = false;
    int node = 0;
};

std::vector<Operation> parseOperations(const json& ops, const NodeLookup& nodes) {
    if (!ops.is_array()) throw Problem{"operations must be an array", "operations"};
    std::vector<Operation> out;
    out.reserve(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
        const std::string where = "operations[" + std::to_string(i) + "]";
        const json& o = ops[i];
        if (!o.is_object()) throw Problem{"an operation must be an object {op, node}", where};
        const json& kind = member(o, "op", where);
        if (kind != "compute" && kind != "free")
            throw Problem{"op must be \"compute\" or \"free\", got " + describe(kind), where + ".op"};
        out.push_back({kind == "compute", nodes.find(member(o, "node", where), where + ".node")});
    }
    return out;
}

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line L, column C: detail";
// split it into the detail and the place, as the graph loader does. The detail can quote a whole
// token (a megabyte-long string), so it is cut.
Problem parseProblem(const json::exception& e) {
    constexpr size_t kMaxDetail = 200;
    std::string detail = e.what();
    if (auto close = detail.find("] "); detail.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
        detail = detail.substr(close + 2);
    std::string place = "top level";
    if (auto at = detail.find(" at "), colon = detail.find(": "); at != std::string::npos && colon != std::string::npos &&
                                                                   colon > at) {
        place = detail.substr(at + 4, colon - at - 4);
        detail = detail.substr(colon + 2);
    }
    return Problem{"not valid JSON: " + printableLine(detail, kMaxDetail), place};
}

// ---------------------------------------------------------------- operation replay

// The state of a replay: the live copies, each known by (end, start), per node and overall.
class Replay {
public:
    Replay(const Graph& g, std::vector<Computation> sorted) : g_(g), comps_(std::move(sorted)), live_(g.numNodes()) {}

    std::optional<std::string> apply(size_t index, const Operation& op) {
        return op.compute ? compute(index, op.node) : free(index, op.node);
    }
    std::optional<std::string> finish() const {
        if (next_ < comps_.size())
            return "operations compute only " + std::to_string(next_) + " of the " + std::to_string(comps_.size()) +
                   " computations";
        if (!all_.empty()) {
            const auto& [end, start, node] = *all_.begin();
            return "node " + name(node) + " (computed at event " + std::to_string(start) + ") is never freed";
        }
        return std::nullopt;
    }
    int64_t peak() const {
        return peak_ > std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::max()
                                                           : static_cast<int64_t>(peak_);
    }

private:
    const std::string& name(int k) const { return g_.id(k).text; }
    static std::string at(size_t index) { return "operation #" + std::to_string(index) + ": "; }

    std::optional<std::string> compute(size_t index, int node) {
        if (next_ == comps_.size())
            return at(index) + "compute of " + name(node) + " after all " + std::to_string(comps_.size()) +
                   " computations";
        const Computation& c = comps_[next_];
        if (node != c.node)
            return at(index) + "compute of " + name(node) + ", but the computation at event " +
                   std::to_string(c.start) + " is of " + name(c.node);
        if (!all_.empty() && std::get<0>(*all_.begin()) <= c.start) {
            const auto& [end, start, stale] = *all_.begin();
            return at(index) + "node " + name(stale) + " (computed at event " + std::to_string(start) +
                   ", kept until " + std::to_string(end) + ") is not freed before the computation at event " +
                   std::to_string(c.start);
        }
        live_[node].emplace(c.end, c.start);
        all_.emplace(c.end, c.start, node);
        memory_ += g_.size(node);
        peak_ = std::max(peak_, memory_);
        ++next_;
        return std::nullopt;
    }

    // Frees the copy of `node` that ends first; it must have ended by the next computation.
    std::optional<std::string> free(size_t index, int node) {
        auto& mine = live_[node];
        if (mine.empty()) return at(index) + "free of " + name(node) + ", which has no live copy";
        const auto [end, start] = *mine.begin();
        if (next_ < comps_.size() && end > comps_[next_].start)
            return at(index) + "free of " + name(node) + " before the computation at event " +
                   std::to_string(comps_[next_].start) + ", but its copy computed at event " + std::to_string(start) +
                   " is kept until " + std::to_string(end);
        mine.erase(mine.begin());
        all_.erase(all_.find(std::make_tuple(end, start, node)));
        memory_ -= g_.size(node);
        return std::nullopt;
    }

    const Graph& g_;
    std::vector<Computation> comps_;  // in start order
    size_t next_ = 0;                 // the computation the next compute must be
    std::vector<std::multiset<std::pair<int64_t, int64_t>>> live_;  // per node: (end, start)
    std::multiset<std::tuple<int64_t, int64_t, int>> all_;          // (end, start, node)
    __int128 memory_ = 0, peak_ = 0;
};

}  // namespace

json operationsToJson(const Graph& g, const std::vector<Computation>& comps) {
    using Live = std::tuple<int64_t, int64_t, int>;  // (end, start, node): frees by end, then start
    std::priority_queue<Live, std::vector<Live>, std::greater<>> live;
    json ops = json::array();
    for (const Computation& c : sortedByStart(comps)) {
        for (; !live.empty() && std::get<0>(live.top()) <= c.start; live.pop())
            ops.push_back(opJson(g, "free", std::get<2>(live.top())));
        ops.push_back(opJson(g, "compute", c.node));
        live.emplace(c.end, c.start, c.node);
    }
    for (; !live.empty(); live.pop()) ops.push_back(opJson(g, "free", std::get<2>(live.top())));
    return ops;
}

json scheduleToJson(const Graph& g, const SolveReport& r) {
    json comps = json::array(), ops = json::array();
    if (hasSchedule(r.status)) {
        std::vector<Computation> sorted = sortedByStart(r.computations);
        for (const Computation& c : sorted)
            comps.push_back(json{{"node", nodeIdToJson(g.id(c.node))}, {"start", c.start}, {"end", c.end}});
        ops = operationsToJson(g, sorted);
    }
    json order = json{{"mode", r.orderMode}};
    if (!r.executionOrder.empty()) {
        json seq = json::array();
        for (int k : r.executionOrder) seq.push_back(nodeIdToJson(g.id(k)));
        order["sequence"] = std::move(seq);
    }
    const bool has = hasSchedule(r.status) && r.objective;
    return json{{"format", kScheduleFormat},
                {"graph", {{"name", g.name()}, {"nodes", g.numNodes()}, {"edges", g.numEdges()}}},
                {"budget", r.budget},
                {"copies", r.copies},
                {"status", r.status},
                {"message", r.message.empty() ? json(nullptr) : json(r.message)},
                {"order", std::move(order)},
                {"objective", has ? json(*r.objective) : json(nullptr)},
                {"baseline_cost", r.baselineCost},
                {"tdi_percent", has ? json(tdiPercent(*r.objective, r.baselineCost)) : json(nullptr)},
                {"peak_memory", has && r.peakMemory ? json(*r.peakMemory) : json(nullptr)},
                {"reference_peak", r.referencePeak},
                {"lower_bound", r.lowerBound ? json(*r.lowerBound) : json(nullptr)},
                {"solver", solverJson(r)},
                {"computations", std::move(comps)},
                {"operations", std::move(ops)}};
}

ScheduleFile readScheduleFile(const std::string& path, const Graph& g) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(printableLine(path + ": cannot open the file"));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw InputError(printableLine(path + ": cannot read the file (read error)"));
    return parseScheduleJson(text.str(), path, g);
}

ScheduleFile parseScheduleJson(const std::string& text, const std::string& sourceName, const Graph& g) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        const Problem p = parseProblem(e);
        throw InputError(errorLine(sourceName, p.what, p.where));
    }
    try {
        checkFormat(doc);
        NodeLookup nodes(g);
        ScheduleFile out;
        out.computations = readComputations(doc, nodes);
        out.budget = optionalInt64(doc, "budget");
        out.objective = optionalInt64(doc, "objective");
        out.peakMemory = optionalInt64(doc, "peak_memory");
        out.status = optionalString(doc, "status");
        out.message = optionalString(doc, "message");
        if (auto c = optionalInt64(doc, "copies")) {
            if (*c < 1) throw Problem{"copies must be >= 1", "copies"};
            if (*c > std::numeric_limits<int>::max())
                throw Problem{"copies must be at most " + std::to_string(std::numeric_limits<int>::max()), "copies"};
            out.copies = static_cast<int>(*c);
        }
        if (auto it = doc.find("operations"); it != doc.end() && !it->is_null()) {
            parseOperations(*it, nodes);  // reject a malformed list here, as a bad file
            // Moved, not copied: copying a json value recurses once per level of nesting, and an
            // operation may carry a deeply nested extra member.
            out.operations = std::move(*it);
        }
        return out;
    } catch (const Problem& p) {
        throw InputError(errorLine(sourceName, p.what, p.where));
    }
}

std::optional<std::string> checkOperations(const Graph& g, const json& ops, const std::vector<Computation>& comps,
                                           int64_t& replayPeak) {
    replayPeak = 0;
    for (const Computation& c : comps)
        if (c.node < 0 || c.node >= g.numNodes()) return "bad node index " + std::to_string(c.node);
    std::vector<Operation> parsed;
    try {
        parsed = parseOperations(ops, NodeLookup(g));
    } catch (const Problem& p) {
        return p.what + " (" + p.where + ")";
    }
    Replay replay(g, sortedByStart(comps));
    std::optional<std::string> bad;
    for (size_t i = 0; i < parsed.size() && !bad; ++i) bad = replay.apply(i, parsed[i]);
    if (!bad) bad = replay.finish();
    replayPeak = replay.peak();
    return bad;
}

}  // namespace moccasin
