// A small command-line parser shared by the subcommands: positional arguments, "--name value"
// (or "--name=value") options and "--flag" switches. Unknown options are usage errors (exit 2).
#pragma once
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace moccasin::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // valueOptions: options that take a value (e.g. "--budget", "-o"); flags: switches.
    Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
         const std::set<std::string>& flags) {
        for (size_t i = 0; i < argv.size(); ++i) {
            std::string a = argv[i];
            if (a.size() > 1 && a[0] == '-' && !isNumber(a)) {
                std::string value;
                bool hasInline = false;
                if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
                    value = a.substr(eq + 1);
                    a = a.substr(0, eq);
                    hasInline = true;
                }
                if (flags.count(a)) {
                    if (hasInline) throw UsageError("option " + a + " takes no value");
                    flags_.insert(a);
                } else if (valueOptions.count(a)) {
                    if (!hasInline) {
                        if (i + 1 >= argv.size()) throw UsageError("option " + a + " needs a value");
                        value = argv[++i];
                    }
                    values_[a] = value;
                } else {
                    throw UsageError("unknown option " + a);
                }
            } else {
                positional_.push_back(a);
            }
        }
    }
    bool flag(const std::string& name) const { return flags_.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) return std::nullopt;
        return it->second;
    }
    const std::vector<std::string>& positional() const { return positional_; }

    // Integer option in [lo, hi], or the default.
    long long integer(const std::string& name, long long def, long long lo, long long hi) const {
        auto v = value(name);
        if (!v) return def;
        size_t used = 0;
        long long x = 0;
        try {
            x = std::stoll(*v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != v->size()) throw UsageError("option " + name + " needs an integer, got '" + *v + "'");
        if (x < lo || x > hi)
            throw UsageError("option " + name + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
        return x;
    }
    double real(const std::string& name, double def, double lo, double hi) const {
        auto v = value(name);
        if (!v) return def;
        size_t used = 0;
        double x = 0;
        try {
            x = std::stod(*v, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != v->size() || !(x >= lo && x <= hi))
            throw UsageError("option " + name + " needs a number from " + shortNumber(lo) + " to " + shortNumber(hi) +
                             ", got '" + *v + "'");
        return x;
    }

private:
    // 0, 0.5, 1e+09: what a user would type, not std::to_string's six decimals.
    static std::string shortNumber(double x) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", x);
        return buf;
    }
    static bool isNumber(const std::string& s) {
        return s.size() > 1 && s[0] == '-' && (std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == '.');
    }
    std::map<std::string, std::string> values_;
    std::set<std::string> flags_;
    std::vector<std::string> positional_;
};

}  // namespace moccasin::cli
