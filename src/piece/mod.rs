//! Pieces: the documents a campaign is assembled from. A piece is a versioned serde JSON
//! document stored in the library (every save kept), so it can be exported, edited as a
//! file, diffed, and rendered from the CLI.

pub mod assemble;
pub mod bed;
pub mod captions;
pub mod framing;
pub mod repair;

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::campaign::{Campaign, CampaignError};
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
    /// Cropped to the frame's shape with the window following the subject (movement and
    /// detail), moving like a camera operator; on a photo the push-in starts and ends on it.
    Follow,
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
    /// Written by Chorus from the catalog when the piece is saved and never read to find
    /// a file: a document names its assets by id only. A hand-edited hash that differs
    /// from the asset's is refused.
    #[serde(default)]
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
    /// How the item's own sound sits in the mix.
    #[serde(default)]
    pub sound: ItemSound,
    /// Captions while the item plays, timed from its first frame.
    #[serde(default)]
    pub captions: Vec<captions::Cue>,
}

/// An item's sound in the mix, on top of the automatic levelling that brings every clip
/// to one dialogue level. A photo has no sound: its fields stay at their defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ItemSound {
    /// Extra gain after levelling, in dB (`SOUND_GAIN_DB`).
    #[serde(default)]
    pub gain_db: f64,
    /// No sound from this item at all.
    #[serde(default)]
    pub mute: bool,
    /// J-cut: the sound starts this long before the picture (taken from before the trim).
    #[serde(default)]
    pub lead_ms: u64,
    /// L-cut: the sound runs on this long after the picture (taken from after the trim).
    #[serde(default)]
    pub trail_ms: u64,
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
    /// The bed's level in dB against where Chorus sets it (just under the voices).
    #[serde(default)]
    pub bed_db: f64,
    /// A crossfade from the last item into the outro card; 0 for a cut.
    #[serde(default)]
    pub outro_fade_ms: u64,
    /// How the intro and outro cards move in.
    #[serde(default)]
    pub card_motion: CardMotion,
    /// The call to action on the outro card (else "Thank you" and the brand's name).
    #[serde(default)]
    pub cta: Option<Cta>,
    /// The brand's logo, small, in a corner over the footage.
    #[serde(default)]
    pub corner_logo: bool,
    /// The piece's own captions, timed from its first frame (items carry their own too).
    #[serde(default)]
    pub captions: Vec<captions::Cue>,
    /// Captions are drawn into the picture (they are always written beside the video).
    #[serde(default = "default_true")]
    pub burn_captions: bool,
    /// The length the piece is meant to run (auto-assemble's 6, 15, 30 or 60 s); 0 when
    /// none was set. Editors show the running total against it.
    #[serde(default)]
    pub target_ms: u64,
}

/// How the brand cards' logo and lines come in, each over half a second, eased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CardMotion {
    /// The lines rise into place as they fade in; the intro's logo grows in.
    #[default]
    Rise,
    /// Everything fades in where it stands.
    Fade,
    /// The lines and the intro's logo grow to full size as they fade in.
    Scale,
}

/// A call to action: what the viewer should do, and where (shown as written, e.g.
/// "lumio.example/summer" or "https://lumio.example/summer").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cta {
    pub text: String,
    #[serde(default)]
    pub url: String,
}

pub const MAX_CTA_CHARS: usize = 60;
pub const MAX_URL_CHARS: usize = 120;

impl Cta {
    fn check(&self, problems: &mut Vec<String>) {
        let text = self.text.trim();
        if text.is_empty() {
            problems.push("the call to action needs words (or remove it)".into());
        } else if text.chars().count() > MAX_CTA_CHARS {
            problems.push(format!(
                "the call to action is longer than {MAX_CTA_CHARS} characters; an end card is read in a second"
            ));
        }
        if self.text.chars().any(char::is_control) {
            problems.push("the call to action holds control characters".into());
        }
        let url = self.url.trim();
        if url.chars().count() > MAX_URL_CHARS {
            problems.push(format!(
                "the call to action's address is longer than {MAX_URL_CHARS} characters"
            ));
        } else if !url.is_empty() && !is_web_address(url) {
            problems.push(format!(
                "the call to action's address '{}' is not a web address (like brand.com/summer or https://brand.com/summer)",
                url.chars().take(40).collect::<String>()
            ));
        }
    }
}

