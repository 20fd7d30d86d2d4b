//! Export: a folder per export holding the rendered media (one per preset and one per
//! platform, each platform's checked against its published limits), a poster JPEG,
//! `credits.txt`, the rights report for exactly the assets used, and `manifest.json` (the
//! piece, the blake3 of every source, and which output time range came from which asset
//! under which grants). Written beside its final name and renamed when complete.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::campaign::Campaign;
use crate::library::Library;
use crate::piece::{Content, Piece, PieceDoc, Preset, FPS};
use crate::platform::{self, Platform, Readiness};
use crate::render::{self, Quality, RenderError, Target};
use crate::rights::{self, RightsError};

pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Rights(#[from] RightsError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{0}")]
    NotForPlatform(String),
    #[error("{path} already exists; choose another --out or remove it")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Provenance(#[from] crate::provenance::ProvenanceError),
    /// The library's settings could not be read (one edited by hand, say).
    #[error(transparent)]
    Settings(#[from] crate::library::LibraryError),
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
    /// The platform it was made for, if any (its shape is `preset`).
    #[serde(default)]
    pub platform: Option<Platform>,
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
    /// Each platform file measured against its platform's limits after rendering.
    #[serde(default)]
    pub readiness: Vec<Readiness>,
    /// The newest audit event when it was exported: `chorus rights verify` checks the log
    /// still holds it, so a log rewritten afterwards is found out.
    #[serde(default)]
    pub audit_head: Option<crate::audit::ChainHead>,
    /// The earliest day a grant it uses ends: after it, the export may not be published.
    #[serde(default)]
    pub valid_until: Option<chrono::NaiveDate>,
    /// The files that carry rights metadata (XMP) and signed content credentials (C2PA),
    /// and how long writing them took.
    #[serde(default)]
    pub credentials: Option<CredentialsNote>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CredentialsNote {
    pub files: Vec<String>,
    pub ms: u64,
    /// The library's CA certificate, for those who want to trust its signature.
    pub ca_certificate: String,
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

/// What to make: the files for one preset, or for platforms that share a shape (rendered
/// in one pass, each at its own size).
enum Job {
    Preset(Preset),
    Platforms(Vec<Platform>),
}

/// Presets first, then platforms grouped by shape, in the order asked.
fn jobs(doc: &PieceDoc, presets: &[Preset], platforms: &[Platform]) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut seen = Vec::new();
    for p in presets {
        if !seen.contains(p) {
            seen.push(*p);
            jobs.push(Job::Preset(*p));
        }
    }
    let mut groups: Vec<Vec<Platform>> = Vec::new();
    for p in platforms {
        if groups.iter().flatten().any(|q| q == p) {
            continue;
        }
        // One pass per shape: smaller sizes of it are scaled from the largest.
        match groups
            .iter_mut()
            .find(|g| g[0].spec().shape == p.spec().shape)
        {
            Some(g) => g.push(*p),
            None => groups.push(vec![*p]),
        }
    }
    jobs.extend(groups.into_iter().map(Job::Platforms));
    if jobs.is_empty() {
        jobs.push(Job::Preset(doc.preset));
    }
    jobs
}

/// Whether the piece renders to video (montages, animated walls).
fn is_video(doc: &PieceDoc) -> bool {
    match &doc.content {
        Content::Montage(_) => true,
        Content::Mosaic(m) => m.animated_ms > 0,
        Content::Still(_) => false,
    }
}

/// Refuses, before anything is rendered, platforms the piece cannot go to as it is.
pub fn check_platforms(doc: &PieceDoc, platforms: &[Platform]) -> Result<(), ExportError> {
    if !is_video(doc) {
        return Ok(());
    }
    let ms = ms(doc.duration_frames());
    let refusals: Vec<String> = platforms
        .iter()
        .filter_map(|p| platform::refuse_length(&p.spec(), &doc.name, ms))
        .collect();
    match refusals.is_empty() {
        true => Ok(()),
        false => Err(ExportError::NotForPlatform(refusals.join("; "))),
    }
}

/// Exports `piece` for each preset and platform into `out_dir/<piece-name>/`; returns the
/// folder.
pub fn export(
    lib: &Library,
    campaign: &Campaign,
    piece: &Piece,
    presets: &[Preset],
    platforms: &[Platform],
    out_dir: &Path,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<PathBuf, ExportError> {
    check_platforms(&piece.document, platforms)?;
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
    let jobs = jobs(&piece.document, presets, platforms);
    let result = write_all(
        lib, campaign, piece, &jobs, &cleared, &partial, &name, progress,
    );
    // A contributor may have withdrawn while the export ran: ask the gate again before
    // the folder takes its name.
    let result = result.and_then(|()| Ok(cleared.still_holds(lib.conn())?));
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&partial);
        return Err(e);
    }
    fs::rename(&partial, &folder).map_err(io(&folder))?;
    record(lib, piece, campaign, &folder, &assets, &cleared)?;
    Ok(folder)
}

/// Writes the rights metadata and signs the content credentials of every MP4 and JPEG in
/// the export folder.
fn stamp_all(
    lib: &Library,
    campaign: &Campaign,
    piece: &Piece,
    cleared: &rights::ClearedForUse,
    assets: &[i64],
    sources: &[Source],
    dir: &Path,
) -> Result<CredentialsNote, ExportError> {
    use crate::provenance::{self, Credentials, Ingredient, Provenance};
    let started = std::time::Instant::now();
    let conn = lib.conn();
    let settings = rights::RightsSettings::load(lib)?;
    let mut credits: Vec<String> = Vec::new();
    for s in sources {
        if let Some(c) = &s.contributor {
            if !credits.contains(c) {
                credits.push(c.clone());
            }
        }
    }
    let kinds: std::collections::HashMap<i64, String> = assets
        .iter()
        .map(|&a| {
            conn.query_row("SELECT kind FROM assets WHERE id = ?", [a], |r| r.get(0))
                .map(|k| (a, k))
        })
        .collect::<rusqlite::Result<_>>()?;
    let p = Provenance {
        title: piece.document.name.clone(),
        brand: settings.brand_name.clone(),
        credits,
        rights_url: settings.rights_url.clone(),
        usage: campaign.usage.clone(),
        valid_until: valid_until(conn, cleared, assets)?,
        ingredients: sources
            .iter()
            .map(|s| Ingredient {
                asset_id: s.asset_id,
                blake3: s.blake3.clone(),
                kind: kinds.get(&s.asset_id).cloned().unwrap_or_default(),
            })
            .collect(),
        audit_head: crate::audit::head(conn)?,
        exported_on: chrono::Local::now().date_naive(),
    };
    let creds = Credentials::for_library(lib, &settings.brand_name)?;
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|source| ExportError::Write {
            path: dir.to_path_buf(),
            source,
        })?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let mut files = Vec::new();
    for name in names {
        if provenance::stamp(&creds, &p, &dir.join(&name))? {
            files.push(name);
        }
    }
    let ca = dir.join("content-credentials-ca.pem");
    fs::copy(creds.dir().join(provenance::CA_FILE), &ca).map_err(|source| ExportError::Write {
        path: ca.clone(),
        source,
    })?;
    Ok(CredentialsNote {
        files,
        ms: started.elapsed().as_millis() as u64,
        ca_certificate: "content-credentials-ca.pem".into(),
    })
}

