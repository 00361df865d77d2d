#include "analysis/SweepJson.h"

#include <fstream>
#include <sstream>

#include "model/InputError.h"

namespace moccasin::analysis {

using nlohmann::json;

namespace {

template <class T>
json orNull(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

json rowToJson(const SweepRow& r) {
    return json{{"fraction", r.fraction},
                {"budget", r.budget},
                {"status", r.status},
                {"tdi_percent", orNull(r.tdiPercent)},
                {"lower_bound", orNull(r.lowerBound)},
                {"seconds", r.seconds},
                {"cost", orNull(r.cost)},
                {"peak", orNull(r.peak)},
                {"message", r.message.empty() ? json(nullptr) : json(r.message)}};
}

// CSV cells: numbers as JSON spells them (shortest round trip), empty for null.
template <class T>
std::string cell(const std::optional<T>& v) {
    return v ? json(*v).dump() : std::string();
}

// Reading: every problem names the file and the place, like the graph and schedule readers.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& what, const std::string& where) const {
        throw InputError(source_ + ": " + what + " (" + where + ")");
    }
    const json& field(const json& obj, const char* key, const std::string& where) const {
        if (!obj.contains(key)) fail("missing \"" + std::string(key) + "\"", where);
        return obj.at(key);
    }
    int64_t integer(const json& v, const std::string& where) const {
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX))
            fail("expected an integer, got " + v.dump(), where);
        return v.get<int64_t>();
    }
    std::optional<int64_t> optInteger(const json& v, const std::string& where) const {
        if (v.is_null()) return std::nullopt;
        return integer(v, where);
    }
    double number(const json& v, const std::string& where) const {
        if (!v.is_number()) fail("expected a number, got " + v.dump(), where);
        return v.get<double>();
    }
    std::optional<double> optNumber(const json& v, const std::string& where) const {
        if (v.is_null()) return std::nullopt;
        return number(v, where);
    }
    std::string text(const json& v, const std::string& where) const {
        if (!v.is_string()) fail("expected a string, got " + v.dump(), where);
        return v.get<std::string>();
    }

private:
    std::string source_;
};

SweepRow readRow(const Reader& rd, const json& j, const std::string& where) {
    if (!j.is_object()) rd.fail("expected an object", where);
    SweepRow r;
    r.fraction = rd.number(rd.field(j, "fraction", where), where + ".fraction");
    r.budget = rd.integer(rd.field(j, "budget", where), where + ".budget");
    r.status = rd.text(rd.field(j, "status", where), where + ".status");
    r.tdiPercent = rd.optNumber(rd.field(j, "tdi_percent", where), where + ".tdi_percent");
    r.lowerBound = rd.optInteger(rd.field(j, "lower_bound", where), where + ".lower_bound");
    r.seconds = rd.number(rd.field(j, "seconds", where), where + ".seconds");
    if (j.contains("cost")) r.cost = rd.optInteger(j["cost"], where + ".cost");
    if (j.contains("peak")) r.peak = rd.optInteger(j["peak"], where + ".peak");
    if (j.contains("message") && !j["message"].is_null()) r.message = rd.text(j["message"], where + ".message");
    // A schedule is known by its cost, TDI and peak together; a row with only some is not ours.
    if (r.tdiPercent.has_value() != r.cost.has_value() || r.cost.has_value() != r.peak.has_value())
        rd.fail("tdi_percent, cost and peak must be all null or all given", where);
    return r;
}

}  // namespace

SweepCurve curveOf(const SweepFile& s) {
    SweepCurve c;
    for (size_t i = 0; i < s.rows.size(); ++i) {
        const SweepRow& r = s.rows[i];
        if (!r.hasSchedule() || s.referencePeak <= 0) continue;
        c.points.push_back({static_cast<double>(*r.peak) / static_cast<double>(s.referencePeak), *r.tdiPercent});
        c.rowOf.push_back(i);
    }
    return c;
}

std::optional<KneeRow> kneeOf(const SweepFile& s) {
    const SweepCurve c = curveOf(s);
    const auto knee = findKnee(c.points);
    if (!knee) return std::nullopt;
    return KneeRow{c.rowOf[knee->index], knee->distance};
}

json sweepToJson(const SweepFile& s) {
    json rows = json::array();
    for (const SweepRow& r : s.rows) rows.push_back(rowToJson(r));
    json knee = nullptr;
    if (auto k = kneeOf(s)) {
        const SweepRow& r = s.rows[k->row];
        knee = json{{"row", k->row},          {"fraction", r.fraction},       {"budget", r.budget},
                    {"peak", orNull(r.peak)}, {"tdi_percent", orNull(r.tdiPercent)}, {"distance", k->distance}};
    }
    return json{{"format", kSweepFormat},
                {"graph", s.graph},
                {"reference_peak", s.referencePeak},
                {"baseline_cost", s.baselineCost},
                {"budget_lower_limit", s.budgetLowerLimit},
                {"order", s.order},
                {"copies", s.copies},
                {"time_limit_each", orNull(s.timeLimitEach)},
                {"complete", s.complete},
                {"rows", rows},
                {"knee", knee}};
}

std::string sweepToCsv(const SweepFile& s) {
    std::string out = "fraction,budget,status,tdi_percent,lower_bound,seconds,cost,peak\n";
    for (const SweepRow& r : s.rows) {
        out += json(r.fraction).dump() + "," + std::to_string(r.budget) + "," + r.status + "," + cell(r.tdiPercent) +
               "," + cell(r.lowerBound) + "," + json(r.seconds).dump() + "," + cell(r.cost) + "," + cell(r.peak) + "\n";
    }
    return out;
}

SweepFile parseSweepJson(const std::string& text, const std::string& source) {
    const Reader rd(source);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        rd.fail(std::string("not JSON: ") + e.what(), "byte " + std::to_string(e.byte));
    }
    if (!j.is_object()) rd.fail("expected a JSON object", "top level");
    if (!j.contains("format") || j["format"] != kSweepFormat)
        rd.fail(std::string("not a sweep file: \"format\" must be \"") + kSweepFormat + "\"", "format");
    SweepFile s;
    s.graph = rd.text(rd.field(j, "graph", "top level"), "graph");
    s.referencePeak = rd.integer(rd.field(j, "reference_peak", "top level"), "reference_peak");
    s.baselineCost = rd.integer(rd.field(j, "baseline_cost", "top level"), "baseline_cost");
    if (j.contains("budget_lower_limit")) s.budgetLowerLimit = rd.integer(j["budget_lower_limit"], "budget_lower_limit");
    s.order = rd.text(rd.field(j, "order", "top level"), "order");
    s.copies = static_cast<int>(rd.integer(rd.field(j, "copies", "top level"), "copies"));
    if (j.contains("time_limit_each")) s.timeLimitEach = rd.optNumber(j["time_limit_each"], "time_limit_each");
    if (j.contains("complete")) {
        if (!j["complete"].is_boolean()) rd.fail("expected true or false", "complete");
        s.complete = j["complete"].get<bool>();
    }
    const json& rows = rd.field(j, "rows", "top level");
    if (!rows.is_array()) rd.fail("expected an array", "rows");
    for (size_t i = 0; i < rows.size(); ++i) s.rows.push_back(readRow(rd, rows[i], "rows[" + std::to_string(i) + "]"));
    return s;
}

SweepFile readSweepFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open the sweep file");
    std::stringstream text;
    text << in.rdbuf();
    return parseSweepJson(text.str(), path);
}

}  // namespace moccasin::analysis
