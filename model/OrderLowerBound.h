// Lower bounds on the no-recompute peak over all topological orders: what no reordering can go
// below. When the best order found reaches one, the order search can stop.
//
// Both look at the event at which some node v is computed. The nodes computed before it form a
// down-set D that holds every ancestor of v and no descendant; the memory there is m_v plus the
// outputs in D with a consumer outside D (v or later).
#pragma once
#include <cstdint>

#include "model/Graph.h"

namespace moccasin {

// max over v of (m_v + the ancestors of v with a consumer that is v or a descendant of v): those
// are live at v in every order. At least budgetLowerLimit(g). Two n x n bit matrices, O(m n / 64)
// time; above maxNodes nodes it returns budgetLowerLimit(g).
int64_t forcedLiveBound(const Graph& g, int maxNodes = 8192);

// The least memory at v's computation over all orders: min over down-sets D as above of
// m_v + (sizes of the outputs in D with a consumer outside D). A minimum cut: each output u in D
// pays m_u once if any consumer is outside D. One max-flow on 2n + 2 vertices.
int64_t cutBoundAt(const Graph& g, int v);

}  // namespace moccasin
