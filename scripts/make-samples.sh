#!/usr/bin/env bash
# Generates Chorus' demo submissions in tests/fixtures/samples/ and the broken inputs in
# tests/fixtures/bad/, then checks every "truth" the Rust tests rely on.
#
#   scripts/make-samples.sh            # regenerate + verify (works from any cwd)
#
# Needs: ffmpeg/ffprobe (built with libx264, libvpx, libopus, libwebp), exiftool,
# python3 (standard library only). Written against FFmpeg 5.1 (Debian 12).
#
# Everything is synthetic (lavfi test sources + sine tones), so no customer data
# is ever committed. Output is deterministic for a given FFmpeg/x264/libvpx/
# exiftool version: fixed parameters and seeds, single-threaded encoders,
# bitexact muxing, no input metadata carried over.
#
# Notes that the tests depend on:
# * Rotation: FFmpeg 5.1 drops `rotate` when re-encoding, so rotated clips are
#   encoded first and then remuxed with `-c copy -metadata:s:v:0 rotate=N`,
#   which writes a tkhd display matrix. The stored pixels have a white box in
#   the top-left corner so the displayed orientation can be checked.
#   In FFmpeg 5.1, rotate=90 gives a matrix whose av_display_rotation_get() is
#   +90 (ffprobe "rotation=90": turn 90 deg counter-clockwise to display, the
#   marker ends bottom-left); rotate=270 gives -90 (clockwise, marker top-right,
#   the usual iPhone portrait case). Both are displayed 360x640.
# * JPEG "quality": FFmpeg's mjpeg encoder takes a qscale, not an IJG quality; it
#   writes the MPEG-1 intra matrix * qscale / 8 as the DQT. Measured against the
#   IJG luminance table, -q:v 3 is about IJG quality 85 and -q:v 8 about 60.
# * old_phone.3gp: the 3gp muxer takes H.264 + AAC; audio is AAC-LC mono 16 kHz.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in ffmpeg ffprobe exiftool python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-samples: '$tool' not found (run scripts/bootstrap.sh test)" >&2; exit 1; }
done

S=tests/fixtures/samples
B=tests/fixtures/bad
rm -rf "$S" "$B"
mkdir -p "$S/more" "$B"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
# Bitexact: no encoder version strings, no muxing dates, deterministic UIDs.
BX=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
X264=(-c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -threads 1)
AAC=(-c:a aac -b:a 64k)
# Marker drawn in the top-left corner of stored pixels (orientation checks).
MARK="drawbox=x=0:y=0:w=iw/5:h=ih/4:color=white:t=fill"

# ---------------------------------------------------------------- clips
echo "== clips"

# 1. beach_day.mp4: H.264 640x360 30 fps 4.0 s, AAC stereo 48 kHz, creation_time.
"${FF[@]}" -f lavfi -i "testsrc2=s=640x360:r=30:d=4,drawbox=x=0:y=270:w=640:h=90:color=0xE0C080:t=fill" \
  -f lavfi -i "sine=f=440:r=48000:d=4" -map 0:v -map 1:a -t 4 \
  "${X264[@]}" "${AAC[@]}" -ac 2 -ar 48000 "${BX[@]}" \
  -metadata creation_time=2026-06-01T10:30:00Z -movflags +faststart "$S/beach_day.mp4"

# 2. unboxing_vertical.mp4: 640x360 stored, display matrix from rotate=90.
"${FF[@]}" -f lavfi -i "mandelbrot=s=640x360:r=30:maxiter=256:end_pts=300,$MARK" \
  -f lavfi -i "sine=f=523:r=48000:d=3" -map 0:v -map 1:a -t 3 \
  "${X264[@]}" "${AAC[@]}" -ac 2 -ar 48000 "${BX[@]}" -movflags +faststart "$TMP/unboxing.mp4"
"${FF[@]}" -i "$TMP/unboxing.mp4" -map 0 -c copy -metadata:s:v:0 rotate=90 "${BX[@]}" \
  -movflags +faststart "$S/unboxing_vertical.mp4"

# 3. skate_trick.mov: QuickTime, 640x360 stored, display matrix from rotate=270.
"${FF[@]}" -f lavfi -i "cellauto=s=160x90:r=30:rule=110:ratio=0.5:seed=7,scale=640:360:flags=neighbor,format=rgb24,colorchannelmixer=rr=1:gg=0.45:bb=0.1,drawbox=x=320:y=180:w=320:h=180:color=black@0.8:t=fill,$MARK" \
  -f lavfi -i "sine=f=659:r=48000:d=3" -map 0:v -map 1:a -t 3 \
  "${X264[@]}" "${AAC[@]}" -ac 2 -ar 48000 "${BX[@]}" -movflags +faststart "$TMP/skate.mov"
