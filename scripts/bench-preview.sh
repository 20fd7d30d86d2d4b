#!/usr/bin/env bash
# Preview start benchmark: the release app under Xvfb, driven by tauri-driver, on the demo
# library: from pressing Preview on the 15 s story to it playing, against the whole
# preview's render time in the same runs. `make bench` runs this.
#
#   scripts/bench-preview.sh                 # 5 presses
#   BENCH_RUNS=10 scripts/bench-preview.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
export PATH="$HOME/.cargo/bin:$PATH"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
[ -f ui/dist/index.html ] || scripts/ui.sh build
[ -x "$target/release/chorus-desktop" ] || cargo build --release -p chorus-desktop
[ -x "$target/release/chorus" ] || cargo build --release -p chorus --bin chorus
(cd tests/e2e && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
export CHORUS_BENCH_DEMO="$root/bench-data/preview-demo"
rm -rf "$CHORUS_BENCH_DEMO"
"$target/release/chorus" --library "$CHORUS_BENCH_DEMO" demo --samples assets/samples >/dev/null
export CHORUS_E2E_APP="$target/release/chorus-desktop"
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  tauri-driver --port 4444 >/dev/null 2>&1 &
  driver=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:4444/status >/dev/null && break; sleep 0.1; done
  node tests/e2e/bench-preview.mjs
  rc=$?
  kill $driver
  exit $rc
'
