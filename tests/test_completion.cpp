// search/Completion against its definition: the computations materialize() gives for the
// completion's plan, and the first overload found by a plain sweep over all end points.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "model/Peak.h"
#include "model/Schedule.h"
#include "search/Completion.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;

namespace {
// The earliest event whose memory exceeds the budget, by sorting every start and end.
int64_t referenceFirstOverload(const Graph& g, const Schedule& s, int64_t budget) {
    std::vector<std::pair<int64_t, int64_t>> deltas;
    for (const auto& c : s.computations) {
        deltas.emplace_back(c.end, -g.size(c.node));
        deltas.emplace_back(c.start, g.size(c.node));
    }
    std::sort(deltas.begin(), deltas.end());
    int64_t live = 0;
    for (size_t i = 0; i < deltas.size(); ++i) {
        live += deltas[i].second;
        if ((i + 1 == deltas.size() || deltas[i + 1].first != deltas[i].first) && live > budget) return deltas[i].first;
    }
    return -1;
}
// The completion's plan by its definition, read from the domains: present extra copies at their
// latest allowed stage (a stage not above the previous copy's is left out), the others absent.
StagedPlan referencePlan(const RematModel& model) {
    const solver::Engine& e = model.engine();
    StagedPlan plan = StagedPlan::noRecompute(model.graph().numNodes());
    for (int k = 0; k < model.graph().numNodes(); ++k)
        for (int i = 1; i < model.copies(); ++i) {
            const StageTask& t = model.task(k, i);
            if (!e.isTrue(t.presence)) continue;
            const int st = static_cast<int>(e.ub(t.stage));
            if (plan.recomputeStages[k].empty() || plan.recomputeStages[k].back() < st) plan.recomputeStages[k].push_back(st);
        }
    return plan;
}
}  // namespace

TEST_CASE("completion: equals materialize of its plan and finds the first overload, on random search states") {
    std::mt19937_64 rng(31);
    int states = 0, overloads = 0, multiCopy = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const int n = 3 + static_cast<int>(rng() % 10);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.4}, seed + 70);
        const int64_t budget = testing::randomBudget(g, rng);
        const int copies = 1 + static_cast<int>(rng() % 3);
        RematModel model(Instance{g, budget, copies}, ModelOptions{});
        solver::Engine& e = model.engine();
        if (!e.fixpoint()) continue;
        Completion completion(model);
        CAPTURE(seed);
        // A random dive: presences and stage bounds of extra copies. On odd seeds, as an LNS step
        // does, some extra copies are decided first and the scope is set there, at the dive's root.
        e.pushLevel();
        const bool scoped = seed % 2 == 1;
        if (scoped) {
            bool ok = true;
            for (int k = 0; k < n && ok; ++k)
                for (int i = 1; i < copies && ok; ++i)
                    if (rng() % 2 == 0 && !e.isFixed(model.task(k, i).presence))
                        ok = e.fix(model.task(k, i).presence, static_cast<int64_t>(rng() % 3 == 0));
            if (!ok || !e.fixpoint()) {
                e.popToLevel(0);
                continue;
            }
            completion.setScope();
        }
        for (int step = 0; step < 3 * n; ++step) {
            const StageTask& t = model.task(static_cast<int>(rng() % static_cast<uint64_t>(n)),
                                            static_cast<int>(rng() % static_cast<uint64_t>(copies)));
            bool ok = true;
            if (!e.isFixed(t.presence)) ok = e.fix(t.presence, static_cast<int64_t>(rng() % 2));
            else if (e.isTrue(t.presence) && !e.isFixed(t.stage)) ok = e.setUb(t.stage, e.ub(t.stage) - 1);
            if (!ok || !e.fixpoint()) break;
            completion.build();
            REQUIRE(completion.plan().recomputeStages == referencePlan(model).recomputeStages);
            Schedule reference = materialize(g, completion.plan());
            REQUIRE(completion.computations() == reference.computations);
            // A node with two or more copies takes the other path of build(): count those states.
            const StagedPlan plan = completion.plan();
            multiCopy += std::any_of(plan.recomputeStages.begin(), plan.recomputeStages.end(),
                                     [](const std::vector<int>& st) { return !st.empty(); });
            const auto [t0, node] = completion.firstOverload();
            CHECK(t0 == referenceFirstOverload(g, reference, budget));
            if (t0 >= 0) {
                ++overloads;
                auto at = std::find_if(reference.computations.begin(), reference.computations.end(),
                                       [&](const Computation& c) { return c.start == t0; });
                REQUIRE(at != reference.computations.end());
                CHECK(node == at->node);
            }
            ++states;
        }
        e.popToLevel(0);
    }
    MESSAGE(states << " states, " << overloads << " with an overload, " << multiCopy << " with a recomputation");
    CHECK(states > 300);
    CHECK(multiCopy > 100);
    CHECK(overloads > 50);
}
