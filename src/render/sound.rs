//! The montage's whole soundtrack, mixed before any picture is encoded: the clips' own sound cut to
//! the timeline (dips and crossfades as the picture has them), the music bed looped and
//! faded to length and ducked under the clips' voices, then the whole mix measured
//! (EBU R128) and brought to the piece's loudness target with true peak at most -1 dBTP.

use std::path::PathBuf;

use super::{
    crossfade_frames, decode_range, dip_frames, dip_gain, Picture, RenderError, SAMPLES_PER_FRAME,
    SAMPLE_RATE,
};
use crate::library::Library;
use crate::media::Kind;
use crate::piece::bed::BedError;
use crate::piece::{Montage, FPS};
use crate::rights::ClearedForUse;

/// Settings the renderer reads, with what they mean.
pub const KEYS: &[(&str, &str)] = &[
    (
        "music_bed",
        "path of the music bed for montages (default: the demo kit's built-in loop)",
    ),
    (
        "brand_kit",
        "folder with the brand kit's brand.json and logo (default: the built-in demo kit)",
    ),
];

/// Every clip's sound is brought to this loudness (EBU R128 over what the piece uses)
/// before the mix, so a shouted clip and a whispered one sit at one level.
const DIALOGUE_LUFS: f64 = -23.0;
/// Levelling boosts a quiet clip by at most this much (more would be all hiss) and cuts a
/// loud one by at most the other.
const LEVEL_DB: (f64, f64) = (-30.0, 15.0);
/// The bed fills the gaps this far under the voices (LU), and dips this far more (dB)
/// while someone speaks.
const BED_UNDER_VOICES_LU: f64 = 3.0;
const DUCK_DB: f32 = -9.0;
/// Every edge of a clip's sound fades over this long, so no cut clicks.
const EDGE_FADE: usize = SAMPLE_RATE as usize / 100;
/// The limiter keeps sample peaks under this, leaving room for the peaks between samples
/// and for the AAC encoder's overshoot: the delivered file must measure at most -1 dBTP,
/// so the mix is held to -1.5.
const LIMIT_DBFS: f64 = -2.0;
const TRUE_PEAK_DBTP: f64 = -1.5;
/// Band energy (RMS, 300-3400 Hz) above which a 20 ms block counts as voice.
const VOICE_RMS: f32 = 0.008;
const BLOCK: usize = (SAMPLE_RATE / 50) as usize;

pub use crate::media::audio::Stereo;

/// The bed file to use (`piece::bed::path`), as a render error.
pub fn bed_path(lib: &Library) -> Result<PathBuf, RenderError> {
    crate::piece::bed::path(lib).map_err(|e| match e {
        BedError::Missing(path) => RenderError::Source {
            path,
            why: "the music bed file set in `music_bed` is missing; set another with `chorus settings set music_bed FILE`".into(),
        },
        BedError::Write { path, source } => RenderError::Write { path, source },
    })
}

/// What a montage's soundtrack is made of, read from the library on the render's thread,
/// so the mix itself can run on another while the first pictures are composed.
pub struct Recipe {
    montage: Montage,
    frames: u64,
    /// Each item's source file and kind, in the montage's order.
    sources: Vec<(PathBuf, Kind)>,
    /// The bed's file and its level against the automatic one, if the montage has one.
    bed: Option<(PathBuf, f64)>,
}

impl Recipe {
    pub fn new(
        lib: &Library,
        cleared: &ClearedForUse,
        montage: &Montage,
        frames: u64,
    ) -> Result<Recipe, RenderError> {
        let store = lib.store();
        let sources = montage
            .items
            .iter()
            .map(|item| {
                let src = super::source_of(cleared, item.asset_id)?;
                Ok((store.original(&src.hash), src.kind))
            })
            .collect::<Result<_, RenderError>>()?;
        let bed = match montage.music_bed {
            true => Some((bed_path(lib)?, montage.bed_db)),
            false => None,
        };
        Ok(Recipe {
            montage: montage.clone(),
            frames,
            sources,
            bed,
        })
    }

    /// The soundtrack of `frames` video frames, normalised and ready to encode.
    pub fn mix(self) -> Result<Vec<Stereo>, RenderError> {
        let voices = arrange(&self.sources, &self.montage, self.frames)?;
        mix(voices, self.bed, self.montage.target_lufs, self.frames)
    }
}

