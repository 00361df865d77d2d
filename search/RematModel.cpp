#include "search/RematModel.h"

#include "model/Timeline.h"
#include "propagators/ObjectiveSum.h"
#include "propagators/RecomputeBound.h"
#include "propagators/Ttef.h"

namespace moccasin {

using solver::VarId;

RematModel::RematModel(const Instance& inst, const ModelOptions& options)
    : g_(inst.graph), budget_(inst.budget), copies_(inst.copies), engine_(std::make_unique<solver::Engine>()) {
    const auto& [g, budget, copies] = inst;
    solver::Engine& e = *engine_;
    e.setTiming(options.timing);
    const int n = g.numNodes();
    const int64_t horizon = numEvents(n);  // every end lies in (start, horizon]
    tasks_.resize(static_cast<size_t>(n) * copies);
    std::vector<ObjectiveSum::Term> terms;
    for (int k = 0; k < n; ++k) {
        for (int i = 0; i < copies; ++i) {
            StageTask& t = tasks_[static_cast<size_t>(k) * copies + i];
            t.slot = k;
            t.demand = g.size(k);
            if (i == 0) {
                t.presence = e.addVar(1, 1);
                t.stage = e.addVar(k, k);
                t.end = e.addVar(eventOf(k, k) + 1, horizon);
                continue;
            }
            bool room = k + 1 < n;  // the last node has no later stage to be recomputed in
            t.presence = e.addVar(0, room ? 1 : 0);
            t.stage = room ? e.addVar(k + 1, n - 1) : e.addVar(k, k);
            t.end = e.addVar(eventOf(room ? k + 1 : k, k) + 1, std::max(horizon, eventOf(k, k) + 1));
            terms.push_back({t.presence, g.cost(k)});
        }
    }
    int64_t maxCost = g.baselineCost();
    for (const auto& term : terms) maxCost += term.cost;
    cost_ = e.addVar(g.baselineCost(), maxCost);

    addStructuralConstraints(options);
    e.addPropagator(std::make_unique<ObjectiveSum>(cost_, g.baselineCost(), std::move(terms)));
    if (options.recomputeBound) {
        std::vector<std::vector<StageTask>> byNode(n);
        for (int k = 0; k < n; ++k) byNode[k].assign(tasks_.begin() + static_cast<long>(k) * copies,
                                                     tasks_.begin() + static_cast<long>(k + 1) * copies);
        recomputeBound_ = &e.addPropagator(std::make_unique<RecomputeBound>(
            g, budget, cost_, std::move(byNode), RecomputeBoundOptions{options.boundIterations, options.boundWindows}));
    }
}

void RematModel::warmStartBound(const std::vector<long double>& lambda) {
    if (recomputeBound_) recomputeBound_->warmStart(lambda);
}

bool RematModel::allFixed() const {
    const solver::Engine& e = *engine_;
    for (const StageTask& t : tasks_) {
        if (!e.isFixed(t.presence)) return false;
        if (e.isTrue(t.presence) && (!e.isFixed(t.stage) || !e.isFixed(t.end))) return false;
    }
    return true;
}

StagedPlan RematModel::plan() const {
    const solver::Engine& e = *engine_;
    StagedPlan p = StagedPlan::noRecompute(g_.numNodes());
    for (int k = 0; k < g_.numNodes(); ++k)
        for (int i = 1; i < copies_; ++i) {
            const StageTask& t = task(k, i);
            if (e.isTrue(t.presence)) p.recomputeStages[k].push_back(static_cast<int>(e.value(t.stage)));
        }
    return p;
}

bool RematModel::fixToPlan(const StagedPlan& p, const std::vector<int>& except) {
    solver::Engine& e = *engine_;
    std::vector<char> skip(g_.numNodes(), 0);
    for (int k : except) skip[k] = 1;
    for (int k = 0; k < g_.numNodes(); ++k) {
        if (skip[k]) continue;
        const auto& stages = p.recomputeStages[k];
        for (int i = 1; i < copies_; ++i) {
            const StageTask& t = task(k, i);
            bool present = i - 1 < static_cast<int>(stages.size());
            if (!e.fix(t.presence, present ? 1 : 0)) return false;
            if (present && !e.fix(t.stage, stages[i - 1])) return false;
        }
    }
    return e.fixpoint();
}

namespace {

// Summed over the Ttef propagators: what each of its rules did.
void addTtefRules(nlohmann::json& entry, const TtefStats& s) {
    nlohmann::json& r = entry["rules"];
    if (r.is_null()) r = nlohmann::json::object();
    auto add = [&r](const char* key, uint64_t v) { r[key] = r.value(key, uint64_t{0}) + v; };
    add("idle", s.idle);
    add("skipped", s.skipped);
    add("windows", s.windows);
    add("overloads", s.overloads);
    add("overloads_left_overlap", s.overloadsLeft);
    add("start_min", s.startMin);
    add("start_min_left_overlap", s.startMinLeft);
    add("end_max", s.endMax);
    add("end_max_right_overlap", s.endMaxRight);
    add("no_placement", s.noPlacement);
}

}  // namespace

nlohmann::json RematModel::propagatorStats() const {
    nlohmann::json out = nlohmann::json::object();
    for (int32_t id = 0; id < engine_->numPropagators(); ++id) {
        const solver::Propagator& p = engine_->propagator(id);
        std::string name(p.name());
        nlohmann::json& entry = out[name];
        if (entry.is_null()) entry = {{"count", 0}, {"calls", 0}, {"prunings", 0}, {"failures", 0}, {"seconds", 0.0}};
        entry["count"] = entry["count"].get<uint64_t>() + 1;
        entry["calls"] = entry["calls"].get<uint64_t>() + p.stats().calls;
        entry["prunings"] = entry["prunings"].get<uint64_t>() + p.stats().prunings;
        entry["failures"] = entry["failures"].get<uint64_t>() + p.stats().failures;
        entry["seconds"] = entry["seconds"].get<double>() + static_cast<double>(p.stats().timeNs) * 1e-9;
        if (const auto* ttef = dynamic_cast<const Ttef*>(&p)) addTtefRules(entry, ttef->ttefStats());
    }
    return out;
}

}  // namespace moccasin
