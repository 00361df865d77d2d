// The independent validator: every violation kind on hand-made schedules, boundaries, large
// values, and agreement with a brute-force event-by-event checker and with evaluate().
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <random>

#include "model/Graph.h"
#include "model/Schedule.h"
#include "model/Validator.h"

using namespace moccasin;

namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

// a -> b -> c plus a -> c; sizes 10, 20, 30; costs 1, 2, 3.
Graph triangle() {
    return Graph("triangle", {NodeId::fromString("a"), NodeId::fromString("b"), NodeId::fromString("c")}, {1, 2, 3},
                 {10, 20, 30}, {{0, 1}, {1, 2}, {0, 2}});
}

// The no-recompute schedule of triangle(): memory 10, 30, 60 at events 0, 1, 2.
std::vector<Computation> triangleBaseline() { return {{0, 0, 3}, {1, 1, 3}, {2, 2, 3}}; }

void expectViolation(const Graph& g, const std::vector<Computation>& comps, int64_t budget, int copies,
                     const std::string& message) {
    ValidationResult r = validateSchedule(g, comps, budget, copies);
    CHECK_FALSE(r.ok);
    CHECK(r.violation == message);
}

void expectValid(const Graph& g, const std::vector<Computation>& comps, int64_t budget, int copies) {
    ValidationResult r = validateSchedule(g, comps, budget, copies);
    CHECK(r.ok);
    CHECK(r.violation.empty());
}

}  // namespace

TEST_CASE("validator: the no-recompute schedule is valid, with its cost and peak") {
    Graph g = triangle();
    ValidationResult r = validateSchedule(g, triangleBaseline(), 60, 1);
    CHECK(r.ok);
    CHECK(r.cost == 6);
    CHECK(r.peak == 60);
    CHECK(r.peakEvent == 2);
}

TEST_CASE("validator: bad node index") {
    Graph g = triangle();
    auto comps = triangleBaseline();
    comps.push_back({3, 5, 6});
    expectViolation(g, comps, kNoLimit, 2, "computation #3: bad node index 3 (the graph has 3 nodes)");
    comps.back().node = -1;
    expectViolation(g, comps, kNoLimit, 2, "computation #3: bad node index -1 (the graph has 3 nodes)");
    comps.pop_back();
    expectValid(g, comps, kNoLimit, 2);
}

TEST_CASE("validator: negative start") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, -1, 3}, {1, 1, 3}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "node a computed at negative event -1");
    comps[0].start = 0;
    expectValid(g, comps, kNoLimit, 2);
}

TEST_CASE("validator: end before start + 1") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, 0, 3}, {1, 1, 1}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "node b computed at event 1 has end 1 (must be >= start + 1)");
    comps[1].end = 0;
    expectViolation(g, comps, kNoLimit, 2, "node b computed at event 1 has end 0 (must be >= start + 1)");
    comps[1].end = 3;
    expectValid(g, comps, kNoLimit, 2);
}

TEST_CASE("validator: two computations at one event") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, 0, 3}, {1, 2, 3}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "two computations at event 2: nodes b and c");
    comps[1].start = 1;
    expectValid(g, comps, kNoLimit, 2);
}

TEST_CASE("validator: a node never computed") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, 0, 3}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "node b never computed");
    expectViolation(g, {}, kNoLimit, 2, "node a never computed");
}

TEST_CASE("validator: copy limit boundary") {
    Graph g = triangle();
    // a is computed twice: its first copy serves b, the second serves c.
    std::vector<Computation> comps = {{0, 0, 2}, {1, 1, 4}, {0, 2, 4}, {2, 3, 4}};
    expectValid(g, comps, kNoLimit, 2);
    expectViolation(g, comps, kNoLimit, 1, "node a computed 2 times, more than the copy limit 1");
    comps.push_back({0, 5, 6});
    expectValid(g, comps, kNoLimit, 3);
    expectViolation(g, comps, kNoLimit, 2, "node a computed 3 times, more than the copy limit 2");
}

TEST_CASE("validator: missing input") {
    Graph g = triangle();
    // a is dropped at event 1, exactly when b reads it: s_a < t < e_a fails at t = e_a.
    std::vector<Computation> comps = {{0, 0, 1}, {1, 1, 3}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "missing input a of b at event 1");
    comps[0].end = 2;  // now a is missing for c only
    expectViolation(g, comps, kNoLimit, 2, "missing input a of c at event 2");
    comps[0].end = 3;
    expectValid(g, comps, kNoLimit, 2);
}

