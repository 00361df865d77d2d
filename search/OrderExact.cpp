#include "search/OrderExact.h"

#include <algorithm>
#include <unordered_set>

namespace moccasin {

namespace {

// Every down-set reached so far, stored flat: its bits, the memory held after it (outputs with a
// consumer still to come), and how it was reached (for the order).
class DownSets {
public:
    explicit DownSets(int n) : words_((static_cast<size_t>(n) + 63) / 64) {}

    size_t words() const { return words_; }
    size_t size() const { return live_.size(); }
    const uint64_t* bits(size_t i) const { return bits_.data() + i * words_; }
    int64_t live(size_t i) const { return live_[i]; }
    int parent(size_t i) const { return parent_[i]; }
    int added(size_t i) const { return added_[i]; }
    size_t bytesPerState() const { return words_ * sizeof(uint64_t) + sizeof(int64_t) + 2 * sizeof(int); }

    void appendEmpty() {
        bits_.assign(words_, 0);
        live_.assign(1, 0);
        parent_.assign(1, -1);
        added_.assign(1, -1);
    }
    // Appends D + {v}; the caller fills in `live` and decides whether to keep it.
    size_t append(size_t from, int v) {
        size_t i = size();
        bits_.resize(bits_.size() + words_);  // may move the storage: copy by index
        std::copy_n(bits_.begin() + static_cast<std::ptrdiff_t>(from * words_), words_, bits_.begin() + static_cast<std::ptrdiff_t>(i * words_));
        bits_[i * words_ + v / 64] |= uint64_t{1} << (v % 64);
        live_.push_back(0);
        parent_.push_back(static_cast<int>(from));
        added_.push_back(v);
        return i;
    }
    void setLive(size_t i, int64_t value) { live_[i] = value; }
    void dropLast() {
        bits_.resize(bits_.size() - words_);
        live_.pop_back();
        parent_.pop_back();
        added_.pop_back();
    }
    uint64_t hash(size_t i) const {
        uint64_t h = 0x9E3779B97F4A7C15ULL;
        for (size_t w = 0; w < words_; ++w) h = (h ^ bits(i)[w]) * 0xBF58476D1CE4E5B9ULL + (h >> 29);
        return h;
    }
    bool equal(size_t a, size_t b) const { return std::equal(bits(a), bits(a) + words_, bits(b)); }

private:
    size_t words_;
    std::vector<uint64_t> bits_;
    std::vector<int64_t> live_;
    std::vector<int> parent_, added_;
};

bool has(const uint64_t* bits, int v) { return (bits[v / 64] >> (v % 64) & 1u) != 0; }

}  // namespace

OrderBelowResult orderBelow(const Graph& g, int64_t limit, int64_t maxBytes, const Deadline& deadline,
                            double maxSeconds) {
    const double stopAt = deadline.elapsed() + maxSeconds;
    const int n = g.numNodes();
    OrderBelowResult result;
    DownSets sets(n);
    const int64_t maxStates = maxBytes / static_cast<int64_t>(sets.bytesPerState());
    sets.appendEmpty();
    size_t levelBegin = 0, levelEnd = 1;
    auto hash = [&](size_t i) { return sets.hash(i); };
    auto equal = [&](size_t a, size_t b) { return sets.equal(a, b); };
    for (int level = 0; level < n; ++level) {
        std::unordered_set<size_t, decltype(hash), decltype(equal)> next(16, hash, equal);
        for (size_t s = levelBegin; s < levelEnd; ++s) {
            if ((s & 255) == 0 && (deadline.expired() || deadline.elapsed() > stopAt)) return result;
            for (int v = 0; v < n; ++v) {
                const uint64_t* d = sets.bits(s);
                if (has(d, v)) continue;
                bool ready = std::all_of(g.preds(v).begin(), g.preds(v).end(), [&](int u) { return has(d, u); });
                if (!ready || sets.live(s) + g.size(v) >= limit) continue;
                if (static_cast<int64_t>(sets.size()) >= maxStates) return result;
                size_t e = sets.append(s, v);
                // After v: its output joins unless it is a sink; inputs whose last consumer it was leave.
                int64_t live = sets.live(s) + (g.succs(v).empty() ? 0 : g.size(v));
                const uint64_t* eb = sets.bits(e);
                for (int u : g.preds(v))
                    if (std::all_of(g.succs(u).begin(), g.succs(u).end(), [&](int c) { return has(eb, c); }))
                        live -= g.size(u);
                sets.setLive(e, live);
                if (!next.insert(e).second) sets.dropLast();
            }
        }
        result.statesVisited += static_cast<int64_t>(levelEnd - levelBegin);
        levelBegin = levelEnd;
        levelEnd = sets.size();
        if (levelBegin == levelEnd) {
            result.status = OrderBelowResult::Status::None;
            return result;
        }
    }
    // A full down-set was reached: follow the parents back.
    result.status = OrderBelowResult::Status::Found;
    for (size_t s = levelBegin; s != 0; s = static_cast<size_t>(sets.parent(s))) result.order.push_back(sets.added(s));
    std::reverse(result.order.begin(), result.order.end());
    return result;
}

}  // namespace moccasin
