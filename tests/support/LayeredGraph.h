// A generated random layered graph (model/Generator.h) as a Graph, for tests.
#pragma once
#include <cstdint>

#include "model/Generator.h"
#include "model/GraphJson.h"

namespace moccasin::testing {

inline Graph layeredGraph(int nodes, uint64_t seed) {
    LayeredGraphParams p;
    p.nodes = nodes;
    p.seed = seed;
    return parseGraphJson(generateLayeredGraph(p).dump(), "generated");
}

}  // namespace moccasin::testing
