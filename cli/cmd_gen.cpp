// moccasin gen: write a random layered graph (model/Generator.h) as node-link JSON.
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "model/Generator.h"
#include "model/InputError.h"

namespace moccasin::cli {

namespace {
const char* kGenHelp =
    "usage: moccasin gen --nodes N --seed S [options]\n"
    "  --nodes N          total nodes including the single source and sink, 2..10000000\n"
    "  --seed S           random seed, 0..9223372036854775807; same arguments, same bytes\n"
    "  --width W          mean layer width is max(1, 2*W*sqrt(N)), W in [0, 100] (default 0.4)\n"
    "  --edge-density E   chance of each extra input from the previous layer, [0, 1] (default 0.2)\n"
    "  --skip-density K   strength of skip connections to later layers, [0, 1] (default 0.14)\n"
    "  -o FILE            write the graph to FILE instead of stdout\n"
    "exit codes: 0 graph written, 2 usage error, 3 output file not writable, 1 internal error\n";

constexpr long long kMaxNodes = 10'000'000;

LayeredGraphParams readParams(const Args& args) {
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
    if (!args.value("--nodes")) throw UsageError("--nodes is required");
    if (!args.value("--seed")) throw UsageError("--seed is required");
    LayeredGraphParams p;
    p.nodes = static_cast<int>(args.integer("--nodes", 0, 2, kMaxNodes));
    p.seed = static_cast<uint64_t>(args.integer("--seed", 0, 0, std::numeric_limits<long long>::max()));
    p.width = args.real("--width", p.width, 0, 100);
    p.edgeDensity = args.real("--edge-density", p.edgeDensity, 0, 1);
    p.skipDensity = args.real("--skip-density", p.skipDensity, 0, 1);
    return p;
}

void writeText(const std::string& text, const std::optional<std::string>& path) {
    if (!path) {
        std::cout << text;
        std::cout.flush();
        return;
    }
    std::ofstream f(*path, std::ios::binary);  // binary: the same bytes on every platform
    if (!f) throw InputError(*path + ": cannot open the output file for writing");
    f << text;
    if (!f.flush()) throw InputError(*path + ": cannot write the output file");
}
}  // namespace

int cmdGen(const std::vector<std::string>& argv) {
    Args args(argv, {"--nodes", "--seed", "--width", "--edge-density", "--skip-density", "-o"}, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kGenHelp;
        return kExitOk;
    }
    const LayeredGraphParams p = readParams(args);
    // Compact: a 10^5-node graph stays a few tens of MB, and dump() is deterministic (sorted keys).
    writeText(generateLayeredGraph(p).dump() + "\n", args.value("-o"));
    return kExitOk;
}

}  // namespace moccasin::cli
