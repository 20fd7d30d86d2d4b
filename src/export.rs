//! Export: a folder per export holding the rendered media (one per preset), a poster JPEG,
//! `credits.txt`, the rights report for exactly the assets used, and `manifest.json` (the
//! piece, the blake3 of every source, and which output time range came from which asset
//! under which grants). Written beside its final name and renamed when complete.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::campaign::Campaign;
use crate::library::Library;
use crate::piece::{Piece, PieceDoc, Preset, FPS};
use crate::render::{self, RenderError};
use crate::rights::{self, RightsError};

pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Rights(#[from] RightsError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{path} already exists; choose another --out or remove it")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Source {
    pub asset_id: i64,
    pub blake3: String,
    pub original_name: String,
    pub contributor: Option<String>,
    pub grant_ids: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TimeRange {
    pub from_ms: u64,
    pub to_ms: u64,
    pub asset_id: i64,
    pub grant_ids: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutputFile {
    pub file: String,
    pub preset: Preset,
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
    pub timeline: Vec<TimeRange>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub exported_at: String,
    pub chorus_version: String,
    pub campaign: String,
    pub usage: rights::Usage,
    pub piece: PieceDoc,
    pub piece_version: i64,
    pub sources: Vec<Source>,
    pub outputs: Vec<OutputFile>,
}

fn ms(frames: u64) -> u64 {
    frames * 1000 / FPS
}

/// A folder- and file-name-safe form of a name, never empty: a name with no letters or
/// digits (all emoji, say) becomes `fallback`.
pub fn file_name_for(s: &str, fallback: &str) -> String {
    let slug: String = slug(s).chars().take(80).collect();
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug
    }
}

/// A folder- and file-name-safe form of a name (empty when it has no letters or digits).
pub fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').to_string()
}

/// Exports `piece` for each preset into `out_dir/<piece-name>/`; returns the folder.
pub fn export(
    lib: &Library,
    campaign: &Campaign,
    piece: &Piece,
    presets: &[Preset],
    out_dir: &Path,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<PathBuf, ExportError> {
    let assets = piece.document.asset_ids();
    let cleared = rights::require_cleared(lib.conn(), campaign, &assets)?;
    let name = file_name_for(&piece.document.name, &format!("piece-{}", piece.id));
    let folder = out_dir.join(&name);
    if folder.exists() {
        return Err(ExportError::Exists { path: folder });
    }
    let partial = out_dir.join(format!(".{name}.partial"));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(&partial).map_err(io(&partial))?;
    crate::library::private_dir(&partial).map_err(io(&partial))?;
    let result = write_all(
        lib, campaign, piece, presets, &cleared, &partial, &name, progress,
    );
    // A contributor may have withdrawn while the export ran: ask the gate again before
    // the folder takes its name.
    let result = result.and_then(|()| Ok(cleared.still_holds(lib.conn())?));
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&partial);
        return Err(e);
    }
    fs::rename(&partial, &folder).map_err(io(&folder))?;
    Ok(folder)
}

