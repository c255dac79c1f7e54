#!/usr/bin/env bash
# Interop check with PlayCanvas splat-transform 2.7.1 (installed in bench/splat/interop by
# `npm ci`, see package.json / package-lock.json there).
#   bench/splat/interop.sh [MODEL.ply] [WORKDIR]
# Without MODEL, writes a seeded synthetic set of 5000 splats (SH degree 3) with our writer.
# Checks, each against what our reader reports for the same file (kernelfield.bench.SplatInterop):
#   1. splat-transform --summary of our PLY: same count; mean/min/max of every column
#      (x y z, scale_*, opacity, f_dc_*, rot_*, f_rest_*) after its display transforms
#      (exp of log-scales, sigmoid of the opacity logit, 0.5 + SH_C0 f_dc);
#   2. our PLY -> splat-transform -> PLY, read back by our reader: identical statistics;
#   3. our .splat read by splat-transform (--summary): same count, positions and scales exact,
#      colours/opacity/rotations within the format's 8-bit quantization;
#   4. our PLY -> splat-transform -> .spz -> splat-transform -> PLY, read by our reader: same
#      count, means within SPZ's quantization (rotations skipped: SPZ flips quaternion signs).
# Exit status 0 when all pass, 1 when a check fails, 2 when node or the package is missing.
# KF_INTEROP_CP: a Java classpath holding kernelfield.bench.SplatInterop and its modules; when
# unset the script builds the bench module (package, never install) and uses its classes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/splat/interop"
st="$here/node_modules/@playcanvas/splat-transform/bin/cli.mjs"
model="${1:-}"
work="${2:-$(mktemp -d /tmp/kf-splat-interop.XXXXXX)}"
mkdir -p "$work"
if ! command -v node >/dev/null 2>&1; then
  echo "interop: node is not installed" >&2; exit 2
fi
if [ ! -f "$here/node_modules/@playcanvas/splat-transform/package.json" ]; then
  echo "interop: @playcanvas/splat-transform is not installed: run 'npm ci' in $here" >&2; exit 2
fi
[ -f "$st" ] || st="$here/node_modules/.bin/splat-transform"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[ -x "$JAVA" ] || JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ -z "${KF_INTEROP_CP:-}" ]; then
  (cd "$root" && ./mvnw -q -B package -DskipTests -pl bench -am >&2)
  KF_INTEROP_CP="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
fi
kf() { "$JAVA" -cp "$KF_INTEROP_CP" kernelfield.bench.SplatInterop "$@"; }
stx() { node "$st" -w --no-tty "$@"; }
echo "splat-transform $(node "$st" --version 2>&1 | grep -o "v[0-9][0-9.]*" | head -1), node $(node --version), work dir $work"

if [ -z "$model" ]; then
  kf synth "$work/ours.ply" 5000 7
  kf synth "$work/ours.splat" 5000 7
else
  cp "$model" "$work/ours.ply"
  kf convert "$work/ours.ply" "$work/ours.splat"
fi
kf stats "$work/ours.ply" > "$work/ours.ply.json"
kf stats "$work/ours.splat" > "$work/ours.splat.json"
stx "$work/ours.ply" -m null > "$work/summary-ply.md" 2> "$work/st.log"
stx "$work/ours.ply" "$work/rt.ply" >> "$work/st.log" 2>&1
kf stats "$work/rt.ply" > "$work/rt.ply.json"
stx "$work/ours.splat" -m null > "$work/summary-splat.md" 2>> "$work/st.log"
stx "$work/ours.ply" "$work/rt.spz" >> "$work/st.log" 2>&1
stx "$work/rt.spz" "$work/rt-spz.ply" >> "$work/st.log" 2>&1
kf stats "$work/rt-spz.ply" > "$work/rt-spz.ply.json"

/usr/bin/python3 - "$work" <<'PY'
import json, math, re, sys
work = sys.argv[1]
C0 = 0.28209479177387814
load = lambda n: json.load(open(f"{work}/{n}"))

