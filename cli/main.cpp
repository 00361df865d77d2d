// moccasin: tensor rematerialization under a memory budget. Dispatches to the subcommands.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "model/InputError.h"

namespace {
const char* kUsage =
    "usage: moccasin <command> [options]\n"
    "commands:\n"
    "  solve GRAPH --budget B   compute a rematerialization schedule\n"
    "  check GRAPH SCHEDULE     replay a schedule and report the first violation\n"
    "  info GRAPH               nodes, edges, reference peak, lowest possible budget\n"
    "  gen --nodes N --seed S   write a random layered graph\n"
    "  sweep GRAPH -o F.json    solve at budgets from 1.0 down to the lower limit; JSON + CSV\n"
    "  report GRAPH SCHEDULE -o F.html   an HTML page on a schedule (and a sweep)\n"
    "run 'moccasin <command> --help' for a command's options\n";
}

int main(int argc, char** argv) {
    using namespace moccasin::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? kExitUsage : kExitOk;
    }
    if (args[0] == "--version") {
        std::cout << "moccasin " << MOCCASIN_VERSION << "\n";
        return kExitOk;
    }
    std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "solve") return cmdSolve(args);
        if (cmd == "check") return cmdCheck(args);
        if (cmd == "info") return cmdInfo(args);
        if (cmd == "gen") return cmdGen(args);
        if (cmd == "sweep") return cmdSweep(args);
        if (cmd == "report") return cmdReport(args);
        std::cerr << "moccasin: unknown command '" << cmd << "'\n" << kUsage;
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "moccasin " << cmd << ": " << e.what() << " (see moccasin " << cmd << " --help)\n";
        return kExitUsage;
    } catch (const moccasin::InputError& e) {
        std::cerr << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::bad_alloc&) {
        std::cerr << "moccasin " << cmd << ": out of memory\n";
        return kExitInternal;
    } catch (const std::exception& e) {
        std::cerr << "moccasin " << cmd << ": internal error: " << e.what() << "\n";
        return kExitInternal;
    }
}