/// The earliest end of the grants an export relies on.
pub fn valid_until(
    conn: &rusqlite::Connection,
    cleared: &rights::ClearedForUse,
    assets: &[i64],
) -> Result<Option<chrono::NaiveDate>, ExportError> {
    let mut stmt = conn.prepare_cached("SELECT valid_until FROM grants WHERE id = ?")?;
    let mut earliest: Option<chrono::NaiveDate> = None;
    for &a in assets {
        for &g in cleared.grants_for(a) {
            let until: Option<String> = stmt.query_row([g], |r| r.get(0))?;
            if let Some(d) = until.and_then(|u| u.parse::<chrono::NaiveDate>().ok()) {
                earliest = Some(earliest.map_or(d, |e| e.min(d)));
            }
        }
    }
    Ok(earliest)
}

/// Remembers where an export went and what it holds, so an erasure can list every folder
/// a person appears in.
fn record(
    lib: &Library,
    piece: &Piece,
    campaign: &Campaign,
    folder: &Path,
    assets: &[i64],
    cleared: &rights::ClearedForUse,
) -> Result<(), ExportError> {
    let conn = lib.conn();
    let head = crate::audit::head(conn)?.map(|h| serde_json::to_string(&h).unwrap_or_default());
    let until = valid_until(conn, cleared, assets)?.map(|d| d.to_string());
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO exports (piece_id, piece_name, campaign_id, path, exported_at, chain_head, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            piece.id,
            piece.document.name,
            campaign.id,
            folder.to_string_lossy(),
            crate::library::now(),
            head,
            until
        ],
    )?;
    let id = tx.last_insert_rowid();
    for a in assets {
        tx.execute(
            "INSERT OR IGNORE INTO export_assets (export_id, asset_id) VALUES (?1, ?2)",
            [id, *a],
        )?;
    }
    tx.commit()?;
    // The full evidence stays with the brand, in the library, beside the agency's copy.
    rights::write_report(
        conn,
        campaign,
        assets,
        &internal_report_dir(lib, id),
        rights::Audience::Internal,
    )?;
    Ok(())
}

