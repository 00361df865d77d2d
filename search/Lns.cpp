#include "search/Lns.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "search/DropRecomputations.h"
#include "search/TreeSearch.h"

namespace moccasin {

nlohmann::json LnsStats::toJson() const {
    nlohmann::json gens = nlohmann::json::object();
    for (int k = 0; k < kNumNeighborhoods; ++k) {
        const auto& s = generators[k];
        gens[std::string(neighborhoodName(static_cast<NeighborhoodKind>(k)))] = {
            {"attempts", s.attempts}, {"improvements", s.improvements}, {"solved_to_end", s.solvedToEnd},
            {"gain", s.gain}};
    }
    return {{"steps", steps}, {"epochs", epochs}, {"views", views}, {"neighborhoods", gens}};
}

namespace {

// Generator choice and sizes: UCB1 over the generators, one adaptive size fraction each.
class Bandit {
public:
    explicit Bandit(double initialFraction) { fraction_.fill(initialFraction); }

    NeighborhoodKind choose() const {
        uint64_t total = 0;
        for (auto c : count_) total += c;
        int best = 0;
        double bestScore = -1;
        for (int k = 0; k < kNumNeighborhoods; ++k) {
            double score = count_[k] == 0 ? 1e9
                                          : reward_[k] / static_cast<double>(count_[k]) +
                                                std::sqrt(2.0 * std::log(static_cast<double>(total + 1)) /
                                                          static_cast<double>(count_[k]));
            if (score > bestScore) {
                bestScore = score;
                best = k;
            }
        }
        return static_cast<NeighborhoodKind>(best);
    }
    double fraction(NeighborhoodKind k) const { return fraction_[static_cast<int>(k)]; }

    // Reward 1 for an improvement, else 0; sizes grow when sub-problems are solved to the end.
    void update(NeighborhoodKind k, bool improved, bool solvedToEnd) {
        int i = static_cast<int>(k);
        ++count_[i];
        reward_[i] += improved ? 1.0 : 0.0;
        fraction_[i] = std::clamp(fraction_[i] * (solvedToEnd ? 1.25 : 0.85), 0.002, 1.0);
    }

private:
    std::array<uint64_t, kNumNeighborhoods> count_{};
    std::array<double, kNumNeighborhoods> reward_{};
    std::array<double, kNumNeighborhoods> fraction_{};
};

int sizeFor(const Graph& g, double fraction) {
    return std::clamp(static_cast<int>(std::lround(fraction * g.numNodes())), std::min(4, g.numNodes()), g.numNodes());
}

struct StepResult {
    bool improved = false;
    bool solvedToEnd = false;
    bool cutByDeadline = false;
};

// One LNS step on `model`: relax, fix the rest, search, restore level 0.
StepResult lnsStep(RematModel& model, Incumbent& incumbent, const IncumbentView& view, NeighborhoodKind kind,
                   int size, uint64_t seed, uint64_t failLimit, const Deadline& deadline) {
    std::mt19937_64 rng(seed);
    std::vector<int> relaxed = generateNeighborhood(kind, model.graph(), view, size, rng);
    solver::Engine& e = model.engine();
    StepResult r;
    int64_t before = incumbent.cost();
    e.pushLevel();
    if (model.fixToPlan(view.plan(), relaxed)) {
        TreeSearch search(model, incumbent, seed);
        std::string source = std::string("lns/") + std::string(neighborhoodName(kind));
        auto outcome = search.run(failLimit, deadline, 0.3, source.c_str());
        r.solvedToEnd = outcome == TreeSearch::Outcome::Exhausted;
        r.cutByDeadline = outcome == TreeSearch::Outcome::Deadline;
    } else {
        r.solvedToEnd = true;  // nothing better in this neighbourhood
    }
    e.popToLevel(0);
    r.improved = incumbent.cost() < before;
    return r;
}

uint64_t mix(uint64_t a, uint64_t b) {
    uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void record(LnsStats& stats, NeighborhoodKind kind, const StepResult& r, int64_t gain) {
    auto& s = stats.generators[static_cast<int>(kind)];
    ++s.attempts;
    ++stats.steps;
    if (r.improved) {
        ++s.improvements;
        s.gain += gain;
    }
    if (r.solvedToEnd) ++s.solvedToEnd;
}

// The incumbent after the recomputations it does not need are dropped (offered when that
// removed any). A neighbourhood search improves the plan only inside its neighbourhood; this
// global descent costs O((n + R) log) and finds what the searches on large graphs miss. With
// `wholeOnly`, a descent cut by the time limit is not offered (deterministic runs: like an
// epoch cut by the time limit, it is dropped, so the run stays a prefix of the same sequence).
StagedPlan dropped(const Instance& inst, Incumbent& incumbent, const Deadline& deadline, bool wholeOnly) {
    StagedPlan plan = *incumbent.best();
    if (dropRecomputations(inst, plan, &deadline).removed > 0 && !(wholeOnly && deadline.expired()))
        incumbent.offer(plan, "lns/drop");
    return plan;
}

// The view the free-running workers search from: the incumbent with its unneeded
// recomputations dropped. Built once per incumbent by whichever worker asks first; the others
// wait for it instead of making the same descent and view (about 0.3 s on a 10,000-node plan).
// Workers hold the view they search from; it is never changed once built.
class SharedView {
public:
    SharedView(const Instance& inst, Incumbent& incumbent, const Deadline& deadline)
        : inst_(inst), incumbent_(incumbent), deadline_(deadline) {}

    // The view of the incumbent as it is now (rebuilt when the incumbent has changed).
    std::shared_ptr<const IncumbentView> current() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!view_ || view_->cost() != incumbent_.cost()) {
            view_ = std::make_shared<const IncumbentView>(inst_.graph,
                                                          dropped(inst_, incumbent_, deadline_, false));
            ++builds_;
        }
        return view_;
    }
    uint64_t builds() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return builds_;
    }

private:
    const Instance& inst_;
    Incumbent& incumbent_;
    const Deadline& deadline_;
    mutable std::mutex mutex_;
    std::shared_ptr<const IncumbentView> view_;
    uint64_t builds_ = 0;
};