#[allow(clippy::too_many_arguments)]
fn write_all(
    lib: &Library,
    campaign: &Campaign,
    piece: &Piece,
    presets: &[Preset],
    cleared: &rights::ClearedForUse,
    dir: &Path,
    name: &str,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<(), ExportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write { path, source }
    };
    let conn = lib.conn();
    let assets = piece.document.asset_ids();
    let mut outputs = Vec::new();
    let presets: Vec<Preset> = if presets.is_empty() {
        vec![piece.document.preset]
    } else {
        presets.to_vec()
    };
    for (i, preset) in presets.iter().enumerate() {
        // The same storyboard, re-fitted to each shape.
        let mut doc = piece.document.clone();
        doc.preset = *preset;
        if !matches!(doc.content, crate::piece::Content::Montage(_)) {
            // Stills and mosaic walls export as pictures; the first one is the poster too.
            let file = format!("{name}-{}.jpg", preset.name());
            render::render_image(lib, cleared, &doc, &dir.join(&file))?;
            if i == 0 {
                fs::copy(dir.join(&file), dir.join("poster.jpg"))
                    .map_err(io(&dir.join("poster.jpg")))?;
            }
            let (width, height) = preset.size();
            outputs.push(OutputFile {
                file,
                preset: *preset,
                width,
                height,
                duration_ms: 0,
                timeline: Vec::new(),
            });
            let animated =
                matches!(&doc.content, crate::piece::Content::Mosaic(m) if m.animated_ms > 0);
            if !animated {
                continue;
            }
        }
        let file = format!("{name}-{}.mp4", preset.name());
        // The caption track beside the video, as WebVTT (web players) and SRT (social
        // uploads), named like it so players pair them.
        if let crate::piece::Content::Montage(m) = &doc.content {
            let cues = crate::piece::captions::timeline(m);
            if !cues.is_empty() {
                for (ext, text) in [
                    ("vtt", crate::piece::captions::to_vtt(&cues)),
                    ("srt", crate::piece::captions::to_srt(&cues)),
                ] {
                    let path = dir.join(format!("{name}-{}.{ext}", preset.name()));
                    fs::write(&path, text).map_err(io(&path))?;
                }
            }
        }
        let share = 1.0 / presets.len() as f64;
        let done = render::render_video(lib, cleared, &doc, &dir.join(&file), &mut |f| {
            progress((i as f64 + f) * share)
        })?;
        if i == 0 && !dir.join("poster.jpg").exists() {
            if let Some(poster) = &done.poster {
                let path = dir.join("poster.jpg");
                // Our own pixels only (no metadata from any customer file), tagged sRGB.
                let jpeg = crate::media::encode_srgb(poster, image::ImageFormat::Jpeg)
                    .unwrap_or_else(|_| crate::media::encode_jpeg(poster, 90));
                fs::write(&path, jpeg).map_err(io(&path))?;
            }
        }
        outputs.push(OutputFile {
            file,
            preset: *preset,
            width: done.width,
            height: done.height,
            duration_ms: ms(done.frames),
            timeline: done
                .timeline
                .iter()
                .map(|s| TimeRange {
                    from_ms: ms(s.from),
                    to_ms: ms(s.to),
                    asset_id: s.asset_id,
                    grant_ids: cleared.grants_for(s.asset_id).to_vec(),
                })
                .collect(),
        });
    }

    let mut sources = Vec::new();
    let mut credits = format!(
        "Made with our customers. Thank you to everyone who appears in \"{}\":\n\n",
        piece.document.name
    );
    for &id in &assets {
        let (hash, original, cname, handle): (String, String, Option<String>, Option<String>) =
            conn.query_row(
                "SELECT a.hash, a.original_name, c.name, c.handle FROM assets a
             LEFT JOIN contributors c ON c.id = a.contributor_id WHERE a.id = ?",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        let who = match (&handle, &cname) {
            (Some(h), Some(n)) => format!("{h} ({n})"),
            (Some(h), None) => h.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) => "a customer".to_string(),
        };
        if !credits.contains(&who) {
            credits.push_str(&format!("{who}\n"));
        }
        sources.push(Source {
            asset_id: id,
            blake3: hash,
            original_name: original,
            contributor: handle.or(cname),
            grant_ids: cleared.grants_for(id).to_vec(),
        });
    }
    let credits_path = dir.join("credits.txt");
    crate::library::write_private(&credits_path, credits).map_err(io(&credits_path))?;
    rights::write_report(conn, campaign, &assets, dir)?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        exported_at: crate::library::now(),
        chorus_version: env!("CARGO_PKG_VERSION").to_string(),
        campaign: campaign.name.clone(),
        usage: campaign.usage.clone(),
        piece: piece.document.clone(),
        piece_version: piece.version,
        sources,
        outputs,
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    crate::library::write_private(&path, json).map_err(io(&path))?;
    Ok(())
}
