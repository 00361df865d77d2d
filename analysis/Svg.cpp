#include "analysis/Svg.h"

#include <cmath>
#include <cstdio>

namespace moccasin::analysis {

double Plot::px(double x) const { return left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * width; }
double Plot::py(double y) const { return top + height - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * height; }

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string pathThrough(const Plot& plot, const std::vector<std::pair<double, double>>& points) {
    std::string d;
    d.reserve(points.size() * 14);
    for (size_t i = 0; i < points.size(); ++i) {
        d += i == 0 ? "M" : "L";
        d += fixed1(plot.px(points[i].first)) + " " + fixed1(plot.py(points[i].second));
    }
    return d;
}

std::vector<double> niceTicks(double lo, double hi, int count) {
    if (!(hi > lo) || count < 1) return {lo};
    const double raw = (hi - lo) / count;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw) {
            step = m * power;
            break;
        }
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

std::string compactNumber(double v) {
    static const struct {
        double factor;
        const char* suffix;
    } kScales[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    char buf[32];
    for (const auto& s : kScales)
        if (std::abs(v) >= s.factor) {
            std::snprintf(buf, sizeof buf, "%.3g%s", v / s.factor, s.suffix);
            return buf;
        }
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

std::string axesSvg(const Plot& p, const std::string& xTitle, const std::string& yTitle,
                    const std::function<std::string(double)>& xLabel, const std::function<std::string(double)>& yLabel) {
    std::string s = "<g class=\"axes\">";
    const double bottom = p.top + p.height, right = p.left + p.width;
    for (double y : niceTicks(p.y0, p.y1, 5)) {
        const std::string row = fixed1(p.py(y));
        s += "<line class=\"grid\" x1=\"" + fixed1(p.left) + "\" y1=\"" + row + "\" x2=\"" + fixed1(right) + "\" y2=\"" +
             row + "\"/><text x=\"" + fixed1(p.left - 6) + "\" y=\"" + row + "\" dy=\"4\" text-anchor=\"end\">" +
             escapeXml(yLabel(y)) + "</text>";
    }
    for (double x : niceTicks(p.x0, p.x1, 8)) {
        const std::string col = fixed1(p.px(x));
        s += "<line class=\"tick\" x1=\"" + col + "\" y1=\"" + fixed1(bottom) + "\" x2=\"" + col + "\" y2=\"" +
             fixed1(bottom + 5) + "\"/><text x=\"" + col + "\" y=\"" + fixed1(bottom + 18) +
             "\" text-anchor=\"middle\">" + escapeXml(xLabel(x)) + "</text>";
    }
    s += "<rect class=\"frame\" x=\"" + fixed1(p.left) + "\" y=\"" + fixed1(p.top) + "\" width=\"" + fixed1(p.width) +
         "\" height=\"" + fixed1(p.height) + "\"/>";
    s += "<text x=\"" + fixed1(p.left + p.width / 2) + "\" y=\"" + fixed1(bottom + 36) + "\" text-anchor=\"middle\">" +
         escapeXml(xTitle) + "</text>";
    s += "<text transform=\"translate(14 " + fixed1(p.top + p.height / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         escapeXml(yTitle) + "</text></g>";
    return s;
}

std::string escapeXml(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace moccasin::analysis
