#include "solver/PropagatorQueue.h"

#include <bit>
#include <cassert>

namespace moccasin::solver {

void PropagatorQueue::Ring::grow() {
    std::vector<Propagator*> bigger(slots.empty() ? 8 : 2 * slots.size());
    for (size_t i = 0; i < count; ++i) bigger[i] = slots[(head + i) & (slots.size() - 1)];
    slots.swap(bigger);
    head = 0;
}

void PropagatorQueue::Ring::push(Propagator* p) {
    if (count == slots.size()) grow();
    slots[(head + count) & (slots.size() - 1)] = p;
    ++count;
}

Propagator* PropagatorQueue::Ring::pop() {
    assert(count > 0);
    Propagator* p = slots[head];
    head = (head + 1) & (slots.size() - 1);
    --count;
    return p;
}

void PropagatorQueue::push(Propagator* p, Priority priority) {
    const auto b = static_cast<unsigned>(priority);
    buckets_[b].push(p);
    nonEmpty_ |= 1u << b;
}

Propagator* PropagatorQueue::pop() {
    if (nonEmpty_ == 0) return nullptr;
    const auto b = static_cast<unsigned>(std::countr_zero(nonEmpty_));
    Ring& ring = buckets_[b];
    Propagator* p = ring.pop();
    if (ring.count == 0) nonEmpty_ &= ~(1u << b);
    return p;
}

size_t PropagatorQueue::size() const {
    size_t n = 0;
    for (const Ring& r : buckets_) n += r.count;
    return n;
}

}  // namespace moccasin::solver
