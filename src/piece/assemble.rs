//! Auto-assemble, cut like an editor would: a montage of exactly the requested length from
//! the campaign's selected assets that are cleared for its usage — best rated first, every
//! contributor before anyone appears twice, photos and clips, wide and tall taking turns —
//! each photo held 1.5-3 s, each clip trimmed to its liveliest stretch, every cut on a beat
//! of the music bed, and a crossfade into the outro card.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::{
    ms_of, Content, Fit, Item, ItemSound, Montage, PieceDoc, Preset, Transition, FORMAT, FPS,
};
use crate::campaign::{Campaign, CampaignError};
use crate::catalog::{self, Asset, Curation, Filter};
use crate::library::{ContentHash, Library};
use crate::media::beats::BeatGrid;
use crate::media::lively::{self, Liveliness};
use crate::media::Kind;
use crate::rights;

/// Length presets of the spec, in seconds.
pub const LENGTHS: [u64; 4] = [6, 15, 30, 60];
/// Brand cards only make sense when there is time for them; they last a whole number of
/// beats, about 1.5 s.
const CARD_FRAMES: (u64, u64, u64) = (FPS * 6 / 5, FPS * 3 / 2, 2 * FPS);
const CARDS_FROM_SECONDS: u64 = 15;
/// Shot lengths (shortest, preferred, longest) in frames: photos 1.5-3 s, clips 1.5-5 s.
/// When the material cannot fill the piece that way, photos may hold up to 5 s.
const PHOTO_FRAMES: (u64, u64, u64) = (FPS * 3 / 2, FPS * 12 / 5, 3 * FPS);
const PHOTO_STRETCHED: (u64, u64, u64) = (FPS * 3 / 2, 3 * FPS, 5 * FPS);
const CLIP_FRAMES: (u64, u64, u64) = (FPS * 3 / 2, 3 * FPS, 5 * FPS);
const CLIP_MIN_FRAMES: u64 = CLIP_FRAMES.0;
/// The crossfade into the outro card.
const OUTRO_FADE_MS: u64 = 500;

/// Rating first; at equal rating a source that fills the preset's frame without being
/// blown up past twice its size, then one of the frame's own orientation (a portrait clip
/// for a story, not a band of landscape in blur), then a clip over a photo (a video ad is
/// about motion), then more pixels, then sound.
fn quality(a: &Asset, preset: Preset) -> (u8, bool, bool, bool, u64, bool) {
    let size = preset.size();
    let (w, h) = super::upright(a);
    (
        a.rating,
        super::upscale(a, Fit::BlurredFill, size) <= super::MAX_UPSCALE,
        (w >= h) == (size.0 >= size.1),
        a.kind == Kind::Clip,
        u64::from(a.width) * u64::from(a.height),
        a.has_audio,
    )
}

/// Per shot, the fit that keeps more of the subject at a usable size. A shot whose shape
/// is far from the frame's (a landscape clip in a story) follows its subject at the
/// frame's full height, unless that crop would blow it up past twice its size; otherwise
/// the whole shot over a blurred copy of itself.
pub(crate) fn fit_for(a: &Asset, preset: Preset) -> Fit {
    let (w, h) = super::upright(a);
    let (ow, oh) = preset.size();
    if w == 0 || h == 0 {
        return Fit::BlurredFill;
    }
    let ratio = (f64::from(w) / f64::from(h)) / (f64::from(ow) / f64::from(oh));
    let far = !(1.0 / 1.4..=1.4).contains(&ratio);
    if far && super::upscale(a, Fit::Follow, preset.size()) <= super::MAX_UPSCALE {
        Fit::Follow
    } else {
        Fit::BlurredFill
    }
}

fn credit(a: &Asset) -> String {
    a.contributor
        .as_ref()
        .and_then(|c| c.handle.clone().or_else(|| c.name.clone()))
        .unwrap_or_default()
}

/// The candidates in order: ranked within each contributor, then taken round-robin.
fn ranked(
    conn: &Connection,
    campaign: &Campaign,
    preset: Preset,
) -> Result<Vec<Asset>, CampaignError> {
    let filter = Filter {
        curation: Some(Curation::Selected),
        ..Filter::default()
    };
    let mut by_contributor: BTreeMap<i64, Vec<Asset>> = BTreeMap::new();
    for a in catalog::list(conn, &filter).map_err(|e| CampaignError::Rights(e.to_string()))? {
        let verdict = rights::clearance_for(conn, a.id, campaign)
            .map_err(|e| CampaignError::Rights(e.to_string()))?;
        if !verdict.is_cleared() {
            continue;
        }
        if a.kind == Kind::Clip && a.duration_ms.unwrap_or(0) < ms_of(CLIP_MIN_FRAMES) as i64 {
            continue;
        }
        by_contributor
            .entry(a.contributor.as_ref().map_or(-a.id, |c| c.id))
            .or_default()
            .push(a);
    }
    let mut groups: Vec<Vec<Asset>> = by_contributor.into_values().collect();
    for g in &mut groups {
        g.sort_by(|x, y| {
            quality(y, preset)
                .cmp(&quality(x, preset))
                .then(x.id.cmp(&y.id))
        });
    }
    // The contributor with the best asset goes first in every round.
    groups.sort_by(|x, y| {
        quality(&y[0], preset)
            .cmp(&quality(&x[0], preset))
            .then(x[0].id.cmp(&y[0].id))
    });
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < groups.iter().map(Vec::len).sum::<usize>() {
        for g in &groups {
            if let Some(a) = g.get(round) {
                out.push(a.clone());
            }
        }
        round += 1;
    }
    Ok(out)
}

