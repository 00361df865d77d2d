// Relaxations to windows of stages (model/WindowRelaxation.h) and the bound built from them
// (search/WindowBound.h), against exhaustive optima and optima the exact search proves.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include "model/Peak.h"
#include "model/StageCutCover.h"
#include "model/Validator.h"
#include "model/WindowRelaxation.h"
#include "search/ExactSearch.h"
#include "search/Greedy.h"
#include "search/WindowBound.h"
#include "tests/support/BruteForce.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {

// A tiny random instance (graph and budget drawn from `seed`).
struct TinyInstance {
    Graph g;
    int64_t budget;
    int copies;
    Instance inst() const { return Instance{g, budget, copies}; }
};

TinyInstance tinyInstance(uint64_t seed) {
    std::mt19937_64 rng(seed);
    const int copies = 1 + static_cast<int>(seed % 3);
    const int n = 4 + static_cast<int>(rng() % (copies == 3 ? 3 : 5));
    Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.25 + 0.35 * static_cast<double>(rng() % 100) / 100},
                                 seed + 7000);
    const int64_t budget = testing::randomBudget(g, rng);
    return {std::move(g), budget, copies};
}

// Two layered graphs one after the other (the second's first node reads the first's last): two
// separate regions of memory pressure at the same peak, so a bound keeps two windows.
Graph twoHumps(int nodes, uint64_t seed) {
    const Graph a = testing::layeredGraph(nodes, seed), b = testing::layeredGraph(nodes, seed + 100);
    std::vector<NodeId> ids;
    std::vector<int64_t> cost, size;
    std::vector<std::pair<int, int>> edges;
    for (const Graph* g : {&a, &b}) {
        const int offset = static_cast<int>(cost.size());
        for (int v = 0; v < g->numNodes(); ++v) {
            ids.push_back(NodeId::fromInteger(offset + v));
            cost.push_back(g->cost(v));
            size.push_back(g->size(v));
            for (int u : g->preds(v)) edges.emplace_back(offset + u, offset + v);
        }
        if (offset > 0) edges.emplace_back(offset - 1, offset);
    }
    return Graph("two humps", std::move(ids), std::move(cost), std::move(size), std::move(edges));
}

// The cost of `plan`'s recomputations at the stages [first, last] of the nodes `keep` accepts.
template <class Keep>
int64_t recomputationCostIn(const Graph& g, const StagedPlan& plan, int first, int last, Keep keep) {
    int64_t sum = 0;
    for (int u = 0; u < g.numNodes(); ++u)
        if (keep(u))
            for (int s : plan.recomputeStages[u]) sum += s >= first && s <= last ? g.cost(u) : 0;
    return sum;
}

StagedPlan planOf(const std::vector<std::vector<int>>& stages) { return StagedPlan{stages}; }

// The relaxation's optimum (its recomputations), proven by the exact search; nullopt if none.
std::optional<int64_t> relaxedOptimum(const WindowRelaxation& w) {
    ExactOptions o;
    o.windowBound = false;
    const ExactResult r = solveExact(w.instance(), o, std::nullopt);
    REQUIRE((r.provedOptimal || r.provedInfeasible));
    if (!r.provedOptimal) return std::nullopt;
    return w.recomputationCost(r.bestCost);
}

}  // namespace

