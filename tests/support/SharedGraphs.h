// Locates the benchmark graphs in ../shared/graphs (they are not part of the project).
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace moccasin::testing {

inline std::string sharedGraphsDir() {
    if (const char* env = std::getenv("MOCCASIN_SHARED_GRAPHS"); env && std::filesystem::is_directory(env)) return env;
    std::string fallback = std::string(MOCCASIN_SOURCE_DIR) + "/../shared/graphs";
    return std::filesystem::is_directory(fallback) ? fallback : std::string();
}

// Sorted paths of the *.json benchmark graphs; empty when the directory is absent.
inline std::vector<std::string> sharedGraphFiles() {
    std::vector<std::string> files;
    std::string dir = sharedGraphsDir();
    if (dir.empty()) return files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace moccasin::testing
