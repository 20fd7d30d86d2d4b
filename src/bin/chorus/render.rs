//! `chorus render` and `chorus export`: a piece to a media file, or to an export folder,
//! behind a progress bar.

use std::path::{Path, PathBuf};

use chorus::api::{self, PieceId};
use chorus::library::Library;
use chorus::platform::Platform;

use crate::{bar, AnyError};

#[derive(clap::Args)]
pub(crate) struct RenderArgs {
    piece: String,
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// A quick look, as the desktop editor's Preview makes it: a third of the size, fast
    /// encoder settings (montages only).
    #[arg(long)]
    preview: bool,
}

#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    piece: String,
    /// One or more of hero_16x9, story_9x16, square_1x1, feed_4x5 (default: the piece's,
    /// unless --for names platforms).
    #[arg(long = "preset")]
    presets: Vec<String>,
    /// Platforms to make files for, to each one's published spec and safe area, each
    /// checked after rendering: `--for youtube,reels,tiktok` (`chorus platforms` lists them).
    #[arg(long = "for", value_delimiter = ',', value_name = "PLATFORMS")]
    platforms: Vec<String>,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub(crate) fn render(dir: &Path, args: RenderArgs) -> Result<(), AnyError> {
    let RenderArgs {
        piece: r,
        out,
        preview,
    } = args;
    let lib = Library::open(dir)?;
    let p = chorus::piece::get(lib.conn(), &r)?;
    if preview {
        let made = api::pieces::preview(&lib, PieceId(p.id), &p.document, &mut |_| true)?;
        // The preview is made in the library's tmp folder; moved, or copied across disks.
        if std::fs::rename(&made, &out).is_err() {
            std::fs::copy(&made, &out)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            let _ = std::fs::remove_file(&made);
        }
        println!("Preview of '{}': {}", p.document.name, out.display());
        return Ok(());
    }
    let bar = bar("");
    let done = api::exports::render(&lib, PieceId(p.id), &out, &mut |f| {
        bar.set_position((f * 1000.0) as u64);
        true
    })?;
    bar.finish_and_clear();
    match done {
        api::exports::Output::Picture(path) => println!("rendered {}", path.display()),
        api::exports::Output::Video(done) => println!(
            "rendered {} ({}×{}, {} frames, {:.2} s)",
            done.path.display(),
            done.width,
            done.height,
            done.frames,
            done.frames as f64 / 30.0
        ),
    }
    Ok(())
}

pub(crate) fn export(dir: &Path, args: ExportArgs) -> Result<(), AnyError> {
    let ExportArgs {
        piece: r,
        presets,
        platforms,
        out,
    } = args;
    let presets = presets
        .iter()
        .map(|n| chorus::piece::Preset::parse(n).ok_or(format!("'{n}' is not a preset")))
        .collect::<Result<Vec<_>, _>>()?;
    let platforms = platforms
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            Platform::parse(n).ok_or(format!(
                "'{n}' is not a platform; choose from {}",
                Platform::ALL.map(|p| p.name()).join(", ")
            ))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let lib = Library::open(dir)?;
    let p = chorus::piece::get(lib.conn(), &r)?;
    let folder = export_with_bar(&lib, &p, &presets, &platforms, &out)?;
    println!("exported {}", folder.display());
    for r in api::exports::readiness(&folder) {
        println!("  {}: {} ({})", r.file, r.summary(), r.measured);
    }
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct WallArgs {
    /// The campaign whose cleared photos and clips make the wall.
    campaign: String,
    /// The piece to loop at the top (default: the campaign's first 16:9 montage).
    #[arg(long)]
    piece: Option<String>,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// `chorus wall`: the campaign's web wall, a folder for the home page.
pub(crate) fn wall(dir: &Path, args: WallArgs) -> Result<(), AnyError> {
    let lib = Library::open(dir)?;
    let c = chorus::campaign::get(lib.conn(), &args.campaign)?;
    let hero = match &args.piece {
        Some(r) => Some(PieceId(chorus::piece::get(lib.conn(), r)?.id)),
        None => None,
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let bar = bar(&c.name);
    let wall = api::exports::web_wall(
        &lib,
        api::CampaignId(c.id),
        hero,
        Some(&args.out),
        &mut |f| {
            bar.set_position((f * 1000.0) as u64);
            true
        },
    )?;
    bar.finish_and_clear();
    println!("web wall: {}", wall.folder.join("index.html").display());
    match &wall.hero {
        Some(h) => println!("  hero: '{h}', a muted loop (MP4 and WebM)"),
        None => println!("  no hero: the campaign has no montage"),
    }
    let clips = wall.tiles.iter().filter(|t| t.kind == "clip").count();
    println!(
        "  {} tile(s) cleared for the web: {} clip(s), {} photo(s)",
        wall.tiles.len(),
        clips,
        wall.tiles.len() - clips
    );
    println!(
        "  first view: {:.2} MB (page and posters); then the hero loop streams: {:.2} MB",
        wall.first_view_bytes as f64 / 1_000_000.0,
        wall.hero_bytes as f64 / 1_000_000.0
    );
    Ok(())
}

/// `chorus platforms`: what each export target is.
pub(crate) fn platforms() {
    for v in api::exports::platforms() {
        println!(
            "{:<17} {:<21} {}×{}  {}",
            v.platform.name(),
            v.label,
            v.width,
            v.height,
            v.limits
        );
    }
}

pub(crate) fn export_with_bar(
    lib: &Library,
    p: &chorus::piece::Piece,
    presets: &[chorus::piece::Preset],
    platforms: &[Platform],
    out: &Path,
) -> Result<PathBuf, AnyError> {
    let bar = bar(&p.document.name);
    let folder = api::exports::export(
        lib,
        PieceId(p.id),
        presets,
        platforms,
        Some(out),
        &mut |f| {
            bar.set_position((f * 1000.0) as u64);
            true
        },
    )?;
    bar.finish_and_clear();
    Ok(folder)
}
