#!/usr/bin/env bash
# Measures `sesh serve` rebuild latency on a generated 2,000-entry site, next to the time of a
# full `sesh build` of the same site. Run by hand: bash bench/serve.sh [ENTRIES]
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin sesh --example gen_corpus --example serve_latency
target/release/examples/gen_corpus --contests 20 --entries "$entries" --images 0 --out "$work/site" >/dev/null
echo "site: $entries entries, no images ($(nproc) cores)"
for i in 1 2 3; do
  /usr/bin/time -f "full build: %e s wall, %U s user, %M KB max RSS" \
    target/release/sesh build --root "$work/site" --output "$work/out" --as-of 2026-11-22 --quiet
done
target/release/examples/serve_latency --sesh target/release/sesh --site "$work/site" --runs 30
