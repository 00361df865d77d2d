// Simulated annealing over topological orders for a low no-recompute peak. A move shifts one node
// within its precedence window, or drags its descendants (ancestors) along when it moves later
// (earlier); search/OrderProfile.h scores it over the stretch it touches.
// The energy is the memory above a threshold a little below the best peak found, summed over
// positions: besides the peak it sees the positions close to it, which must come down too before
// the peak can. After targetPressure(B) the energy is the memory above B instead (the pressure
// that recomputation must relieve at budget B), and the best order is the one with the least
// pressure, then the lowest peak. The schedule is a sequence of annealing runs of doubling
// length, each from the best order so far; it depends only on the seed and the number of moves.
#pragma once
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "model/Graph.h"
#include "search/Deadline.h"
#include "search/OrderProfile.h"

namespace moccasin {

struct AnnealTuning {
    double margin = 0.02;          // threshold = best peak * (1 - margin)
    int maxShift = 256;            // farthest a node moves in one step
    double hotShare = 0.5;         // share of moves aimed across a high position
    double pushShare = 0.3;        // share of moves that drag descendants or ancestors along
    int maxDrag = 32;              // farthest such a move goes
    int hotTournament = 4;         // a high position is the highest of this many random ones
    double startAcceptance = 0.3;  // chance of taking a typical uphill move when a run starts
    double coolTo = 1e-3;          // the final temperature of a run, relative to the first
    int64_t firstRun = 20000;      // moves in the first run; each later run is twice as long
};

class OrderAnnealer {
public:
    OrderAnnealer(const Graph& g, std::span<const int> start, uint64_t seed, const AnnealTuning& tuning,
                  double now = 0);

    // Tries `moves` more moves, fewer when the deadline expires; returns how many it tried.
    int64_t run(int64_t moves, const Deadline& deadline);

    // From now on minimise the pressure at `budget` (budget > 0), starting from the best order.
    void targetPressure(int64_t budget);

    int64_t bestPeak() const { return bestPeak_; }
    double bestPressure() const { return bestPressure_; }  // after targetPressure
    const std::vector<int>& bestOrder();
    double bestSeconds() const { return bestSeconds_; }  // deadline time when bestPeak was reached
    int64_t movesTried() const { return moves_; }

private:
    void startRun();
    void step(const Deadline& deadline);
    bool proposeAndPreview(OrderProfile::Preview& preview);
    void buildDrag(int from, int to);
    void saveBest();
    bool worseThanBest(int64_t peak, double energy) const;
    void rethreshold();
    uint64_t below(uint64_t bound) { return rng_() % bound; }

    const Graph& g_;
    OrderProfile profile_;
    std::mt19937_64 rng_;
    AnnealTuning tuning_;
    std::vector<int> bestOrder_;
    int64_t bestPeak_;
    double bestSeconds_;
    bool bestIsCurrent_ = false;
    int64_t threshold_ = 0;
    int64_t pressureBudget_ = 0;  // 0: minimise the peak
    double bestPressure_ = 0;
    double energy_ = 0;
    // The current run.
    int64_t runLength_ = 0, runDone_ = 0;
    double temperature_ = 1, cooling_ = 1;
    int64_t moves_ = 0;
    // Scratch for dragging moves.
    std::vector<uint32_t> mark_;
    uint32_t stamp_ = 0;
    std::vector<int> stretch_, dragged_;
};

}  // namespace moccasin
