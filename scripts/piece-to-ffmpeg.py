#!/usr/bin/env python3
"""Translates a Chorus montage piece into ONE ffmpeg CLI command with one filter graph
(`-filter_complex_script`), doing the same work as `chorus render`: the render benchmark's
peer (`scripts/bench-render.sh`).

    scripts/piece-to-ffmpeg.py --chorus target/release/chorus --library LIB \
        --piece "Homepage hero" --work DIR --out DIR/ffmpeg.mp4

Reads the piece document (`chorus piece show P --json`), every asset it uses
(`chorus show ID --json`: kind, oriented size, EXIF orientation, audio) and the brand name
(`chorus settings ls`), and writes into --work:

* ffmpeg-graph.txt   the filter graph (one `-filter_complex_script`);
* ffmpeg.args        the whole ffmpeg argv, NUL-separated (`mapfile -d ''` in bash);
* ffmpeg.sh          the same command, shell-quoted, for people;
* plan.json          what the output must be (frames, size, fps) and what was translated how;
* card-*.txt, credit-*.txt  drawtext's texts (textfile=, so nothing needs escaping).

Per item, as Chorus does it (src/render/mod.rs, src/render/sound.rs):

* clip: input seek and length (-ss IN -t LEN, ffmpeg's accurate seek), rotation by
  ffmpeg's autorotate (the display matrix Chorus reads too), fps=30 (repeats or drops
  source frames like Chorus), then exactly n = round(len*30) frames (tpad clone holds the last
  frame if the clip runs short, as Chorus does; trim cuts);
* photo: one decode, turned upright by the catalogue's EXIF orientation (transpose/flip,
  with -noautorotate so the CLI does not turn it a second time); pan_zoom: zoompan from
  1.00x to 1.08x over the item, centred, which crops and rescales every frame as Chorus's
  push-in does, straight to the fitted size; otherwise fitted once and looped (Chorus
  composes a still once and copies it);
* fit to the frame with Chorus's geometry: blurred_fill = the picture squashed to 1/40 of the
  frame by area averaging, blown back up bilinearly and darkened to 3/5 (Chorus's blur),
  with the contained picture overlaid in the centre; crop = cover and crop the centre;
  letterbox = contain and pad black. Downscales by area averaging, upscales bilinear, like
  Chorus's compose();
* the credit line with drawtext (Noto Sans Bold, the face Chorus's shaping picks for Latin
  text, Chorus's size, margin and 60% black shadow), every frame;
* transitions: cut = concat; crossfade = xfade=fade (overlap, the piece gets shorter by it)
  and acrossfade (linear); dip_to_black = fade out over half the dip at the end of the item
  before and fade in over the other half (no overlap), the sound faded alike;
* intro/outro cards: a colour source in the brand colour, the logo (overlaid, fading in) and
  two lines of drawtext fading in over half a second (Chorus also scales the logo and slides
  the lines); the outro's lines are the call to action when the piece has one; a crossfade
  (xfade) from the last item into the outro when the piece has one;
* sound: each clip's own audio resampled to 48 kHz stereo, levelled to -23 LUFS (loudnorm,
  single pass, per clip: Chorus measures each clip's trim and applies one gain), with 10 ms
  fades at its edges; silence under photos, cards and
  clips without sound, cut and faded as the picture; the music bed (if the piece has one)
  faded in 0.5 s / out 1.5 s, at a fixed level, ducked under the clips' speech band
  (sidechaincompress keyed by a 300-3400 Hz band-pass of the voices), mixed (amix), then
  loudnorm to the piece's target, SINGLE pass (FFmpeg's exact normalisation needs a
  measuring pass first; Chorus measures the whole mix in memory and applies one gain);
* everything in yuv420p (as Chorus composites; it places the push-in's window to a
  fraction of a pixel where zoompan rounds to whole pixels), encoded
  as Chorus does: libx264 -preset veryfast -crf 23, yuv420p, 30 fps, AAC 128 kb/s 48 kHz
  stereo, +faststart.
"""

import argparse
import json
import math
import os
import re
import shlex
import struct
import subprocess
import sys

