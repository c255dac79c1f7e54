#!/usr/bin/env bash
# The splat training curve: test PSNR against training wall time on a posed-image dataset.
#   bench/splat/train.sh [DATA] [OUT] [SplatTrainCurve options...]
#   bench/splat/train.sh ../shared/data/nvs/car /tmp/curve --seconds 1200 --eval-every 60
# Writes OUT/curve.csv (time_s,step,splats,psnr,ssim,load), OUT/summary.txt, OUT/model.ply,
# OUT/test/*.png and, when matplotlib is there, OUT/curve.png. Builds the project first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data/nvs/car}"
out="${2:-/tmp/kf-splat-curve}"
shift $(( $# > 2 ? 2 : $# )) || true
(cd "$root" && ./mvnw -q -B package -DskipTests -pl bench -am >&2)
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[ -x "$JAVA" ] || JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$JAVA" --add-modules=jdk.incubator.vector -XX:+UseParallelGC -Xmx6g \
  -cp "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")" \
  kernelfield.bench.SplatTrainCurve "$data" "$out" "$@" 2> >(grep -v 'incubator' >&2)
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  /usr/bin/python3 - "$out" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/curve.csv")))
t = [float(r["time_s"]) / 60 for r in rows]
p = [float(r["psnr"]) for r in rows]
plt.figure(figsize=(6, 4))
plt.plot(t, p, marker="o")
plt.axhline(28, color="grey", linestyle="--", label="target 28 dB")
plt.xlabel("training time (min)")
plt.ylabel("test PSNR (dB)")
plt.grid(True, alpha=0.3)
plt.legend()
plt.tight_layout()
plt.savefig(out + "/curve.png", dpi=120)
PY
fi
