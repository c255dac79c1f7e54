#!/usr/bin/env bash
# Radiance from posed images with kf train --method rbf (VolSDF density, RBF field with colour outputs)
# on the shared car scene: test PSNR against training time. One run of BUDGET seconds; at each CURVE
# point the first CURVE_VIEWS test views are scored off the training clock; at the end all 25 are.
#   bench/rbf/radiance.sh [OUT_DIR]   (BUDGET=1800 CURVE=120,300,600,1200 CURVE_VIEWS=8 THREADS=2 DATA=...)
# Writes OUT_DIR/run/{metrics.json,curve.csv,mesh.ply,test/*.png,log.jsonl} and OUT_DIR/summary.md.
# A table, not a test: timings depend on the machine and its load (the load average is recorded).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/bench/rbf/out-radiance}"
data="${DATA:-$root/../shared/data/nvs/car}"
[ -d "$data" ] || data=/work/shared/data/nvs/car
budget="${BUDGET:-1800}"
curve="${CURVE:-120,300,600,1200}"
views="${CURVE_VIEWS:-8}"
threads="${THREADS:-2}"
mkdir -p "$out"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$root/kf" train --method rbf --data "$data" -o "$out/run" --time-budget "$budget" --threads "$threads" \
  --curve "$curve" --curve-views "$views" | tr '\r' '\n' | grep -v '^train rbf: step' || true
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# kf train --method rbf on $(basename "$data") ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $threads threads)"
  echo
  echo "Load average before: $load_before; after: $load_after."
  echo
  echo "| training s | step | test PSNR dB | SSIM | load (1 min) |"
  echo "|---:|---:|---:|---:|---:|"
  tail -n +2 "$out/run/curve.csv" | awk -F, '{printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}'
  echo
  echo "Curve points before the last score the first $views test views; the last row scores all of them."
  /usr/bin/python3 - "$out/run/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
s = m.get("mesh_scores")
print(f"\nFinal: {m['steps']} steps in {m['train_seconds']:.0f} s, {m['parameters']} parameters, beta {m['beta']:.4f}; "
      f"test PSNR {m['test']['psnr']:.2f} dB, SSIM {m['test']['ssim']:.4f} over {m['test']['count']} views.")
if s:
    print(f"Mesh: {m['mesh']['triangles']} triangles; Chamfer-L1 {s['chamfer_l1']:.5f}, F@0.5% {s['fscore@0.005']:.4f}, "
          f"F@1% {s['fscore@0.01']:.4f} (relative to the reference mesh's diagonal {s['diag']:.3f}).")
PY
} > "$out/summary.md"
cat "$out/summary.md"
