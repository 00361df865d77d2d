// The kernel end to end on toy constraints, against brute force: x + c <= y (LessEqualOffset,
// bounds consistent, so its fixpoint is exactly the hull of the solutions) and a toy incremental
// linear constraint sum a_i x_i <= c that keeps its minimum sum in Rev values updated by notify().
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/Engine.h"
#include "solver/LessEqualOffset.h"
#include "solver/Rev.h"

using namespace moccasin::solver;

namespace {

// sum a_i x_i <= c with every a_i > 0. Incremental state: the minimum of the sum (sum a_i lb_i)
// and the lower bounds it was computed from, both reversible; notify() applies the deltas.
class SumLeq final : public Propagator {
public:
    SumLeq(std::vector<int64_t> a, std::vector<VarId> x, int64_t c)
        : a_(std::move(a)), x_(std::move(x)), c_(c), cachedLb_(x_.size()) {}

    std::string_view name() const override { return "SumLeq"; }
    Priority priority() const override { return Priority::Linear; }

    void attach(Engine& e) override {
        for (size_t i = 0; i < x_.size(); ++i) e.watch(x_[i], Event::LowerBound, *this, static_cast<int32_t>(i));
        resync(e);
    }
    bool notify(Engine& e, int32_t i, EventMask) override {
        const int64_t lb = e.lb(x_[i]);
        minSum_.set(e.trail(), minSum_.get() + a_[i] * (lb - cachedLb_[i].get()));
        cachedLb_[i].set(e.trail(), lb);
        return true;
    }
    bool propagate(Engine& e) override { return prune(e); }
    bool propagateFromScratch(Engine& e) override {
        resync(e);
        return prune(e);
    }

private:
    void resync(Engine& e) {
        int64_t sum = 0;
        for (size_t i = 0; i < x_.size(); ++i) {
            cachedLb_[i].set(e.trail(), e.lb(x_[i]));
            sum += a_[i] * e.lb(x_[i]);
        }
        minSum_.set(e.trail(), sum);
    }
    // Only upper bounds move, and they do not enter minSum: one pass is a fixpoint.
    bool prune(Engine& e) {
        const int64_t slack = c_ - minSum_.get();
        if (slack < 0) return false;
        for (size_t i = 0; i < x_.size(); ++i) {
            if (!e.setUb(x_[i], e.lb(x_[i]) + slack / a_[i], this)) return false;
        }
        return true;
    }

    std::vector<int64_t> a_;
    std::vector<VarId> x_;
    int64_t c_;
    std::vector<RevInt64> cachedLb_;
    RevInt64 minSum_;
};

struct Prec {
    int x, y;
    int64_t c;  // x + c <= y
};
struct Sum {
    std::vector<int64_t> a;
    std::vector<int> x;
    int64_t c;
};
struct ToyModel {
    std::vector<Bounds> domains;
    std::vector<Prec> precs;
    std::vector<Sum> sums;

