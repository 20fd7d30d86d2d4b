//! How lively each half second of a clip is, so auto-assemble trims to the best of it:
//! motion (frame-to-frame change), sound energy and sharpness, and whether the stretch
//! starts on a frame worth opening on (not black, not blurred), and where its subject is
//! (the centre of what moves and has detail, for framing that follows it). Frames are
//! looked at in grey at 160 px wide: enough to see movement and blur, cheap next to
//! decoding.

use std::path::Path;
use std::time::{Duration, Instant};

use ff::media::Type;
use ff::software::{resampling, scaling};
use ff::util::frame;
use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::MediaError;

/// Length of a stretch.
pub const STEP_MS: u64 = 500;
/// Only the first two minutes are looked at: a montage takes seconds from a clip.
const MAX_MS: u64 = 120_000;
const WIDTH: u32 = 160;
/// A frame darker than this (mean luma, 0-255) is black; one with less than this share
/// of the clip's median sharpness is blurred.
const BLACK_LUMA: f32 = 28.0;
const BLURRED: f32 = 0.5;
const BUDGET: Duration = Duration::from_secs(60);
/// Squared change above which a frame has movement to follow (a few dozen pixels of
/// clear change at 160 px wide).
const MOVING: f64 = 2_000.0;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stretch {
    /// Mean absolute change between consecutive frames (0-255).
    pub motion: f32,
    /// Sound energy (dBFS RMS); -100 when silent or without sound.
    pub sound_db: f32,
    /// Mean absolute Laplacian of the frames (edge strength).
    pub sharpness: f32,
    /// The first frame's mean luma and sharpness.
    pub first_luma: f32,
    pub first_sharpness: f32,
    /// Where the subject is, as fractions of the stored frame (x, y): the centre of
    /// movement and detail. `None` for a still, featureless stretch.
    #[serde(default)]
    pub subject: Option<[f32; 2]>,
}

/// What `analyse` measures now; a cached result of an older version is measured again.
pub const VERSION: u32 = 2;

/// Stretch `i` covers `[i × STEP_MS, (i + 1) × STEP_MS)` of the clip.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Liveliness {
    pub stretches: Vec<Stretch>,
    #[serde(default)]
    pub version: u32,
}

impl Liveliness {
    /// Where the liveliest `len_ms` of the clip starts (a multiple of `STEP_MS`, ending by
    /// `duration_ms`), never on a black or blurred frame when any other start exists.
    /// `None` when the clip is too short or was not looked at.
    pub fn best_start(&self, len_ms: u64, duration_ms: u64) -> Option<u64> {
        let s = &self.stretches;
        if s.is_empty() || len_ms > duration_ms {
            return None;
        }
        let z = |f: fn(&Stretch) -> f32| -> Vec<f32> {
            let n = s.len() as f32;
            let mean = s.iter().map(f).sum::<f32>() / n;
            let sd = (s.iter().map(|x| (f(x) - mean).powi(2)).sum::<f32>() / n).sqrt();
            s.iter()
                .map(|x| if sd > 1e-6 { (f(x) - mean) / sd } else { 0.0 })
                .collect()
        };
        let (motion, sound, sharp) = (z(|x| x.motion), z(|x| x.sound_db), z(|x| x.sharpness));
        let score: Vec<f32> = (0..s.len())
            .map(|i| motion[i] + sound[i] + 0.5 * sharp[i])
            .collect();
        let mut sharpness: Vec<f32> = s.iter().map(|x| x.sharpness).collect();
        sharpness.sort_by(f32::total_cmp);
        let median = sharpness[sharpness.len() / 2];
        let usable =
            |x: &Stretch| x.first_luma >= BLACK_LUMA && x.first_sharpness >= BLURRED * median;
        let last_start = (duration_ms - len_ms) / STEP_MS;
        let span = len_ms.div_ceil(STEP_MS).max(1) as usize;
        let mut best: Option<(bool, f32, u64)> = None;
        for k in 0..=last_start {
            let i = k as usize;
            let Some(first) = s.get(i) else { break };
            let covered = &score[i..(i + span).min(s.len())];
            let mean = covered.iter().sum::<f32>() / covered.len() as f32;
            let candidate = (usable(first), mean, k * STEP_MS);
            // Usable first, then liveliest; the earlier start on a tie.
            let better = match best {
                None => true,
                Some((u, m, _)) => (candidate.0, candidate.1) > (u, m),
            };
            if better {
                best = Some(candidate);
            }
        }
        best.map(|(_, _, start)| start)
    }
}

