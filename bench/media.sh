#!/usr/bin/env bash
# Speed of the media cleaners against a baseline commit, in one run (run by hand):
#
#   bash bench/media.sh [BASELINE_COMMIT] [WORKDIR]
#
# Makes a long phone-like video (ffmpeg: 1280x720 H.264 + AAC, moov at the end, udta location)
# and a long illustrated PDF (Ghostscript: 120 pages, each with its own 2-megapixel JPEG) in WORKDIR
# (default target/bench-media, on the project's disk), builds examples/media_bench.rs at this
# commit and at BASELINE_COMMIT (default: the commit before the allow-list cleaners, abb06fd^),
# then cleans each file 5 times with each, alternating, from memory to memory on one thread,
# and prints MB/s (of input) and the new/old time ratio. Needs ffmpeg and gs.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-abb06fd^} work=${2:-$PWD/target/bench-media}
mkdir -p "$work"
video=$work/phone.mp4 audio=$work/voice.m4a doc=$work/case.pdf
if [ ! -f "$video" ]; then
  ffmpeg -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440" -t 60 \
    -c:v libx264 -preset ultrafast -b:v 12M -c:a aac -b:a 128k -metadata location="+22.3193+114.1694/" \
    -metadata artist="Phone Owner" "$video"
fi
if [ ! -f "$audio" ]; then
  ffmpeg -loglevel error -f lavfi -i "sine=frequency=330" -t 600 -c:a aac -b:a 128k -metadata artist="Singer" "$audio"
fi
if [ ! -f "$doc" ]; then
  # 120 different photos (one frame a second of a moving test pattern): Ghostscript stores an
  # image used on several pages once, so one photo repeated would make a small PDF.
  ffmpeg -loglevel error -f lavfi -i "testsrc2=size=1600x1200:rate=1" -frames:v 120 -q:v 2 "$work/photo-%03d.jpg"
  {
    echo '%!PS'
    echo '[ /Title (Bench) /Author (Someone) /DOCINFO pdfmark'
    for i in $(seq 120); do
      photo=$(printf '%s/photo-%03d.jpg' "$work" "$i")
      echo "/Helvetica findfont 14 scalefont setfont 72 760 moveto (Page $i of a case study) show"
      echo "gsave 36 200 translate 540 405 scale /f ($photo) (r) file def"
      echo "1600 1200 8 [1600 0 0 -1200 0 1200] f /DCTDecode filter false 3 colorimage grestore showpage"
    done
  } > "$work/case.ps"
  gs -q -dNOPAUSE -dBATCH -dNOSAFER -sDEVICE=pdfwrite -dPassThroughJPEGImages=true -sOutputFile="$doc" "$work/case.ps"
fi
cargo build --release --quiet --example media_bench
cp target/release/examples/media_bench "$work/media_bench-new"
if [ ! -x "$work/media_bench-old" ]; then
  rm -rf "$work/old"
  git worktree add --detach --force "$work/old" "$base" >/dev/null
  cp examples/media_bench.rs "$work/old/examples/"
  (cd "$work/old" && CARGO_TARGET_DIR="$work/old-target" cargo build --release --quiet --example media_bench)
  cp "$work/old-target/release/examples/media_bench" "$work/media_bench-old"
  git worktree remove --force "$work/old"
fi
echo "file, size, cleaned size, median time, MB/s; old = $base, new = $(git rev-parse --short HEAD)"
for round in 1 2; do
  for side in old new; do
    echo "# $side (round $round)"
    "$work/media_bench-$side" 5 "$video" "$audio" "$doc" | sed "s|$work/||"
  done
done
