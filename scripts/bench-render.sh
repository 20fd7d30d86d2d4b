#!/usr/bin/env bash
# Render benchmark: `chorus render` against the ffmpeg CLI doing the same work with one
# filter graph. `make bench` runs this after building target/release/chorus.
#
#   scripts/bench-render.sh                              # the demo's 30 s 1080p hero, 3 runs each
#   BENCH_RENDER_RUNS=1 scripts/bench-render.sh          # one run each (a quick look)
#   BENCH_RENDER_TRANSITIONS=1 scripts/bench-render.sh   # also a copy of the hero with
#                                                        # crossfades and dips to black
#   BENCH_RENDER_LENGTHS=1 scripts/bench-render.sh       # also the hero's items twice and
#                                                        # four times over (57 s, 111 s), one
#                                                        # Chorus run each: does peak memory
#                                                        # grow with the piece's length?
#   CHORUS_BIN=path/to/chorus scripts/bench-render.sh
#
# Needs ffmpeg, ffprobe, python3 and GNU time (`scripts/bootstrap.sh bench` installs them).
# Never builds anything: it times the binary it is given. Works from any cwd.
#
# 1. A fresh demo library, bench-data/render-lib/ (gitignored), from assets/samples:
#    `chorus --library bench-data/render-lib demo --samples assets/samples` (no --render).
#    Rebuilt every run (well under a second), so the piece is the demo of the binary timed.
# 2. scripts/piece-to-ffmpeg.py reads the piece document (`chorus piece show P --json`) and
#    the assets it uses (`chorus show ID --json`) and writes the peer: one ffmpeg command,
#    one `-filter_complex_script` (bench-data/render/<piece>/ffmpeg-graph.txt): per item
#    trim, fps=30, orientation, the fit (blurred fill / crop / letterbox, Chorus's geometry),
#    the photos' push-in (zoompan), the credit line (drawtext), cuts (concat), crossfades
#    (xfade/acrossfade) and dips (fade/afade), the brand-colour cards with their text,
#    the clips' sound at 48 kHz stereo with silence elsewhere, the music bed ducked under
#    the voices (sidechaincompress) and mixed (amix), loudnorm to the piece's target (single
#    pass: see below), then libx264 -preset veryfast -crf 23, AAC 128k, +faststart, as
#    Chorus encodes. See that script's header for what is and is not the same.
# 3. Every input is read once (page cache equally warm for both), then RUNS rounds, the
#    order alternating (ffmpeg first in odd rounds, Chorus first in even ones), `sync` before
#    each command, each under `/usr/bin/time -v`: wall clock, user + system CPU, peak RSS.
#    No warm-up runs. Reported: the median of each figure over the runs (and the wall range).
#    CPU % = (user + sys) / wall; 200% is both cores of a 2-core machine. Each round also
#    times the ffmpeg command with its encoders swapped for the null muxer (`-f null -`), to
#    split ffmpeg's CPU between decoding + filtering and x264 + AAC, the part that is the
#    same code with the same settings on both sides.
# 4. Checks on both outputs (last run): H.264 yuv420p at the preset's size, 30/1 fps,
#    frame count within 1 of the piece's length (frames, as Chorus counts them), video and
#    audio duration within a frame (audio: plus one AAC frame), AAC 48 kHz stereo; with a
#    music bed, sound where no clip speaks (mean volume over the longest such stretch above
#    -50 dB); and, untimed, integrated loudness and true peak (ffmpeg's ebur128 filter)
#    against the target. A failed check is printed and makes the script exit 1 after the
#    report.
#
# Output: the machine, the exact commands, a table (stdout and bench-data/render/results.md,
# ready for BENCHMARKS.md) and a machine-readable summary in target/bench-render.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

CHORUS_BIN=${CHORUS_BIN:-target/release/chorus}
RUNS=${BENCH_RENDER_RUNS:-3}
TRANSITIONS=${BENCH_RENDER_TRANSITIONS:-0}
LENGTHS=${BENCH_RENDER_LENGTHS:-0}
LIB=bench-data/render-lib
WORK=bench-data/render
JSON_OUT=target/bench-render.json
RESULTS=$WORK/results.md
HERO="Homepage hero"
VARIANT="Homepage hero, transitions"

log() { echo "bench-render: $*" >&2; }

