// The numbering and the choice behind bestGreedyPlan (search/Greedy.h), whose walks are spread
// over worker threads (search/GreedyPortfolio.cpp).
//
// A walk's number alone fixes what it does, in rounds: round 0 is one walk that charges Pending
// inputs, then every victim rule with exact scores; each later round is every rule with that
// round's jitter (charging in odd rounds). Rounds go on only while no walk has met the budget,
// and the round in which one first does is completed. The plan kept is the cheapest of the rounds
// up to that one, the lowest-numbered among equals: so the same plan whatever the number of
// workers and whatever order they finish in, as long as no deadline cuts the walks short.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "search/Greedy.h"

namespace moccasin {

struct WalkSpec {
    uint64_t round = 0;
    VictimRule rule = VictimRule::Dtr;
    uint64_t noise = 0;  // GreedyOptions::noiseSeed is derived from it (0: exact scores)
    bool chargePending = false;
};
WalkSpec walkSpec(uint64_t index);

// A walk that met the budget: its number, its round and its plan's cost.
struct MetWalk {
    uint64_t index = 0, round = 0;
    int64_t cost = 0;
};
// Which of `met` (in any order) the portfolio keeps when round `lastRound` was the first to meet
// the budget: its position in `met`, or nothing when no walk of those rounds met it.
std::optional<size_t> chooseWalk(const std::vector<MetWalk>& met, uint64_t lastRound);

}  // namespace moccasin
