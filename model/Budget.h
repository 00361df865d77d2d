// Memory budgets as users write them: a fraction of the reference peak ("0.8", "80%") or an
// absolute amount in the graph's size unit ("123456789", "900MB", "12GiB", "1.5GB").
// A plain integer is absolute; a number with a decimal point or a '%' is a fraction.
// Parsing is exact (decimal rationals, no floating point): B = ceil(f * P_pi).
#pragma once
#include <cstdint>
#include <string>

namespace moccasin {

class Budget {
public:
    // Throws std::invalid_argument with a one-line reason.
    static Budget parse(const std::string& text);
    static Budget absolute(int64_t amount) { return Budget(false, amount, 1, "absolute"); }

    bool isFraction() const { return fraction_; }
    // The absolute budget for a graph whose reference peak is `referencePeak`.
    int64_t resolve(int64_t referencePeak) const;
    const std::string& text() const { return text_; }

private:
    Budget(bool fraction, int64_t num, int64_t den, std::string text)
        : fraction_(fraction), num_(num), den_(den), text_(std::move(text)) {}
    bool fraction_;
    int64_t num_, den_;  // value = num_ / den_ (times the peak for fractions)
    std::string text_;
};

inline Budget parseBudget(const std::string& text) { return Budget::parse(text); }

}  // namespace moccasin
