#!/usr/bin/env bash
# `make fuzz`: the whole hostile corpus, one file per process (so a hang, a crash or a
# memory blow-up is caught and measured per file), then cargo-fuzz on the probe path and on
# piece documents.
#   FUZZ_MINUTES=5 scripts/fuzz.sh     (0 skips cargo-fuzz)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MINUTES=${FUZZ_MINUTES:-5}
BIN=${CHORUS_BIN:-target/release/chorus}
OUT=target/fuzz-run
CORPUS=$OUT/hostile
rm -rf "$OUT"
mkdir -p "$OUT"
python3 scripts/make-hostile.py "$CORPUS"

# Runtime hazards the generator cannot write: odd names and links.
mkdir -p "$CORPUS/links"
ln -s ../links "$CORPUS/links/loop"
ln -s /etc/hostname "$CORPUS/links/outside.jpg"
ln -s nowhere "$CORPUS/links/dangling.jpg"
cp tests/fixtures/samples/party.gif "$CORPUS/$(printf 'caf\xe9-non-utf8.gif')"
cp tests/fixtures/samples/scan.tiff "$CORPUS/$(printf 'x%.0s' $(seq 1 240)).tiff"

LIB=$OUT/lib
python3 - "$BIN" "$CORPUS" "$LIB" "$OUT" <<'PY'
import collections, json, os, sqlite3, subprocess, sys, time
bin_, corpus, lib, out = sys.argv[1:5]
files = sorted(os.path.join(corpus.encode(), n) for n in os.listdir(corpus.encode()))
kinds = collections.Counter()
panics, timeouts, longest, longest_file, peak = 0, 0, 0.0, b"", 0
for f in files:
    t0 = time.monotonic()
    rss_file = os.path.join(out, "rss.txt")
    p = subprocess.run([b"/usr/bin/time", b"-f", b"%M", b"-o", rss_file.encode(), b"timeout", b"120", bin_.encode(),
                        b"--library", lib.encode(), b"ingest", f, b"--json"], capture_output=True)
    wall = time.monotonic() - t0
    try:
        peak = max(peak, int(open(rss_file).read().split()[-1]))
    except (OSError, ValueError, IndexError):
        pass
    if wall > longest:
        longest, longest_file = wall, f
    if p.returncode == 124:
        timeouts += 1
        kinds["timeout (killed)"] += 1
        continue
    if p.returncode not in (0, 1) or b"panicked" in p.stderr:
        panics += 1
        kinds["crash"] += 1
        continue
    for line in p.stdout.decode(errors="replace").splitlines():
        o = json.loads(line)
        if "summary" in o:
            continue
        kinds[o["status"] if o["status"] != "error" else "error: " + (o["error_kind"] or "?")] += 1
integrity = sqlite3.connect(os.path.join(lib, "chorus.db")).execute("PRAGMA integrity_check").fetchone()[0]
report = [
    f"- files tried: {len(files)} (one `chorus ingest` process each, `timeout 120`)",
    "- results: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())),
    f"- panics/crashes: {panics}; killed by the time limit: {timeouts}",
    f"- longest time per file: {longest:.2f} s ({os.path.basename(longest_file).decode(errors='replace')})",
    f"- peak RSS of any one file's process: {peak / 1024:.0f} MiB",
    f"- library after the run: PRAGMA integrity_check = {integrity}",
]
open(os.path.join(out, "robustness.md"), "w").write("\n".join(report) + "\n")
print("\n".join(report))
sys.exit(1 if panics or integrity != "ok" else 0)
PY

if [ "$MINUTES" != "0" ]; then
  command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
  mkdir -p fuzz/corpus/probe
  cp -n "$CORPUS"/*.* tests/fixtures/samples/*.* fuzz/corpus/probe/ 2>/dev/null || true
  # cargo-fuzz wants nightly flags; RUSTC_BOOTSTRAP lets the one stable toolchain accept them.
  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run probe corpus/probe -- \
      -max_total_time=$((MINUTES * 60)) -rss_limit_mb=2048 -timeout=30) 2>&1 | tail -20
  # Piece documents, seeded with the demo's own and the red-team attacks.
  mkdir -p fuzz/corpus/piece
  cp -n tests/fixtures/pieces/*.json fuzz/corpus/piece/ 2>/dev/null || true
  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run piece corpus/piece -- \
      -max_total_time=$((MINUTES * 60)) -rss_limit_mb=2048 -timeout=30) 2>&1 | tail -20
fi
