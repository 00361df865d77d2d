// Relabelling a graph by another topological order, and the no-recompute peak of an order.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Reorder.h"
#include "model/Schedule.h"
#include "model/Validator.h"
#include "tests/support/RandomGraphs.h"
#include "tests/support/SharedGraphs.h"

using namespace moccasin;
using moccasin::testing::makeGraph;

namespace {
// A random topological order: Kahn's algorithm taking a random ready node each time.
std::vector<int> randomTopologicalOrder(const Graph& g, std::mt19937_64& rng) {
    const int n = g.numNodes();
    std::vector<int> missing(n), ready, order;
    for (int v = 0; v < n; ++v) {
        missing[v] = static_cast<int>(g.preds(v).size());
        if (missing[v] == 0) ready.push_back(v);
    }
    while (!ready.empty()) {
        size_t i = rng() % ready.size();
        int v = ready[i];
        ready[i] = ready.back();
        ready.pop_back();
        order.push_back(v);
        for (int w : g.succs(v))
            if (--missing[w] == 0) ready.push_back(w);
    }
    return order;
}

std::vector<int> identityOrder(int n) {
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    return order;
}

// The peak by the definition, event by event: at position p every output made at or before p
// whose last consumer is at or after p, or which is made at p.
int64_t peakByDefinition(const Graph& g, const std::vector<int>& order) {
    const int n = g.numNodes();
    std::vector<int> pos(n);
    for (int p = 0; p < n; ++p) pos[order[p]] = p;
    int64_t peak = 0;
    for (int p = 0; p < n; ++p) {
        int64_t memory = 0;
        for (int v = 0; v < n; ++v) {
            int last = pos[v];
            for (int w : g.succs(v)) last = std::max(last, pos[w]);
            if (pos[v] <= p && p <= last) memory += g.size(v);
        }
        peak = std::max(peak, memory);
    }
    return peak;
}
}  // namespace

TEST_CASE("reorder: relabelling carries ids, costs, sizes and edges") {
    // a -> c, b -> c, c -> d; the order b, a, c, d swaps the first two nodes.
    Graph g = makeGraph({1, 2, 3, 4}, {10, 20, 30, 40}, {{0, 2}, {1, 2}, {2, 3}});
    std::vector<int> order{1, 0, 2, 3};
    Graph r = relabelled(g, order);
    REQUIRE(r.numNodes() == 4);
    CHECK(r.id(0) == g.id(1));
    CHECK(r.id(1) == g.id(0));
    CHECK(r.cost(0) == 2);
    CHECK(r.size(1) == 10);
    CHECK(r.numEdges() == 3);
    CHECK(std::vector<int>(r.preds(2).begin(), r.preds(2).end()) == std::vector<int>{0, 1});
    CHECK(r.name() == g.name());
}

TEST_CASE("reorder: relabelling round trips on random graphs") {
    std::mt19937_64 rng(11);
    for (uint64_t seed = 0; seed < 40; ++seed) {
        Graph g = testing::randomDag({.nodes = 2 + static_cast<int>(seed % 12), .edgeProbability = 0.3}, seed);
        std::vector<int> order = randomTopologicalOrder(g, rng);
        REQUIRE(isTopologicalOrder(g, order));
        Graph r = relabelled(g, order);
        CHECK(r.baselineCost() == g.baselineCost());
        CHECK(r.totalSize() == g.totalSize());
        CHECK(r.numEdges() == g.numEdges());
        // Every edge of g appears, renamed, in r.
        std::vector<int> pos(g.numNodes());
        for (int k = 0; k < g.numNodes(); ++k) pos[order[k]] = k;
        for (int v = 0; v < g.numNodes(); ++v)
            for (int u : g.preds(v)) {
                auto p = r.preds(pos[v]);
                CHECK(std::find(p.begin(), p.end(), pos[u]) != p.end());
            }
        // Relabelling back by the inverse order restores g exactly.
        std::vector<int> back(g.numNodes());
        for (int k = 0; k < g.numNodes(); ++k) back[order[k]] = k;
        Graph again = relabelled(r, back);
        for (int v = 0; v < g.numNodes(); ++v) {
            CHECK(again.id(v) == g.id(v));
            CHECK(again.cost(v) == g.cost(v));
            CHECK(again.size(v) == g.size(v));
            CHECK(std::equal(again.preds(v).begin(), again.preds(v).end(), g.preds(v).begin(), g.preds(v).end()));
        }
        // The relabelled graph's reference peak is the order's peak.
        CHECK(referencePeak(r) == noRecomputePeak(g, order));
    }
}

