#!/usr/bin/env bash
# Image pipeline benchmark, run by hand (not part of `cargo test`):
#
#   bench/images.sh [WORKDIR]        (default WORKDIR: /tmp/sesh-bench)
#
# Needs: apt-get install libvips-tools hyperfine time python3
# Reports, measured in the same run:
#   1. 12-megapixel JPEG → widths 1600, 800, 320: sesh's pipeline vs vipsthumbnail (one process
#      per width, as vipsthumbnail makes one size), single-threaded and with 2 threads (4 images).
#   2. Peak memory (max RSS) of `sesh build` with 2 workers on a site of eight 12 MP photos.
#   3. Warm rebuild of a site with 400 images vs the same site with no images.
#   4. WebP: extra build time and bytes saved with webp = true.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/sesh-bench}
mkdir -p "$WORK"
for tool in vipsthumbnail hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install libvips-tools hyperfine time python3)"; exit 1; }
done
cargo build --release --quiet --bin sesh --example image_bench
SESH=$PWD/target/release/sesh
BENCH=$PWD/target/release/examples/image_bench
mean() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['mean'])" "$1"; }
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a*1000:.0f} ms vs {b*1000:.0f} ms: ratio {a/b:.2f}')" "$1" "$2"; }

echo "== inputs: four 12 MP photo-like JPEGs (4000×3000, quality 90)"
for seed in 1 2 3 4; do
  [ -f "$WORK/p$seed.jpg" ] || "$BENCH" photo "$WORK/p$seed.jpg" 4000 3000 "$seed"
done
ls -l "$WORK"/p?.jpg | awk '{print "  " $9 ": " $5 " bytes"}'
echo "vips: $(vips --version)"

VIPS_ONE="for w in 1600 800 320; do VIPS_CONCURRENCY=1 vipsthumbnail $WORK/p1.jpg -s \$w -o $WORK/v-\$w.jpg[Q=80,strip]; done"
VIPS_FOUR="for f in p1 p2 p3 p4; do for w in 1600 800 320; do echo \$f \$w; done; done | xargs -P 2 -n 2 sh -c 'VIPS_CONCURRENCY=1 vipsthumbnail $WORK/\$0.jpg -s \$1 -o $WORK/v-\$0-\$1.jpg[Q=80,strip]'"
SESH_ONE="env RAYON_NUM_THREADS=1 $BENCH run $WORK/out 1600,800,320 $WORK/p1.jpg"
SESH_FOUR="env RAYON_NUM_THREADS=2 $BENCH run $WORK/out 1600,800,320 $WORK/p1.jpg $WORK/p2.jpg $WORK/p3.jpg $WORK/p4.jpg"

echo; echo "== 1a. one 12 MP image → 3 widths, single-threaded"
hyperfine -N -w 2 -r 10 --export-json "$WORK/s1.json" "$SESH_ONE" >/dev/null 2>&1
hyperfine -w 2 -r 10 --export-json "$WORK/v1.json" "$VIPS_ONE" >/dev/null 2>&1
echo "sesh vs vipsthumbnail: $(ratio "$(mean "$WORK/s1.json")" "$(mean "$WORK/v1.json")") (target ≤ 0.5)"

echo; echo "== 1b. four 12 MP images → 3 widths each, 2 threads"
hyperfine -N -w 1 -r 6 --export-json "$WORK/s4.json" "$SESH_FOUR" >/dev/null 2>&1
hyperfine -w 1 -r 6 --export-json "$WORK/v4.json" "$VIPS_FOUR" >/dev/null 2>&1
echo "sesh vs vipsthumbnail: $(ratio "$(mean "$WORK/s4.json")" "$(mean "$WORK/v4.json")") (target ≤ 0.5)"
echo "output bytes, 1600/800/320 of p1: sesh $(stat -c %s "$WORK"/out/0-0.jpg "$WORK"/out/0-1.jpg "$WORK"/out/0-2.jpg | paste -sd/), vips $(stat -c %s "$WORK"/v-1600.jpg "$WORK"/v-800.jpg "$WORK"/v-320.jpg | paste -sd/)"

echo; echo "== 2. peak memory: sesh build, 2 workers, eight 12 MP photos (cold cache)"
BIG=$WORK/site-12mp
rm -rf "$BIG"; "$BENCH" site "$BIG" 8
for i in 0 1 2 3 4 5 6 7; do cp "$WORK/p$((i % 4 + 1)).jpg" "$BIG/content/contests/bench/e000$i/photo.jpg"; printf '\xff\xd9%s' "$i" >> "$BIG/content/contests/bench/e000$i/photo.jpg"; done
RAYON_NUM_THREADS=2 /usr/bin/time -v "$SESH" build --quiet --root "$BIG" --as-of 2026-11-22 2> "$WORK/time.txt"
echo "max RSS: $(awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2/1024}' "$WORK/time.txt") (target ≤ 300 MB); wall $(awk -F': ' '/Elapsed/ {print $2}' "$WORK/time.txt")"

echo; echo "== 3. warm rebuild, 400 images (1600×1200) vs the same site without images"
SITE=$WORK/site-400; BARE=$WORK/site-400-bare
[ -d "$SITE" ] || "$BENCH" site "$SITE" 400
[ -d "$BARE" ] || "$BENCH" site "$BARE" 400 --no-images
/usr/bin/time -f "cold build (2 threads, empty cache): %e s, max RSS %M KB" "$SESH" build --quiet --root "$SITE" --as-of 2026-11-22
hyperfine -N -w 2 -r 10 --export-json "$WORK/warm.json" "$SESH build --quiet --root $SITE --as-of 2026-11-22" >/dev/null 2>&1
hyperfine -N -w 2 -r 10 --export-json "$WORK/bare.json" "$SESH build --quiet --root $BARE --as-of 2026-11-22" >/dev/null 2>&1
echo "warm vs no images: $(ratio "$(mean "$WORK/warm.json")" "$(mean "$WORK/bare.json")") (target ≤ 1.2)"

echo; echo "== 4. WebP: 40 images (1600×1200), cold builds"
W=$WORK/site-webp; rm -rf "$W"; "$BENCH" site "$W" 40
for webp in false true; do
  sed -i '/^\[images\]/,$d' "$W/sesh.toml"; printf '[images]\nwebp = %s\n' "$webp" >> "$W/sesh.toml"
  rm -rf "$W/.sesh-cache"
  start=$(date +%s.%N); "$SESH" build --quiet --root "$W" --as-of 2026-11-22; end=$(date +%s.%N)
  jpg=$(find "$W/public" -name '*.jpg' -printf '%s\n' | paste -sd+ | bc)
  webpbytes=$(find "$W/public" -name '*.webp' -printf '%s\n' | paste -sd+ | bc 2>/dev/null || echo 0)
  echo "webp = $webp: $(python3 -c "print(f'{$end-$start:.2f}')") s; JPEG bytes $jpg; WebP bytes ${webpbytes:-0}"
done
