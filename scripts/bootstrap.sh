#!/usr/bin/env bash
# Installs, only when missing, everything `make run`, `make test` and `make bench` need.
# Idempotent: a second run installs nothing. Uses sudo only when not root.
set -euo pipefail

# Build: ffmpeg-next (bindgen + FFmpeg 5.1 headers); libheif-rs builds its own libheif
# (Debian's 1.15 is too old) with cmake against Debian's HEVC (libde265) and AV1 (dav1d)
# decoders (C++, g++); turbojpeg builds libjpeg-turbo 3 with cmake and nasm (SIMD).
BUILD_PKGS="pkg-config clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev
libavfilter-dev libavdevice-dev libswscale-dev libswresample-dev
cmake nasm g++ libde265-dev libdav1d-dev"
# Build: the Tauri v2 desktop shell (WebKitGTK 4.1 webview); GStreamer plugins let the
# webview play MP4/MOV (qtdemux) with H.264/AAC (libav).
DESKTOP_PKGS="libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev libssl-dev
gstreamer1.0-plugins-good gstreamer1.0-libav"
# Desktop end-to-end tests: a virtual display, Debian's WebKitWebDriver, screenshots.
E2E_PKGS="xvfb xauth webkit2gtk-driver imagemagick curl"
# Test and benchmark oracles, peers and generators (python3 runs the hostile-corpus
# generator); Chorus itself never shells out to them.
TEST_PKGS="ffmpeg libimage-exiftool-perl libvips-tools time python3 sqlite3"

# Rendering: text on cards, credits and captions is shaped with the system's fonts (the
# brand's own first): Noto covers Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari and
# more (core), Chinese, Japanese and Korean (cjk), and emoji (color-emoji).
FONT_PKGS="fontconfig fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"

want="$BUILD_PKGS $DESKTOP_PKGS $FONT_PKGS"
case "${1:-build}" in
  build) ;;
  test|bench) want="$BUILD_PKGS $DESKTOP_PKGS $FONT_PKGS $E2E_PKGS $TEST_PKGS" ;;
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

# The UI builds with Node.js and npm (Vite). Debian's own nodejs is too old for Vite 7, so
# we only install it when there is no node at all, and say so when it is too old.
if ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: installing nodejs npm"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node.js $(node --version 2>/dev/null) is too old for the UI build; install Node.js 20 or newer." >&2
  exit 1
fi

# Desktop end-to-end tests and benchmarks drive the window through tauri-driver.
case "${1:-build}" in
  test|bench)
    if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
      echo "bootstrap: installing tauri-driver"
      cargo install tauri-driver --version 2.1.0 --locked --quiet
    fi ;;
esac