/// Lays the bed (if any: its file, and its level against the automatic one) under
/// `voices`, ducked wherever they speak, and brings the whole mix to `target_lufs` with
/// true peak at most -1 dBTP. The result is exactly `frames` frames long. Mixed in place,
/// the bed read sample by sample: one piece-length buffer in all.
pub fn mix(
    voices: Vec<Stereo>,
    bed: Option<(PathBuf, f64)>,
    target_lufs: f64,
    frames: u64,
) -> Result<Vec<Stereo>, RenderError> {
    let len = frames as usize * SAMPLES_PER_FRAME;
    let mut mix = voices;
    mix.resize(len, [0.0; 2]);
    if let Some((path, bed_db)) = bed {
        // The bed loops, so more of it than the piece lasts is never heard.
        let one =
            crate::media::audio::decode_stereo(&path, len).map_err(|why| RenderError::Source {
                path: path.clone(),
                why,
            })?;
        if one.is_empty() {
            return Err(RenderError::Source {
                path,
                why: "the music bed has no sound".into(),
            });
        }
        let bed = Looped::new(&one, len);
        // The bed just under the voices (if any), then ducked wherever they speak.
        let bed_gain = match (integrated(&mix)?, measure(len, |j| bed.at(j), false)?) {
            (Some(lv), Some((lb, _))) => db_to_gain(lv - BED_UNDER_VOICES_LU - lb + bed_db),
            _ => db_to_gain(bed_db),
        };
        let duck = duck_envelope(&mix);
        for (j, (m, g)) in mix.iter_mut().zip(&duck).enumerate() {
            let (b, k) = (bed.at(j), bed_gain * g);
            m[0] += b[0] * k;
            m[1] += b[1] * k;
        }
    }
    normalise(&mut mix, target_lufs)?;
    Ok(mix)
}

/// Brings `mix` to `target_lufs`, a look-ahead limiter holding the peaks that the gain
/// would push over the ceiling; then, should a true peak still poke over -1 dBTP, pulls
/// the whole down by that much. Silence stays silence.
fn normalise(mix: &mut [Stereo], target_lufs: f64) -> Result<(), RenderError> {
    for _ in 0..3 {
        let Some(lufs) = integrated(mix)? else {
            return Ok(());
        };
        let g = db_to_gain(target_lufs - lufs);
        for s in mix.iter_mut() {
            s[0] *= g;
            s[1] *= g;
        }
        limit(mix, db_to_gain(LIMIT_DBFS));
        // Further rounds make up what the limiter took off the loudness.
        if (target_lufs - lufs).abs() < 0.05 {
            break;
        }
    }
    if let Some((_, peak)) = loudness(mix)? {
        let ceiling = f64::from(db_to_gain(TRUE_PEAK_DBTP));
        if peak > ceiling {
            let g = (ceiling / peak) as f32 * 0.995;
            for s in mix.iter_mut() {
                s[0] *= g;
                s[1] *= g;
            }
        }
    }
    Ok(())
}

