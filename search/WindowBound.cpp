#include "search/WindowBound.h"

#include <algorithm>
#include <limits>

#include "model/WindowRelaxation.h"
#include "search/ExactSearch.h"
#include "search/Saturating.h"

namespace moccasin {

namespace {

constexpr int64_t kNoSchedule = std::numeric_limits<int64_t>::max();

struct WindowSolve {
    int64_t bound = 0;
    bool proven = false;
    bool infeasible = false;
};

// The window's relaxation solved by the exact search (with windows of its own while
// options.nesting > 0), its incumbent restricted to the window as the warm start.
class WindowSolver {
public:
    WindowSolver(const Instance& inst, const std::optional<StagedPlan>& plan, const WindowBoundOptions& options,
                 WindowBoundResult& stats)
        : inst_(inst), plan_(plan), options_(options), stats_(stats) {}

    // `floor`: a proven bound of this window's relaxation: that of a shorter window ending at the
    // same stage, at the same depth or less (a schedule of this relaxation restricted to the
    // other's nodes and stages is one of the other's).
    // `failLimit`: of this search (at most what is left of options.maxFailures).
    WindowSolve solve(int first, int last, int depth, int64_t floor, std::optional<double> seconds, uint64_t failLimit) {
        WindowSolve out;
        const std::optional<WindowRelaxation> w = relaxToWindow(inst_, first, last, depth);
        if (!w) return out;  // nothing to relax: bound 0
        ExactOptions o;
        o.timeLimitSeconds = seconds;
        o.failLimit = std::min(failLimit, options_.maxFailures - std::min(options_.maxFailures, stats_.failures));
        o.model = options_.model;
        o.learning = options_.learning;
        o.windowBound = options_.nesting > 0;
        o.window = options_;
        o.window.nesting = options_.nesting - 1;
        o.window.maxFailures = options_.failLimit;
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

std::optional<WindowBoundResult::Window> refineTarget(const WindowFrontier& f,
                                                      const std::vector<WindowBoundResult::Window>& kept) {
    const WindowBoundResult::Window* own = f.kept >= 0 ? &kept[static_cast<size_t>(f.kept)] : nullptr;
    bool clash = false;
    for (size_t j = 0; j < kept.size(); ++j)
        if (static_cast<int>(j) != f.kept && kept[j].last >= f.first && kept[j].first <= f.last) clash = true;
    if (!clash) return WindowBoundResult::Window{f.first, f.last, std::max(f.bound, own ? own->bound : 0), false,
                                                 own ? own->depth : 1};
    if (!own || own->proven) return std::nullopt;
    return *own;
}

nlohmann::json WindowBoundResult::statistics() const {
    nlohmann::json windows = nlohmann::json::array();
    for (const Window& w : kept) windows.push_back({w.first, w.last, w.depth, w.bound, w.proven});
    return {{"bound", bound},     {"searches", searches}, {"proofs", proofs}, {"refined", refined},
            {"failures", failures}, {"seconds", seconds},   {"windows", windows}};
}

WindowBoundResult windowBound(const Instance& inst, const std::optional<StagedPlan>& plan,
                              const WindowBoundOptions& options, const Deadline& deadline,
                              std::optional<double> seconds) {
    WindowBoundResult result;
    // The phase ends at `seconds` or at the caller's deadline, whichever comes first (the caller's
    // is still polled: it may be cancelled).
    std::optional<double> limit = deadline.remaining();
    if (seconds) limit = limit ? std::min(*limit, *seconds) : *seconds;
    const Deadline phase(limit);
    auto expired = [&] { return deadline.expired() || phase.expired() || result.failures >= options.maxFailures; };
    WindowSolver solver(inst, plan, options, result);
    const int n = inst.graph.numNodes();
    const int step = std::max(1, n / std::max(1, options.steps));
    const int maxDepth = std::max(1, options.maxDepth);
    // One search gets at most a quarter of the time left, so a window that does not end leaves
    // time for the others.
    auto slice = [&]() -> std::optional<double> {
        const std::optional<double> left = phase.remaining();
        if (!left) return left;
        return std::min(*left, std::max(0.5, *left / 4));
    };
    std::vector<WindowFrontier> frontiers;
    for (int end = n - 1; end >= 0 && !expired();) {
        WindowBoundResult::Window best{end + 1, end, 0, false, 1};
        std::optional<WindowFrontier> frontier;
        // Window i is [end + 1 - (i + 1) * step, end] (clipped at 0). below[i]: the best bound of
        // the depths done so far over windows 0..i, which bounds window i's relaxation at every
        // greater depth (model/WindowRelaxation.h: restricted, a relaxation is a weaker one's).
        std::vector<int64_t> below;
        int reach = 0;            // windows searched at depth 1 (the last may not have ended)
        int lastFirst = end + 1;  // the first stage of the last of them
        for (int d = 1; d <= maxDepth && !expired(); ++d) {
            std::vector<int64_t> atDepth;
            int64_t floor = 0;  // the best bound of the shorter windows at this depth
            for (int i = 0; (d == 1 || i < reach) && !expired(); ++i) {
                const int first = std::max(0, end + 1 - (i + 1) * step);
                if (d > 1) floor = std::max(floor, below[i]);
                const WindowSolve s = solver.solve(first, end, d, floor, slice(), options.failLimit);
                if (s.infeasible) {
                    result.bound = kNoSchedule;
                    result.kept = {{first, end, kNoSchedule, true, d}};
                    result.seconds = phase.elapsed();
                    return result;
                }
                floor = std::max(floor, s.bound);
                atDepth.push_back(floor);
                // The shortest window with the largest bound leaves the most stages to the next.
                if (s.bound > best.bound) best = {first, end, s.bound, s.proven, d};
                if (d == 1) {
                    reach = i + 1;
                    lastFirst = first;
                    if (!s.proven) frontier = WindowFrontier{first, end, floor, -1};
                }
                // A longer window would not end either; depth 1 reaches as far as the deeper ones try.
                if (!s.proven || first == 0) break;
            }
            if (below.size() < atDepth.size()) below.resize(atDepth.size(), 0);
            for (size_t i = 0; i < atDepth.size(); ++i) below[i] = std::max(below[i], atDepth[i]);
        }
        if (frontier) {
            if (best.bound > 0) frontier->kept = static_cast<int>(result.kept.size());
            frontiers.push_back(*frontier);
        }
        if (best.bound > 0) {
            result.kept.push_back(best);
            // Saturated below kNoSchedule, which says that no schedule exists.
            result.bound = std::min(saturatingAdd(result.bound, best.bound), kNoSchedule - 1);
            end = best.first - 1;
        } else {
            end = lastFirst - 1;  // no window ending here needs a recomputation that could be proven
        }
    }
    // Time left after the sweep goes to the windows whose searches did not end, each searched
    // again with an equal share of it: per sweep end, its longest window at depth 1 (at the kept
    // window's depth), from the bound of the kept one, which is a shorter window ending at the
    // same stage. Where the longer window would overlap another kept window, the kept one is
    // searched again instead, if it did not end. A longer search of a relaxation only raises its
    // bound, and a better bound replaces the kept window's. On rl_n250 at 0.9 the sweep ends
    // after 16 of its 30 s (bench/README.md, "Windows searched again").
    for (size_t k = 0; options.refine && k < frontiers.size() && !expired(); ++k) {
        const WindowFrontier& f = frontiers[k];
        WindowBoundResult::Window* kept = f.kept >= 0 ? &result.kept[static_cast<size_t>(f.kept)] : nullptr;
        const std::optional<WindowBoundResult::Window> found = refineTarget(f, result.kept);
        if (!found) continue;
        WindowBoundResult::Window target = *found;
        const std::optional<double> left = phase.remaining();
        std::optional<double> seconds;
        if (left) seconds = *left / static_cast<double>(frontiers.size() - k);
        const WindowSolve s = solver.solve(target.first, target.last, target.depth, target.bound, seconds, options.maxFailures);
        ++result.refined;
        if (s.infeasible) {
            result.bound = kNoSchedule;
            result.kept = {{target.first, target.last, kNoSchedule, true, target.depth}};
            break;
        }
        const int64_t before = kept ? kept->bound : 0;
        if (s.bound <= before) {
            if (kept && s.proven && target.first == kept->first) kept->proven = true;
            continue;
        }
        result.bound = std::min(saturatingAdd(result.bound, s.bound - before), kNoSchedule - 1);
        target.bound = s.bound;
        target.proven = s.proven;
        if (kept) *kept = target;
        else result.kept.push_back(target);
    }
    // Listed from the last stage down, as the sweep keeps them.
    std::sort(result.kept.begin(), result.kept.end(),
              [](const WindowBoundResult::Window& a, const WindowBoundResult::Window& b) { return a.last > b.last; });
    result.seconds = phase.elapsed();
    return result;
}

}  // namespace moccasin
