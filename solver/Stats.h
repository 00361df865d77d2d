// Plain counters kept by the Engine, per propagator and for the whole engine. All counts except
// the times are deterministic (same model, same decisions -> same numbers), so `work` can serve
// as a reproducible work limit for search. Times are wall-clock and only kept when timing is on.
#pragma once
#include <cstdint>

namespace moccasin::solver {

struct PropagatorStats {
    uint64_t calls = 0;     // propagate / propagateFromScratch calls
    uint64_t prunings = 0;  // domain changes made (a fix moving both bounds counts once)
    uint64_t failures = 0;  // calls that ended in failure
    uint64_t timeNs = 0;    // time spent inside the calls, estimated from a sample (Engine::kTimingSample;
                            // 0 when timing is off)
};

struct EngineStats {
    uint64_t fixpointCalls = 0;
    uint64_t propagations = 0;  // propagator calls, all propagators together
    uint64_t boundChanges = 0;  // domain changes, by propagators and by search
    uint64_t failures = 0;      // times the engine entered the failed state
    uint64_t backtracks = 0;    // popToLevel calls
    uint64_t work = 0;          // propagations + boundChanges + units reported via addWork
};

}  // namespace moccasin::solver
