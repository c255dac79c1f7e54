#!/usr/bin/env bash
# Large-cloud check: N points (default 20M) sampled on bunny00 with normals, reconstructed with automatic
# tiling under -Xmx4g; prints stage times, accuracy against the mesh, wall seconds and peak RSS.
#   bench/recon/large.sh [N]
set -euo pipefail
n="${1:-20000000}"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$java" --add-modules=jdk.incubator.vector -Xmx4g -cp "$cp" \
  kernelfield.bench.ReconBench large "$n" "$data" "$work/large_${n}_kf.ply"
