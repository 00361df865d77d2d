#include "analysis/Pareto.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moccasin::analysis {

std::vector<size_t> paretoFront(const std::vector<CurvePoint>& points) {
    std::vector<size_t> order(points.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (points[a].memory != points[b].memory) return points[a].memory < points[b].memory;
        return points[a].tdi < points[b].tdi;
    });
    // By increasing memory, a point is on the front when it beats every cheaper-in-memory point's TDI.
    std::vector<size_t> front;
    for (size_t i : order)
        if (front.empty() || points[i].tdi < points[front.back()].tdi) front.push_back(i);
    return front;
}

std::optional<Knee> findKnee(const std::vector<CurvePoint>& points) {
    const std::vector<size_t> front = paretoFront(points);
    if (front.size() < 3) return std::nullopt;
    // The front runs from (least memory, most TDI) to (most memory, least TDI); both ranges are
    // positive because every step along it lowers TDI and raises memory.
    const CurvePoint& first = points[front.front()];
    const CurvePoint& last = points[front.back()];
    const double memoryRange = last.memory - first.memory, tdiRange = first.tdi - last.tdi;
    if (!(memoryRange > 0) || !(tdiRange > 0)) return std::nullopt;
    std::optional<Knee> best;
    for (size_t j = 1; j + 1 < front.size(); ++j) {
        const CurvePoint& p = points[front[j]];
        const double x = (p.memory - first.memory) / memoryRange, y = (p.tdi - last.tdi) / tdiRange;
        // The chord is x + y = 1; points below it lie towards the ideal corner (0, 0).
        const double distance = (1.0 - x - y) / std::sqrt(2.0);
        if (distance > 1e-12 && (!best || distance > best->distance)) best = Knee{front[j], distance};
    }
    return best;
}

}  // namespace moccasin::analysis
