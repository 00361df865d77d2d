// The HTML report's numbers (memory per computation, the no-recompute profile, recomputations,
// downsampling that keeps the maxima) and its page, and `moccasin report` as a user runs it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "analysis/Profile.h"
#include "analysis/Report.h"
#include "analysis/ReportHtml.h"
#include "model/Generator.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "model/Schedule.h"
#include "model/Validator.h"

using namespace moccasin;
using namespace moccasin::analysis;

namespace {

// problem.md's example: in (cost 1, size 10), mid (2, 20), out (3, 30); in -> mid -> out, in -> out.
Graph tri() {
    return Graph("tri <&>", {NodeId::fromString("in"), NodeId::fromString("mid"), NodeId::fromString("out")}, {1, 2, 3},
                 {10, 20, 30}, {{0, 1}, {1, 2}, {0, 2}});
}

// `in` dropped when its second copy is made at event 2; that copy feeds `out` at event 3.
// Memory by event: 10, 30, 30, 60.
std::vector<Computation> triSchedule() { return {{0, 0, 2}, {1, 1, 4}, {0, 2, 4}, {2, 3, 4}}; }

std::string scratch(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("moccasin-report-" + std::to_string(getpid()) + "-" + name)).string();
}

std::string slurp(const std::string& path) {
    std::stringstream s;
    s << std::ifstream(path).rdbuf();
    return s.str();
}