/// A look-ahead true-peak limiter: the gain at each sample is at most what keeps every
/// peak within 5 ms either side under `ceiling` — peaks between samples included (4×
/// oversampled, as the meter reads them) — smoothed over 5 ms, so it ramps down before a
/// peak, never after it, and released over 150 ms.
fn limit(mix: &mut [Stereo], ceiling: f32) {
    let look = SAMPLE_RATE as usize / 200;
    let kernels = quarter_sample_kernels();
    // A value between samples is a weighted sum of the 2 × TAPS around it, so it is at most
    // their largest magnitude times the kernels' largest sum of |weights|: where that stays
    // under the ceiling, the sample itself is all that needs looking at (most of a mix).
    let gain_bound = kernels
        .iter()
        .map(|k| k.iter().map(|w| w.abs()).sum::<f32>())
        .fold(1.0f32, f32::max);
    let magnitude: Vec<f32> = mix.iter().map(|s| s[0].abs().max(s[1].abs())).collect();
    let near = windowed_max(&magnitude, TAPS);
    let need: Vec<f32> = (0..mix.len())
        .map(|j| {
            let p = if near[j] * gain_bound <= ceiling {
                magnitude[j]
            } else {
                inter_sample_peak(mix, j, &kernels)
            };
            if p > ceiling {
                ceiling / p
            } else {
                1.0
            }
        })
        .collect();
    if need.iter().all(|g| *g >= 1.0) {
        return;
    }
    // The least gain needed within `look` samples either side.
    let negated: Vec<f32> = need.iter().map(|g| -g).collect();
    let floor: Vec<f32> = windowed_max(&negated, look).iter().map(|g| -g).collect();
    // The mean of `floor` over [j - look, j]: each term is at most need[j], so the mean is.
    let release = 1.0 - (-1.0 / (0.150 * SAMPLE_RATE as f32)).exp();
    let (mut sum, mut g) = (0.0f64, 1.0f32);
    for j in 0..mix.len() {
        sum += f64::from(floor[j]);
        if j > look {
            sum -= f64::from(floor[j - look - 1]);
        }
        let smooth = (sum / (j.min(look) + 1) as f64) as f32;
        g = smooth.min(g + (1.0 - g) * release);
        mix[j][0] *= g;
        mix[j][1] *= g;
    }
}

/// Taps either side of the point a windowed sinc interpolates.
const TAPS: usize = 8;

/// Windowed-sinc kernels for the points a quarter, a half and three quarters of the way
/// from a sample to the next.
fn quarter_sample_kernels() -> [[f32; 2 * TAPS]; 3] {
    let mut k = [[0.0f32; 2 * TAPS]; 3];
    for (q, kernel) in k.iter_mut().enumerate() {
        let frac = (q + 1) as f64 / 4.0;
        for (t, w) in kernel.iter_mut().enumerate() {
            let x = t as f64 - (TAPS as f64 - 1.0) - frac;
            let sinc = if x.abs() < 1e-9 {
                1.0
            } else {
                (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
            };
            let hann = 0.5 + 0.5 * (std::f64::consts::PI * x / TAPS as f64).cos();
            *w = (sinc * hann) as f32;
        }
    }
    k
}

/// The largest of `v` within `r` places either side of each index (a monotonic deque).
fn windowed_max(v: &[f32], r: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; v.len()];
    let mut window = std::collections::VecDeque::new();
    for k in 0..v.len() + r {
        if k < v.len() {
            while window.back().is_some_and(|&b: &usize| v[b] <= v[k]) {
                window.pop_back();
            }
            window.push_back(k);
        }
        if k >= r {
            let j = k - r;
            while window.front().is_some_and(|&f| f + r < j) {
                window.pop_front();
            }
            if let Some(&f) = window.front() {
                out[j] = v[f];
            }
        }
    }
    out
}

/// The largest magnitude at sample `j` or between it and the next, either channel.
fn inter_sample_peak(mix: &[Stereo], j: usize, kernels: &[[f32; 2 * TAPS]; 3]) -> f32 {
    let mut p = mix[j][0].abs().max(mix[j][1].abs());
    if j + 1 < TAPS || j + TAPS >= mix.len() {
        return p;
    }
    let from = j + 1 - TAPS;
    for kernel in kernels {
        for c in 0..2 {
            let v: f32 = kernel
                .iter()
                .zip(&mix[from..from + 2 * TAPS])
                .map(|(w, s)| w * s[c])
                .sum();
            p = p.max(v.abs());
        }
    }
    p
}

fn db_to_gain(db: f64) -> f32 {
    10f64.powf(db / 20.0) as f32
}