TEST_CASE("reorder: orders that are not permutations or not topological are rejected") {
    Graph g = makeGraph({1, 1, 1}, {1, 1, 1}, {{0, 1}, {1, 2}});
    for (std::vector<int> bad : {std::vector<int>{0, 1}, {0, 1, 2, 2}, {0, 1, 1}, {0, 1, 3}, {-1, 1, 2}, {1, 0, 2},
                                 {0, 2, 1}, {2, 1, 0}}) {
        CAPTURE(bad);
        CHECK_FALSE(isTopologicalOrder(g, bad));
        CHECK_THROWS_AS(relabelled(g, bad), std::invalid_argument);
        CHECK_THROWS_AS(noRecomputePeak(g, bad), std::invalid_argument);
    }
    CHECK(isTopologicalOrder(g, std::vector<int>{0, 1, 2}));
    Graph empty = makeGraph({}, {}, {});
    CHECK(isTopologicalOrder(empty, std::vector<int>{}));
    CHECK_FALSE(isTopologicalOrder(empty, std::vector<int>{0}));
    CHECK_THROWS_AS(relabelled(empty, std::vector<int>{0}), std::invalid_argument);
}

TEST_CASE("reorder: noRecomputePeak by hand") {
    // Two branches a -> b and c -> d joined by e. Sizes a=4, b=1, c=4, d=1, e=1.
    Graph g = makeGraph({1, 1, 1, 1, 1}, {4, 1, 4, 1, 1}, {{0, 1}, {2, 3}, {1, 4}, {3, 4}});
    // a, c, b, d, e: memory 4, 8, 9, 6, 3.
    CHECK(noRecomputePeak(g, std::vector<int>{0, 2, 1, 3, 4}) == 9);
    // a, b, c, d, e: memory 4, 5, 5, 6, 3.
    CHECK(noRecomputePeak(g, std::vector<int>{0, 1, 2, 3, 4}) == 6);
    // A sink's output counts at its own event only.
    Graph sinks = makeGraph({1, 1}, {5, 7}, {});
    CHECK(noRecomputePeak(sinks, std::vector<int>{1, 0}) == 7);
}

TEST_CASE("reorder: noRecomputePeak agrees with the definition and with evaluate on the relabelled graph") {
    std::mt19937_64 rng(5);
    for (uint64_t seed = 0; seed < 60; ++seed) {
        Graph g = testing::randomDag({.nodes = 1 + static_cast<int>(seed % 14), .edgeProbability = 0.25}, seed);
        std::vector<int> order = randomTopologicalOrder(g, rng);
        int64_t peak = noRecomputePeak(g, order);
        CHECK(peak == peakByDefinition(g, order));
        Graph r = relabelled(g, order);
        Schedule s = materialize(r, StagedPlan::noRecompute(r.numNodes()));
        CHECK(evaluate(r, s).peak == peak);
        ValidationResult v = validateSchedule(r, s.computations, peak, 1);
        CHECK_MESSAGE(v.ok, v.violation);
        CHECK(v.peak == peak);
        // Mapped back through the order, the same computations are a valid schedule of g.
        std::vector<Computation> back = s.computations;
        for (Computation& c : back) c.node = order[c.node];
        ValidationResult w = validateSchedule(g, back, peak, 1);
        CHECK_MESSAGE(w.ok, w.violation);
        CHECK(w.peak == peak);
    }
}

TEST_CASE("reorder: on every benchmark graph the identity order's peak is P_pi") {
    for (const std::string& file : testing::sharedGraphFiles()) {
        CAPTURE(file);
        Graph g = loadGraphFile(file);
        std::vector<int> identity = identityOrder(g.numNodes());
        CHECK(noRecomputePeak(g, identity) == referencePeak(g));
        Graph r = relabelled(g, identity);
        CHECK(referencePeak(r) == referencePeak(g));
    }
}
