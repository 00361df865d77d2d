// Random layered compute graphs in the style of Gagrani et al. (2022), the synthetic family of the
// Moccasin paper, written as networkx node-link JSON with the "duration"/"out_cost" convention.
// The output depends only on the parameters: the same (nodes, seed, width, edgeDensity,
// skipDensity) gives the same JSON bytes with every compiler and standard library, because all
// sampling uses the generator's own PRNG and integer arithmetic. docs/generator.md has the rules.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace moccasin {

struct LayeredGraphParams {
    int nodes = 0;             // total nodes including the source and the sink; >= 2
    uint64_t seed = 0;
    double width = 0.4;        // mean layer width is max(1, 2 * width * sqrt(nodes)); in [0, 100]
    double edgeDensity = 0.2;  // chance of each extra input from the previous layer; in [0, 1]
    double skipDensity = 0.14; // strength of skip connections to later layers; in [0, 1]
};

// The graph.name the generator writes, e.g. "random_layered_n100_w0.4_ed0.2_scd0.14_seed7".
std::string layeredGraphName(const LayeredGraphParams& p);

// Builds the graph. Node k is named k; ids ascending are a topological order, node 0 is the only
// source and node nodes-1 the only sink. Throws std::invalid_argument on parameters out of range.
nlohmann::json generateLayeredGraph(const LayeredGraphParams& p);

}  // namespace moccasin
