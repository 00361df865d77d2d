// The searches that run several threads at once: the auto portfolio (an exact search beside LNS
// workers), LNS on two TBB workers, and a parallel solve stopped by the stop flag. They are in
// the doctest suite "threads", which ctest turns into the label that .ci/tsan runs under
// ThreadSanitizer; in the ordinary build they check the results the threads produce.
//
// TBB's scheduler is not instrumented, so ThreadSanitizer sees the hand-off of a task to a TBB
// worker only through the pthread_create that starts the worker, and the end of a task_group's
// tasks through the group's destructor. Hence each test case in the suite starts TBB workers at
// most once (one free-mode LNS run with threads >= 2; ctest runs every test case in a process of
// its own): a second parallel run in the same process would reuse the workers, and its
// hand-offs would be reported as races that are not there. The portfolio runs its LNS part on
// one thread (no TBB workers) beside a std::thread, which ThreadSanitizer understands completely.
// Deterministic LNS (parallel_for) is not here: parallel_for returns to its caller through TBB's
// uninstrumented code, so ThreadSanitizer misses that the workers' results are complete before
// they are read and reports races that are not there (results[i], found[i] in Lns.cpp, 2 runs
// in 8). Its workers share nothing while they run; test_lns.cpp checks its results.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/Budget.h"
#include "model/Generator.h"
#include "support/LayeredGraph.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Reorder.h"
#include "model/Validator.h"
#include "search/Greedy.h"
#include "search/OrderSearch.h"
#include "search/PeakDescent.h"
#include "tests/support/BruteForce.h"
#include "tests/support/RandomGraphs.h"
#include "search/Solver.h"
#include "search/StopFlag.h"
#include "tests/support/SharedGraphs.h"

using namespace moccasin;

namespace {

Graph layered(int nodes, uint64_t seed) { return testing::layeredGraph(nodes, seed); }

// The benchmark graph `name` (e.g. "rl_n100"), or nothing when ../shared/graphs is absent.
std::optional<Graph> sharedGraph(const std::string& name) {
    const std::string dir = testing::sharedGraphsDir();
    if (dir.empty() || !std::filesystem::exists(dir + "/" + name + ".json")) return std::nullopt;
    return loadGraphFile(dir + "/" + name + ".json");
}

// The stop flag is process-wide: every test that sets it clears it again, also on failure.
struct StopFlagReset {
    StopFlagReset() { stopRequested().store(false); }
    ~StopFlagReset() { stopRequested().store(false); }
};

// Progress lines arrive from whichever thread improved the incumbent; the solver serializes the
// calls, and this collects them under its own lock as well so that the test does not rely on it.
struct ProgressLog {
    std::mutex mutex;
    std::vector<std::string> lines;
    std::function<void(const SolveEvent&)> callback() {
        return [this](const SolveEvent& e) {
            std::lock_guard<std::mutex> lock(mutex);
            lines.push_back(std::to_string(e.cost) + " " + e.source);
        };
    }
    size_t size() {
        std::lock_guard<std::mutex> lock(mutex);
        return lines.size();
    }
};

// What every solve with a schedule must satisfy: the plan passes the independent validator and
// the proven bound does not exceed its cost (and meets it when the status says optimal).
// Returns the validated cost.
int64_t checkOutcome(const Graph& g, const SolveOutcome& out, int64_t budget, int copies) {
    REQUIRE_MESSAGE((out.status == SolveStatus::Optimal || out.status == SolveStatus::Feasible),
                    "status " << std::string(statusName(out.status)) << ": " << out.message);
    REQUIRE(out.solution);
    Schedule s = out.solution->schedule();
    ValidationResult v = validateSchedule(g, s.computations, budget, copies);
    CHECK_MESSAGE(v.ok, v.violation);
    CHECK(v.peak <= budget);
    REQUIRE(out.lowerBound);
    CHECK(*out.lowerBound >= g.baselineCost());
    CHECK(*out.lowerBound <= v.cost);
    if (out.status == SolveStatus::Optimal) CHECK(*out.lowerBound == v.cost);
    return v.cost;
}

SolveOptions portfolioOptions(int64_t budget, double seconds, ProgressLog& log) {
    SolveOptions opt;
    opt.budget = budget;
    opt.strategy = "auto";
    opt.threads = 2;  // one exact search beside one LNS worker
    opt.timeLimitSeconds = seconds;
    opt.onImprovement = log.callback();  // as the program does: the listener runs on the improving thread
    return opt;
}

// The portfolio ran both of its searches (not settled by the greedy and the root bound alone),
// and every improvement produced exactly one progress line.
void checkPortfolioRan(const SolveOutcome& out, ProgressLog& log) {
    CHECK(out.statistics.contains("exact"));
    CHECK(out.statistics.contains("lns"));
    REQUIRE(out.statistics.contains("solutions"));
    CHECK(log.size() == out.statistics["solutions"].get<size_t>());
}

}  // namespace

