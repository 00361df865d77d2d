// Free execution order: finds topological orders whose no-recompute peak is low, so that the
// given-order engine, run on the graph relabelled by such an order (model/Reorder.h), starts from
// less memory pressure.
//
// Starts are memory-aware list schedules (search/ListSchedule.h) and the reference order; each is
// improved by simulated annealing (search/OrderAnnealer.h) over moves that shift a node within
// its precedence window or drag its descendants or ancestors along, scored incrementally
// (search/OrderProfile.h). The starts share the moves in rounds of doubling length. Lower bounds
// and an exact walk for narrow graphs (search/OrderProof.h) stop the search once the best order
// is provably optimal. Where the reference order already is, only the pressure at the budget is
// lowered, from the reference order, and only when the budget lies below every order's peak
// (without a budget nothing is searched). The search is deterministic for a given seed and
// number of moves; a deadline or stop request only cuts the same sequence short. Without a move
// limit the starts of each round run on the threads asked for.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/Graph.h"
#include "search/Deadline.h"

namespace moccasin {

struct OrderSearchOptions {
    // B; 0 = none. With a budget, once the peak stops falling the search lowers the pressure at
    // B instead, and orders are ranked by pressure, then peak; an order within B ends the search
    // (it needs no recomputation).
    int64_t budget = 0;
    uint64_t seed = 1;
    int maxCandidates = 4;  // how many orders to return
    // Moves to try in all; -1 = until the deadline. With a limit the result depends only on the
    // graph and the options (bounds and the exact walk then run without time shares), unless the
    // deadline cuts the search short.
    int64_t maxMoves = -1;
    // Without a move limit, the starts of each round are annealed on this many threads (with
    // one, the search does not depend on them).
    int threads = 1;
};

struct OrderCandidate {
    std::vector<int> order;  // a topological order of the graph (node indices of g)
    int64_t peak = 0;        // its no-recompute peak
    double pressure = 0;     // sum over positions of memory above the budget (0 without one)
    std::string origin;      // which start (and phase) it came from, for reports
    double seconds = 0;      // when the search first reached this peak (since the deadline's start)
};

struct OrderSearchResult {
    // The best few distinct orders found, best first (lowest pressure then peak with a budget,
    // lowest peak without), none with a peak above P_pi. When nothing beats the reference order,
    // it is the first.
    std::vector<OrderCandidate> candidates;
    int64_t bestPeak = 0;        // the lowest peak among the orders found
    int64_t lowerBound = 0;      // no order has a no-recompute peak below this
    bool provenOptimal = false;  // bestPeak == lowerBound
    int64_t moves = 0;           // moves tried
};

OrderSearchResult searchOrders(const Graph& g, const OrderSearchOptions& options, const Deadline& deadline);

}  // namespace moccasin
