// Failures to an optimality proof with and without bound shaving (search/BoundShaving.h), on
// generated layered graphs (tests' sizes: 20-40 nodes, seeds 1-4, budgets 0.80 and 0.88 of the
// reference peak, 2 copies, the greedy's plan as the warm start). The exact search alone, one
// thread, a failure limit instead of a clock, so the table does not depend on the machine.
//
// Build against a build directory:
//   g++ -O2 -std=c++20 -I. bench/shaving_proofs.cpp build/libmoccasin.a build/libmoccasin_engine.a
//       build/libmoccasin_analysis.a build/libmoccasin.a -ltbb -o /tmp/shaving_proofs
//   /tmp/shaving_proofs [fail-limit]
#include <cstdio>
#include <cstdlib>

#include "model/Generator.h"
#include "model/GraphJson.h"
#include "model/Peak.h"
#include "search/ExactSearch.h"
#include "search/Greedy.h"

using namespace moccasin;

int main(int argc, char** argv) {
    const uint64_t failLimit = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    std::printf("| nodes | seed | budget | without: failures | without: status | with: failures | with: status | ratio |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    uint64_t sumWithout = 0, sumWith = 0;
    for (int n : {20, 26, 32, 40})
        for (uint64_t seed = 1; seed <= 4; ++seed)
            for (int percent : {80, 88}) {
                LayeredGraphParams p;
                p.nodes = n;
                p.seed = seed;
                const Graph g = parseGraphJson(generateLayeredGraph(p).dump(), "generated");
                const Instance inst{g, referencePeak(g) * percent / 100, 2};
                const auto warm = bestGreedyPlan(inst).plan;
                if (!warm) continue;  // the exact search would look for a first schedule instead
                ExactResult r[2];
                for (int shaving = 0; shaving < 2; ++shaving) {
                    ExactOptions o;
                    o.shaving = shaving == 1;
                    o.failLimit = failLimit;
                    r[shaving] = solveExact(inst, o, warm);
                }
                sumWithout += r[0].failures;
                sumWith += r[1].failures;
                auto status = [](const ExactResult& x) { return x.provedOptimal ? "optimal" : "not proven"; };
                // No ratio where the proof took (almost) no search.
                char ratio[32] = "";
                if (r[0].failures >= 10)
                    std::snprintf(ratio, sizeof ratio, "%.2f", static_cast<double>(r[1].failures) / static_cast<double>(r[0].failures));
                std::printf("| %d | %llu | 0.%d | %llu | %s | %llu | %s | %s |\n", n, static_cast<unsigned long long>(seed),
                            percent, static_cast<unsigned long long>(r[0].failures), status(r[0]),
                            static_cast<unsigned long long>(r[1].failures), status(r[1]), ratio);
                std::fflush(stdout);
            }
    std::printf("\nsum of failures: without %llu, with %llu\n", static_cast<unsigned long long>(sumWithout),
                static_cast<unsigned long long>(sumWith));
}
