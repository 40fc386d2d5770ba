#!/usr/bin/env bash
# Speed of `sesh import` against a plain copy of the same attachments, in one run (run by hand):
#
#   bash bench/import.sh [ROWS] [WORKDIR]
#
# Generates once, in WORKDIR (default target/bench-import, on the project's disk): a
# Google-Forms-like CSV of ROWS rows (default 10,000: timestamp id, title, a 150-word body, name,
# credit, consent with 1 row in 10 answering "Yes, but without my name", e-mail, phone, a file
# name), one attachment per row of ATTACH_KB kilobytes (default 100; distinct random bytes), a
# site with one contest, and the mapping. Builds sesh in release mode, then runs ROUNDS rounds
# (default 3), alternating, each on a fresh copy and followed by `sync` inside the timing:
#   cp -r          the attachments folder (the baseline: what copying the files costs)
#   import         sesh import of every row into an empty contest (copies every attachment)
#   cp -r tree     the entry folders the import wrote (the second baseline: the same folders
#                  and files, made by cp: 4 new inodes a row where the attachments are 1)
#   re-import      the same export again (every entry unchanged: hashes, compares, writes nothing)
#   dry run        sesh import --dry-run of the same export again (reads, hashes, plans and
#                  reports; writes nothing)
# and prints wall and CPU seconds of each, import / cp -r (both baselines, wall and CPU), and
# rows/s.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
rows=${1:-10000} work=${2:-$PWD/target/bench-import}
kb=${ATTACH_KB:-100} rounds=${ROUNDS:-3}
data=$work/data-$rows-$kb
mkdir -p "$work"
if [ ! -f "$data/export.csv" ]; then
  rm -rf "$data"
  python3 - "$data" "$rows" "$kb" <<'EOF'
import csv, os, random, sys
out, rows, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(29)
os.makedirs(f"{out}/files")
words = "testing clinic friends together community peer support video poster story health".split()
with open(f"{out}/export.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Timestamp", "Email Address", "Title", "Tell us about your entry", "Your name",
                "How should we credit you?", "Do you agree to publish?", "Phone", "Poster"])
    for i in range(rows):
        consent = "Yes, but without my name" if i % 10 == 9 else "Yes"
        body = " ".join(random.choice(words) for _ in range(150))
        w.writerow([f"2024/05/01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} #{i}",
                    f"person{i}@example.org", f"Entry {i} about {random.choice(words)}", body,
                    f"Person {i}", random.choice(["Full name", "Initials", "Anonymous"]), consent,
                    f"+86 138 {i:08d}"[:17], f"poster-{i}.jpg"])
        with open(f"{out}/files/poster-{i}.jpg", "wb") as p:
            p.write(os.urandom(kb * 1024))
os.makedirs(f"{out}/site/content/contests/bench")
open(f"{out}/site/sesh.toml", "w").write('title = "Bench"\nbase_url = "https://example.org/"\n')
open(f"{out}/site/content/_index.md", "w").write('+++\ntitle = "Bench"\n+++\n')
open(f"{out}/site/content/contests/bench/_index.md", "w").write('+++\ntitle = "Bench"\n+++\n')
open(f"{out}/map.toml", "w").write('''id = "Timestamp"
title = "Title"
body = "Tell us about your entry"
[[authors]]
name = "Your name"
[authors.credit]
column = "How should we credit you?"
name = ["Full name"]
initials = ["Initials"]
anonymous = ["Anonymous"]
[consent.publish]
column = "Do you agree to publish?"
yes = ["Yes"]
no = ["No"]
[consent.images]
column = "Do you agree to publish?"
yes = ["Yes"]
no = ["No"]
[[media]]
file = "Poster"
alt = "Title"
[private]
email = "Email Address"
phone = "Phone"
''')
EOF
fi
cargo build --release --quiet
sesh=$PWD/target/release/sesh
mb=$(du -sm "$data/files" | cut -f1)
sync
# Sets `wall` (seconds, including a sync after the command) and `cpu` (the command's own user +
# system seconds, from /usr/bin/time: Debian package `time`). On a shared machine the wall time
# moves with the load; the CPU time much less.
timed() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%U + %S" -o "$work/time" "$@" >/dev/null
  sync
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  cpu=$(bc < "$work/time")
}
fresh_site() { rm -rf "$work/site" "$work/copy" "$work/tree"; cp -r "$data/site" "$work/site"; sync; }
import=("$sesh" import "$data/export.csv" --root "$work/site" --contest bench --map "$data/map.toml" --attachments "$data/files")
echo "sesh import, $rows rows, $rows attachments of $kb KB ($mb MB), $(git rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each cell: wall seconds (with sync) / CPU seconds (user + system)"
printf "%-6s %13s %13s %13s %13s %13s %9s %9s %7s\n" round "cp -r" "import" "cp -r tree" "re-import" "dry run" "×cp wall" "×tree" "rows/s"
for round in $(seq "$rounds"); do
  fresh_site
  timed cp -r "$data/files" "$work/copy"; cp_w=$wall cp_c=$cpu
  rm -rf "$work/copy"; sync
  timed "${import[@]}"; im_w=$wall im_c=$cpu
  timed cp -r "$work/site/content/contests/bench" "$work/tree"; tr_w=$wall tr_c=$cpu
  rm -rf "$work/tree"; sync
  timed "${import[@]}"; re_w=$wall re_c=$cpu
  timed "${import[@]}" --dry-run; dry_w=$wall dry_c=$cpu
  printf "%-6s %6.2f / %4.2f %6.2f / %4.2f %6.2f / %4.2f %6.2f / %4.2f %6.2f / %4.2f %9.2f %9.2f %7.0f\n" "$round" \
    "$cp_w" "$cp_c" "$im_w" "$im_c" "$tr_w" "$tr_c" "$re_w" "$re_c" "$dry_w" "$dry_c" \
    "$(echo "$im_w / $cp_w" | bc -l)" "$(echo "$im_w / $tr_w" | bc -l)" "$(echo "$rows / $im_w" | bc -l)"
done
echo "entry folders written by the last import: $(find "$work/site/content/contests/bench" -mindepth 1 -maxdepth 1 -type d | wc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$work/site" "$work/time"
