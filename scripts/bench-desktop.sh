#!/usr/bin/env bash
# Desktop benchmark on a generated 100,000-asset library: the engine's grid queries
# (p50/p95, `cargo bench --bench library_100k`), then the release app under Xvfb, driven
# by tauri-driver, from launch to a painted grid and from a jump deep into it to its
# thumbnails. `make bench` runs this after the ingest benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
export PATH="$HOME/.cargo/bin:$PATH"
export CHORUS_BENCH_LIBRARY="$root/bench-data/lib-100k"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "== engine queries"
cargo bench --quiet --bench library_100k

echo "== desktop app (release)"
[ -x "$target/release/chorus-desktop" ] || cargo build --release -p chorus-desktop
(cd tests/e2e && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
export CHORUS_E2E_APP="$target/release/chorus-desktop"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port 4444 >/dev/null 2>&1 &
  driver=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:4444/status >/dev/null && break; sleep 0.1; done
  node tests/e2e/bench-startup.mjs
  rc=$?
  kill $driver
  exit $rc
'
