// Lower bounds on the no-recompute peak over all orders, against enumeration on tiny graphs.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "model/GraphJson.h"
#include "model/OrderLowerBound.h"
#include "model/Peak.h"
#include "model/Reorder.h"
#include "tests/support/RandomGraphs.h"
#include "tests/support/SharedGraphs.h"

#include "support/OrderEnumeration.h"

using namespace moccasin;
using moccasin::testing::makeGraph;

namespace {
// min over down-sets D (every ancestor of v in, v and its descendants out) of m_v plus the
// outputs in D read by a node outside D, by enumerating all subsets.
int64_t cutByEnumeration(const Graph& g, int v) {
    const int n = g.numNodes();
    std::vector<char> after(n, 0);
    after[v] = 1;
    for (int x = v + 1; x < n; ++x)
        for (int u : g.preds(x)) after[x] = after[x] || after[u];
    int64_t best = std::numeric_limits<int64_t>::max();
    for (uint32_t set = 0; set < (1u << n); ++set) {
        auto in = [&](int x) { return (set >> x & 1u) != 0; };
        bool ok = true;
        for (int x = 0; x < n && ok; ++x) {
            if (in(x) && after[x]) ok = false;
            for (int u : g.preds(x)) ok = ok && (!in(x) || in(u));   // down-set
            if (x == v) for (int u : g.preds(x)) ok = ok && in(u);  // v's inputs come first
        }
        if (!ok) continue;
        int64_t memory = g.size(v);
        for (int u = 0; u < n; ++u) {
            if (!in(u)) continue;
            bool readLater = std::any_of(g.succs(u).begin(), g.succs(u).end(), [&](int c) { return !in(c); });
            if (readLater) memory += g.size(u);
        }
        best = std::min(best, memory);
    }
    return best;
}

}  // namespace

TEST_CASE("order lower bounds: the cut at a node is the least memory there over all down-sets") {
    for (uint64_t seed = 0; seed < 80; ++seed) {
        Graph g = testing::randomDag({.nodes = 2 + static_cast<int>(seed % 9), .edgeProbability = 0.3}, seed);
        for (int v = 0; v < g.numNodes(); ++v) {
            CAPTURE(seed);
            CAPTURE(v);
            CHECK(cutBoundAt(g, v) == cutByEnumeration(g, v));
        }
    }
}

TEST_CASE("order lower bounds: never above the best order, the forced bound never above the cuts") {
    int tight = 0;
    for (uint64_t seed = 0; seed < 60; ++seed) {
        Graph g = testing::randomDag({.nodes = 2 + static_cast<int>(seed % 7), .edgeProbability = 0.25}, seed);
        int64_t minimum = testing::minimumPeakOverOrders(g);
        int64_t cuts = 0;
        for (int v = 0; v < g.numNodes(); ++v) cuts = std::max(cuts, cutBoundAt(g, v));
        int64_t forced = forcedLiveBound(g);
        CAPTURE(seed);
        CHECK(budgetLowerLimit(g) <= forced);
        CHECK(forced <= cuts);
        CHECK(cuts <= minimum);
        tight += cuts == minimum;
        // Above maxNodes only the cheap limit is returned.
        CHECK(forcedLiveBound(g, 1) == (g.numNodes() > 1 ? budgetLowerLimit(g) : forced));
    }
    CHECK(tight > 40);
}

TEST_CASE("order lower bounds: hand-made cases") {
    // Two branches a -> b, c -> d joined by e; sizes 4, 1, 4, 1, 1. Whichever branch runs second
    // has the first branch's 1 live beside its 4 + 1: 6 in every order.
    Graph g = makeGraph({1, 1, 1, 1, 1}, {4, 1, 4, 1, 1}, {{0, 1}, {2, 3}, {1, 4}, {3, 4}});
    CHECK(forcedLiveBound(g) == 5);
    CHECK(std::max({cutBoundAt(g, 1), cutBoundAt(g, 3)}) == 5);  // each alone can come first
    CHECK(testing::minimumPeakOverOrders(g) == 6);
    // A chain: the cut at each node is its input plus itself.
    Graph chain = makeGraph({1, 1, 1}, {3, 5, 2}, {{0, 1}, {1, 2}});
    CHECK(cutBoundAt(chain, 1) == 8);
    CHECK(cutBoundAt(chain, 2) == 7);
    CHECK(forcedLiveBound(chain) == 8);
}

TEST_CASE("order lower bounds: the reference order of the Keras benchmark graphs is optimal") {
    // A measured fact about these graphs: every one of them has a node whose forced live set is
    // the whole reference peak, so no reordering lowers it. The random layered ones do not.
    for (const std::string& file : testing::sharedGraphFiles()) {
        CAPTURE(file);
        Graph g = loadGraphFile(file);
        int64_t forced = forcedLiveBound(g);
        CHECK(forced <= referencePeak(g));
        if (file.find("_train") != std::string::npos) CHECK(forced == referencePeak(g));
        if (file.find("rl_") != std::string::npos) CHECK(forced < referencePeak(g));
    }
}