    bool satisfied(const std::vector<int64_t>& v) const {
        for (const Prec& p : precs)
            if (v[p.x] + p.c > v[p.y]) return false;
        for (const Sum& s : sums) {
            int64_t total = 0;
            for (size_t i = 0; i < s.a.size(); ++i) total += s.a[i] * v[s.x[i]];
            if (total > s.c) return false;
        }
        return true;
    }
};

struct BruteForce {
    int64_t solutions = 0;
    std::vector<Bounds> hull;  // meaningful when solutions > 0
};

BruteForce bruteForce(const ToyModel& m) {
    const size_t n = m.domains.size();
    BruteForce r;
    r.hull.assign(n, Bounds{kMaxValue, kMinValue});
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = m.domains[i].lb;
    while (true) {
        if (m.satisfied(v)) {
            ++r.solutions;
            for (size_t i = 0; i < n; ++i) {
                r.hull[i].lb = std::min(r.hull[i].lb, v[i]);
                r.hull[i].ub = std::max(r.hull[i].ub, v[i]);
            }
        }
        size_t i = 0;  // odometer increment
        while (i < n && v[i] == m.domains[i].ub) {
            v[i] = m.domains[i].lb;
            ++i;
        }
        if (i == n) break;
        ++v[i];
    }
    return r;
}

std::vector<VarId> build(Engine& e, const ToyModel& m) {
    std::vector<VarId> xs;
    for (const Bounds& d : m.domains) xs.push_back(e.addVar(d.lb, d.ub));
    for (const Prec& p : m.precs) e.addPropagator(std::make_unique<LessEqualOffset>(xs[p.x], xs[p.y], p.c));
    for (const Sum& s : m.sums) {
        std::vector<VarId> vars;
        for (int i : s.x) vars.push_back(xs[i]);
        e.addPropagator(std::make_unique<SumLeq>(s.a, vars, s.c));
    }
    return xs;
}

std::vector<Bounds> boundsOf(const Engine& e, const std::vector<VarId>& xs) {
    std::vector<Bounds> b;
    for (VarId x : xs) b.push_back(Bounds{e.lb(x), e.ub(x)});
    return b;
}

ToyModel randomModel(std::mt19937_64& rng, int maxVars, int maxPrecs, int maxSums) {
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    ToyModel m;
    const auto n = static_cast<int>(pick(2, maxVars));
    for (int i = 0; i < n; ++i) {
        const int64_t lo = pick(-3, 3);
        m.domains.push_back(Bounds{lo, lo + pick(0, 4)});
    }
    const int64_t precs = pick(maxPrecs > 0 ? 1 : 0, maxPrecs);
    for (int64_t k = 0; k < precs; ++k) {
        const auto x = static_cast<int>(pick(0, n - 1));
        auto y = static_cast<int>(pick(0, n - 2));
        if (y >= x) ++y;
        m.precs.push_back(Prec{x, y, pick(-3, 3)});
    }
    const int64_t sums = pick(0, maxSums);
    for (int64_t k = 0; k < sums; ++k) {
        Sum s;
        for (int i = 0; i < n; ++i) {
            if (pick(0, 2) == 0) continue;
            s.x.push_back(i);
            s.a.push_back(pick(1, 3));
        }
        if (s.x.empty()) continue;
        int64_t minSum = 0;
        for (size_t i = 0; i < s.x.size(); ++i) minSum += s.a[i] * m.domains[s.x[i]].lb;
        s.c = minSum + pick(-1, 12);
        m.sums.push_back(s);
    }
    return m;
}

struct DfsCount {
    int64_t solutions = 0;
    int64_t nodes = 0;
};

// Labels the first unfixed variable: x = lb, then x >= lb + 1. With `checkFromScratch`, every
// node's fixpoint must also be a fixpoint of the reference propagators.
void dfs(Engine& e, const std::vector<VarId>& xs, bool checkFromScratch, DfsCount& out) {
    ++out.nodes;
    if (!e.fixpoint()) return;
    if (checkFromScratch) {
        const auto before = boundsOf(e, xs);
        CHECK(e.fixpointFromScratch());
        CHECK(boundsOf(e, xs) == before);
    }
    const auto it = std::find_if(xs.begin(), xs.end(), [&](VarId x) { return !e.isFixed(x); });
    if (it == xs.end()) {
        ++out.solutions;
        return;
    }
    const int32_t here = e.level();
    const int64_t v = e.lb(*it);
    e.pushLevel();
    if (e.fix(*it, v)) dfs(e, xs, checkFromScratch, out);
    e.popToLevel(here);
    e.pushLevel();
    if (e.setLb(*it, v + 1)) dfs(e, xs, checkFromScratch, out);
    e.popToLevel(here);
}

}  // namespace

