#!/usr/bin/env bash
# Renders a `moccasin report` page in headless Chromium and checks that the memory profile was
# drawn: the page holds the profile's SVG path, and the screenshot shows the profile's stroke
# colour in quantity (not a blank or an error page).
#   render_test.sh MOCCASIN_BINARY GRAPH
# Exit 77 (ctest: skipped) when chromium is not installed; .ci/report installs it first.
set -euo pipefail
bin=$1
graph=$2
chromium_bin=$(command -v chromium || true)
if [ -z "$chromium_bin" ]; then
  echo "chromium is not installed: skipped (./scripts/install-packages chromium)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" solve "$graph" --budget 0.8 --strategy greedy -q -o "$work/schedule.json"
"$bin" sweep "$graph" --from 1.0 --step 0.1 --strategy greedy -q -o "$work/sweep.json"
"$bin" report "$graph" "$work/schedule.json" --sweep "$work/sweep.json" -q -o "$work/report.html"
grep -q '<path id="profile" class="profile" d="M' "$work/report.html" || { echo "no profile path in the page"; exit 1; }
grep -q '<path id="pareto"' "$work/report.html" || { echo "no Pareto curve in the page"; exit 1; }

# Headless, offline, no profile left behind: the page must render from the file alone.
timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --screenshot="$work/out.png" --window-size=1200,900 \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log"; exit 1; }
[ -s "$work/out.png" ] || { echo "chromium wrote no screenshot"; cat "$work/chromium.log"; exit 1; }

# A tiny PNG decoder (zlib + the five row filters): counts non-white pixels and pixels of the
# profile's stroke colour #1f5fbf.
/usr/bin/python3 - "$work/out.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and colour in (2, 6), f"unexpected PNG format: depth {depth}, colour type {colour}"
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw, stride = zlib.decompress(idat), width * bpp
rows, prev, at = [], bytearray(stride), 0
for _ in range(height):
    f, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
    at += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
ink = stroke = 0
for line in rows:
    for i in range(0, stride, bpp):
        r, g, b = line[i], line[i + 1], line[i + 2]
        if r < 245 or g < 245 or b < 245: ink += 1
        if abs(r - 0x1f) < 40 and abs(g - 0x5f) < 40 and abs(b - 0xbf) < 40: stroke += 1
total = width * height
print(f"screenshot {width}x{height}: {ink} non-white pixels ({100 * ink / total:.1f}%), {stroke} in the profile's colour")
assert ink > total // 100, "the page looks blank"
assert stroke > 300, "the profile line is not on the screenshot"
PY
echo "report rendered"
