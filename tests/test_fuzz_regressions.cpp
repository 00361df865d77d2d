// Inputs that once broke, or could break, the input readers: found by the fuzz targets in fuzz/
// or by thinking about what the fuzzers cannot reach in a short run (100000-deep JSON, megabyte
// tokens). Each must give one short line of printable error text, or load, never crash.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "model/Budget.h"
#include "model/GraphJson.h"
#include "model/InputError.h"
#include "model/MessageText.h"
#include "model/ScheduleJson.h"

using namespace moccasin;

namespace {

constexpr int kDeep = 100000;

std::string nested(int depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

// `head` and then `count` times `c`. (Spelled out: GCC 12 warns wrongly on "..." + std::string(n, c).)
std::string followedBy(std::string head, size_t count, char c) { return head.append(count, c); }

// A fixed graph for the schedule reader: ids 0, "a", 1 in reference order.
Graph smallGraph() {
    return Graph("small", {NodeId::fromInteger(0), NodeId::fromString("a"), NodeId::fromInteger(1)}, {1, 2, 3},
                 {10, 20, 30}, {{0, 1}, {1, 2}});
}

// A schedule document with `field` spliced in as raw JSON text.
std::string schedule(const std::string& fields) {
    return R"({"format": "moccasin-schedule/1", )" + fields + "}";
}

const std::string kComputations =
    R"("computations": [{"node": 0, "start": 0, "end": 2}, {"node": "a", "start": 1, "end": 3}, {"node": 1, "start": 2, "end": 3}])";

// The InputError message of reading `text` as a schedule of smallGraph(), or "" if it reads.
std::string scheduleError(const std::string& text) {
    try {
        parseScheduleJson(text, "s.json", smallGraph());
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string graphError(const std::string& text) {
    try {
        parseGraphJson(text, "g.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string budgetError(const std::string& text) {
    try {
        Budget::parse(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

// One line of printable UTF-8, at most `maxBytes` long.
bool isShortLine(const std::string& message, size_t maxBytes) {
    return !message.empty() && message.size() <= maxBytes && printableLine(message) == message;
}

}  // namespace

TEST_CASE("printableLine: control characters, broken UTF-8 and length") {
    CHECK(printableLine("plain ascii") == "plain ascii");
    CHECK(printableLine("a\nb\tc\x7f" "d") == "a b c d");
    CHECK(printableLine("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, a code point
    // above U+10FFFF, and bytes that never occur in UTF-8.
    CHECK(printableLine("\x80") == "?");
    CHECK(printableLine("\xe2\x82") == "??");
    CHECK(printableLine("\xc0\xaf") == "??");
    CHECK(printableLine("\xed\xa0\x80") == "???");
    CHECK(printableLine("\xf4\x90\x80\x80") == "????");
    CHECK(printableLine("\xfe\xff") == "??");
    CHECK(printableLine(std::string("a\0b", 3)) == "a b");
    // Cut after at most maxBytes bytes, never inside a character.
    CHECK(printableLine("abcdef", 6) == "abcdef");
    CHECK(printableLine("abcdefg", 6) == "abcdef...");
    CHECK(printableLine("abcd\xc3\xa9xyz", 5) == "abcd...");
    CHECK(printableLine("abcd\xc3\xa9xyz", 6) == "abcd\xc3\xa9...");
}

TEST_CASE("fuzz regression: a schedule nested 100000 deep is described briefly, without recursion") {
    // `describe` dumped the whole value: one recursion per level, enough to overflow the stack.
    const std::string deep = nested(kDeep);
    const std::string bracket37(37, '[');
    CHECK(scheduleError(R"({"format": )" + deep + "}") ==
          "s.json: format must be \"moccasin-schedule/1\", got " + bracket37 + "... (format)");
    CHECK(scheduleError(schedule(R"("computations": [{"node": )" + deep + R"(, "start": 0, "end": 1}])")) ==
          "s.json: node id must be an integer or a string, got " + bracket37 + "... (computations[0].node)");
    CHECK(scheduleError(schedule(kComputations + R"(, "budget": )" + deep)) ==
          "s.json: budget must be an integer, got " + bracket37 + "... (budget)");
    CHECK(scheduleError(schedule(R"("computations": [], "operations": [{"op": )" + deep + R"(, "node": 0}])")) ==
          "s.json: op must be \"compute\" or \"free\", got " + bracket37 + "... (operations[0].op)");
    // Objects too, and a deep value after a long first element.
    std::string deepObject;
    for (int i = 0; i < kDeep; ++i) deepObject += R"({"k":)";
    deepObject += "1";
    deepObject.append(kDeep, '}');
    CHECK(scheduleError(R"({"format": )" + deepObject + "}") ==
          R"(s.json: format must be "moccasin-schedule/1", got {"k":{"k":{"k":{"k":{"k":{"k":{"k":{"... (format))");
    CHECK(scheduleError(R"({"format": ["a", )" + deep + "]}") ==
          "s.json: format must be \"moccasin-schedule/1\", got [\"a\"," + std::string(32, '[') + "... (format)");
}

TEST_CASE("fuzz regression: deep members a schedule reader ignores or keeps do not recurse") {
    // Extra members anywhere, and an operation carrying one: the operation list is kept for the
    // replay, and copying it recursed once per level.
    const std::string deep = nested(kDeep);
    const std::string ops =
        R"("operations": [{"op": "compute", "node": 0, "note": )" + deep +
        R"(}, {"op": "compute", "node": "a"}, {"op": "free", "node": 0}, {"op": "compute", "node": 1}, )"
        R"({"op": "free", "node": "a"}, {"op": "free", "node": 1}])";
    const std::string text = schedule(kComputations + ", " + ops + R"(, "solver": {"statistics": )" + deep + "}");
    const ScheduleFile file = parseScheduleJson(text, "s.json", smallGraph());
    REQUIRE(file.computations.size() == 3);
    REQUIRE(file.operations.size() == 6);
    int64_t peak = 0;
    CHECK_FALSE(checkOperations(smallGraph(), file.operations, file.computations, peak));
    CHECK(peak == 50);
}

TEST_CASE("fuzz regression: a graph nested 100000 deep is rejected or loads") {
    const std::string deep = nested(kDeep);
    CHECK(graphError(deep) == "g.json: the top level is an array, expected an object with \"nodes\" and \"links\" (top level)");
    CHECK(graphError(R"({"nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": )" + deep + R"(}], "links": []})") ==
          "g.json: cost_ram must be a non-negative integer, got an array (nodes[0].cost_ram, node 0)");
    const Graph g = parseGraphJson(
        R"({"graph": {"note": )" + deep + R"(}, "nodes": [{"id": 0, "cost_cpu": 1, "cost_ram": 2, "shape": )" + deep +
            R"(}], "links": []})",
        "g.json");
    CHECK(g.numNodes() == 1);
    CHECK(g.size(0) == 2);
}

TEST_CASE("fuzz regression: bytes that are not UTF-8 and megabyte tokens give a short printable line") {
    // The parser's message quotes the token it stopped in, raw: here a lone 0xff byte after a
    // megabyte of string.
    const std::string bad = R"({"nodes": [{"id": ")" + std::string(1 << 20, 'x') + "\xff\"}]}";
    const std::string g = graphError(bad);
    INFO(g.substr(0, 400));
    CHECK(g.rfind("g.json: not valid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte", 0) == 0);
    CHECK(isShortLine(g, 400));
    const std::string s = scheduleError(bad);
    INFO(s.substr(0, 400));
    CHECK(s.rfind("s.json: not valid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte", 0) == 0);
    CHECK(isShortLine(s, 400));
    // The byte itself is shown as '?'.
    CHECK(graphError("{\"nodes\": [\"\xff\"]}") ==
          "g.json: not valid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; "
          "last read: '\"?' (line 1, column 13, byte 13)");
    CHECK(scheduleError("{\"format\": \"\xc0\xaf\"}") ==
          "s.json: not valid JSON: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; "
          "last read: '\"?' (line 1, column 13)");
    // A megabyte number literal beyond double range.
    const std::string huge = followedBy("1", 1 << 20, '0');
    CHECK(isShortLine(graphError(R"({"nodes": [{"id": 0, "duration": )" + huge + R"(, "out_cost": 1}], "links": []})"), 400));
    CHECK(isShortLine(scheduleError(schedule(kComputations + R"(, "budget": )" + huge)), 400));
    // A megabyte string in a wrong place is quoted in part.
    const std::string longString = followedBy("\"", 1 << 20, 'y') + "\"";
    CHECK(scheduleError(R"({"format": )" + longString + "}") ==
          "s.json: format must be \"moccasin-schedule/1\", got \"" + std::string(36, 'y') + "... (format)");
}

TEST_CASE("fuzz regression: a file name with control characters still gives one line") {
    const std::string s = [] {
        try {
            parseScheduleJson("[]", "dir/new\nline.json", smallGraph());
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    }();
    CHECK(s == "dir/new line.json: not a schedule: the top level must be a JSON object (top level)");
}

TEST_CASE("fuzz regression: schedule ids and counts beyond the integer types") {
    CHECK(scheduleError(schedule(R"("computations": [{"node": 18446744073709551615, "start": 0, "end": 1}])")) ==
          "s.json: unknown node id 18446744073709551615 (computations[0].node)");
    CHECK(scheduleError(schedule(kComputations + R"(, "copies": 2147483648)")) ==
          "s.json: copies must be at most 2147483647 (copies)");
    CHECK(scheduleError(schedule(kComputations + R"(, "copies": 1e3)")) ==
          "s.json: copies must be an integer, got 1000.0 (copies)");
}

TEST_CASE("fuzz regression: budget messages are one short line whatever was typed") {
    CHECK(budgetError("0.8\n\n80%") == "budget '0.8  80%' is not a number, a percentage or an amount like 12GiB");
    const std::string longText = followedBy("1", 1000, 'x');
    CHECK(budgetError(longText) ==
          "budget '1" + std::string(39, 'x') + "...' is not a number, a percentage or an amount like 12GiB");
    CHECK(budgetError("\xff%") == "budget '?%' is not a number, a percentage or an amount like 12GiB");
    CHECK(budgetError(std::string(10000, '9')) == "budget '" + std::string(40, '9') + "...' has too many digits");
}

// The first inputs each fuzz target rejected with a broken message, shortened to the bytes that
// matter. The readers themselves coped; their messages did not: raw bytes that are not UTF-8,
// control characters (a newline, DEL) and the whole of a long budget went into the line.
TEST_CASE("fuzz findings: the messages of the first failing inputs") {
    CHECK(graphError("{\"directed\": true, \"nodes\"\xff\xff: []}") ==
          "g.json: not valid JSON: syntax error while parsing object separator - invalid literal; last read: "
          "'\"nodes\"?'; expected ':' (line 1, column 27, byte 27)");
    CHECK(scheduleError("\x7f\"form\": 1}") ==
          "s.json: not valid JSON: syntax error while parsing value - invalid literal; last read: ' ' (line 1, column 1)");
    CHECK(budgetError("1\xff" "23456789") == "budget '1?23456789' is not a number, a percentage or an amount like 12GiB");
    CHECK(budgetError(" .9\xa1 \n") == "budget ' .9?  ' is not a number, a percentage or an amount like 12GiB");
    CHECK(budgetError(followedBy("\x14\n", 150, '\xff')) ==
          "budget '  " + std::string(38, '?') + "...' is not a number, a percentage or an amount like 12GiB");
}