TEST_CASE("Solver toys: precedence fixpoint equals the hull of the solutions") {
    std::mt19937_64 rng(2024);
    int feasible = 0;
    for (int trial = 0; trial < 400; ++trial) {
        ToyModel m = randomModel(rng, 5, 6, 0);
        if (trial % 4 == 0) {  // a plain chain x0 <= x1 <= ... <= xn-1
            m.precs.clear();
            for (int i = 0; i + 1 < static_cast<int>(m.domains.size()); ++i) m.precs.push_back(Prec{i, i + 1, 0});
        }
        const BruteForce expected = bruteForce(m);
        Engine e;
        const auto xs = build(e, m);
        const bool ok = e.fixpoint();
        CAPTURE(trial);
        CHECK(ok == (expected.solutions > 0));
        if (ok && expected.solutions > 0) {
            ++feasible;
            CHECK(boundsOf(e, xs) == expected.hull);
        }
    }
    CHECK(feasible > 100);  // the sample is not all infeasible
}

TEST_CASE("Solver toys: a single linear sum's fixpoint equals the hull of its solutions") {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 300; ++trial) {
        ToyModel m = randomModel(rng, 4, 0, 1);
        if (m.sums.empty()) continue;
        const BruteForce expected = bruteForce(m);
        Engine e;
        const auto xs = build(e, m);
        const bool ok = e.fixpoint();
        CAPTURE(trial);
        CHECK(ok == (expected.solutions > 0));
        if (ok && expected.solutions > 0) CHECK(boundsOf(e, xs) == expected.hull);
    }
}

TEST_CASE("Solver toys: mixed models are sound and search finds exactly the solutions") {
    std::mt19937_64 rng(99);
    for (int trial = 0; trial < 150; ++trial) {
        const ToyModel m = randomModel(rng, 5, 4, 2);
        const BruteForce expected = bruteForce(m);
        CAPTURE(trial);

        // Root: the fixpoint keeps every solution (it need not be the hull any more).
        Engine root;
        const auto rootXs = build(root, m);
        const bool ok = root.fixpoint();
        if (expected.solutions > 0) {
            REQUIRE(ok);
            for (size_t i = 0; i < rootXs.size(); ++i) {
                CHECK(root.lb(rootXs[i]) <= expected.hull[i].lb);
                CHECK(root.ub(rootXs[i]) >= expected.hull[i].ub);
            }
        }

        // Incremental, incremental checked against the reference at every node, and the
        // reference alone: same solutions, and the same tree (equal pruning strength).
        DfsCount incremental, checked, reference;
        {
            Engine e;
            const auto xs = build(e, m);
            dfs(e, xs, false, incremental);
            CHECK(e.level() == 0);
            CHECK(e.trail().size() == 0);
        }
        {
            Engine e;
            const auto xs = build(e, m);
            dfs(e, xs, true, checked);
        }
        {
            Engine e;
            e.setFromScratchMode(true);
            const auto xs = build(e, m);
            dfs(e, xs, false, reference);
        }
        CHECK(incremental.solutions == expected.solutions);
        CHECK(checked.solutions == expected.solutions);
        CHECK(reference.solutions == expected.solutions);
        CHECK(incremental.nodes == reference.nodes);
        CHECK(checked.nodes == reference.nodes);
    }
}

TEST_CASE("Solver toys: incremental and reference fixpoints agree along random dives") {
    std::mt19937_64 rng(31337);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    for (int trial = 0; trial < 100; ++trial) {
        const ToyModel m = randomModel(rng, 5, 5, 2);
        Engine e;
        const auto xs = build(e, m);
        if (!e.fixpoint()) continue;
        for (int step = 0; step < 60; ++step) {
            if (e.level() > 0 && pick(0, 3) == 0) {
                e.popToLevel(static_cast<int32_t>(pick(0, e.level() - 1)));
                continue;
            }
            const VarId x = xs[pick(0, static_cast<int64_t>(xs.size()) - 1)];
            if (e.isFixed(x)) continue;
            e.pushLevel();
            const int64_t v = pick(e.lb(x), e.ub(x));
            const bool decided = pick(0, 1) == 0 ? e.setLb(x, v) : e.setUb(x, v);
            REQUIRE(decided);
            if (!e.fixpoint()) {
                e.popToLevel(e.level() - 1);
                continue;
            }
            const auto incremental = boundsOf(e, xs);
            CHECK(e.fixpointFromScratch());
            CHECK(boundsOf(e, xs) == incremental);
        }
    }
}
