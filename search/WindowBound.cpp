#include "search/WindowBound.h"

#include <algorithm>
#include <limits>

#include "model/WindowRelaxation.h"
#include "search/ExactSearch.h"
#include "search/Saturating.h"

namespace moccasin {

namespace {

constexpr int64_t kNoSchedule = std::numeric_limits<int64_t>::max();

// The window's relaxation solved by the exact search (with windows of its own while
// options.nesting > 0), its incumbent restricted to the window as the warm start, within the
// phase's time and the options' failure limits.
class WindowSolver final : public WindowSearcher {
public:
    WindowSolver(const Instance& inst, const std::optional<StagedPlan>& plan, const WindowBoundOptions& options,
                 const Deadline& deadline, const Deadline& phase, WindowBoundResult& stats)
        : inst_(inst), plan_(plan), options_(options), deadline_(deadline), phase_(phase), stats_(stats) {}

    bool expired() const override {
        return deadline_.expired() || phase_.expired() || stats_.failures >= options_.maxFailures;
    }

    // A sweep's search gets at most a quarter of the time left, so a window that does not end
    // leaves time for the others.
    WindowSolve solve(int first, int last, int depth, int64_t floor) override {
        std::optional<double> slice = phase_.remaining();
        if (slice) slice = std::min(*slice, std::max(0.5, *slice / 4));
        return solve(first, last, depth, floor, slice, options_.failLimit);
    }

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
    const Deadline& deadline_;
    const Deadline& phase_;
    WindowBoundResult& stats_;
};

// No schedule exists: `w`'s relaxation has none, so neither has the instance.
void markInfeasible(WindowBoundResult& result, WindowBoundResult::Window w) {
    w.bound = kNoSchedule;
    w.proven = true;
    result.bound = kNoSchedule;
    result.kept = {w};
}

// A proven bound of the relaxation of window i at `depth` (or of any window containing it at
// that depth or more): the best of the windows up to i at depths up to `depth`.
int64_t floorOf(const std::vector<WindowWalk>& walks, int i, int depth) {
    int64_t floor = 0;
    for (int e = 1; e <= depth; ++e) floor = std::max(floor, walks[static_cast<size_t>(e - 1)].boundUpTo(i));
    return floor;
}

// The first stage of the window halfway between window i and window i - 1 of the grid ending at
// `end`; none when no stage lies between them.
std::optional<int> halfwayFirst(int end, int step, int i) {
    const int first = std::max(0, end + 1 - (i + 1) * step);
    const int shorter = end + 1 - i * step;
    const int mid = first + (shorter - first) / 2;
    if (mid <= first) return std::nullopt;
    return mid;
}

// Records the search of [first, end] at `depth` in the sweep: true when its relaxation has no
// schedule (the sweep ends there); otherwise it becomes the best window if its bound is larger.
bool recordWindow(EndSweep& out, const WindowSolve& s, int first, int end, int depth) {
    if (s.infeasible) {
        out.infeasible = true;
        out.best = {first, end, kNoSchedule, true, depth};
        return true;
    }
    // Among equal bounds the first searched is kept: at one depth the shortest, which leaves the
    // most stages to the next windows.
    if (s.bound > out.best.bound) out.best = {first, end, s.bound, s.proven, depth};
    return false;
}

}  // namespace

int64_t WindowWalk::boundUpTo(int i) const {
    if (bounds.empty() || i < 0) return 0;
    return bounds[std::min(static_cast<size_t>(i), bounds.size() - 1)];
}

bool WindowWalk::plateaued(int plateau) const {
    if (plateau <= 0 || bounds.size() <= static_cast<size_t>(plateau) || bounds.back() == 0) return false;
    return bounds[bounds.size() - 1 - static_cast<size_t>(plateau)] == bounds.back();
}

std::optional<WindowBoundResult::Window> refineTarget(const WindowFrontier& f,
                                                      const std::vector<WindowBoundResult::Window>& kept) {
    const WindowBoundResult::Window* own = f.kept >= 0 ? &kept[static_cast<size_t>(f.kept)] : nullptr;
    if (own && !own->proven) return *own;
    bool clash = false;
    for (size_t j = 0; j < kept.size(); ++j)
        if (static_cast<int>(j) != f.kept && kept[j].last >= f.first && kept[j].first <= f.last) clash = true;
    if (!clash) return WindowBoundResult::Window{f.first, f.last, std::max(f.bound, own ? own->bound : 0), false,
                                                 own ? own->depth : 1};
    return std::nullopt;
}

nlohmann::json WindowBoundResult::statistics() const {
    nlohmann::json windows = nlohmann::json::array();
    for (const Window& w : kept) windows.push_back({w.first, w.last, w.depth, w.bound, w.proven});
    return {{"bound", bound},     {"searches", searches}, {"proofs", proofs}, {"refined", refined}, {"halfway", halfway},
            {"failures", failures}, {"seconds", seconds},   {"windows", windows}};
}

EndSweep sweepEnd(int end, int step, int maxDepth, int plateau, WindowSearcher& searcher) {
    EndSweep out;
    out.best = {end + 1, end, 0, false, 1};
    out.lastFirst = end + 1;
    step = std::max(1, step);
    maxDepth = std::max(1, maxDepth);
    // Window i is [end + 1 - (i + 1) * step, end] (clipped at 0). walks[d - 1] holds the windows
    // searched at depth d, as running maxima of their bounds and of the floors they started from.
    std::vector<WindowWalk> walks(static_cast<size_t>(maxDepth));
    int reach = 0;  // windows searched at depth 1 (the last may not have ended)
    // Two passes over the depths. In the first, a walk pauses where its bound has not risen over
    // `plateau` windows, so that the deeper relaxations of the short windows get their time
    // before the long shallow ones: on rl_n250 at 0.9 depth 1 climbs from 740 to 864 over windows
    // of 36 to 120 stages (13 s of searches), while depth 2 of the 36-stage window bounds the cost
    // at 1,029 in 30 s. The second pass goes on from where the walks paused (on rl_n500 at 0.8
    // depth 1 plateaus at 296 from 50 stages and reaches 1,130 at 150) ...
    for (const bool pausing : {plateau > 0, false}) {
        // ... but only past a window that ended: where the best bound so far is that of a search
        // that did not end, the time goes to that search instead (searched again after the
        // sweep: on rl_n250 at 0.9, 1,029 instead of 942 in 30 s).
        if (!pausing && out.best.bound > 0 && !out.best.proven) break;
        for (int d = 1; d <= maxDepth && !searcher.expired(); ++d) {
            WindowWalk& walk = walks[static_cast<size_t>(d - 1)];
            while (!walk.over && !searcher.expired()) {
                const int i = static_cast<int>(walk.bounds.size());
                if (d > 1 && i >= reach) break;  // depth 1 reaches as far as the deeper ones try
                if (pausing && walk.plateaued(plateau)) break;
                const int first = std::max(0, end + 1 - (i + 1) * step);
                // A shorter window at this depth or less bounds this one's relaxation
                // (model/WindowRelaxation.h: restricted, a relaxation is a weaker one's).
                const int64_t floor = floorOf(walks, i, d);
                const WindowSolve s = searcher.solve(first, end, d, floor);
                if (recordWindow(out, s, first, end, d)) return out;
                walk.bounds.push_back(std::max(floor, s.bound));
                if (d == 1) {
                    reach = i + 1;
                    out.lastFirst = first;
                    if (!s.proven) out.frontier = WindowFrontier{first, end, walk.bounds.back(), -1};
                }
                // A window halfway between this one, whose search did not end, and the last
                // that ended, searched once at depths from 2: the grid's step is coarse where the
                // deeper relaxations are slow (on rl_n250 at 0.9, stages 214-249 at depth 2 do
                // not end in 30 s; 220-249 are proven at 1,062 in 10 s).
                if (!s.proven && d > 1 && i > 0 && !searcher.expired()) {
                    if (const std::optional<int> mid = halfwayFirst(end, step, i)) {
                        ++out.halfway;
                        // From the bound of the windows inside it: those up to i - 1.
                        const WindowSolve h = searcher.solve(*mid, end, d, floorOf(walks, i - 1, d));
                        if (recordWindow(out, h, *mid, end, d)) return out;
                    }
                }
                // A longer window would not end either.
                if (!s.proven || first == 0) walk.over = true;
            }
        }
    }
    // The time the sweep leaves goes first to the kept window if its search did not end.
    if (!out.frontier && out.best.bound > 0 && !out.best.proven)
        out.frontier = WindowFrontier{out.best.first, end, out.best.bound, -1};
    return out;
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
    WindowSolver solver(inst, plan, options, deadline, phase, result);
    const int n = inst.graph.numNodes();
    const int step = std::max(1, n / std::max(1, options.steps));
    const int maxDepth = std::max(1, options.maxDepth);
    std::vector<WindowFrontier> frontiers;
    for (int end = n - 1; end >= 0 && !solver.expired();) {
        EndSweep sweep = sweepEnd(end, step, maxDepth, options.plateau, solver);
        result.halfway += static_cast<uint64_t>(sweep.halfway);
        if (sweep.infeasible) {
            markInfeasible(result, sweep.best);
            result.seconds = phase.elapsed();
            return result;
        }
        const WindowBoundResult::Window& best = sweep.best;
        std::optional<WindowFrontier>& frontier = sweep.frontier;
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
            end = sweep.lastFirst - 1;  // no window ending here needs a recomputation that could be proven
        }
    }
    // Time left after the sweep goes to the windows whose searches did not end, each searched
    // again with an equal share of it (refineTarget): per sweep end, its kept window if that
    // search did not end, else its longest window at depth 1 (at the kept window's depth), from
    // the bound of the kept one, which is a shorter window ending at the same stage, unless it
    // would overlap another kept window. A longer search of a relaxation only raises its bound,
    // and a better bound replaces the kept window's (bench/README.md, "Windows searched again"
    // and "The windows' sweep pauses at plateaus").
    for (size_t k = 0; options.refine && k < frontiers.size() && !solver.expired(); ++k) {
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
            markInfeasible(result, target);
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
