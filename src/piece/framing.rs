//! "Follow the subject": where the crop window sits on each frame of a shot whose shape
//! differs from the piece's. The subject is where the shot moves and has detail (measured
//! per half second by `media::lively`); the window follows it like a camera operator:
//! smoothed over a second and a half, never faster than a slow pan, so it never jitters.

use crate::media::lively::{Liveliness, STEP_MS};
use crate::piece::FPS;

/// Seconds either side a frame's position is averaged over.
const SMOOTH_S: f64 = 0.75;
/// The fastest the window moves: a fifth of the frame's width (or height) a second.
const MAX_SPEED: f64 = 0.2;
/// How far above the centre of movement the window sits: customers' clips are mostly of
/// people, whose faces are above their moving hands and bodies (there is no face detector
/// here, so this is a rule of thumb, and it only matters when the window is shorter than
/// the picture: a tall shot in a wider frame).
const HEADROOM: f64 = 0.12;

/// The subject's centre on each of `n` output frames of a trim starting at `in_ms`, as
/// fractions of the upright picture (x from the left, y from the top). Stretches with no
/// measured subject hold the nearest one's; a shot with none stays centred.
pub fn follow_path(l: &Liveliness, rotation: u16, in_ms: u64, n: u64) -> Vec<(f64, f64)> {
    // Known centres at each stretch's middle, turned upright.
    let known: Vec<(f64, (f64, f64))> = l
        .stretches
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let [x, y] = s.subject?;
            let t = (i as f64 + 0.5) * STEP_MS as f64;
            let (x, y) = upright(f64::from(x), f64::from(y), rotation);
            Some((t, (x, (y - HEADROOM).max(0.0))))
        })
        .collect();
    let at = |ms: f64| -> (f64, f64) {
        match known.iter().position(|(t, _)| *t >= ms) {
            None => known.last().map_or((0.5, 0.5), |k| k.1),
            Some(0) => known[0].1,
            Some(i) => {
                let ((t0, a), (t1, b)) = (known[i - 1], known[i]);
                let k = ((ms - t0) / (t1 - t0).max(1.0)).clamp(0.0, 1.0);
                (a.0 + (b.0 - a.0) * k, a.1 + (b.1 - a.1) * k)
            }
        }
    };
    let raw: Vec<(f64, f64)> = (0..n)
        .map(|f| at(in_ms as f64 + f as f64 * 1000.0 / FPS as f64))
        .collect();
    smooth(&raw)
}

/// A moving average over `SMOOTH_S` either side, then the speed limit applied forwards and
/// backwards (so a fast subject is led into, not chased).
fn smooth(raw: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let r = (SMOOTH_S * FPS as f64) as usize;
    let n = raw.len();
    let mut out: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(r), (i + r + 1).min(n));
            let (sx, sy) = raw[lo..hi]
                .iter()
                .fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
            let k = (hi - lo) as f64;
            (sx / k, sy / k)
        })
        .collect();
    let step = MAX_SPEED / FPS as f64;
    let limit = |from: f64, to: f64| to.clamp(from - step, from + step);
    for i in 1..n {
        out[i] = (limit(out[i - 1].0, out[i].0), limit(out[i - 1].1, out[i].1));
    }
    for i in (0..n.saturating_sub(1)).rev() {
        out[i] = (limit(out[i + 1].0, out[i].0), limit(out[i + 1].1, out[i].1));
    }
    out
}

/// A point of a stored frame as it appears once the frame is turned `rotation`° clockwise.
fn upright(x: f64, y: f64, rotation: u16) -> (f64, f64) {
    match rotation {
        90 => (1.0 - y, x),
        180 => (1.0 - x, 1.0 - y),
        270 => (y, 1.0 - x),
        _ => (x, y),
    }
}

/// The window of a `w`×`h` upright picture with the output's shape, as large as fits,
/// centred on `centre` as far as the picture's edges allow: (x, y, width, height), even.
pub fn window(w: u32, h: u32, (ow, oh): (u32, u32), centre: (f64, f64)) -> (u32, u32, u32, u32) {
    let (fw, fh) = (f64::from(w), f64::from(h));
    let scale = (f64::from(ow) / fw).max(f64::from(oh) / fh);
    let even = |v: f64, max: u32| ((v.round() as u32) & !1).clamp(2, max & !1);
    let (cw, ch) = (
        even(f64::from(ow) / scale, w),
        even(f64::from(oh) / scale, h),
    );
    let place = |c: f64, size: u32, room: u32| {
        let at = c * f64::from(room) - f64::from(size) / 2.0;
        (at.clamp(0.0, f64::from(room - size)).round() as u32) & !1
    };
    (place(centre.0, cw, w), place(centre.1, ch, h), cw, ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::lively::Stretch;

    fn lively(centres: &[Option<[f32; 2]>]) -> Liveliness {
        Liveliness {
            stretches: centres
                .iter()
                .map(|c| Stretch {
                    subject: *c,
                    ..Stretch::default()
                })
                .collect(),
            ..Liveliness::default()
        }
    }

    #[test]
    fn a_jump_becomes_a_pan_no_faster_than_the_limit() {
        // The subject jumps from the left third to the right third after 2 s.
        let mut c = vec![Some([0.3, 0.5]); 4];
        c.extend(vec![Some([0.7, 0.5]); 4]);
        let path = follow_path(&lively(&c), 0, 0, 120);
        for pair in path.windows(2) {
            assert!((pair[1].0 - pair[0].0).abs() <= MAX_SPEED / 30.0 + 1e-9);
        }
        assert!((path[0].0 - 0.3).abs() < 0.02 && (path[119].0 - 0.7).abs() < 0.02);
    }

    #[test]
    fn unknown_stretches_hold_and_rotation_turns_the_point() {
        let path = follow_path(&lively(&[None, Some([0.2, 0.4]), None]), 0, 0, 45);
        assert!(path.iter().all(|p| (p.0 - 0.2).abs() < 1e-6));
        assert_eq!(follow_path(&lively(&[None]), 0, 0, 3), vec![(0.5, 0.5); 3]);
        // Stored at the left, a third of the way down, turned 90° clockwise: at the top,
        // a third of the way in from the right; the window sits a little above it.
        let p = follow_path(&lively(&[Some([0.1, 0.3])]), 90, 0, 1)[0];
        assert!((p.0 - 0.7).abs() < 1e-6, "{p:?}");
        assert!((p.1 - (0.1 - HEADROOM).max(0.0)).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn the_window_has_the_frames_shape_and_stays_inside_the_picture() {
        // A 1920×1080 shot in a 9:16 frame: a 608×1080 window.
        assert_eq!(
            window(1920, 1080, (1080, 1920), (0.5, 0.5)),
            (656, 0, 608, 1080)
        );
        assert_eq!(window(1920, 1080, (1080, 1920), (0.0, 0.5)).0, 0);
        let (x, _, w, _) = window(1920, 1080, (1080, 1920), (1.0, 0.5));
        assert_eq!(x + w, 1920);
    }
}
