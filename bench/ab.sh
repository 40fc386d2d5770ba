#!/usr/bin/env bash
# A/B comparison of two sesh binaries on the same generated sites, runs interleaved, medians of
# wall time, CPU time and peak RSS. Run by hand, e.g. before and after a change:
#
#   cp target/release/sesh /tmp/sesh-a; (change, cargo build --release); \
#   bash bench/ab.sh /tmp/sesh-a target/release/sesh [WORKDIR]
#
# Scenarios: 1k and 10k entries (fresh output, `search = false` as in bench/run.sh), 200 entries
# x 2 photos with a cold image cache (skipped with AB_PHOTOS=0), and with AB_SEARCH=1 10k
# entries with default settings (the search index on). Outputs go to WORKDIR (put it on a real
# disk, as users build: tmpfs hides the cost of files); `sync` runs before each build. The files
# each side wrote are counted. Besides the medians, the median
# of each round's B/A ratio ("paired"), which a machine that slows down or speeds up between
# rounds disturbs less.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1") b=$(realpath "$2") work=${3:-$(mktemp -d)}
mkdir -p "$work"
cargo build --release --quiet --example gen_corpus
gen=$PWD/target/release/examples/gen_corpus
run() { # times-file binary site
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$2" build --root "$3" --output "$work/out" --as-of 2026-11-22 --quiet >/dev/null
  awk '{ printf "%.3f %.3f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$work/t" >> "$1"
}
median() { sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
scenario() { # name entries images runs [search: 1 keeps the default, search on]
  local site=$work/$1
  if [ ! -d "$site" ]; then
    "$gen" --contests 50 --entries "$2" --images "$3" --out "$site" >/dev/null
    [ "${5:-0}" = 1 ] || sed -i '1a search = false' "$site/sesh.toml"
  fi
  rm -f "$work/$1-a" "$work/$1-b"
  for _ in $(seq "$4"); do
    for side in a b; do
      rm -rf "$work/out" "$work/.out.sesh-prev" "$site/.sesh-cache"
      sync
      if [ $side = a ]; then run "$work/$1-a" "$a" "$site"; else run "$work/$1-b" "$b" "$site"; fi
    done
  done
  files_b=$(find "$work/out" -type f | wc -l)
  paste -d' ' "$work/$1-a" "$work/$1-b" | awk '{ printf "%.3f\n", $4 / $1 }' > "$work/$1-pairs"
  printf "%-28s A %7ss %7ss %5sMB | B %7ss %7ss %5sMB (%s files) | B/A wall %s, paired %s\n" "$1" \
    "$(median "$work/$1-a" 1)" "$(median "$work/$1-a" 2)" "$(median "$work/$1-a" 3)" \
    "$(median "$work/$1-b" 1)" "$(median "$work/$1-b" 2)" "$(median "$work/$1-b" 3)" "$files_b" \
    "$(awk -v x="$(median "$work/$1-b" 1)" -v y="$(median "$work/$1-a" 1)" 'BEGIN { printf "%.2f", x / y }')" \
    "$(median "$work/$1-pairs" 1)"
}
echo "A: $a"; echo "B: $b"
scenario entries-1k 1000 0 7
scenario entries-10k 10000 0 5
[ "${AB_PHOTOS:-1}" = 0 ] || scenario photos-400-cold 200 400 3
[ "${AB_SEARCH:-0}" = 0 ] || scenario entries-10k-search 10000 0 3 1
