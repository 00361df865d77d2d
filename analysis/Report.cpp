#include "analysis/Report.h"

#include <algorithm>

#include "analysis/Sweep.h"
#include "model/Peak.h"

namespace moccasin::analysis {

namespace {

// One recomputation per slice of the axis: thousands of marks in one pixel column say no more
// than one, and the page stays small.
std::vector<ProfilePoint> thinMarks(const std::vector<ProfilePoint>& marks, double span) {
    std::vector<ProfilePoint> out;
    const double width = span > 0 ? span / static_cast<double>(kProfileBuckets) : 1.0;
    long long lastSlice = -1;
    for (const ProfilePoint& m : marks) {
        const long long slice = static_cast<long long>(m.x / width);
        if (slice == lastSlice && !out.empty()) {
            if (m.y > out.back().y) out.back() = m;  // the highest one of the slice
            continue;
        }
        out.push_back(m);
        lastSlice = slice;
    }
    return out;
}

}  // namespace

ReportData buildReport(const Graph& g, std::vector<Computation> comps, const ScheduleFacts& facts,
                       std::optional<SweepFile> sweep) {
    std::stable_sort(comps.begin(), comps.end(), [](const Computation& a, const Computation& b) { return a.start < b.start; });
    ReportData r;
    r.graphName = g.name();
    r.scheduleName = facts.name;
    r.order = facts.order;
    r.nodes = g.numNodes();
    r.edges = g.numEdges();
    r.budget = facts.budget;
    r.copies = facts.copies;
    r.baselineCost = g.baselineCost();
    r.referencePeak = referencePeak(g);
    r.computations = comps.size();

    const std::vector<int64_t> memory = memoryAfterEachComputation(g, comps);
    const std::vector<bool> recomputed = recomputationFlags(g, comps);
    std::vector<ProfilePoint> profile, marks;
    for (size_t i = 0; i < comps.size(); ++i) {
        const ProfilePoint p{static_cast<double>(i), memory[i]};
        profile.push_back(p);
        r.peak = std::max(r.peak, memory[i]);
        r.cost += g.cost(comps[i].node);
        if (recomputed[i]) marks.push_back(p);
    }
    r.tdiPercent = tdiPercentOf(r.cost, r.baselineCost);
    r.recomputations = marks.size();
    r.profile = downsample(profile, kProfileBuckets);
    r.marks = thinMarks(marks, comps.empty() ? 0.0 : static_cast<double>(comps.size() - 1));

    const std::vector<int64_t> ref = referenceProfile(g);
    const std::vector<double> at = referencePositions(g, comps);
    std::vector<ProfilePoint> reference;
    for (size_t k = 0; k < ref.size(); ++k) reference.push_back({at[k], ref[k]});
    r.reference = downsample(reference, kProfileBuckets);

    std::vector<int> copiesSoFar(g.numNodes(), 0);
    std::vector<Recomputation> all;
    for (size_t i = 0; i < comps.size(); ++i) {
        const int v = comps[i].node;
        ++copiesSoFar[v];
        if (recomputed[i]) all.push_back({v, g.cost(v), g.size(v), i, copiesSoFar[v]});
    }
    std::stable_sort(all.begin(), all.end(), [](const Recomputation& a, const Recomputation& b) { return a.cost > b.cost; });
    if (all.size() > kMostExpensiveShown) all.resize(kMostExpensiveShown);
    r.mostExpensive = std::move(all);
    r.sweep = std::move(sweep);
    return r;
}

}  // namespace moccasin::analysis
