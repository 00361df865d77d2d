// A bound literal: [x >= value] (lower) or [x <= value]. Search decisions are bound literals, and
// so are the literals of nogoods (solver/NogoodStore.h). Its negation is again a bound literal,
// so a binary branching on one literal splits the domain in two.
#pragma once
#include <cstdint>

#include "solver/Engine.h"
#include "solver/Types.h"

namespace moccasin::solver {

struct BoundLiteral {
    VarId var = -1;
    bool lower = false;  // x >= value, else x <= value
    int64_t value = 0;

    bool isTrue(const Engine& e) const { return lower ? e.lb(var) >= value : e.ub(var) <= value; }
    bool isFalse(const Engine& e) const { return lower ? e.ub(var) < value : e.lb(var) > value; }
    BoundLiteral negation() const { return lower ? BoundLiteral{var, false, value - 1} : BoundLiteral{var, true, value + 1}; }
    // Makes the literal true; false (and the engine failed) when it is false.
    bool apply(Engine& e, Propagator* by = nullptr, int64_t code = 0) const {
        return lower ? e.setLb(var, value, by, code) : e.setUb(var, value, by, code);
    }
    bool operator==(const BoundLiteral&) const = default;
};

}  // namespace moccasin::solver
