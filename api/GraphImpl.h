// What a facade Graph holds: the engine's graph (nodes in the reference order) and the maps
// between its node indices and the caller's. Private to api/.
#pragma once
#include <string>
#include <vector>

#include "model/Graph.h"
#include "moccasin/moccasin.h"

namespace moccasin::api {

struct Graph::Impl {
    moccasin::Graph graph;           // node k: the k-th node of the reference order
    std::vector<int> userOf;         // engine index -> the caller's node number
    std::vector<int> engineOf;       // the caller's node number -> engine index
    std::vector<std::string> idOf;   // the caller's node number -> id as the input spelled it
    int64_t referencePeak = 0, budgetLowerLimit = 0;
};

const Graph::Impl& implOf(const Graph& g);

}  // namespace moccasin::api
