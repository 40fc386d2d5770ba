#!/usr/bin/env bash
# Seeds the fuzz corpora from the test fixtures: every content file for front matter + consent,
# every Markdown body and XSS payload line for Markdown → HTML.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/frontmatter_consent corpus/markdown_html
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
# Inputs that once failed (each also has a test in the main crate or changed a target's check).
for target in frontmatter_consent markdown_html; do
  cp regressions/$target/* corpus/$target/
done
echo "seeded $n content files, $i payload lines and the regression inputs"