/// The clips' sound on the piece's timeline, `frames` long: each clip levelled to the
/// dialogue level (and its own gain), leading or trailing its picture as the item says,
/// with dips to black as fades, crossfades as overlaps and a short fade at every other
/// edge; silence under cards and photos.
fn arrange(
    sources: &[(PathBuf, Kind)],
    montage: &Montage,
    frames: u64,
) -> Result<Vec<Stereo>, RenderError> {
    let spf = SAMPLES_PER_FRAME;
    let len = frames as usize * spf;
    let mut out: Vec<Stereo> = vec![[0.0; 2]; len];
    let card = (montage.card_ms * FPS + 500) / 1000;
    // Where the current item's picture starts, in frames.
    let mut at = if montage.intro_card { card } else { 0 };
    for (index, (item, (source, kind))) in montage.items.iter().zip(sources).enumerate() {
        let n = (item.len_ms() * FPS + 500) / 1000;
        at = at.saturating_sub(crossfade_frames(montage, index));
        if *kind != Kind::Clip || item.sound.mute {
            at += n;
            continue;
        }
        // J- and L-cuts in whole frames, inside the clip and the piece.
        let lead = crate::piece::frames(item.sound.lead_ms).min(at);
        let trail = crate::piece::frames(item.sound.trail_ms).min(frames.saturating_sub(at + n));
        let mut span = item.clone();
        span.in_ms = item.in_ms.saturating_sub(crate::piece::ms_of(lead));
        span.out_ms = item.out_ms + crate::piece::ms_of(trail);
        let total = lead + n + trail;
        let mut audio = Vec::new();
        decode_range(
            source,
            &span,
            total,
            Picture::SoundOnly,
            &mut |_, _| Ok(()),
            &mut audio,
        )?;
        audio.resize(total as usize * spf, [0.0; 2]);
        let level = match integrated(&audio)? {
            Some(lufs) => (DIALOGUE_LUFS - lufs).clamp(LEVEL_DB.0, LEVEL_DB.1),
            None => 0.0,
        };
        let gain = db_to_gain(level + item.sound.gain_db);
        // Dips to black fade the sound with the picture (over the picture's frames).
        let (dip_in, dip_out) = (dip_frames(montage, index), dip_frames(montage, index + 1));
        let k_in = (crossfade_frames(montage, index) as usize * spf).max(EDGE_FADE);
        let k_out = (crossfade_frames(montage, index + 1) as usize * spf).max(EDGE_FADE);
        let samples = audio.len();
        let start = (at - lead) as usize * spf;
        for (j, s) in audio.iter().enumerate() {
            let f = (j / spf) as u64;
            let picture_f = f.saturating_sub(lead).min(n.saturating_sub(1));
            let mut g = gain * dip_gain(picture_f, n, dip_in, dip_out);
            g *= ((j + 1) as f32 / k_in as f32).min(1.0);
            g *= ((samples - j) as f32 / k_out as f32).min(1.0);
            if let Some(o) = out.get_mut(start + j) {
                o[0] += s[0] * g;
                o[1] += s[1] * g;
            }
        }
        at += n;
    }
    Ok(out)
}

/// Integrated loudness (LUFS) and true peak (linear) of a stereo buffer; `None` if silent.
pub fn loudness(samples: &[Stereo]) -> Result<Option<(f64, f64)>, RenderError> {
    measure(samples.len(), |j| samples[j], true)
}

/// Integrated loudness alone (no true peak, which costs four times the work).
fn integrated(samples: &[Stereo]) -> Result<Option<f64>, RenderError> {
    Ok(measure(samples.len(), |j| samples[j], false)?.map(|(lufs, _)| lufs))
}

/// `loudness` of `len` samples read one by one; the peak is 0 unless `true_peak`.
fn measure(
    len: usize,
    at: impl Fn(usize) -> Stereo,
    true_peak: bool,
) -> Result<Option<(f64, f64)>, RenderError> {
    let err = |e: ebur128::Error| RenderError::Encode(format!("loudness meter: {e:?}"));
    let mode = if true_peak {
        ebur128::Mode::I | ebur128::Mode::TRUE_PEAK
    } else {
        ebur128::Mode::I
    };
    let mut meter = ebur128::EbuR128::new(2, SAMPLE_RATE, mode).map_err(err)?;
    let second = SAMPLE_RATE as usize;
    let mut interleaved = Vec::with_capacity(2 * second);
    for start in (0..len).step_by(second) {
        interleaved.clear();
        interleaved.extend((start..(start + second).min(len)).flat_map(&at));
        meter.add_frames_f32(&interleaved).map_err(err)?;
    }
    let lufs = meter.loudness_global().unwrap_or(f64::NEG_INFINITY);
    if !lufs.is_finite() || lufs < -70.0 {
        return Ok(None);
    }
    let peak = (0..2)
        .filter(|_| true_peak)
        .filter_map(|c| meter.true_peak(c).ok())
        .fold(0.0f64, f64::max);
    Ok(Some((lufs, peak)))
}