FPS = 30
RATE = 48_000
SPF = RATE // FPS  # audio samples per video frame
CARD_RGB = "0x1d3f72"  # src/render/mod.rs CARD_RGB
# Fixed level of the music bed before ducking and loudnorm. Chorus measures the voices and
# the bed and sets the bed 3 LU under the voices; a single ffmpeg pass cannot measure first.
BED_GAIN_DB = -8.0


def frames(ms):
    """Chorus's frames(): milliseconds to whole frames at 30 fps, rounded half up."""
    return (ms * FPS + 500) // 1000


def rround(x):
    """Rust's f64::round (half away from zero) for the positive values used here."""
    return int(math.floor(x + 0.5))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def brand_name(chorus, lib):
    """The brand name Chorus writes on the cards (`settings ls`), default BrandCo."""
    out = subprocess.run(
        [chorus, "--library", lib, "settings", "ls"], check=True, capture_output=True, text=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("brand_name"):
            rest = line[len("brand_name"):].strip()
            if rest.startswith("(default)"):
                m = re.search(r"\(default: ([^)]*)\)\s*$", rest)
                return m.group(1) if m else "BrandCo"
            # A set value: the second column (values are separated from the help text by
            # at least two spaces).
            return re.split(r"\s{2,}", rest)[0]
    return "BrandCo"


def music_bed(chorus, lib, repo):
    """The bed Chorus uses: the `music_bed` setting, else the built-in demo loop."""
    out = subprocess.run(
        [chorus, "--library", lib, "settings", "ls"], check=True, capture_output=True, text=True
    ).stdout
    for line in out.splitlines():
        if line.startswith("music_bed"):
            rest = line[len("music_bed"):].strip()
            if not rest.startswith("(default)"):
                return re.split(r"\s{2,}", rest)[0]
    return "assets/brand/music-bed.m4a"


def font_height_per_em(path):
    """(ascent - descent) / units_per_em from the font's hhea and head tables: ab_glyph's
    PxScale (Chorus) is the ascent-to-descent height, drawtext's fontsize the em size."""
    with open(path, "rb") as f:
        data = f.read()
    (count,) = struct.unpack(">H", data[4:6])
    tables = {}
    for i in range(count):
        tag, _, off, _ = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        tables[tag] = off
    (upem,) = struct.unpack(">H", data[tables[b"head"] + 18: tables[b"head"] + 20])
    asc, desc = struct.unpack(">hh", data[tables[b"hhea"] + 4: tables[b"hhea"] + 8])
    return (asc - desc) / upem


SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+-]+$")


def graph_path(p):
    """A path used inside the filter graph: refuse anything that would need escaping."""
    if not SAFE_PATH.match(p):
        sys.exit(f"piece-to-ffmpeg: path {p!r} would need escaping in the filter graph; "
                 "run from a folder whose path has only letters, digits and ._/+-")
    return p


