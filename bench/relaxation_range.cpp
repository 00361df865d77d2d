// How far the stage-cut relaxation (model/LowerBound.h) can go: its Lagrangian bound (a lower
// bound of the relaxation's integer optimum) and the cost of a greedy cover of the same
// relaxation (an upper bound of that integer optimum), both as TDI %. When the greedy cover is
// below the best known schedule, no amount of search on this relaxation proves that schedule
// optimal: the relaxation itself must get stronger.
//
// Build against a build directory (C = 2):
//   g++ -O2 -std=c++20 -I. bench/relaxation_range.cpp build/libmoccasin_engine.a -ltbb -o /tmp/relaxation_range
//   /tmp/relaxation_range ../shared/graphs/rl_n100.json 0.8 [iterations]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "model/Budget.h"
#include "model/GraphJson.h"
#include "model/LowerBound.h"
#include "model/Peak.h"

using namespace moccasin;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: relaxation_range GRAPH BUDGET [iterations]\n");
        return 2;
    }
    Graph g = loadGraphFile(argv[1]);
    const int64_t budget = parseBudget(argv[2]).resolve(referencePeak(g));
    const int iterations = argc > 3 ? std::atoi(argv[3]) : 2000;
    const int n = g.numNodes();
    StageCutBound relaxation(g, budget);
    std::vector<int64_t> excess(n);
    for (int s = 0; s < n; ++s) excess[s] = relaxation.excess(s);
    // The relaxation's choices: per node one gap between consecutive consumers (C = 2).
    std::vector<std::pair<int, int>> gaps;
    std::vector<int> owner;
    for (int u = 0; u < n; ++u) {
        int prev = u;
        for (int c : g.succs(u)) {
            if (c > prev + 1) {
                gaps.emplace_back(prev + 1, c - 1);
                owner.push_back(u);
            }
            prev = c;
        }
    }
    // Greedy cover: the gap freeing the most uncovered excess per unit of cost, until none is left.
    std::vector<char> used(n, 0);
    int64_t cover = 0;
    for (;;) {
        if (std::none_of(excess.begin(), excess.end(), [](int64_t e) { return e > 0; })) break;
        double best = -1;
        int pick = -1;
        for (size_t i = 0; i < gaps.size(); ++i) {
            const int u = owner[i];
            if (used[u]) continue;
            double freed = 0;
            for (int s = gaps[i].first; s <= gaps[i].second; ++s)
                freed += static_cast<double>(std::min(g.size(u), std::max<int64_t>(excess[s], 0)));
            const double ratio = freed / (static_cast<double>(g.cost(u)) + 1e-9);
            if (freed > 0 && ratio > best) {
                best = ratio;
                pick = static_cast<int>(i);
            }
        }
        if (pick < 0) {
            std::printf("no cover: the relaxation proves the budget infeasible for C = 2\n");
            return 0;
        }
        used[owner[pick]] = 1;
        cover += g.cost(owner[pick]);
        for (int s = gaps[pick].first; s <= gaps[pick].second; ++s) excess[s] -= g.size(owner[pick]);
    }
    std::vector<int> paid(n, 0), free(n, 1);
    const int64_t lagrangian = relaxation.improve(paid, free, iterations, cover + 1);
    const double base = static_cast<double>(g.baselineCost());
    std::printf("%s at %s: Lagrangian %.4f%% <= relaxation optimum <= greedy cover %.4f%% (TDI)\n", argv[1], argv[2],
                100.0 * static_cast<double>(lagrangian) / base, 100.0 * static_cast<double>(cover) / base);
    return 0;
}
