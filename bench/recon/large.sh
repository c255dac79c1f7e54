#!/usr/bin/env bash
# Large-cloud check: N points (default 20M) sampled on bunny00 with normals, reconstructed with automatic
# tiling under -Xmx4g; prints stage times, accuracy against the mesh, wall seconds and peak RSS.
#   bench/recon/large.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n="${1:-20000000}"
data="${KF_SHARED_DATA:-$root/../shared/data}"
work="${KF_BENCH_DIR:-/tmp/kf-recon-bench}"
cd "$root"
./mvnw -o -q -B package -DskipTests -pl bench -am >&2
cp="$root/bench/target/classes:$root/reconstruction/target/classes:$root/fields/target/classes:$root/engine/target/classes:$(cat "$root/bench/target/classpath.txt")"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
mkdir -p "$work"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$java" --add-modules=jdk.incubator.vector -Xmx4g -cp "$cp" \
  kernelfield.bench.ReconBench large "$n" "$data" "$work/large_${n}_kf.ply"
