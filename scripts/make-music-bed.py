#!/usr/bin/env python3
"""Writes the demo music bed, assets/brand/music-bed.m4a: 60 s of an original, royalty-free
warm pop loop (I-V-vi-IV in C at 100 BPM: soft pad, plucked arpeggio, light kick and
hat), synthesised here so its rights are ours. Needs python3 and the ffmpeg CLI (the
encoder only). Usage: scripts/make-music-bed.py [OUT]"""
import array
import math
import random
import subprocess
import sys

RATE = 48000
BPM = 100
BEAT = 60.0 / BPM
BAR = 4 * BEAT
SECONDS = 60.0
N = int(RATE * SECONDS)

# C major, G major, A minor, F major, as MIDI notes (pad voicings, arpeggio notes).
CHORDS = [
    ([48, 55, 60, 64, 67], [60, 64, 67, 72]),
    ([43, 55, 59, 62, 67], [59, 62, 67, 71]),
    ([45, 57, 60, 64, 69], [60, 64, 69, 72]),
    ([41, 53, 57, 60, 65], [57, 60, 65, 69]),
]


def hz(note):
    return 440.0 * 2 ** ((note - 69) / 12)


left = array.array("f", bytes(4 * N))
right = array.array("f", bytes(4 * N))


def add(start, samples, pan):
    """Mixes mono `samples` in at second `start`, panned (-1 left .. 1 right)."""
    i0 = int(start * RATE)
    gl, gr = math.cos((pan + 1) * math.pi / 4), math.sin((pan + 1) * math.pi / 4)
    for k, s in enumerate(samples):
        i = i0 + k
        if i >= N:
            break
        left[i] += s * gl
        right[i] += s * gr


def pad(notes, length):
    n = int(length * RATE)
    out = [0.0] * n
    for j, note in enumerate(notes):
        for detune in (-0.15, 0.15):
            f = hz(note + detune / 12) * (1 + detune * 0.002)
            step = 2 * math.pi * f / RATE
            phase = random.random() * 6.28
            amp = 0.045 / (1 + j * 0.25)
            for k in range(n):
                out[k] += amp * math.sin(phase + step * k)
    attack, release = int(0.6 * RATE), int(0.8 * RATE)
    for k in range(n):
        env = min(1.0, k / attack, (n - k) / release)
        out[k] *= env
    return out


def pluck(note, length=0.5):
    n = int(length * RATE)
    f = hz(note)
    step = 2 * math.pi * f / RATE
    return [
        0.11 * math.exp(-k / (0.12 * RATE)) * (math.sin(step * k) + 0.3 * math.sin(2 * step * k))
        for k in range(n)
    ]


def kick():
    n = int(0.25 * RATE)
    out, phase = [], 0.0
    for k in range(n):
        f = 45 + 90 * math.exp(-k / (0.03 * RATE))
        phase += 2 * math.pi * f / RATE
        out.append(0.16 * math.exp(-k / (0.07 * RATE)) * math.sin(phase))
    return out


def hat():
    n = int(0.05 * RATE)
    rnd = random.Random(7)
    return [0.03 * math.exp(-k / (0.008 * RATE)) * (rnd.random() * 2 - 1) for k in range(n)]


random.seed(2026)
K, H = kick(), hat()
bar, t = 0, 0.0
while t < SECONDS:
    voicing, arp = CHORDS[bar % 4]
    add(t, pad(voicing, BAR + 0.6), 0.0)
    for e in range(8):
        add(t + e * BEAT / 2, pluck(arp[(e * 3 + bar) % 4]), 0.35 if e % 2 else -0.35)
    for b in range(4):
        add(t + b * BEAT, K, 0.0)
        add(t + b * BEAT + BEAT / 2, H, 0.2)
    bar += 1
    t += BAR

# Gentle fade at both ends so the bed starts and stops cleanly wherever it is cut.
fade = int(1.5 * RATE)
for k in range(fade):
    g = k / fade
    left[k] *= g
    right[k] *= g
    left[N - 1 - k] *= g
    right[N - 1 - k] *= g
peak = max(max(abs(x) for x in left), max(abs(x) for x in right))
# Gentle tape-style saturation tames the drum peaks, so the bed can be brought up to a
# web loudness target without its true peak passing -1 dBTP.
drive = 1.6 / peak
norm = 0.6 / math.tanh(1.6)
pcm = array.array("f", (norm * math.tanh(s * drive) for pair in zip(left, right) for s in pair))

out = sys.argv[1] if len(sys.argv) > 1 else "assets/brand/music-bed.m4a"
subprocess.run(
    ["ffmpeg", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "2",
     "-i", "-", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", out],
    input=pcm.tobytes(), check=True)
print(f"wrote {out}")
