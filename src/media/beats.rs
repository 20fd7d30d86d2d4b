//! The beat of a music bed, so cuts can land on it. An onset envelope (the rises in
//! short-time loudness, 5 ms steps), its autocorrelation for the tempo (weighted towards
//! the 80-160 BPM of most beds, against picking half or double), then the period and phase
//! that line up with the most onsets over the whole bed.

use serde::{Deserialize, Serialize};

use super::audio::{Stereo, SAMPLE_RATE};

/// A steady beat: one every `period_ms`, the first at `offset_ms` (less than a period).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BeatGrid {
    pub period_ms: f64,
    pub offset_ms: f64,
}

/// Steps of the onset envelope: 5 ms.
const HOP: usize = SAMPLE_RATE as usize / 200;
const HOP_MS: f64 = 5.0;
const BPM_RANGE: (f64, f64) = (60.0, 200.0);
/// Less than this much sound says nothing about a tempo.
const MIN_SECONDS: usize = 4;

impl BeatGrid {
    pub fn bpm(&self) -> f64 {
        60_000.0 / self.period_ms
    }

    /// How far `t_ms` lies from the nearest beat, in ms.
    pub fn distance_ms(&self, t_ms: f64) -> f64 {
        let x = (t_ms - self.offset_ms).rem_euclid(self.period_ms);
        x.min(self.period_ms - x)
    }

    /// The beats from `from_ms` to `to_ms` (both included), in order.
    pub fn beats_between(&self, from_ms: f64, to_ms: f64) -> impl Iterator<Item = f64> + '_ {
        let first = ((from_ms - self.offset_ms) / self.period_ms)
            .ceil()
            .max(0.0) as u64;
        (first..)
            .map(move |k| self.offset_ms + k as f64 * self.period_ms)
            .take_while(move |t| *t <= to_ms)
    }
}

/// The beat of `samples` (48 kHz stereo), or `None` when it has none to speak of (too
/// short, silent, or no steady pulse).
pub fn detect(samples: &[Stereo]) -> Option<BeatGrid> {
    let onsets = onset_envelope(samples);
    if onsets.len() < MIN_SECONDS * 200 || onsets.iter().all(|o| *o <= 0.0) {
        return None;
    }
    let lag = coarse_period(&onsets)?;
    let (period, phase) = refine(&onsets, lag);
    Some(BeatGrid {
        period_ms: period * HOP_MS,
        offset_ms: phase * HOP_MS,
    })
}

/// Rises in log energy, 5 ms apart, less their local mean (so a steady swell is not a
/// string of onsets).
fn onset_envelope(samples: &[Stereo]) -> Vec<f32> {
    let log_energy: Vec<f32> = samples
        .chunks(HOP)
        .map(|block| {
            let e: f32 = block
                .iter()
                .map(|s| {
                    let m = 0.5 * (s[0] + s[1]);
                    m * m
                })
                .sum();
            (e / block.len() as f32 + 1e-10).ln()
        })
        .collect();
    let rise: Vec<f32> = std::iter::once(0.0)
        .chain(log_energy.windows(2).map(|w| (w[1] - w[0]).max(0.0)))
        .collect();
    // Subtract a 0.4 s moving average and keep what stands out.
    let half = 40usize;
    let mut sum: f32 = rise.iter().take(half).sum();
    let mut out = Vec::with_capacity(rise.len());
    for i in 0..rise.len() {
        if i + half < rise.len() {
            sum += rise[i + half];
        }
        if i > half {
            sum -= rise[i - half - 1];
        }
        let n = (i + half).min(rise.len() - 1) - i.saturating_sub(half) + 1;
        out.push((rise[i] - sum / n as f32).max(0.0));
    }
    out
}

/// The lag (in 5 ms steps) of the strongest autocorrelation within the tempo range,
/// weighted by a log-normal preference around 120 BPM.
fn coarse_period(onsets: &[f32]) -> Option<usize> {
    let lag_of = |bpm: f64| (60_000.0 / bpm / HOP_MS).round() as usize;
    let (shortest, longest) = (lag_of(BPM_RANGE.1), lag_of(BPM_RANGE.0));
    if onsets.len() <= longest * 2 {
        return None;
    }
    (shortest..=longest)
        .map(|lag| {
            let n = onsets.len() - lag;
            let r: f64 = (0..n)
                .map(|i| f64::from(onsets[i]) * f64::from(onsets[i + lag]))
                .sum::<f64>()
                / n as f64;
            let bpm = 60_000.0 / (lag as f64 * HOP_MS);
            let octaves = (bpm / 120.0).log2();
            (lag, r * (-0.5 * octaves * octaves).exp())
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, score)| *score > 0.0)
        .map(|(lag, _)| lag)
}

