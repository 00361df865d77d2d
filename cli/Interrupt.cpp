#include "cli/Interrupt.h"

#include <atomic>
#include <csignal>

#include <unistd.h>

#include "search/StopFlag.h"

namespace moccasin::cli {

namespace {
extern "C" void onStopSignal(int) {
    static std::atomic<int> count{0};
    if (count.fetch_add(1) >= 1) _exit(130);
    stopRequested().store(true);
}
}  // namespace

void installStopHandlers() {
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
}

}  // namespace moccasin::cli
