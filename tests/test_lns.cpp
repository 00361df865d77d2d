// Large-neighbourhood search: valid and no worse than its start, deterministic mode, and a
// solve interrupted by SIGINT still writes a valid schedule.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "model/Budget.h"
#include "model/Generator.h"
#include "support/LayeredGraph.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Validator.h"
#include "search/Greedy.h"
#include "search/Solver.h"

extern char** environ;

using namespace moccasin;

namespace {
Graph layered(int nodes, uint64_t seed) { return testing::layeredGraph(nodes, seed); }

std::string tempPath(const std::string& name) {
    return "/tmp/moccasin-test-" + std::to_string(getpid()) + "-" + name;
}

// Drops what legitimately differs between two runs: wall-clock times.
void stripTimes(nlohmann::json& j) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end();) {
            const std::string& k = it.key();
            if (k.find("seconds") != std::string::npos || k == "peak_rss_mb") {
                it = j.erase(it);
            } else {
                stripTimes(*it);
                ++it;
            }
        }
    } else if (j.is_array()) {
        for (auto& x : j) stripTimes(x);
    }
}

int runBinary(const std::vector<std::string>& args, pid_t* pidOut = nullptr) {
    std::vector<char*> argv;
    std::string bin = MOCCASIN_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, bin.c_str(), nullptr, nullptr, argv.data(), environ) != 0) return -1;
    if (pidOut) {
        *pidOut = pid;
        return 0;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("lns: schedules validate and never cost more than the greedy start") {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        Graph g = layered(80 + 20 * static_cast<int>(seed), seed);
        int64_t budget = Budget::parse("0.85").resolve(referencePeak(g));
        auto greedy = bestGreedyPlan(Instance{g, budget, 2});
        if (!greedy.plan) continue;
        int64_t greedyCost = evaluate(g, materialize(g, *greedy.plan)).cost;
        SolveOptions opt;
        opt.budget = budget;
        opt.strategy = "lns";
        opt.timeLimitSeconds = 0.5;
        opt.threads = 2;
        opt.seed = seed;
        SolveOutcome out = solve(g, opt);
        CAPTURE(seed);
        REQUIRE(out.solution);
        Schedule s = out.solution->schedule();
        ValidationResult v = validateSchedule(g, s.computations, budget, 2);
        CHECK_MESSAGE(v.ok, v.violation);
        CHECK(v.cost <= greedyCost);
        REQUIRE(out.lowerBound);
        CHECK(*out.lowerBound <= v.cost);
        // LNS ran, unless the root bound already proved the greedy's schedule optimal.
        if (*out.lowerBound < v.cost) CHECK(out.statistics.contains("lns"));
        else CHECK(out.status == SolveStatus::Optimal);
    }
}

TEST_CASE("lns: deterministic mode gives the same schedule with 1 and 2 threads") {
    Graph g = layered(150, 42);
    int64_t budget = Budget::parse("0.8").resolve(referencePeak(g));
    std::optional<StagedPlan> first;
    int64_t firstCost = 0;
    for (int threads : {1, 2, 2}) {
        SolveOptions opt;
        opt.budget = budget;
        opt.strategy = "lns";
        opt.timeLimitSeconds = 600;  // the epoch cap ends the run, not the clock
        opt.threads = threads;
        opt.seed = 7;
        opt.deterministic = true;
        opt.lns.maxEpochs = 6;
        SolveOutcome out = solve(g, opt);
        REQUIRE(out.solution);
        int64_t cost = evaluate(g, out.solution->schedule()).cost;
        CAPTURE(threads);
        if (!first) {
            first = out.solution->plan;
            firstCost = cost;
            continue;
        }
        CHECK(cost == firstCost);
        CHECK(out.solution->plan.recomputeStages == first->recomputeStages);
    }
}

TEST_CASE("lns: two deterministic runs of the program write the same bytes apart from timings") {
    std::string graph = tempPath("det-graph.json"), a = tempPath("det-a.json"), b = tempPath("det-b.json");
    REQUIRE(runBinary({"gen", "--nodes", "120", "--seed", "3", "-o", graph}) == 0);
    for (const auto& [out, threads] : {std::pair{a, "1"}, std::pair{b, "2"}})
        REQUIRE(runBinary({"solve", graph, "--budget", "0.9", "--strategy", "lns", "--deterministic", "--lns-epochs",
                           "4", "--threads", threads, "--seed", "5", "-q", "-o", out}) == 0);
    auto load = [](const std::string& p) {
        std::ifstream f(p);
        nlohmann::json j = nlohmann::json::parse(f);
        stripTimes(j);
        j["solver"].erase("threads");  // recorded as given
        return j;
    };
    CHECK(load(a) == load(b));
    for (const auto& p : {graph, a, b}) std::remove(p.c_str());
}

TEST_CASE("lns: a solve stopped by SIGINT writes a valid schedule") {
    std::string graph = tempPath("int-graph.json"), out = tempPath("int-out.json");
    REQUIRE(runBinary({"gen", "--nodes", "400", "--seed", "11", "-o", graph}) == 0);
    pid_t pid = 0;
    REQUIRE(runBinary({"solve", graph, "--budget", "0.85", "--strategy", "lns", "--time-limit", "300", "-q", "-o", out},
                      &pid) == 0);
    usleep(1500 * 1000);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(runBinary({"check", graph, out}) == 0);
    std::ifstream f(out);
    nlohmann::json j = nlohmann::json::parse(f);
    CHECK(j["solver"]["wall_seconds"].get<double>() < 100);  // it stopped at the signal, not the limit
    for (const auto& p : {graph, out}) std::remove(p.c_str());
}
