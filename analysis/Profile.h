// Memory over a schedule, as the report draws it. A schedule's events are sparse (the staged
// timeline has n(n+1)/2 of them), so profiles are taken per computation, never per event.
#pragma once
#include <cstdint>
#include <vector>

#include "model/Graph.h"
#include "model/Schedule.h"

namespace moccasin::analysis {

// Memory right after each computation of `comps` (sorted by start): the total size of the
// copies live at its event, which includes its own output and its inputs. O(k log k).
std::vector<int64_t> memoryAfterEachComputation(const Graph& g, const std::vector<Computation>& comps);

// The no-recompute schedule in the reference order: memory at stage k (node k computed, every
// output kept until its last consumer has been computed). Its maximum is referencePeak(g).
std::vector<int64_t> referenceProfile(const Graph& g);

// For each computation of `comps` (sorted by start): whether it is a recomputation, i.e. not its
// node's first computation.
std::vector<bool> recomputationFlags(const Graph& g, const std::vector<Computation>& comps);

// Where the reference profile's stage k sits on the schedule's axis (computation numbers): at
// the first computation of node k when the schedule computes nodes first in the reference
// order (then the two curves line up node by node), else stretched evenly over the same span.
std::vector<double> referencePositions(const Graph& g, const std::vector<Computation>& comps);

struct ProfilePoint {
    double x = 0;
    int64_t y = 0;
    bool operator==(const ProfilePoint&) const = default;
};

// At most about 2 * buckets + 2 points for a polyline of `points` (sorted by x): the x range is
// cut into `buckets` equal slices and each slice keeps its lowest and highest point, in x order,
// so every maximum (and minimum) survives. The first and last points are always kept. Shorter
// inputs come back unchanged.
std::vector<ProfilePoint> downsample(const std::vector<ProfilePoint>& points, size_t buckets);

}  // namespace moccasin::analysis
