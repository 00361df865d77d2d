// A problem with an input file or argument, reported as one line "FILE: problem" and exit code 3.
#pragma once
#include <stdexcept>
#include <string>

namespace moccasin {

struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace moccasin
