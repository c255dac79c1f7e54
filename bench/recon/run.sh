#!/usr/bin/env bash
# End-to-end surface reconstruction benchmark: kf (nks) against Open3D screened Poisson at depths
# 8, 9 and 10 on the same inputs, same machine, same run. Writes the table to OUT (default
# bench/recon/out/run-<UTC time>.md; bench/recon/results.md keeps the runs worth keeping, by hand).
#   bench/recon/run.sh [small|full]    small: 100k-point samples (default); full: also 1M
# Needs the shared data (../shared/data) and /usr/bin/python3 with open3d.
set -euo pipefail
size="${1:-small}"
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
out="${OUT:-$root/bench/recon/out/run-$(date -u +%Y%m%dT%H%M%SZ).md}"
mkdir -p "$(dirname "$out")"
"$java" $jflags -cp "$cp" kernelfield.bench.ReconBench prepare "$data" "$work" "$size" >&2

timed() { # prints "seconds<TAB>peakRSS_MB" from the program's last stdout line and /usr/bin/time
  local log; log=$(mktemp)
  local sec; sec=$(/usr/bin/time -v "$@" 2>"$log" | tail -1)
  local rss; rss=$(awk -F: '/Maximum resident/ {printf "%.0f", $2/1024}' "$log")
  rm -f "$log"; printf "%s\t%s" "$sec" "$rss"
}

{
  echo "# Surface reconstruction: kf (nks) vs Open3D screened Poisson"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Wall seconds exclude file reading and writing (normal estimation"
  echo "included where the input has none); peak RSS of the whole process. Distances relative to the reference's"
  echo "bounding-box diagonal. Reference: the bunny00 mesh for bunny inputs, the input points themselves for the scans."
  echo
  echo "| input | method | wall s | peak RSS MB | Chamfer-L1 | F@0.5% | F@1% | normal cons. | watertight |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$out"
for f in "$work"/*.ply; do
  case "$f" in *_ref.ply|*_kf.ply|*_poisson*.ply) continue;; esac
  name=$(basename "$f" .ply); ref=$(cat "$work/$name.ref")
  if [ -n "${KF_BENCH_ONLY:-}" ] && ! echo "$name" | grep -Eq "$KF_BENCH_ONLY"; then continue; fi
  sync; sleep 3   # let the previous row's file writes and scoring threads settle before timing
  r=$(timed "$java" $jflags -cp "$cp" kernelfield.bench.ReconBench run "$f" "$work/${name}_kf.ply")
  s=$($score "$work/${name}_kf.ply" "$ref")
  echo "| $name | kf | $(echo "$r" | tr '\t' '|') | $(echo "$s" | sed 's/\t/ | /g') |" >> "$out"
  for d in 8 9 10; do
    r=$(timed /usr/bin/python3 "$root/bench/recon/poisson.py" "$f" "$work/${name}_poisson$d.ply" "$d")
    s=$($score "$work/${name}_poisson$d.ply" "$ref")
    echo "| $name | Poisson d$d | $(echo "$r" | tr '\t' '|') | $(echo "$s" | sed 's/\t/ | /g') |" >> "$out"
  done
  echo "done $name" >&2
done
echo >> "$out"; echo "Load average at the end: $(cut -d" " -f1-3 /proc/loadavg)." >> "$out"
echo "wrote $out" >&2
