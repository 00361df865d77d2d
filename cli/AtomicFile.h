// Whole-file replacement that a crash cannot tear: the content goes to a temporary file in the
// same directory, is flushed to disk, and is renamed over the target. A reader (or a process
// killed at any moment) sees the old file or the new one, never a mix or a truncated one.
#pragma once
#include <optional>
#include <string>

namespace moccasin::cli {

// Writes `content` to `path` atomically. Returns an error message, or nullopt on success.
std::optional<std::string> writeFileAtomically(const std::string& path, const std::string& content);

// Checks before a long run that `path` can be written: its directory exists and accepts a new
// file, and `path` is not a directory. Creates nothing that stays. Returns an error message.
std::optional<std::string> checkWritable(const std::string& path);

}  // namespace moccasin::cli
