//! Auto-assemble: a montage of exactly the requested length from the campaign's selected
//! assets that are cleared for its usage — best rated and best quality first, as many
//! different contributors as possible before anyone appears twice.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::{ms_of, Content, Fit, Item, Montage, PieceDoc, Preset, Transition, FORMAT, FPS};
use crate::campaign::{Campaign, CampaignError};
use crate::catalog::{self, Asset, Curation, Filter};
use crate::media::Kind;
use crate::rights;

/// Length presets of the spec, in seconds.
pub const LENGTHS: [u64; 4] = [6, 15, 30, 60];
/// Brand cards only make sense when there is time for them.
const CARD_MS: u64 = 1500;
const CARDS_FROM_SECONDS: u64 = 15;
/// Photos hold for up to 5 s (with a slow pan and zoom); clips under 1.5 s are skipped.
const PHOTO_MAX_FRAMES: u64 = 5 * FPS;
const CLIP_MIN_FRAMES: u64 = FPS * 3 / 2;
/// About one shot every three seconds reads well in a social ad.
const SHOT_FRAMES: u64 = 3 * FPS;

/// Rating first; at equal rating a clip beats a photo (a video ad is about motion), then
/// more pixels, then sound.
fn quality(a: &Asset) -> (u8, bool, u64, bool) {
    (
        a.rating,
        a.kind == Kind::Clip,
        u64::from(a.width) * u64::from(a.height),
        a.has_audio,
    )
}

fn credit(a: &Asset) -> String {
    a.contributor
        .as_ref()
        .and_then(|c| c.handle.clone().or_else(|| c.name.clone()))
        .unwrap_or_default()
}

/// The candidates in order: ranked within each contributor, then taken round-robin.
fn ranked(conn: &Connection, campaign: &Campaign) -> Result<Vec<Asset>, CampaignError> {
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
        g.sort_by(|x, y| quality(y).cmp(&quality(x)).then(x.id.cmp(&y.id)));
    }
    // The contributor with the best asset goes first in every round.
    groups.sort_by(|x, y| {
        quality(&y[0])
            .cmp(&quality(&x[0]))
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

/// Builds (does not save) a montage of exactly `length_s` seconds.
pub fn auto_montage(
    conn: &Connection,
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
    let cards = length_s >= CARDS_FROM_SECONDS;
    let card_frames = if cards { 2 * (CARD_MS * FPS / 1000) } else { 0 };
    let content = length_s * FPS - card_frames;
    let candidates = ranked(conn, campaign)?;
    let wanted = (content / SHOT_FRAMES).max(1) as usize;
    let picked: Vec<Asset> = candidates.into_iter().take(wanted).collect();
    if picked.is_empty() {
        return Err(CampaignError::InvalidPiece(format!(
            "no selected asset is cleared for '{}': select some and clear their rights (`chorus rights status --campaign`)",
            campaign.name
        )));
    }
    // Water-filling: every shot starts at an equal share; clips shorter than their share
    // give the rest to the others, photos stretch up to their maximum.
    let cap = |a: &Asset| -> u64 {
        match a.kind {
            Kind::Clip => a.duration_ms.unwrap_or(0).max(0) as u64 * FPS / 1000,
            Kind::Photo => PHOTO_MAX_FRAMES,
        }
    };
    let capacity: u64 = picked.iter().map(cap).sum();
    if capacity < content {
        return Err(CampaignError::InvalidPiece(format!(
            "the cleared, selected assets fill only {:.1} s of the {:.1} s needed; select and clear more",
            capacity as f64 / FPS as f64,
            content as f64 / FPS as f64
        )));
    }
    let mut alloc = vec![0u64; picked.len()];
    let mut left = content;
    let mut open: Vec<usize> = (0..picked.len()).collect();
    while left > 0 && !open.is_empty() {
        let share = (left / open.len() as u64).max(1);
        let mut still_open = Vec::new();
        for &i in &open {
            if left == 0 {
                break;
            }
            let give = share.min(cap(&picked[i]) - alloc[i]).min(left);
            alloc[i] += give;
            left -= give;
            if alloc[i] < cap(&picked[i]) {
                still_open.push(i);
            }
        }
        open = still_open;
    }
    let items = picked
        .iter()
        .zip(&alloc)
        .filter(|(_, f)| **f > 0)
        .map(|(a, &f)| {
            let (in_ms, out_ms) = match a.kind {
                // The middle of the clip: phones start and stop on fumbles.
                Kind::Clip => {
                    let total = a.duration_ms.unwrap_or(0).max(0) as u64 * FPS / 1000;
                    let start = (total - f) / 2;
                    (ms_of(start), ms_of(start + f))
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
                fit: Fit::BlurredFill,
                transition: Transition::default(),
                credit: credit(a),
                sound: Default::default(),
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
            card_ms: CARD_MS,
            music_bed: true,
            target_lufs: -14.0,
            bed_db: 0.0,
            target_ms: length_s * 1000,
        }),
    };
    debug_assert_eq!(doc.duration_frames(), length_s * FPS);
    Ok(doc)
}
