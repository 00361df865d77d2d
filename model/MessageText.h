// Text from input files or arguments quoted in one-line error messages. Control characters would
// break the line, bytes that are not UTF-8 garble a terminal, and an unbounded value (a megabyte
// string, a parser's excerpt of one) would flood the message.
#pragma once
#include <cstddef>
#include <string>

namespace moccasin {

// `text` with control characters blanked, every byte that does not belong to a well-formed UTF-8
// character replaced by '?', and, when longer than `maxBytes`, cut after at most that many bytes
// on a character boundary and ended with "...".
std::string printableLine(const std::string& text, size_t maxBytes = std::string::npos);

}  // namespace moccasin
