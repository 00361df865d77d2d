#include "analysis/Profile.h"

#include <algorithm>
#include <cmath>

namespace moccasin::analysis {

std::vector<int64_t> memoryAfterEachComputation(const Graph& g, const std::vector<Computation>& comps) {
    // Copies leave memory in order of their ends; a copy whose end <= t is gone at event t.
    std::vector<std::pair<int64_t, int64_t>> ends;  // (end, size)
    ends.reserve(comps.size());
    for (const Computation& c : comps) ends.emplace_back(c.end, g.size(c.node));
    std::sort(ends.begin(), ends.end());
    std::vector<int64_t> memory;
    memory.reserve(comps.size());
    int64_t live = 0;
    size_t gone = 0;
    for (const Computation& c : comps) {
        live += g.size(c.node);
        while (gone < ends.size() && ends[gone].first <= c.start) live -= ends[gone++].second;
        memory.push_back(live);
    }
    return memory;
}

std::vector<int64_t> referenceProfile(const Graph& g) {
    const int n = g.numNodes();
    std::vector<int64_t> delta(n + 1, 0);
    for (int k = 0; k < n; ++k) {
        delta[k] += g.size(k);
        delta[g.lastConsumer(k) + 1] -= g.size(k);
    }
    std::vector<int64_t> memory(n);
    int64_t live = 0;
    for (int k = 0; k < n; ++k) memory[k] = live += delta[k];
    return memory;
}

std::vector<bool> recomputationFlags(const Graph& g, const std::vector<Computation>& comps) {
    std::vector<bool> seen(g.numNodes(), false), flags(comps.size(), false);
    for (size_t i = 0; i < comps.size(); ++i) {
        flags[i] = seen[comps[i].node];
        seen[comps[i].node] = true;
    }
    return flags;
}

std::vector<double> referencePositions(const Graph& g, const std::vector<Computation>& comps) {
    const int n = g.numNodes();
    std::vector<double> first(n, -1);
    for (size_t i = 0; i < comps.size(); ++i)
        if (first[comps[i].node] < 0) first[comps[i].node] = static_cast<double>(i);
    bool aligned = true;
    for (int k = 0; k < n && aligned; ++k) aligned = first[k] >= 0 && (k == 0 || first[k] > first[k - 1]);
    if (aligned) return first;
    std::vector<double> stretched(n, 0);
    const double span = comps.empty() ? 0.0 : static_cast<double>(comps.size() - 1);
    for (int k = 0; k < n; ++k) stretched[k] = n <= 1 ? 0.0 : span * k / (n - 1);
    return stretched;
}

std::vector<ProfilePoint> downsample(const std::vector<ProfilePoint>& points, size_t buckets) {
    if (buckets == 0 || points.size() <= 2 * buckets + 2) return points;
    const double x0 = points.front().x, x1 = points.back().x;
    const double width = x1 > x0 ? (x1 - x0) / static_cast<double>(buckets) : 1.0;
    std::vector<ProfilePoint> out{points.front()};
    size_t i = 1;
    const size_t lastIndex = points.size() - 1;
    while (i < lastIndex) {
        const size_t bucket = std::min(buckets - 1, static_cast<size_t>((points[i].x - x0) / width));
        size_t lo = i, hi = i, j = i;
        for (; j < lastIndex && std::min(buckets - 1, static_cast<size_t>((points[j].x - x0) / width)) == bucket; ++j) {
            if (points[j].y < points[lo].y) lo = j;
            if (points[j].y > points[hi].y) hi = j;
        }
        out.push_back(points[std::min(lo, hi)]);
        if (lo != hi) out.push_back(points[std::max(lo, hi)]);
        i = j;
    }
    out.push_back(points.back());
    return out;
}

}  // namespace moccasin::analysis