/// Where the internal evidence report of export `id` is kept.
pub fn internal_report_dir(lib: &Library, id: i64) -> PathBuf {
    lib.root().join("reports").join(format!("export-{id}"))
}

/// The internal evidence report (CSV) of the export in `folder`, if Chorus made it.
pub fn internal_report_for(lib: &Library, folder: &Path) -> Option<PathBuf> {
    let wanted = folder.canonicalize().ok()?;
    let mut stmt = lib
        .conn()
        .prepare("SELECT id, path FROM exports ORDER BY id DESC")
        .ok()?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .ok()?;
    let id = rows
        .flatten()
        .find(|(_, p)| Path::new(p).canonicalize().ok().as_deref() == Some(wanted.as_path()))?
        .0;
    let csv = internal_report_dir(lib, id)
        .join(format!("{}.csv", rights::Audience::Internal.file_stem()));
    csv.is_file().then_some(csv)
}

#[allow(clippy::too_many_arguments)]
fn write_all(
    lib: &Library,
    campaign: &Campaign,
    piece: &Piece,
    jobs: &[Job],
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
    let mut readiness = Vec::new();
    let share = 1.0 / jobs.len() as f64;
    for (i, job) in jobs.iter().enumerate() {
        // The same storyboard, re-fitted to each shape.
        let mut doc = piece.document.clone();
        // Each file: its suffix, the platform it is for, and how it is encoded.
        let files: Vec<(String, Option<Platform>, Quality)> = match job {
            Job::Preset(p) => {
                doc.preset = *p;
                vec![(p.name().to_string(), None, Quality::Final)]
            }
            Job::Platforms(ps) => {
                doc.preset = ps[0].spec().shape;
                ps.iter()
                    .map(|p| (p.name().to_string(), Some(*p), Quality::Deliver(*p)))
                    .collect()
            }
        };
        if !is_video(&doc) || matches!(&doc.content, Content::Mosaic(_)) {
            // Stills and mosaic walls export as pictures; the first one is the poster too.
            for (suffix, platform, _) in &files {
                let file = format!("{name}-{suffix}.jpg");
                render::render_image(lib, cleared, &doc, &dir.join(&file))?;
                if !dir.join("poster.jpg").exists() {
                    fs::copy(dir.join(&file), dir.join("poster.jpg"))
                        .map_err(io(&dir.join("poster.jpg")))?;
                }
                let (width, height) = doc.preset.size();
                outputs.push(OutputFile {
                    file,
                    preset: doc.preset,
                    platform: *platform,
                    width,
                    height,
                    duration_ms: 0,
                    timeline: Vec::new(),
                });
            }
            if !is_video(&doc) {
                continue;
            }
        }
        // The caption track beside each video, as WebVTT (web players) and SRT (social
        // uploads), named like it so players pair them.
        if let Content::Montage(m) = &doc.content {
            let cues = crate::piece::captions::timeline(m);
            if !cues.is_empty() {
                for (suffix, _, _) in &files {
                    for (ext, text) in [
                        ("vtt", crate::piece::captions::to_vtt(&cues)),
                        ("srt", crate::piece::captions::to_srt(&cues)),
                    ] {
                        let path = dir.join(format!("{name}-{suffix}.{ext}"));
                        fs::write(&path, text).map_err(io(&path))?;
                    }
                }
            }
        }
        let mut targets = Vec::new();
        for (suffix, platform, quality) in &files {
            targets.push(Target {
                path: dir.join(format!("{name}-{suffix}.mp4")),
                quality: *quality,
                webm: false,
            });
            if platform.is_some_and(|p| p.spec().webm) {
                targets.push(Target {
                    path: dir.join(format!("{name}-{suffix}.webm")),
                    quality: *quality,
                    webm: true,
                });
            }
        }
        // Platforms of one size whose encodings are the same (Reels and TikTok) get the
        // same bytes: encoded once, the file linked (or copied) under each name.
        let same = |a: &Target, b: &Target| {
            a.webm == b.webm
                && a.quality.encoding() == b.quality.encoding()
                && a.quality.size(doc.preset) == b.quality.size(doc.preset)
        };
        let firsts: Vec<usize> = (0..targets.len())
            .map(|k| {
                (0..k)
                    .find(|&j| same(&targets[j], &targets[k]))
                    .unwrap_or(k)
            })
            .collect();
        let unique: Vec<Target> = targets
            .iter()
            .enumerate()
            .filter(|(k, _)| firsts[*k] == *k)
            .map(|(_, t)| t.clone())
            .collect();
        let rendered = render::render_many(lib, cleared, &doc, &unique, &mut |f| {
            progress((i as f64 + f) * share)
        })?;
        let mut made = Vec::new();
        for (k, t) in targets.iter().enumerate() {
            let from = &targets[firsts[k]].path;
            let Some(r) = rendered.iter().find(|r| &r.path == from) else {
                continue;
            };
            if firsts[k] != k && fs::hard_link(from, &t.path).is_err() {
                fs::copy(from, &t.path).map_err(io(&t.path))?;
            }
            made.push(render::Rendered {
                path: t.path.clone(),
                ..r.clone()
            });
        }
        if !dir.join("poster.jpg").exists() {
            if let Some(poster) = made.first().and_then(|d| d.poster.as_ref()) {
                let path = dir.join("poster.jpg");
                // Our own pixels only (no metadata from any customer file), tagged sRGB.
                let jpeg = crate::media::encode_srgb(poster, image::ImageFormat::Jpeg)
                    .unwrap_or_else(|_| crate::media::encode_jpeg(poster, 90));
                fs::write(&path, jpeg).map_err(io(&path))?;
            }
        }
        for done in &made {
            let file = done
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let platform = files
                .iter()
                .find(|(suffix, _, _)| file.starts_with(&format!("{name}-{suffix}.")))
                .and_then(|f| f.1);
            if let Some(p) = platform {
                readiness.push(platform::check(&p.spec(), &done.path));
            }
            outputs.push(OutputFile {
                file,
                preset: doc.preset,
                platform,
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
    let credentials = stamp_all(lib, campaign, piece, cleared, &assets, &sources, dir)?;
    let credits_path = dir.join("credits.txt");
    crate::library::write_private(&credits_path, credits).map_err(io(&credits_path))?;
    rights::write_report(conn, campaign, &assets, dir, rights::Audience::Agency)?;
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
        readiness,
        audit_head: crate::audit::head(conn)?,
        valid_until: valid_until(conn, cleared, &assets)?,
        credentials: Some(credentials),
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    crate::library::write_private(&path, json).map_err(io(&path))?;
    Ok(())
}
