#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "model/Budget.h"
#include "model/Generator.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Validator.h"
#include "search/GivenOrder.h"
#include "search/Greedy.h"
#include "search/GreedyPortfolio.h"
#include "tests/support/BruteForce.h"
#include "tests/support/LayeredGraph.h"
#include "tests/support/RandomGraphs.h"
#include "tests/support/SharedGraphs.h"

using namespace moccasin;
using moccasin::testing::makeGraph;

namespace {
// Runs the greedy and, when it returns a plan, checks it against the independent validator and
// the model's rules (stages after the node's own, at most C copies). Returns whether it succeeded.
bool greedyValid(const Graph& g, int64_t budget, int copies) {
    GreedyResult r = bestGreedyPlan(Instance{g, budget, copies});
    if (!r.plan) {
        CHECK_FALSE(r.failure.empty());
        return false;
    }
    for (int k = 0; k < g.numNodes(); ++k) {
        CHECK(static_cast<int>(r.plan->recomputeStages[k].size()) <= copies - 1);
        for (int s : r.plan->recomputeStages[k]) CHECK(s > k);
    }
    Schedule s = materialize(g, *r.plan);
    ValidationResult v = validateSchedule(g, s.computations, budget, copies);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(v.peak <= budget);
    return v.ok;
}
}  // namespace

TEST_CASE("greedy: at or above the reference peak nothing is recomputed") {
    for (uint64_t seed = 0; seed < 50; ++seed) {
        Graph g = testing::randomDag({.nodes = 12}, seed);
        GreedyResult r = greedyPlan(Instance{g, referencePeak(g), 2});
        REQUIRE(r.plan);
        CHECK(r.plan->numRecomputations() == 0);
        CHECK(r.evictions == 0);
    }
}

TEST_CASE("greedy: drops a long-lived output and recomputes it just before its next use") {
    // 0 feeds 1 and 3; 1 and 2 are large. Peak 14 at stage 2; budget 12 forces dropping 0.
    Graph g = makeGraph({1, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    GreedyResult r = greedyPlan(Instance{g, 12, 2});
    REQUIRE(r.plan);
    CHECK(r.plan->recomputeStages[0] == std::vector<int>{3});
    CHECK(greedyValid(g, 12, 2));
    // With one copy per node nothing can be recomputed: the greedy says it cannot.
    GreedyResult one = greedyPlan(Instance{g, 12, 1});
    CHECK_FALSE(one.plan);
    CHECK(one.failure.find("exceeds the budget 12") != std::string::npos);
}

TEST_CASE("greedy: recomputing an output also brings back its dropped inputs") {
    // Chain 0 -> 1 -> 2 and 1 -> 5; 3 and 4 are big sinks that force 1 (and then 0) out.
    Graph g = makeGraph({1, 1, 1, 1, 1, 1}, {2, 3, 1, 6, 6, 1}, {{0, 1}, {1, 2}, {1, 5}});
    int64_t budget = budgetLowerLimit(g) + 1;  // 7: cannot keep 1 while 3 or 4 is made
    CHECK(greedyValid(g, budget, 2));
}

TEST_CASE("greedy: on tiny DAGs it never beats the exhaustive optimum and usually finds a schedule") {
    std::mt19937_64 rng(7);
    int feasible = 0, met = 0, optimal = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        int n = 4 + static_cast<int>(rng() % 4);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.2 + 0.4 * static_cast<double>(rng() % 100) / 100}, seed);
        int64_t budget = testing::randomBudget(g, rng);
        int copies = 1 + static_cast<int>(rng() % 3);
        CAPTURE(seed);
        auto exact = testing::bruteForce(g, budget, copies);
        bool ok = greedyValid(g, budget, copies);
        if (!exact.optimum) {
            CHECK_FALSE(ok);  // the greedy cannot find what does not exist
            continue;
        }
        ++feasible;
        if (!ok) continue;
        ++met;
        int64_t cost = evaluate(g, materialize(g, *bestGreedyPlan(Instance{g, budget, copies}).plan)).cost;
        CHECK(cost >= *exact.optimum);
        optimal += cost == *exact.optimum ? 1 : 0;
    }
    MESSAGE("greedy met " << met << " of " << feasible << " feasible tiny instances, " << optimal << " optimally");
    CHECK(met * 100 >= feasible * 95);
}

