#include "cli/SolveArgs.h"

#include <algorithm>
#include <limits>
#include <string>
#include <thread>

namespace moccasin::cli {

void readSharedSolveOptions(const Args& args, SolveOptions& opt) {
    opt.copies = static_cast<int>(args.integer("--copies", 2, 1, 64));
    opt.strategy = args.value("--strategy").value_or("auto");
    const std::string strategies = std::string(", ") + strategyNames() + ",";
    if (strategies.find(", " + opt.strategy + ",") == std::string::npos)
        throw UsageError("unknown strategy '" + opt.strategy + "' (expected " + strategyNames() + ")");
    const std::string order = args.value("--order").value_or("given");
    if (order != "given" && order != "free") throw UsageError("--order must be given or free, not '" + order + "'");
    opt.order = order == "free" ? OrderMode::Free : OrderMode::Given;
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    opt.threads = static_cast<int>(args.integer("--threads", cores, 1, 1024));
    opt.seed = static_cast<uint64_t>(args.integer("--seed", 0, 0, std::numeric_limits<long long>::max()));
}

}  // namespace moccasin::cli
