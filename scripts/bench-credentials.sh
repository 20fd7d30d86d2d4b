#!/usr/bin/env bash
# Content credentials benchmark: what writing the rights metadata (XMP) and signing the
# C2PA manifest of every exported file costs, against the whole export of the demo's 30 s
# hero, in the same run. The export measures its own stamping (manifest.json's
# `credentials.ms`); the export's wall clock is timed around it. Target (issue 18): under
# 5% of the render.
# `make bench` runs this after building target/release/chorus.
#
#   scripts/bench-credentials.sh                  # 3 exports of "Homepage hero"
#   BENCH_CREDENTIALS_RUNS=1 scripts/bench-credentials.sh
#   CHORUS_BIN=path/to/chorus scripts/bench-credentials.sh
#
# Needs GNU time and python3 (`scripts/bootstrap.sh bench`). Never builds anything.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHORUS_BIN=${CHORUS_BIN:-target/release/chorus}
RUNS=${BENCH_CREDENTIALS_RUNS:-3}
PIECE=${BENCH_CREDENTIALS_PIECE:-Homepage hero}
LIB=bench-data/credentials-lib
WORK=bench-data/credentials

log() { echo "bench-credentials: $*" >&2; }
[[ -x /usr/bin/time ]] || { log "missing /usr/bin/time: run 'scripts/bootstrap.sh bench'"; exit 1; }
[[ -x "$CHORUS_BIN" ]] || { log "no Chorus binary at $CHORUS_BIN: build it first"; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { log "BENCH_CREDENTIALS_RUNS must be a positive number"; exit 2; }

rm -rf "$LIB" "$WORK"
mkdir -p "$WORK"
"$CHORUS_BIN" --library "$LIB" demo --samples assets/samples >"$WORK/demo.log" 2>&1 || {
  cat "$WORK/demo.log" >&2
  exit 1
}

rows=()
for i in $(seq "$RUNS"); do
  out=$WORK/out-$i
  mkdir -p "$out"
  sync
  /usr/bin/time -f '%e' -o "$WORK/$i.time" \
    "$CHORUS_BIN" --library "$LIB" export "$PIECE" --preset hero_16x9 --out "$out" >"$WORK/$i.log" 2>&1 || {
    cat "$WORK/$i.log" >&2
    exit 1
  }
  wall=$(tail -1 "$WORK/$i.time")
  manifest=$(find "$out" -name manifest.json | head -1)
  read -r ms files size < <(python3 -c '
import json, os, sys
m = json.load(open(sys.argv[1]))
c = m["credentials"]
d = os.path.dirname(sys.argv[1])
print(c["ms"], len(c["files"]), sum(os.path.getsize(os.path.join(d, f)) for f in c["files"]))
' "$manifest")
  rows+=("$wall $ms $files $size")
  log "run $i: export ${wall} s, credentials ${ms} ms over ${files} file(s), ${size} bytes"
done

python3 - "$WORK/results.md" "${rows[@]}" <<'EOF'
import statistics, sys
out = sys.argv[1]
rows = [tuple(float(x) for x in r.split()) for r in sys.argv[2:]]
wall = statistics.median(r[0] for r in rows)
ms = statistics.median(r[1] for r in rows)
files = int(rows[0][2])
size = rows[0][3] / 1e6
text = (
    "| runs | export wall (s, median) | XMP + C2PA (ms, median) | share of the export | files | MB signed |\n"
    "|---:|---:|---:|---:|---:|---:|\n"
    f"| {len(rows)} | {wall:.2f} | {ms:.0f} | {100 * ms / 1000 / wall:.2f}% | {files} | {size:.1f} |\n"
)
open(out, "w").write(text)
print(text)
EOF