TEST_CASE("validator: an input computed after its consumer is missing") {
    Graph g = triangle();
    // b's only copy comes after c: a copy made later cannot serve an earlier read.
    std::vector<Computation> comps = {{0, 0, 4}, {2, 1, 2}, {1, 3, 4}};
    expectViolation(g, comps, kNoLimit, 2, "missing input b of c at event 1");
}

TEST_CASE("validator: the earliest missing input is reported, then the lowest input") {
    Graph g = triangle();
    // At event 2 both a and b are missing for c; a is reported (lower index). b would also miss a
    // at event 1 if a ended at 1, which is earlier and wins.
    std::vector<Computation> comps = {{0, 0, 2}, {1, 1, 2}, {2, 2, 3}};
    expectViolation(g, comps, kNoLimit, 2, "missing input a of c at event 2");
    comps[0].end = 1;
    expectViolation(g, comps, kNoLimit, 2, "missing input a of b at event 1");
}

TEST_CASE("validator: memory exactly at the budget passes, one unit over fails") {
    Graph g = triangle();
    expectValid(g, triangleBaseline(), 60, 1);
    expectViolation(g, triangleBaseline(), 59, 1, "memory over budget at event 2: 60 > budget 59");
    // The first event over budget is reported, not the peak.
    expectViolation(g, triangleBaseline(), 25, 1, "memory over budget at event 1: 30 > budget 25");
}

TEST_CASE("validator: a copy is live at start and not at end") {
    Graph g = triangle();
    // a's first copy ends at 2, exactly where its second starts: memory at 2 is 20 + 10, not 40.
    std::vector<Computation> comps = {{0, 0, 2}, {1, 1, 4}, {0, 2, 4}, {2, 3, 4}};
    ValidationResult r = validateSchedule(g, comps, kNoLimit, 2);
    CHECK(r.ok);
    expectValid(g, comps, 60, 2);
    expectViolation(g, comps, 30, 2, "memory over budget at event 3: 60 > budget 30");  // event 2 holds 30
    CHECK(r.peak == 60);  // event 3: a (second copy) 10 + b 20 + c 30
    CHECK(r.peakEvent == 3);
    CHECK(r.cost == 7);
}

TEST_CASE("validator: overlapping copies of one node both count") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, 0, 5}, {1, 1, 5}, {0, 2, 5}, {2, 3, 4}};
    ValidationResult r = validateSchedule(g, comps, 70, 2);
    CHECK(r.ok);
    CHECK(r.peak == 70);
    CHECK(r.peakEvent == 3);
    expectViolation(g, comps, 69, 2, "memory over budget at event 3: 70 > budget 69");
}

TEST_CASE("validator: computations in any order give the same result") {
    Graph g = triangle();
    std::vector<Computation> comps = {{0, 0, 2}, {1, 1, 4}, {0, 2, 4}, {2, 3, 4}};
    ValidationResult ref = validateSchedule(g, comps, kNoLimit, 2);
    std::sort(comps.begin(), comps.end(), [](auto& a, auto& b) { return a.start > b.start; });
    do {
        ValidationResult r = validateSchedule(g, comps, kNoLimit, 2);
        CHECK(r.ok == ref.ok);
        CHECK(r.peak == ref.peak);
        CHECK(r.peakEvent == ref.peakEvent);
        CHECK(r.cost == ref.cost);
    } while (std::next_permutation(comps.begin(), comps.end(),
                                   [](auto& a, auto& b) { return a.start < b.start; }));
}

TEST_CASE("validator: violation kinds are reported in a fixed order") {
    Graph g = triangle();
    // Missing input (a of b at 1) and memory over budget (at 0) together: the missing input wins.
    std::vector<Computation> comps = {{0, 0, 1}, {1, 1, 3}, {2, 2, 3}};
    expectViolation(g, comps, 5, 2, "missing input a of b at event 1");
    // A duplicate event wins over a node never computed.
    comps = {{0, 0, 3}, {1, 0, 3}};
    expectViolation(g, comps, 5, 2, "two computations at event 0: nodes a and b");
}

TEST_CASE("validator: an empty graph takes the empty schedule") {
    Graph g("empty", {}, {}, {}, {});
    ValidationResult r = validateSchedule(g, {}, 0, 2);
    CHECK(r.ok);
    CHECK(r.peak == 0);
    CHECK(r.peakEvent == -1);
}

