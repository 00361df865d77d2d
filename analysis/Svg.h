// The little SVG the report needs, written as text: a plot area that maps data to pixels, round
// axis ticks, polylines as one path each (a 10^4-point profile stays one element), escaping.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace moccasin::analysis {

struct Plot {
    double left = 70, top = 20, width = 860, height = 300;  // the plot area in pixels
    double x0 = 0, x1 = 1, y0 = 0, y1 = 1;                  // the data range shown

    double px(double x) const;  // pixel column of data x
    double py(double y) const;  // pixel row of data y (up is larger)
};

// "M x y L x y ..." through the points, in pixels with one decimal.
std::string pathThrough(const Plot& plot, const std::vector<std::pair<double, double>>& points);

// About `count` round values (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count);

// 1234 -> "1.23k", 5e9 -> "5G", 0.25 -> "0.25": short labels for axes.
std::string compactNumber(double v);

// The grid, tick labels and axis titles of `plot`.
std::string axesSvg(const Plot& plot, const std::string& xTitle, const std::string& yTitle,
                    const std::function<std::string(double)>& xLabel, const std::function<std::string(double)>& yLabel);

// Text safe inside HTML/SVG elements and attribute values.
std::string escapeXml(const std::string& text);

// A number with one decimal, for coordinates.
std::string fixed1(double v);

}  // namespace moccasin::analysis
