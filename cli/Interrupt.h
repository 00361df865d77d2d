// SIGINT/SIGTERM for the long-running subcommands: the first asks every search to stop (it then
// writes its best result as usual); a second exits at once with code 130, leaving whatever the
// command already wrote atomically.
#pragma once

namespace moccasin::cli {

void installStopHandlers();

}  // namespace moccasin::cli
