#!/usr/bin/env bash
# sesh against Zola on the same generated archive, on a real disk, as users build (run by hand):
#
#   bash bench/zola.sh ZOLA [ENTRIES] [ROUNDS] [WORKDIR]
#
# ZOLA is a zola binary you built from its source release outside this repository (it is never
# committed), e.g. `cargo build --release` in an unpacked getzola/zola v0.22.1. Generates ENTRIES
# entries (default 10,000; gen_corpus, no images) in WORKDIR (default target/bench-zola, on the
# project's disk), converts them for Zola with bench/to_zola.py, then runs ROUNDS rounds
# (default 5), each building, in turn, with sesh (`search = false`), sesh with default settings
# (search on) and Zola, into an emptied output folder after `sync`. Prints medians of wall time,
# CPU time (user + system), peak RSS and files written, and each sesh scenario's ratio to Zola:
# of the medians, and the median of the same-round ratios (steadier on a disk whose speed drifts).
# With BASE=/path/to/another/sesh, that binary also builds with default settings in every round
# ("base-default"): a baseline for a change, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
zola=$(realpath "$1") n=${2:-10000} rounds=${3:-5} work=${4:-$PWD/target/bench-zola}
mkdir -p "$work"
cargo build --release --quiet --bin sesh --example gen_corpus
sesh=$PWD/target/release/sesh gen=$PWD/target/release/examples/gen_corpus
site=$work/sesh-$n nosearch=$work/sesh-$n-nosearch z=$work/zola-$n
if [ ! -f "$z/config.toml" ]; then
  rm -rf "$site" "$nosearch" "$z"
  "$gen" --contests 50 --entries "$n" --images 0 --out "$site" >/dev/null
  cp -r "$site" "$nosearch"
  sed -i '1a search = false' "$nosearch/sesh.toml"
  python3 bench/to_zola.py "$site" "$z"
fi
echo "machine: $(nproc) cores; $("$zola" --version); sesh $(git rev-parse --short HEAD); $n entries"

measure() { # name command...: appends "wall cpu rss_mb files" to $work/name.times
  local name=$1
  shift
  rm -rf "$work/out" "$work/.out.sesh-prev" "$site/.sesh-cache" "$nosearch/.sesh-cache"
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.tmp" "$@" >/dev/null 2>"$work/$name.err" || {
    cat "$work/$name.err"
    exit 1
  }
  local files
  files=$(find "$work/out" -type f | wc -l)
  awk -v f="$files" '{ printf "%.3f %.3f %.0f %d\n", $1, $2 + $3, $4 / 1024, f }' "$work/time.tmp" >> "$work/$name.times"
}
median() { sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$work"/*.times
for _ in $(seq "$rounds"); do
  measure sesh-nosearch "$sesh" build --root "$nosearch" --output "$work/out" --as-of 2026-11-22 --quiet
  measure sesh-default "$sesh" build --root "$site" --output "$work/out" --as-of 2026-11-22 --quiet
  measure zola "$zola" --root "$z" build --output-dir "$work/out" --force
  [ -z "${BASE:-}" ] || measure base-default "$BASE" build --root "$site" --output "$work/out" --as-of 2026-11-22 --quiet
done
printf "%-16s %8s %8s %8s %8s | %s\n" "(median)" "wall s" "cpu s" "RSS MB" "files" "wall / Zola (same-round)"
for name in sesh-nosearch sesh-default ${BASE:+base-default} zola; do
  ratio=""
  if [ "$name" != zola ]; then
    paste -d' ' "$work/$name.times" "$work/zola.times" | awk '{ printf "%.3f\n", $1 / $5 }' > "$work/$name.pairs"
    ratio="$(awk -v x="$(median "$work/$name.times" 1)" -v y="$(median "$work/zola.times" 1)" 'BEGIN { printf "%.2f", x / y }') ($(median "$work/$name.pairs" 1))"
  fi
  printf "%-16s %8s %8s %8s %8s | %s\n" "$name" "$(median "$work/$name.times" 1)" "$(median "$work/$name.times" 2)" \
    "$(median "$work/$name.times" 3)" "$(median "$work/$name.times" 4)" "$ratio"
done
