#!/usr/bin/env bash
# Builds generated contest archives with sesh and with Hugo (Debian's `hugo`), runs interleaved,
# and prints medians of wall time, CPU time (user+system) and peak RSS, with the sesh/Hugo
# ratio per scenario. Run by hand (not part of `cargo test`):
#
#   bash bench/run.sh [quick|full|scale] [WORKDIR] [--zola PATH]
#
# quick: 1k and 10k entries without images (5 runs each), and sesh alone with its search index
#        on (3 runs; the other scenarios set `search = false`, as Hugo builds no index).
# full:  also 200 entries × 2 photos (2400×1800) with a cold and a warm image cache, and sesh
#        alone at 1k/10k/50k entries to show how time per entry scales.
# scale: only that last part (no Hugo needed). With SEARCH=1, those sites keep the default
#        settings (search index on) instead of `search = false`.
# --zola PATH: then also sesh (without search, and with default settings) against that zola
#        binary at 1k and 10k entries, on WORKDIR's disk, by bench/zola.sh (5 rounds each; build
#        Zola from its source release outside this repository, it is never committed).
# WORKDIR on tmpfs (/dev/shm) measures the CPU-bound work; on the project's disk, what users
# see (`sync` and a pause between groups of fresh builds; see settle below).
# Needs: hugo, python3, /usr/bin/time (Debian: hugo time).
set -euo pipefail
cd "$(dirname "$0")/.."
args=() zola=
while [ $# -gt 0 ]; do
  case $1 in
    --zola) zola=$(realpath "${2:?--zola needs the path of a zola binary}"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
mode=${args[0]:-quick}
work=${args[1]:-$(mktemp -d)}
mkdir -p "$work"
[ "$mode" = scale ] || command -v hugo >/dev/null || { echo "install hugo (apt-get install hugo)"; exit 1; }
cargo build --release --quiet --bin sesh --example gen_corpus
sesh=$PWD/target/release/sesh
gen=$PWD/target/release/examples/gen_corpus
peer=$(hugo version 2>/dev/null | cut -d' ' -f1-2 || true)
echo "machine: $(nproc) cores;${peer:+ $peer;} sesh $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# measure NAME COMMAND...: appends "wall cpu rss_mb" to $work/NAME.times
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.tmp" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err"; exit 1; }
  awk '{ printf "%.3f %.3f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$work/time.tmp" >> "$work/$name.times"
}

