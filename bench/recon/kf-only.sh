#!/usr/bin/env bash
# The kf half of run.sh, without Poisson: one fresh JVM per input, scored to 6 digits. Prints table rows
# (input | wall s | peak RSS MB | Chamfer-L1 | F@0.5% | F@1% | NC | watertight | load) on stdout; writes no file.
#   bench/recon/kf-only.sh [small|full]     (inputs as run.sh; KF_BENCH_ONLY=regexp picks rows)
set -euo pipefail
size="${1:-small}"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
jflags="--add-modules=jdk.incubator.vector -Xmx6g"
"$java" $jflags -cp "$cp" kernelfield.bench.ReconBench prepare "$data" "$work" "$size" >&2
for f in "$work"/*.ply; do
  case "$f" in *_ref.ply|*_kf.ply|*_poisson*.ply) continue;; esac
  name=$(basename "$f" .ply); ref=$(cat "$work/$name.ref")
  if [ -n "${KF_BENCH_ONLY:-}" ] && ! echo "$name" | grep -Eq "$KF_BENCH_ONLY"; then continue; fi
  load=$(cut -d' ' -f1 /proc/loadavg)
  log=$(mktemp)
  sec=$(/usr/bin/time -v "$java" $jflags -cp "$cp" kernelfield.bench.ReconBench run "$f" "$work/${name}_kf.ply" 2>"$log" | tail -1)
  rss=$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$log"); rm -f "$log"
  s=$("$java" $jflags -Dkf.digits=6 -cp "$cp" kernelfield.bench.ReconBench score "$work/${name}_kf.ply" "$ref" 2>/dev/null)
  echo "| $name | $sec | $rss | $(echo "$s" | sed 's/\t/ | /g') | $load |"
done
