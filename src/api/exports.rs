//! Rendering and exporting a saved piece: the rights gate first, the choice between video
//! and picture output, the export folder's name, progress and cancel.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, ErrorKind, PieceId, Progress, Result};
use crate::campaign::{self, Campaign};
use crate::export;
use crate::library::Library;
use crate::piece::{Content, Piece, PieceDoc, Preset};
use crate::platform::{Platform, Readiness, SafeArea};
use crate::render;
use crate::rights;

/// What a render made.
#[derive(Clone, Debug)]
pub enum Output {
    Picture(PathBuf),
    Video(render::Rendered),
}

/// Montages are videos; stills are pictures; a mosaic is a picture, or its animation when
/// the output asked for is an `.mp4`.
pub fn wants_video(doc: &PieceDoc, out: &Path) -> bool {
    match &doc.content {
        Content::Montage(_) => true,
        Content::Mosaic(_) => out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("mp4")),
        Content::Still(_) => false,
    }
}

fn piece_and_campaign(lib: &Library, id: PieceId) -> Result<(Piece, Campaign)> {
    let p = super::pieces::get(lib, id)?;
    let c = campaign::get(lib.conn(), &p.campaign_id.to_string())?;
    Ok((p, c))
}

/// Renders a saved piece to `out` after the rights gate.
pub fn render(lib: &Library, id: PieceId, out: &Path, progress: Progress<'_>) -> Result<Output> {
    let (p, c) = piece_and_campaign(lib, id)?;
    // A stored document is re-checked: the catalog may have changed, or been edited.
    p.document.validate(lib.conn())?;
    let cleared = rights::require_cleared(lib.conn(), &c, &p.document.asset_ids())?;
    if wants_video(&p.document, out) {
        Ok(Output::Video(render::render_video(
            lib,
            &cleared,
            &p.document,
            out,
            progress,
        )?))
    } else {
        Ok(Output::Picture(render::render_image(
            lib,
            &cleared,
            &p.document,
            out,
        )?))
    }
}

/// Where the desktop app puts an export: `<library>/exports/<campaign>/<piece>-v<N>-<time>`.
pub fn default_folder(lib: &Library, c: &Campaign, p: &Piece) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    lib.root()
        .join("exports")
        .join(export::file_name_for(
            &c.name,
            &format!("campaign-{}", c.id),
        ))
        .join(format!(
            "{}-v{}-{stamp}",
            export::file_name_for(&p.document.name, &format!("piece-{}", p.id)),
            p.version
        ))
}

/// Exports a saved piece for each preset and platform into `out_dir` (the library's own
/// exports folder when `None`); returns the export folder. A platform the piece is too
/// long or short for is refused before anything renders.
pub fn export(
    lib: &Library,
    id: PieceId,
    presets: &[Preset],
    platforms: &[Platform],
    out_dir: Option<&Path>,
    progress: Progress<'_>,
) -> Result<PathBuf> {
    let (p, c) = piece_and_campaign(lib, id)?;
    p.document.validate(lib.conn())?;
    export::check_platforms(&p.document, platforms)?;
    let own = out_dir.is_none();
    let out_dir = match out_dir {
        Some(d) => d.to_path_buf(),
        None => default_folder(lib, &c, &p),
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("cannot create {}: {e}", out_dir.display()),
        )
    })?;
    let result = export::export(lib, &c, &p, presets, platforms, &out_dir, progress);
    if result.is_err() && own {
        // Nothing half-made stays behind; the engine already removed its partial.
        let _ = std::fs::remove_dir(&out_dir);
    }
    let folder = result?;
    // The people in it hear about it: a thank-you each, drafted once per piece.
    let settings = crate::rights::RightsSettings::load(lib)?;
    crate::thanks::draft_for_piece(lib, &c, &p, &settings)?;
    Ok(folder)
}

/// Refuses platforms a saved piece cannot go to as it is (too long, too short), with a
/// sentence, before any job starts.
pub fn check_platforms(lib: &Library, id: PieceId, platforms: &[Platform]) -> Result<()> {
    let p = super::pieces::get(lib, id)?;
    Ok(export::check_platforms(&p.document, platforms)?)
}

