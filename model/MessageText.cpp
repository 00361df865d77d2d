#include "model/MessageText.h"

namespace moccasin {

namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 character at text[i], or 0 if there is none (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8Length(const std::string& text, size_t i) {
    const auto at = [&](size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
    const unsigned char c = at(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return continuation(at(1)) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return at(1) >= lo && at(1) <= hi && continuation(at(2)) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return at(1) >= lo && at(1) <= hi && continuation(at(2)) && continuation(at(3)) ? 4 : 0;
    }
    return 0;
}

}  // namespace

std::string printableLine(const std::string& text, size_t maxBytes) {
    std::string out;
    out.reserve(text.size() < maxBytes ? text.size() : maxBytes);
    for (size_t i = 0; i < text.size();) {
        size_t len = utf8Length(text, i);
        if (out.size() + (len ? len : 1) > maxBytes) return out + "...";
        if (len == 0) {
            out += '?';
            len = 1;
        } else if (len == 1) {
            const unsigned char c = static_cast<unsigned char>(text[i]);
            out += c < 0x20 || c == 0x7f ? ' ' : text[i];
        } else {
            out.append(text, i, len);
        }
        i += len;
    }
    return out;
}

}  // namespace moccasin
