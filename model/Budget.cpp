#include "model/Budget.h"

#include <cctype>
#include <limits>
#include <stdexcept>
#include <utility>

#include "model/MessageText.h"

namespace moccasin {

namespace {
// The budget as messages quote it: one line and short, whatever was typed.
std::string shown(const std::string& text) { return "'" + printableLine(text, 40) + "'"; }

struct Unit {
    const char* suffix;
    int64_t factor;
};
// Longest suffixes first so "GiB" is not read as "B".
const Unit kUnits[] = {{"KiB", int64_t(1) << 10}, {"MiB", int64_t(1) << 20}, {"GiB", int64_t(1) << 30},
                       {"TiB", int64_t(1) << 40}, {"kB", 1000},          {"KB", 1000},
                       {"MB", 1000000},           {"GB", 1000000000},    {"TB", 1000000000000},
                       {"B", 1}};

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses "123", "0.85", ".5" exactly into num / den with den a power of ten.
std::pair<int64_t, int64_t> parseDecimal(const std::string& s, const std::string& whole) {
    int64_t num = 0, den = 1;
    bool seenDot = false, seenDigit = false;
    for (char c : s) {
        if (c == '.' && !seenDot) {
            seenDot = true;
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            seenDigit = true;
            if (num > (std::numeric_limits<int64_t>::max() - 9) / 10 ||
                (seenDot && den > std::numeric_limits<int64_t>::max() / 10))
                throw std::invalid_argument("budget " + shown(whole) + " has too many digits");
            num = num * 10 + (c - '0');
            if (seenDot) den *= 10;
        } else {
            throw std::invalid_argument("budget " + shown(whole) + " is not a number, a percentage or an amount like 12GiB");
        }
    }
    if (!seenDigit) throw std::invalid_argument("budget " + shown(whole) + " has no digits");
    return {num, den};
}
}  // namespace

Budget Budget::parse(const std::string& text) {
    std::string s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    if (s.empty()) throw std::invalid_argument("empty budget");
    if (s[0] == '-') throw std::invalid_argument("budget " + shown(text) + " is negative");
    if (endsWith(s, "%")) {
        auto [num, den] = parseDecimal(s.substr(0, s.size() - 1), text);
        if (den > std::numeric_limits<int64_t>::max() / 100) throw std::invalid_argument("budget " + shown(text) + " has too many digits");
        if (num == 0) throw std::invalid_argument("budget " + shown(text) + " is zero");
        return Budget(true, num, den * 100, text);
    }
    for (const Unit& u : kUnits) {
        if (!endsWith(s, u.suffix)) continue;
        std::string number = s.substr(0, s.size() - std::string(u.suffix).size());
        while (!number.empty() && number.back() == ' ') number.pop_back();
        auto [num, den] = parseDecimal(number, text);
        __int128 amount = (static_cast<__int128>(num) * u.factor + den - 1) / den;
        if (amount > std::numeric_limits<int64_t>::max()) throw std::invalid_argument("budget " + shown(text) + " exceeds int64");
        return Budget(false, static_cast<int64_t>(amount), 1, text);
    }
    auto [num, den] = parseDecimal(s, text);
    if (s.find('.') != std::string::npos) {
        if (num == 0) throw std::invalid_argument("budget " + shown(text) + " is zero");
        return Budget(true, num, den, text);
    }
    return Budget(false, num, 1, text);
}

int64_t Budget::resolve(int64_t referencePeak) const {
    if (!fraction_) return num_;
    __int128 b = (static_cast<__int128>(referencePeak) * num_ + den_ - 1) / den_;
    if (b > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(b);
}

}  // namespace moccasin
