// Events and watches: each watcher sees exactly the events it asked for, a propagator is queued
// at most once, and an idempotent propagator is not woken by its own changes.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/Engine.h"

using namespace moccasin::solver;

namespace {

// Records every notify; its propagation is whatever `body` does.
class Recorder final : public Propagator {
public:
    struct Note {
        int32_t watchIndex;
        EventMask events;
        bool operator==(const Note&) const = default;
    };
    std::vector<std::pair<VarId, EventMask>> watches;  // watch i = watches[i]
    std::vector<Note> notes;
    std::function<bool(Engine&, Recorder&)> body;
    bool wantsToRun = true;
    bool isIdempotent = true;
    int calls = 0;

    std::string_view name() const override { return "Recorder"; }
    Priority priority() const override { return Priority::Linear; }
    bool idempotent() const override { return isIdempotent; }
    void attach(Engine& e) override {
        for (size_t i = 0; i < watches.size(); ++i) e.watch(watches[i].first, watches[i].second, *this, static_cast<int32_t>(i));
    }
    bool propagateFromScratch(Engine& e) override {
        ++calls;
        return body ? body(e, *this) : true;
    }
    bool notify(Engine&, int32_t watchIndex, EventMask events) override {
        notes.push_back(Note{watchIndex, events});
        return wantsToRun;
    }
};

Recorder& addRecorder(Engine& e, std::vector<std::pair<VarId, EventMask>> watches) {
    auto r = std::make_unique<Recorder>();
    r->watches = std::move(watches);
    return e.addPropagator(std::move(r));
}

using Note = Recorder::Note;

}  // namespace

TEST_CASE("Solver events: watchers get the events they asked for, and only those") {
    Engine e;
    const VarId x = e.addVar(0, 10);
    const VarId b = e.addBool();
    const VarId c = e.addBool();
    Recorder& all = addRecorder(e, {{x, Event::Any}, {b, Event::Any}, {c, Event::Any}});
    Recorder& lbOnly = addRecorder(e, {{x, Event::LowerBound}});
    Recorder& fixedOnly = addRecorder(e, {{x, Event::Fixed}, {b, Event::Fixed}, {c, Event::Fixed}});
    REQUIRE(e.fixpoint());
    e.pushLevel();

    CHECK(e.setLb(x, 3));
    CHECK(e.setLb(x, 2));  // no change: nobody hears about it
    CHECK(e.setUb(x, 10));
    CHECK(all.notes == std::vector<Note>{{0, Event::LowerBound}});
    CHECK(lbOnly.notes == std::vector<Note>{{0, Event::LowerBound}});
    CHECK(fixedOnly.notes.empty());

    CHECK(e.setUb(x, 3));
    CHECK(all.notes.back() == Note{0, Event::UpperBound | Event::Fixed});
    CHECK(lbOnly.notes.size() == 1);
    CHECK(fixedOnly.notes == std::vector<Note>{{0, Event::Fixed}});

    // Booleans: true raises the lower bound, false lowers the upper bound; both fix.
    CHECK(e.fix(b, 1));
    CHECK(all.notes.back() == Note{1, Event::LowerBound | Event::Fixed});
    CHECK(fixedOnly.notes.back() == Note{1, Event::Fixed});
    CHECK(e.setUb(c, 0));
    CHECK(all.notes.back() == Note{2, Event::UpperBound | Event::Fixed});
    CHECK(fixedOnly.notes.back() == Note{2, Event::Fixed});
    CHECK(e.isTrue(b));
    CHECK(e.isFalse(c));
    e.popToLevel(0);

    // fix() moving both bounds is a single change with all three events.
    all.notes.clear();
    e.pushLevel();
    CHECK(e.fix(x, 5));
    CHECK(all.notes == std::vector<Note>{{0, Event::LowerBound | Event::UpperBound | Event::Fixed}});
    CHECK(e.fix(x, 5));  // already fixed there: no event
    CHECK(all.notes.size() == 1);
    e.popToLevel(0);
}

TEST_CASE("Solver events: a propagator is enqueued once however many changes wake it") {
    Engine e;
    const VarId x = e.addVar(0, 100);
    const VarId y = e.addVar(0, 100);
    Recorder& r = addRecorder(e, {{x, Event::AnyBound}, {y, Event::AnyBound}, {x, Event::LowerBound}});
    REQUIRE(e.fixpoint());
    CHECK(r.calls == 1);  // the initial run after addPropagator
    e.pushLevel();
    for (int64_t v = 1; v <= 5; ++v) {
        CHECK(e.setLb(x, v));
        CHECK(e.setUb(y, 100 - v));
    }
    CHECK(r.notes.size() == 15);  // every change is notified (x's lb twice: two watches)
    REQUIRE(e.fixpoint());
    CHECK(r.calls == 2);

    // notify() returning false records the change but does not enqueue.
    r.wantsToRun = false;
    CHECK(e.setLb(x, 50));
    REQUIRE(e.fixpoint());
    CHECK(r.calls == 2);
    CHECK(r.notes.size() == 17);
}

TEST_CASE("Solver events: own changes wake only non-idempotent propagators") {
    for (bool idempotent : {true, false}) {
        Engine e;
        const VarId x = e.addVar(0, 100);
        auto step = [x](Engine& engine, Recorder& self) {
            // Raises lb(x) by one per call, up to 5: five calls short of its own fixpoint.
            return engine.lb(x) >= 5 || engine.setLb(x, engine.lb(x) + 1, &self);
        };
        auto self = std::make_unique<Recorder>();
        self->watches = {{x, Event::LowerBound}};
        self->body = step;
        self->isIdempotent = idempotent;
        Recorder& p = e.addPropagator(std::move(self));
        Recorder& other = addRecorder(e, {{x, Event::LowerBound}});
        REQUIRE(e.fixpoint());
        if (idempotent) {
            CHECK(p.calls == 1);
            CHECK(p.notes.empty());
            CHECK(e.lb(x) == 1);
        } else {
            CHECK(p.calls == 6);  // five raising calls and one that finds nothing to do
            CHECK(p.notes.size() == 5);
            CHECK(e.lb(x) == 5);
        }
        // Other watchers always hear about the changes.
        CHECK(other.notes.size() == (idempotent ? 1u : 5u));
        // Its initial run comes after p's first change (FIFO within a bucket); later changes
        // find it already queued at times, so it runs at most once per change.
        if (idempotent) CHECK(other.calls == 1);
        else CHECK((other.calls >= 2 && other.calls <= 5));
    }
}
