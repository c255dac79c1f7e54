#!/usr/bin/env bash
# RBF image fitting against time: ours (kf fit image) and the PyTorch peers of
# ../shared/peers/fit_image.py on the same photos, in the same run; then SDF metrics against time
# (kf fit sdf) on bunny00 and fandisk, and from point clouds alone (a cloud sampled from bunny00,
# kitten.xyz). Writes a markdown table.
#   bench/rbf/run.sh [OUT_DIR]      (BUDGETS="10 30" PHOTOS="astronaut camera coffee" SDF_BUDGETS="15 30 60"
#                                    CLOUD_BUDGETS="30 60" MESHES="bunny00 fandisk" to change; PHOTOS="", MESHES="" or CLOUD_BUDGETS="" skips a part)
# A table, not a test: timings depend on the machine and its load (the load average is recorded).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/bench/rbf/out}"
mkdir -p "$out"
photos_dir="${PHOTOS_DIR:-$root/../shared/data/photos}"
[ -d "$photos_dir" ] || photos_dir=/work/shared/data/photos
peers="${PEERS:-$root/../shared/peers/fit_image.py}"
[ -f "$peers" ] || peers=/work/shared/peers/fit_image.py
budgets="${BUDGETS:-10 30}"
photos="${PHOTOS-astronaut camera coffee}"
table="$out/table.md"
have_torch=1
/usr/bin/python3 -c "import torch" 2>/dev/null || have_torch=0

{
  echo "# RBF image fitting ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| photo | model | budget s | params | PSNR dB | SSIM | samples/s |"
  echo "|---|---|---|---|---|---|---|"
} > "$table"

for p in $photos; do
  img="$photos_dir/$p.png"
  for b in $budgets; do
    line=$("$root/kf" fit image "$img" -o "$out/$p-$b.png" --time-budget "$b" 2>&1 | grep '^PSNR' || true)
    psnr=$(sed -n 's/^PSNR \([0-9.]*\) dB.*/\1/p' <<<"$line")
    ssim=$(sed -n 's/.*SSIM \([0-9.]*\).*/\1/p' <<<"$line")
    par=$(sed -n 's/.*parameters \([0-9,]*\).*/\1/p' <<<"$line")
    sps=$(sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p' <<<"$line")
    echo "| $p | kernelfield rbf | $b | $par | $psnr | $ssim | $sps |" >> "$table"
    for m in ngp neurbf siren; do
      if [ "$have_torch" = 1 ]; then
        /usr/bin/python3 "$peers" "$m" "$img" --budget "$b" --quiet --log "$out/$p-$m-$b.json" >/dev/null 2>&1 || true
        if [ -f "$out/$p-$m-$b.json" ]; then
          /usr/bin/python3 - "$out/$p-$m-$b.json" "$p" "$m" "$b" >> "$table" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | peer {sys.argv[3]} | {sys.argv[4]} | {r['params_total']:,} | {r['final_psnr']:.2f} | - | {r['samples_per_s']:.0f} |")
PY
        fi
      else
        echo "| $p | peer $m | $b | - | not run: python3-torch is not installed | - | - |" >> "$table"
      fi
    done
  done
done

# Throughput of ours with 1 and 2 threads (fixed 200 steps of 16384 pixels on the first photo)
first="${photos%% *}"
{
  echo
  echo "| threads | training samples/s ($first, 200 steps of 16384 px) | evaluation samples/s (the full image after training) |"
  echo "|---|---|---|"
} >> "$table"
for t in 1 2; do
  [ -n "$first" ] || break
  line=$("$root/kf" fit image "$photos_dir/$first.png" -o "$out/throughput-$t.png" --steps 200 --batch 16384 --time-budget 600 --threads "$t" 2>&1 | grep '^PSNR' || true)
  echo "| $t | $(sed -n 's/.* \([0-9]*\) samples\/s.*/\1/p' <<<"$line") | $(sed -n 's/.* \([0-9]*\) evaluating.*/\1/p' <<<"$line") |" >> "$table"
done
# SDF fitting (kf fit sdf) on the shared scans: scores against the mesh at each budget
scans_dir="${SCANS_DIR:-$root/../shared/data/scans}"
[ -d "$scans_dir" ] || scans_dir=/work/shared/data/scans
{
  echo
  echo "| mesh | budget s | IoU | Chamfer-L1 | F@0.5% | F@1% | normal consistency | steps | wall s (incl. extraction) |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >> "$table"
# "IoU | Chamfer-L1 | F@0.5% | F@1% | normal consistency | steps" from the output of kf fit sdf ("-" for no IoU)
sdf_scores() {
  local iou cd1 f05 f1 nc st
  iou=$(sed -n 's/^IoU \([0-9.]*\).*/\1/p' <<<"$1")
  cd1=$(sed -n 's/.*Chamfer-L1 \([0-9.]*\).*/\1/p' <<<"$1")
  f05=$(sed -n 's/.*F-score@0.5% \([0-9.]*\).*/\1/p' <<<"$1")
  f1=$(sed -n 's/.*F-score@1% \([0-9.]*\).*/\1/p' <<<"$1")
  nc=$(sed -n 's/.*normal consistency \([0-9.]*\).*/\1/p' <<<"$1")
  st=$(sed -n 's/.*steps \([0-9]*\).*/\1/p' <<<"$1")
  echo "${iou:--} | $cd1 | $f05 | $f1 | $nc | $st"
}
for m in ${MESHES-bunny00 fandisk}; do
  for b in ${SDF_BUDGETS:-15 30 60}; do
    [ -f "$scans_dir/$m.off" ] || continue
    start=$(date +%s.%N)
    out_txt=$("$root/kf" fit sdf "$scans_dir/$m.off" -o "$out/$m-$b.ply" --time-budget "$b" 2>&1 || true)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    echo "| $m | $b | $(sdf_scores "$out_txt") | $(printf %.1f "$wall") |" >> "$table"
  done
done
# SDF from point clouds alone (kf fit sdf CLOUD): an oriented cloud sampled from bunny00 (scored
# against the mesh) and kitten.xyz (normals in the file; scored against its points)
{
  echo
  echo "| cloud | points | budget s | reference | IoU | Chamfer-L1 | F@0.5% | F@1% | normal consistency | steps | wall s (incl. extraction) | load (1 min) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} >> "$table"
bunny_cloud="$out/bunny00-100k.ply"
[ -f "$scans_dir/bunny00.off" ] && "$root/kf" sample "$scans_dir/bunny00.off" -o "$bunny_cloud" -n 100000 >/dev/null 2>&1
for c in bunny00 kitten; do
  if [ "$c" = bunny00 ]; then input="$bunny_cloud"; refargs=(--reference "$scans_dir/bunny00.off"); ref=bunny00.off
  else input="$scans_dir/kitten.xyz"; refargs=(); ref="its points"; fi
  [ -f "$input" ] || continue
  for b in ${CLOUD_BUDGETS-30 60}; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    start=$(date +%s.%N)
    out_txt=$("$root/kf" fit sdf "$input" -o "$out/$c-cloud-$b.ply" --time-budget "$b" "${refargs[@]}" 2>&1 || true)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    npts=$(sed -n 's/^read .*: \([0-9,]*\) points.*/\1/p' <<<"$out_txt")
    echo "| $c | $npts | $b | $ref | $(sdf_scores "$out_txt") | $(printf %.1f "$wall") | $load |" >> "$table"
  done
done
cat "$table"