TEST_CASE("greedy: 500 generated layered graphs of 5 to 200 nodes") {
    // Budgets anywhere between the lower limit and the peak: some are infeasible, and the greedy
    // may miss feasible ones near the limit; what it returns must always validate. From 0.8 of
    // the peak up it is expected to succeed.
    std::mt19937_64 rng(11);
    int successes = 0, easy = 0, easyMet = 0;
    for (uint64_t seed = 0; seed < 500; ++seed) {
        const int nodes = 5 + static_cast<int>(rng() % 196);
        Graph g = testing::layeredGraph(nodes, seed);
        int64_t budget = testing::randomBudget(g, rng);
        const int64_t hi = referencePeak(g);
        CAPTURE(seed);
        CAPTURE(nodes);
        bool ok = greedyValid(g, budget, 2);
        successes += ok ? 1 : 0;
        if (budget * 10 >= hi * 8) {
            ++easy;
            easyMet += ok ? 1 : 0;
        }
    }
    MESSAGE("greedy met the budget on " << successes << " of 500 generated graphs, " << easyMet << " of " << easy
                                        << " with budgets of at least 0.8 of the peak");
    CHECK(easyMet * 100 >= easy * 85);
}

TEST_CASE("greedy: every benchmark graph at 0.9, 0.8 and 0.7 of its peak") {
    // 0.9 and 0.8 must be met; at 0.7 the greedy does not yet reach every graph (the rl_* ones),
    // but whatever it returns validates.
    auto files = testing::sharedGraphFiles();
    if (files.empty()) MESSAGE("../shared/graphs not found: skipped");
    for (const auto& f : files) {
        Graph g = loadGraphFile(f);
        for (const char* fraction : {"0.9", "0.8", "0.7"}) {
            int64_t budget = Budget::parse(fraction).resolve(referencePeak(g));
            if (budget < budgetLowerLimit(g)) continue;
            CAPTURE(f);
            CAPTURE(fraction);
            bool ok = greedyValid(g, budget, 2);
            if (std::string(fraction) != "0.7") CHECK(ok);
            else if (!ok) MESSAGE("greedy misses 0.7 on " << f);
        }
    }
}

TEST_CASE("greedy: a walk allowed over the budget returns a complete plan and its true peak") {
    // The same instance as above with one copy: nothing can be dropped, so the walk must go over.
    Graph g = makeGraph({1, 1, 1, 1}, {5, 7, 9, 1}, {{0, 3}, {0, 1}});
    GreedyOptions o;
    o.allowExcess = true;
    GreedyResult r = greedyPlan(Instance{g, 12, 1}, o);
    CHECK_FALSE(r.plan);
    REQUIRE(r.overBudget);
    CHECK(r.failure.find("exceeds the budget 12") != std::string::npos);
    Schedule s = materialize(g, *r.overBudget);
    // Valid at its own peak (the validator's budget check is the only one it fails at 12).
    ValidationResult v = validateSchedule(g, s.computations, referencePeak(g), 1);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(v.peak > 12);
    CHECK(v.peak == evaluate(g, s).peak);
    // The portfolio reports the same: no plan, the over-budget one with its peak.
    GreedyResult best = bestGreedyPlan(Instance{g, 12, 1});
    CHECK_FALSE(best.plan);
    REQUIRE(best.overBudget);
    CHECK(best.overBudgetPeak == evaluate(g, materialize(g, *best.overBudget)).peak);
}

TEST_CASE("greedy: walks over the budget on random DAGs stay within the copy limit and never claim to fit") {
    int overBudget = 0;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        Graph g = testing::randomDag({.nodes = 10, .edgeProbability = 0.35}, seed);
        int64_t budget = budgetLowerLimit(g);  // often below what the greedy reaches
        int copies = 1 + static_cast<int>(seed % 3);
        GreedyOptions o;
        o.allowExcess = true;
        GreedyResult r = greedyPlan(Instance{g, budget, copies}, o);
        CAPTURE(seed);
        REQUIRE((r.plan.has_value() != r.overBudget.has_value()));
        const StagedPlan& p = r.plan ? *r.plan : *r.overBudget;
        Schedule s = materialize(g, p);
        ValidationResult v = validateSchedule(g, s.computations, referencePeak(g) * 4, copies);
        CHECK_MESSAGE(v.ok, v.violation);
        if (r.plan) CHECK(v.peak <= budget);
        if (r.overBudget) {
            CHECK(v.peak > budget);
            ++overBudget;
        }
    }
    CHECK(overBudget > 0);  // the case is exercised
}

TEST_CASE("greedy: an expired deadline ends a walk with a reason, and the portfolio's first walk still runs") {
    Graph g = testing::layeredGraph(300, 3);
    Deadline expired(0.0);
    GreedyOptions o;
    o.deadline = &expired;
    GreedyResult r = greedyPlan(Instance{g, referencePeak(g) * 9 / 10, 2}, o);
    CHECK_FALSE(r.plan);
    CHECK(r.failure.find("time limit") != std::string::npos);
    // bestGreedyPlan always completes one walk, so a schedule exists whenever that walk fits.
    GreedyResult best = bestGreedyPlan(Instance{g, referencePeak(g), 2}, &expired);
    CHECK(best.plan);
}