"${FF[@]}" -i "$TMP/skate.mov" -map 0 -c copy -metadata:s:v:0 rotate=270 "${BX[@]}" \
  -movflags +faststart "$S/skate_trick.mov"

# 4. sunset_silent.mp4: H.264 1280x720 25 fps 3.0 s, no audio stream.
"${FF[@]}" -f lavfi -i "gradients=s=1280x720:r=25:d=3:c0=0xFF6A00:c1=0x3A0CA3:x0=0:y0=0:x1=0:y1=720:seed=42:speed=0.001,drawbox=x=560:y=330:w=160:h=160:color=0xFFD000:t=fill,drawbox=x=0:y=560:w=1280:h=160:color=0x101020:t=fill,drawbox=x=140:y=300:w=40:h=260:color=0x101020:t=fill,drawbox=x=60:y=270:w=200:h=40:color=0x101020:t=fill,drawbox=x=1000:y=420:w=180:h=140:color=0x101020:t=fill" \
  -t 3 "${X264[@]}" -an "${BX[@]}" -movflags +faststart "$S/sunset_silent.mp4"

# Matroska has no edit lists: the encoder's priming samples (Opus 312, AAC 1024)
# would start the audio at a negative time and make the muxer shift the video
# by +7/+21 ms. Shifting the audio PTS by the priming keeps the video at 0..2.000 s,
# and audio a little shorter than the video keeps the file duration at 2.000 s.
# 5. concert.webm: VP9 480x270 24 fps 2.0 s, Opus.
"${FF[@]}" -f lavfi -i "life=s=240x135:r=24:ratio=0.3:seed=11:mold=8:life_color=0xFF3399:death_color=0x100018:mold_color=0x3322AA,scale=480:270:flags=neighbor,drawbox=x=300:y=20:w=160:h=60:color=0x40E0FF:t=fill,drawbox=x=0:y=0:w=150:h=270:color=black@0.85:t=fill,format=yuv420p" \
  -f lavfi -i "sine=f=330:r=48000:d=1.95" -map 0:v -map 1:a -t 2 -af "asetpts=PTS+312/SR/TB" \
  -c:v libvpx-vp9 -b:v 0 -crf 40 -deadline realtime -cpu-used 8 -threads 1 -row-mt 0 -pix_fmt yuv420p \
  -c:a libopus -b:a 64k -ac 2 -ar 48000 "${BX[@]}" "$S/concert.webm"

# 6. dance_square.mkv: Matroska, H.264 480x480 30 fps 2.0 s, AAC.
"${FF[@]}" -f lavfi -i "sierpinski=s=480x480:r=30:type=triangle:seed=4:jump=20,hue=H=PI*t" \
  -f lavfi -i "sine=f=587:r=48000:d=1.95" -map 0:v -map 1:a -t 2 -af "asetpts=PTS+1024/SR/TB" \
  "${X264[@]}" "${AAC[@]}" -ac 2 -ar 48000 "${BX[@]}" "$S/dance_square.mkv"

# 7. old_phone.3gp: 3GP, H.264 176x144 15 fps 2.0 s, AAC-LC mono 16 kHz.
"${FF[@]}" -f lavfi -i "testsrc=s=176x144:r=15:d=2" \
  -f lavfi -i "sine=f=784:r=16000:d=2" -map 0:v -map 1:a -t 2 \
  "${X264[@]}" "${AAC[@]}" -ac 1 -ar 16000 "${BX[@]}" -movflags +faststart "$S/old_phone.3gp"

# ---------------------------------------------------------------- photos
echo "== photos"

# jpeg OUT QSCALE LAVFI_GRAPH
jpeg() {
  "${FF[@]}" -f lavfi -i "$3" -frames:v 1 -update 1 -c:v mjpeg -q:v "$2" -pix_fmt yuvj420p "${BX[@]}" "$1"
}
EXIF=(exiftool -q -overwrite_original)

# 8. family_picnic.jpg: 1600x1200, Orientation=1, Canon.
jpeg "$S/family_picnic.jpg" 3 \
  "mandelbrot=s=1600x1200:maxiter=512:start_x=-0.7453:start_y=0.1127:start_scale=0.02,hue=h=200"
"${EXIF[@]}" -Orientation#=1 -Make=Canon "-Model=Canon EOS R6" "-DateTimeOriginal=2026:05:20 14:03:11" \
  "$S/family_picnic.jpg"

# 9. portrait_rotated.jpg: stored 1200x900 landscape, Orientation=6 (viewer: 900x1200).
jpeg "$S/portrait_rotated.jpg" 3 \
  "allrgb,crop=1200:900:1024:2048,$MARK,drawbox=x=900:y=700:w=200:h=120:color=red:t=fill"
"${EXIF[@]}" -Orientation#=6 -Make=Apple "-Model=iPhone 15" "$S/portrait_rotated.jpg"

