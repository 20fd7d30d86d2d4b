#!/usr/bin/env bash
# Ingest benchmark: Chorus against the tools a person would otherwise script together.
# `make bench` builds target/release/chorus and runs this.
#
#   scripts/bench.sh            # generate the corpus if needed, run everything, print the report
#   scripts/bench.sh corpus     # only generate (or check) the cached corpus
#   BENCH_SMALL=1 scripts/bench.sh                      # tiny corpus, smoke test of the script
#   CHORUS_BIN=target/debug/chorus BENCH_SMALL=1 scripts/bench.sh
#
# Needs ffmpeg, ffprobe, exiftool, vipsthumbnail, GNU time (/usr/bin/time) and python3
# (`scripts/bootstrap.sh bench` installs them on Debian). Works from any cwd.
#
# Corpus (bench-data/corpus/, gitignored; each part is cached and only regenerated when its
# marker file bench-data/corpus/<part>.done is missing or describes other parameters):
# * photos/: 300 camera-sized JPEGs, 4000x3000 (12 MP), ~4 MB each (ffmpeg mjpeg -q:v 3, about
#   IJG quality 85), rendered as ONE lavfi stream so the picture changes every frame: colour
#   blobs from a per-frame hash (12x9 random colours, bilinear upscale: every frame has a
#   different perceptual hash, so none is a near-duplicate of another), a cellular-automaton
#   texture for edges and detail, and temporal noise for sensor grain. EXIF written by ONE
#   exiftool process (an argfile with one -execute per file): Make, Model (5 cameras),
#   DateTimeOriginal (distinct), Orientation (60% 1, 20% 6, 10% 8, 10% 3: Chorus and
#   vipsthumbnail both apply it).
# * clips/: 20 clips, H.264 High profile (libx264 -preset superfast: still CABAC and B-frames;
#   veryfast doubled the generation time), ~12 Mb/s cap, + AAC stereo 48 kHz, MP4 faststart, 1920x1080 30 fps, 10 s, five lavfi sources (testsrc2, life,
#   gradients, cellauto, testsrc) with per-clip seeds, rules and hues. A keyframe every
#   second (-g 30), as phones record (x264's default of 250 frames is an encoder's choice
#   for streaming, not what customers' clips look like).
# * heics/: 12 HEIC photos (the iPhone's format) made by `vips copy` (libheif + x265) from
#   the first photos, 4000x3000, metadata stripped.
# * hdr/: one 4K (3840x2160) 10-bit HLG HEVC clip, 5 s, BT.2020, for the memory ceiling of
#   an HDR ingest (tone-mapped poster and filmstrip).
# * set/: the RSS-flatness set, 1,000 freshly generated JPEGs, 2000x1500 (~1 MB each),
#   same generator with other hash constants. Fresh frames rather than copies of photos/, so
#   every file is byte-distinct (nothing is deduplicated) and visually distinct (nothing is
#   a near-duplicate), and each costs Chorus a full decode/thumbnail/store. Same EXIF.
# Generation checks that every file has its EXIF and that no two files are byte-identical.
#
# BENCH_SMALL=1 shrinks everything (bench-data/corpus-small/): 20 photos at 4000x3000,
# 3 clips of 3 s, a 100-file set (RSS at 20 and 100 files); the report goes to
# bench-data/results-small.md instead of bench-data/results.md.
#
# Runs (same files, one after the other, each under `/usr/bin/time -v`: wall clock and
# "Maximum resident set size"). Every corpus file is read once beforehand (cat > /dev/null),
# so the page cache is equally warm for everybody, and `sync` runs before each timed command
# so nobody pays for the previous run's writeback. No warm-up runs. Order, peers bracketing
# Chorus: vipsthumbnail x1, Chorus photos, vipsthumbnail x2; ffprobe+ffmpeg x1, Chorus clips,
# ffprobe+ffmpeg x2; Chorus on the whole corpus (photos + clips); Chorus RSS at 100 and 1,000.
# * vipsthumbnail -s 512 -o OUT/%s.jpg over all photos: one process (libvips threads
#   internally), then the list split in two halves run as 2 processes (xargs -P 2).
# * per clip: ffprobe -v error -show_format -show_streams, then
#   ffmpeg -v error -ss <10% of duration> -i clip -frames:v 1 -vf scale=512:-2 poster.jpg;
#   clips one after another, then 2 at a time (xargs -P 2).
# * Chorus: CHORUS_BIN --library <fresh library> ingest <dir>... --json (to a file, whose
#   summary is checked: every file ingested, no errors), on the photos, the clips, the whole
#   corpus, then the first 100 files of set/ and all 1,000 (hardlinked, cp -al, into
#   per-run folders: Chorus does not follow symbolic links out of the tree).
# For a multi-process run (xargs), the wall time is the whole run's and the peak RSS the
# largest single process's (GNU time reports the biggest waited-for descendant).
# Chorus does more per file than either peer (blake3, atomic fsynced copy into its store,
# EXIF, perceptual hash, SQLite catalog; for clips also an 8-frame filmstrip).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