/// What the app and the CLI show of a platform: its name, label, frame and safe area (the
/// editor draws the safe area over its preview), and its limits in words.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlatformView {
    pub platform: Platform,
    pub label: String,
    pub shape: Preset,
    pub width: u32,
    pub height: u32,
    pub safe: SafeArea,
    /// "up to 10 min, 287 MB; H.264 6 Mb/s, AAC"
    pub limits: String,
}

/// Every platform Chorus exports for, in the table's order.
pub fn platforms() -> Vec<PlatformView> {
    Platform::ALL
        .into_iter()
        .map(|p| {
            let s = p.spec();
            let e = s.encoding;
            let rate = match (e.average_kbps, e.max_kbps) {
                (Some(a), _) => format!("{:.0} Mb/s", f64::from(a) / 1000.0),
                (None, Some(m)) => format!("at most {:.1} Mb/s", f64::from(m) / 1000.0),
                _ => String::new(),
            };
            let bytes = if s.max_bytes >= 1_000_000_000 {
                format!("{} GB", s.max_bytes / 1_000_000_000)
            } else {
                format!("{} MB", s.max_bytes / 1_000_000)
            };
            PlatformView {
                platform: p,
                label: s.label.to_string(),
                shape: s.shape,
                width: s.size.0,
                height: s.size.1,
                safe: s.safe,
                limits: format!(
                    "up to {}, {bytes}; H.264 {rate}, {}{}",
                    crate::platform::duration_words(s.max_ms),
                    match e.audio_kbps {
                        Some(_) => "with sound",
                        None => "muted",
                    },
                    if s.webm { ", plus a WebM" } else { "" }
                ),
            }
        })
        .collect()
}

/// Each platform file in an export folder, measured again now against its platform's
/// limits. The manifest only says which file was made for which platform; its stored
/// verdicts are not trusted (it is a file anyone can edit), and a name that is not a plain
/// file in the folder is skipped.
pub fn readiness(folder: &Path) -> Vec<Readiness> {
    let Some(manifest) = std::fs::read(folder.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<export::Manifest>(&b).ok())
    else {
        return Vec::new();
    };
    manifest
        .outputs
        .iter()
        .filter_map(|o| {
            let platform = o.platform?;
            let plain = Path::new(&o.file).file_name()? == std::ffi::OsStr::new(&o.file);
            (plain && !o.file.ends_with(".jpg"))
                .then(|| crate::platform::check(&platform.spec(), &folder.join(&o.file)))
        })
        .collect()
}

/// Makes the campaign's web wall (its hero piece as a muted loop, and its web-cleared
/// photos and clips) in a new folder under `out_dir` (the library's own exports folder
/// when `None`). `hero` names the piece to loop; else the campaign's first 16:9 montage.
pub fn web_wall(
    lib: &Library,
    campaign: super::CampaignId,
    hero: Option<PieceId>,
    out_dir: Option<&Path>,
    progress: Progress<'_>,
) -> Result<crate::web_wall::Wall> {
    let c = campaign::get(lib.conn(), &campaign.to_string())?;
    let hero = hero.map(|id| super::pieces::get(lib, id)).transpose()?;
    if let Some(h) = &hero {
        if h.campaign_id != c.id {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "'{}' belongs to another campaign; a wall loops one of '{}''s own pieces",
                    h.document.name, c.name
                ),
            ));
        }
    }
    let out_dir = match out_dir {
        Some(d) => d.to_path_buf(),
        None => lib
            .root()
            .join("exports")
            .join(export::file_name_for(
                &c.name,
                &format!("campaign-{}", c.id),
            ))
            .join(format!(
                "web-{}",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            )),
    };
    std::fs::create_dir_all(&out_dir).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("cannot create {}: {e}", out_dir.display()),
        )
    })?;
    Ok(crate::web_wall::export(
        lib,
        &c,
        hero.as_ref(),
        &out_dir,
        progress,
    )?)
}