# 10. upside_down.jpg: 1024x768, Orientation=3, samsung.
jpeg "$S/upside_down.jpg" 3 \
  "smptehdbars=s=1024x768,drawbox=x=40:y=40:w=220:h=160:color=black:t=fill"
"${EXIF[@]}" -Orientation#=3 -Make=samsung -Model=SM-S918B "$S/upside_down.jpg"

# 11. hiking_gps.jpg: 1280x960, Orientation=1, GPS (Lausanne), Google Pixel 8.
jpeg "$S/hiking_gps.jpg" 3 \
  "sierpinski=s=1280x960:type=carpet:seed=3:jump=100"
"${EXIF[@]}" -Orientation#=1 -Make=Google "-Model=Pixel 8" \
  -GPSLatitude=46.5197 -GPSLatitudeRef=N -GPSLongitude=6.6323 -GPSLongitudeRef=E \
  "$S/hiking_gps.jpg"

# 12. more/fan_art.png: 800x800 PNG, no EXIF.
"${FF[@]}" -f lavfi -i "cellauto=s=400x400:rule=90:pattern=0000000000000000000000000001000000000000000000000000000:start_full=1,scale=800:800:flags=neighbor,format=rgb24,colorchannelmixer=rr=0.2:gg=0.9:bb=0.7,drawbox=x=560:y=40:w=200:h=200:color=0xFF00AA:t=fill" \
  -frames:v 1 -update 1 -c:v png -pix_fmt rgb24 "${BX[@]}" "$S/more/fan_art.png"

# 13. team_photo.webp: 1024x682, no EXIF.
people=""
for i in 0 1 2 3 4; do
  people+=",drawbox=x=$((60 + i * 190)):y=$((260 - (i % 2) * 40)):w=140:h=$((422 + (i % 2) * 40)):color=0x$(printf '%02X%02X%02X' $((40 + i * 40)) $((200 - i * 30)) $((90 + i * 25))):t=fill"
done
"${FF[@]}" -f lavfi -i "gradients=s=1024x682:c0=0xF5F5DC:c1=0x708090:x0=0:y0=0:x1=0:y1=682:seed=9$people" \
  -frames:v 1 -update 1 -c:v libwebp -lossless 0 -quality 80 -compression_level 4 "${BX[@]}" "$S/team_photo.webp"

# 14. party.gif: 320x240, 10 frames, loops forever.
"${FF[@]}" -f lavfi -i "life=s=80x60:r=10:ratio=0.4:seed=21:life_color=0xFFD700:death_color=0x2A0A4A,scale=320:240:flags=neighbor,trim=end_frame=10,hue=h=36*n,drawbox=x=200:y=150:w=100:h=70:color=0x00FF80:t=fill,split[a][b];[a]palettegen=max_colors=64:stats_mode=full[p];[b][p]paletteuse=dither=none" \
  -frames:v 10 -loop 0 "${BX[@]}" "$S/party.gif"

# 15. scan.tiff: 640x480 RGB24 TIFF (LZW), no EXIF. A "scanned page" with text lines.
lines=""
for i in $(seq 0 15); do
  y=$((60 + i * 24)); w=$((420 + (i * 37) % 120))
  [ $((i % 6)) -eq 5 ] && w=$((w / 3))
  lines+=",drawbox=x=70:y=$y:w=$w:h=9:color=0x303030:t=fill"
done
"${FF[@]}" -f lavfi -i "color=c=0xF4F1EA:s=640x480,drawbox=x=70:y=20:w=300:h=22:color=0x101010:t=fill$lines,drawbox=x=480:y=400:w=110:h=50:color=0x2040C0:t=2" \
  -frames:v 1 -update 1 -c:v tiff -pix_fmt rgb24 -compression_algo lzw "${BX[@]}" "$S/scan.tiff"

# 16. family_picnic_copy.jpg: exact duplicate.
cp "$S/family_picnic.jpg" "$S/family_picnic_copy.jpg"

# 17. more/hiking_gps_small.jpg: near-duplicate, 640x480, ~IJG quality 60, no metadata.
"${FF[@]}" -i "$S/hiking_gps.jpg" -vf "scale=640:480:flags=bicubic" -frames:v 1 -update 1 \
  -c:v mjpeg -q:v 8 -pix_fmt yuvj420p "${BX[@]}" "$S/more/hiking_gps_small.jpg"
"${EXIF[@]}" -all= "$S/more/hiking_gps_small.jpg"