/// Builds (does not save) a montage of exactly `length_s` seconds, cut on the beat of the
/// library's music bed.
pub fn auto_montage(
    lib: &Library,
    campaign: &Campaign,
    name: &str,
    preset: Preset,
    length_s: u64,
) -> Result<PieceDoc, CampaignError> {
    if !LENGTHS.contains(&length_s) {
        return Err(CampaignError::InvalidPiece(format!(
            "length {length_s} s is not a preset (6, 15, 30 or 60)"
        )));
    }
    let grid = super::bed::beat_grid(lib);
    let total = length_s * FPS;
    let cards = length_s >= CARDS_FROM_SECONDS;
    let card = if cards {
        let (lo, pref, hi) = CARD_FRAMES;
        nearest_beat(grid.as_ref(), lo, hi, pref).unwrap_or(pref)
    } else {
        0
    };
    let candidates = varied(ranked(lib.conn(), campaign, preset)?);
    if candidates.is_empty() {
        return Err(CampaignError::InvalidPiece(format!(
            "no selected asset is cleared for '{}': select some and clear their rights (`chorus rights status --campaign`)",
            campaign.name
        )));
    }
    // The items run under the outro's crossfade, so they end that much after it starts.
    let fade = if cards {
        super::frames(OUTRO_FADE_MS)
    } else {
        0
    };
    let (start, end) = (card, total - card + fade);
    let shots = plan(&candidates, grid.as_ref(), start, end, PHOTO_FRAMES)
        .or_else(|| plan(&candidates, grid.as_ref(), start, end, PHOTO_STRETCHED))
        .ok_or_else(|| {
            let capacity: u64 = candidates
                .iter()
                .map(|a| shot_range(a, PHOTO_STRETCHED).2)
                .sum();
            CampaignError::InvalidPiece(format!(
                "the cleared, selected assets fill only {:.1} s of the {:.1} s needed; select and clear more",
                capacity as f64 / FPS as f64,
                (end - start) as f64 / FPS as f64
            ))
        })?;
    let items = shots
        .into_iter()
        .map(|(a, f)| {
            let (in_ms, out_ms) = match a.kind {
                Kind::Clip => {
                    let duration = a.duration_ms.unwrap_or(0).max(0) as u64;
                    let len = ms_of(f);
                    let start = liveliness(lib, &a.hash)
                        .and_then(|l| l.best_start(len, duration))
                        // Without a look at it, the middle: phones start and stop on fumbles.
                        .unwrap_or((duration.saturating_sub(len)) / 2);
                    (start, start + len)
                }
                Kind::Photo => (0, ms_of(f)),
            };
            Item {
                asset_id: a.id,
                source_hash: a.hash.clone(),
                kind: a.kind,
                in_ms,
                out_ms,
                pan_zoom: a.kind == Kind::Photo,
                fit: fit_for(a, preset),
                transition: Transition::default(),
                credit: credit(a),
                sound: ItemSound::default(),
                captions: Vec::new(),
            }
        })
        .collect();
    let doc = PieceDoc {
        format: FORMAT,
        name: name.to_string(),
        preset,
        content: Content::Montage(Montage {
            items,
            intro_card: cards,
            outro_card: cards,
            card_ms: ms_of(card),
            music_bed: true,
            target_lufs: -14.0,
            bed_db: 0.0,
            outro_fade_ms: ms_of(fade),
            cta: None,
            card_motion: Default::default(),
            corner_logo: false,
            captions: Vec::new(),
            burn_captions: true,
            target_ms: length_s * 1000,
        }),
    };
    debug_assert_eq!(doc.duration_frames(), total);
    Ok(doc)
}

/// (shortest, preferred, longest) frames the asset can be shown for.
fn shot_range(a: &Asset, photo: (u64, u64, u64)) -> (u64, u64, u64) {
    match a.kind {
        Kind::Photo => photo,
        Kind::Clip => {
            let has = a.duration_ms.unwrap_or(0).max(0) as u64 * FPS / 1000;
            let (lo, pref, hi) = CLIP_FRAMES;
            (lo.min(has), pref.min(has), hi.min(has))
        }
    }
}

