// libFuzzer target: the budget parser (model/Budget) on arbitrary bytes.
// Expected: either a Budget or std::invalid_argument with a one-line message; never another
// exception, a crash or a sanitizer report. A parsed budget resolves, for any reference peak, to
// an amount >= 0 that does not fall as the peak grows, and a fraction of a zero peak is zero.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "fuzz/FuzzCheck.h"
#include "model/Budget.h"

using namespace moccasin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<Budget> b;
    try {
        b = Budget::parse(text);
    } catch (const std::invalid_argument& e) {
        fuzz::requireErrorLine(e.what(), "", 200);
        return 0;
    }
    FUZZ_REQUIRE(b->text() == text, "text() is not the input");
    constexpr int64_t kPeaks[] = {0, 1, 7, 1000, 999999937, int64_t(1) << 40, 10000000000000,
                                  std::numeric_limits<int64_t>::max() / 3, std::numeric_limits<int64_t>::max()};
    int64_t previous = 0;
    for (int64_t peak : kPeaks) {
        const int64_t amount = b->resolve(peak);
        FUZZ_REQUIRE(amount >= previous, "resolve(" + std::to_string(peak) + ") = " + std::to_string(amount));
        previous = amount;
    }
    if (b->isFraction()) FUZZ_REQUIRE(b->resolve(0) == 0, "a fraction of a zero peak");
    return 0;
}
