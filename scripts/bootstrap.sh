#!/usr/bin/env bash
# Installs, only when missing, everything `make run`, `make test` and `make bench` need.
# Idempotent: a second run installs nothing. Uses sudo only when not root.
set -euo pipefail

# Build: ffmpeg-next (bindgen + FFmpeg 5.1 headers).
BUILD_PKGS="pkg-config clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev
libavfilter-dev libavdevice-dev libswscale-dev libswresample-dev"
# Test and benchmark oracles, peers and generators (python3 runs the hostile-corpus
# generator); Chorus itself never shells out to them.
TEST_PKGS="ffmpeg libimage-exiftool-perl libvips-tools time python3"

want="$BUILD_PKGS"
case "${1:-build}" in
  build) ;;
  test|bench) want="$BUILD_PKGS $TEST_PKGS" ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: this is not a Debian/Ubuntu system, so nothing was installed." >&2
  echo "Install these yourself (names are Debian's; use your system's equivalents):" >&2
  echo "  $want" | tr '\n' ' ' >&2; echo >&2
  echo "and a Rust toolchain (https://rustup.rs)." >&2
  exit 1
fi

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "bootstrap: installing$missing"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "bootstrap: cargo not found. Install Rust from https://rustup.rs and run again." >&2
  exit 1
fi
