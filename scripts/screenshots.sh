#!/usr/bin/env bash
# Screenshots of every page kind of the bundled example, at phone (390 px) and desktop (1280 px)
# widths, in headless Chromium: bash scripts/screenshots.sh [OUT_DIR] [THEME]
# Needs the Debian package `chromium` (and fonts-noto-cjk to see Chinese text).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-screenshots}
theme=${2:-default}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r sesh.toml content themes "$work/"
sed -i "s/^theme = .*/theme = \"$theme\"/" "$work/sesh.toml"
cargo build --release --quiet --bin sesh
target/release/sesh build --root "$work" --output "$work/public" --base-url http://127.0.0.1:8799/ --quiet
python3 -m http.server 8799 --directory "$work/public" >/dev/null 2>&1 &
server=$!
sleep 1
shoot() { # url file width
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile-$RANDOM" --hide-scrollbars \
    --window-size="$3,1600" --screenshot="$2" "$1" >/dev/null 2>&1
}
for page in "home:" "contests:contests/" "contest:contests/sex-health-images-2014/" \
            "entry:contests/heptestcontest-2016/market-day-screening/" "framework:framework/" \
            "page:about/" "404:404.html"; do
  name=${page%%:*}; path=${page#*:}
  shoot "http://127.0.0.1:8799/$path" "$out/$theme-$name-desktop.png" 1280
  shoot "http://127.0.0.1:8799/$path" "$out/$theme-$name-phone.png" 390
  echo "$out/$theme-$name-desktop.png $out/$theme-$name-phone.png"
done