MODE=${1:-run}
case "$MODE" in
  run | corpus) ;;
  *) echo "usage: $0 [corpus]" >&2; exit 2 ;;
esac

if [[ "${BENCH_SMALL:-0}" == 1 ]]; then
  SMALL=1
  CORPUS=bench-data/corpus-small
  RESULTS=bench-data/results-small.md
  N_PHOTOS=20 N_CLIPS=3 CLIP_SECONDS=3 N_SET=100 N_RSS_SMALL=20 N_HEICS=4
  REPRO='`BENCH_SMALL=1 scripts/bench.sh` (smoke-test size, not for BENCHMARKS.md)'
else
  SMALL=0
  CORPUS=bench-data/corpus
  RESULTS=bench-data/results.md
  N_PHOTOS=300 N_CLIPS=20 CLIP_SECONDS=10 N_SET=1000 N_RSS_SMALL=100 N_HEICS=12
  REPRO='`make bench`'
fi
PHOTO_W=4000 PHOTO_H=3000
SET_W=2000 SET_H=1500
CLIP_W=1920 CLIP_H=1080 CLIP_FPS=30
X264_PRESET=superfast # clips: ~80 s on 2 cores (veryfast: ~170 s)
RUN=bench-data/run

missing=()
for tool in ffmpeg ffprobe exiftool vipsthumbnail python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (GNU time)")
if ((${#missing[@]})); then
  echo "bench: missing: ${missing[*]}" >&2
  echo "bench: run 'scripts/bootstrap.sh bench' (Debian: ffmpeg libimage-exiftool-perl libvips-tools time python3)" >&2
  exit 1
fi

log() { echo "bench: $*" >&2; }
FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)

# ------------------------------------------------------------------ corpus

# A hash per (frame, cell) in 0..255, so every frame gets its own random colour layout.
# $1: per-channel constant, $2: frame-number offset.
hash_expr() { echo "st(0,sin((N+1+$2)*$1+X*12.9898+Y*78.233)*43758.5453);255*(ld(0)-floor(ld(0)))"; }

# gen_jpegs DIR PREFIX COUNT W H OFFSET START: COUNT distinct W x H JPEGs, one ffmpeg run.
gen_jpegs() {
  local dir=$1 prefix=$2 count=$3 w=$4 h=$5 off=$6 start=$7
  local tw=$((w / 5)) th=$((h / 5))
  "${FF[@]}" -f lavfi -i "nullsrc=s=12x9:r=1,format=gbrp,geq=r='$(hash_expr 3.17 "$off")':g='$(hash_expr 5.31 "$off")':b='$(hash_expr 7.73 "$off")',scale=${w}:${h}:flags=bilinear,format=yuv420p[bg];cellauto=s=${tw}x${th}:r=1:rule=30:random_fill_ratio=0.5:random_seed=$((off + 1)):scroll=1,scale=${w}:${h}:flags=neighbor,format=yuv420p[tex];[bg][tex]blend=all_mode=normal:all_opacity=0.85,noise=alls=7:allf=t" \
    -frames:v "$count" -q:v 3 -start_number "$start" "$dir/${prefix}_%04d.jpg"
}

# add_exif DIR SEED: EXIF on every JPEG in DIR with one exiftool process.
add_exif() {
  local dir=$1 seed=$2 args
  args=$(mktemp)
  python3 - "$dir" "$seed" >"$args" <<'EOF'
import datetime, os, sys
d, seed = sys.argv[1], int(sys.argv[2])
cams = [("Canon", "Canon EOS 90D"), ("NIKON CORPORATION", "NIKON D7500"), ("SONY", "ILCE-6400"),
        ("FUJIFILM", "X-T30"), ("OLYMPUS CORPORATION", "E-M10MarkIII")]
orient = [1, 1, 1, 1, 1, 1, 6, 6, 8, 3]
t0 = datetime.datetime(2026, 5, 1, 9, 0, 0) + datetime.timedelta(days=seed)
for i, name in enumerate(sorted(f for f in os.listdir(d) if f.endswith(".jpg"))):
    make, model = cams[(i + seed) % len(cams)]
    t = t0 + datetime.timedelta(seconds=97 * i)
    print("-q\n-q\n-overwrite_original\n-Make=%s\n-Model=%s\n-DateTimeOriginal=%s\n-Orientation#=%d\n%s\n-execute"
          % (make, model, t.strftime("%Y:%m:%d %H:%M:%S"), orient[i % len(orient)], os.path.join(d, name)))
EOF
  exiftool -@ "$args"
  rm -f "$args"
  local lacking
  lacking=$(exiftool -q -q -fast -if 'not $Make or not $Model or not $DateTimeOriginal or not $Orientation' \
    -p '$FileName' "$dir" || true)
  [[ -z "$lacking" ]] || { log "EXIF missing after exiftool in $dir: $(head -3 <<<"$lacking")"; exit 1; }
}

# gen_clip DIR INDEX
gen_clip() {
  local dir=$1 i=$2 src
  local hue=$((i * 47 % 360)) seed=$((i + 1))
  local rules=(30 90 110 150) gtypes=(linear radial circular spiral)
  case $((i % 5)) in
    0) src="testsrc2=s=${CLIP_W}x${CLIP_H}:r=${CLIP_FPS},hue=h=${hue}" ;;
    1) src="life=s=480x270:r=${CLIP_FPS}:seed=${seed}:ratio=0.3:mold=20:life_color=#ffcc00:death_color=#202060:mold_color=#603020,scale=${CLIP_W}:${CLIP_H}:flags=neighbor,hue=h=${hue}" ;;
    2) src="gradients=s=480x270:r=${CLIP_FPS}:seed=${seed}:speed=0.03:nb_colors=5:type=${gtypes[$((i / 5 % 4))]},scale=${CLIP_W}:${CLIP_H},noise=alls=6:allf=t" ;;
    3) src="cellauto=s=640x360:r=${CLIP_FPS}:rule=${rules[$((i / 5 % 4))]}:random_seed=${seed}:random_fill_ratio=0.5,scale=${CLIP_W}:${CLIP_H}:flags=neighbor" ;;
    4) src="testsrc=s=${CLIP_W}x${CLIP_H}:r=${CLIP_FPS},hue=h=${hue}" ;;
  esac
  "${FF[@]}" -f lavfi -i "$src,format=yuv420p" -f lavfi -i "sine=f=$((220 + 40 * i)):r=48000" \
    -map 0:v -map 1:a -t "$CLIP_SECONDS" \
    -c:v libx264 -preset "$X264_PRESET" -g 30 -profile:v high -b:v 12M -maxrate 12M -bufsize 24M -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 -ar 48000 \
    -metadata creation_time="2026-05-0$((i % 9 + 1))T1$((i % 10)):00:00Z" -movflags +faststart \
    "$dir/$(printf 'clip_%02d.mp4' "$((i + 1))")"
}

