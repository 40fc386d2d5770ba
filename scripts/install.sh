#!/usr/bin/env bash
# Installs a released sesh binary, after checking the archive's SHA-256 checksum against the
# release's SHA256SUMS (and against SESH_SHA256, if given). Nothing is installed unless every
# check passes. The GitHub Action (action.yml) runs it; it works on a computer too:
#
#   bash scripts/install.sh v0.1.0 ~/.local/bin
#
# Arguments: VERSION (a release tag, v0.1.0 or 0.1.0) and DIR (default ~/.local/bin).
# Environment:
#   SESH_RELEASES  where releases are: a URL (https:// or file://) or a local folder that holds
#                  one folder per tag (default: the GitHub releases of sesh-global/sesh)
#   SESH_SHA256    the expected checksum of this platform's archive, to pin it yourself
#   SESH_OS, SESH_ARCH  the platform, instead of `uname -s` and `uname -m`
set -euo pipefail

releases="${SESH_RELEASES:-https://github.com/sesh-global/sesh/releases/download}"

fail() {
  echo "error: $1" >&2
  [ -z "${2:-}" ] || echo "  hint: $2" >&2
  exit 1
}

# The Rust target of the platform, and the archive's extension.
platform() {
  local os="$1" arch="$2"
  case "$arch" in
    x86_64 | amd64 | X64) arch=x86_64 ;;
    aarch64 | arm64 | ARM64) arch=aarch64 ;;
  esac
  case "$os/$arch" in
    Linux/x86_64 | Linux/aarch64) echo "$arch-unknown-linux-musl tar.gz" ;;
    Darwin/x86_64 | Darwin/aarch64 | macOS/x86_64 | macOS/aarch64) echo "$arch-apple-darwin tar.gz" ;;
    MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64 | Windows*/x86_64) echo "x86_64-pc-windows-msvc zip" ;;
    *) return 1 ;;
  esac
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed, so the download cannot be checked"
  fi
}

# Copies release file $1 to $2.
download() {
  case "$releases" in
    https://* | file://*)
      curl --proto '=https,file' --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$2" "$releases/$version/$1" ;;
    *://*) fail "SESH_RELEASES must be an https:// or file:// URL or a folder, not $releases" ;;
    *) cp "$releases/$version/$1" "$2" ;;
  esac
}

[ $# -ge 1 ] || fail "no version given" "bash install.sh v0.1.0 [DIR]"
version="$1"
dir="${2:-$HOME/.local/bin}"
case "$version" in
  v[0-9]*.[0-9]*.[0-9]*) ;;
  [0-9]*.[0-9]*.[0-9]*) version="v$version" ;;
  *) fail "\`$version\` is not a release version" "pin a release such as v0.1.0: a branch or \"latest\" could change what runs without anyone seeing it" ;;
esac

os="${SESH_OS:-$(uname -s)}"
arch="${SESH_ARCH:-$(uname -m)}"
read -r target extension <<<"$(platform "$os" "$arch")" || true
[ -n "${target:-}" ] || fail "sesh has no release for this platform ($os, $arch)" \
  "releases are built for Linux (x86_64, aarch64), macOS (x86_64, arm64) and Windows (x86_64); elsewhere, install from source: cargo install sesh-archive"
archive="sesh-$target.$extension"
exe=sesh
[ "$extension" = zip ] && exe=sesh.exe

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
download "$archive" "$work/$archive" ||
  fail "cannot download $archive of sesh $version from $releases" "check that release $version exists and has an archive for $target"
download SHA256SUMS "$work/SHA256SUMS" ||
  fail "cannot download SHA256SUMS of sesh $version from $releases" "without it the archive cannot be checked, so nothing was installed"

actual="$(sha256 "$work/$archive")"
expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")"
[ -n "$expected" ] || fail "SHA256SUMS of sesh $version has no line for $archive; nothing was installed"
[ "$actual" = "$expected" ] || fail "checksum mismatch for $archive: SHA256SUMS says $expected, the download is $actual; nothing was installed" \
  "the download is damaged or was altered: try again, and report it if it persists"
if [ -n "${SESH_SHA256:-}" ] && [ "$actual" != "$SESH_SHA256" ]; then
  fail "checksum mismatch for $archive: you pinned $SESH_SHA256, the download is $actual; nothing was installed" \
    "the release was replaced after you pinned it, or the pin is for another platform"
fi

mkdir -p "$work/unpacked"
case "$extension" in
  tar.gz) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
  zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    else
      7z x -y -o"$work/unpacked" "$work/$archive" >/dev/null
    fi ;;
esac
[ -f "$work/unpacked/$exe" ] || fail "$archive holds no $exe; nothing was installed"
chmod +x "$work/unpacked/$exe"
reported="$("$work/unpacked/$exe" --version 2>&1 || true)"
[ "$reported" = "sesh ${version#v}" ] || fail "$archive runs as \`$reported\`, not sesh ${version#v}; nothing was installed"

mkdir -p "$dir"
mv -f "$work/unpacked/$exe" "$dir/$exe"
echo "Installed sesh ${version#v} ($target, SHA-256 $actual) as $dir/$exe"
