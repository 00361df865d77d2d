#include "model/Validator.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <utility>

namespace moccasin {

namespace {

// Sums of up to C copies of every node's cost or size can pass int64 for large C; sum wide and
// saturate on the way out.
using Wide = __int128;

int64_t saturate(Wide v) {
    constexpr int64_t hi = std::numeric_limits<int64_t>::max();
    constexpr int64_t lo = std::numeric_limits<int64_t>::min();
    if (v > hi) return hi;
    if (v < lo) return lo;
    return static_cast<int64_t>(v);
}

std::string str(int64_t v) { return std::to_string(v); }
const std::string& nodeName(const Graph& g, int k) { return g.id(k).text; }

// Kind 1: each computation on its own, before anything indexes by node or sorts by event.
std::optional<std::string> checkIntervals(const Graph& g, const std::vector<Computation>& comps) {
    for (size_t i = 0; i < comps.size(); ++i) {
        const Computation& c = comps[i];
        if (c.node < 0 || c.node >= g.numNodes())
            return "computation #" + std::to_string(i) + ": bad node index " + std::to_string(c.node) +
                   " (the graph has " + std::to_string(g.numNodes()) + " nodes)";
        if (c.start < 0) return "node " + nodeName(g, c.node) + " computed at negative event " + str(c.start);
        // Written as end <= start rather than end < start + 1, which overflows at INT64_MAX.
        if (c.end <= c.start)
            return "node " + nodeName(g, c.node) + " computed at event " + str(c.start) + " has end " + str(c.end) +
                   " (must be >= start + 1)";
    }
    return std::nullopt;
}

// Positions in `comps`, by start event; ties keep the input order so reports are deterministic.
std::vector<int> orderByStart(const std::vector<Computation>& comps) {
    std::vector<int> order(comps.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return comps[a].start < comps[b].start; });
    return order;
}

// Kind 2: at most one computation per event.
std::optional<std::string> checkDistinctEvents(const Graph& g, const std::vector<Computation>& comps,
                                               const std::vector<int>& order) {
    for (size_t i = 1; i < order.size(); ++i) {
        const Computation& a = comps[order[i - 1]];
        const Computation& b = comps[order[i]];
        if (a.start == b.start)
            return "two computations at event " + str(a.start) + ": nodes " + nodeName(g, a.node) + " and " +
                   nodeName(g, b.node);
    }
    return std::nullopt;
}

// The copies of every node, each node's in start order (CSR: node k owns list[first[k]..first[k+1])).
struct CopiesByNode {
    std::vector<int> first, list;
    size_t count(int k) const { return static_cast<size_t>(first[k + 1] - first[k]); }
};

CopiesByNode groupByNode(int n, const std::vector<Computation>& comps, const std::vector<int>& order) {
    CopiesByNode by;
    by.first.assign(static_cast<size_t>(n) + 1, 0);
    for (const Computation& c : comps) ++by.first[c.node + 1];
    for (int k = 0; k < n; ++k) by.first[k + 1] += by.first[k];
    by.list.resize(comps.size());
    std::vector<int> fill(by.first.begin(), by.first.end() - 1);
    for (int i : order) by.list[fill[comps[i].node]++] = i;  // `order` is by start, so each node's run is too
    return by;
}

// Kind 3: every node computed at least once and at most `copies` times.
std::optional<std::string> checkCopyCounts(const Graph& g, const CopiesByNode& by, int copies) {
    for (int k = 0; k < g.numNodes(); ++k) {
        size_t cnt = by.count(k);
        if (cnt == 0) return "node " + nodeName(g, k) + " never computed";
        if (cnt > static_cast<size_t>(std::max(copies, 0)))
            return "node " + nodeName(g, k) + " computed " + std::to_string(cnt) + " times, more than the copy limit " +
                   std::to_string(copies);
    }
    return std::nullopt;
}

// Kind 4: when v is computed at t, some copy of each input u has s_u < t < e_u. Among the copies
// of u that start before t, the one ending last decides, so one merge of u's and v's copies (both
// in start order) settles the edge: O(copies of u + copies of v) per edge. Only the earliest
// failure per edge can be the first overall, and events are distinct, so (t, u) orders failures.
std::optional<std::string> checkInputs(const Graph& g, const std::vector<Computation>& comps, const CopiesByNode& by) {
    std::optional<std::pair<int64_t, int>> first;  // (event, input)
    int firstConsumer = -1;
    for (int v = 0; v < g.numNodes(); ++v) {
        for (int u : g.preds(v)) {
            int ui = by.first[u];
            int64_t latestEnd = std::numeric_limits<int64_t>::min();
            for (int j = by.first[v]; j < by.first[v + 1]; ++j) {
                int64_t t = comps[by.list[j]].start;
                for (; ui < by.first[u + 1] && comps[by.list[ui]].start < t; ++ui)
                    latestEnd = std::max(latestEnd, comps[by.list[ui]].end);
                if (latestEnd > t) continue;
                if (!first || std::make_pair(t, u) < *first) {
                    first = std::make_pair(t, u);
                    firstConsumer = v;
                }
                break;
            }
        }
    }
    if (!first) return std::nullopt;
    return "missing input " + nodeName(g, first->second) + " of " + nodeName(g, firstConsumer) + " at event " +
           str(first->first);
}

// One sweep over the interval end points. Memory at t counts copies with start <= t < end, which
// is the running total once every change at t (frees and allocations alike) has been applied.
struct MemoryProfile {
    int64_t peak = 0;
    int64_t peakEvent = -1;
    std::optional<std::pair<int64_t, int64_t>> firstOver;  // (event, memory) of the first excess
};

MemoryProfile sweepMemory(const Graph& g, const std::vector<Computation>& comps, int64_t budget) {
    std::vector<std::pair<int64_t, int64_t>> changes;  // (event, size delta)
    changes.reserve(2 * comps.size());
    for (const Computation& c : comps) {
        changes.emplace_back(c.start, g.size(c.node));
        changes.emplace_back(c.end, -g.size(c.node));
    }
    std::sort(changes.begin(), changes.end());
    MemoryProfile p;
    Wide live = 0, peak = -1;
    for (size_t i = 0; i < changes.size();) {
        const int64_t t = changes[i].first;
        for (; i < changes.size() && changes[i].first == t; ++i) live += changes[i].second;
        if (live > peak) {
            peak = live;
            p.peakEvent = t;
        }
        if (!p.firstOver && live > budget) p.firstOver = std::make_pair(t, saturate(live));
    }
    p.peak = saturate(std::max<Wide>(peak, 0));
    return p;
}

int64_t totalCost(const Graph& g, const std::vector<Computation>& comps) {
    Wide sum = 0;
    for (const Computation& c : comps) sum += g.cost(c.node);
    return saturate(sum);
}

ValidationResult fail(ValidationResult r, std::string why) {
    r.ok = false;
    r.violation = std::move(why);
    return r;
}

}  // namespace

ValidationResult validateSchedule(const Graph& g, const std::vector<Computation>& comps, int64_t budget,
                                  int copies) {
    ValidationResult r;
    if (auto bad = checkIntervals(g, comps)) return fail(r, *bad);

    // Cost and peak are well defined from here on; report them even for an invalid schedule.
    r.cost = totalCost(g, comps);
    MemoryProfile mem = sweepMemory(g, comps, budget);
    r.peak = mem.peak;
    r.peakEvent = mem.peakEvent;

    std::vector<int> order = orderByStart(comps);
    if (auto bad = checkDistinctEvents(g, comps, order)) return fail(r, *bad);
    CopiesByNode by = groupByNode(g.numNodes(), comps, order);
    if (auto bad = checkCopyCounts(g, by, copies)) return fail(r, *bad);
    if (auto bad = checkInputs(g, comps, by)) return fail(r, *bad);
    if (mem.firstOver)
        return fail(r, "memory over budget at event " + str(mem.firstOver->first) + ": " +
                           str(mem.firstOver->second) + " > budget " + str(budget));
    r.ok = true;
    return r;
}

}  // namespace moccasin
