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
# (search on) and Zola, each into a new, empty output folder after `sync`. Prints medians of wall time,
# CPU time (user + system), peak RSS and files written, and each sesh scenario's ratio to Zola:
# of the medians, and the median of the same-round ratios (steadier on a disk whose speed drifts).
# With BASE=/path/to/another/sesh, that binary also builds with default settings in every round
# ("base-default"): a baseline for a change, measured in the same run.
#
# Why a new folder per build, removed only at the end (about 1 GB per round at 10,000 entries):
# ext4 without a journal (this project's VM disk) skips inodes freed in the last 30-60 seconds
# when it allocates new ones, reading each one's inode table block, so a build right after
# `rm -rf` of the last output creates its files several times slower, whichever tool it is
# (perf: `recently_deleted` under ext4_create and ext4_mkdir, up to 20 % of a build's samples).
# Removing outputs between builds measured that artefact, growing round after round; a CI
# runner or a first build on a laptop starts on a disk with no such deletions. With KEEP=0
# the old protocol (one folder, emptied before each build) is used.
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

keep=${KEEP:-1} round=0
clean_outputs() { # removes earlier runs' outputs, then lets ext4 forget the freed inodes
  if compgen -G "$work/out*" >/dev/null || compgen -G "$work/.out*" >/dev/null; then
    rm -rf "$work"/out* "$work"/.out*
    sync
    [ "$keep" = 0 ] || sleep 65
  fi
}
clean_outputs
measure() { # name command...: appends "wall cpu rss_mb files" to $work/name.times
  local name=$1
  shift
  out=$work/out-$round-$name
  [ "$keep" = 1 ] || { out=$work/out; rm -rf "$out" "$work/.out.sesh-prev"; }
  rm -rf "$site/.sesh-cache" "$nosearch/.sesh-cache"
  local args=() a
  for a in "$@"; do if [ "$a" = @OUT@ ]; then args+=("$out"); else args+=("$a"); fi; done
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.tmp" "${args[@]}" >/dev/null 2>"$work/$name.err" || {
    cat "$work/$name.err"
    exit 1
  }
  local files
  files=$(find "$out" -type f | wc -l)
  awk -v f="$files" '{ printf "%.3f %.3f %.0f %d\n", $1, $2 + $3, $4 / 1024, f }' "$work/time.tmp" >> "$work/$name.times"
}
median() { sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$work"/*.times
for round in $(seq "$rounds"); do
  measure sesh-nosearch "$sesh" build --root "$nosearch" --output @OUT@ --as-of 2026-11-22 --quiet
  measure sesh-default "$sesh" build --root "$site" --output @OUT@ --as-of 2026-11-22 --quiet
  measure zola "$zola" --root "$z" build --output-dir @OUT@ --force
  [ -z "${BASE:-}" ] || measure base-default "$BASE" build --root "$site" --output @OUT@ --as-of 2026-11-22 --quiet
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
rm -rf "$work"/out-*