/// The bed looped (with a short crossfade at each seam) or cut to `len` samples, fading
/// in over half a second and out over the last 1.5 s so it ends with the piece; read
/// sample by sample, so a long piece needs no bed-length buffer.
struct Looped<'a> {
    one: &'a [Stereo],
    len: usize,
    seam: usize,
    fade_in: usize,
    fade_out: usize,
}

impl<'a> Looped<'a> {
    fn new(one: &'a [Stereo], len: usize) -> Looped<'a> {
        Looped {
            one,
            len,
            seam: (SAMPLE_RATE as usize / 2).min(one.len() / 4),
            fade_in: (SAMPLE_RATE as usize / 2).min(len).max(1),
            fade_out: (SAMPLE_RATE as usize * 3 / 2).min(len).max(1),
        }
    }

    fn at(&self, j: usize) -> Stereo {
        // Copy k of the bed starts at k × period; its first `seam` samples fade in over
        // the tail of copy k - 1.
        let period = self.one.len() - self.seam;
        let (k, o) = (j / period, j % period);
        let s = if k > 0 && o < self.seam {
            let old = self.one[o + period];
            // A copy starts only if the piece runs past the one before it.
            if k * period + self.seam >= self.len {
                old
            } else {
                let a = o as f32 / self.seam as f32;
                let new = self.one[o];
                [
                    old[0] * (1.0 - a) + new[0] * a,
                    old[1] * (1.0 - a) + new[1] * a,
                ]
            }
        } else {
            self.one[o]
        };
        let g = ((j as f32 + 1.0) / self.fade_in as f32)
            .min(self.len.saturating_sub(j) as f32 / self.fade_out as f32)
            .min(1.0);
        [s[0] * g, s[1] * g]
    }
}

/// A gain per sample for the bed: 1 in the clear, `DUCK_DB` while the voices track has
/// energy in the speech band, with a quick attack, a hold and a slow release so the bed
/// does not pump between words.
pub fn duck_envelope(voices: &[Stereo]) -> Vec<f32> {
    // Two band-passes in a row: speech (300-3400 Hz) passes, hum and hiss do not.
    let mut filters = [BiQuad::band_pass(1000.0, 0.7); 2];
    let speaking: Vec<bool> = voices
        .chunks(BLOCK)
        .map(|block| {
            let energy: f32 = block
                .iter()
                .map(|s| {
                    let y = filters
                        .iter_mut()
                        .fold((s[0] + s[1]) * 0.5, |x, f| f.run(x));
                    y * y
                })
                .sum();
            (energy / block.len().max(1) as f32).sqrt() > VOICE_RMS
        })
        .collect();
    let ducked = db_to_gain(f64::from(DUCK_DB));
    let per_sample = |ms: f32| 1.0 - (-1.0 / (ms / 1000.0 * SAMPLE_RATE as f32)).exp();
    let (attack, release) = (per_sample(60.0), per_sample(450.0));
    let hold_blocks = 15; // 300 ms
    let mut out = Vec::with_capacity(voices.len());
    let mut g = 1.0f32;
    let mut since_voice = usize::MAX;
    for (b, &voice) in speaking.iter().enumerate() {
        since_voice = if voice {
            0
        } else {
            since_voice.saturating_add(1)
        };
        let target = if since_voice <= hold_blocks {
            ducked
        } else {
            1.0
        };
        let coef = if target < g { attack } else { release };
        let len = BLOCK.min(voices.len() - b * BLOCK);
        for _ in 0..len {
            g += (target - g) * coef;
            out.push(g);
        }
    }
    out
}

/// A second-order band-pass (RBJ cookbook), enough to tell speech from rumble and hiss.
#[derive(Clone, Copy)]
struct BiQuad {
    b: [f32; 3],
    a: [f32; 2],
    x: [f32; 2],
    y: [f32; 2],
}

impl BiQuad {
    fn band_pass(centre_hz: f32, q: f32) -> BiQuad {
        let w = 2.0 * std::f32::consts::PI * centre_hz / SAMPLE_RATE as f32;
        let alpha = w.sin() / (2.0 * q);
        let a0 = 1.0 + alpha;
        BiQuad {
            b: [alpha / a0, 0.0, -alpha / a0],
            a: [-2.0 * w.cos() / a0, (1.0 - alpha) / a0],
            x: [0.0; 2],
            y: [0.0; 2],
        }
    }