median() { # file column
  sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Fresh builds go into new folders, removed together before the next group of builds: on a
# disk, ext4 without a journal skips inodes freed in the last 30-60 s when it creates files
# (see bench/zola.sh), so emptying one folder before each build would measure the deletion.
# After removing them, on a disk, the next build waits until the disk has forgotten them.
settle() {
  if compgen -G "$work/*-fresh-*" >/dev/null; then
    rm -rf "$work"/*-fresh-* "$work"/.*-fresh-*
    sync
    [ "$(df --output=fstype "$work" | tail -1)" = tmpfs ] || sleep 65
  fi
}

fresh_builds() { # name site: three sesh builds of site into an empty output folder
  rm -f "$work/$1.times"
  settle
  for i in 1 2 3; do
    measure "$1" "$sesh" build --root "$2" --output "$work/$1-fresh-$i" --as-of 2026-11-22 --quiet
  done
}

# sesh alone at 1k, 10k and 50k entries: time per entry as the site grows.
scaling() {
  local kind=${SEARCH:+search} state=off
  if [ -n "$kind" ]; then state=on; fi
  echo "sesh alone, fresh output, time per entry (search index $state):"
  for n in 1000 10000 50000; do
    local name=scale-$n${kind:+-$kind}
    site=$work/$name
    if [ ! -d "$site" ]; then
      "$gen" --contests 50 --entries "$n" --images 0 --out "$site" >/dev/null
      if [ -z "$kind" ]; then sed -i '1a search = false' "$site/sesh.toml"; fi
    fi
    fresh_builds "$name" "$site"
    w=$(median "$work/$name.times" 1); c=$(median "$work/$name.times" 2); m=$(median "$work/$name.times" 3)
    printf "%6d entries: %7ss wall (%6.0f µs/entry), %7ss cpu (%6.0f µs/entry), %5s MB\n" "$n" "$w" "$(awk -v w="$w" -v n="$n" 'BEGIN { print w / n * 1e6 }')" "$c" "$(awk -v c="$c" -v n="$n" 'BEGIN { print c / n * 1e6 }')" "$m"
  done
}

# report SCENARIO SESH-NAME HUGO-NAME: medians, their ratios, and the median of the ratios of
# each run's pair (sesh, then Hugo right after it), which a machine that slows down or speeds up
# between runs disturbs less than a ratio of medians.
report() {
  local s=$work/$2.times h=$work/$3.times
  printf "%-40s %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n" "$1" \
    "$(median "$s" 1)s" "$(median "$s" 2)s" "$(median "$s" 3)MB" \
    "$(median "$h" 1)s" "$(median "$h" 2)s" "$(median "$h" 3)MB" \
    "$(awk -v a="$(median "$s" 1)" -v b="$(median "$h" 1)" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="$(median "$s" 2)" -v b="$(median "$h" 2)" 'BEGIN { printf "%.2f", a / b }')" \
    "$(paste -d' ' "$s" "$h" | awk '{ printf "%.3f\n", $1 / $4 }' > "$work/pairs.tmp"; median "$work/pairs.tmp" 1)"
}

# scenario NAME ENTRIES IMAGES RUNS [cold]
# Per run, interleaved: sesh into an empty output folder ("fresh": a clone in CI), sesh again
# over its previous output ("rebuild": reuses it, rewriting only what changed), then Hugo (which
# rewrites its output folder every time).
scenario() {
  local name=$1 entries=$2 images=$3 runs=$4 cold=${5:-}
  local site=$work/$name-sesh hugo=$work/$name-hugo
  if [ ! -d "$site" ]; then
    "$gen" --contests 50 --entries "$entries" --images "$images" --out "$site" >/dev/null
    # The workload of issue 7 has no search index (Hugo builds none): measured apart below.
    sed -i '1a search = false' "$site/sesh.toml"
    python3 bench/to_hugo.py "$site" "$hugo"
  fi
  rm -f "$work/$name-f.times" "$work/$name-r.times" "$work/$name-h.times"
  "$sesh" build --root "$site" --output "$work/$name-out-r" --as-of 2026-11-22 --quiet
  "$sesh" build --root "$site" --output "$work/$name-out-r" --as-of 2026-11-22 --quiet
  settle
  for run in $(seq "$runs"); do
    if [ -n "$cold" ]; then rm -rf "$site/.sesh-cache" "$hugo/resources"; fi
    measure "$name-f" "$sesh" build --root "$site" --output "$work/$name-fresh-$run" --as-of 2026-11-22 --quiet
    if [ -z "$cold" ]; then
      measure "$name-r" "$sesh" build --root "$site" --output "$work/$name-out-r" --as-of 2026-11-22 --quiet
    fi
    measure "$name-h" hugo --quiet --source "$hugo" --destination "$work/$name-out-h"
  done
}

# sesh against Zola on WORKDIR's disk (with --zola).
against_zola() {
  [ -n "$zola" ] || return 0
  for n in 1000 10000; do
    echo
    bash bench/zola.sh "$zola" "$n" 5 "$work/zola-$n"
  done
}

if [ "$mode" = scale ]; then scaling; rm -rf "$work"/*-fresh-*; against_zola; echo "(work folder: $work)"; exit; fi
printf "%-40s %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n" "scenario (median)" "sesh" "cpu" "rss" "hugo" "cpu" "rss" "wall" "cpu" "paired"
scenario 1k 1000 0 5
report "1,000 entries, fresh output" 1k-f 1k-h
report "1,000 entries, rebuild" 1k-r 1k-h
scenario 10k 10000 0 5
report "10,000 entries, fresh output" 10k-f 10k-h
report "10,000 entries, rebuild" 10k-r 10k-h
# sesh alone with its search index (on by default in a new site): what the index adds.
for n in 1k 10k; do
  cp -r "$work/$n-sesh" "$work/$n-search"
  sed -i '/^search = false$/d' "$work/$n-search/sesh.toml"
  fresh_builds "$n-search" "$work/$n-search"
  printf "%-40s %8s %8s %8s\n" "$n entries, fresh, with search index" "$(median "$work/$n-search.times" 1)s" "$(median "$work/$n-search.times" 2)s" "$(median "$work/$n-search.times" 3)MB"
  rm -rf "$work/$n-search"
done
if [ "$mode" = full ]; then
  scenario img 200 400 3 cold; report "200 entries x 2 photos, cold cache" img-f img-h
  scenario img 200 400 5;      report "same, warm cache, fresh output" img-f img-h
  report "same, warm cache, rebuild" img-r img-h
  echo
  scaling
fi
rm -rf "$work"/*-fresh-*
against_zola
echo "(work folder: $work)"