/// Period (to a hundredth of a step) and phase (to a quarter step) around `lag` that put
/// the most onset energy on the beats over the whole envelope.
fn refine(onsets: &[f32], lag: usize) -> (f64, f64) {
    let at = |t: f64| -> f64 {
        let i = t.floor() as usize;
        let f = t - i as f64;
        match (onsets.get(i), onsets.get(i + 1)) {
            (Some(a), Some(b)) => f64::from(*a) * (1.0 - f) + f64::from(*b) * f,
            (Some(a), None) => f64::from(*a),
            _ => 0.0,
        }
    };
    let end = onsets.len() as f64;
    let mut best = (lag as f64, 0.0, f64::MIN);
    let steps = 150;
    for s in -steps..=steps {
        let period = lag as f64 + s as f64 * 0.01;
        let mut phase = 0.0;
        while phase < period {
            let mut score = 0.0;
            let mut t = phase;
            while t < end {
                // A beat is a peak a step or so wide: take the best of its neighbourhood.
                score += at(t).max(at(t - 1.0)).max(at(t + 1.0));
                t += period;
            }
            if score > best.2 {
                best = (period, phase, score);
            }
            phase += 0.25;
        }
    }
    (best.0, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kick (decaying 60 Hz thump) every `period` seconds from `first`, with quieter
    /// hats between, over `secs`.
    fn drums(period: f64, first: f64, secs: f64) -> Vec<Stereo> {
        let rate = f64::from(SAMPLE_RATE);
        let mut out = vec![[0.0f32; 2]; (secs * rate) as usize];
        let mut hit = |at: f64, hz: f64, amp: f64, decay: f64| {
            let start = (at * rate) as usize;
            for k in 0..(0.25 * rate) as usize {
                let t = k as f64 / rate;
                let v =
                    (amp * (-t / decay).exp() * (2.0 * std::f64::consts::PI * hz * t).sin()) as f32;
                if let Some(s) = out.get_mut(start + k) {
                    s[0] += v;
                    s[1] += v;
                }
            }
        };
        let mut t = first;
        while t < secs {
            hit(t, 60.0, 0.8, 0.08);
            hit(t + period / 2.0, 7000.0, 0.15, 0.02);
            t += period;
        }
        out
    }

    #[test]
    fn finds_the_tempo_and_phase_of_a_steady_kick() {
        for (bpm, first) in [(100.0, 0.0), (123.0, 0.21), (90.0, 0.45), (140.0, 0.1)] {
            let period = 60.0 / bpm;
            let grid = detect(&drums(period, first, 30.0)).expect("a beat");
            assert!(
                (grid.bpm() - bpm).abs() < 0.3,
                "{bpm} BPM found as {:.2}",
                grid.bpm()
            );
            assert!(
                grid.distance_ms(first * 1000.0) < 10.0,
                "{bpm} BPM: first kick at {first} s, grid offset {:.1} ms",
                grid.offset_ms
            );
        }
    }

    #[test]
    fn silence_and_short_sounds_have_no_beat() {
        assert!(detect(&vec![[0.0; 2]; 10 * SAMPLE_RATE as usize]).is_none());
        assert!(detect(&drums(0.5, 0.0, 2.0)).is_none());
    }

    #[test]
    fn beats_between_lists_the_grid() {
        let g = BeatGrid {
            period_ms: 600.0,
            offset_ms: 100.0,
        };
        let beats: Vec<f64> = g.beats_between(0.0, 1900.0).collect();
        assert_eq!(beats, vec![100.0, 700.0, 1300.0, 1900.0]);
        assert!((g.distance_ms(1000.0) - 300.0).abs() < 1e-9);
        assert!((g.distance_ms(1280.0) - 20.0).abs() < 1e-9);
    }
}
