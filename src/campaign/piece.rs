//! Pieces: the documents a campaign is assembled from. A piece is a versioned serde JSON
//! document stored in the library (every save kept), so it can be exported, edited as a
//! file, diffed, and rendered from the CLI.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Campaign, CampaignError};
use crate::media::Kind;
use crate::rights::{self, Blocker, Clearance};

/// Version of the document format; bump it (and migrate) when the shape changes.
pub const FORMAT: u32 = 1;
/// Output frame rate of every preset.
pub const FPS: u64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Preset {
    #[serde(rename = "hero_16x9")]
    Hero16x9,
    #[serde(rename = "story_9x16")]
    Story9x16,
    #[serde(rename = "square_1x1")]
    Square1x1,
    #[serde(rename = "feed_4x5")]
    Feed4x5,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::Hero16x9,
        Preset::Story9x16,
        Preset::Square1x1,
        Preset::Feed4x5,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Hero16x9 => "hero_16x9",
            Preset::Story9x16 => "story_9x16",
            Preset::Square1x1 => "square_1x1",
            Preset::Feed4x5 => "feed_4x5",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == s)
    }

    pub fn size(self) -> (u32, u32) {
        match self {
            Preset::Hero16x9 => (1920, 1080),
            Preset::Story9x16 => (1080, 1920),
            Preset::Square1x1 => (1080, 1080),
            Preset::Feed4x5 => (1080, 1350),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Fit {
    /// The picture over a blurred, scaled copy of itself.
    #[default]
    BlurredFill,
    Crop,
    Letterbox,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TransitionKind {
    #[default]
    Cut,
    Crossfade,
    DipToBlack,
}

/// How an item begins: the transition from the item before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transition {
    pub kind: TransitionKind,
    #[serde(default)]
    pub duration_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Item {
    pub asset_id: i64,
    /// blake3 of the source, so a document names exactly the bytes it was made from.
    pub source_hash: String,
    pub kind: Kind,
    /// Clips: the trim. Photos: `in_ms` is 0 and `out_ms` is how long it shows.
    pub in_ms: u64,
    pub out_ms: u64,
    #[serde(default)]
    pub pan_zoom: bool,
    #[serde(default)]
    pub fit: Fit,
    #[serde(default)]
    pub transition: Transition,
    /// The on-screen credit, "@handle" unless edited.
    pub credit: String,
}

impl Item {
    pub fn len_ms(&self) -> u64 {
        self.out_ms.saturating_sub(self.in_ms)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Montage {
    pub items: Vec<Item>,
    /// Brand-kit intro and outro cards, `card_ms` each.
    pub intro_card: bool,
    pub outro_card: bool,
    pub card_ms: u64,
    pub music_bed: bool,
    /// Integrated loudness the render normalises to (EBU R128), e.g. -14 for web.
    pub target_lufs: f64,
    /// The length the piece is meant to run (auto-assemble's 6, 15, 30 or 60 s); 0 when
    /// none was set. Editors show the running total against it.
    #[serde(default)]
    pub target_ms: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Layout {
    #[default]
    Grid,
    Tiled,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Mosaic {
    pub asset_ids: Vec<i64>,
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub brand_overlay: bool,
    /// Length of the animated version (tiles appear in sequence); 0 for none.
    pub animated_ms: u64,
    /// The animated version plays over the music bed, normalised to `target_lufs`.
    #[serde(default = "default_true")]
    pub music_bed: bool,
    #[serde(default = "default_lufs")]
    pub target_lufs: f64,
}

fn default_true() -> bool {
    true
}

fn default_lufs() -> f64 {
    -14.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Still {
    pub asset_id: i64,
    pub credit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Content {
    Montage(Montage),
    Mosaic(Mosaic),
    Still(Still),
}

/// The document itself, as stored and as exported to a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PieceDoc {
    pub format: u32,
    pub name: String,
    pub preset: Preset,
    #[serde(flatten)]
    pub content: Content,
}

fn frames(ms: u64) -> u64 {
    (ms * FPS + 500) / 1000
}

/// Milliseconds of a whole number of frames, rounded so that `frames(ms_of(f)) == f`.
pub fn ms_of(frames: u64) -> u64 {
    (frames * 1000 + FPS / 2) / FPS
}

impl PieceDoc {
    pub fn kind_name(&self) -> &'static str {
        match self.content {
            Content::Montage(_) => "montage",
            Content::Mosaic(_) => "mosaic",
            Content::Still(_) => "still",
        }
    }

    /// Every asset the piece shows, in order of first appearance.
    pub fn asset_ids(&self) -> Vec<i64> {
        let mut seen = BTreeSet::new();
        let all: Vec<i64> = match &self.content {
            Content::Montage(m) => m.items.iter().map(|i| i.asset_id).collect(),
            Content::Mosaic(m) => m.asset_ids.clone(),
            Content::Still(s) => vec![s.asset_id],
        };
        all.into_iter().filter(|id| seen.insert(*id)).collect()
    }

    /// Output length in frames at `FPS`: items plus cards, less crossfade overlaps.
    pub fn duration_frames(&self) -> u64 {
        match &self.content {
            Content::Montage(m) => {
                let items: u64 = m.items.iter().map(|i| frames(i.len_ms())).sum();
                let overlaps: u64 = m
                    .items
                    .iter()
                    .skip(1)
                    .filter(|i| i.transition.kind == TransitionKind::Crossfade)
                    .map(|i| frames(i.transition.duration_ms))
                    .sum();
                let cards = (u64::from(m.intro_card) + u64::from(m.outro_card)) * frames(m.card_ms);
                (items + cards).saturating_sub(overlaps)
            }
            Content::Mosaic(m) => frames(m.animated_ms),
            Content::Still(_) => 0,
        }
    }

    pub fn duration_ms(&self) -> u64 {
        ms_of(self.duration_frames())
    }

    /// Checks the document against the library: assets exist, trims lie inside clips,
    /// transitions fit their items. Each problem is named.
    pub fn validate(&self, conn: &Connection) -> Result<(), CampaignError> {
        let mut problems = Vec::new();
        if self.format != FORMAT {
            problems.push(format!(
                "document format {} (this Chorus reads {FORMAT})",
                self.format
            ));
        }
        for id in self.asset_ids() {
            let found: Option<(String, Option<i64>)> = conn
                .query_row(
                    "SELECT kind, duration_ms FROM assets WHERE id = ?",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if found.is_none() {
                problems.push(format!("asset {id} is not in the library"));
            }
        }
        if let Content::Montage(m) = &self.content {
            if m.items.is_empty() {
                problems.push("the storyboard is empty".into());
            }
            for (n, item) in m.items.iter().enumerate() {
                let duration: Option<Option<i64>> = conn
                    .query_row(
                        "SELECT duration_ms FROM assets WHERE id = ?",
                        [item.asset_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if item.out_ms <= item.in_ms {
                    problems.push(format!(
                        "item {}: ends ({} ms) before it starts ({} ms)",
                        n + 1,
                        item.out_ms,
                        item.in_ms
                    ));
                }
                if let (Kind::Clip, Some(Some(d))) = (item.kind, duration) {
                    if item.out_ms > d as u64 {
                        problems.push(format!(
                            "item {}: trim ends at {} ms but the clip lasts {d} ms",
                            n + 1,
                            item.out_ms
                        ));
                    }
                }
                if n > 0 && item.transition.kind != TransitionKind::Cut {
                    let prev = m.items[n - 1].len_ms();
                    if item.transition.duration_ms * 2 > prev.min(item.len_ms()) {
                        problems.push(format!(
                            "item {}: a {} ms transition is longer than half an item",
                            n + 1,
                            item.transition.duration_ms
                        ));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CampaignError::InvalidPiece(problems.join("; ")))
        }
    }
}

/// A stored piece: its id, the document, and the version of that document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Piece {
    pub id: i64,
    pub campaign_id: i64,
    pub version: i64,
    pub document: PieceDoc,
}

/// Saves a new piece (version 1) after validating it.
pub fn create(
    conn: &Connection,
    campaign: &Campaign,
    doc: &PieceDoc,
) -> Result<Piece, CampaignError> {
    doc.validate(conn)?;
    let exists: Option<i64> = conn
        .query_row(
            "SELECT id FROM pieces WHERE campaign_id = ?1 AND name = ?2",
            params![campaign.id, doc.name],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(CampaignError::PieceExists(doc.name.clone()));
    }
    let json = serde_json::to_string_pretty(doc)
        .map_err(|e| CampaignError::InvalidPiece(e.to_string()))?;
    conn.execute(
        "INSERT INTO pieces (campaign_id, name, kind, version, document, updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?5)",
        params![campaign.id, doc.name, doc.kind_name(), json, crate::library::now()],
    )?;
    let id = conn.last_insert_rowid();
    record_version(conn, id, 1, &json, doc)?;
    get(conn, &id.to_string())
}

/// Replaces a piece's document with an edited one; the old version stays in the history.
pub fn update(conn: &Connection, piece: &Piece, doc: &PieceDoc) -> Result<Piece, CampaignError> {
    doc.validate(conn)?;
    let json = serde_json::to_string_pretty(doc)
        .map_err(|e| CampaignError::InvalidPiece(e.to_string()))?;
    let version = piece.version + 1;
    conn.execute(
        "UPDATE pieces SET name = ?1, kind = ?2, version = ?3, document = ?4, updated_at = ?5 WHERE id = ?6",
        params![doc.name, doc.kind_name(), version, json, crate::library::now(), piece.id],
    )?;
    record_version(conn, piece.id, version, &json, doc)?;
    get(conn, &piece.id.to_string())
}

fn record_version(
    conn: &Connection,
    id: i64,
    version: i64,
    json: &str,
    doc: &PieceDoc,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO piece_versions (piece_id, version, document, saved_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, version, json, crate::library::now()],
    )?;
    // Which pieces use which asset: what a revocation looks up.
    conn.execute("DELETE FROM piece_assets WHERE piece_id = ?", [id])?;
    for asset in doc.asset_ids() {
        conn.execute(
            "INSERT INTO piece_assets (piece_id, asset_id) VALUES (?1, ?2)",
            params![id, asset],
        )?;
    }
    Ok(())
}

/// Finds a piece by id or by name.
pub fn get(conn: &Connection, reference: &str) -> Result<Piece, CampaignError> {
    let row: Option<(i64, i64, i64, String)> = conn
        .query_row(
            "SELECT id, campaign_id, version, document FROM pieces WHERE CAST(id AS TEXT) = ?1 OR name = ?1
             ORDER BY id LIMIT 1",
            [reference],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (id, campaign_id, version, json) =
        row.ok_or_else(|| CampaignError::NoSuchPiece(reference.to_string()))?;
    let document = serde_json::from_str(&json)
        .map_err(|e| CampaignError::InvalidPiece(format!("stored document of piece {id}: {e}")))?;
    Ok(Piece {
        id,
        campaign_id,
        version,
        document,
    })
}

pub fn list(conn: &Connection, campaign: &Campaign) -> Result<Vec<Piece>, CampaignError> {
    let mut stmt = conn.prepare("SELECT id FROM pieces WHERE campaign_id = ? ORDER BY id")?;
    let ids = stmt
        .query_map([campaign.id], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.into_iter()
        .map(|id| get(conn, &id.to_string()))
        .collect()
}

/// A piece and what blocks it for its campaign's usage, asset by asset. Derived from the
/// rights records every time, so a revocation shows at once and a new grant clears it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PieceStatus {
    pub piece_id: i64,
    pub name: String,
    pub blocked: Vec<(i64, Vec<Blocker>)>,
}

pub fn status(
    conn: &Connection,
    campaign: &Campaign,
    piece: &Piece,
) -> Result<PieceStatus, CampaignError> {
    let mut blocked = Vec::new();
    for asset in piece.document.asset_ids() {
        let verdict = rights::clearance_for(conn, asset, campaign)
            .map_err(|e| CampaignError::Rights(e.to_string()))?;
        if let Clearance::Blocked { blockers } = verdict {
            blocked.push((asset, blockers));
        }
    }
    Ok(PieceStatus {
        piece_id: piece.id,
        name: piece.document.name.clone(),
        blocked,
    })
}