TEST_CASE("window relaxation: a valid plan restricted to any window at any depth is valid there and costs its recomputations at those stages") {
    int checked = 0, withRecomputations = 0;
    for (uint64_t seed = 0; seed < 120; ++seed) {
        const TinyInstance t = tinyInstance(seed);
        const auto exact = testing::bruteForce(t.g, t.budget, t.copies);
        if (!exact.optimum) continue;
        const StagedPlan plan = planOf(exact.bestPlan);
        const int n = t.g.numNodes();
        CAPTURE(seed);
        for (int first = 0; first < n; ++first)
            for (int last = first; last < n; ++last)
                for (int depth = 1; depth <= 3; ++depth) {
                    CAPTURE(first);
                    CAPTURE(last);
                    CAPTURE(depth);
                    const std::optional<WindowRelaxation> w = relaxToWindow(t.inst(), first, last, depth);
                    REQUIRE(w);
                    const StagedPlan restricted = restrictToWindow(*w, plan);
                    const Schedule s = materialize(w->graph, restricted);
                    const ValidationResult v = validateSchedule(w->graph, s.computations, w->budget, w->copies);
                    CHECK_MESSAGE(v.ok, v.violation);
                    // It keeps the recomputations at the window's stages of the nodes the relaxation
                    // has (an earlier output recomputed there only for a later consumer is not one).
                    const int64_t inWindow = recomputationCostIn(t.g, plan, first, last, [](int) { return true; });
                    const int64_t kept = recomputationCostIn(t.g, plan, first, last, [&](int u) {
                        return std::find(w->origin.begin(), w->origin.end(), u) != w->origin.end();
                    });
                    CHECK(w->recomputationCost(v.cost) == kept);
                    CHECK(kept <= inWindow);
                    ++checked;
                    if (inWindow > 0) ++withRecomputations;
                }
    }
    MESSAGE(checked << " windows checked, " << withRecomputations << " with recomputations");
    CHECK(withRecomputations > 50);
}

TEST_CASE("window relaxation: the whole graph as one window has the instance's optimum") {
    int compared = 0;
    for (uint64_t seed = 0; seed < 150; ++seed) {
        const TinyInstance t = tinyInstance(seed + 1000);
        const auto exact = testing::bruteForce(t.g, t.budget, t.copies);
        if (!exact.optimum) continue;  // the holder's drop would make it feasible (at its cost)
        const std::optional<WindowRelaxation> w = relaxToWindow(t.inst(), 0, t.g.numNodes() - 1);
        REQUIRE(w);
        CAPTURE(seed);
        const std::optional<int64_t> relaxed = relaxedOptimum(*w);
        REQUIRE(relaxed);
        CHECK(*relaxed == *exact.optimum - t.g.baselineCost());
        ++compared;
    }
    CHECK(compared > 80);
}

TEST_CASE("window relaxation: optima of disjoint windows at any depth sum to at most the exhaustive optimum") {
    std::mt19937_64 rng(5);
    int compared = 0, positive = 0, reached = 0;
    for (uint64_t seed = 0; seed < 150; ++seed) {
        const TinyInstance t = tinyInstance(seed + 2000);
        const auto exact = testing::bruteForce(t.g, t.budget, t.copies);
        if (!exact.optimum) continue;
        const int n = t.g.numNodes();
        // Random cut points; a window between each two (every stage in one window).
        std::vector<int> cuts{0};
        for (int s = 1; s < n; ++s)
            if (rng() % 3 == 0) cuts.push_back(s);
        cuts.push_back(n);
        int64_t sum = 0;
        for (size_t i = 0; i + 1 < cuts.size(); ++i) {
            const int depth = 1 + static_cast<int>(rng() % 3);
            const std::optional<WindowRelaxation> w = relaxToWindow(t.inst(), cuts[i], cuts[i + 1] - 1, depth);
            REQUIRE(w);
            const std::optional<int64_t> relaxed = relaxedOptimum(*w);
            REQUIRE(relaxed);  // the restriction of the optimum is a schedule of it
            sum += *relaxed;
        }
        CAPTURE(seed);
        const int64_t optimum = *exact.optimum - t.g.baselineCost();
        CHECK(sum <= optimum);
        ++compared;
        if (sum > 0) ++positive;
        if (sum == optimum && optimum > 0) ++reached;
    }
    MESSAGE(compared << " partitions, " << positive << " with a positive sum, " << reached << " reaching the optimum");
    CHECK(compared > 80);
    CHECK(positive > 10);
}