/// A web address as a viewer would type it: an optional http(s) scheme, a host with a dot
/// and letters, digits, dots or hyphens, then an optional path of URL characters.
fn is_web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_ok = host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let path_ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~/?#[]@!$&'()*+,;=%".contains(c));
    host_ok && path_ok
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

/// How far past its own pixels a source may be blown up before it is flagged.
pub const MAX_UPSCALE: f64 = 2.0;

/// An item shown larger than its source can carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SoftItem {
    /// Its place in the storyboard, from 0.
    pub index: u32,
    pub asset_id: i64,
    /// How many output pixels each source pixel becomes across (2.0 = twice its size).
    pub scale: f64,
    /// The source's upright size.
    pub source_width: u32,
    pub source_height: u32,
    /// "shown at 3.0× its 640×360 source: it will look soft; …", for people.
    pub why: String,
}

/// An asset's width and height as it is shown: the catalog keeps them upright already
/// (a clip's rotation and a photo's EXIF orientation applied at ingest).
pub fn upright(a: &crate::catalog::Asset) -> (u32, u32) {
    (a.width, a.height)
}

/// How much a source is enlarged to fill (crop) or fit (letterbox, blurred fill) `size`.
pub fn upscale(a: &crate::catalog::Asset, fit: Fit, (ow, oh): (u32, u32)) -> f64 {
    let (w, h) = upright(a);
    if w == 0 || h == 0 {
        return 1.0;
    }
    let (sx, sy) = (f64::from(ow) / f64::from(w), f64::from(oh) / f64::from(h));
    match fit {
        Fit::Crop | Fit::Follow => sx.max(sy),
        Fit::BlurredFill | Fit::Letterbox => sx.min(sy),
    }
}

/// Whole output frames (at `FPS`) in `ms`, rounded to the nearest.
pub fn frames(ms: u64) -> u64 {
    ms.saturating_mul(FPS).saturating_add(500) / 1000
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
                let items: u64 = m
                    .items
                    .iter()
                    .map(|i| frames(i.len_ms()))
                    .fold(0, u64::saturating_add);
                let overlaps: u64 = m
                    .items
                    .iter()
                    .skip(1)
                    .filter(|i| i.transition.kind == TransitionKind::Crossfade)
                    .map(|i| frames(i.transition.duration_ms))
                    .fold(0, u64::saturating_add);
                let cards = (u64::from(m.intro_card) + u64::from(m.outro_card))
                    .saturating_mul(frames(m.card_ms));
                let outro_fade = if m.outro_card {
                    frames(m.outro_fade_ms)
                } else {
                    0
                };
                items
                    .saturating_add(cards)
                    .saturating_sub(overlaps)
                    .saturating_sub(outro_fade)
            }
            Content::Mosaic(m) => frames(m.animated_ms),
            Content::Still(_) => 0,
        }
    }

    pub fn duration_ms(&self) -> u64 {
        ms_of(self.duration_frames())
    }

    /// Items shown at more than `MAX_UPSCALE` times their source's size in `size` (a
    /// 360p clip filling a 1080p frame): they will look soft.
    pub fn soft_items(&self, assets: &[crate::catalog::Asset], size: (u32, u32)) -> Vec<SoftItem> {
        let Content::Montage(m) = &self.content else {
            return Vec::new();
        };
        m.items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| {
                let a = assets.iter().find(|a| a.id == item.asset_id)?;
                let scale = upscale(a, item.fit, size);
                (scale > MAX_UPSCALE).then(|| {
                    let (source_width, source_height) = upright(a);
                    SoftItem {
                        index: index as u32,
                        asset_id: a.id,
                        scale,
                        source_width,
                        source_height,
                        why: format!(
                            "shown at {scale:.1}× its {source_width}×{source_height} source: it will look soft; {}",
                            match item.fit {
                                Fit::Crop | Fit::Follow => "show it whole (letterbox or blurred fill) or use a sharper file",
                                _ => "use a sharper file",
                            }
                        ),
                    }
                })
            })
            .collect()
    }

    /// Checks the document against the library: assets exist and are what the document
    /// says, every number lies in its range, trims lie inside clips, transitions fit their
    /// items. Each problem is named with the range allowed.
    pub fn validate(&self, conn: &Connection) -> Result<(), CampaignError> {
        let mut problems = Vec::new();
        if self.format != FORMAT {
            problems.push(format!(
                "document format {} (this Chorus reads {FORMAT})",
                self.format
            ));
        }
        check_name(&self.name, &mut problems);
        let mut catalog: std::collections::BTreeMap<i64, (Kind, String, Option<u64>)> =
            Default::default();
        for id in self.asset_ids() {
            let found: Option<(String, String, Option<i64>)> = conn
                .query_row(
                    "SELECT kind, hash, duration_ms FROM assets WHERE id = ?",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match found {
                None => problems.push(format!("asset {id} is not in the library")),
                Some((kind, hash, duration)) => match Kind::parse(&kind) {
                    Some(kind) => {
                        let duration = duration.and_then(|d| u64::try_from(d).ok());
                        catalog.insert(id, (kind, hash, duration));
                    }
                    None => problems.push(format!("asset {id} has no known kind in the catalog")),
                },
            }
        }
        match &self.content {
            Content::Montage(m) => m.check(&catalog, &mut problems),
            Content::Mosaic(m) => {
                limit(
                    "mosaic tiles",
                    m.asset_ids.len() as u64,
                    1,
                    MAX_TILES,
                    "",
                    &mut problems,
                );
                limit(
                    "animated length",
                    m.animated_ms,
                    0,
                    MAX_ANIMATED_MS,
                    " ms",
                    &mut problems,
                );
                check_lufs(m.target_lufs, &mut problems);
            }
            Content::Still(st) => check_credit("the still", &st.credit, &mut problems),
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CampaignError::InvalidPiece(problems.join("; ")))
        }
    }

    /// Fills each item's `source_hash` from the catalog (after `validate`), so a stored
    /// document names exactly the bytes it was made from.
    fn fill_hashes(&mut self, conn: &Connection) -> Result<(), CampaignError> {
        if let Content::Montage(m) = &mut self.content {
            for item in &mut m.items {
                item.source_hash = conn.query_row(
                    "SELECT hash FROM assets WHERE id = ?",
                    [item.asset_id],
                    |r| r.get(0),
                )?;
            }
        }
        Ok(())
    }
}

