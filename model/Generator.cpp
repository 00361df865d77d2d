// Random layered graph generator. Everything random goes through SplitMix64 and integer
// arithmetic: std::*_distribution and floating-point sampling differ between standard libraries,
// and the same parameters must give the same bytes everywhere. The real-valued parameters are
// turned into integers (parts per million) once, up front; IEEE multiplication and llround are
// exact-rounded, so that conversion is portable too.
#include "model/Generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace moccasin {

namespace {

constexpr int64_t kMillion = 1'000'000;
// Extra inputs from the previous layer: one Bernoulli(E) trial per other node while the layer is
// narrow, at most this many trials when it is wide, so the in-degree stays bounded for big N.
constexpr int kMaxExtraTrials = 32;
// Skip inputs: one trial per earlier layer (beyond the previous one), at most this many, each
// succeeding with probability K / kSkipDivisor. The divisor makes K = 0.14 give the 0.3 to 0.7
// skip inputs per node seen in the published n = 100 .. 500 graphs.
constexpr int kMaxSkipTrials = 32;
constexpr int64_t kSkipDivisor = 3;
// Output sizes are 10 * (1 + a * b / kSizeSpan) with a, b uniform in [0, kSizeSpan): a product of
// two uniforms, skewed towards small values with mean ~2000 and maximum ~8000, close to the
// quantiles of the published graphs (which also use multiples of 10).
constexpr int64_t kSizeSpan = 800;
constexpr int64_t kMaxDuration = 999;

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, well mixed, and any seed (also 0) is fine.
class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) for n >= 1. Rejects the top 2^64 mod n values so there is no modulo bias.
    uint64_t below(uint64_t n) {
        const uint64_t rejectBelow = (0 - n) % n;  // 2^64 mod n
        for (;;) {
            uint64_t r = next();
            if (r >= rejectBelow) return r % n;
        }
    }
    int pick(int lo, int count) { return lo + static_cast<int>(below(static_cast<uint64_t>(count))); }
    // True with probability numer / denom.
    bool chance(int64_t numer, int64_t denom) {
        return static_cast<int64_t>(below(static_cast<uint64_t>(denom))) < numer;
    }

private:
    uint64_t state_;
};

int64_t isqrt(int64_t x) {
    auto r = static_cast<int64_t>(std::sqrt(static_cast<double>(x)));
    // The double estimate can be off by one for large x; fix it exactly.
    while (r > 0 && r * r > x) --r;
    while ((r + 1) * (r + 1) <= x) ++r;
    return r;
}

int64_t toPpm(double x) { return std::llround(x * static_cast<double>(kMillion)); }

std::string shortest(double x) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, x);  // shortest round-trip form, portable
    return std::string(buf, res.ptr);
}

void validate(const LayeredGraphParams& p) {
    if (p.nodes < 2) throw std::invalid_argument("a layered graph needs at least 2 nodes");
    if (!(p.width >= 0 && p.width <= 100)) throw std::invalid_argument("width must be in [0, 100]");
    if (!(p.edgeDensity >= 0 && p.edgeDensity <= 1))
        throw std::invalid_argument("edge density must be in [0, 1]");
    if (!(p.skipDensity >= 0 && p.skipDensity <= 1))
        throw std::invalid_argument("skip density must be in [0, 1]");
}

// Layer l holds nodes [start[l], start[l+1]). Layer 0 is the source, the last layer the sink,
// and the inner nodes fill layers whose width is uniform in [m/4, 7m/4] around the mean m.
std::vector<int> layerStarts(const LayeredGraphParams& p, SplitMix64& rng) {
    // Mean width in thousandths: 2 * W * sqrt(N), at least 1. The factor 2 makes the layer
    // counts match the published graphs with their own w (e.g. n=500, w=0.36: 31 inner layers).
    const int64_t sqrtNMilli = isqrt(static_cast<int64_t>(p.nodes) * kMillion);
    const int64_t meanMilli = std::max<int64_t>(1000, 2 * toPpm(p.width) * sqrtNMilli / kMillion);
    const int64_t lo = std::max<int64_t>(1, (meanMilli / 4 + 500) / 1000);
    const int64_t hi = std::max<int64_t>(lo, (7 * meanMilli / 4 + 500) / 1000);

    std::vector<int> start{0, 1};
    const int sink = p.nodes - 1;
    int next = 1;
    while (next < sink) {
        int64_t w = lo + static_cast<int64_t>(rng.below(static_cast<uint64_t>(hi - lo + 1)));
        next += static_cast<int>(std::min<int64_t>(w, sink - next));
        start.push_back(next);
    }
    start.push_back(p.nodes);  // the sink's layer [sink, nodes)
    return start;
}

struct EdgeRates {
    int64_t extraPpm;  // per extra previous-layer input trial
    int64_t skipPpm;   // per skip trial, out of kSkipDivisor * kMillion
};

