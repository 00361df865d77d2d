#include "search/ExactSearch.h"

#include <algorithm>
#include <limits>
#include <memory>

#include "model/LowerBound.h"
#include "search/BoundShaving.h"
#include "search/Incumbent.h"
#include "search/Saturating.h"
#include "search/TreeSearch.h"
#include "solver/NogoodStore.h"

namespace moccasin {

uint64_t lubySequence(uint64_t i) {
    for (uint64_t k = 1;; ++k) {
        uint64_t p = (uint64_t{1} << k) - 1;
        if (i == p) return uint64_t{1} << (k - 1);
        if (i < p) return lubySequence(i - ((uint64_t{1} << (k - 1)) - 1));
    }
}

namespace {

// Lowers a shaving probe's cap in place when its failures run out (search/BoundShaving.h),
// within the search's own failure limit.
class ShavingLowering final : public CapLowering {
public:
    ShavingLowering(BoundShaver& shaver, uint64_t searchLimit) : shaver_(shaver), searchLimit_(searchLimit) {}
    bool lower(int64_t& cap, uint64_t& failLimit) override {
        if (failLimit >= searchLimit_) return false;
        cap = shaver_.lower(cap);
        failLimit += std::min(shaver_.failLimit(), searchLimit_ - failLimit);  // failLimit < searchLimit_
        return true;
    }

private:
    BoundShaver& shaver_;
    uint64_t searchLimit_;
};

// The window bound (search/WindowBound.h) as a bound on the whole cost, in its share of the time.
WindowBoundResult windowRootBound(const Instance& inst, const ExactOptions& opt, const Incumbent& incumbent,
                                  const Deadline& deadline) {
    WindowBoundOptions w = opt.window;
    w.model = opt.model;
    w.model.timing = false;
    w.learning = opt.learning;
    return windowBound(inst, incumbent.best(), w, deadline, deadline.share(opt.windowShare));
}

}  // namespace

CoverResult rootCoverBound(const Instance& inst, const ExactOptions& opt, const Deadline& deadline) {
    CoverLimits limits;
    limits.seconds = opt.coverSeconds;
    if (auto left = deadline.remaining()) limits.seconds = std::min(limits.seconds, 0.1 * *left);
    return solveStageCutCover(inst.graph, inst.budget, std::vector<int>(inst.graph.numNodes(), inst.copies - 1), limits);
}

ExactResult solveExact(const Instance& inst, const ExactOptions& opt,
                       const std::optional<StagedPlan>& warmStart) {
    Deadline deadline(opt.timeLimitSeconds);
    Incumbent incumbent(inst, deadline);
    if (warmStart) incumbent.offer(*warmStart, "warm start");
    return solveExactShared(inst, opt, incumbent, deadline);
}

ExactResult solveExactShared(const Instance& inst, const ExactOptions& opt,
                             Incumbent& incumbent, const Deadline& deadline) {
    const auto& [g, budget, copies] = inst;
    RematModel model(inst, opt.model);
    ExactResult result;
    result.lowerBound = g.baselineCost();
    nlohmann::json coverStats, windowStats;
    bool coverInfeasible = false;
    bool exhausted = !model.engine().fixpoint();
    if (!exhausted) {
        // The root bound with many steps: its value bounds every schedule, so it is posted at
        // level 0, and its multipliers start the search's bound (which takes few steps per node).
        const int64_t target = incumbent.has() ? incumbent.cost() : 2 * g.baselineCost();
        int64_t root = g.baselineCost();
        if (opt.model.recomputeBound && opt.rootIterations > 0) {
            StageCutBound bound(g, budget);
            std::vector<int> paid(g.numNodes(), 0), free(g.numNodes(), copies - 1);
            root += bound.improve(paid, free, opt.rootIterations, stepTarget(bound, free, target - g.baselineCost()));
            model.warmStartBound(bound.multipliers());
        }
        if (opt.model.recomputeBound && opt.coverBound) {
            const CoverResult cover = rootCoverBound(inst, opt, deadline);
            coverStats = {{"bound", cover.bound}, {"exact", cover.exact}, {"nodes", cover.nodes}};
            if (cover.infeasible) coverInfeasible = true;  // no cover at all: no plan exists
            else root = std::max(root, g.baselineCost() + cover.bound);
        }
        if (opt.knownLowerBound) root = std::max(root, *opt.knownLowerBound);
        solver::Engine& e = model.engine();
        if (coverInfeasible || root > e.ub(model.costVar())) exhausted = true;  // no plan can cost that much: none exists
        else exhausted = !e.setLb(model.costVar(), root) || !e.fixpoint();
        result.lowerBound = std::max({result.lowerBound, e.lb(model.costVar()), root});
        // A bound that contradicts a known schedule is surfaced (Solver's settle), never clamped.
        if (coverInfeasible && incumbent.has()) result.lowerBound = std::numeric_limits<int64_t>::max();
    }
    TreeSearch search(model, incumbent, opt.seed);
    solver::NogoodStore* nogoods = nullptr;
    solver::ConflictAnalysis analysis(opt.nogoodLimits.learntMaxLength);
    if (((opt.nogoods && opt.restarts) || opt.learning) && !exhausted) {
        nogoods = &model.engine().addPropagator(std::make_unique<solver::NogoodStore>());
        NogoodLimits limits = opt.nogoodLimits;
        limits.restartNogoods = opt.nogoods && opt.restarts;
        search.setNogoodStore(nogoods, limits);
    }
    if (opt.learning && !exhausted) {
        model.engine().setLearning(true);
        search.setLearning(&analysis);
    }
    bool limitHit = false;
    BoundShaver shaver;
    bool shaved = false;
    const solver::VarId cost = model.costVar();
    // The window bound waits until a schedule is known and the search has not proven it within
    // windowAfterFailures failures: where the search settles an instance quickly, the windows'
    // searches would only cost time.
    bool windowsPending = opt.windowBound && opt.model.recomputeBound && !coverInfeasible;
    for (uint64_t run = 1; !exhausted && !limitHit; ++run) {
        if (windowsPending && incumbent.has() && search.failures() >= opt.windowAfterFailures) {
            windowsPending = false;
            solver::Engine& e = model.engine();
            if (e.lb(cost) < incumbent.cost()) {
                const WindowBoundResult windows = windowRootBound(inst, opt, incumbent, deadline);
                windowStats = windows.statistics();
                const int64_t total = saturatingAdd(g.baselineCost(), windows.bound);
                // Above the incumbent: surfaced by the caller (result.lowerBound), never clamped.
                result.lowerBound = std::max(result.lowerBound, total);
                if (total > e.lb(cost)) {
                    exhausted = total > e.ub(cost) || !e.setLb(cost, total) || !e.fixpoint();
                    if (exhausted) break;
                }
            }
            if (deadline.expired()) break;
        }
        // Once a schedule is known the search shaves its bound (search/BoundShaving.h), unless
        // restarts are to go on as before it was known (--luby-restarts).
        const bool shave = opt.shaving && incumbent.has() && !opt.restartsAfterIncumbent;
        uint64_t limit = UINT64_MAX;
        if (shave) {
            if (model.engine().lb(cost) >= incumbent.cost()) {
                // The bound has reached the incumbent: it is optimal (a bound above it is
                // surfaced by the caller, never clamped).
                result.lowerBound = std::max(result.lowerBound, model.engine().lb(cost));
                exhausted = true;
                break;
            }
            search.setCostCap(shaver.next(model.engine().lb(cost), incumbent.cost()));
            limit = shaver.failLimit();
            shaved = true;
        } else {
            const bool restart = opt.restarts && (opt.restartsAfterIncumbent || !incumbent.has());
            if (restart) limit = opt.restartBase * lubySequence(run);
        }
        // A run pauses where the window bound is due (a capped probe then goes on after it).
        uint64_t stopAt = opt.failLimit;
        if (windowsPending && incumbent.has()) stopAt = std::min(stopAt, opt.windowAfterFailures);
        const uint64_t searchLimit = stopAt - std::min(stopAt, search.failures());
        limit = std::min(limit, searchLimit);
        ShavingLowering lowering(shaver, searchLimit);
        search.setCapLowering(shave ? &lowering : nullptr);
        const uint64_t failuresBefore = search.failures();
        auto outcome = search.run(limit, deadline, shave ? 0.0 : run > 1 ? 0.5 : 0.0, "exact");
        search.setCapLowering(nullptr);
        exhausted = outcome == TreeSearch::Outcome::Exhausted;
        limitHit = outcome == TreeSearch::Outcome::Deadline || search.failures() >= opt.failLimit;
        if (shave && exhausted) {
            // No schedule costs at most the probe's last cap; one may since have been found below it.
            shaver.exhausted(search.failures() - failuresBefore);
            const int64_t raised = BoundShaver::boundAfterExhausted(search.costCap(), incumbent.cost());
            solver::Engine& e = model.engine();
            result.lowerBound = std::max(result.lowerBound, raised);
            exhausted = !e.setLb(cost, raised) || !e.fixpoint() || raised >= incumbent.cost();
        } else if (!shave && !exhausted && !limitHit) {
            ++result.restarts;
        }
    }
    search.setCostCap(Incumbent::kNone);
    result.best = incumbent.best();
    result.bestCost = incumbent.has() ? incumbent.cost() : 0;
    if (exhausted) {
        result.provedOptimal = incumbent.has();
        result.provedInfeasible = !incumbent.has();
        if (result.provedOptimal) result.lowerBound = std::max(result.lowerBound, result.bestCost);
    }
    result.nodes = search.nodes();
    result.failures = search.failures();
    result.solutions = incumbent.solutions();
    result.secondsToFirst = incumbent.secondsToFirst();
    result.secondsToBest = incumbent.secondsToBest();
    result.seconds = deadline.elapsed();
    result.statistics = {{"nodes", result.nodes},
                         {"failures", result.failures},
                         {"solutions", result.solutions},
                         {"restarts", result.restarts},
                         {"propagations", model.engine().stats().propagations},
                         {"work", model.engine().stats().work},
                         {"propagators", model.propagatorStats()}};
    if (!coverStats.is_null()) result.statistics["root_cover"] = coverStats;
    if (!windowStats.is_null()) result.statistics["window_bound"] = windowStats;
    if (shaved) result.statistics["shaving"] = shaver.statistics();
    if (nogoods) {
        result.statistics["nogoods"] = {{"recorded", search.nogoodsRecorded()},
                                        {"stored", nogoods->size()},
                                        {"literals", nogoods->literals()},
                                        {"unit_at_root", nogoods->unitAtRoot()},
                                        {"learnt_deleted", nogoods->learntDeleted()},
                                        {"reductions", nogoods->reductions()},
                                        {"prunings", nogoods->units()}};
    }
    if (opt.learning) {
        const solver::LearningStats& ls = analysis.stats();
        result.statistics["learning"] = {{"conflicts", ls.conflicts},
                                         {"learnt", ls.learnt},
                                         {"given_up", ls.givenUp},
                                         {"literals", ls.literals},
                                         {"explanations", ls.explanations},
                                         {"bad_explanations", ls.badExplanations}};
        nlohmann::json by = nlohmann::json::object();
        const solver::Engine& e = model.engine();
        for (size_t id = 0; id < analysis.explanationsBy().size(); ++id) {
            const std::string name(e.propagator(static_cast<solver::PropId>(id)).name());
            if (analysis.explanationsBy()[id] == 0) continue;
            nlohmann::json& entry = by[name];
            if (entry.is_null()) entry = {{"explanations", uint64_t{0}}, {"given_up_at", uint64_t{0}}};
            entry["explanations"] = entry["explanations"].get<uint64_t>() + analysis.explanationsBy()[id];
            entry["given_up_at"] = entry["given_up_at"].get<uint64_t>() + analysis.givenUpAt()[id];
        }
        result.statistics["learning"]["by_propagator"] = by;
    }
    return result;
}

}  // namespace moccasin