/// The ranges every number of a piece document must lie in. Generous for real work, tight
/// enough that no value makes an empty video or an allocation the machine cannot make.
pub const MAX_ITEMS: u64 = 500;
pub const MAX_ITEM_MS: u64 = 10 * 60 * 1000;
pub const MAX_TRANSITION_MS: u64 = 5_000;
pub const MAX_CARD_MS: u64 = 10_000;
pub const MAX_PIECE_MS: u64 = 15 * 60 * 1000;
pub const MAX_TILES: u64 = 400;
pub const MAX_ANIMATED_MS: u64 = 5 * 60 * 1000;
pub const MAX_CREDIT_CHARS: usize = 120;
pub const MAX_NAME_CHARS: usize = 120;
pub const LUFS_RANGE: (f64, f64) = (-40.0, -5.0);
/// An item's or the bed's gain against the automatic level, in dB.
pub const SOUND_GAIN_DB: (f64, f64) = (-24.0, 12.0);
/// How far sound may lead or trail its picture (J- and L-cuts).
pub const MAX_SOUND_SHIFT_MS: u64 = 2_000;

fn check_gain(what: &str, db: f64, problems: &mut Vec<String>) {
    let (lo, hi) = SOUND_GAIN_DB;
    if !(lo..=hi).contains(&db) {
        problems.push(format!(
            "{what} is {db} dB; it must be from {lo} to {hi} dB (0 is the automatic level)"
        ));
    }
}

fn limit(what: &str, v: u64, min: u64, max: u64, unit: &str, problems: &mut Vec<String>) {
    if v < min || v > max {
        problems.push(format!(
            "{what} is {v}{unit}; it must be from {min} to {max}{unit}"
        ));
    }
}

fn check_lufs(v: f64, problems: &mut Vec<String>) {
    let (lo, hi) = LUFS_RANGE;
    if !(lo..=hi).contains(&v) {
        problems.push(format!(
            "target loudness {v} LUFS; it must be from {lo} to {hi} LUFS (web: -14)"
        ));
    }
}

fn check_credit(whose: &str, credit: &str, problems: &mut Vec<String>) {
    if credit.chars().count() > MAX_CREDIT_CHARS {
        problems.push(format!(
            "{whose}: the credit line is longer than {MAX_CREDIT_CHARS} characters"
        ));
    }
    if credit.chars().any(char::is_control) {
        problems.push(format!("{whose}: the credit line holds control characters"));
    }
}