TEST_CASE("validator: zero-size nodes and integer ids") {
    Graph g("z", {NodeId::fromInteger(7), NodeId::fromInteger(9)}, {0, 0}, {0, 0}, {{0, 1}});
    ValidationResult r = validateSchedule(g, {{0, 0, 2}, {1, 1, 2}}, 0, 1);
    CHECK(r.ok);
    CHECK(r.peak == 0);
    expectViolation(g, {{0, 0, 1}, {1, 1, 2}}, 0, 1, "missing input 7 of 9 at event 1");
}

TEST_CASE("validator: large sizes, costs and events do not overflow") {
    const int64_t size = 10'000'000'000LL, cost = 10'000'000'000'000LL;
    Graph g("big", {NodeId::fromInteger(0), NodeId::fromInteger(1), NodeId::fromInteger(2)}, {cost, cost, cost},
            {size, size, size}, {{0, 1}, {1, 2}, {0, 2}});
    const int64_t far = 5'000'000'000LL;  // events of a 10^5-node staged timeline
    std::vector<Computation> comps = {{0, 0, 2}, {1, far, far + 3}, {0, far + 1, far + 3}, {2, far + 2, kNoLimit}};
    expectViolation(g, comps, kNoLimit, 2, "missing input 0 of 1 at event 5000000000");
    comps[0].end = far + 1;
    ValidationResult r = validateSchedule(g, comps, 3 * size, 2);
    CHECK(r.ok);
    CHECK(r.cost == 4 * cost);
    CHECK(r.peak == 3 * size);
    CHECK(r.peakEvent == far + 2);
    expectViolation(g, comps, 3 * size - 1, 2,
                    "memory over budget at event 5000000002: 30000000000 > budget 29999999999");
}

TEST_CASE("validator: sums beyond int64 saturate instead of wrapping") {
    const int64_t huge = 4'000'000'000'000'000'000LL;  // two fit in int64, three do not
    Graph g("huge", {NodeId::fromInteger(0), NodeId::fromInteger(1)}, {huge, huge}, {huge, huge}, {});
    std::vector<Computation> comps = {{0, 0, 10}, {1, 1, 10}, {0, 2, 10}};
    ValidationResult r = validateSchedule(g, comps, kNoLimit, 2);
    CHECK_FALSE(r.ok);
    CHECK(r.cost == kNoLimit);
    CHECK(r.peak == kNoLimit);
    CHECK(r.violation == "memory over budget at event 2: 9223372036854775807 > budget 9223372036854775807");
}

// ------------------------------------------------------------------ randomized cross-checks

