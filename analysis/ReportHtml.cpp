#include "analysis/ReportHtml.h"

#include <algorithm>
#include <cstdio>

#include "analysis/Svg.h"

namespace moccasin::analysis {

namespace {

const char* kStyle = R"(
body { font: 14px/1.4 sans-serif; color: #222; margin: 24px; max-width: 1000px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.sub { color: #666; margin: 0 0 16px; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; text-align: right; border-bottom: 1px solid #e4e4e4; }
th { background: #f4f4f4; } td.l, th.l { text-align: left; }
table.facts td { text-align: left; } table.facts td:first-child { color: #555; }
svg { display: block; background: #fff; }
svg text { font: 11px sans-serif; fill: #444; }
.grid { stroke: #ececec; } .tick { stroke: #999; } .frame { fill: none; stroke: #bbb; }
.profile { fill: none; stroke: #1f5fbf; stroke-width: 1.4; }
.reference { fill: none; stroke: #999; stroke-width: 1.2; stroke-dasharray: 5 3; }
.budget { stroke: #d62728; stroke-width: 1.4; stroke-dasharray: 8 4; }
.rug { stroke: #e07b00; stroke-width: 1; } .dots { stroke: #e07b00; stroke-width: 4; stroke-linecap: round; }
.front { fill: none; stroke: #1f5fbf; stroke-width: 1.6; }
.point { fill: #fff; stroke: #1f5fbf; stroke-width: 1.4; } .knee { fill: none; stroke: #2ca02c; stroke-width: 2.4; }
.this { fill: #d62728; }
.legend span { margin-right: 18px; white-space: nowrap; }
.sw { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 5px; }
)";

std::string integer(int64_t v) { return std::to_string(v); }

std::string percent(double v, int decimals = 2) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f%%", decimals, v);
    return buf;
}

double ratio(int64_t a, int64_t b) { return b == 0 ? 0.0 : 100.0 * static_cast<double>(a) / static_cast<double>(b); }

std::string fact(const std::string& name, const std::string& value) {
    return "<tr><td>" + escapeXml(name) + "</td><td>" + escapeXml(value) + "</td></tr>";
}

std::vector<std::pair<double, double>> asPairs(const std::vector<ProfilePoint>& pts) {
    std::vector<std::pair<double, double>> out;
    out.reserve(pts.size());
    for (const ProfilePoint& p : pts) out.emplace_back(p.x, static_cast<double>(p.y));
    return out;
}

std::string factsTable(const ReportData& r) {
    std::string s = "<table class=\"facts\">";
    s += fact("graph", r.graphName + " (" + std::to_string(r.nodes) + " nodes, " + std::to_string(r.edges) + " edges)");
    s += fact("order", r.order);
    s += fact("budget", integer(r.budget) + " (" + percent(ratio(r.budget, r.referencePeak)) + " of the reference peak)");
    s += fact("peak memory", integer(r.peak) + " (" + percent(ratio(r.peak, r.budget)) + " of the budget)");
    s += fact("reference peak", integer(r.referencePeak) + " (no recomputation, reference order)");
    s += fact("cost", integer(r.cost) + " (baseline " + integer(r.baselineCost) + ", TDI " + percent(r.tdiPercent, 3) + ")");
    s += fact("computations", std::to_string(r.computations) + ", of which " + std::to_string(r.recomputations) +
                                  " recomputations (at most " + std::to_string(r.copies) + " per node)");
    return s + "</table>";
}

std::string profileSvg(const ReportData& r) {
    Plot p;
    p.left = 80;
    p.width = 860;
    p.height = 320;
    p.x1 = std::max(1.0, static_cast<double>(r.computations) - 1);
    const double top = static_cast<double>(std::max({r.budget, r.referencePeak, r.peak, int64_t{1}}));
    const std::vector<double> ticks = niceTicks(0, top * 1.05, 5);
    p.y1 = std::max(top * 1.05, ticks.back());
    const double bottom = p.top + p.height;
    std::string s = "<svg id=\"memory-profile\" xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"390\" "
                    "viewBox=\"0 0 960 390\" role=\"img\" aria-label=\"memory over the schedule\">";
    s += axesSvg(p, "computation number (schedule order)", "memory", [](double x) { return compactNumber(x); },
                 [](double y) { return compactNumber(y); });
    s += "<path id=\"reference\" class=\"reference\" d=\"" + pathThrough(p, asPairs(r.reference)) + "\"/>";
    const std::string by = fixed1(p.py(static_cast<double>(r.budget)));
    s += "<line id=\"budget\" class=\"budget\" x1=\"" + fixed1(p.left) + "\" y1=\"" + by + "\" x2=\"" +
         fixed1(p.left + p.width) + "\" y2=\"" + by + "\"/>";
    s += "<path id=\"profile\" class=\"profile\" d=\"" + pathThrough(p, asPairs(r.profile)) + "\"/>";
    std::string rug, dots;
    for (const ProfilePoint& m : r.marks) {
        const std::string x = fixed1(p.px(m.x));
        rug += "M" + x + " " + fixed1(bottom - 7) + "v7";
        dots += "M" + x + " " + fixed1(p.py(static_cast<double>(m.y))) + "h0";
    }
    s += "<path id=\"recomputations\" class=\"rug\" d=\"" + rug + "\"/>";
    s += "<path id=\"recomputation-dots\" class=\"dots\" d=\"" + dots + "\"/>";
    return s + "</svg>";
}

std::string profileLegend(const ReportData& r) {
    return "<p class=\"legend\"><span><i class=\"sw\" style=\"border-color:#1f5fbf\"></i>this schedule (peak " +
           integer(r.peak) + ")</span><span><i class=\"sw\" style=\"border-color:#999;border-top-style:dashed\"></i>" +
           "no recomputation, reference order (peak " + integer(r.referencePeak) +
           ")</span><span><i class=\"sw\" style=\"border-color:#d62728;border-top-style:dashed\"></i>budget " +
           integer(r.budget) + "</span><span><i class=\"sw\" style=\"border-color:#e07b00\"></i>recomputations (" +
           std::to_string(r.recomputations) + ")</span></p>";
}

std::string expensiveTable(const Graph& g, const ReportData& r) {
    if (r.mostExpensive.empty()) return "<p>No node is recomputed: the schedule costs the baseline.</p>";
    const int64_t extra = r.cost - r.baselineCost;
    std::string s = "<table id=\"expensive\"><tr><th>#</th><th class=\"l\">node</th><th>cost</th><th>size</th>"
                    "<th>computation</th><th>copy</th><th>share of the extra cost</th></tr>";
    for (size_t i = 0; i < r.mostExpensive.size(); ++i) {
        const Recomputation& c = r.mostExpensive[i];
        s += "<tr><td>" + std::to_string(i + 1) + "</td><td class=\"l\">" + escapeXml(g.id(c.node).text) + "</td><td>" +
             integer(c.cost) + "</td><td>" + integer(c.size) + "</td><td>" + std::to_string(c.computation) +
             "</td><td>" + std::to_string(c.copy) + "</td><td>" + (extra > 0 ? percent(ratio(c.cost, extra), 1) : "-") +
             "</td></tr>";
    }
    s += "</table>";
    if (r.recomputations > r.mostExpensive.size())
        s += "<p class=\"sub\">The " + std::to_string(r.mostExpensive.size()) + " most expensive of " +
             std::to_string(r.recomputations) + " recomputations.</p>";
    return s;
}

std::string sweepSection(const ReportData& r) {
    const SweepFile& sw = *r.sweep;
    const SweepCurve curve = curveOf(sw);
    std::string s = "<h2>Budget sweep</h2>";
    if (curve.points.empty()) return s + "<p>The sweep found no schedule at any budget.</p>";
    const std::vector<size_t> front = paretoFront(curve.points);
    const auto knee = kneeOf(sw);
    double xLo = curve.points[0].memory, xHi = xLo, yHi = 0;
    for (const CurvePoint& c : curve.points) {
        xLo = std::min(xLo, c.memory);
        xHi = std::max(xHi, c.memory);
        yHi = std::max(yHi, c.tdi);
    }
    const double thisMemory = ratio(r.peak, sw.referencePeak) / 100.0;
    xLo = std::min(xLo, thisMemory);
    xHi = std::max(xHi, thisMemory);
    yHi = std::max(yHi, r.tdiPercent);
    Plot p;
    p.left = 80;
    p.width = 860;
    p.height = 300;
    const double pad = std::max(0.01, (xHi - xLo) * 0.05);
    p.x0 = xLo - pad;
    p.x1 = xHi + pad;
    p.y0 = 0;
    p.y1 = std::max(1.0, yHi * 1.1);
    s += "<svg id=\"pareto-curve\" xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"370\" "
         "viewBox=\"0 0 960 370\" role=\"img\" aria-label=\"TDI against memory over the sweep\">";
    s += axesSvg(p, "peak memory (fraction of the reference peak)", "TDI (%)",
                 [](double x) { char b[16]; std::snprintf(b, sizeof b, "%.2f", x); return std::string(b); },
                 [](double y) { return compactNumber(y); });
    std::vector<std::pair<double, double>> frontPts;
    for (size_t i : front) frontPts.emplace_back(curve.points[i].memory, curve.points[i].tdi);
    s += "<path id=\"pareto\" class=\"front\" d=\"" + pathThrough(p, frontPts) + "\"/>";
    for (size_t i = 0; i < curve.points.size(); ++i) {
        const SweepRow& row = sw.rows[curve.rowOf[i]];
        s += "<circle class=\"point\" cx=\"" + fixed1(p.px(curve.points[i].memory)) + "\" cy=\"" +
             fixed1(p.py(curve.points[i].tdi)) + "\" r=\"3.5\"><title>budget " + percent(100 * row.fraction, 1) +
             ": TDI " + percent(curve.points[i].tdi, 3) + "</title></circle>";
    }
    if (knee) {
        const SweepRow& row = sw.rows[knee->row];
        const double kx = p.px(static_cast<double>(*row.peak) / static_cast<double>(sw.referencePeak));
        const double ky = p.py(*row.tdiPercent);
        s += "<circle id=\"knee\" class=\"knee\" cx=\"" + fixed1(kx) + "\" cy=\"" + fixed1(ky) + "\" r=\"8\"/>";
        s += "<text x=\"" + fixed1(kx + 11) + "\" y=\"" + fixed1(ky - 9) + "\">knee: " + percent(100 * row.fraction, 1) +
             " budget, TDI " + percent(*row.tdiPercent, 2) + "</text>";
    }
    s += "<rect id=\"this-schedule\" class=\"this\" x=\"" + fixed1(p.px(thisMemory) - 4) + "\" y=\"" +
         fixed1(p.py(r.tdiPercent) - 4) + "\" width=\"8\" height=\"8\" transform=\"rotate(45 " + fixed1(p.px(thisMemory)) +
         " " + fixed1(p.py(r.tdiPercent)) + ")\"/></svg>";
    s += "<p class=\"legend\"><span><i class=\"sw\" style=\"border-color:#1f5fbf\"></i>Pareto front</span>"
         "<span><i class=\"sw\" style=\"border-color:#2ca02c\"></i>knee (farthest below the chord between the "
         "front's ends)</span><span><i class=\"sw\" style=\"border-color:#d62728\"></i>this schedule</span></p>";
    s += "<table id=\"sweep-rows\"><tr><th>fraction</th><th>budget</th><th class=\"l\">status</th><th>TDI</th><th>peak</th>"
         "<th>lower bound</th><th>seconds</th></tr>";
    for (const SweepRow& row : sw.rows) {
        char sec[32];
        std::snprintf(sec, sizeof sec, "%.2f", row.seconds);
        s += "<tr><td>" + percent(100 * row.fraction, 2) + "</td><td>" + integer(row.budget) + "</td><td class=\"l\">" +
             escapeXml(row.status) + "</td><td>" + (row.tdiPercent ? percent(*row.tdiPercent, 3) : "-") + "</td><td>" +
             (row.peak ? integer(*row.peak) : "-") + "</td><td>" + (row.lowerBound ? integer(*row.lowerBound) : "-") +
             "</td><td>" + sec + "</td></tr>";
    }
    s += "</table>";
    if (!sw.complete) s += "<p class=\"sub\">The sweep was interrupted before its last budget.</p>";
    return s;
}

}  // namespace

std::string renderReportHtml(const Graph& g, const ReportData& r) {
    std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>moccasin report: " +
                    escapeXml(r.graphName) + "</title><style>" + kStyle + "</style></head><body>";
    s += "<h1>" + escapeXml(r.graphName) + "</h1><p class=\"sub\">moccasin schedule report for " +
         escapeXml(r.scheduleName) + "</p>";
    s += factsTable(r);
    s += "<h2>Memory profile</h2>" + profileSvg(r) + profileLegend(r);
    s += "<h2>Most expensive recomputations</h2>" + expensiveTable(g, r);
    if (r.sweep) s += sweepSection(r);
    return s + "</body></html>\n";
}

}  // namespace moccasin::analysis