fn check_name(name: &str, problems: &mut Vec<String>) {
    if name.trim().is_empty() {
        problems.push("the piece needs a name".into());
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.push(format!(
            "the name is longer than {MAX_NAME_CHARS} characters"
        ));
    } else if name.chars().any(char::is_control) {
        problems.push("the name holds control characters".into());
    }
}

impl Montage {
    fn check(
        &self,
        catalog: &std::collections::BTreeMap<i64, (Kind, String, Option<u64>)>,
        problems: &mut Vec<String>,
    ) {
        if self.items.is_empty() {
            problems.push("the storyboard is empty".into());
        }
        limit(
            "the storyboard",
            self.items.len() as u64,
            0,
            MAX_ITEMS,
            " items",
            problems,
        );
        limit("a card", self.card_ms, 0, MAX_CARD_MS, " ms", problems);
        limit(
            "the target length",
            self.target_ms,
            0,
            MAX_PIECE_MS,
            " ms",
            problems,
        );
        check_lufs(self.target_lufs, problems);
        check_gain("the bed's level", self.bed_db, problems);
        if let Some(cta) = &self.cta {
            cta.check(problems);
        }
        let whole = self
            .items
            .iter()
            .map(Item::len_ms)
            .fold(self.card_ms.saturating_mul(2), u64::saturating_add);
        captions::check(&self.captions, whole, "the piece", problems);
        limit(
            "the crossfade into the outro",
            self.outro_fade_ms,
            0,
            MAX_TRANSITION_MS,
            " ms",
            problems,
        );
        if self.outro_fade_ms > 0 {
            let last = self.items.last().map_or(0, Item::len_ms);
            if !self.outro_card {
                problems.push("a crossfade into the outro needs an outro card".into());
            } else if self.outro_fade_ms.saturating_mul(2) > last.min(self.card_ms) {
                problems.push(format!(
                    "a {} ms crossfade into the outro is longer than half the last item or the card",
                    self.outro_fade_ms
                ));
            }
        }
        for (n, item) in self.items.iter().enumerate() {
            let at = format!("item {}", n + 1);
            limit(
                &format!("{at}: the start"),
                item.in_ms,
                0,
                MAX_ITEM_MS,
                " ms",
                problems,
            );
            limit(
                &format!("{at}: the end"),
                item.out_ms,
                0,
                MAX_ITEM_MS,
                " ms",
                problems,
            );
            limit(
                &format!("{at}: the transition"),
                item.transition.duration_ms,
                0,
                MAX_TRANSITION_MS,
                " ms",
                problems,
            );
            check_credit(&at, &item.credit, problems);
            captions::check(&item.captions, item.len_ms(), &at, problems);
            check_gain(
                &format!("{at}: the sound level"),
                item.sound.gain_db,
                problems,
            );
            for (what, ms) in [
                ("leads", item.sound.lead_ms),
                ("trails", item.sound.trail_ms),
            ] {
                if ms > MAX_SOUND_SHIFT_MS {
                    problems.push(format!(
                        "{at}: the sound {what} the picture by {ms} ms; at most {MAX_SOUND_SHIFT_MS} ms"
                    ));
                }
            }
            if item.kind == Kind::Photo && (item.sound.lead_ms > 0 || item.sound.trail_ms > 0) {
                problems.push(format!(
                    "{at}: a photo has no sound to lead or trail its picture"
                ));
            }
            if item.sound.lead_ms > item.in_ms {
                problems.push(format!(
                    "{at}: the sound leads by {} ms but the trim starts {} ms into the clip; trim later or lead less",
                    item.sound.lead_ms, item.in_ms
                ));
            }
            if item.out_ms <= item.in_ms {
                problems.push(format!(
                    "{at}: ends ({} ms) before it starts ({} ms)",
                    item.out_ms, item.in_ms
                ));
            } else if frames(item.len_ms()) == 0 {
                problems.push(format!("{at}: shorter than one frame"));
            }
            if let Some((kind, hash, duration)) = catalog.get(&item.asset_id) {
                if *kind != item.kind {
                    problems.push(format!(
                        "{at}: asset {} is a {}, not a {}",
                        item.asset_id,
                        kind.as_str(),
                        item.kind.as_str()
                    ));
                }
                if !item.source_hash.is_empty() && !item.source_hash.eq_ignore_ascii_case(hash) {
                    problems.push(format!(
                        "{at}: source_hash is not the file of asset {}; pieces name assets by id (remove source_hash and Chorus fills it in)",
                        item.asset_id
                    ));
                }
                if let (Kind::Clip, Some(d)) = (kind, duration) {
                    if item.out_ms > *d {
                        problems.push(format!(
                            "{at}: trim ends at {} ms but the clip lasts {d} ms",
                            item.out_ms
                        ));
                    } else if item.out_ms.saturating_add(item.sound.trail_ms) > *d {
                        problems.push(format!(
                            "{at}: the sound trails by {} ms but the clip ends {} ms after the trim; trim earlier or trail less",
                            item.sound.trail_ms,
                            d - item.out_ms
                        ));
                    }
                }
            }
            if n > 0 && item.transition.kind != TransitionKind::Cut {
                let prev = self.items[n - 1].len_ms();
                if item.transition.duration_ms.saturating_mul(2) > prev.min(item.len_ms()) {
                    problems.push(format!(
                        "{at}: a {} ms transition is longer than half an item",
                        item.transition.duration_ms
                    ));
                }
            }
        }
        if problems.is_empty() {
            let total = self.items.iter().map(Item::len_ms).sum::<u64>() + 2 * self.card_ms;
            limit("the piece", total, 0, MAX_PIECE_MS, " ms", problems);
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
    let mut doc = doc.clone();
    doc.fill_hashes(conn)?;
    let doc = &doc;
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
    by_id_only(conn, id)
}

/// Replaces a piece's document with an edited one; the old version stays in the history.
pub fn update(conn: &Connection, piece: &Piece, doc: &PieceDoc) -> Result<Piece, CampaignError> {
    doc.validate(conn)?;
    let mut doc = doc.clone();
    doc.fill_hashes(conn)?;
    let doc = &doc;
    let json = serde_json::to_string_pretty(doc)
        .map_err(|e| CampaignError::InvalidPiece(e.to_string()))?;
    let version = piece.version + 1;
    conn.execute(
        "UPDATE pieces SET name = ?1, kind = ?2, version = ?3, document = ?4, updated_at = ?5 WHERE id = ?6",
        params![doc.name, doc.kind_name(), version, json, crate::library::now(), piece.id],
    )?;
    record_version(conn, piece.id, version, &json, doc)?;
    by_id_only(conn, piece.id)
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

/// Finds a piece by id, or by name when exactly one piece has it (names are unique only
/// within a campaign: give the id, or use `find_in` with the campaign).
pub fn get(conn: &Connection, reference: &str) -> Result<Piece, CampaignError> {
    let by_id: Option<i64> = match reference.trim().parse::<i64>() {
        Ok(id) => conn
            .query_row("SELECT id FROM pieces WHERE id = ?", [id], |r| r.get(0))
            .optional()?,
        Err(_) => None,
    };
    let id = match by_id {
        Some(id) => id,
        None => {
            let mut stmt = conn.prepare(
                "SELECT p.id, c.name FROM pieces p JOIN campaigns c ON c.id = p.campaign_id WHERE p.name = ? ORDER BY p.id",
            )?;
            let found = stmt
                .query_map([reference], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            match found.as_slice() {
                [] => return Err(CampaignError::NoSuchPiece(reference.to_string())),
                [(id, _)] => *id,
                several => {
                    return Err(CampaignError::AmbiguousPiece {
                        name: reference.to_string(),
                        campaigns: several
                            .iter()
                            .map(|(id, c)| format!("{id} in '{c}'"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                }
            }
        }
    };
    by_id_only(conn, id)
}

/// Finds a piece of one campaign by id or name.
pub fn find_in(
    conn: &Connection,
    campaign: &Campaign,
    reference: &str,
) -> Result<Piece, CampaignError> {
    let id: Option<i64> = conn
        .query_row(
            "SELECT id FROM pieces WHERE campaign_id = ?1 AND (CAST(id AS TEXT) = ?2 OR name = ?2) ORDER BY id LIMIT 1",
            params![campaign.id, reference.trim()],
            |r| r.get(0),
        )
        .optional()?;
    by_id_only(
        conn,
        id.ok_or_else(|| CampaignError::NoSuchPiece(reference.to_string()))?,
    )
}

fn by_id_only(conn: &Connection, id: i64) -> Result<Piece, CampaignError> {
    let (campaign_id, version, json): (i64, i64, String) = conn.query_row(
        "SELECT campaign_id, version, document FROM pieces WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
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
    ids.into_iter().map(|id| by_id_only(conn, id)).collect()
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