# 18. submissions.csv (form export: non-canonical header, an 18+ box, extra column, UTF-8, LF).
cat > "$S/submissions.csv" <<'CSV'
Submitted At,Handle,Full Name,Email,File,I am 18 or older,Consent,Referral
2026-06-02T09:15:00Z,@ana.surfs,Ana Souza,ana@example.com,beach_day.mp4,Yes,I agree that BrandCo may use my submission in its marketing.,Instagram
2026-06-02T09:18:42Z,@ana.surfs,Ana Souza,ana@example.com,hiking_gps.jpg,Yes,I agree that BrandCo may use my submission in its marketing.,Instagram
2026-06-02T11:03:05Z,@benskates,Ben Okafor,ben.okafor@example.com,skate_trick.mov,Yes,"Yes, I agree that BrandCo may use my submission in its marketing.",TikTok
2026-06-02T11:04:30Z,@benskates,Ben Okafor,ben.okafor@example.com,unboxing_vertical.mp4,Yes,"Yes, I agree that BrandCo may use my submission in its marketing.",TikTok
2026-06-03T08:45:12Z,@chloe_m,Chloé Martin,chloe.martin@example.com,family_picnic.jpg,Yes,"I agree that BrandCo may use my submission in its marketing, including social media.","Newsletter, June issue"
2026-06-03T08:47:01Z,@chloe_m,Chloé Martin,chloe.martin@example.com,portrait_rotated.jpg,Yes,"I agree that BrandCo may use my submission in its marketing, including social media.","Newsletter, June issue"
2026-06-04T19:20:00Z,@devp,Dev Patel,dev.patel@example.com,concert.webm,Yes,I agree that BrandCo may use my submission in its marketing.,
2026-06-05T14:00:00Z,@emmalund,Emma Lund,emma.lund@example.com,sunset_silent.mp4,Yes,I consent to BrandCo using my submission in its marketing.,Friend
2026-06-05T14:02:10Z,@emmalund,Emma Lund,emma.lund@example.com,fan_art.png,Yes,I consent to BrandCo using my submission in its marketing.,Friend
2026-06-05T14:05:55Z,@emmalund,Emma Lund,emma.lund@example.com,missing_clip.mp4,Yes,I consent to BrandCo using my submission in its marketing.,Friend
CSV

# ---------------------------------------------------------------- bad fixtures
echo "== bad fixtures"

# empty.jpg: zero bytes.
: > "$B/empty.jpg"

# notes.jpg: plain UTF-8 text with a .jpg name.
cat > "$B/notes.jpg" <<'TXT'
Notes from the shoot, not a photo.
Remember to ask Chloé about the picnic pictures.
Deadline: 2026-06-10.
TXT

# truncated.mp4: moov at the end (no faststart), keep only the first 60 % of bytes.
"${FF[@]}" -f lavfi -i "testsrc=s=320x240:r=30:d=2" -t 2 "${X264[@]}" "${BX[@]}" "$TMP/full.mp4"

# corrupt.jpg: valid 640x480 JPEG whose entropy-coded data is 30 % garbage.
"${FF[@]}" -f lavfi -i "rgbtestsrc=s=640x480,drawbox=x=100:y=100:w=200:h=150:color=white:t=fill" \
  -frames:v 1 -update 1 -c:v mjpeg -q:v 4 -pix_fmt yuvj420p "${BX[@]}" "$TMP/corrupt_src.jpg"

python3 - "$TMP" "$B" <<'PY'
import os, random, struct, sys, zlib
tmp, bad = sys.argv[1], sys.argv[2]

# truncated.mp4
data = open(os.path.join(tmp, "full.mp4"), "rb").read()
assert b"moov" not in data[: len(data) * 6 // 10], "moov must come after the cut"
open(os.path.join(bad, "truncated.mp4"), "wb").write(data[: len(data) * 6 // 10])

# corrupt.jpg: find the SOS segment, overwrite the middle 30 % of the scan data.
j = bytearray(open(os.path.join(tmp, "corrupt_src.jpg"), "rb").read())
sos = j.index(b"\xff\xda")
start = sos + 2 + struct.unpack(">H", j[sos + 2 : sos + 4])[0]
end = len(j) - 2
assert j[end:] == b"\xff\xd9"
n = (end - start) * 30 // 100
off = start + ((end - start) - n) // 2
rng = random.Random(20260601)
j[off : off + n] = bytes(rng.randrange(256) for _ in range(n))
open(os.path.join(bad, "corrupt.jpg"), "wb").write(bytes(j))

# bomb.png: IHDR claims 100000x100000 8-bit RGB; one small valid IDAT; IEND.
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
rows = b"".join(b"\x00" + bytes(100000 * 3) for _ in range(4))
png = (b"\x89PNG\r\n\x1a\n"
       + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 9))
       + chunk(b"IEND", b""))
open(os.path.join(bad, "bomb.png"), "wb").write(png)

# unsupported.heic: ISO-BMFF ftyp (major heic; compatible mif1, heic) + an mdat of filler.
ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"heic", 0, b"mif1", b"heic")
rng = random.Random(1515)
filler = bytes(rng.randrange(256) for _ in range(2048))
mdat = struct.pack(">I4s", 8 + len(filler), b"mdat") + filler
open(os.path.join(bad, "unsupported.heic"), "wb").write(ftyp + mdat)
PY

