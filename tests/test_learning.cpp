// Learning (solver/ConflictAnalysis.h, the propagators' explanations, learnt nogoods): every
// explanation implies its change, every learnt nogood excludes only non-solutions, and the exact
// search with learning proves the optima of the exhaustive enumeration.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

#include "model/Peak.h"
#include "search/ExactSearch.h"
#include "search/RematModel.h"
#include "search/TreeSearch.h"
#include "solver/ConflictAnalysis.h"
#include "solver/Implications.h"
#include "solver/NogoodStore.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"

using namespace moccasin;
using solver::BoundLiteral;
using solver::Engine;

namespace {

// True when the literals, applied to a fresh model of the instance and propagated, fail or
// make `implied` true (with no `implied`: fail).
bool impliesInFreshModel(const Instance& inst, const ModelOptions& options, const std::vector<BoundLiteral>& lits,
                         const BoundLiteral* implied) {
    RematModel fresh(inst, options);
    Engine& e = fresh.engine();
    if (!e.fixpoint()) return true;
    e.pushLevel();
    for (const BoundLiteral& l : lits)
        if (!l.apply(e)) return true;
    if (!e.fixpoint()) return true;
    return implied && implied->isTrue(e);
}

ModelOptions randomOptions(std::mt19937_64& rng) {
    ModelOptions options;
    options.ttef = rng() % 3 == 0;
    options.boundWindows = rng() % 2 == 0;
    options.timetableFiltering = rng() % 4 != 0;
    return options;
}

}  // namespace

TEST_CASE("implications: bounds before every entry and the entry that made a literal true follow pushes and pops") {
    Engine e;
    std::vector<solver::VarId> vars;
    for (int i = 0; i < 3; ++i) vars.push_back(e.addVar(0, 100));
    e.setLearning(true);
    std::mt19937_64 rng(5);
    // Snapshots of all bounds before each entry, kept in step with the trail.
    std::vector<std::vector<solver::Bounds>> before;
    auto snapshot = [&] {
        std::vector<solver::Bounds> b;
        for (auto x : vars) b.push_back({e.lb(x), e.ub(x)});
        return b;
    };
    for (int step = 0; step < 2000; ++step) {
        const int op = static_cast<int>(rng() % 6);
        if (op == 0 && e.level() > 0) {
            e.popToLevel(static_cast<int32_t>(rng() % static_cast<uint64_t>(e.level())));
            before.resize(static_cast<size_t>(e.implications().size()));
            continue;
        }
        if (op == 1 || e.level() == 0) {
            e.pushLevel();
            continue;
        }
        const solver::VarId x = vars[rng() % vars.size()];
        const int64_t lb = e.lb(x), ub = e.ub(x);
        if (lb == ub) continue;
        const int64_t v = lb + 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(ub - lb));  // in (lb, ub]
        const auto snap = snapshot();
        const int64_t size = e.implications().size();
        if (rng() % 2) REQUIRE(e.setLb(x, v));
        else REQUIRE(e.setUb(x, v - 1));
        REQUIRE(e.implications().size() == size + 1);
        before.push_back(snap);
        // Every bound before every entry, and now.
        for (int64_t pos = 0; pos <= e.implications().size(); ++pos) {
            const auto& b = pos < e.implications().size() ? before[static_cast<size_t>(pos)] : snapshot();
            for (size_t k = 0; k < vars.size(); ++k) {
                CHECK(e.lbAt(vars[k], pos) == b[k].lb);
                CHECK(e.ubAt(vars[k], pos) == b[k].ub);
            }
        }
        // The first entry that made [x >= w] true.
        const int64_t w = e.lb(x) - static_cast<int64_t>(rng() % 3);
        const int32_t first = e.implications().entryOf(x, true, w);
        int32_t expected = -1;
        for (int64_t pos = e.implications().size(); pos-- > 0;)
            if (before[static_cast<size_t>(pos)][static_cast<size_t>(x)].lb < w) {
                expected = static_cast<int32_t>(pos);
                break;
            }
        if (w <= 0) expected = -1;
        CHECK(first == expected);
        // Whether a random literal held before a random entry, and the entry that made it true.
        const auto count = e.implications().size();
        const int64_t pos = static_cast<int64_t>(rng() % static_cast<uint64_t>(count + 1));
        const bool lower = rng() % 2 == 0;
        const int64_t u = static_cast<int64_t>(rng() % 101);
        auto at = [&](int64_t p) -> const std::vector<solver::Bounds> { return p < count ? before[static_cast<size_t>(p)] : snapshot(); };
        auto sat = [&](int64_t p) {
            const solver::Bounds b = at(p)[static_cast<size_t>(x)];
            return lower ? b.lb >= u : b.ub <= u;
        };
        const auto h = e.implications().heldBefore(x, lower, u, pos, lower ? e.lb(x) : e.ub(x));
        CHECK(h.held == sat(pos));
        if (h.held) {
            int32_t made = -1;
            for (int64_t p = pos; p-- > 0;)
                if (!sat(p)) {
                    made = static_cast<int32_t>(p);
                    break;
                }
            CHECK(h.entry == made);
        }
    }
}