TEST_SUITE("threads") {

TEST_CASE("threads: auto portfolio on rl_n100 at 0.8 with 2 threads") {
    auto g = sharedGraph("rl_n100");
    if (!g) {
        MESSAGE("skipped: rl_n100.json not found in ../shared/graphs");
        return;
    }
    const int64_t budget = Budget::parse("0.8").resolve(referencePeak(*g));
    ProgressLog log;
    SolveOutcome out = solve(*g, portfolioOptions(budget, 2.0, log));
    checkOutcome(*g, out, budget, 2);
    checkPortfolioRan(out, log);
}

TEST_CASE("threads: auto portfolio on small generated graphs with 2 threads") {
    int ran = 0;
    for (uint64_t seed = 1; seed <= 8 && ran < 4; ++seed) {
        CAPTURE(seed);
        Graph g = layered(60 + 10 * static_cast<int>(seed % 4), seed);
        const int64_t budget = Budget::parse("0.85").resolve(referencePeak(g));
        // The portfolio starts from a schedule; where the greedy finds none, the solve would
        // spend its time in the single-threaded budget descent instead.
        auto greedy = bestGreedyPlan(Instance{g, budget, 2});
        if (!greedy.plan) continue;
        ++ran;
        ProgressLog log;
        SolveOutcome out = solve(g, portfolioOptions(budget, 0.5, log));
        const int64_t cost = checkOutcome(g, out, budget, 2);
        CHECK(cost <= evaluate(g, materialize(g, *greedy.plan)).cost);
        REQUIRE(out.statistics.contains("solutions"));
        CHECK(log.size() == out.statistics["solutions"].get<size_t>());
    }
    CHECK(ran >= 2);
}

TEST_CASE("threads: auto portfolio whose exact search stops at a fail limit while LNS goes on") {
    // The exact thread returns early with its bound; improvements by LNS after that still print
    // progress lines with the bound, and the outcome combines both searches.
    auto g = sharedGraph("rl_n100");
    if (!g) {
        MESSAGE("skipped: rl_n100.json not found in ../shared/graphs");
        return;
    }
    const int64_t budget = Budget::parse("0.8").resolve(referencePeak(*g));
    ProgressLog log;
    SolveOptions opt = portfolioOptions(budget, 1.5, log);
    opt.exact.failLimit = 20;
    SolveOutcome out = solve(*g, opt);
    checkOutcome(*g, out, budget, 2);
    checkPortfolioRan(out, log);
}

TEST_CASE("threads: lns with 2 workers improves on the greedy and validates") {
    Graph g = layered(150, 9);
    const int64_t budget = Budget::parse("0.8").resolve(referencePeak(g));
    auto greedy = bestGreedyPlan(Instance{g, budget, 2});
    REQUIRE(greedy.plan);
    const int64_t greedyCost = evaluate(g, materialize(g, *greedy.plan)).cost;
    ProgressLog log;
    SolveOptions opt;
    opt.budget = budget;
    opt.strategy = "lns";
    opt.threads = 2;
    opt.timeLimitSeconds = 1.0;
    opt.seed = 3;
    opt.onImprovement = log.callback();
    SolveOutcome out = solve(g, opt);
    const int64_t cost = checkOutcome(g, out, budget, 2);
    CHECK(cost <= greedyCost);
    REQUIRE(out.statistics.contains("lns"));
    // The workers recorded their steps in the shared statistics.
    CHECK(out.statistics["lns"]["steps"].get<uint64_t>() > 0);
    CHECK(log.size() == out.statistics["solutions"].get<size_t>());
}

TEST_CASE("threads: the stop flag ends a parallel solve with a valid schedule") {
    // rl_n250 at 0.8 is not settled at the root, so with no effective time limit only the stop
    // flag can end this solve: if it were ignored, the test would hang (and ctest's timeout fail it).
    auto g = sharedGraph("rl_n250");
    if (!g) {
        MESSAGE("skipped: rl_n250.json not found in ../shared/graphs");
        return;
    }
    StopFlagReset reset;
    const int64_t budget = Budget::parse("0.8").resolve(referencePeak(*g));

    std::mutex mutex;
    std::condition_variable improved;
    bool haveSchedule = false;
    std::atomic<bool> stopSent{false};
    SolveOptions opt;
    opt.budget = budget;
    opt.strategy = "auto";
    opt.threads = 2;
    opt.timeLimitSeconds = 1e6;
    opt.onImprovement = [&](const SolveEvent&) {
        std::lock_guard<std::mutex> lock(mutex);
        haveSchedule = true;
        improved.notify_all();
    };

    // Stops the search once it has a schedule and the parallel phase has had a moment to start,
    // as a SIGINT handler would (it sets the same flag).
    std::thread stopper([&] {
        std::unique_lock<std::mutex> lock(mutex);
        improved.wait(lock, [&] { return haveSchedule; });
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        stopSent.store(true);
        stopRequested().store(true);
    });
    SolveOutcome out = solve(*g, opt);
    const bool stoppedByFlag = stopSent.load();
    if (!stoppedByFlag) {  // solved on its own: release the stopper before failing
        {
            std::lock_guard<std::mutex> lock(mutex);
            haveSchedule = true;
        }
        improved.notify_all();
    }
    stopper.join();
    CHECK_MESSAGE(stoppedByFlag, "the solve ended before the stop flag was set: pick a harder instance");
    checkOutcome(*g, out, budget, 2);
}

TEST_CASE("threads: the peak descent race on 2 threads meets budgets the greedy misses and returns valid plans") {
    // Two descents with different seeds on std::threads; the first to meet the budget stops the
    // other. Only feasible budgets (by exhaustive search) are raced, so each race ends early.
    std::mt19937_64 rng(41);
    int raced = 0, met = 0;
    for (uint64_t seed = 0; seed < 400 && raced < 20; ++seed) {
        int n = 5 + static_cast<int>(rng() % 3);
        Graph g = testing::randomDag({.nodes = n, .edgeProbability = 0.4}, seed + 9000);
        int64_t budget = testing::randomBudget(g, rng);
        if (bestGreedyPlan(Instance{g, budget, 2}).plan || !testing::bruteForce(g, budget, 2).optimum) continue;
        ++raced;
        Deadline deadline(2.0);
        DescentResult r = descendToBudget(Instance{g, budget, 2}, deadline, ModelOptions{}, seed, std::nullopt, 2);
        if (!r.met) continue;
        ++met;
        ValidationResult v = validateSchedule(g, materialize(g, *r.plan).computations, budget, 2);
        CHECK_MESSAGE(v.ok, v.violation);
    }
    CAPTURE(raced);
    CHECK(raced > 0);
    CHECK(met > 0);
}

TEST_CASE("threads: the greedy's walks on 2 and 3 workers give the plan of one, valid") {
    // Workers take walk numbers from a shared counter and keep their own plans; the portfolio
    // reads them after join(). Tight budgets make the jittered rounds run.
    std::mt19937_64 rng(53);
    int met = 0;
    for (uint64_t seed = 0; seed < 6; ++seed) {
        const Graph g = layered(150 + static_cast<int>(rng() % 150), seed + 300);
        const int64_t budget = referencePeak(g) * (60 + static_cast<int64_t>(rng() % 25)) / 100;
        const Instance inst{g, budget, 3};
        const GreedyResult one = bestGreedyPlan(inst, nullptr, false, false, 1);
        for (int threads : {2, 3}) {
            const GreedyResult more = bestGreedyPlan(inst, nullptr, false, false, threads);
            REQUIRE(one.plan.has_value() == more.plan.has_value());
            if (!more.plan) continue;
            CHECK(one.plan->recomputeStages == more.plan->recomputeStages);
            ValidationResult v = validateSchedule(g, materialize(g, *more.plan).computations, budget, 3);
            CHECK_MESSAGE(v.ok, v.violation);
            ++met;
        }
    }
    CHECK(met > 0);
}

TEST_CASE("threads: the order search anneals its starts on 2 threads") {
    // Each start's annealer is run by one thread per round; the search reads them after join().
    for (uint64_t seed = 0; seed < 4; ++seed) {
        const Graph g = testing::randomDag({.nodes = 60 + static_cast<int>(seed * 30), .edgeProbability = 0.05}, seed + 70);
        OrderSearchOptions options;
        options.seed = seed;
        options.threads = 2;
        options.budget = referencePeak(g) * 3 / 5;
        const OrderSearchResult r = searchOrders(g, options, Deadline(0.2));
        REQUIRE_FALSE(r.candidates.empty());
        for (const OrderCandidate& c : r.candidates) {
            REQUIRE(isTopologicalOrder(g, c.order));
            CHECK(c.peak == noRecomputePeak(g, c.order));
        }
    }
}

}  // TEST_SUITE("threads")