# ---------------------------------------------------------------- report + verify
echo
echo "== sizes"
du -sh "$S" "$B"
echo
echo "== clips (ffprobe)"
for f in beach_day.mp4 unboxing_vertical.mp4 skate_trick.mov sunset_silent.mp4 concert.webm dance_square.mkv old_phone.3gp; do
  echo "-- $f"
  ffprobe -v error -show_entries \
    format=format_name,duration:stream=index,codec_type,codec_name,width,height,r_frame_rate,duration,sample_rate,channels:stream_side_data=rotation \
    -of compact=p=0 "$S/$f"
done
echo
echo "== photos (exiftool)"
exiftool -s -Orientation -ImageWidth -ImageHeight -GPSLatitude -Make -Model \
  "$S"/*.jpg "$S"/*.webp "$S"/*.gif "$S"/*.tiff "$S"/more/*

echo
echo "== verify"
python3 - "$S" "$B" <<'PY'
import csv, hashlib, itertools, json, math, os, struct, subprocess, sys, zlib

S, B = sys.argv[1], sys.argv[2]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def run(*args):
    return subprocess.run(args, capture_output=True, text=True)


def probe(path):
    out = run("ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", path)
    return json.loads(out.stdout or "{}")


# ---- clips: container, codecs, dims, fps, durations, audio, rotation, creation_time
CLIPS = {
    # name: (format, vcodec, w, h, fps, seconds, rotation, acodec, channels, rate)
    "beach_day.mp4": ("mov,mp4,m4a,3gp,3g2,mj2", "h264", 640, 360, "30/1", 4.0, 0, "aac", 2, 48000),
    "unboxing_vertical.mp4": ("mov,mp4,m4a,3gp,3g2,mj2", "h264", 640, 360, "30/1", 3.0, 90, "aac", 2, 48000),
    "skate_trick.mov": ("mov,mp4,m4a,3gp,3g2,mj2", "h264", 640, 360, "30/1", 3.0, 270, "aac", 2, 48000),
    "sunset_silent.mp4": ("mov,mp4,m4a,3gp,3g2,mj2", "h264", 1280, 720, "25/1", 3.0, 0, None, 0, 0),
    "concert.webm": ("matroska,webm", "vp9", 480, 270, "24/1", 2.0, 0, "opus", 2, 48000),
    "dance_square.mkv": ("matroska,webm", "h264", 480, 480, "30/1", 2.0, 0, "aac", 2, 48000),
    "old_phone.3gp": ("mov,mp4,m4a,3gp,3g2,mj2", "h264", 176, 144, "15/1", 2.0, 0, "aac", 1, 16000),
}


def rotation_of(stream):
    for sd in stream.get("side_data_list", []):
        if "rotation" in sd:
            return int(sd["rotation"])
    return 0


def gray(path, w, h, seek=None, autorotate=True):
    args = ["ffmpeg", "-v", "error", "-nostdin"]
    if not autorotate:
        args.append("-noautorotate")
    if seek is not None:
        args += ["-ss", str(seek)]
    args += ["-i", path, "-frames:v", "1", "-vf", f"scale={w}:{h}:flags=area,format=gray",
             "-f", "rawvideo", "-"]
    out = subprocess.run(args, capture_output=True).stdout
    assert len(out) == w * h, (path, len(out))
    return out


def marker_corner(path, w, h, autorotate=True):
    """Which corner (w/4 x h/4 box) is brightest: where the white marker is."""
    px = gray(path, w, h, autorotate=autorotate)
    bw, bh = w // 4, h // 4
    corners = {"top-left": (0, 0), "top-right": (w - bw, 0),
               "bottom-left": (0, h - bh), "bottom-right": (w - bw, h - bh)}
    score = {k: sum(px[y * w + x] for y in range(y0, y0 + bh) for x in range(x0, x0 + bw))
             for k, (x0, y0) in corners.items()}
    return max(score, key=score.get)


print("clip truths:")
for name, (fmt, vc, w, h, fps, secs, rot, ac, ch, sr) in CLIPS.items():
    p = os.path.join(S, name)
    info = probe(p)
    streams = info.get("streams", [])
    v = [s for s in streams if s["codec_type"] == "video"]
    a = [s for s in streams if s["codec_type"] == "audio"]
    check(info["format"]["format_name"] == fmt, f"{name}: format {info['format']['format_name']}")
    brand = info["format"].get("tags", {}).get("major_brand")
    want_brand = {"mp4": "isom", "mov": "qt  ", "3gp": "3gp6"}.get(name.rsplit(".", 1)[1])
    check(brand == want_brand, f"{name}: major_brand {brand!r} (want {want_brand!r})")
    check(len(v) == 1, f"{name}: one video stream")
    v = v[0]
    r = rotation_of(v)
    dw, dh = (h, w) if abs(r) % 180 == 90 else (w, h)
    check(v["codec_name"] == vc, f"{name}: vcodec {v['codec_name']}")
    check((v["width"], v["height"]) == (w, h), f"{name}: dims {v['width']}x{v['height']}")
    check(v["pix_fmt"] == "yuv420p", f"{name}: pix_fmt {v['pix_fmt']}")
    check(v["r_frame_rate"] == fps and v["avg_frame_rate"] == fps, f"{name}: fps {v['r_frame_rate']} {v['avg_frame_rate']}")
    fdur = float(info["format"]["duration"])
    vdur = v.get("duration") or v.get("tags", {}).get("DURATION", "")
    check(abs(fdur - secs) < 1e-6, f"{name}: format duration {fdur}")
    check(float(v["start_time"]) == 0.0, f"{name}: video start_time {v['start_time']}")
    vsecs = float(v["duration"]) if "duration" in v else sum(
        float(x) * 60 ** i for i, x in enumerate(reversed(vdur.split(":"))))
    check(abs(vsecs - secs) < 1e-6, f"{name}: video duration {vdur}")
    check(r % 360 == rot % 360, f"{name}: rotation {r} (want {rot} mod 360)")
    if ac is None:
        check(not a, f"{name}: must have no audio stream")
    else:
        check(len(a) == 1 and a[0]["codec_name"] == ac and a[0]["channels"] == ch
              and int(a[0]["sample_rate"]) == sr, f"{name}: audio {a}")
    ct = info["format"].get("tags", {}).get("creation_time")
    if name == "beach_day.mp4":
        check(ct == "2026-06-01T10:30:00.000000Z", f"{name}: creation_time {ct}")
    else:
        check(ct is None, f"{name}: unexpected creation_time {ct}")
    nb = run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
             "stream=nb_read_frames", "-of", "default=nw=1:nk=1", p).stdout.split()[0]
    exp_frames = round(secs * eval(fps))
    check(nb == str(exp_frames), f"{name}: decoded frames {nb} != {exp_frames}")
    disp = ""
    if r:
        stored, shown = marker_corner(p, 64, 36, False), marker_corner(p, 36, 64)
        # Display matrix with rotation +90 = 90 deg counter-clockwise, -90 = clockwise.
        want = {90: "bottom-left", -90: "top-right"}[r]
        check(stored == "top-left" and shown == want, f"{name}: marker {stored} -> {shown}, want {want}")
        disp = f", white marker stored {stored} -> displayed {shown} (FFmpeg autorotate)"
    adur = (a[0].get("duration") or a[0].get("tags", {}).get("DURATION")) if a else None
    adesc = (f"{a[0]['codec_name']} {a[0]['channels']}ch {a[0]['sample_rate']}Hz (audio duration {adur})"
             if a else "no audio")
    print(f"  {name}: {vc} {w}x{h} stored, {dw}x{dh} displayed, rotation={r}, fps={fps}, "
          f"brand={brand!r}, frames={nb}, format duration={info['format']['duration']}, video duration={vdur}, "
          f"{adesc}{disp}")


# ---- photos
PHOTOS = {
    # name: (w, h, orientation, make, model, exif expected)
    "family_picnic.jpg": (1600, 1200, 1, "Canon", "Canon EOS R6", True),
    "family_picnic_copy.jpg": (1600, 1200, 1, "Canon", "Canon EOS R6", True),
    "portrait_rotated.jpg": (1200, 900, 6, "Apple", "iPhone 15", True),
    "upside_down.jpg": (1024, 768, 3, "samsung", "SM-S918B", True),
    "hiking_gps.jpg": (1280, 960, 1, "Google", "Pixel 8", True),
    "more/fan_art.png": (800, 800, None, None, None, False),
    "team_photo.webp": (1024, 682, None, None, None, False),
    "party.gif": (320, 240, None, None, None, False),
    "scan.tiff": (640, 480, None, None, None, False),
    "more/hiking_gps_small.jpg": (640, 480, None, None, None, False),
}
IJG_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,
          7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31,
          39, 46, 53, 60, 61, 54, 47, 55, 62, 63]


def ijg_quality(path):
    """IJG-equivalent quality of the first (luma) DQT table, like ImageMagick's estimate."""
    d = open(path, "rb").read()
    i = d.index(b"\xff\xdb") + 5
    q = [0] * 64
    for k in range(64):
        q[ZIGZAG[k]] = d[i + k]
    scale = sum(q[j] * 100 / IJG_LUMA[j] for j in range(64)) / 64
    return round((200 - scale) / 2 if scale <= 100 else 5000 / scale)


print("photo truths:")
for name, (w, h, ori, make, model, has_exif) in PHOTOS.items():
    p = os.path.join(S, name)
    tags = json.loads(run("exiftool", "-j", "-n", "-G1", "-a", p).stdout)[0]
    groups = {k.split(":")[0] for k in tags if ":" in k}
    v = probe(p)["streams"][0]
    check((v["width"], v["height"]) == (w, h), f"{name}: decoded dims {v['width']}x{v['height']}")
    if has_exif:
        check(tags.get("IFD0:Orientation") == ori, f"{name}: Orientation {tags.get('IFD0:Orientation')}")
        check(tags.get("IFD0:Make") == make and tags.get("IFD0:Model") == model, f"{name}: make/model")
    else:
        exif_groups = groups & {"IFD0", "IFD1", "ExifIFD", "GPS", "XMP-x", "XMP-exif", "InteropIFD", "JFIF", "IPTC"}
        if name.endswith(".tiff"):  # a TIFF *is* an IFD0; it must carry no EXIF/GPS sub-IFD
            exif_groups -= {"IFD0"}
        check(not exif_groups, f"{name}: unexpected metadata groups {sorted(exif_groups)}")
    gps = tags.get("Composite:GPSLatitude"), tags.get("Composite:GPSLongitude")
    if name == "hiking_gps.jpg":
        check(abs(gps[0] - 46.5197) < 1e-6 and abs(gps[1] - 6.6323) < 1e-6, f"{name}: GPS {gps}")
    else:
        check(gps == (None, None), f"{name}: unexpected GPS {gps}")
    dto = tags.get("ExifIFD:DateTimeOriginal")
    if name.startswith("family_picnic"):
        check(dto == "2026:05:20 14:03:11", f"{name}: DateTimeOriginal {dto}")
    else:
        check(dto is None, f"{name}: unexpected DateTimeOriginal {dto}")
    dw, dh = (h, w) if ori in (5, 6, 7, 8) else (w, h)
    extra = f", ~IJG quality {ijg_quality(p)}" if name.endswith(".jpg") else ""
    if name == "portrait_rotated.jpg":
        shown = marker_corner(p, 36, 48)
        check(shown == "top-right", f"{name}: displayed marker at {shown}")
        extra += f", white marker stored top-left -> displayed {shown} (FFmpeg autorotate)"
    if name == "party.gif":
        nb = run("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames",
                 "-of", "csv=p=0", p).stdout.strip()
        check(nb == "10", f"{name}: frames {nb}")
        extra += f", frames={nb}"
    print(f"  {name}: {v['codec_name']} {w}x{h} stored, {dw}x{dh} displayed, Orientation={ori}, "
          f"Make={make}, Model={model}, GPS={gps if gps[0] else None}{extra}")

a = open(os.path.join(S, "family_picnic.jpg"), "rb").read()
check(a == open(os.path.join(S, "family_picnic_copy.jpg"), "rb").read(), "copy must be byte-identical")


# ---- perceptual distinctness: 64-bit dHash, aHash and DCT pHash, on the stored and
# the displayed picture (FFmpeg 5.1 applies both the display matrix and the JPEG EXIF
# orientation unless -noautorotate), on the first and the middle frame of clips.
# A pair's distance is its minimum over all those variants.


def gray_any(path, w, h, seek=None, autorotate=True):
    args = ["ffmpeg", "-v", "error", "-nostdin"] + ([] if autorotate else ["-noautorotate"])
    args += (["-ss", str(seek)] if seek is not None else []) + ["-i", path, "-frames:v", "1"]
    args += ["-vf", f"scale={w}:{h}:flags=area,format=gray", "-f", "rawvideo", "-"]
    out = subprocess.run(args, capture_output=True).stdout
    assert len(out) == w * h, (path, len(out))
    return out


def hashes(path, **kw):
    px = gray_any(path, 9, 8, **kw)
    dh = [px[y * 9 + x] > px[y * 9 + x + 1] for y in range(8) for x in range(8)]
    px = gray_any(path, 8, 8, **kw)
    ah = [v * 64 > sum(px) for v in px]
    N = 32
    px = gray_any(path, N, N, **kw)
    c = [[math.cos((2 * x + 1) * u * math.pi / (2 * N)) for x in range(N)] for u in range(8)]
    rows = [[sum(px[y * N + x] * c[u][x] for x in range(N)) for u in range(8)] for y in range(N)]
    coef = [sum(rows[y][u] * c[v][y] for y in range(N)) for v in range(8) for u in range(8)]
    med = sorted(coef[1:])[31]
    return dh, ah, [k > med for k in coef]


def ham(a, b):
    return sum(x != y for x, y in zip(a, b))


visual = [n for n in CLIPS] + [n for n in PHOTOS if n != "family_picnic_copy.jpg"]
variants = {}
for n in visual:
    p = os.path.join(S, n)
    if n in CLIPS:
        variants[n] = [hashes(p, seek=t, autorotate=ar) for t in (None, CLIPS[n][5] / 2) for ar in (True, False)]
    else:
        variants[n] = [hashes(p, autorotate=ar) for ar in (True, False)]
near = {"hiking_gps.jpg", "more/hiking_gps_small.jpg"}
worst = (99, None)
for x, y in itertools.combinations(visual, 2):
    per_kind = [min(ham(a[k], b[k]) for a in variants[x] for b in variants[y]) for k in range(3)]
    if {x, y} == near:
        far = max(ham(a[k], b[k]) for a, b in zip(variants[x], variants[y]) for k in range(3))
        print(f"  near-duplicate pair hiking_gps.jpg ~ more/hiking_gps_small.jpg: max distance {far}/64")
        check(far <= 6, f"near-duplicate too far apart: {far}")
        continue
    d = min(per_kind)
    if d < worst[0]:
        worst = (d, (x, y), per_kind)
    check(d >= 14, f"{x} vs {y} perceptually too close: dHash/aHash/pHash {per_kind}")
print(f"  closest distinct pair: {worst[1]} at {worst[0]}/64 bits (dHash/aHash/pHash {worst[2]})")

# ---- CSV
rows = list(csv.reader(open(os.path.join(S, "submissions.csv"), encoding="utf-8", newline="")))
check(rows[0] == ["Submitted At", "Handle", "Full Name", "Email", "File", "I am 18 or older", "Consent", "Referral"], "csv header")
check(all(len(r) == 8 for r in rows), "csv: 8 fields per row")
files = [r[4] for r in rows[1:]]
for f in files:
    exists = os.path.exists(os.path.join(S, f)) or os.path.exists(os.path.join(S, "more", f))
    check(exists == (f != "missing_clip.mp4"), f"csv file {f} existence")
print(f"  csv: {len(rows) - 1} rows, {len({r[1] for r in rows[1:]})} contributors")

# ---- bad fixtures
print("bad fixtures:")
check(os.path.getsize(os.path.join(B, "empty.jpg")) == 0, "empty.jpg not empty")
t = open(os.path.join(B, "truncated.mp4"), "rb").read()
check(b"moov" not in t and b"mdat" in t, "truncated.mp4: must have mdat and no moov")
mdat = t.index(b"mdat") - 4
check(mdat + struct.unpack(">I", t[mdat:mdat + 4])[0] > len(t), "truncated.mp4: mdat must overrun EOF")
r = run("ffprobe", "-v", "error", os.path.join(B, "truncated.mp4"))
check(r.returncode != 0, "truncated.mp4 must not probe")
print(f"  truncated.mp4: ffprobe rc={r.returncode}: {r.stderr.strip().splitlines()[-1:]}")
c = open(os.path.join(B, "corrupt.jpg"), "rb").read()
check(c[:2] == b"\xff\xd8" and c[-2:] == b"\xff\xd9", "corrupt.jpg SOI/EOI")
r = run("ffmpeg", "-v", "error", "-i", os.path.join(B, "corrupt.jpg"), "-f", "null", "-")
check(r.stderr.strip() != "", "corrupt.jpg must make ffmpeg report errors")
print(f"  corrupt.jpg: ffmpeg errors: {len(r.stderr.strip().splitlines())} lines, first: {r.stderr.strip().splitlines()[:1]}")
n = open(os.path.join(B, "notes.jpg"), "rb").read()
n.decode("utf-8")
b = open(os.path.join(B, "bomb.png"), "rb").read()
pos, chunks = 8, []
while pos < len(b):
    ln, kind = struct.unpack(">I4s", b[pos:pos + 8])
    body = b[pos + 8:pos + 8 + ln]
    crc = struct.unpack(">I", b[pos + 8 + ln:pos + 12 + ln])[0]
    check(crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bomb.png {kind} CRC")
    chunks.append((kind, body))
    pos += 12 + ln
check([k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"], "bomb.png chunk order")
check(struct.unpack(">II", chunks[0][1][:8]) == (100000, 100000) and chunks[0][1][8:10] == b"\x08\x02", "bomb.png IHDR")
zlib.decompress(chunks[1][1])
print(f"  bomb.png: IHDR {struct.unpack('>II', chunks[0][1][:8])}, {len(b)} bytes")
h = open(os.path.join(B, "unsupported.heic"), "rb").read()
check(h[4:8] == b"ftyp" and h[8:12] == b"heic" and b"mif1" in h[16:24], "unsupported.heic ftyp")
for name in sorted(os.listdir(B)):
    p = os.path.join(B, name)
    check(os.path.isfile(p) and not os.path.islink(p), f"{name}: regular file")

total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(S) for f in fs)
check(total < 10 * 1024 * 1024, f"tests/fixtures/samples too big: {total}")
print(f"  tests/fixtures/samples total: {total} bytes")

if failures:
    print(f"{len(failures)} check(s) FAILED")
    sys.exit(1)
print("all checks passed")
PY
