#include "analysis/Sweep.h"

#include <chrono>
#include <stdexcept>

#include "model/Peak.h"
#include "model/Validator.h"
#include "search/StopFlag.h"

namespace moccasin::analysis {

namespace {

int64_t budgetFor(int64_t peak, int64_t billionths) {
    const __int128 b = (static_cast<__int128>(peak) * billionths + kBillion - 1) / kBillion;
    return b > INT64_MAX ? INT64_MAX : static_cast<int64_t>(b);
}

// f (billionths) * peak > limit, exactly.
bool aboveLimit(int64_t billionths, int64_t peak, int64_t limit) {
    return static_cast<__int128>(billionths) * peak > static_cast<__int128>(limit) * kBillion;
}

}  // namespace

double tdiPercentOf(int64_t cost, int64_t baseline) {
    if (baseline == 0) return 0.0;
    return 100.0 * static_cast<double>(static_cast<__int128>(cost) - baseline) / static_cast<double>(baseline);
}

std::vector<SweepBudget> sweepBudgets(const Graph& g, int64_t from, std::optional<int64_t> to, int64_t step,
                                      size_t maxRows) {
    if (step <= 0) throw std::invalid_argument("the step must be positive");
    if (from <= 0) throw std::invalid_argument("--from must be a positive fraction");
    if (to && *to <= 0) throw std::invalid_argument("--to must be a positive fraction or 'limit'");
    const int64_t peak = referencePeak(g), limit = budgetLowerLimit(g);
    if (peak == 0) throw std::invalid_argument("the graph's reference peak is 0 (all sizes are 0): no budget to sweep");
    if (to && *to > from) throw std::invalid_argument("--to must not be above --from (the sweep goes down)");
    if (!to && !aboveLimit(from, peak, limit) && budgetFor(peak, from) != limit)
        throw std::invalid_argument("--from is below the lower limit; there is nothing to sweep");
    std::vector<SweepBudget> out;
    const auto above = [&](int64_t f) { return to ? f > *to : aboveLimit(f, peak, limit); };
    for (int64_t f = from; above(f); f -= step) {
        if (out.size() >= maxRows) throw std::invalid_argument("the sweep would have more than " + std::to_string(maxRows) + " budgets; take a larger step");
        out.push_back({static_cast<double>(f) / kBillion, budgetFor(peak, f)});
    }
    if (to)
        out.push_back({static_cast<double>(*to) / kBillion, budgetFor(peak, *to)});
    else
        out.push_back({peak == 0 ? 0.0 : static_cast<double>(limit) / static_cast<double>(peak), limit});
    return out;
}

SweepRun runSweep(const Graph& g, const std::vector<SweepBudget>& budgets, const SolveOptions& base,
                  const std::function<void(const SweepRun&)>& afterRow) {
    SweepRun run;
    std::shared_ptr<const Solution> neighbour;  // the last schedule that passed the validator
    for (const SweepBudget& b : budgets) {
        if (stopRequested().load()) {
            run.complete = false;
            break;
        }
        SolveOptions options = base;
        options.budget = b.budget;
        options.warmStart = neighbour;
        const auto started = std::chrono::steady_clock::now();
        const SolveOutcome outcome = solve(g, options);
        SweepRow row;
        row.fraction = b.fraction;
        row.budget = b.budget;
        row.status = statusName(outcome.status);
        row.lowerBound = outcome.lowerBound;
        row.message = outcome.message;
        if (outcome.solution) {
            const ValidationResult v = validateSchedule(g, outcome.solution->schedule().computations, b.budget, base.copies);
            if (v.ok) {
                row.cost = v.cost;
                row.peak = v.peak;
                row.tdiPercent = tdiPercentOf(v.cost, g.baselineCost());
                neighbour = outcome.solution;
                // The validated cost is the truth: a bound above it is a bug, never a proof.
                if (row.lowerBound && *row.lowerBound > v.cost) {
                    row.lowerBound.reset();
                    row.status = statusName(SolveStatus::Feasible);
                }
            } else {
                row.status = "invalid";
                row.message = "the schedule fails validation: " + v.violation;
                run.invalidSchedule = true;
            }
        }
        row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        run.rows.push_back(std::move(row));
        // An interrupted solve returns its best so far; the sweep ends with that row.
        if (stopRequested().load() && run.rows.size() < budgets.size()) run.complete = false;
        if (afterRow) afterRow(run);
        if (!run.complete) break;
    }
    return run;
}

}  // namespace moccasin::analysis
