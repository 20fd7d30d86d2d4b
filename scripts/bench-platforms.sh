#!/usr/bin/env bash
# Platform export benchmark: one `chorus export PIECE --for youtube,reels,tiktok` against
# the same three files made by three separate exports (one platform each), as a person
# would without shared work. Reels and TikTok share a frame size, so the single export
# decodes and composes the 9:16 frames once and hands each to both encoders.
# `make bench` runs this after building target/release/chorus.
#
#   scripts/bench-platforms.sh                       # the demo's 15 s story, 3 runs each
#   BENCH_PLATFORMS_RUNS=1 scripts/bench-platforms.sh
#   CHORUS_BIN=path/to/chorus scripts/bench-platforms.sh
#
# Needs GNU time (`scripts/bootstrap.sh bench`). Never builds anything. Reports the median
# wall clock, CPU time and peak memory of each way, and their ratios; results also in
# bench-data/platforms/results.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHORUS_BIN=${CHORUS_BIN:-target/release/chorus}
RUNS=${BENCH_PLATFORMS_RUNS:-3}
PIECE=${BENCH_PLATFORMS_PIECE:-Story cut}
PLATFORMS=(youtube reels tiktok)
LIB=bench-data/platforms-lib
WORK=bench-data/platforms

log() { echo "bench-platforms: $*" >&2; }
[[ -x /usr/bin/time ]] || { log "missing /usr/bin/time: run 'scripts/bootstrap.sh bench'"; exit 1; }
[[ -x "$CHORUS_BIN" ]] || { log "no Chorus binary at $CHORUS_BIN: build it first"; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { log "BENCH_PLATFORMS_RUNS must be a positive number"; exit 2; }

rm -rf "$LIB" "$WORK"
mkdir -p "$WORK"
"$CHORUS_BIN" --library "$LIB" demo --samples assets/samples >"$WORK/demo.log" 2>&1 || {
  cat "$WORK/demo.log" >&2
  exit 1
}

# run NAME ARGS...: one timed export into a fresh folder; prints "wall cpu rss_kib".
run() {
  local name=$1
  shift
  local out=$WORK/out-$name
  rm -rf "$out" && mkdir -p "$out"
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" \
    "$CHORUS_BIN" --library "$LIB" export "$PIECE" "$@" --out "$out" >"$WORK/$name.log" 2>&1 || {
    cat "$WORK/$name.log" >&2
    exit 1
  }
  grep -q "ready for" "$WORK/$name.log" || { cat "$WORK/$name.log" >&2; log "no readiness verdict"; exit 1; }
  if grep -q "not ready" "$WORK/$name.log"; then cat "$WORK/$name.log" >&2; log "an output is not ready"; exit 1; fi
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/$name.time"
}

together=()
separate=()
for ((r = 1; r <= RUNS; r++)); do
  # Alternate the order so neither way always runs on a warmer cache.
  if ((r % 2)); then
    together+=("$(run together --for "$(IFS=,; echo "${PLATFORMS[*]}")")")
  fi
  wall=0 cpu=0 rss=0
  for p in "${PLATFORMS[@]}"; do
    read -r w c m <<<"$(run "alone-$p" --for "$p")"
    wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print a + b }')
    cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN { print a + b }')
    ((m > rss)) && rss=$m
  done
  separate+=("$wall $cpu $rss")
  if ((r % 2 == 0)); then
    together+=("$(run together --for "$(IFS=,; echo "${PLATFORMS[*]}")")")
  fi
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pick() {
  local c=$1
  shift
  printf '%s\n' "$@" | awk -v c="$c" '{ print $c }' | median
}
tw=$(pick 1 "${together[@]}") tc=$(pick 2 "${together[@]}") tm=$(pick 3 "${together[@]}")
sw=$(pick 1 "${separate[@]}") sc=$(pick 2 "${separate[@]}") sm=$(pick 3 "${separate[@]}")

{
  echo "Machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "Command: scripts/bench-platforms.sh (BENCH_PLATFORMS_RUNS=$RUNS), piece '$PIECE', platforms ${PLATFORMS[*]}"
  echo
  echo "| way | wall (s) | CPU (s) | peak RSS (MiB) |"
  echo "|---|---:|---:|---:|"
  printf '| one export for all three | %s | %s | %d |\n' "$tw" "$tc" $((tm / 1024))
  printf '| three exports, one each | %s | %s | %d |\n' "$sw" "$sc" $((sm / 1024))
  awk -v tw="$tw" -v sw="$sw" -v tc="$tc" -v sc="$sc" \
    'BEGIN { printf "| ratio (one / three) | %.2f | %.2f | |\n", tw / sw, tc / sc }'
} | tee "$WORK/results.md"
