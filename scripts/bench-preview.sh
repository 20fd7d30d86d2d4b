#!/usr/bin/env bash
# Preview start benchmark: the release app under Xvfb, driven by tauri-driver, on the demo
# library: from pressing Preview on the 15 s story to it playing, against the whole
# preview's render time in the same runs; the timeline's frame under the playhead and
# play to the first frame, against the ffmpeg CLI taking one frame out of the rendered
# preview (what a person would do without frames on demand). `make bench` runs this.
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
# Built every time (quick when up to date): a stale binary would measure old code.
cargo build --release -p chorus-desktop -p chorus --bin chorus-desktop --bin chorus
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
# The peer: one frame out of the rendered preview by the ffmpeg CLI, at the same 13 places.
quick="$CHORUS_BENCH_DEMO/quick-story.mp4"
"$target/release/chorus" --library "$CHORUS_BENCH_DEMO" render "Story cut" --preview --out "$quick" >/dev/null
times=()
for s in 0 1 2 3 4 5 6 7 8 9 10 11 12; do
  t0=$(date +%s%N)
  ffmpeg -loglevel error -y -ss "$s" -i "$quick" -frames:v 1 "$CHORUS_BENCH_DEMO/frame.jpg"
  times+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
p50=$(echo "$sorted" | sed -n 7p)
p95=$(echo "$sorted" | sed -n 13p)
echo "| ffmpeg CLI: one frame out of the rendered preview (peer) | 13 | $p50 | $p95 |"