/// The beat frame in `[lo, hi]` nearest `pref` (the later on a tie).
fn nearest_beat(grid: Option<&BeatGrid>, lo: u64, hi: u64, pref: u64) -> Option<u64> {
    let grid = grid?;
    let ms = |f: u64| f as f64 * 1000.0 / FPS as f64;
    grid.beats_between(ms(lo) - 500.0 / FPS as f64, ms(hi) + 500.0 / FPS as f64)
        .map(|t| (t * FPS as f64 / 1000.0).round() as u64)
        .filter(|f| (lo..=hi).contains(f))
        .min_by_key(|f| (f.abs_diff(pref), u64::MAX - f))
}

/// Shot lengths filling `[start, end)` exactly, in candidate order: as many shots as their
/// preferred lengths need, each cut moved to the beat nearest its share (within what the
/// shot can show and what the shots after it can still fill). `None` when the candidates
/// cannot fill the span.
fn plan<'a>(
    candidates: &'a [Asset],
    grid: Option<&BeatGrid>,
    start: u64,
    end: u64,
    photo: (u64, u64, u64),
) -> Option<Vec<(&'a Asset, u64)>> {
    let content = end.checked_sub(start)?;
    let ranges: Vec<(u64, u64, u64)> = candidates.iter().map(|a| shot_range(a, photo)).collect();
    let sum = |n: usize, f: fn(&(u64, u64, u64)) -> u64| ranges[..n].iter().map(f).sum::<u64>();
    let mut n = 0;
    while n < ranges.len() && sum(n, |r| r.1) < content {
        n += 1;
    }
    while n < ranges.len() && sum(n, |r| r.2) < content {
        n += 1;
    }
    while n > 1 && sum(n, |r| r.0) > content {
        n -= 1;
    }
    if n == 0 || sum(n, |r| r.2) < content || sum(n, |r| r.0) > content {
        return None;
    }
    // Preferred lengths stretched or shrunk evenly to the span, then each cut on a beat.
    let scale = content as f64 / sum(n, |r| r.1).max(1) as f64;
    let mut shots = Vec::with_capacity(n);
    let mut at = start;
    for i in 0..n {
        let (lo_len, pref, hi_len) = ranges[i];
        let rest_min: u64 = ranges[i + 1..n].iter().map(|r| r.0).sum();
        let rest_max: u64 = ranges[i + 1..n].iter().map(|r| r.2).sum();
        let lo = (at + lo_len).max(end.saturating_sub(rest_max));
        let hi = (at + hi_len).min(end.saturating_sub(rest_min));
        if lo > hi {
            return None;
        }
        let cut = if i + 1 == n {
            end
        } else {
            let want = (at + (pref as f64 * scale).round() as u64).clamp(lo, hi);
            nearest_beat(grid, lo, hi, want).unwrap_or(want)
        };
        if !(lo..=hi).contains(&cut) {
            return None;
        }
        shots.push((&candidates[i], cut - at));
        at = cut;
    }
    Some(shots)
}

/// The ranked candidates reordered a little for variety: after a photo, the next clip
/// (and after a wide shot a tall one) comes forward if it is at most two places behind and
/// in the same round, so every contributor still appears once before anyone twice.
fn varied(mut ranked: Vec<Asset>) -> Vec<Asset> {
    let look = |a: &Asset| (a.kind, a.width >= a.height);
    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    let mut round: Vec<usize> = ranked
        .iter()
        .map(|a| {
            let n = seen
                .entry(a.contributor.as_ref().map_or(-a.id, |c| c.id))
                .or_default();
            *n += 1;
            *n
        })
        .collect();
    for i in 1..ranked.len() {
        let previous = look(&ranked[i - 1]);
        if look(&ranked[i]) != previous {
            continue;
        }
        if let Some(j) = (i + 1..(i + 3).min(ranked.len()))
            .find(|&j| look(&ranked[j]) != previous && round[j] == round[i])
        {
            let a = ranked.remove(j);
            ranked.insert(i, a);
            let r = round.remove(j);
            round.insert(i, r);
        }
    }
    ranked
}

/// A clip's liveliness, looked at once and kept beside its thumbnails (measured again
/// when the cache is from an older Chorus); `None` if it cannot be read (the trim then
/// falls back to the middle, a followed subject to the centre).
pub fn liveliness(lib: &Library, hash: &str) -> Option<Liveliness> {
    let hash = ContentHash::parse(hash).ok()?;
    let store = lib.store();
    let cached = store.liveliness(&hash);
    if let Some(l) = std::fs::read(&cached)
        .ok()
        .and_then(|b| serde_json::from_slice::<Liveliness>(&b).ok())
        .filter(|l| l.version >= lively::VERSION)
    {
        return Some(l);
    }
    let l = lively::analyse(&store.original(&hash)).ok()?;
    if let Ok(json) = serde_json::to_vec(&l) {
        // A cache: failing to write it only means looking again next time.
        let _ = store.write_derived(&cached, &json);
    }
    Some(l)
}