/// Looks at the first two minutes of the clip at `path`.
pub fn analyse(path: &Path) -> Result<Liveliness, MediaError> {
    super::init_ffmpeg();
    let corrupt = |e: ff::Error| MediaError::Corrupt(format!("the clip cannot be read ({e})"));
    let mut ictx = ff::format::input(&path).map_err(corrupt)?;
    let vstream = ictx
        .streams()
        .best(Type::Video)
        .ok_or_else(|| MediaError::Unsupported("the file holds no video stream".into()))?;
    let (vindex, vtb) = (vstream.index(), vstream.time_base());
    let mut vdec = super::threaded_video_decoder(vstream.parameters()).map_err(corrupt)?;
    let audio = ictx
        .streams()
        .best(Type::Audio)
        .map(|s| (s.index(), s.time_base(), s.parameters()));
    let mut adec = audio.as_ref().and_then(|(_, _, p)| {
        ff::codec::context::Context::from_parameters(p.clone())
            .and_then(|c| c.decoder().audio())
            .ok()
    });
    let aindex = audio.as_ref().map(|(i, _, _)| *i);
    let atb = audio.as_ref().map(|(_, tb, _)| *tb);

    let mut acc = Accumulator::default();
    let mut look = Look::default();
    let mut sound = Sound::default();
    let deadline = Instant::now() + BUDGET;
    let mut vframe = frame::Video::empty();
    let mut aframe = frame::Audio::empty();
    let ms_of = |pts: i64, tb: ff::Rational| -> i64 {
        pts.saturating_mul(1000 * i64::from(tb.numerator())) / i64::from(tb.denominator().max(1))
    };
    let mut done = false;
    let mut take = |vdec: &mut ff::decoder::Video,
                    adec: &mut Option<ff::decoder::Audio>,
                    acc: &mut Accumulator,
                    done: &mut bool|
     -> Result<(), MediaError> {
        while vdec.receive_frame(&mut vframe).is_ok() {
            let Some(pts) = vframe.timestamp().or(vframe.pts()) else {
                continue;
            };
            let t = ms_of(pts, vtb);
            if t < 0 {
                continue;
            }
            if t as u64 >= MAX_MS {
                *done = true;
                break;
            }
            if let Some(seen) = look.frame(&vframe)? {
                acc.picture(t as u64, &seen);
            }
        }
        if let (Some(dec), Some(tb)) = (adec.as_mut(), atb) {
            while dec.receive_frame(&mut aframe).is_ok() {
                if let Some(pts) = aframe.timestamp().or(aframe.pts()) {
                    let t = ms_of(pts, tb);
                    if (0..MAX_MS as i64).contains(&t) {
                        if let Some((sum, n)) = sound.energy(&aframe) {
                            acc.sound(t as u64, sum, n);
                        }
                    }
                }
            }
        }
        Ok(())
    };
    for (stream, packet) in ictx.packets() {
        if done {
            break;
        }
        if Instant::now() > deadline {
            return Err(MediaError::Timeout(
                "looking through the clip took too long".into(),
            ));
        }
        if stream.index() == vindex {
            let _ = vdec.send_packet(&packet);
        } else if Some(stream.index()) == aindex {
            if let Some(d) = adec.as_mut() {
                let _ = d.send_packet(&packet);
            }
        } else {
            continue;
        }
        take(&mut vdec, &mut adec, &mut acc, &mut done)?;
    }
    let _ = vdec.send_eof();
    if let Some(d) = adec.as_mut() {
        let _ = d.send_eof();
    }
    take(&mut vdec, &mut adec, &mut acc, &mut done)?;
    Ok(acc.finish())
}

/// Where a photo's subject is, as fractions (x, y): the centre of its strong detail (a
/// face, a product, a dog against grass or sky), looked at in grey at 160 px wide.
/// `None` for a featureless picture.
pub fn photo_subject(img: &image::RgbImage) -> Option<(f64, f64)> {
    let small = image::imageops::thumbnail(
        img,
        WIDTH,
        (WIDTH * img.height() / img.width().max(1)).max(2),
    );
    let grey = image::imageops::grayscale(&small);
    let (w, h) = grey.dimensions();
    let px = |x: u32, y: u32| i32::from(grey.get_pixel(x, y).0[0]);
    let mut sum = (0.0f64, 0.0f64, 0.0f64);
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let edge = (4 * px(x, y) - px(x - 1, y) - px(x + 1, y) - px(x, y - 1) - px(x, y + 1))
                .unsigned_abs();
            // Squared: a few sharp edges (the subject in focus) outweigh soft texture.
            let weight = f64::from(edge.saturating_sub(20)).powi(2);
            sum.0 += weight * (f64::from(x) + 0.5) / f64::from(w);
            sum.1 += weight * (f64::from(y) + 0.5) / f64::from(h);
            sum.2 += weight;
        }
    }
    (sum.2 > 0.0).then(|| (sum.0 / sum.2, sum.1 / sum.2))
}

