// Loading compute graphs from networkx node-link JSON (docs/graph-format.md).
// The loaded Graph is relabelled so that node k is the k-th node of the reference order pi.
// Every malformed input throws InputError with one line "FILE: problem (place)".
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "model/Graph.h"

namespace moccasin {

// Parses `text`; `sourceName` (usually the file path) names the input in error messages and
// gives the graph its name (the file's stem) when the file has no graph.name.
Graph parseGraphJson(const std::string& text, const std::string& sourceName);

// Reads the file at `path` and parses it; an unreadable file is an InputError.
Graph loadGraphFile(const std::string& path);

// A node id as the file spelled it: integer ids as JSON integers, string ids as strings.
nlohmann::json nodeIdToJson(const NodeId& id);

}  // namespace moccasin