TEST_CASE("learning: every explanation of a random dive implies its change in a fresh model") {
    std::mt19937_64 rng(31);
    int64_t checked = 0, conflicts = 0;
    std::map<std::string, int64_t> byPropagator;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        Graph g = testing::randomDag({.nodes = 5 + static_cast<int>(seed % 6), .edgeProbability = 0.35}, seed + 700);
        const Instance inst{g, testing::randomBudget(g, rng), 2 + static_cast<int>(seed % 2)};
        const ModelOptions options = randomOptions(rng);
        CAPTURE(seed);
        RematModel model(inst, options);
        Engine& e = model.engine();
        if (!e.fixpoint()) continue;
        e.setLearning(true);
        // Random decisions on random variables, propagated, until a failure or all fixed.
        while (true) {
            std::vector<solver::VarId> open;
            for (solver::VarId x = 0; x < e.numVars(); ++x)
                if (!e.isFixed(x)) open.push_back(x);
            if (open.empty()) break;
            const solver::VarId x = open[rng() % open.size()];
            const int64_t mid = e.lb(x) + static_cast<int64_t>(rng() % static_cast<uint64_t>(e.ub(x) - e.lb(x)));
            const int64_t start = e.implications().size();
            e.pushLevel();
            const bool ok = (rng() % 2 ? e.setUb(x, mid) : e.setLb(x, mid + 1)) && e.fixpoint();
            for (int64_t pos = start; pos < e.implications().size(); ++pos) {
                const solver::Implication& entry = e.implications()[pos];
                if (!entry.by) continue;
                const BoundLiteral lit{entry.var, entry.lower, entry.value};
                std::vector<BoundLiteral> reason;
                if (!entry.by->explain(e, entry.code, &lit, pos, reason)) continue;  // declined: no learning
                for (const BoundLiteral& r : reason) {
                    const bool trueBefore = r.lower ? e.lbAt(r.var, pos) >= r.value : e.ubAt(r.var, pos) <= r.value;
                    CHECK_MESSAGE(trueBefore, entry.by->name());
                }
                INFO(entry.by->name() << " explains [x" << lit.var << (lit.lower ? " >= " : " <= ") << lit.value
                                      << "] with " << reason.size() << " literals, code " << entry.code);
                // The stage-cut bound depends on its multipliers, which a fresh model does not have:
                // its explanation (every bound it reads) is checked by the nogood and optimum tests.
                if (entry.by->name() == "recompute-bound") continue;
                CHECK(impliesInFreshModel(inst, options, reason, &lit));
                ++checked;
                ++byPropagator[std::string(entry.by->name())];
            }
            if (!ok) {
                const Engine::Conflict& c = e.conflict();
                REQUIRE(c.by != nullptr);
                std::vector<BoundLiteral> reason;
                REQUIRE(solver::ConflictAnalysis::conflictReason(e, reason));
                INFO(c.by->name() << " explains its failure with " << reason.size() << " literals");
                if (c.by->name() != "recompute-bound") CHECK(impliesInFreshModel(inst, options, reason, nullptr));
                ++conflicts;
                break;
            }
        }
    }
    MESSAGE(checked << " explanations and " << conflicts << " conflicts checked");
    CHECK(checked > 5000);
    for (const std::string name : {"Timetable", "objective-sum", "Cover", "LastUse", "CopyOrder"}) {
        CAPTURE(name);
        CHECK(byPropagator[name] > 50);  // each explanation was exercised
    }
    CHECK(conflicts > 100);
}

TEST_CASE("learning: no learnt nogood excludes a schedule cheaper than its cost bound") {
    // Each learnt nogood, imposed on a fresh model, leaves nothing for a search without learning.
    std::mt19937_64 rng(8);
    int64_t checked = 0;
    for (uint64_t seed = 0; seed < 150; ++seed) {
        Graph g = testing::randomDag({.nodes = 7 + static_cast<int>(seed % 3), .edgeProbability = 0.35}, seed + 900);
        const Instance inst{g, testing::randomBudget(g, rng), 2};
        const ModelOptions options = randomOptions(rng);
        CAPTURE(seed);
        RematModel model(inst, options);
        Engine& e = model.engine();
        if (!e.fixpoint()) continue;
        solver::NogoodStore& store = e.addPropagator(std::make_unique<solver::NogoodStore>());
        REQUIRE(e.fixpoint());
        e.setLearning(true);
        Deadline clock(std::nullopt);
        Incumbent incumbent(inst, clock);
        TreeSearch search(model, incumbent, seed);
        NogoodLimits limits;
        limits.restartNogoods = false;
        search.setNogoodStore(&store, limits);
        solver::ConflictAnalysis analysis(limits.learntMaxLength);
        search.setLearning(&analysis);
        REQUIRE(search.run(UINT64_MAX, clock, 0.3, "test") == TreeSearch::Outcome::Exhausted);
        CHECK(analysis.stats().badExplanations == 0);
        for (int64_t i = 0; i < store.size() && i < 40; ++i) {
            RematModel fresh(inst, options);
            Engine& f = fresh.engine();
            REQUIRE(f.fixpoint());
            f.pushLevel();
            bool applies = true;
            for (const BoundLiteral& l : store.nogood(i)) applies = applies && l.apply(f);
            Incumbent none(inst, clock);
            if (applies && f.fixpoint()) {
                TreeSearch check(fresh, none, 1);
                REQUIRE(check.run(UINT64_MAX, clock, 0.0, "check") == TreeSearch::Outcome::Exhausted);
            }
            CHECK_MESSAGE(!none.has(), "nogood " << i << " excludes a schedule of cost " << none.cost());
            ++checked;
        }
    }
    MESSAGE(checked << " learnt nogoods checked");
    CHECK(checked > 300);
}