/// Sums per stretch.
#[derive(Default)]
struct Accumulator {
    pictures: Vec<Pictures>,
    sounds: Vec<(f64, u64)>,
}

#[derive(Default)]
struct Pictures {
    sharpness: f32,
    frames: u32,
    motion: f32,
    pairs: u32,
    /// The first frame's luma and sharpness.
    first: Option<(f32, f32)>,
    /// Weighted sums of the subject's position: x, y and the weight.
    subject: (f64, f64, f64),
}

/// What one frame showed.
struct Seen {
    luma: f32,
    sharpness: f32,
    /// Mean change from the frame before (none for the first).
    motion: Option<f32>,
    /// Weighted sums of where movement and detail are: x, y (fractions), weight.
    subject: (f64, f64, f64),
}

impl Accumulator {
    fn slot<T: Default>(v: &mut Vec<T>, t: u64) -> &mut T {
        let i = (t / STEP_MS) as usize;
        if v.len() <= i {
            v.resize_with(i + 1, T::default);
        }
        &mut v[i]
    }

    fn picture(&mut self, t: u64, seen: &Seen) {
        let p = Self::slot(&mut self.pictures, t);
        p.sharpness += seen.sharpness;
        p.frames += 1;
        if let Some(m) = seen.motion {
            p.motion += m;
            p.pairs += 1;
        }
        p.first.get_or_insert((seen.luma, seen.sharpness));
        p.subject.0 += seen.subject.0;
        p.subject.1 += seen.subject.1;
        p.subject.2 += seen.subject.2;
    }

    fn sound(&mut self, t: u64, sum: f64, n: u64) {
        let s = Self::slot(&mut self.sounds, t);
        s.0 += sum;
        s.1 += n;
    }

    fn finish(self) -> Liveliness {
        let stretches = self
            .pictures
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let sound_db = self
                    .sounds
                    .get(i)
                    .filter(|s| s.1 > 0 && s.0 > 0.0)
                    .map_or(-100.0, |s| {
                        (10.0 * (s.0 / s.1 as f64).log10()).max(-100.0) as f32
                    });
                let (first_luma, first_sharpness) = p.first.unwrap_or((0.0, 0.0));
                Stretch {
                    motion: if p.pairs > 0 {
                        p.motion / p.pairs as f32
                    } else {
                        0.0
                    },
                    sound_db,
                    sharpness: if p.frames > 0 {
                        p.sharpness / p.frames as f32
                    } else {
                        0.0
                    },
                    first_luma,
                    first_sharpness,
                    subject: (p.subject.2 > 1e-3).then(|| {
                        [
                            (p.subject.0 / p.subject.2) as f32,
                            (p.subject.1 / p.subject.2) as f32,
                        ]
                    }),
                }
            })
            .collect();
        Liveliness {
            stretches,
            version: VERSION,
        }
    }
}

/// Frames in small grey, and the one before for motion.
#[derive(Default)]
struct Look {
    scaler: Option<(scaling::Context, (ff::format::Pixel, u32, u32))>,
    previous: Vec<u8>,
}