LnsStats runFree(const Instance& inst, Incumbent& incumbent, const Deadline& deadline,
                 const LnsOptions& opt) {
    const auto& g = inst.graph;
    LnsStats stats;
    std::mutex statsMutex;
    SharedView shared(inst, incumbent, deadline);
    auto worker = [&](int id) {
        RematModel model(inst, opt.model);
        if (!model.engine().fixpoint()) return;
        Bandit bandit(opt.initialFraction);
        std::shared_ptr<const IncumbentView> view;
        uint64_t step = 0;
        while (!deadline.expired()) {
            int64_t current = incumbent.cost();
            if (!view || view->cost() != current) view = shared.current();
            NeighborhoodKind kind = bandit.choose();
            uint64_t seed = mix(mix(opt.seed, static_cast<uint64_t>(id)), step++);
            StepResult r = lnsStep(model, incumbent, *view, kind, sizeFor(g, bandit.fraction(kind)), seed,
                                   opt.failLimit, deadline);
            if (r.cutByDeadline) break;
            bandit.update(kind, r.improved, r.solvedToEnd);
            std::lock_guard<std::mutex> lock(statsMutex);
            record(stats, kind, r, r.improved ? current - incumbent.cost() : 0);
        }
    };
    tbb::task_arena arena(opt.threads);
    arena.execute([&] {
        tbb::task_group group;
        for (int id = 0; id < opt.threads; ++id) group.run([&, id] { worker(id); });
        group.wait();
    });
    stats.views = shared.builds();
    return stats;
}

LnsStats runDeterministic(const Instance& inst, Incumbent& incumbent,
                          const Deadline& deadline, const LnsOptions& opt) {
    const auto& [g, budget, copies] = inst;
    LnsStats stats;
    Bandit bandit(opt.initialFraction);
    tbb::task_arena arena(opt.threads);
    dropped(inst, incumbent, deadline, true);
    for (uint64_t epoch = 0; !deadline.expired() && (!opt.maxEpochs || epoch < *opt.maxEpochs); ++epoch) {
        const StagedPlan start = *incumbent.best();
        const IncumbentView view(g, start);
        const int b = opt.batchSize;
        std::vector<NeighborhoodKind> kinds(b);
        std::vector<int> sizes(b);
        for (int i = 0; i < b; ++i) {  // the bandit's choices, in index order
            kinds[i] = static_cast<NeighborhoodKind>(
                (static_cast<int>(bandit.choose()) + i) % kNumNeighborhoods);
            sizes[i] = sizeFor(g, bandit.fraction(kinds[i]));
        }
        // Each neighbourhood on its own fresh model and its own incumbent copy: nothing shared
        // between them while they run.
        std::vector<std::optional<StagedPlan>> found(b);
        std::vector<StepResult> results(b);
        arena.execute([&] {
            tbb::parallel_for(0, b, [&](int i) {
                Incumbent local(inst, deadline);
                local.offer(start, "epoch start");
                RematModel model(inst, opt.model);
                if (!model.engine().fixpoint()) return;
                results[i] = lnsStep(model, local, view, kinds[i], sizes[i], mix(mix(opt.seed, epoch), i),
                                     opt.failLimit, deadline);
                if (results[i].improved) found[i] = local.best();
            });
        });
        bool cut = false;
        for (const auto& r : results) cut = cut || r.cutByDeadline;
        if (cut) break;  // an epoch cut by the time limit is dropped: results stay a prefix
        ++stats.epochs;
        // Reduce in index order: the cheapest improvement wins, ties to the lowest index.
        int winner = -1;
        int64_t winnerCost = incumbent.cost();
        for (int i = 0; i < b; ++i) {
            int64_t gain = 0;
            if (found[i]) {
                int64_t c = evaluate(g, materialize(g, *found[i])).cost;
                gain = incumbent.cost() - c;
                if (c < winnerCost) {
                    winnerCost = c;
                    winner = i;
                }
            }
            bandit.update(kinds[i], results[i].improved, results[i].solvedToEnd);
            record(stats, kinds[i], results[i], gain);
        }
        if (winner >= 0) {
            incumbent.offer(*found[winner], std::string("lns/") + std::string(neighborhoodName(kinds[winner])));
            dropped(inst, incumbent, deadline, true);
        }
    }
    return stats;
}

}  // namespace

LnsStats runLns(const Instance& inst, Incumbent& incumbent, const Deadline& deadline,
                const LnsOptions& options) {
    const auto& [g, budget, copies] = inst;
    if (!incumbent.has() || g.numNodes() == 0) return {};
    return options.deterministic ? runDeterministic(inst, incumbent, deadline, options)
                                 : runFree(inst, incumbent, deadline, options);
}

}  // namespace moccasin
