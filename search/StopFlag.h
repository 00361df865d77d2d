// A process-wide request to stop searching (set from a SIGINT/SIGTERM handler or by a caller):
// every search loop polls it and returns its best schedule so far.
#pragma once
#include <atomic>

namespace moccasin {

inline std::atomic<bool>& stopRequested() {
    static std::atomic<bool> flag{false};
    return flag;
}

}  // namespace moccasin