check_distinct() { # every file byte-distinct
  local dups
  dups=$(find "$@" -type f -print0 | xargs -0 md5sum | sort | uniq -w32 -d)
  [[ -z "$dups" ]] || { log "byte-identical files in $*: $dups"; exit 1; }
}

# part NAME SPEC FUNCTION: (re)generate CORPUS/NAME unless CORPUS/NAME.done says SPEC.
part() {
  local name=$1 spec=$2 fn=$3 dir="$CORPUS/$1"
  if [[ -d "$dir" && -f "$CORPUS/$name.done" && "$(cat "$CORPUS/$name.done")" == "$spec" ]]; then
    log "corpus $dir: cached ($spec)"
    return
  fi
  log "corpus $dir: generating ($spec)"
  local t0=$SECONDS
  rm -rf "$dir" "$dir.partial" "$CORPUS/$name.done"
  mkdir -p "$dir.partial"
  "$fn" "$dir.partial"
  check_distinct "$dir.partial"
  mv "$dir.partial" "$dir"
  echo "$spec" >"$CORPUS/$name.done"
  log "corpus $dir: $(find "$dir" -type f | wc -l) files, $(du -sm "$dir" | cut -f1) MiB, $((SECONDS - t0)) s"
}

make_photos() {
  gen_jpegs "$1" IMG "$N_PHOTOS" "$PHOTO_W" "$PHOTO_H" 0 1
  add_exif "$1" 0
}
make_set() {
  # Two ffmpeg processes (lavfi filtering is mostly single-threaded), different frame offsets.
  local half=$((N_SET / 2))
  gen_jpegs "$1" SET "$half" "$SET_W" "$SET_H" 100000 1 &
  local p1=$!
  gen_jpegs "$1" SET "$((N_SET - half))" "$SET_W" "$SET_H" 200000 "$((half + 1))" &
  local p2=$!
  wait "$p1"
  wait "$p2"
  add_exif "$1" 40
}
# two_at_a_time N CMD...: runs `CMD... I` for I in 0..N-1, two at a time.
two_at_a_time() {
  local n=$1 i pids=()
  shift
  for ((i = 0; i < n; i++)); do
    "$@" "$i" &
    pids+=($!)
    if ((${#pids[@]} == 2)); then
      wait "${pids[0]}"
      pids=("${pids[@]:1}")
    fi
  done
  for i in "${pids[@]}"; do wait "$i"; done
}
make_clips() {
  # Two encodes at a time: the lavfi sources and filters are single-threaded, so one x264
  # alone leaves a core partly idle.
  two_at_a_time "$N_CLIPS" gen_clip "$1"
}

# heic_from DIR I: the I-th photo as HEIC.
heic_from() {
  local src
  src=$(find "$CORPUS/photos" -type f -name '*.jpg' | sort | sed -n "$(($2 + 1))p")
  vips copy "$src" "$1/$(printf 'HEIC_%04d.heic' "$(($2 + 1))")[Q=50,strip]"
}
make_heics() {
  # x265 is slow: two encodes at a time.
  two_at_a_time "$N_HEICS" heic_from "$1"
}
make_hdr() {
  local size=3840x2160 secs=5
  ((SMALL)) && size=1280x720 secs=2
  "${FF[@]}" -f lavfi -i "testsrc2=s=${size}:r=30,format=yuv420p" -t "$secs" \
    -vf "zscale=t=arib-std-b67:p=bt2020:m=bt2020nc:r=tv:tin=bt709:pin=bt709:min=bt709,format=yuv420p10le" \
    -c:v libx265 -preset ultrafast -g 30 -x265-params "colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:log-level=error" \
    -tag:v hvc1 "$1/hlg_4k.mp4"
}

gen_corpus() {
  mkdir -p "$CORPUS"
  local t0=$SECONDS
  part photos "v1 n=$N_PHOTOS ${PHOTO_W}x${PHOTO_H}" make_photos
  part clips "v2 n=$N_CLIPS ${CLIP_W}x${CLIP_H}@${CLIP_FPS} ${CLIP_SECONDS}s $X264_PRESET g30" make_clips
  part heics "v1 n=$N_HEICS from photos" make_heics
  part hdr "v1 hlg" make_hdr
  part set "v1 n=$N_SET ${SET_W}x${SET_H}" make_set
  log "corpus ready in $((SECONDS - t0)) s"
}

gen_corpus
[[ "$MODE" == corpus ]] && exit 0

# ------------------------------------------------------------------ runs

CHORUS_BIN=${CHORUS_BIN:-target/release/chorus}
if [[ ! -x "$CHORUS_BIN" ]]; then
  echo "bench: $CHORUS_BIN not found or not executable (build it: cargo build --release --bin chorus, or set CHORUS_BIN)" >&2
  exit 1
fi
CHORUS_BIN=$(realpath "$CHORUS_BIN")

rm -rf "$RUN"
mkdir -p "$RUN"
RUN=$(realpath "$RUN")
RESULTS_TSV="$RUN/results.tsv"
: >"$RESULTS_TSV"

mapfile -t PHOTOS < <(find "$CORPUS/photos" -type f -name '*.jpg' | sort)
mapfile -t CLIPS < <(find "$CORPUS/clips" -type f -name '*.mp4' | sort)
mapfile -t SETFILES < <(find "$CORPUS/set" -type f -name '*.jpg' | sort)
mapfile -t HEICS < <(find "$CORPUS/heics" -type f -name '*.heic' | sort)
((${#PHOTOS[@]} == N_PHOTOS && ${#CLIPS[@]} == N_CLIPS && ${#SETFILES[@]} == N_SET)) || {
  log "corpus $CORPUS is incomplete; delete it and run again"
  exit 1
}

bytes_of() { du -cb --apparent-size "$@" | tail -1 | cut -f1; }

# Per-run folders of hardlinks for the RSS runs.
mkdir -p "$RUN/in-rss-small" "$RUN/in-rss-large"
cp -al "${SETFILES[@]:0:N_RSS_SMALL}" "$RUN/in-rss-small/"
cp -al "${SETFILES[@]}" "$RUN/in-rss-large/"

log "warming the page cache (reading every corpus file once)"
cat "${PHOTOS[@]}" "${CLIPS[@]}" "${SETFILES[@]}" "${HEICS[@]}" "$CORPUS/hdr/hlg_4k.mp4" >/dev/null

slug() { tr -cs 'a-zA-Z0-9' '-' <<<"$1" | sed 's/-$//'; }

# timed NAME FILES BYTES CMD...: run CMD under /usr/bin/time -v, record the result.
timed() {
  local name=$1 files=$2 bytes=$3 tf
  shift 3
  tf="$RUN/$(slug "$name").time"
  sync
  log "run $name ($files files)"
  if ! /usr/bin/time -v -o "$tf" "$@"; then
    log "run $name failed; /usr/bin/time output:"
    cat "$tf" >&2
    exit 1
  fi
  python3 - "$tf" "$name" "$files" "$bytes" >>"$RESULTS_TSV" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time[^\n]*?:\s+([0-9:.]+)\s*$", text, re.M)
r = re.search(r"Maximum resident set size \(kbytes\):\s+(\d+)", text)
if not m or not r:
    sys.exit("bench: cannot parse /usr/bin/time output in " + sys.argv[1])
wall = 0.0
for part in m.group(1).split(":"):
    wall = wall * 60 + float(part)
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4], "%.3f" % wall, r.group(1)]))
EOF
}

# chorus_run NAME EXPECTED_FILES PATH...: fresh library, ingest, check the JSON summary.
chorus_run() {
  local name=$1 files=$2
  shift 2
  local lib out bytes
  lib="$RUN/lib-$(slug "$name")" out="$RUN/$(slug "$name").json"
  bytes=$(find "$@" -type f -print0 | du -cb --apparent-size --files0-from=- | tail -1 | cut -f1)
  timed "$name" "$files" "$bytes" sh -c 'lib=$1 out=$2; shift 2; exec "$0" --library "$lib" ingest "$@" --json >"$out"' \
    "$CHORUS_BIN" "$lib" "$out" "$@"
  python3 - "$out" "$files" "$name" <<'EOF'
import json, sys
summary = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
if summary is None:
    sys.exit("bench: %s: no summary in chorus output" % sys.argv[3])
want = int(sys.argv[2])
ok = summary["ingested"] + summary["near_duplicate"]
if summary["files"] != want or summary["error"] or summary["duplicate"] or ok != want:
    sys.exit("bench: %s: expected %d files ingested, got %s" % (sys.argv[3], want, summary))
if summary["near_duplicate"]:
    print("bench: %s: note: %d near-duplicates (stored anyway)" % (sys.argv[3], summary["near_duplicate"]), file=sys.stderr)
EOF
  rm -rf "$lib"
}

expect_outputs() { # expect_outputs DIR PATTERN N NAME
  local n
  n=$(find "$1" -type f -name "$2" | wc -l)
  ((n == $3)) || { log "$4: expected $3 outputs in $1, found $n"; exit 1; }
  rm -rf "$1"
}

PHOTO_BYTES=$(bytes_of "${PHOTOS[@]}")
CLIP_BYTES=$(bytes_of "${CLIPS[@]}")
printf '%s\0' "${PHOTOS[@]}" >"$RUN/photos.list0"
printf '%s\0' "${CLIPS[@]}" >"$RUN/clips.list0"
HEIC_BYTES=$(bytes_of "${HEICS[@]}")
printf '%s\0' "${HEICS[@]}" >"$RUN/heics.list0"

# The clip peer, one clip: probe, then a poster at 10% of the duration.
cat >"$RUN/clip-peer.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
out=$1 clip=$2 base=$(basename "$2")
ffprobe -v error -show_format -show_streams "$clip" >"$out/$base.probe"
dur=$(awk -F= '/^\[FORMAT\]/{f=1} f && $1=="duration"{print $2; exit}' "$out/$base.probe")
ss=$(awk -v d="$dur" 'BEGIN{printf "%.3f", d * 0.1}')
ffmpeg -nostdin -v error -y -ss "$ss" -i "$clip" -frames:v 1 -vf scale=512:-2 "$out/$base.poster.jpg"
EOF
chmod +x "$RUN/clip-peer.sh"

HALF=$(((N_PHOTOS + 1) / 2))

# Photos: peer, Chorus, peer (2 processes).
mkdir -p "$RUN/vips1"
timed "vipsthumbnail, 1 process" "$N_PHOTOS" "$PHOTO_BYTES" \
  vipsthumbnail -s 512 -o "$RUN/vips1/%s.jpg" "${PHOTOS[@]}"
expect_outputs "$RUN/vips1" '*.jpg' "$N_PHOTOS" vipsthumbnail
chorus_run "Chorus, photos" "$N_PHOTOS" "$CORPUS/photos"
mkdir -p "$RUN/vips2"
timed "vipsthumbnail, 2 processes" "$N_PHOTOS" "$PHOTO_BYTES" \
  xargs -0 -a "$RUN/photos.list0" -P 2 -n "$HALF" vipsthumbnail -s 512 -o "$RUN/vips2/%s.jpg"
expect_outputs "$RUN/vips2" '*.jpg' "$N_PHOTOS" vipsthumbnail

# Clips: peer, Chorus, peer (2 at a time).
mkdir -p "$RUN/ff1"
timed "ffprobe+ffmpeg, 1 at a time" "$N_CLIPS" "$CLIP_BYTES" \
  xargs -0 -a "$RUN/clips.list0" -P 1 -n 1 "$RUN/clip-peer.sh" "$RUN/ff1"
expect_outputs "$RUN/ff1" '*.poster.jpg' "$N_CLIPS" ffmpeg
chorus_run "Chorus, clips" "$N_CLIPS" "$CORPUS/clips"
mkdir -p "$RUN/ff2"
timed "ffprobe+ffmpeg, 2 at a time" "$N_CLIPS" "$CLIP_BYTES" \
  xargs -0 -a "$RUN/clips.list0" -P 2 -n 1 "$RUN/clip-peer.sh" "$RUN/ff2"
expect_outputs "$RUN/ff2" '*.poster.jpg' "$N_CLIPS" ffmpeg

# HEIC photos: peer (libvips through Debian's libheif), Chorus, peer (2 processes).
HALF_HEIC=$(((N_HEICS + 1) / 2))
mkdir -p "$RUN/vipsh1"
timed "vipsthumbnail HEIC, 1 process" "$N_HEICS" "$HEIC_BYTES" \
  vipsthumbnail -s 512 -o "$RUN/vipsh1/%s.jpg" "${HEICS[@]}"
expect_outputs "$RUN/vipsh1" '*.jpg' "$N_HEICS" vipsthumbnail
chorus_run "Chorus, HEIC photos" "$N_HEICS" "$CORPUS/heics"
mkdir -p "$RUN/vipsh2"
timed "vipsthumbnail HEIC, 2 processes" "$N_HEICS" "$HEIC_BYTES" \
  xargs -0 -a "$RUN/heics.list0" -P 2 -n "$HALF_HEIC" vipsthumbnail -s 512 -o "$RUN/vipsh2/%s.jpg"
expect_outputs "$RUN/vipsh2" '*.jpg' "$N_HEICS" vipsthumbnail

# One 4K HLG clip: the memory of an HDR ingest (tone-mapped poster and filmstrip).
chorus_run "Chorus, one 4K HLG clip" 1 "$CORPUS/hdr"

# Whole corpus, then RSS flatness.
chorus_run "Chorus, photos + clips" "$((N_PHOTOS + N_CLIPS))" "$CORPUS/photos" "$CORPUS/clips"
chorus_run "Chorus, RSS at $N_RSS_SMALL files" "$N_RSS_SMALL" "$RUN/in-rss-small"
chorus_run "Chorus, RSS at $N_SET files" "$N_SET" "$RUN/in-rss-large"
rm -rf "$RUN/in-rss-small" "$RUN/in-rss-large"

# ------------------------------------------------------------------ report

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$COMMIT" != unknown && -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
export BENCH_DATE=$(date -u)
export BENCH_NPROC=$(nproc)
export BENCH_CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//' || echo unknown)
export BENCH_RAM_KB=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)
export BENCH_REPRO=$REPRO BENCH_COMMIT=$COMMIT
export BENCH_CHORUS=$("$CHORUS_BIN" --version 2>/dev/null || echo chorus)
export BENCH_CHORUS_PATH=${CHORUS_BIN#"$ROOT"/}
export BENCH_FFMPEG=$(ffmpeg -hide_banner -version | head -1 | awk '{print $3}')
export BENCH_VIPS=$(vipsthumbnail --version | head -1)
export BENCH_CORPUS="$N_PHOTOS JPEGs ${PHOTO_W}x${PHOTO_H} with EXIF ($(((PHOTO_BYTES + 500000) / 1000000)) MB); $N_CLIPS H.264+AAC MP4 clips ${CLIP_W}x${CLIP_H} ${CLIP_FPS} fps ${CLIP_SECONDS} s, keyframe every 30 frames ($(((CLIP_BYTES + 500000) / 1000000)) MB); $N_HEICS HEIC photos ${PHOTO_W}x${PHOTO_H} ($(((HEIC_BYTES + 500000) / 1000000)) MB); one 4K HLG HEVC clip; RSS set: $N_SET JPEGs ${SET_W}x${SET_H}"
export N_PHOTOS N_CLIPS N_SET N_RSS_SMALL

python3 - "$RESULTS_TSV" >"$RUN/results.md" <<'EOF'
import os, sys
E = os.environ
rows = {}
order = []
for line in open(sys.argv[1]):
    name, files, nbytes, wall, rss = line.rstrip("\n").split("\t")
    rows[name] = dict(files=int(files), mb=int(nbytes) / 1e6, wall=float(wall), rss=int(rss) / 1024)
    order.append(name)

def rate(x, y):
    return x / y if y > 0 else float("inf")

out = []
p = out.append
p("## Ingest benchmark, %s" % E["BENCH_DATE"])
p("")
p("Machine: %s cores, %s, %.1f GiB RAM. %s (`%s`, commit %s), FFmpeg %s, %s." % (
    E["BENCH_NPROC"], E["BENCH_CPU"], int(E["BENCH_RAM_KB"]) / 1048576, E["BENCH_CHORUS"],
    E["BENCH_CHORUS_PATH"], E["BENCH_COMMIT"], E["BENCH_FFMPEG"], E["BENCH_VIPS"]))
p("Corpus: %s." % E["BENCH_CORPUS"])
p("Reproduce: %s." % E["BENCH_REPRO"])
p("")
p("| run | files | MB | wall s | files/s | MB/s | peak RSS MiB |")
p("|---|---:|---:|---:|---:|---:|---:|")
for n in order:
    r = rows[n]
    p("| %s | %d | %.0f | %.2f | %.1f | %.1f | %.0f |" % (
        n, r["files"], r["mb"], r["wall"], rate(r["files"], r["wall"]), rate(r["mb"], r["wall"]), r["rss"]))
p("")

def versus(label, chorus, peers):
    c = rows[chorus]
    parts = []
    for peer in peers:
        q = rows[peer]
        parts.append("%.2fx the speed of %s (%.1f vs %.1f files/s), %.2fx its peak RSS (%.0f vs %.0f MiB)" % (
            rate(q["wall"], c["wall"]), peer, rate(c["files"], c["wall"]), rate(q["files"], q["wall"]),
            rate(c["rss"], q["rss"]), c["rss"], q["rss"]))
    p("- %s: Chorus runs at %s." % (label, "; ".join(parts)))

versus("Photos", "Chorus, photos", ["vipsthumbnail, 1 process", "vipsthumbnail, 2 processes"])
versus("Clips", "Chorus, clips", ["ffprobe+ffmpeg, 1 at a time", "ffprobe+ffmpeg, 2 at a time"])
versus("HEIC photos", "Chorus, HEIC photos", ["vipsthumbnail HEIC, 1 process", "vipsthumbnail HEIC, 2 processes"])
h = rows["Chorus, one 4K HLG clip"]
p("- HDR: one 4K 10-bit HLG clip ingests (tone-mapped poster and filmstrip) in %.2f s at a peak RSS of %.0f MiB." % (h["wall"], h["rss"]))
a = rows["Chorus, RSS at %s files" % E["N_RSS_SMALL"]]
b = rows["Chorus, RSS at %s files" % E["N_SET"]]
p("- RSS flatness: peak RSS %.0f MiB at %s files, %.0f MiB at %s files (%.2fx for %dx the files)." % (
    a["rss"], E["N_RSS_SMALL"], b["rss"], E["N_SET"], rate(b["rss"], a["rss"]),
    int(E["N_SET"]) // int(E["N_RSS_SMALL"])))
p("")
p("Speed ratio = peer wall time / Chorus wall time (above 1: Chorus is faster). Same files, page "
  "cache warmed once for all runs, `sync` before each, no warm-up runs; order: vipsthumbnail x1, "
  "Chorus photos, vipsthumbnail x2, ffprobe+ffmpeg x1, Chorus clips, ffprobe+ffmpeg x2, Chorus whole "
  "corpus, Chorus RSS runs. Peers: `vipsthumbnail -s 512` (1 process; 2 processes over two halves); "
  "per clip `ffprobe -show_format -show_streams` + `ffmpeg -ss <10%> -frames:v 1 -vf scale=512:-2` "
  "(1 and 2 at a time). Multi-process runs: wall time of the whole, peak RSS of the largest process. "
  "Chorus ingests into a fresh library each run and does more per file than either peer: blake3, "
  "atomic fsynced copy into its store, EXIF, perceptual hash, SQLite catalog, and an 8-frame "
  "filmstrip per clip. MB = 10^6 bytes of input.")
print("\n".join(out))
EOF

cp "$RUN/results.md" "$RESULTS"
cat "$RESULTS"
log "report written to $RESULTS (raw /usr/bin/time and chorus JSON in $RUN/)"
