#!/usr/bin/env python3
"""Generates the hostile corpus: what customers (and now and then an attacker) send.

From every file in tests/fixtures/samples and tests/fixtures/bad it writes
  - truncations at many offsets (uploads cut off mid-way),
  - bit-flipped copies (damaged storage, bad transfers),
and, from scratch or by patching samples,
  - headers that lie about dimensions (decompression bombs) in PNG, JPEG, GIF, WebP, TIFF,
  - containers that declare absurd durations and frame rates, and zero-length streams.
Files whose trouble comes from the file system (changing, vanishing, unreadable, odd names,
symlink loops) are made by the tests at run time, not here.

Usage: make-hostile.py OUT_DIR [--every N]   (--every N keeps one file in N: a bounded slice)
Standard library only; deterministic (fixed seeds).
"""

import os
import random
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "assets" / "samples", ROOT / "tests" / "fixtures" / "bad"]


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, rows: int = 4) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00" * min(width * 3, 4096) for _ in range(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def gif(width: int, height: int) -> bytes:
    header = b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
    image = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    return header + image + b"\x02\x02\x44\x01\x00;"


def webp_vp8x(width: int, height: int) -> bytes:
    w, h = width - 1, height - 1
    vp8x = b"\x00\x00\x00\x00" + w.to_bytes(3, "little") + h.to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff(width: int, height: int) -> bytes:
    entries = [
        (256, 4, 1, width),  # ImageWidth, LONG
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # Photometric: black is zero
        (273, 4, 1, 8 + 2 + 12 * 9 + 4),  # StripOffsets
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 16),  # StripByteCounts
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHII", tag, typ, count, value)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 16


def jpeg_with_dims(jpeg: bytes, width: int, height: int) -> bytes:
    """Rewrites the SOF0/SOF2 frame header of a real JPEG to declare other dimensions."""
    data = bytearray(jpeg)
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5 : i + 7] = struct.pack(">H", height)
            data[i + 7 : i + 9] = struct.pack(">H", width)
            return bytes(data)
        i += 2 + length
    return bytes(data)


def patch_box(data: bytes, box: bytes, patcher) -> bytes:
    """Finds an ISO-BMFF box by its four-character code and lets `patcher` rewrite its payload."""
    out = bytearray(data)
    pos = out.find(box)
    while pos >= 4:
        size = struct.unpack(">I", out[pos - 4 : pos])[0]
        if 8 <= size <= len(out) - pos + 4:
            payload_start = pos + 4
            payload = bytes(out[payload_start : pos - 4 + size])
            new = patcher(payload)
            if new is not None and len(new) == len(payload):
                out[payload_start : pos - 4 + size] = new
        pos = out.find(box, pos + 4)
    return bytes(out)


def absurd_duration(payload: bytes) -> bytes:
    # mvhd/mdhd version 0: flags(4) ctime(4) mtime(4) timescale(4) duration(4)
    if payload[0] != 0:
        return payload
    p = bytearray(payload)
    p[12:16] = struct.pack(">I", 1)
    p[16:20] = struct.pack(">I", 0xFFFFFFF0)
    return bytes(p)


def absurd_rate(payload: bytes) -> bytes:
    # mdhd: a timescale of a billion ticks per second with the same sample deltas.
    if payload[0] != 0:
        return payload
    p = bytearray(payload)
    p[12:16] = struct.pack(">I", 1_000_000_000)
    return bytes(p)


def zero_samples(payload: bytes) -> bytes:
    # stsz: version/flags(4) sample_size(4) sample_count(4)
    p = bytearray(payload)
    if len(p) >= 12:
        p[4:8] = struct.pack(">I", 0)
        p[8:12] = struct.pack(">I", 0)
    return bytes(p)


def corpus():
    """Yields (name, bytes) for the whole corpus, in a stable order."""
    rng = random.Random(20261125)
    sources = sorted(p for d in SOURCES for p in d.rglob("*") if p.is_file() and p.suffix != ".csv")
    for src in sources:
        data = src.read_bytes()
        stem = src.name.replace(".", "_")
        n = len(data)
        offsets = sorted({o for o in [1, 2, 4, 8, 12, 16, 32, 64, 128, 512, 1024, 4096,
                                      n // 10, n // 4, n // 3, n // 2, 2 * n // 3, 3 * n // 4,
                                      9 * n // 10, n - 64, n - 2, n - 1] if 0 < o < n})
        for o in offsets:
            yield f"trunc-{stem}-{o}{src.suffix}", data[:o]
        for k in range(8):
            flipped = bytearray(data)
            if not flipped:
                break
            # Half the copies damage the headers, half anywhere.
            span = min(len(flipped), 4096) if k % 2 == 0 else len(flipped)
            for _ in range(1 + k * 3):
                i = rng.randrange(span)
                flipped[i] ^= 1 << rng.randrange(8)
            yield f"flip-{stem}-{k}{src.suffix}", bytes(flipped)

    picnic = (ROOT / "tests/fixtures/samples/family_picnic.jpg").read_bytes()
    for w, h in [(65535, 65535), (65000, 1), (1, 65000), (0, 0), (40000, 40000)]:
        yield f"bomb-jpeg-{w}x{h}.jpg", jpeg_with_dims(picnic, w, h)
    for w, h in [(100000, 100000), (0x7FFFFFFF, 0x7FFFFFFF), (1, 0x7FFFFFFF), (0, 10), (30000, 30000)]:
        yield f"bomb-png-{w}x{h}.png", png(w, h)
    for w, h in [(65535, 65535), (0, 0), (1, 65535)]:
        yield f"bomb-gif-{w}x{h}.gif", gif(w, h)
    for w, h in [(16777216, 16777216), (16384, 16384), (1, 16777216)]:
        yield f"bomb-webp-{w}x{h}.webp", webp_vp8x(w, h)
    for w, h in [(0xFFFFFFFF, 0xFFFFFFFF), (100000, 100000), (0, 0)]:
        yield f"bomb-tiff-{w}x{h}.tiff", tiff(w, h)

    for clip in ["beach_day.mp4", "skate_trick.mov", "old_phone.3gp"]:
        data = (ROOT / "tests/fixtures/samples" / clip).read_bytes()
        stem, ext = clip.rsplit(".", 1)
        yield f"duration-mvhd-{stem}.{ext}", patch_box(data, b"mvhd", absurd_duration)
        yield f"duration-mdhd-{stem}.{ext}", patch_box(data, b"mdhd", absurd_duration)
        yield f"rate-{stem}.{ext}", patch_box(data, b"mdhd", absurd_rate)
        yield f"zero-samples-{stem}.{ext}", patch_box(data, b"stsz", zero_samples)
    yield "zero-length-png.png", png(1, 1, rows=0)
    yield "only-signature.jpg", b"\xff\xd8\xff"
    yield "only-ftyp.mp4", b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    yield "ebml-header-only.webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out = Path(sys.argv[1])
    every = 1
    if "--every" in sys.argv:
        every = max(1, int(sys.argv[sys.argv.index("--every") + 1]))
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for i, (name, data) in enumerate(corpus()):
        if i % every:
            continue
        (out / name).write_bytes(data)
        count += 1
    print(f"{count} hostile files in {out}")


if __name__ == "__main__":
    main()
