// The subcommands of the moccasin program. Each takes the arguments after its name and returns
// the process exit code (docs/cli.md):
//   0 schedule written / check passed, 1 internal error, 2 usage error, 3 bad input file,
//   4 proven infeasible, 5 no schedule found within the limits, 6 (check, report) the schedule is
//   invalid.
#pragma once
#include <string>
#include <vector>

namespace moccasin::cli {

enum ExitCode : int {
    kExitOk = 0,
    kExitInternal = 1,
    kExitUsage = 2,
    kExitBadInput = 3,
    kExitInfeasible = 4,
    kExitNoSchedule = 5,
    kExitViolation = 6,
};

int cmdSolve(const std::vector<std::string>& args);
int cmdCheck(const std::vector<std::string>& args);
int cmdInfo(const std::vector<std::string>& args);
int cmdGen(const std::vector<std::string>& args);
int cmdSweep(const std::vector<std::string>& args);
int cmdReport(const std::vector<std::string>& args);

}  // namespace moccasin::cli
