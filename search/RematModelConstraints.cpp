// Posting of the structural constraints of docs/model.md (kept apart from the variables so each
// file has one job).
#include "propagators/CopyOrder.h"
#include "propagators/Cover.h"
#include "propagators/LastUse.h"
#include "propagators/Timetable.h"
#include "propagators/Ttef.h"
#include "search/RematModel.h"

namespace moccasin {

void RematModel::addStructuralConstraints(const ModelOptions& options) {
    solver::Engine& e = *engine_;
    const int n = g_.numNodes();
    auto copiesOf = [&](int k) {
        return std::vector<StageTask>(tasks_.begin() + static_cast<long>(k) * copies_,
                                      tasks_.begin() + static_cast<long>(k + 1) * copies_);
    };
    for (int k = 0; k < n; ++k) {
        if (copies_ > 1) e.addPropagator(std::make_unique<CopyOrder>(copiesOf(k)));
        std::vector<StageTask> consumers;
        for (int v : g_.succs(k)) {
            e.addPropagator(std::make_unique<Cover>(copiesOf(k), copiesOf(v)));
            auto cv = copiesOf(v);
            consumers.insert(consumers.end(), cv.begin(), cv.end());
        }
        e.addPropagator(std::make_unique<LastUse>(copiesOf(k), std::move(consumers)));
    }
    TimetableOptions tt;
    tt.filtering = options.timetableFiltering;
    e.addPropagator(std::make_unique<Timetable>(tasks_, budget_, tt));
    if (options.ttef) {
        TtefOptions te;
        te.maxFreeTasks = options.ttefMaxFreeTasks;
        te.leftOverlap = options.ttefLeftOverlap;
        e.addPropagator(std::make_unique<Ttef>(tasks_, budget_, te));
    }
}

}  // namespace moccasin