TEST_CASE("greedy: the sampled victim search (over 1,024 live outputs) returns validated plans") {
    // A wide generated graph: thousands of outputs live at the peak, so evictions sample.
    Graph g = testing::layeredGraph(6000, 2);
    for (int percent : {95, 90}) {
        int64_t budget = referencePeak(g) * percent / 100;
        CAPTURE(percent);
        CHECK(greedyValid(g, budget, 2));
    }
}

TEST_CASE("greedy: charging for Pending inputs meets budgets the plain walk misses, with valid plans") {
    // A victim whose inputs were evicted earlier drags their recomputation along; the plain score
    // ignores that, and its Pending chains grow until a stage cannot fit. Over 96 generated
    // instances (300 nodes, 80-65% of the peak, C = 2 and 4) the charging walk fits more often.
    int plainFits = 0, chargingFits = 0;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
        Graph g = testing::layeredGraph(300, seed);
        for (int percent : {80, 75, 70, 65})
            for (int copies : {2, 4}) {
                Instance inst{g, referencePeak(g) * percent / 100, copies};
                GreedyOptions plain, charging;
                charging.chargePending = true;
                plainFits += greedyPlan(inst, plain).plan.has_value();
                GreedyResult r = greedyPlan(inst, charging);
                if (!r.plan) continue;
                ++chargingFits;
                ValidationResult v = validateSchedule(g, materialize(g, *r.plan).computations, inst.budget, copies);
                CHECK_MESSAGE(v.ok, v.violation);
            }
    }
    CAPTURE(plainFits);
    CAPTURE(chargingFits);
    CHECK(chargingFits >= plainFits + 3);
}

TEST_CASE("greedy: the copies hint names a copy limit the greedy meets, and takes no time once the limit is past") {
    // 300 generated nodes at 75% of the peak: no greedy walk fits with 2 copies, some do with 4.
    Graph g = testing::layeredGraph(300, 10);
    Instance inst{g, referencePeak(g) * 75 / 100, 2};
    REQUIRE_FALSE(bestGreedyPlan(inst).plan);
    REQUIRE(bestGreedyPlan(Instance{g, inst.budget, 4}).plan);
    const Deadline plenty(30.0);
    CHECK(copiesHint(inst, plenty).find("--copies 4") != std::string::npos);
    Deadline expired(0.0);
    CHECK(copiesHint(inst, expired).empty());
    // Where the copies are not what blocks, nothing is claimed.
    Instance below{g, budgetLowerLimit(g), 2};
    CHECK(copiesHint(below, plenty).empty() == !bestGreedyPlan(Instance{g, below.budget, 8}).plan);
}

TEST_CASE("greedy: giving up plans that cannot score best changes no walk") {
    // Every eviction plan worked out in full (fullPlans) against the default walk, which gives up
    // a plan once the part seen so far scores worse than the best complete plan, and works out
    // the plan without the revival preference only when that preference changed something.
    // Without jitter the two walks must be the same, step for step. On these graphs the best plan
    // of an eviction sometimes no longer applies (a revival stops fitting), so the fallback that
    // works out every plan of the shortlist again runs too (390 times here).
    struct Case {
        int nodes;
        uint64_t seed;
    };
    int compared = 0, met = 0;
    for (Case c : {Case{200, 1}, Case{300, 2}, Case{300, 3}, Case{300, 4}, Case{600, 5}}) {
        Graph g = testing::layeredGraph(c.nodes, c.seed);
        for (int percent : {85, 70, 60})
            for (int copies : {2, 4})
                for (VictimRule rule : {VictimRule::Dtr, VictimRule::CostPerByte, VictimRule::LargestSize})
                    for (bool charge : {false, true})
                        for (bool excess : {false, true}) {
                            CAPTURE(c.nodes);
                            CAPTURE(c.seed);
                            CAPTURE(percent);
                            CAPTURE(copies);
                            CAPTURE(static_cast<int>(rule));
                            CAPTURE(charge);
                            CAPTURE(excess);
                            Instance inst{g, referencePeak(g) * percent / 100, copies};
                            GreedyOptions fast, full;
                            fast.rule = full.rule = rule;
                            fast.chargePending = full.chargePending = charge;
                            fast.allowExcess = full.allowExcess = excess;
                            full.fullPlans = true;
                            GreedyResult a = greedyPlan(inst, fast), b = greedyPlan(inst, full);
                            CHECK(a.evictions == b.evictions);
                            CHECK(a.failure == b.failure);
                            REQUIRE(a.plan.has_value() == b.plan.has_value());
                            REQUIRE(a.overBudget.has_value() == b.overBudget.has_value());
                            if (a.plan) CHECK(a.plan->recomputeStages == b.plan->recomputeStages);
                            if (a.overBudget) CHECK(a.overBudget->recomputeStages == b.overBudget->recomputeStages);
                            ++compared;
                            met += a.plan.has_value();
                        }
    }
    // Budgets the walks meet and budgets they miss are both among them.
    CAPTURE(met);
    CHECK(met > compared / 5);
    CHECK(met < compared);
}

