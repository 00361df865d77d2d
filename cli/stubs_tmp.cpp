// Temporary: replaced by the real subcommands.
#include "cli/Commands.h"
namespace moccasin::cli {
int cmdSolve(const std::vector<std::string>&) { return 1; }
int cmdCheck(const std::vector<std::string>&) { return 1; }
int cmdInfo(const std::vector<std::string>&) { return 1; }
int cmdGen(const std::vector<std::string>&) { return 1; }
}
