// Wall-clock and stop-flag limits for a search, polled cheaply.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>

#include "search/StopFlag.h"

namespace moccasin {

class Deadline {
public:
    explicit Deadline(std::optional<double> seconds) : start_(std::chrono::steady_clock::now()) {
        if (seconds) end_ = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                        std::chrono::duration<double>(*seconds));
    }
    bool expired() const {
        if (stopRequested().load(std::memory_order_relaxed) || cancelled_.load(std::memory_order_relaxed)) return true;
        return end_ && std::chrono::steady_clock::now() >= *end_;
    }
    // Ends the search early (e.g. optimality was proven by another thread).
    void cancel() const { cancelled_.store(true, std::memory_order_relaxed); }
    // Seconds left, or nullopt without a time limit (never negative).
    std::optional<double> remaining() const {
        if (!end_) return std::nullopt;
        return std::max(0.0, std::chrono::duration<double>(*end_ - std::chrono::steady_clock::now()).count());
    }
    bool hasLimit() const { return end_.has_value(); }
    // A limit for a phase that may use `fraction` of the time left (none without a limit).
    std::optional<double> share(double fraction) const {
        std::optional<double> left = remaining();
        return left ? std::optional<double>(fraction * *left) : std::nullopt;
    }
    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
    std::optional<std::chrono::steady_clock::time_point> end_;
    mutable std::atomic<bool> cancelled_{false};
};

}  // namespace moccasin