// The inputs of node v in layer l: one mandatory previous-layer node (so every node but the
// source has an input), extra previous-layer nodes, and skip inputs from layers 0 .. l-2.
// Appends them sorted and without duplicates to `inputs`.
void drawInputs(const std::vector<int>& start, int l, const EdgeRates& rates, SplitMix64& rng,
                std::vector<int>& inputs) {
    inputs.clear();
    const int prevLo = start[l - 1], prevWidth = start[l] - start[l - 1];
    const int mandatory = rng.pick(prevLo, prevWidth);
    inputs.push_back(mandatory);
    if (prevWidth - 1 <= kMaxExtraTrials) {
        for (int u = prevLo; u < prevLo + prevWidth; ++u)
            if (u != mandatory && rng.chance(rates.extraPpm, kMillion)) inputs.push_back(u);
    } else {
        for (int t = 0; t < kMaxExtraTrials; ++t)
            if (rng.chance(rates.extraPpm, kMillion)) inputs.push_back(rng.pick(prevLo, prevWidth));
    }
    const int skipTrials = std::min(l - 1, kMaxSkipTrials);
    for (int t = 0; t < skipTrials; ++t) {
        if (!rng.chance(rates.skipPpm, kSkipDivisor * kMillion)) continue;
        // A uniform earlier layer, then a uniform node in it: skip lengths spread evenly.
        const int from = rng.pick(0, l - 1);
        inputs.push_back(rng.pick(start[from], start[from + 1] - start[from]));
    }
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
}

// All edges (u, v), u < v, sorted. Every node but the sink also gets an output into the next
// layer, so the source reaches everything and everything reaches the sink.
std::vector<std::pair<int, int>> drawEdges(const LayeredGraphParams& p, const std::vector<int>& start,
                                           SplitMix64& rng) {
    const EdgeRates rates{toPpm(p.edgeDensity), toPpm(p.skipDensity)};
    const int layers = static_cast<int>(start.size()) - 1;
    std::vector<std::pair<int, int>> edges;
    std::vector<char> hasNextOutput(static_cast<size_t>(p.nodes), 0);
    std::vector<int> inputs;
    for (int l = 1; l < layers; ++l) {
        for (int v = start[l]; v < start[l + 1]; ++v) {
            drawInputs(start, l, rates, rng, inputs);
            for (int u : inputs) {
                edges.emplace_back(u, v);
                if (u >= start[l - 1]) hasNextOutput[static_cast<size_t>(u)] = 1;
            }
        }
        for (int u = start[l - 1]; u < start[l]; ++u)
            if (!hasNextOutput[static_cast<size_t>(u)]) edges.emplace_back(u, rng.pick(start[l], start[l + 1] - start[l]));
    }
    std::sort(edges.begin(), edges.end());
    return edges;
}

nlohmann::json drawNodes(const LayeredGraphParams& p, SplitMix64& rng) {
    nlohmann::json nodes = nlohmann::json::array();
    nodes.get_ref<nlohmann::json::array_t&>().reserve(static_cast<size_t>(p.nodes));
    for (int k = 0; k < p.nodes; ++k) {
        // The source (input) and the sink (loss) cost no time, as in the published graphs.
        const bool terminal = k == 0 || k == p.nodes - 1;
        const int64_t duration = terminal ? 0 : static_cast<int64_t>(rng.below(kMaxDuration + 1));
        const auto a = static_cast<int64_t>(rng.below(kSizeSpan)), b = static_cast<int64_t>(rng.below(kSizeSpan));
        const int64_t outCost = 10 * (1 + a * b / kSizeSpan);
        nodes.push_back({{"name", k}, {"duration", duration}, {"out_cost", outCost}});
    }
    return nodes;
}

nlohmann::json toLinks(const std::vector<std::pair<int, int>>& edges) {
    nlohmann::json links = nlohmann::json::array();
    links.get_ref<nlohmann::json::array_t&>().reserve(edges.size());
    for (auto [u, v] : edges) links.push_back({{"0", u}, {"1", v}});
    return links;
}

}  // namespace

std::string layeredGraphName(const LayeredGraphParams& p) {
    return "random_layered_n" + std::to_string(p.nodes) + "_w" + shortest(p.width) + "_ed" +
           shortest(p.edgeDensity) + "_scd" + shortest(p.skipDensity) + "_seed" + std::to_string(p.seed);
}

nlohmann::json generateLayeredGraph(const LayeredGraphParams& p) {
    validate(p);
    // Separate streams for structure and attributes, so changing an edge parameter keeps the
    // node costs and sizes of the same seed.
    SplitMix64 seeder(p.seed);
    SplitMix64 structureRng(seeder.next()), attributeRng(seeder.next());

    const std::vector<int> start = layerStarts(p, structureRng);
    const auto edges = drawEdges(p, start, structureRng);

    nlohmann::json order = nlohmann::json::array();
    order.get_ref<nlohmann::json::array_t&>().reserve(static_cast<size_t>(p.nodes));
    for (int k = 0; k < p.nodes; ++k) order.push_back(k);

    nlohmann::json g;
    g["directed"] = true;
    g["multigraph"] = false;
    g["graph"] = {{"name", layeredGraphName(p)},
                  {"source_node", 0},
                  {"target_node", p.nodes - 1},
                  {"layers", static_cast<int>(start.size()) - 1}};
    g["graph"]["order"] = std::move(order);
    g["nodes"] = drawNodes(p, attributeRng);
    g["links"] = toLinks(edges);
    return g;
}

}  // namespace moccasin
