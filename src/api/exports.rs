//! Rendering and exporting a saved piece: the rights gate first, the choice between video
//! and picture output, the export folder's name, progress and cancel.

use std::path::{Path, PathBuf};

use super::{Error, ErrorKind, PieceId, Progress, Result};
use crate::campaign::{self, Campaign};
use crate::export;
use crate::library::Library;
use crate::piece::{Content, Piece, PieceDoc, Preset};
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

/// Exports a saved piece for each preset into `out_dir` (the library's own exports folder
/// when `None`); returns the export folder.
pub fn export(
    lib: &Library,
    id: PieceId,
    presets: &[Preset],
    out_dir: Option<&Path>,
    progress: Progress<'_>,
) -> Result<PathBuf> {
    let (p, c) = piece_and_campaign(lib, id)?;
    p.document.validate(lib.conn())?;
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
    let result = export::export(lib, &c, &p, presets, &out_dir, progress);
    if result.is_err() && own {
        // Nothing half-made stays behind; the engine already removed its partial.
        let _ = std::fs::remove_dir(&out_dir);
    }
    Ok(result?)
}
