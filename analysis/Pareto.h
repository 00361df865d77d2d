// The trade-off curve of a budget sweep: memory against extra compute. Its Pareto front keeps
// the points no other point beats on both, and its knee is where giving up more memory starts to
// cost much more compute (docs/cli.md, "sweep").
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

namespace moccasin::analysis {

struct CurvePoint {
    double memory = 0;  // e.g. peak memory as a fraction of the reference peak
    double tdi = 0;     // extra compute, percent
};

// Indices of the points on the Pareto front, by increasing memory (so decreasing TDI): a point
// is on it when no other point has memory <= and TDI <= with one of them strictly lower. Of
// equal points the first is kept.
std::vector<size_t> paretoFront(const std::vector<CurvePoint>& points);

struct Knee {
    size_t index = 0;     // into the points given
    double distance = 0;  // below the chord, in normalised coordinates (0 .. 1/sqrt(2))
};

// The knee: scale the front's memory and TDI each to [0, 1], draw the chord between its two
// ends, and take the front point farthest below it (towards little memory and little TDI).
// None when the front has fewer than three points or no point lies below the chord (a straight
// or hollow curve has no bend worth naming).
std::optional<Knee> findKnee(const std::vector<CurvePoint>& points);

}  // namespace moccasin::analysis