# EXIF orientation -> filters that show the picture upright (what image's
# apply_orientation does in Chorus).
ORIENT = {
    1: [], 2: ["hflip"], 3: ["hflip", "vflip"], 4: ["vflip"],
    5: ["transpose=cclock_flip"], 6: ["transpose=clock"],
    7: ["transpose=clock_flip"], 8: ["transpose=cclock"],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chorus", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--piece", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--font", default="/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")
    ap.add_argument("--logo", default="assets/brand/logo.png")
    args = ap.parse_args()

    repo = os.getcwd()
    os.makedirs(args.work, exist_ok=True)
    shown = run_json([args.chorus, "--library", args.library, "piece", "show", args.piece, "--json"])
    doc = shown.get("document", shown)
    if doc.get("kind") != "montage":
        sys.exit(f"piece-to-ffmpeg: {args.piece!r} is a {doc.get('kind')}, not a montage")
    W, H = {"hero_16x9": (1920, 1080), "story_9x16": (1080, 1920),
            "square_1x1": (1080, 1080), "feed_4x5": (1080, 1350)}[doc["preset"]]
    items = doc["items"]
    assets = {}
    for it in items:
        if it["asset_id"] not in assets:
            assets[it["asset_id"]] = run_json(
                [args.chorus, "--library", args.library, "show", str(it["asset_id"]), "--json"])
    brand = brand_name(args.chorus, args.library)
    font = graph_path(args.font)
    em = font_height_per_em(font)
    work_rel = os.path.relpath(args.work, repo)

    inputs = []  # argv pieces, one list per input
    graph = []   # filter chains
    notes = []

    def add_input(argv):
        inputs.append(argv)
        return len(inputs) - 1

    def text_file(name, text):
        path = os.path.join(work_rel, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return graph_path(path)

    def drawtext(textfile, px, x, y):
        # Chorus: glyphs at PxScale px (ascent-to-descent height), a shadow offset by
        # 1/14 of the line height at 60% black, then white text.
        line_h = math.ceil(px) + 2
        shadow = max(1, line_h // 14)
        return (f"drawtext=fontfile={font}:textfile={textfile}:expansion=none:"
                f"fontsize={px / em:.2f}:fontcolor=white:shadowcolor=black@0.6:"
                f"shadowx={shadow}:shadowy={shadow}:x={x}:y={y}")

    def fit_chain(tag, pw, ph, fit, zoom_n=None):
        """Filters from an upright pw x ph picture (yuv420p) to W x H; with zoom_n, the
        push-in over zoom_n frames is folded into the scaling step (zoompan)."""
        contain = min(W / pw, H / ph)
        cover = max(W / pw, H / ph)

        def scale_to(w, h):
            if zoom_n is not None:
                return (f"zoompan=z='1+0.08*on/{zoom_n}':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2'"
                        f":d={zoom_n}:s={w}x{h}:fps={FPS}")
            flags = "area" if (w <= pw and h <= ph) else "bilinear"
            return f"scale={w}:{h}:flags={flags}"

        if fit == "crop":
            sw, sh = max(rround(pw * cover), W), max(rround(ph * cover), H)
            return [f"{scale_to(sw, sh)},crop={W}:{H}:{(sw - W) // 2}:{(sh - H) // 2}"]
        fw = min(max(rround(pw * contain), 1), W)
        fh = min(max(rround(ph * contain), 1), H)
        x, y = (W - fw) // 2, (H - fh) // 2
        if fit == "letterbox":
            return [f"{scale_to(fw, fh)},pad={W}:{H}:{x}:{y}:black"]
        # blurred_fill: the background from the (zoomed) picture at its fitted size; Chorus
        # takes it from the full picture, the same pixels at a larger size.
        tw, th = max(W // 40, 1), max(H // 40, 1)
        dark = "lutyuv=y='16+(val-16)*3/5':u='128+(val-128)*3/5':v='128+(val-128)*3/5'"
        chains = [
            f"{scale_to(fw, fh)},split=2[{tag}bg0][{tag}fg]",
            f"[{tag}bg0]scale={tw}:{th}:flags=area,scale={W}:{H}:flags=bilinear,{dark}[{tag}bg]",
            f"[{tag}bg][{tag}fg]overlay={x}:{y}:format=yuv420",
        ]
        return chains

    segments = []  # {v, a, n, trans: (kind, frames) into this segment}

    # ---- cards
    card_n = frames(doc["card_ms"])

    def card(name, line, sub, trans=("cut", 0)):
        main_tf = text_file(f"card-{name}.txt", line)
        sub_tf = text_file(f"card-{name}-sub.txt", sub)
        v, a = f"v{name}", f"a{name}"
        logo_h = H // 6
        k = add_input(["-loop", "1", "-framerate", str(FPS), "-t", f"{card_n / FPS:.6f}",
                       "-i", args.logo])
        fade = "alpha='min(1,t/0.5)'"
        graph.append(f"[{k}:v]scale=-2:{logo_h},format=yuva420p,fade=t=in:st=0:d=0.5:alpha=1[{v}logo]")
        graph.append(
            f"color=c={CARD_RGB}:s={W}x{H}:r={FPS},trim=end_frame={card_n},format=yuv420p[{v}bg]")
        graph.append(
            f"[{v}bg][{v}logo]overlay=x=(W-w)/2:y=H*0.3:format=yuv420,"
            f"{drawtext(main_tf, H * 0.065, '(w-text_w)/2', 'h*0.5')}:{fade},"
            f"{drawtext(sub_tf, H * 0.04, '(w-text_w)/2', 'h*0.6')}:{fade},"
            f"trim=end_frame={card_n},setsar=1,settb=1/{FPS}[{v}]")
        graph.append(f"anullsrc=r={RATE}:cl=stereo,atrim=end_sample={card_n * SPF},"
                     f"aformat=sample_fmts=fltp:channel_layouts=stereo[{a}]")
        return {"v": v, "a": a, "n": card_n, "trans": trans, "voice": False}

    if doc["intro_card"]:
        segments.append(card("intro", brand, "Made by our customers"))

    # ---- items
    margin = H // 25
    credit_px = H * 0.045
    credit_y = H - margin - (math.ceil(credit_px) + 2)
    for i, it in enumerate(items):
        a = assets[it["asset_id"]]
        n = frames(it["out_ms"] - it["in_ms"])
        store = os.path.join(args.library, "store", it["source_hash"][:2], it["source_hash"])
        tag = f"i{i}"
        pw, ph = a["width"], a["height"]  # as a viewer sees it (rotation, EXIF applied)
        if it["kind"] == "clip":
            argv = []
            if it["in_ms"] > 0:
                argv += ["-ss", f"{it['in_ms'] / 1000:.3f}"]
            argv += ["-t", f"{(it['out_ms'] - it['in_ms']) / 1000:.3f}", "-i", store]
            k = add_input(argv)
            # Rotation: ffmpeg's autorotate (on by default) turns the picture by the display
            # matrix before the graph, as Chorus turns it by the catalogued rotation.
            head = (f"[{k}:v]setpts=PTS-STARTPTS,fps={FPS},tpad=stop_mode=clone:stop={n},"
                    f"trim=end_frame={n},format=yuv420p")
            fit = fit_chain(tag, pw, ph, it["fit"])
        else:
            # Debian's FFmpeg 5.1 exports EXIF orientation as a display matrix that the CLI
            # would apply; the catalogue's orientation is applied instead, explicitly, as
            # Chorus does (the same turn either way, but independent of the FFmpeg version).
            k = add_input(["-noautorotate", "-framerate", str(FPS), "-i", store])
            orient = ORIENT.get(a.get("exif_orientation") or 1, [])
            head = ",".join([f"[{k}:v]format=yuv420p"] + orient)
            fit = fit_chain(tag, pw, ph, it["fit"], zoom_n=n if it.get("pan_zoom") else None)
        # The input chain goes on into the fit chain's first filter.
        chains = [head + "," + fit[0]] + fit[1:]
        post = []
        if it["kind"] == "photo" and not it.get("pan_zoom"):
            post.append(f"loop=loop={n - 1}:size=1:start=0,setpts=N/({FPS}*TB)")
        credit = it.get("credit", "").strip()
        if credit:
            post.append(drawtext(text_file(f"credit-{i}.txt", credit), credit_px, margin, credit_y))
        # Dips to black: this item fades in over half its dip, the one before fades out.
        fade_in = frames(it["transition"]["duration_ms"]) // 2 \
            if i > 0 and it["transition"]["kind"] == "dip_to_black" else 0
        nxt = items[i + 1] if i + 1 < len(items) else None
        fade_out = frames(nxt["transition"]["duration_ms"]) // 2 \
            if nxt and nxt["transition"]["kind"] == "dip_to_black" else 0
        afades = []
        if fade_in:
            post.append(f"fade=t=in:s=0:n={fade_in}")
            afades.append(f"afade=t=in:ss=0:ns={fade_in * SPF}")
        if fade_out:
            post.append(f"fade=t=out:s={n - fade_out}:n={fade_out}")
            afades.append(f"afade=t=out:ss={(n - fade_out) * SPF}:ns={fade_out * SPF}")
        post.append(f"trim=end_frame={n},setsar=1,settb=1/{FPS}")
        chains[-1] += "," + ",".join(post) + f"[v{tag}]"
        graph.extend(chains)
        # Sound: the clip's own, or silence, exactly n frames long.
        ns = n * SPF
        if it["kind"] == "clip" and a.get("has_audio"):
            edge = RATE // 100
            src = (f"[{k}:a]asetpts=PTS-STARTPTS,aresample={RATE},"
                   f"loudnorm=I=-23:TP=-2:LRA=20,aresample={RATE},"
                   f"afade=t=in:ss=0:ns={edge},areverse,afade=t=in:ss=0:ns={edge},areverse,")
        else:
            src = f"anullsrc=r={RATE}:cl=stereo,"
        graph.append(src + ",".join(
            ["aformat=sample_fmts=fltp:channel_layouts=stereo", f"apad=whole_len={ns}",
             f"atrim=end_sample={ns}"] + afades) + f"[a{tag}]")
        kind = it["transition"]["kind"] if i > 0 else "cut"
        k_frames = frames(it["transition"]["duration_ms"]) if kind == "crossfade" else 0
        segments.append({"v": f"v{tag}", "a": f"a{tag}", "n": n, "trans": (kind, k_frames),
                         "voice": it["kind"] == "clip" and bool(a.get("has_audio"))})

    if doc["outro_card"]:
        cta = doc.get("cta") or {}
        fade = frames(doc.get("outro_fade_ms") or 0)
        segments.append(card("outro", cta.get("text") or "Thank you", cta.get("url") or brand,
                             ("crossfade", fade) if fade else ("cut", 0)))

    # ---- joining: runs of cuts (and dips) are one concat; a crossfade is xfade/acrossfade
    counter = [0]

    def concat(run):
        if len(run) == 1:
            return run[0]
        counter[0] += 1
        v, a = f"vc{counter[0]}", f"ac{counter[0]}"
        graph.append("".join(f"[{s['v']}]" for s in run)
                     + f"concat=n={len(run)}:v=1:a=0,settb=1/{FPS}[{v}]")
        graph.append("".join(f"[{s['a']}]" for s in run) + f"concat=n={len(run)}:v=0:a=1[{a}]")
        return {"v": v, "a": a, "n": sum(s["n"] for s in run)}

    run = []
    for s in segments:
        kind, k = s["trans"]
        if kind == "crossfade" and run:
            base = concat(run)
            counter[0] += 1
            v, a = f"vx{counter[0]}", f"ax{counter[0]}"
            graph.append(f"[{base['v']}][{s['v']}]xfade=transition=fade:duration={k / FPS:.6f}:"
                         f"offset={(base['n'] - k) / FPS:.6f},settb=1/{FPS}[{v}]")
            graph.append(f"[{base['a']}][{s['a']}]acrossfade=ns={k * SPF}:c1=tri:c2=tri[{a}]")
            run = [{"v": v, "a": a, "n": base["n"] + s["n"] - k}]
        else:
            run.append(s)
    final = concat(run)

    # The longest stretch of the output with no clip sound (photos, cards, silent clips),
    # inside the bed's fades, a quarter second in from each end: with a music bed, the
    # output must not be silent there (the benchmark checks it).
    spans, pos = [], 0
    for s in segments:
        kind, k = s["trans"]
        start = pos - (k if kind == "crossfade" else 0)
        spans.append((start, start + s["n"], s["voice"]))
        pos = start + s["n"]
    voiced = [(a, b) for a, b, v in spans if v]
    quiet, cur = [], None
    for a, b, v in spans:
        if v:
            cur = None
            continue
        a = max([a] + [vb for va, vb in voiced if va < a < vb])
        b = min([b] + [va for va, vb in voiced if va < b < vb])
        if cur and a <= cur[1]:
            cur[1] = b
        else:
            cur = [a, b]
            quiet.append(cur)
    lo, hi = FPS // 2, pos - FPS * 3 // 2  # the bed's fade-in and fade-out
    quiet = [(max(a, lo) + FPS // 4, min(b, hi) - FPS // 4) for a, b in quiet]
    quiet = [(a, b) for a, b in quiet if b - a >= FPS]
    quiet_span = max(quiet, key=lambda q: q[1] - q[0], default=None)
    total = final["n"]
    graph.append(f"[{final['v']}]format=yuv420p[vout]")

    # ---- sound: bed, ducking, loudness
    ts = total * SPF
    tail = (f"loudnorm=I={doc['target_lufs']}:TP=-1:LRA=11,aresample={RATE},"
            f"aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_len={ts},"
            f"atrim=end_sample={ts}[aout]")
    bed = None
    if doc.get("music_bed"):
        bed = music_bed(args.chorus, args.library, repo)
        kb = add_input(["-stream_loop", "-1", "-i", bed])
        fin, fout = min(RATE // 2, ts), min(RATE * 3 // 2, ts)
        graph.append(f"[{kb}:a]aresample={RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
                     f"atrim=end_sample={ts},afade=t=in:ss=0:ns={fin},"
                     f"afade=t=out:ss={ts - fout}:ns={fout},volume={BED_GAIN_DB}dB[bed]")
        graph.append(f"[{final['a']}]asplit=2[voices][vkey0]")
        # The key: the voices' speech band (Chorus: two 1 kHz band-passes, RMS over 20 ms
        # blocks above 0.008, 60 ms attack, 300 ms hold, 450 ms release, -10 dB).
        graph.append("[vkey0]highpass=f=300,lowpass=f=3400[vkey]")
        graph.append("[bed][vkey]sidechaincompress=threshold=0.008:ratio=4:attack=60:"
                     "release=750:detection=rms:makeup=1[bedd]")
        graph.append(f"[voices][bedd]amix=inputs=2:duration=first:normalize=0,{tail}")
    else:
        graph.append(f"[{final['a']}]{tail}")
        notes.append("no music bed in this piece")

    graph_file = os.path.join(args.work, "ffmpeg-graph.txt")
    with open(graph_file, "w") as f:
        f.write(";\n".join(graph) + "\n")
    argv = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    for x in inputs:
        argv += x
    argv += [
        "-filter_complex_script", os.path.relpath(graph_file, repo),
        "-map", "[vout]", "-map", "[aout]",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-r", str(FPS),
        "-c:a", "aac", "-b:a", "128k", "-ar", str(RATE), "-ac", "2",
        "-movflags", "+faststart", args.out,
    ]
    with open(os.path.join(args.work, "ffmpeg.args"), "wb") as f:
        f.write(b"\0".join(a.encode() for a in argv) + b"\0")
    cmd = " ".join(shlex.quote(a) for a in argv)
    with open(os.path.join(args.work, "ffmpeg.sh"), "w") as f:
        f.write("#!/bin/sh\n# generated by scripts/piece-to-ffmpeg.py; run from the repository root\n"
                + cmd + "\n")

    kinds = {}
    for it in items:
        key = f"{it['kind']}{'+pan_zoom' if it.get('pan_zoom') else ''}/{it['fit']}"
        kinds[key] = kinds.get(key, 0) + 1
    trans = {}
    for it in items[1:]:
        trans[it["transition"]["kind"]] = trans.get(it["transition"]["kind"], 0) + 1
    plan = {
        "piece": doc["name"],
        "preset": doc["preset"],
        "width": W,
        "height": H,
        "fps": FPS,
        "frames": total,
        "duration_s": total / FPS,
        "items": len(items),
        "item_kinds": kinds,
        "transitions": trans,
        "cards": int(doc["intro_card"]) + int(doc["outro_card"]),
        "card_frames": card_n,
        "music_bed": bed,
        "bed_gain_db": BED_GAIN_DB if bed else None,
        "target_lufs": doc["target_lufs"],
        "brand": brand,
        "inputs": len(inputs),
        "input_files": [x[x.index("-i") + 1] for x in inputs],
        "filters": sum(len(c.split(",")) for c in graph),
        "notes": notes,
        "quiet_span_s": [quiet_span[0] / FPS, quiet_span[1] / FPS] if quiet_span else None,
        "command": cmd,
    }
    with open(os.path.join(args.work, "plan.json"), "w") as f:
        json.dump(plan, f, indent=2)
    print(cmd)


if __name__ == "__main__":
    main()