TEST_CASE("greedy: the portfolio's plan does not depend on the number of threads making its walks") {
    // Without a deadline every walk of the rounds up to the first that meets the budget runs, and
    // the cheapest (lowest-numbered among equals) is kept: the same plan with 1, 2 or 3 workers.
    // Budgets of 0.55-0.85 of the peak make the jittered rounds run, and some meet the budget
    // there. Graphs of hundreds of nodes, so that each walk takes long enough for the workers to run
    // side by side (and finish out of order).
    std::mt19937_64 rng(29);
    int met = 0, metLate = 0, missed = 0;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        Graph g = testing::layeredGraph(200 + static_cast<int>(rng() % 300), seed + 1000);
        const int64_t budget = referencePeak(g) * (55 + static_cast<int64_t>(rng() % 30)) / 100;
        const int copies = 2 + static_cast<int>(seed % 3);
        const Instance inst{g, budget, copies};
        CAPTURE(seed);
        const GreedyResult one = bestGreedyPlan(inst, nullptr, false, seed % 2 == 0, 1);
        for (int threads : {2, 3}) {
            CAPTURE(threads);
            const GreedyResult more = bestGreedyPlan(inst, nullptr, false, seed % 2 == 0, threads);
            REQUIRE(one.plan.has_value() == more.plan.has_value());
            if (one.plan) CHECK(one.plan->recomputeStages == more.plan->recomputeStages);
            CHECK(one.failure == more.failure);
            CHECK(one.overBudgetPeak == more.overBudgetPeak);
        }
        if (!one.plan) {
            ++missed;
            continue;
        }
        ++met;
        // Met only by a jittered round: the walks of round 0 all missed.
        bool round0 = false;
        for (VictimRule rule : {VictimRule::Dtr, VictimRule::CostPerByte, VictimRule::LargestSize})
            for (bool charge : {false, true}) {
                GreedyOptions o;
                o.rule = rule;
                o.chargePending = charge;
                round0 = round0 || greedyPlan(inst, o).plan.has_value();
            }
        if (!round0) ++metLate;
    }
    MESSAGE("met " << met << " (" << metLate << " only by jittered rounds), missed " << missed);
    CHECK(metLate > 0);
    CHECK(missed > 0);
}

TEST_CASE("greedy: the portfolio numbers its walks in rounds and keeps the cheapest of the rounds up to the first that met") {
    // Round 0: the charging walk, then the three rules with exact scores; then rounds of three
    // jittered walks, charging in odd rounds.
    CHECK(walkSpec(0).round == 0);
    CHECK(walkSpec(0).chargePending);
    CHECK(walkSpec(0).noise == 0);
    for (uint64_t k = 1; k <= 3; ++k) {
        CHECK(walkSpec(k).round == 0);
        CHECK_FALSE(walkSpec(k).chargePending);
        CHECK(walkSpec(k).noise == 0);
    }
    CHECK(walkSpec(1).rule != walkSpec(2).rule);
    CHECK(walkSpec(2).rule != walkSpec(3).rule);
    CHECK(walkSpec(4).round == 1);
    CHECK(walkSpec(4).chargePending);
    CHECK(walkSpec(6).round == 1);
    CHECK(walkSpec(7).round == 2);
    CHECK_FALSE(walkSpec(7).chargePending);
    CHECK(walkSpec(7).noise == 2);

    // Workers finish in any order: the same choice.
    std::vector<MetWalk> met = {{9, 2, 100}, {5, 1, 120}, {6, 1, 110}, {4, 1, 110}};
    CHECK(chooseWalk(met, 1) == std::optional<size_t>(3));  // walk 9 is of a later round; 4 beats 6 at equal cost
    CHECK(chooseWalk(met, 2) == std::optional<size_t>(0));
    std::reverse(met.begin(), met.end());
    CHECK(chooseWalk(met, 1) == std::optional<size_t>(0));
    CHECK(chooseWalk(met, 0) == std::nullopt);
    CHECK(chooseWalk({}, 5) == std::nullopt);
}
