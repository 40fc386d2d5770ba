#!/usr/bin/env bash
# Seeds the fuzz corpora from the test fixtures: every content file for front matter + consent,
# every Markdown body and XSS payload line for Markdown → HTML.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/frontmatter_consent corpus/markdown_html corpus/mp4_clean corpus/pdf_clean
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "corpus/frontmatter_consent/fixture-$n.md"
  cp "$f" "corpus/markdown_html/fixture-$n.md"
done < <(find ../tests/fixtures ../content -name '*.md' -print0)
i=0
for corpus in ../tests/fixtures/xss/*.txt; do
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s\n' "$line" > "corpus/markdown_html/xss-$i.md"
  done < "$corpus"
done
# Media cleaners: real files whose metadata holds CANARY and a place, and the generated ones.
for f in ../tests/fixtures/media-damage/*.{mp4,m4a,mov} ../tests/fixtures/media-kinds/content/contests/kinds/*/*.{mp4,m4a,mov}; do
  [ -f "$f" ] && cp "$f" "corpus/mp4_clean/$(basename "$(dirname "$f")")-$(basename "$f")"
done
for f in ../tests/fixtures/media-damage/*.pdf ../tests/fixtures/media-kinds/content/contests/kinds/*/*.pdf ../tests/fixtures/consent-canaries/content/contests/*/*/*.pdf; do
  [ -f "$f" ] && cp "$f" "corpus/pdf_clean/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Inputs that once failed (each is also run by a test in the main crate, or changed a target's
# check).
for target in frontmatter_consent markdown_html mp4_clean pdf_clean; do
  [ -n "$(ls regressions/$target 2>/dev/null)" ] || continue
  cp regressions/$target/* corpus/$target/
done
echo "seeded $n content files, $i payload lines and the regression inputs"
