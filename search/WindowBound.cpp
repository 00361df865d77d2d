#include "search/WindowBound.h"

#include <algorithm>
#include <limits>

#include "model/WindowRelaxation.h"
#include "search/ExactSearch.h"

namespace moccasin {

namespace {

constexpr int64_t kNoSchedule = std::numeric_limits<int64_t>::max();

struct WindowSolve {
    int64_t bound = 0;
    bool proven = false;
    bool infeasible = false;
};

// The window's relaxation solved by the exact search (without windows of its own).
class WindowSolver {
public:
    WindowSolver(const Instance& inst, const std::optional<StagedPlan>& plan, const WindowBoundOptions& options,
                 WindowBoundResult& stats)
        : inst_(inst), plan_(plan), options_(options), stats_(stats) {}

    // `floor`: a proven bound of this window's relaxation (that of a shorter window ending at the
    // same stage: a schedule of the longer one restricted to the shorter is one of the shorter's).
    WindowSolve solve(int first, int last, int64_t floor, std::optional<double> seconds) {
        WindowSolve out;
        const std::optional<WindowRelaxation> w = relaxToWindow(inst_, first, last);
        if (!w) return out;  // nothing to relax: bound 0
        ExactOptions o;
        o.timeLimitSeconds = seconds;
        o.failLimit = options_.failLimit;
        o.model = options_.model;
        o.windowBound = false;
        int64_t known = 0;
        if (floor > 0 && !__builtin_add_overflow(w->graph.baselineCost(), floor, &known)) o.knownLowerBound = known;
        std::optional<StagedPlan> warm;
        if (plan_) warm = restrictToWindow(*w, *plan_);
        const ExactResult r = solveExact(w->instance(), o, warm);
        ++stats_.searches;
        stats_.failures += r.failures;
        if (r.provedInfeasible) {
            out.infeasible = out.proven = true;
            out.bound = kNoSchedule;
            return out;
        }
        out.proven = r.provedOptimal;
        out.bound = std::max<int64_t>(0, w->recomputationCost(r.provedOptimal ? r.bestCost : r.lowerBound));
        if (out.proven) ++stats_.proofs;
        return out;
    }

private:
    const Instance& inst_;
    const std::optional<StagedPlan>& plan_;
    const WindowBoundOptions& options_;
    WindowBoundResult& stats_;
};

}  // namespace

nlohmann::json WindowBoundResult::statistics() const {
    nlohmann::json windows = nlohmann::json::array();
    for (const Window& w : kept) windows.push_back({w.first, w.last, w.bound, w.proven});
    return {{"bound", bound},     {"searches", searches}, {"proofs", proofs},
            {"failures", failures}, {"seconds", seconds},   {"windows", windows}};
}

WindowBoundResult windowBound(const Instance& inst, const std::optional<StagedPlan>& plan,
                              const WindowBoundOptions& options, const Deadline& deadline,
                              std::optional<double> seconds) {
    WindowBoundResult result;
    const Deadline phase(seconds);
    auto timeLeft = [&]() -> std::optional<double> {
        std::optional<double> a = deadline.remaining(), b = phase.remaining();
        if (!a) return b;
        if (!b) return a;
        return std::min(*a, *b);
    };
    auto expired = [&] { return deadline.expired() || phase.expired(); };
    WindowSolver solver(inst, plan, options, result);
    const int n = inst.graph.numNodes();
    const int step = std::max(1, n / std::max(1, options.steps));
    for (int end = n - 1; end >= 0 && !expired();) {
        WindowBoundResult::Window best{end + 1, end, 0, false};
        int first = end + 1;
        while (first > 0 && !expired()) {
            first = std::max(0, first - step);
            const WindowSolve s = solver.solve(first, end, best.bound, timeLeft());
            if (s.infeasible) {
                result.bound = kNoSchedule;
                result.kept = {{first, end, kNoSchedule, true}};
                result.seconds = phase.elapsed();
                return result;
            }
            // The shortest window with the largest bound leaves the most stages to the next ones.
            if (s.bound > best.bound) best = {first, end, s.bound, s.proven};
            if (!s.proven) break;  // a longer window would not end either
        }
        if (best.bound > 0) {
            result.kept.push_back(best);
            if (__builtin_add_overflow(result.bound, best.bound, &result.bound)) result.bound = kNoSchedule - 1;
            end = best.first - 1;
        } else {
            end = first - 1;  // no window ending here needs a recomputation that could be proven
        }
    }
    result.seconds = phase.elapsed();
    return result;
}

}  // namespace moccasin