TEST_CASE("learning: proven optima equal exhaustive enumeration on 300 random graphs with every technique") {
    std::mt19937_64 rng(99);
    int optimal = 0, infeasible = 0;
    uint64_t learnt = 0, prunings = 0, deleted = 0;
    for (uint64_t seed = 0; seed < 300; ++seed) {
        const int copies = 1 + static_cast<int>(seed % 3);
        const int n = 4 + static_cast<int>(rng() % (copies == 3 ? 3 : 5));
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.25 + 0.35 * static_cast<double>(rng() % 100) / 100},
                                     seed + 3000);
        const int64_t budget = testing::randomBudget(g, rng);
        ExactOptions opt;
        opt.seed = seed;
        opt.learning = true;
        opt.model = randomOptions(rng);
        opt.restartBase = 8;
        opt.restartsAfterIncumbent = seed % 4 == 0;
        opt.nogoods = seed % 3 != 0;
        opt.shaving = seed % 5 != 4;
        opt.windowAfterFailures = seed % 2 == 0 ? 0 : 20'000;
        // Tiny limits on the live learnt nogoods, so that the store deletes them often.
        opt.nogoodLimits.learntKeep = seed % 3 == 0 ? 0 : 2 + static_cast<int64_t>(seed % 7);
        CAPTURE(seed);
        const auto exact = testing::bruteForce(g, budget, copies);
        ExactResult r = solveExact(Instance{g, budget, copies}, opt, std::nullopt);
        REQUIRE((r.provedOptimal || r.provedInfeasible));
        if (r.statistics.contains("learning")) {
            CHECK(r.statistics["learning"]["bad_explanations"].get<uint64_t>() == 0);
            learnt += r.statistics["learning"]["learnt"].get<uint64_t>();
        }
        if (r.statistics.contains("nogoods")) {
            prunings += r.statistics["nogoods"]["prunings"].get<uint64_t>();
            deleted += r.statistics["nogoods"]["learnt_deleted"].get<uint64_t>();
        }
        if (!exact.optimum) {
            CHECK(r.provedInfeasible);
            ++infeasible;
            continue;
        }
        REQUIRE(r.provedOptimal);
        CHECK(r.bestCost == *exact.optimum);
        ++optimal;
    }
    MESSAGE(optimal << " optima, " << infeasible << " infeasibility proofs; " << learnt << " nogoods learnt, "
                    << deleted << " deleted, " << prunings << " bounds set by nogoods");
    CHECK(optimal > 150);
    CHECK(infeasible > 10);
    CHECK(learnt > 300);
    CHECK(prunings > 0);
    CHECK(deleted > 50);
}

TEST_CASE("learning: the exact search proves the same optima with and without it on 12-node graphs") {
    std::mt19937_64 rng(123);
    int proofs = 0;
    for (uint64_t seed = 0; seed < 30; ++seed) {
        Graph g = testing::randomDag({.nodes = 10 + static_cast<int>(seed % 3), .edgeProbability = 0.3}, seed + 4000);
        const int64_t budget = testing::randomBudget(g, rng);
        CAPTURE(seed);
        std::optional<int64_t> cost[2];
        bool infeasible[2] = {false, false};
        for (int learning = 0; learning < 2; ++learning) {
            ExactOptions opt;
            opt.seed = seed;
            opt.learning = learning == 1;
            ExactResult r = solveExact(Instance{g, budget, 2}, opt, std::nullopt);
            REQUIRE((r.provedOptimal || r.provedInfeasible));
            if (r.provedOptimal) cost[learning] = r.bestCost;
            infeasible[learning] = r.provedInfeasible;
        }
        CHECK(cost[0] == cost[1]);
        CHECK(infeasible[0] == infeasible[1]);
        proofs += cost[0].has_value();
    }
    CHECK(proofs > 15);
}
