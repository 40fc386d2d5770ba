#!/usr/bin/env bash
# Builds the bundled example with several image settings and measures the bytes each kind of page
# costs a reader on a phone (390 px at 3x) and a laptop (1280 px at 1x), in headless Chromium
# (bench/page-bytes.mjs; needs node, chromium and chromedriver). Run by hand from the repository
# root, after `cargo build`:
#
#   bash bench/page-bytes.sh [path/to/sesh] ["label|widths|webp" ...]
#
# Each variant is "label|[w1, w2, ...]|true or false" (widths and webp; `default` for sesh's
# default); without variants the previous defaults and the current ones are compared. The
# example's pictures are at most 1280 px wide: with PHOTO=path/to/large.jpg every JPEG of the
# example is replaced by that photograph, to see what a 3x phone is sent for camera-sized
# originals. The output folders are left in a temporary folder, named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
sesh=${1:-target/debug/sesh}
shift || true
variants=("$@")
if [ ${#variants[@]} -eq 0 ]; then
  variants=("before|[320, 640, 1024, 1600]|false" "after|default|default")
fi
work=$(mktemp -d)
args=()
for variant in "${variants[@]}"; do
  IFS='|' read -r label widths webp <<<"$variant"
  site="$work/site-$label"
  mkdir -p "$site"
  cp -r sesh.toml content themes "$site/"
  if [ -n "${PHOTO:-}" ]; then
    find "$site/content" -name '*.jpg' -exec cp "$PHOTO" {} \;
  fi
  # Replace the example's [images] settings (they are the last lines of sesh.toml).
  sed -i '/^\[images\]/,$d' "$site/sesh.toml"
  {
    echo "[images]"
    [ "$widths" = default ] || echo "widths = $widths"
    [ "$webp" = default ] || echo "webp = $webp"
  } >>"$site/sesh.toml"
  "$sesh" build --root "$site" --output "$work/out-$label" --as-of 2026-11-22 >/dev/null
  echo "$label: $(find "$work/out-$label/contests" -name '*.jpg' -o -name '*.png' -o -name '*.webp' | wc -l) image files, $(du -sk "$work/out-$label/contests" | cut -f1) kB under contests/" >&2
  args+=("$label=$work/out-$label")
done
node bench/page-bytes.mjs "${args[@]}"
echo "outputs in $work" >&2