missing=()
for tool in ffmpeg ffprobe python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (GNU time)")
if ((${#missing[@]})); then
  log "missing: ${missing[*]}"
  log "run 'scripts/bootstrap.sh bench' (Debian: ffmpeg time python3)"
  exit 1
fi
if [[ ! -x "$CHORUS_BIN" ]]; then
  log "no Chorus binary at $CHORUS_BIN: build it first (cargo build --release --bin chorus; 'make bench' does)"
  exit 1
fi
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { log "BENCH_RENDER_RUNS must be a positive number"; exit 2; }

mkdir -p "$WORK" target

# ------------------------------------------------------------------ library and pieces

log "building the demo library in $LIB"
rm -rf "$LIB"
"$CHORUS_BIN" --library "$LIB" demo --samples assets/samples >"$WORK/demo.log" 2>&1 || {
  cat "$WORK/demo.log" >&2
  log "chorus demo failed"
  exit 1
}

PIECES=("$HERO")
if [[ "$TRANSITIONS" == 1 ]]; then
  # The demo hero is all cuts; this copy has every transition Chorus makes: crossfades and
  # dips to black of 500 ms, alternating, between every two items.
  "$CHORUS_BIN" --library "$LIB" piece export "$HERO" --out "$WORK/hero.json" >/dev/null
  campaign=$("$CHORUS_BIN" --library "$LIB" piece show "$HERO" --json | python3 -c '
import json, subprocess, sys
cid = json.load(sys.stdin)["campaign_id"]
out = subprocess.run([sys.argv[1], "--library", sys.argv[2], "campaign", "ls", "--json"],
                     check=True, capture_output=True, text=True).stdout
print(next(c["name"] for c in json.loads(out) if c["id"] == cid))' "$CHORUS_BIN" "$LIB")
  python3 - "$WORK/hero.json" "$WORK/hero-transitions.json" "$VARIANT" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["name"] = sys.argv[3]
for i, it in enumerate(doc["items"][1:]):
    it["transition"] = {"kind": "crossfade" if i % 2 == 0 else "dip_to_black", "duration_ms": 500}
json.dump(doc, open(sys.argv[2], "w"), indent=2)
EOF
  "$CHORUS_BIN" --library "$LIB" piece import "$WORK/hero-transitions.json" --campaign "$campaign" >/dev/null
  PIECES+=("$VARIANT")
fi

slug() { echo "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\+/-/g; s/^-//; s/-$//'; }

# ------------------------------------------------------------------ the machine

CPU_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')
NPROC=$(nproc)
MEM_GIB=$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
FFMPEG_VERSION=$(ffmpeg -hide_banner -version | head -1 | awk '{ print $3 }')
CHORUS_VERSION=$("$CHORUS_BIN" --version 2>/dev/null || echo "chorus ?")
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
BIN_MTIME=$(stat -c %Y "$CHORUS_BIN")
SRC_MTIME=$(find src Cargo.toml Cargo.lock assets/brand -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -1 | cut -d. -f1)
STALE=0
if [[ -n "$SRC_MTIME" && "$SRC_MTIME" -gt "$BIN_MTIME" ]]; then
  STALE=1
  log "note: $CHORUS_BIN ($(date -u -d @"$BIN_MTIME" '+%H:%M UTC %F')) is older than its sources ($(date -u -d @"$SRC_MTIME" '+%H:%M UTC %F')): it times the binary, not the sources"
fi

echo "Machine: $NPROC cores, $CPU_MODEL, $MEM_GIB GiB RAM; load average before: $LOAD_BEFORE"
echo "$CHORUS_VERSION ($CHORUS_BIN, commit $COMMIT, built $(date -u -d @"$BIN_MTIME" '+%F %H:%M UTC')$([[ $STALE == 1 ]] && echo ', older than the sources')), FFmpeg $FFMPEG_VERSION"

# ------------------------------------------------------------------ runs

# timed NAME TIMEFILE LOG CMD...: one run under GNU time; stops the benchmark if it fails.
timed() {
  local name=$1 tf=$2 lf=$3
  shift 3
  sync
  if ! /usr/bin/time -v -o "$tf" "$@" >"$lf" 2>&1; then
    tail -20 "$lf" >&2
    log "$name failed (log: $lf)"
    exit 1
  fi
}

# probe FILE OUT [FROM TO]: streams, packet counts and loudness of an output; with FROM TO
# (seconds), also the mean volume there (where only the music bed should sound).
probe() {
  local file=$1 out=$2
  {
    ffprobe -v error -count_packets -show_entries \
      stream=codec_type,codec_name,profile,pix_fmt,width,height,r_frame_rate,avg_frame_rate,nb_read_packets,duration,sample_rate,channels:format=duration,size \
      -of json "$file"
    echo '@@EBUR128@@'
    ffmpeg -nostdin -hide_banner -nostats -i "$file" -map 0:a:0 -af ebur128=peak=true -f null - 2>&1 |
      sed -n '/Summary:/,$p'
    if [[ $# -ge 4 ]]; then
      echo '@@QUIET@@'
      ffmpeg -nostdin -hide_banner -nostats -ss "$3" -to "$4" -i "$file" -map 0:a:0 -af volumedetect -f null - 2>&1 |
        grep -E 'mean_volume|max_volume'
    fi
  } >"$out"
}

for piece in "${PIECES[@]}"; do
  dir=$WORK/$(slug "$piece")
  rm -rf "$dir"
  mkdir -p "$dir"
  log "$piece: translating the piece into an ffmpeg command"
  python3 scripts/piece-to-ffmpeg.py --chorus "$CHORUS_BIN" --library "$LIB" --piece "$piece" \
    --work "$dir" --out "$dir/ffmpeg.mp4" >/dev/null
  mapfile -d '' FFARGS <"$dir/ffmpeg.args"
  CHORUS_CMD=("$CHORUS_BIN" --library "$LIB" render "$piece" --out "$dir/chorus.mp4")
  python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "${CHORUS_CMD[@]}" >"$dir/chorus.cmd"
  # The same inputs and graph with the encoders swapped for the null muxer: how much of
  # ffmpeg's time is decoding + filtering, and how much is x264 (the same encoder and
  # settings as Chorus's).
  NULLARGS=()
  for a in "${FFARGS[@]}"; do
    [[ "$a" == -map ]] && break
    NULLARGS+=("$a")
  done
  NULLARGS+=(-map '[vout]' -map '[aout]' -f null -)
  python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "${NULLARGS[@]}" >"$dir/ffmpeg-null.cmd"

  # Warm the page cache for both: every source, the bed, the font, the binaries.
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["input_files"]))' \
    "$dir/plan.json" | while read -r f; do cat "$f" >/dev/null; done
  cat assets/brand/fonts/DejaVuSans-Bold.ttf "$CHORUS_BIN" "$(command -v ffmpeg)" >/dev/null

  for ((r = 1; r <= RUNS; r++)); do
    if ((r % 2 == 1)); then order=(ffmpeg ffmpeg-null chorus); else order=(chorus ffmpeg-null ffmpeg); fi
    for tool in "${order[@]}"; do
      log "$piece: run $r/$RUNS: $tool"
      if [[ $tool == ffmpeg ]]; then
        rm -f "$dir/ffmpeg.mp4"
        timed ffmpeg "$dir/ffmpeg-$r.time" "$dir/ffmpeg-$r.log" "${FFARGS[@]}"
      elif [[ $tool == ffmpeg-null ]]; then
        timed "ffmpeg (no encoding)" "$dir/ffmpeg-null-$r.time" "$dir/ffmpeg-null-$r.log" "${NULLARGS[@]}"
      else
        rm -f "$dir/chorus.mp4"
        timed "chorus render" "$dir/chorus-$r.time" "$dir/chorus-$r.log" "${CHORUS_CMD[@]}"
      fi
    done
  done
  # The floor: x264 alone encoding Chorus's own frames (decoded from its output to raw YUV,
  # untimed, and read once into the page cache) with Chorus's settings, no sound.
  size=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print("%dx%d" % (p["width"], p["height"]))' "$dir/plan.json")
  ffmpeg -nostdin -v error -y -i "$dir/chorus.mp4" -f rawvideo -pix_fmt yuv420p "$dir/frames.yuv"
  cat "$dir/frames.yuv" >/dev/null
  X264_CMD=(ffmpeg -nostdin -hide_banner -loglevel error -y -f rawvideo -pix_fmt yuv420p -s "$size" -r 30
    -i "$dir/frames.yuv" -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -an -movflags +faststart "$dir/x264.mp4")
  python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "${X264_CMD[@]}" >"$dir/x264.cmd"
  for ((r = 1; r <= RUNS; r++)); do
    log "$piece: run $r/$RUNS: x264 alone"
    timed "x264 alone" "$dir/x264-$r.time" "$dir/x264-$r.log" "${X264_CMD[@]}"
  done
  rm -f "$dir/frames.yuv" "$dir/x264.mp4"
  quiet=$(python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["quiet_span_s"]; print(f"{q[0]:.3f} {q[1]:.3f}" if q else "")' "$dir/plan.json")
  # shellcheck disable=SC2086 # two numbers or nothing
  probe "$dir/ffmpeg.mp4" "$dir/ffmpeg.probe" $quiet
  # shellcheck disable=SC2086
  probe "$dir/chorus.mp4" "$dir/chorus.probe" $quiet
done

# Memory against length: the hero's storyboard repeated, rendered once each by Chorus.
rm -f "$WORK/lengths.tsv"
if [[ "$LENGTHS" == 1 ]]; then
  "$CHORUS_BIN" --library "$LIB" piece export "$HERO" --out "$WORK/hero-len.json" >/dev/null
  campaign=$("$CHORUS_BIN" --library "$LIB" piece show "$HERO" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["campaign_id"])')
  campaign=$("$CHORUS_BIN" --library "$LIB" campaign ls --json | python3 -c 'import json,sys; print(next(c["name"] for c in json.load(sys.stdin) if c["id"] == int(sys.argv[1])))' "$campaign")
  for k in 1 2 4; do
    name="$HERO"
    if ((k > 1)); then
      name="$HERO, ${k}x"
      python3 - "$WORK/hero-len.json" "$WORK/hero-$k.json" "$name" "$k" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["name"], k = sys.argv[3], int(sys.argv[4])
doc["items"] = doc["items"] * k
if doc.get("target_ms"):
    doc["target_ms"] *= k
json.dump(doc, open(sys.argv[2], "w"), indent=2)
EOF
      "$CHORUS_BIN" --library "$LIB" piece import "$WORK/hero-$k.json" --campaign "$campaign" >/dev/null
    fi
    log "length: $name"
    timed "chorus render ($name)" "$WORK/length-$k.time" "$WORK/length-$k.log" \
      "$CHORUS_BIN" --library "$LIB" render "$name" --out "$WORK/length-$k.mp4"
    frames=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$WORK/length-$k.mp4")
    printf '%s\t%s\t%s\n' "$name" "$frames" "$WORK/length-$k.time" >>"$WORK/lengths.tsv"
    rm -f "$WORK/length-$k.mp4"
  done
fi

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report

export ROOT WORK RUNS JSON_OUT RESULTS CPU_MODEL NPROC MEM_GIB LOAD_BEFORE LOAD_AFTER \
  FFMPEG_VERSION CHORUS_VERSION CHORUS_BIN COMMIT BIN_MTIME STALE
printf '%s\n' "${PIECES[@]}" >"$WORK/pieces.txt"
python3 - <<'EOF'
import datetime, json, os, re, statistics

E = os.environ
work, runs = E["WORK"], int(E["RUNS"])
pieces = [p for p in open(os.path.join(work, "pieces.txt")).read().splitlines() if p]


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def gnu_time(path):
    t = {}
    for line in open(path):
        k, _, v = line.strip().rpartition(": ")
        t[k] = v
    h, m, s = ([0, 0] + t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
    wall = int(h) * 3600 + int(m) * 60 + float(s)
    user, sys_ = float(t["User time (seconds)"]), float(t["System time (seconds)"])
    return {"wall_s": wall, "user_s": user, "sys_s": sys_,
            "cpu_pct": 100 * (user + sys_) / wall if wall else 0.0,
            "max_rss_mib": int(t["Maximum resident set size (kbytes)"]) / 1024}


def parse_probe(path):
    text = open(path).read()
    js, _, ebu = text.partition("@@EBUR128@@")
    ebu, _, quiet = ebu.partition("@@QUIET@@")
    mean = re.search(r"mean_volume: (-?[\d.inf]+) dB", quiet)
    p = json.loads(js)
    v = next((s for s in p["streams"] if s["codec_type"] == "video"), {})
    a = next((s for s in p["streams"] if s["codec_type"] == "audio"), {})
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", ebu)
    peak = re.search(r"Peak:\s+(-?[\d.inf]+) dBFS", ebu)
    return {
        "video_codec": v.get("codec_name"), "pix_fmt": v.get("pix_fmt"),
        "width": v.get("width"), "height": v.get("height"),
        "r_frame_rate": v.get("r_frame_rate"), "avg_frame_rate": v.get("avg_frame_rate"),
        "frames": int(v.get("nb_read_packets", 0)),
        "video_duration_s": float(v.get("duration", 0) or 0),
        "audio_codec": a.get("codec_name"), "sample_rate": int(a.get("sample_rate", 0) or 0),
        "channels": a.get("channels"), "audio_duration_s": float(a.get("duration", 0) or 0),
        "file_duration_s": float(p["format"].get("duration", 0) or 0),
        "size_bytes": int(p["format"].get("size", 0) or 0),
        "integrated_lufs": float(lufs.group(1)) if lufs else None,
        "true_peak_dbfs": float(peak.group(1)) if peak and peak.group(1) != "-inf" else None,
        "quiet_span_mean_volume_db": (float(mean.group(1)) if mean.group(1) != "-inf" else -200.0) if mean else None,
    }


def checks(o, plan):
    frame = 1 / plan["fps"]
    want = plan["frames"] / plan["fps"]
    c = {
        "h264 yuv420p": o["video_codec"] == "h264" and o["pix_fmt"] == "yuv420p",
        "size": (o["width"], o["height"]) == (plan["width"], plan["height"]),
        "30 fps": o["r_frame_rate"] == f"{plan['fps']}/1" and o["avg_frame_rate"] == f"{plan['fps']}/1",
        "frames ±1": abs(o["frames"] - plan["frames"]) <= 1,
        "video duration ±1 frame": abs(o["video_duration_s"] - want) <= frame + 1e-6,
        "audio duration ±1 frame": abs(o["audio_duration_s"] - want) <= frame + 1024 / 48000 + 1e-6,
        "aac 48 kHz stereo": o["audio_codec"] == "aac" and o["sample_rate"] == 48000 and o["channels"] == 2,
    }
    if plan["music_bed"] and plan["quiet_span_s"]:
        # Where no clip speaks only the bed plays: it must be heard (Chorus sets it 9 LU
        # under the voices before normalising; silence is about -91 dB after AAC).
        c["music bed audible"] = (o["quiet_span_mean_volume_db"] or -200.0) > -50.0
    return c


def median(xs):
    return statistics.median(xs)


report = {
    "benchmark": "render",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "reproduce": "scripts/bench-render.sh (make bench)",
    "machine": {"cores": int(E["NPROC"]), "cpu": E["CPU_MODEL"], "ram_gib": float(E["MEM_GIB"]),
                "load_average_before": E["LOAD_BEFORE"], "load_average_after": E["LOAD_AFTER"]},
    "chorus": {"version": E["CHORUS_VERSION"], "binary": E["CHORUS_BIN"], "commit": E["COMMIT"],
               "binary_built": datetime.datetime.fromtimestamp(int(E["BIN_MTIME"]), datetime.timezone.utc).isoformat(timespec="seconds"),
               "binary_older_than_sources": E["STALE"] == "1"},
    "ffmpeg_version": E["FFMPEG_VERSION"],
    "runs_per_tool": runs,
    "pieces": [],
}
md = []
all_ok = True
for piece in pieces:
    d = os.path.join(work, slug(piece))
    plan = json.load(open(os.path.join(d, "plan.json")))
    entry = {"piece": piece, "expected": {k: plan[k] for k in ("width", "height", "fps", "frames", "duration_s", "target_lufs")},
             "content": {k: plan[k] for k in ("items", "item_kinds", "transitions", "cards", "music_bed")},
             "tools": {}}
    for tool, label in (("chorus", "Chorus (`chorus render`)"), ("ffmpeg", "ffmpeg CLI, one filter graph"),
                        ("ffmpeg-null", "ffmpeg CLI, same graph, no encoding (`-f null`)"),
                        ("x264", "x264 alone: Chorus's frames from raw YUV, same settings, no sound")):
        rs = [gnu_time(os.path.join(d, f"{tool}-{r}.time")) for r in range(1, runs + 1)]
        med = {k: median([r[k] for r in rs]) for k in rs[0]}
        cmd = plan["command"] if tool == "ffmpeg" else open(os.path.join(d, f"{tool}.cmd")).read().strip()
        t = {"label": label, "command": cmd, "runs": rs, "median": med,
             "wall_min_s": min(r["wall_s"] for r in rs), "wall_max_s": max(r["wall_s"] for r in rs)}
        if tool not in ("ffmpeg-null", "x264"):
            out = parse_probe(os.path.join(d, f"{tool}.probe"))
            c = checks(out, plan)
            t.update(output=out, checks=c, checks_ok=all(c.values()))
            all_ok &= t["checks_ok"]
        entry["tools"][tool] = t
    ch, ff, fn = entry["tools"]["chorus"], entry["tools"]["ffmpeg"], entry["tools"]["ffmpeg-null"]
    xo = entry["tools"]["x264"]
    cpu = lambda t: t["median"]["user_s"] + t["median"]["sys_s"]
    entry["ratios"] = {
        "wall_chorus_over_ffmpeg": ch["median"]["wall_s"] / ff["median"]["wall_s"],
        "wall_chorus_over_x264_alone": ch["median"]["wall_s"] / xo["median"]["wall_s"],
        "cpu_time_chorus_over_ffmpeg": cpu(ch) / cpu(ff),
        "rss_chorus_over_ffmpeg": ch["median"]["max_rss_mib"] / ff["median"]["max_rss_mib"],
    }
    report["pieces"].append(entry)

    secs = plan["duration_s"]
    md.append(f"**{piece}**: {plan['width']}×{plan['height']}, {secs:.2f} s, {plan['frames']} frames at {plan['fps']} fps; "
              f"{plan['items']} items ({', '.join(f'{n} {k}' for k, n in plan['item_kinds'].items())}), "
              f"transitions: {', '.join(f'{n} {k}' for k, n in plan['transitions'].items()) or 'none'}, "
              f"{plan['cards']} cards, music bed {'yes' if plan['music_bed'] else 'no'}. Median of {runs} run(s).")
    md.append("")
    md.append("| run | wall s (median) | wall s (range) | × realtime | CPU s (user+sys) | CPU % | peak RSS MiB |")
    md.append("|---|---:|---:|---:|---:|---:|---:|")
    for t in (ch, ff, fn, xo):
        m = t["median"]
        md.append(f"| {t['label']} | {m['wall_s']:.2f} | {t['wall_min_s']:.2f}–{t['wall_max_s']:.2f} | "
                  f"{secs / m['wall_s']:.2f} | {m['user_s'] + m['sys_s']:.1f} | {m['cpu_pct']:.0f} | {m['max_rss_mib']:.0f} |")
    md.append("")
    md.append("| output | frames | video s | audio s | size | fps | file MB | loudness (target "
              f"{plan['target_lufs']:g} LUFS) | true peak | bed alone, mean | checks |")
    md.append("|---|---:|---:|---:|---|---|---:|---:|---:|---:|---|")
    for t in (ch, ff):
        o = t["output"]
        bad = [k for k, v in t["checks"].items() if not v]
        md.append(f"| {t['label']} | {o['frames']} | {o['video_duration_s']:.3f} | {o['audio_duration_s']:.3f} | "
                  f"{o['width']}×{o['height']} | {o['avg_frame_rate']} | {o['size_bytes'] / 1e6:.1f} | "
                  f"{o['integrated_lufs'] if o['integrated_lufs'] is not None else '?'} LUFS | "
                  f"{o['true_peak_dbfs'] if o['true_peak_dbfs'] is not None else '?'} dBFS | "
                  f"{o['quiet_span_mean_volume_db'] if o['quiet_span_mean_volume_db'] is not None else '–'} dB | "
                  f"{'ok' if not bad else 'FAILED: ' + ', '.join(bad)} |")
    md.append("")
    r = entry["ratios"]
    md.append(f"- Chorus takes {r['wall_chorus_over_ffmpeg']:.2f}× the ffmpeg CLI's wall time "
              f"({ch['median']['wall_s']:.1f} vs {ff['median']['wall_s']:.1f} s), "
              f"{r['cpu_time_chorus_over_ffmpeg']:.2f}× its CPU time ({cpu(ch):.1f} vs {cpu(ff):.1f} s) and "
              f"{r['rss_chorus_over_ffmpeg']:.2f}× its peak RSS ({ch['median']['max_rss_mib']:.0f} vs {ff['median']['max_rss_mib']:.0f} MiB).")
    md.append(f"- Chorus takes {r['wall_chorus_over_x264_alone']:.2f}× the wall time of x264 alone encoding "
              f"its frames with the same settings ({ch['median']['wall_s']:.1f} vs {xo['median']['wall_s']:.1f} s): "
              "the floor no renderer that encodes with x264 can go under.")
    md.append(f"- Of the ffmpeg CLI's {cpu(ff):.1f} s of CPU, decoding and the filter graph take {cpu(fn):.1f} s "
              f"(the same command into the null muxer); the other {cpu(ff) - cpu(fn):.1f} s are x264 and AAC, "
              "which Chorus runs with the same settings.")
    if plan["quiet_span_s"]:
        q = plan["quiet_span_s"]
        md.append(f"- \"Bed alone\": mean volume from {q[0]:.2f} to {q[1]:.2f} s, where no clip has sound "
                  "(photos, cards, silent clips); about -91 dB is digital silence after AAC.")
    md.append("")
    md.append(f"Chorus: `{ch['command']}`")
    md.append("")
    md.append(f"ffmpeg (graph in `{os.path.join(work, slug(piece), 'ffmpeg-graph.txt')}`, "
              f"{plan['filters']} filters, {plan['inputs']} inputs): `{ff['command']}`")
    md.append("")
    md.append(f"ffmpeg without encoding: the same up to `-filter_complex_script`, then `-map '[vout]' -map '[aout]' -f null -`.")
    md.append("")

lengths = os.path.join(work, "lengths.tsv")
if os.path.exists(lengths):
    rows = [l.split("\t") for l in open(lengths).read().splitlines() if l]
    md.append("**Memory against length**: the hero's storyboard once, twice and four times over, one "
              "`chorus render` each.")
    md.append("")
    md.append("| piece | frames | seconds | wall s | peak RSS MiB |")
    md.append("|---|---:|---:|---:|---:|")
    peaks = []
    for name, frames, tf in rows:
        t = gnu_time(tf.strip())
        peaks.append(t["max_rss_mib"])
        md.append(f"| {name} | {frames} | {int(frames) / 30:.1f} | {t['wall_s']:.2f} | {t['max_rss_mib']:.0f} |")
        report.setdefault("lengths", []).append({"piece": name, "frames": int(frames), **t})
    md.append("")
    md.append(f"- From the shortest to the longest, peak RSS changes by {peaks[-1] - peaks[0]:+.0f} MiB "
              f"({100 * (peaks[-1] / peaks[0] - 1):+.1f}%) for {int(rows[-1][1]) / int(rows[0][1]):.1f}× the frames.")
    md.append("")

machine = (f"Machine: {E['NPROC']} cores, {E['CPU_MODEL']}, {E['MEM_GIB']} GiB RAM "
           f"(load average {E['LOAD_BEFORE'].split()[0]} before, {E['LOAD_AFTER'].split()[0]} after). "
           f"{E['CHORUS_VERSION']} (`{E['CHORUS_BIN']}`, commit {E['COMMIT']}"
           f"{', binary older than the sources' if E['STALE'] == '1' else ''}), FFmpeg {E['FFMPEG_VERSION']}.")
header = [f"### Run of {datetime.datetime.now(datetime.timezone.utc).strftime('%a %b %d %H:%M:%S UTC %Y')}", "",
          machine, "Reproduce: `make bench` (or `scripts/bench-render.sh`).", ""]
text = "\n".join(header + md)
open(E["RESULTS"], "w").write(text + "\n")
json.dump(report, open(E["JSON_OUT"], "w"), indent=2)
print()
print(text)
print(f"(also in {E['RESULTS']}; summary: {E['JSON_OUT']})")
if not all_ok:
    print("bench-render: an output failed its checks (see the table above)")
    raise SystemExit(1)
EOF
