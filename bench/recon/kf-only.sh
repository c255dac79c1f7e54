#!/usr/bin/env bash
# The kf half of run.sh, without Poisson: one fresh JVM per input, scored to 6 digits. Prints table rows
# (input | wall s | peak RSS MB | Chamfer-L1 | F@0.5% | F@1% | NC | watertight | load | Poisson d9 CD / F@0.5% / NC,
# scored again from an existing $work/<input>_poisson9.ply, else -) on stdout; writes no file.
#   bench/recon/kf-only.sh [small|full]     (inputs as run.sh; KF_BENCH_ONLY=regexp picks rows)
set -euo pipefail
size="${1:-small}"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$java" $jflags -cp "$cp" kernelfield.bench.ReconBench prepare "$data" "$work" "$size" >&2
for f in "$work"/*.ply; do
  case "$f" in *_ref.ply|*_kf.ply|*_poisson*.ply) continue;; esac
  name=$(basename "$f" .ply); ref=$(cat "$work/$name.ref")
  if [ -n "${KF_BENCH_ONLY:-}" ] && ! echo "$name" | grep -Eq "$KF_BENCH_ONLY"; then continue; fi
  sync; sleep 3   # let the previous row's file writes and scoring threads settle before timing
  load=$(cut -d' ' -f1 /proc/loadavg)
  log=$(mktemp)
  sec=$(/usr/bin/time -v "$java" $jflags -cp "$cp" kernelfield.bench.ReconBench run "$f" "$work/${name}_kf.ply" 2>"$log" | tail -1)
  rss=$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$log"); rm -f "$log"
  s=$($score "$work/${name}_kf.ply" "$ref" 2>/dev/null)
  # an existing Poisson depth 9 mesh of this input (from run.sh) is scored again with the same metric
  p9="$work/${name}_poisson9.ply"; ps="-"
  if [ -f "$p9" ]; then ps=$($score "$p9" "$ref" 2>/dev/null | cut -f1,2,4 | sed 's/\t/ \/ /g'); fi
  echo "| $name | $sec | $rss | $(echo "$s" | sed 's/\t/ | /g') | $load | $ps |"
done
