#include "model/Peak.h"

#include <algorithm>
#include <vector>

namespace moccasin {

int64_t referencePeak(const Graph& g) {
    const int n = g.numNodes();
    // Node k's output is live at stages k .. lastConsumer(k): a difference array over stages.
    std::vector<int64_t> delta(n + 1, 0);
    for (int k = 0; k < n; ++k) {
        delta[k] += g.size(k);
        delta[g.lastConsumer(k) + 1] -= g.size(k);
    }
    int64_t live = 0, peak = 0;
    for (int k = 0; k < n; ++k) {
        live += delta[k];
        peak = std::max(peak, live);
    }
    return peak;
}

static int64_t footprint(const Graph& g, int v) {
    int64_t f = g.size(v);
    for (int u : g.preds(v)) f += g.size(u);
    return f;
}

int budgetLimitingNode(const Graph& g) {
    int best = 0;
    for (int v = 1; v < g.numNodes(); ++v)
        if (footprint(g, v) > footprint(g, best)) best = v;
    return best;
}

int64_t budgetLowerLimit(const Graph& g) { return g.numNodes() == 0 ? 0 : footprint(g, budgetLimitingNode(g)); }

}  // namespace moccasin