TEST_CASE("window bound: never above the optimum, and above the stage-cut program on layered graphs") {
    int compared = 0, aboveCover = 0, twoWindows = 0, unproven = 0, raised = 0;
    uint64_t refined = 0, halfway = 0;
    for (int n : {20, 26, 32, 40})
        for (uint64_t seed = 1; seed <= 4; ++seed)
            for (int percent : {70, 80, 88}) {
                // Half the graphs have two regions of pressure (two windows to keep).
                Graph g = seed % 2 == 0 ? twoHumps(n / 2, seed) : testing::layeredGraph(n, seed);
                const Instance inst{g, referencePeak(g) * percent / 100, 2};
                const std::optional<StagedPlan> warm = bestGreedyPlan(inst).plan;
                if (!warm) continue;
                ExactOptions proof;
                proof.windowBound = false;
                proof.failLimit = 300'000;
                const ExactResult optimum = solveExact(inst, proof, warm);
                if (!optimum.provedOptimal) continue;
                CAPTURE(n);
                CAPTURE(seed);
                CAPTURE(percent);
                for (uint64_t limit : {5'000, 300, 100, 30}) {
                    CAPTURE(limit);
                    WindowBoundOptions wo;
                    wo.failLimit = limit;
                    wo.steps = 12;
                    wo.nesting = static_cast<int>(seed % 2);  // nested windows on half the graphs
                    wo.plateau = limit == 100 ? 0 : 2;         // one pass at one of the limits
                    wo.refine = false;
                    const Deadline clock(std::nullopt);
                    // The greedy's plan as the windows' warm start: an unfinished window's best
                    // schedule may then lie above its share of the optimum (only its bound counts).
                    const WindowBoundResult w = windowBound(inst, warm, wo, clock, std::nullopt);
                    CHECK(g.baselineCost() + w.bound <= optimum.bestCost);
                    // The same sweep, then its unproven windows searched again (with up to
                    // 100,000 failures in all): never lower, never above the optimum.
                    wo.refine = true;
                    wo.maxFailures = 100'000 + w.failures;
                    const WindowBoundResult r = windowBound(inst, warm, wo, clock, std::nullopt);
                    CHECK(r.bound >= w.bound);
                    CHECK(g.baselineCost() + r.bound <= optimum.bestCost);
                    refined += r.refined;
                    halfway += w.halfway + r.halfway;
                    raised += r.bound > w.bound;
                    // The kept windows are disjoint and inside the graph, before and after the
                    // second searches.
                    for (const WindowBoundResult* x : {&w, &r}) {
                        int below = g.numNodes();
                        int64_t sum = 0;
                        for (const auto& k : x->kept) {
                            CHECK(k.last < below);
                            CHECK(k.first <= k.last);
                            CHECK(k.first >= 0);
                            below = k.first;
                            sum += k.bound;
                            if (!k.proven && x == &w) ++unproven;
                        }
                        CHECK(sum == x->bound);
                    }
                    if (w.kept.size() >= 2) ++twoWindows;
                    if (limit != 5'000) continue;
                    const CoverResult cover = solveStageCutCover(g, inst.budget, std::vector<int>(g.numNodes(), 1));
                    ++compared;
                    if (w.bound > cover.bound) ++aboveCover;
                }
            }
    MESSAGE(compared << " instances, the window bound above the stage-cut program's on " << aboveCover << "; "
                     << twoWindows << " bounds kept two windows or more, " << unproven << " unproven windows kept, "
                     << refined << " searched again, raising " << raised << " bounds; " << halfway
                     << " windows searched halfway");
    CHECK(refined > 0);
    CHECK(halfway > 0);
    CHECK(raised > 0);
    CHECK(compared > 10);
    CHECK(aboveCover > 0);
    CHECK(twoWindows > 0);
    CHECK(unproven > 0);
}

TEST_CASE("exact search: the window bound is posted at the root and the proof still holds") {
    // rl-like layered graph where the stage-cut program stays below the optimum.
    int posted = 0;
    for (uint64_t seed = 1; seed <= 4; ++seed) {
        Graph g = testing::layeredGraph(40, seed);
        const Instance inst{g, referencePeak(g) * 80 / 100, 2};
        const std::optional<StagedPlan> warm = bestGreedyPlan(inst).plan;
        if (!warm) continue;
        ExactOptions with, without;
        with.window.steps = 6;
        with.windowAfterFailures = 0;  // at once (these proofs may take fewer failures than the default)
        with.window.failLimit = 50'000;
        without.windowBound = false;
        with.failLimit = without.failLimit = 2'000'000;
        const ExactResult a = solveExact(inst, with, warm);
        const ExactResult b = solveExact(inst, without, warm);
        CAPTURE(seed);
        REQUIRE(a.provedOptimal);
        REQUIRE(b.provedOptimal);
        CHECK(a.bestCost == b.bestCost);
        if (a.statistics.contains("window_bound")) ++posted;
    }
    CHECK(posted > 0);
}

TEST_CASE("window bound: the second search of a sweep end never overlaps another kept window") {
    using Window = WindowBoundResult::Window;
    // Kept from the last stage down: [166, 249] (unproven), then [100, 150].
    std::vector<Window> kept = {{166, 249, 864, false, 2}, {100, 150, 50, true, 1}};
    // The kept window's search did not end: it is searched again, from its bound, whatever the
    // frontier.
    for (int first : {155, 130}) {
        std::optional<Window> t = refineTarget({first, 249, 900, 0}, kept);
        REQUIRE(t);
        CHECK(t->first == 166);
        CHECK(t->bound == 864);
        CHECK(t->depth == 2);
    }
    // Its search ended: the longer window [155, 249] is clear of [100, 150], so it is searched
    // at the kept window's depth, from the better bound.
    kept[0].proven = true;
    std::optional<Window> t = refineTarget({155, 249, 700, 0}, kept);
    REQUIRE(t);
    CHECK(t->first == 155);
    CHECK(t->last == 249);
    CHECK(t->bound == 864);
    CHECK(t->depth == 2);
    CHECK_FALSE(t->proven);
    // [130, 249] would overlap [100, 150], whose bound is counted already: nothing.
    CHECK_FALSE(refineTarget({130, 249, 900, 0}, kept));
    // An end that kept no window: its frontier alone, at depth 1, and nothing where it overlaps.
    t = refineTarget({10, 60, 30, -1}, kept);
    REQUIRE(t);
    CHECK(t->depth == 1);
    CHECK(t->bound == 30);
    CHECK_FALSE(refineTarget({60, 120, 30, -1}, kept));
}

TEST_CASE("window bound: a walk's floors and its plateau") {
    WindowWalk walk;
    CHECK(walk.boundUpTo(0) == 0);
    CHECK(walk.boundUpTo(5) == 0);
    CHECK_FALSE(walk.plateaued(2));
    walk.bounds = {0, 0, 0};
    // No bound yet: a walk over windows that need no recomputation never pauses.
    CHECK_FALSE(walk.plateaued(2));
    walk.bounds = {0, 270, 436, 740};
    CHECK(walk.boundUpTo(0) == 0);
    CHECK(walk.boundUpTo(2) == 436);
    CHECK(walk.boundUpTo(3) == 740);
    CHECK(walk.boundUpTo(9) == 740);  // longer windows than those searched: the longest one's
    CHECK_FALSE(walk.plateaued(2));
    walk.bounds.push_back(740);
    CHECK_FALSE(walk.plateaued(2));  // one window without a rise
    CHECK(walk.plateaued(1));
    walk.bounds.push_back(740);
    CHECK(walk.plateaued(2));
    CHECK_FALSE(walk.plateaued(3));
    CHECK_FALSE(walk.plateaued(0));  // 0: never pauses
}

namespace {

// Windows' relaxations given by a table: per depth, the bound and whether the search ends, by
// window index (window i is [end + 1 - (i + 1) * step, end]). Records what the sweep asked.
class TableSearcher final : public WindowSearcher {
public:
    struct Entry {
        int64_t bound;
        bool proven;
    };
    struct Call {
        int first, depth;
        int64_t floor;
    };
    TableSearcher(int end, int step, std::vector<std::vector<Entry>> byDepth)
        : end_(end), step_(step), byDepth_(std::move(byDepth)) {}

    WindowSolve solve(int first, int last, int depth, int64_t floor) override {
        REQUIRE(last == end_);
        calls.push_back({first, depth, floor});
        const auto off = offGrid.find({first, depth});
        if (off == offGrid.end()) REQUIRE((end_ + 1 - first) % step_ == 0);
        const int i = (end_ + 1 - first) / step_ - 1;
        const Entry& e =
            off != offGrid.end() ? off->second : byDepth_.at(static_cast<size_t>(depth - 1)).at(static_cast<size_t>(i));
        WindowSolve s;
        s.bound = std::max(floor, e.bound);  // a search starts from its floor
        s.proven = e.proven;
        s.infeasible = e.bound < 0;
        return s;
    }
    bool expired() const override { return false; }

    std::vector<Call> calls;
    std::map<std::pair<int, int>, Entry> offGrid;  // windows between the grid's, by (first, depth)

private:
    int end_, step_;
    std::vector<std::vector<Entry>> byDepth_;
};

}  // namespace

TEST_CASE("window bound: the sweep pauses a depth whose bound stops rising and goes on only past a proven best") {
    using E = TableSearcher::Entry;
    // Depth 1 rises to 20 at the second window and stays there; depth 2 rises faster.
    const std::vector<E> depth1 = {{10, true}, {20, true}, {20, true}, {20, true}, {30, true},
                                   {30, true}, {30, true}, {35, false}, {40, true}, {40, true}};
    SUBCASE("the best window did not end: its search gets the time, not the long shallow windows") {
        TableSearcher t(99, 10, {depth1, {{15, true}, {40, true}, {50, false}, {60, true}}});
        t.offGrid[{75, 2}] = {45, false};
        const EndSweep s = sweepEnd(99, 10, 2, 2, t);
        // Depth 1 pauses after two windows without a rise (windows 0-3), depth 2 searches the
        // windows depth 1 reached until one does not end, then the window halfway back to the
        // last that ended.
        const std::vector<std::tuple<int, int, int64_t>> expected = {
            {90, 1, 0}, {80, 1, 10}, {70, 1, 20}, {60, 1, 20}, {90, 2, 10}, {80, 2, 20}, {70, 2, 40}, {75, 2, 40}};
        REQUIRE(t.calls.size() == expected.size());
        for (size_t k = 0; k < expected.size(); ++k) {
            CAPTURE(k);
            CHECK(t.calls[k].first == std::get<0>(expected[k]));
            CHECK(t.calls[k].depth == std::get<1>(expected[k]));
            CHECK(t.calls[k].floor == std::get<2>(expected[k]));
        }
        CHECK(s.best.first == 70);
        CHECK(s.best.depth == 2);
        CHECK(s.best.bound == 50);
        CHECK_FALSE(s.best.proven);
        // What the time left searches again is the kept window itself.
        REQUIRE(s.frontier);
        CHECK(s.frontier->first == 70);
        CHECK(s.lastFirst == 60);
        CHECK_FALSE(s.infeasible);
    }
    SUBCASE("a proven best: the second pass goes on from the pauses") {
        TableSearcher t(99, 10, {depth1, {{15, true}, {40, true}, {45, true}, {45, true}, {60, true},
                                          {60, true}, {60, true}, {70, true}, {70, true}, {70, true}}});
        const EndSweep s = sweepEnd(99, 10, 2, 2, t);
        // Pass 1: depth 1 windows 0-3, depth 2 windows 0-3 (its bound still rose at window 2).
        // Pass 2: depth 1 from window 4 until window 7 does not end, then depth 2 windows 4-7.
        std::vector<std::pair<int, int>> order;
        for (const auto& c : t.calls) order.emplace_back(c.first, c.depth);
        const std::vector<std::pair<int, int>> expected = {{90, 1}, {80, 1}, {70, 1}, {60, 1}, {90, 2}, {80, 2},
                                                           {70, 2}, {60, 2}, {50, 1}, {40, 1}, {30, 1}, {20, 1},
                                                           {50, 2}, {40, 2}, {30, 2}, {20, 2}};
        CHECK(order == expected);
        // Window 4 at depth 2 starts from the best of its shorter windows at depth 2 (45) and of
        // itself at depth 1 (30).
        CHECK(t.calls[12].floor == 45);
        CHECK(s.best.bound == 70);
        CHECK(s.best.first == 20);
        CHECK(s.best.proven);
        // The longest window at depth 1 did not end: that is what the time left may search.
        REQUIRE(s.frontier);
        CHECK(s.frontier->first == 20);
        CHECK(s.frontier->bound == 35);
        CHECK(s.lastFirst == 20);
    }
    SUBCASE("a proven window halfway back from one that did not end is kept, and the second pass goes on") {
        TableSearcher t(99, 10, {depth1, {{15, true}, {40, true}, {50, false}, {60, true}}});
        t.offGrid[{75, 2}] = {55, true};
        const EndSweep s = sweepEnd(99, 10, 2, 2, t);
        std::vector<std::pair<int, int>> order;
        for (const auto& c : t.calls) order.emplace_back(c.first, c.depth);
        const std::vector<std::pair<int, int>> expected = {{90, 1}, {80, 1}, {70, 1}, {60, 1}, {90, 2}, {80, 2},
                                                           {70, 2}, {75, 2}, {50, 1}, {40, 1}, {30, 1}, {20, 1}};
        CHECK(order == expected);
        CHECK(s.best.first == 75);
        CHECK(s.best.depth == 2);
        CHECK(s.best.bound == 55);
        CHECK(s.best.proven);
        CHECK(s.halfway == 1);
        REQUIRE(s.frontier);  // the longest window at depth 1, which did not end
        CHECK(s.frontier->first == 20);
    }
    SUBCASE("a halfway window whose relaxation has no schedule ends the sweep") {
        TableSearcher t(99, 10, {depth1, {{15, true}, {40, true}, {50, false}, {60, true}}});
        t.offGrid[{75, 2}] = {-1, true};
        const EndSweep s = sweepEnd(99, 10, 2, 2, t);
        CHECK(s.infeasible);
        CHECK(s.best.first == 75);
        CHECK(s.best.depth == 2);
        CHECK(t.calls.back().first == 75);
        CHECK(s.halfway == 1);
    }
    SUBCASE("no window halfway when the grid's windows are a stage apart") {
        TableSearcher t(99, 1, {{{10, true}, {20, false}}, {{15, true}, {30, false}}});
        const EndSweep s = sweepEnd(99, 1, 2, 0, t);
        CHECK(t.calls.size() == 4);
        CHECK(s.halfway == 0);
        CHECK(s.best.bound == 30);
        CHECK(s.best.first == 98);
    }
    SUBCASE("without a plateau: one pass, each depth as far as its searches end") {
        TableSearcher t(99, 10, {depth1, {{15, true}, {40, true}, {50, false}, {60, true}}});
        t.offGrid[{75, 2}] = {45, false};
        const EndSweep s = sweepEnd(99, 10, 2, 0, t);
        REQUIRE(t.calls.size() == 8 + 3 + 1);
        for (size_t k = 0; k < 8; ++k) CHECK(t.calls[k].depth == 1);
        CHECK(t.calls[8].floor == 10);
        CHECK(s.best.bound == 50);
    }
    SUBCASE("a relaxation without a schedule ends the sweep") {
        TableSearcher t(99, 10, {{{10, true}, {-1, true}}});
        const EndSweep s = sweepEnd(99, 10, 1, 2, t);
        CHECK(s.infeasible);
        CHECK(s.best.first == 80);
        CHECK(t.calls.size() == 2);
    }
}