    fn run(&mut self, x: f32) -> f32 {
        let y = self.b[0] * x + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x, self.x[0]];
        self.y = [y, self.y[0]];
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, secs: f32, amp: f32) -> Vec<Stereo> {
        (0..(secs * SAMPLE_RATE as f32) as usize)
            .map(|i| {
                let v =
                    amp * (2.0 * std::f32::consts::PI * hz * i as f32 / SAMPLE_RATE as f32).sin();
                [v, v]
            })
            .collect()
    }

    #[test]
    fn ducks_under_speech_band_and_recovers() {
        // 1 s silence, 2 s of a 800 Hz "voice", 2 s silence.
        let mut voices = vec![[0.0f32; 2]; SAMPLE_RATE as usize];
        voices.extend(tone(800.0, 2.0, 0.2));
        voices.extend(vec![[0.0f32; 2]; 2 * SAMPLE_RATE as usize]);
        let env = duck_envelope(&voices);
        assert_eq!(env.len(), voices.len());
        let at = |s: f32| env[(s * SAMPLE_RATE as f32) as usize];
        assert!(
            (at(0.5) - 1.0).abs() < 1e-3,
            "clear before the voice: {}",
            at(0.5)
        );
        let ducked = db_to_gain(f64::from(DUCK_DB));
        assert!(
            (at(2.0) - ducked).abs() < 0.02,
            "ducked under the voice: {}",
            at(2.0)
        );
        assert!(at(4.9) > 0.95, "recovered after: {}", at(4.9));
    }

    #[test]
    fn low_rumble_is_not_a_voice() {
        let env = duck_envelope(&tone(40.0, 2.0, 0.2));
        assert!(
            env.iter().all(|g| *g > 0.9),
            "a 40 Hz hum must not duck the bed"
        );
    }

    #[test]
    fn the_limiter_holds_peaks_between_samples_and_leaves_the_rest_alone() {
        // Quiet speech-level tone, then a burst at fs/4 sampled 45° off its peaks: every
        // sample reads 0.707 of a true peak of 1.2.
        let mut mix = tone(440.0, 1.0, 0.1);
        let burst: Vec<Stereo> = (0..SAMPLE_RATE as usize / 10)
            .map(|i| {
                let v = 1.2
                    * (std::f32::consts::FRAC_PI_2 * i as f32 + std::f32::consts::FRAC_PI_4).sin();
                [v, v]
            })
            .collect();
        mix.extend(&burst);
        mix.extend(tone(440.0, 1.0, 0.1));
        let before = mix.clone();
        let ceiling = db_to_gain(LIMIT_DBFS);
        limit(&mut mix, ceiling);
        let (_, peak) = loudness(&mix).unwrap().unwrap();
        assert!(
            peak <= f64::from(ceiling) * 1.05,
            "true peak {peak:.3} over the ceiling {ceiling:.3}"
        );
        // Half a second before the burst, nothing changed.
        let quiet = SAMPLE_RATE as usize / 2;
        assert_eq!(&mix[..quiet], &before[..quiet]);
    }

    #[test]
    fn bed_loops_to_length_with_fades() {
        let one = tone(440.0, 1.0, 0.5);
        let len = 3 * SAMPLE_RATE as usize + 17;
        let looped = Looped::new(&one, len);
        let bed: Vec<Stereo> = (0..len).map(|j| looped.at(j)).collect();
        assert_eq!(bed.len(), 3 * SAMPLE_RATE as usize + 17);
        assert!(bed[0][0].abs() < 0.01 && bed.last().unwrap()[0].abs() < 0.01);
        let mid = &bed[SAMPLE_RATE as usize..2 * SAMPLE_RATE as usize];
        let rms = (mid.iter().map(|s| s[0] * s[0]).sum::<f32>() / mid.len() as f32).sqrt();
        assert!(
            rms > 0.3,
            "the loop keeps playing across the seam: rms {rms}"
        );
    }
}
