// Solves a graph through the moccasin library and prints the result:
//   embed GRAPH.json [SCHEDULE.json]
// With SCHEDULE.json, the result is also written as a schedule file for `moccasin check`.
// Exit 0 when there is a schedule, 1 when there is none, 2 on bad input.
#include <fstream>
#include <iostream>

#include <moccasin/moccasin.h>

int main(int argc, char** argv) {
    namespace api = moccasin::api;
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: embed GRAPH.json [SCHEDULE.json]\n";
        return 2;
    }
    try {
        const api::Graph graph = api::Graph::fromJsonFile(argv[1]);
        api::Options options;
        options.budget = api::Budget::fraction(0.85);  // 85% of the no-recompute peak
        options.copies = 2;
        options.timeLimitSeconds = 5;
        const api::Result r = api::solve(graph, options);

        std::cout << "moccasin " << api::version() << ": " << graph.name() << ", " << graph.numNodes() << " nodes, peak "
                  << graph.referencePeak() << ", budget " << r.budget << "\n"
                  << "status " << api::statusName(r.status);
        if (!r.hasSchedule()) {
            std::cout << ": " << r.message << "\n";
            return 1;
        }
        std::cout << ", cost " << *r.cost << " (TDI " << *r.tdiPercent << "%), peak " << *r.peak << "\n";
        for (const api::Operation& op : r.operations)
            std::cout << "  " << (op.kind == api::Operation::Kind::Compute ? "compute " : "free    ") << op.id << "\n";
        if (argc == 3) std::ofstream(argv[2]) << api::toScheduleJson(graph, r);
        return 0;
    } catch (const api::InputError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
}