impl Look {
    /// Mean luma, sharpness, (after the first) motion, and the subject of a frame.
    fn frame(&mut self, f: &frame::Video) -> Result<Option<Seen>, MediaError> {
        let key = (f.format(), f.width(), f.height());
        if f.width() == 0 || f.height() == 0 {
            return Ok(None);
        }
        if self.scaler.as_ref().map(|(_, k)| *k) != Some(key) {
            let h = ((u64::from(WIDTH) * u64::from(f.height()) / u64::from(f.width())).max(2)
                as u32)
                & !1;
            let ctx = scaling::Context::get(
                f.format(),
                f.width(),
                f.height(),
                ff::format::Pixel::GRAY8,
                WIDTH,
                h,
                scaling::Flags::AREA,
            )
            .map_err(|e| MediaError::Unsupported(format!("cannot look at its frames ({e})")))?;
            self.scaler = Some((ctx, key));
            self.previous.clear();
        }
        let (ctx, _) = self.scaler.as_mut().expect("set above");
        let mut grey = frame::Video::empty();
        if ctx.run(f, &mut grey).is_err() {
            return Ok(None);
        }
        let (w, h, stride) = (
            grey.width() as usize,
            grey.height() as usize,
            grey.stride(0),
        );
        let data = grey.data(0);
        let mut pixels = Vec::with_capacity(w * h);
        for row in 0..h {
            pixels.extend_from_slice(&data[row * stride..row * stride + w]);
        }
        let luma = pixels.iter().map(|p| f32::from(*p)).sum::<f32>() / pixels.len() as f32;
        let mut edges = 0.0f32;
        let moving = self.previous.len() == pixels.len();
        // Where things move, and where the strong detail is: the first when anything
        // moves (what a viewer's eye follows), else the second (a still subject).
        let mut moved = (0.0f64, 0.0f64, 0.0f64);
        let mut detail = (0.0f64, 0.0f64, 0.0f64);
        for y in 1..h.saturating_sub(1) {
            for x in 1..w - 1 {
                let i = y * w + x;
                let c = 4 * i32::from(pixels[i]);
                let around = i32::from(pixels[i - 1])
                    + i32::from(pixels[i + 1])
                    + i32::from(pixels[i - w])
                    + i32::from(pixels[i + w]);
                let edge = (c - around).unsigned_abs();
                edges += edge as f32;
                // Grain and codec noise fall under the thresholds; squared, so the
                // strongest change and detail lead.
                let change = match moving {
                    true => u32::from(pixels[i].abs_diff(self.previous[i])),
                    false => 0,
                };
                let (fx, fy) = ((x as f64 + 0.5) / w as f64, (y as f64 + 0.5) / h as f64);
                let m = f64::from(change.saturating_sub(12)).powi(2);
                moved = (moved.0 + m * fx, moved.1 + m * fy, moved.2 + m);
                let d = f64::from(edge.saturating_sub(40)).powi(2);
                detail = (detail.0 + d * fx, detail.1 + d * fy, detail.2 + d);
            }
        }
        // Each frame counts the same in its stretch, however busy.
        let centre = |s: (f64, f64, f64)| (s.0 / s.2, s.1 / s.2, 1.0);
        let subject = if moved.2 > MOVING {
            centre(moved)
        } else if detail.2 > 0.0 {
            centre(detail)
        } else {
            (0.0, 0.0, 0.0)
        };
        let sharpness = edges / ((w.saturating_sub(2)) * (h.saturating_sub(2))).max(1) as f32;
        let motion = (self.previous.len() == pixels.len()).then(|| {
            self.previous
                .iter()
                .zip(&pixels)
                .map(|(a, b)| f32::from(a.abs_diff(*b)))
                .sum::<f32>()
                / pixels.len() as f32
        });
        self.previous = pixels;
        Ok(Some(Seen {
            luma,
            sharpness,
            motion,
            subject,
        }))
    }
}

/// Sound frames as mono floats for their energy.
#[derive(Default)]
struct Sound {
    resampler: Option<resampling::Context>,
}

impl Sound {
    /// Sum of squares and sample count of a decoded sound frame.
    fn energy(&mut self, f: &frame::Audio) -> Option<(f64, u64)> {
        let packed = ff::format::Sample::F32(ff::format::sample::Type::Packed);
        if self.resampler.is_none() {
            let layout = if f.channel_layout().is_empty() {
                ff::ChannelLayout::default(i32::from(f.channels()))
            } else {
                f.channel_layout()
            };
            self.resampler = resampling::Context::get(
                f.format(),
                layout,
                f.rate(),
                packed,
                ff::ChannelLayout::MONO,
                16_000,
            )
            .ok();
        }
        let rs = self.resampler.as_mut()?;
        let mut out = frame::Audio::empty();
        rs.run(f, &mut out).ok()?;
        let n = out.samples();
        if n == 0 {
            return None;
        }
        let bytes = &out.data(0)[..n * 4];
        let sum = bytes
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_ne_bytes([b[0], b[1], b[2], b[3]])).powi(2))
            .sum();
        Some((sum, n as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stretch(motion: f32, sound_db: f32, luma: f32) -> Stretch {
        Stretch {
            motion,
            sound_db,
            sharpness: 10.0,
            first_luma: luma,
            first_sharpness: 10.0,
            subject: None,
        }
    }

    #[test]
    fn the_liveliest_usable_stretch_wins() {
        // Quiet and still, then a burst of motion and sound at 2-3 s that opens on black.
        let mut s = vec![stretch(1.0, -40.0, 100.0); 10];
        s[4] = stretch(30.0, -10.0, 5.0);
        s[5] = stretch(30.0, -10.0, 100.0);
        let l = Liveliness {
            stretches: s,
            ..Liveliness::default()
        };
        // 1 s wanted: the burst, but not from its black first frame.
        let start = l.best_start(1000, 5000).unwrap();
        assert_ne!(start, 2000, "never open on black");
        assert!(start == 1500 || start == 2500, "start {start}");
        assert_eq!(l.best_start(6000, 5000), None);
        assert_eq!(Liveliness::default().best_start(1000, 5000), None);
    }

    #[test]
    fn a_blurred_first_frame_is_passed_over() {
        let mut s = vec![stretch(5.0, -30.0, 100.0); 6];
        s[0].first_sharpness = 1.0;
        s[0].motion = 50.0;
        let l = Liveliness {
            stretches: s,
            ..Liveliness::default()
        };
        assert_ne!(l.best_start(1000, 3000), Some(0));
    }
}
