#!/usr/bin/env bash
# Stage timings of sesh binaries on the same site, builds alternated (run by hand):
#
#   bash bench/stages.sh ROUNDS SITE OUTDIR BINARY...
#
# e.g. `bash bench/stages.sh 5 target/bench-zola/sesh-10000 /dev/shm/stages /tmp/sesh-a
# target/release/sesh` after bench/zola.sh generated the site. Each round builds SITE with each
# BINARY in turn (default settings, `--no-scan`), into OUTDIR emptied first; prints, per binary,
# the medians of wall time, CPU time (user + system), peak RSS and the `--report` timings of the
# render, search index and write stages, in ms. On tmpfs (OUTDIR under /dev/shm) it shows the
# CPU-bound stages without the disk; bench/zola.sh measures builds as users run them.
set -euo pipefail
rounds=$1 site=$2 out=$3
shift 3
work=$(mktemp -d)
for _ in $(seq "$rounds"); do
  i=0
  for bin in "$@"; do
    i=$((i + 1))
    rm -rf "$out" "$site/.sesh-cache"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" build --root "$site" --output "$out" \
      --as-of 2026-11-22 --quiet --no-scan --source-visibility private --report "$work/report.json" >/dev/null
    python3 - "$work/time" "$work/report.json" >>"$work/$i" <<'PY'
import json, sys
wall, user, system, rss = open(sys.argv[1]).read().split()
stages = dict(json.load(open(sys.argv[2]))["timings"])
print(wall, float(user) + float(system), int(rss) // 1024,
      *(round(stages.get(s, 0)) for s in ("render", "search index", "write")))
PY
  done
done
i=0
for bin in "$@"; do
  i=$((i + 1))
  python3 - "$work/$i" "$bin" <<'PY'
import statistics, sys
columns = list(zip(*(line.split() for line in open(sys.argv[1]))))
wall, cpu, rss, render, index, write = (statistics.median(map(float, c)) for c in columns)
print(f"{sys.argv[2]}: wall {wall:.2f} s, cpu {cpu:.2f} s, rss {rss:.0f} MB, "
      f"render {render:.0f} ms, search index {index:.0f} ms, write {write:.0f} ms")
PY
done
rm -rf "$work" "$out"