def summary(name):
    """splat-transform's markdown summary: row count and {column: {min, max, mean}}."""
    text = open(f"{work}/{name}").read()
    m = re.search(r"\*\*Row Count:\*\*\s*(\d+)", text)
    if not m:
        sys.exit(f"interop: no row count in {name}:\n{text[:2000]}")
    cols = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[0] not in ("Column",) and not cells[0].startswith("-"):
            try:
                cols[cells[0]] = {"min": float(cells[1]), "max": float(cells[2]), "mean": float(cells[4])}
            except ValueError:
                pass
    return int(m.group(1)), cols

def shown(col, v):
    """The value splat-transform's summary shows for a raw file value."""
    if col.startswith("scale_"): return math.exp(v)
    if col == "opacity": return 1 / (1 + math.exp(-v))
    if col.startswith("f_dc_"): return 0.5 + C0 * v
    return v

fails = []
def check(what, a, b, tol):
    ok = abs(a - b) <= tol
    if not ok: fails.append(f"{what}: ours {a:.7g}, splat-transform {b:.7g} (tolerance {tol:g})")
    return ok

def count(what, a, b):
    if a != b: fails.append(f"{what}: {a} splats in ours, {b} in splat-transform's")

# 1. summary of our PLY
ours = load("ours.ply.json")
n, cols = summary("summary-ply.md")
count("1 PLY summary", ours["count"], n)
for c, s in ours["columns"].items():
    if c not in cols:
        fails.append(f"1 PLY summary: no column {c}"); continue
    for k in ("mean", "min", "max"):
        a = shown(c, s[k]); check(f"1 PLY summary {c} {k}", a, cols[c][k], 2e-6 + 2e-5 * abs(a))
print(f"1. PLY summary: {n} splats, {len(ours['columns'])} columns x mean/min/max compared")

# 2. PLY written by splat-transform, read by us
rt = load("rt.ply.json")
count("2 PLY round trip", ours["count"], rt["count"])
for c, s in ours["columns"].items():
    for k in ("mean", "min", "max"):
        check(f"2 PLY round trip {c} {k}", s[k], rt["columns"][c][k], 1e-7 * (1 + abs(s[k])))
print(f"2. PLY -> splat-transform -> PLY: {rt['count']} splats, statistics identical")

# 3. our .splat read by splat-transform
sp = load("ours.splat.json")
n, cols = summary("summary-splat.md")
count("3 .splat summary", sp["count"], n)
for c, s in sp["columns"].items():
    if c.startswith("f_rest"): continue  # .splat keeps no higher SH
    if c[0] in "xyz" or c.startswith("scale_"):
        for k in ("mean", "min", "max"):
            a = shown(c, s[k]); check(f"3 .splat {c} {k}", a, cols[c][k], 2e-6 + 2e-5 * abs(a))
    elif c.startswith("f_dc_"):
        # we read byte b as (b + 0.5) / 255, splat-transform as b / 255: half a bin apart
        check(f"3 .splat {c} mean", shown(c, s["mean"]), cols[c]["mean"], 1 / 255)
    elif c == "opacity":
        check(f"3 .splat {c} mean", shown(c, s["mean"]), cols[c]["mean"], 2 / 255)
    elif c.startswith("rot_"):
        # we keep (b - 128) / 128, splat-transform normalises the quaternion
        check(f"3 .splat {c} mean", s["mean"], cols[c]["mean"], 0.01)
print(f"3. .splat summary: {n} splats; positions, scales exact, colours, opacity, rotations within 8-bit quantization")

# 4. SPZ round trip through splat-transform, read by us
sz = load("rt-spz.ply.json")
count("4 SPZ round trip", ours["count"], sz["count"])
tol = {"x": 1e-3, "y": 1e-3, "z": 1e-3, "scale": 0.02, "opacity": 0.05, "f_dc": 0.01, "f_rest": 0.01}
for c, s in ours["columns"].items():
    if c.startswith("rot_"): continue
    t = tol.get(c) or tol[c.rsplit("_", 1)[0]]
    check(f"4 SPZ round trip {c} mean", s["mean"], sz["columns"][c]["mean"], t)
print(f"4. PLY -> .spz -> PLY: {sz['count']} splats, means within SPZ quantization")

if fails:
    print("FAILED:\n  " + "\n  ".join(fails))
    sys.exit(1)
print("interop: all checks passed")
PY
