// The propagation queue: one FIFO ring buffer per priority bucket; pop() serves the most urgent
// non-empty bucket. Invariant: bit b of nonEmpty_ is set iff bucket b holds an entry. It does not
// deduplicate (the Engine pushes only propagators whose queued flag is clear), so each bucket
// holds at most #propagators entries and stops growing once it has reached that size.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "solver/Types.h"

namespace moccasin::solver {

class Propagator;

class PropagatorQueue {
public:
    void push(Propagator* p, Priority priority);
    // The oldest entry of the most urgent non-empty bucket, or nullptr when the queue is empty.
    Propagator* pop();
    bool empty() const { return nonEmpty_ == 0; }
    size_t size() const;

private:
    // A FIFO over a power-of-two array; grows (doubling) only when full.
    struct Ring {
        std::vector<Propagator*> slots;
        size_t head = 0;
        size_t count = 0;
        void push(Propagator* p);
        Propagator* pop();
        void grow();
    };
    std::array<Ring, kNumPriorities> buckets_;
    uint32_t nonEmpty_ = 0;
};

}  // namespace moccasin::solver