namespace {

// A random DAG on n nodes (edges only forward), with small random costs and sizes.
Graph randomGraph(std::mt19937_64& rng, int n, double density) {
    std::vector<NodeId> ids;
    std::vector<int64_t> cost, size;
    std::vector<std::pair<int, int>> edges;
    std::uniform_int_distribution<int64_t> value(0, 20);
    std::bernoulli_distribution edge(density);
    for (int k = 0; k < n; ++k) {
        ids.push_back(NodeId::fromInteger(100 + k));
        cost.push_back(value(rng));
        size.push_back(value(rng));
        for (int u = 0; u < k; ++u)
            if (edge(rng)) edges.emplace_back(u, k);
    }
    return Graph("random", ids, cost, size, edges);
}

// A random plan with at most `copies - 1` recomputations per node.
StagedPlan randomPlan(std::mt19937_64& rng, int n, int copies) {
    StagedPlan plan = StagedPlan::noRecompute(n);
    for (int k = 0; k + 1 < n; ++k) {
        std::vector<int> stages;
        for (int s = k + 1; s < n; ++s) stages.push_back(s);
        std::shuffle(stages.begin(), stages.end(), rng);
        int extra = std::uniform_int_distribution<int>(0, std::min<int>(copies - 1, static_cast<int>(stages.size())))(rng);
        stages.resize(static_cast<size_t>(extra));
        std::sort(stages.begin(), stages.end());
        plan.recomputeStages[k] = stages;
    }
    return plan;
}

// The definition of problem.md applied literally, event by event: only for tiny schedules.
struct Naive {
    bool ok = true;
    std::string violation;
    int64_t peak = 0;
};

Naive naiveCheck(const Graph& g, const std::vector<Computation>& comps, int64_t budget, int copies) {
    Naive out;
    int64_t last = 0;
    for (auto& c : comps) last = std::max(last, c.end);
    std::optional<std::string> firstMissing, firstOver;
    for (int64_t t = 0; t <= last; ++t) {
        int64_t memory = 0;
        for (auto& c : comps)
            if (c.start <= t && t < c.end) memory += g.size(c.node);
        out.peak = std::max(out.peak, memory);
        if (memory > budget && !firstOver)
            firstOver = "memory over budget at event " + std::to_string(t) + ": " + std::to_string(memory) +
                        " > budget " + std::to_string(budget);
        for (auto& c : comps) {
            if (c.start != t || firstMissing) continue;
            for (int u : g.preds(c.node)) {
                bool covered = std::any_of(comps.begin(), comps.end(), [&](const Computation& d) {
                    return d.node == u && d.start < t && t < d.end;
                });
                if (!covered) {
                    firstMissing = "missing input " + g.id(u).text + " of " + g.id(c.node).text + " at event " +
                                   std::to_string(t);
                    break;
                }
            }
        }
    }
    std::map<int, int> count;
    for (auto& c : comps) ++count[c.node];
    for (int k = 0; k < g.numNodes() && out.ok; ++k) {
        if (count[k] == 0) out.violation = "node " + g.id(k).text + " never computed";
        else if (count[k] > copies)
            out.violation = "node " + g.id(k).text + " computed " + std::to_string(count[k]) +
                            " times, more than the copy limit " + std::to_string(copies);
        out.ok = out.violation.empty();
    }
    if (out.ok && firstMissing) out.violation = *firstMissing;
    if (out.violation.empty() && firstOver) out.violation = *firstOver;
    out.ok = out.violation.empty();
    return out;
}

// Random, mostly invalid schedules with distinct events and well-formed intervals.
std::vector<Computation> randomSchedule(std::mt19937_64& rng, int n) {
    std::vector<int> nodes;
    for (int k = 0; k < n; ++k) {
        int times = std::uniform_int_distribution<int>(0, 3)(rng);
        for (int i = 0; i < times; ++i) nodes.push_back(k);
    }
    std::vector<int64_t> events(nodes.size() * 2);
    for (size_t i = 0; i < events.size(); ++i) events[i] = static_cast<int64_t>(i);
    std::shuffle(events.begin(), events.end(), rng);
    std::vector<Computation> comps;
    for (size_t i = 0; i < nodes.size(); ++i)
        comps.push_back({nodes[i], events[i], events[i] + 1 + std::uniform_int_distribution<int64_t>(0, 6)(rng)});
    return comps;
}

}  // namespace

TEST_CASE("validator: agrees with a brute-force checker on random tiny schedules") {
    std::mt19937_64 rng(12345);
    int valid = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        int n = std::uniform_int_distribution<int>(1, 5)(rng);
        Graph g = randomGraph(rng, n, 0.4);
        auto comps = randomSchedule(rng, n);
        int copies = std::uniform_int_distribution<int>(1, 3)(rng);
        int64_t budget = std::uniform_int_distribution<int64_t>(0, 80)(rng);
        Naive expect = naiveCheck(g, comps, budget, copies);
        ValidationResult got = validateSchedule(g, comps, budget, copies);
        CAPTURE(iter);
        CHECK(got.ok == expect.ok);
        CHECK(got.violation == expect.violation);
        CHECK(got.peak == expect.peak);
        valid += got.ok;
    }
    CHECK(valid > 20);  // the generator must reach valid schedules too
}

TEST_CASE("validator: materialized random plans are valid and match evaluate()") {
    std::mt19937_64 rng(777);
    for (int iter = 0; iter < 300; ++iter) {
        int n = std::uniform_int_distribution<int>(1, 40)(rng);
        int copies = std::uniform_int_distribution<int>(1, 4)(rng);
        Graph g = randomGraph(rng, n, 0.15);
        Schedule s = materialize(g, randomPlan(rng, n, copies));
        Evaluation ev = evaluate(g, s);
        ValidationResult r = validateSchedule(g, s.computations, ev.peak, copies);
        CAPTURE(iter);
        CHECK(r.ok);
        CHECK(r.violation.empty());
        CHECK(r.peak == ev.peak);
        CHECK(r.cost == ev.cost);
        if (ev.peak > 0) {
            ValidationResult tight = validateSchedule(g, s.computations, ev.peak - 1, copies);
            CHECK_FALSE(tight.ok);
            CHECK(tight.violation.rfind("memory over budget at event ", 0) == 0);
        }
    }
}
