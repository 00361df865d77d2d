// What the fuzz targets demand beyond "no crash, no sanitizer report". A broken expectation
// aborts, which libFuzzer reports like a crash, saving the input that caused it.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/MessageText.h"

namespace moccasin::fuzz {

[[noreturn]] inline void broken(const char* expectation, const std::string& detail) {
    std::fprintf(stderr, "fuzz expectation broken: %s\n  %s\n", expectation, detail.c_str());
    std::abort();
}

#define FUZZ_REQUIRE(cond, detail) \
    do {                           \
        if (!(cond)) ::moccasin::fuzz::broken(#cond, (detail)); \
    } while (0)

// An error message for bad input: one line of printable UTF-8 (what printableLine leaves alone),
// starting with `prefix` (the input's name), and short enough to read.
inline void requireErrorLine(const std::string& message, const std::string& prefix, size_t maxBytes) {
    FUZZ_REQUIRE(message.rfind(prefix, 0) == 0, message);
    FUZZ_REQUIRE(message.size() <= maxBytes, message.substr(0, 200) + "... (" + std::to_string(message.size()) + " bytes)");
    FUZZ_REQUIRE(printableLine(message) == message, message);
}

}  // namespace moccasin::fuzz