int run(const std::string& args, std::string* err = nullptr) {
    const std::string e = scratch("stderr");
    const int status = std::system((std::string(MOCCASIN_BINARY) + " " + args + " >/dev/null 2>" + e).c_str());
    if (err) *err = slurp(e);
    std::filesystem::remove(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("profile: memory after each computation is what is live at its event") {
    const Graph g = tri();
    REQUIRE(validateSchedule(g, triSchedule(), 60, 2).ok);
    CHECK(memoryAfterEachComputation(g, triSchedule()) == std::vector<int64_t>{10, 30, 30, 60});
    CHECK(recomputationFlags(g, triSchedule()) == std::vector<bool>{false, false, true, false});
    // No recomputation in the reference order: in, mid, out with in and mid kept until out.
    CHECK(referenceProfile(g) == std::vector<int64_t>{10, 30, 60});
    // First computations of in, mid, out are computations 0, 1, 3: the curves line up there.
    CHECK(referencePositions(g, triSchedule()) == std::vector<double>{0, 1, 3});
}

TEST_CASE("profile: the reference profile peaks at the reference peak and matches the validator on generated graphs") {
    for (uint64_t seed : {1, 2, 3}) {
        LayeredGraphParams p;
        p.nodes = 200;
        p.seed = seed;
        const Graph g = parseGraphJson(generateLayeredGraph(p).dump(), "gen");
        const auto ref = referenceProfile(g);
        CHECK(*std::max_element(ref.begin(), ref.end()) == referencePeak(g));
        const Schedule s = materialize(g, StagedPlan::noRecompute(g.numNodes()));
        const auto mem = memoryAfterEachComputation(g, s.computations);
        const ValidationResult v = validateSchedule(g, s.computations, referencePeak(g), 1);
        REQUIRE(v.ok);
        CHECK(*std::max_element(mem.begin(), mem.end()) == v.peak);
    }
}

TEST_CASE("profile: positions are stretched when first computations leave the reference order") {
    const Graph g = tri();
    // mid cannot precede in, but the profile code must not assume validity of the order: swap the
    // first computations of mid and in by start.
    const std::vector<Computation> swapped{{1, 0, 4}, {0, 1, 4}, {2, 2, 4}};
    CHECK(referencePositions(g, swapped) == std::vector<double>{0, 1, 2});
    const std::vector<Computation> longer{{1, 0, 9}, {0, 1, 9}, {0, 2, 9}, {0, 3, 9}, {2, 4, 9}};
    CHECK(referencePositions(g, longer) == std::vector<double>{0, 2, 4});
}

TEST_CASE("downsample: a few thousand points at most, every maximum and minimum kept") {
    std::mt19937_64 rng(7);
    std::vector<ProfilePoint> pts;
    for (int i = 0; i < 100000; ++i) pts.push_back({static_cast<double>(i), static_cast<int64_t>(rng() % 1000000)});
    pts[54321].y = 5000000;  // one spike
    const auto out = downsample(pts, 1500);
    CHECK(out.size() <= 2 * 1500 + 2);
    CHECK(out.front() == pts.front());
    CHECK(out.back() == pts.back());
    CHECK(std::is_sorted(out.begin(), out.end(), [](const ProfilePoint& a, const ProfilePoint& b) { return a.x < b.x; }));
    CHECK(std::find(out.begin(), out.end(), pts[54321]) != out.end());
    // Every slice of the axis keeps its highest point.
    const double width = 99999.0 / 1500;
    for (int slice = 0; slice < 1500; slice += 97) {
        int64_t highest = 0, kept = 0;
        for (const auto& p : pts)
            if (static_cast<int>(p.x / width) == slice) highest = std::max(highest, p.y);
        for (const auto& p : out)
            if (static_cast<int>(p.x / width) == slice) kept = std::max(kept, p.y);
        CHECK(kept == highest);
    }
    const std::vector<ProfilePoint> shortOne(pts.begin(), pts.begin() + 100);
    CHECK(downsample(shortOne, 1500) == shortOne);
}

TEST_CASE("report data: totals, recomputations by cost, the no-recompute profile beside") {
    const Graph g = tri();
    const ReportData r = buildReport(g, triSchedule(), {"tri.json", 60, 2, "the reference order"});
    CHECK(r.cost == 7);
    CHECK(r.baselineCost == 6);
    CHECK(r.peak == 60);
    CHECK(r.referencePeak == 60);
    CHECK(r.tdiPercent == doctest::Approx(100.0 / 6.0));
    CHECK(r.computations == 4);
    CHECK(r.recomputations == 1);
    REQUIRE(r.mostExpensive.size() == 1);
    CHECK(r.mostExpensive[0].node == 0);
    CHECK(r.mostExpensive[0].computation == 2);
    CHECK(r.mostExpensive[0].copy == 2);
    CHECK(r.marks == std::vector<ProfilePoint>{{2, 30}});
    CHECK(r.reference == std::vector<ProfilePoint>{{0, 10}, {1, 30}, {3, 60}});
}

TEST_CASE("report page: self-contained, the profile path present, text escaped") {
    const Graph g = tri();
    const std::string html = renderReportHtml(g, buildReport(g, triSchedule(), {"tri.json", 60, 2, "given"}));
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(count(html, "<path id=\"profile\"") == 1);
    CHECK(count(html, "<path id=\"reference\"") == 1);
    CHECK(count(html, "<line id=\"budget\"") == 1);
    CHECK(count(html, "id=\"expensive\"") == 1);
    CHECK(count(html, "<script") == 0);
    CHECK(count(html, "src=") == 0);
    CHECK(count(html, "href=") == 0);
    CHECK(count(html, "tri &lt;&amp;&gt;") >= 1);  // the graph name
    CHECK(count(html, "tri <&>") == 0);
    CHECK(count(html, "id=\"pareto-curve\"") == 0);  // no sweep given
}

TEST_CASE("report page: with a sweep, the Pareto curve and its knee") {
    const Graph g = tri();
    SweepFile s;
    s.graph = "tri";
    s.referencePeak = 60;
    s.baselineCost = 6;
    const double tdis[] = {0, 2, 6, 40};
    for (int i = 0; i < 4; ++i) {
        SweepRow r;
        r.fraction = 1.0 - 0.1 * i;
        r.budget = 60 - 6 * i;
        r.status = "feasible";
        r.peak = r.budget;
        r.tdiPercent = tdis[i];
        r.cost = 6;
        s.rows.push_back(r);
    }
    const std::string html = renderReportHtml(g, buildReport(g, triSchedule(), {"tri.json", 60, 2, "given"}, s));
    CHECK(count(html, "id=\"pareto-curve\"") == 1);
    CHECK(count(html, "<path id=\"pareto\"") == 1);
    CHECK(count(html, "id=\"knee\"") == 1);
    CHECK(count(html, "<circle class=\"point\"") == 4);
    CHECK(count(html, "id=\"this-schedule\"") == 1);
}

TEST_CASE("report page: a 10^4-node schedule stays a few thousand points") {
    LayeredGraphParams p;
    p.nodes = 10000;
    p.seed = 3;
    const Graph g = parseGraphJson(generateLayeredGraph(p).dump(), "big");
    const Schedule s = materialize(g, StagedPlan::noRecompute(g.numNodes()));
    const ReportData r = buildReport(g, s.computations, {"big.json", referencePeak(g), 2, "given"});
    CHECK(r.profile.size() <= 2 * kProfileBuckets + 2);
    CHECK(r.reference.size() <= 2 * kProfileBuckets + 2);
    CHECK(r.peak == referencePeak(g));
    const std::string html = renderReportHtml(g, r);
    CHECK(html.size() < 400000);
}

TEST_CASE("report cli: a valid schedule gives a page, an invalid one exit 6 and the violation") {
    const std::string graph = std::string(MOCCASIN_SOURCE_DIR) + "/examples/tiny.json";
    const std::string schedule = scratch("s.json"), html = scratch("r.html"), sweep = scratch("w.json");
    REQUIRE(run("solve " + graph + " --budget 17 --strategy greedy -q -o " + schedule) == 0);
    REQUIRE(run("sweep " + graph + " --strategy greedy -q -o " + sweep) == 0);
    REQUIRE(run("report " + graph + " " + schedule + " --sweep " + sweep + " -q -o " + html) == 0);
    const std::string page = slurp(html);
    CHECK(count(page, "<path id=\"profile\"") == 1);
    CHECK(count(page, "id=\"pareto-curve\"") == 1);
    CHECK(count(page, "<td class=\"l\">input</td>") == 1);  // the recomputed input, by its id

    // Tighter than the schedule's peak: the validator's violation, no page.
    std::filesystem::remove(html);
    std::string err;
    CHECK(run("report " + graph + " " + schedule + " --budget 16 -o " + html, &err) == 6);
    CHECK(err.find("memory") != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(html));

    CHECK(run("report " + graph + " " + schedule + " -o /nonexistent-dir/r.html") == 2);
    CHECK(run("report " + graph + " " + schedule) == 2);  // no -o
    std::ofstream(sweep) << "{\"format\": \"moccasin-sweep/1\"}";
    CHECK(run("report " + graph + " " + schedule + " --sweep " + sweep + " -o " + html, &err) == 3);
    CHECK(err.find(sweep) != std::string::npos);
    for (const auto& f : {schedule, html, sweep, scratch("w.csv")}) std::filesystem::remove(f);
}
