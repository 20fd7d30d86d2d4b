//! Commands of the campaign screens: campaigns and their usage, pieces (auto-assemble,
//! edit, save), previews, and the render/export queue. Same engine calls as the CLI.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use chorus::api::{self, CampaignId, PieceId};
use chorus::campaign::Campaign;
use chorus::library::Library;
use chorus::piece;
use chorus::platform::Platform;
use chorus::rights::Channel;
use chorus::views::{self, CampaignHome, PieceView};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel as IpcChannel;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::error::{invalid, CommandError, Result};
use crate::jobs::{JobFinished, JobKind, RenderProgress};
use crate::state::AppState;

/// The campaign home: every campaign with its pieces, what blocks each, where its assets
/// stand and what expires soon, and what arrived this week.
#[tauri::command]
#[specta::specta]
pub async fn campaigns_overview(state: State<'_, AppState>) -> Result<CampaignHome> {
    state.with_reader(|conn| Ok(views::campaigns(conn, crate::error::today())?))
}

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct CampaignForm {
    pub name: String,
    pub channels: Vec<Channel>,
    /// ISO country codes, or WORLDWIDE.
    pub territories: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[tauri::command]
#[specta::specta]
pub async fn campaign_create(state: State<'_, AppState>, form: CampaignForm) -> Result<Campaign> {
    let dates = (form.starts_on, form.ends_on);
    state.with_library(|lib| {
        Ok(api::campaigns::create(
            lib,
            &form.name,
            &form.channels,
            &form.territories,
            dates,
        )?)
    })
}

/// Changes a campaign's name and usage; its pieces are re-checked against the new usage.
#[tauri::command]
#[specta::specta]
pub async fn campaign_update(
    state: State<'_, AppState>,
    id: i64,
    form: CampaignForm,
) -> Result<Campaign> {
    let dates = (form.starts_on, form.ends_on);
    state.with_library(|lib| {
        let (name, channels, territories) = (&form.name, &form.channels, &form.territories);
        Ok(api::campaigns::update(
            lib,
            CampaignId(id),
            name,
            channels,
            territories,
            dates,
        )?)
    })
}

#[tauri::command]
#[specta::specta]
pub async fn piece_view(state: State<'_, AppState>, id: i64) -> Result<PieceView> {
    state.with_reader(|conn| Ok(views::piece_view(conn, id)?))
}

/// Fills a new montage of `seconds` (6, 15, 30 or 60) from the selected, cleared assets.
#[tauri::command]
#[specta::specta]
pub async fn piece_auto(
    state: State<'_, AppState>,
    campaign_id: i64,
    name: String,
    preset: piece::Preset,
    seconds: u32,
) -> Result<PieceView> {
    state.with_library(|lib| {
        let p = api::pieces::auto(lib, CampaignId(campaign_id), &name, preset, seconds.into())?;
        Ok(views::piece_view(lib.conn(), p.id)?)
    })
}

/// Saves a new piece from a document (a mosaic, a still, or a montage built by hand).
#[tauri::command]
#[specta::specta]
pub async fn piece_create(
    state: State<'_, AppState>,
    campaign_id: i64,
    document: piece::PieceDoc,
) -> Result<PieceView> {
    state.with_library(|lib| {
        let p = api::pieces::create(lib, CampaignId(campaign_id), &document)?;
        Ok(views::piece_view(lib.conn(), p.id)?)
    })
}

/// Saves an edited document as the piece's next version. `version` is the one the editor
/// started from: if someone saved since, nothing is overwritten.
#[tauri::command]
#[specta::specta]
pub async fn piece_save(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    document: piece::PieceDoc,
) -> Result<PieceView> {
    state.with_library(|lib| {
        api::pieces::save(lib, PieceId(id), version, &document)?;
        Ok(views::piece_view(lib.conn(), id)?)
    })
}

/// Reads a caption file (SRT or WebVTT, a path on this machine) onto item `item` (from 0)
/// of a montage, cut to its trim, or with no item onto the piece itself; saves the next
/// version.
#[tauri::command]
#[specta::specta]
pub async fn piece_captions_from_file(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    item: Option<u32>,
    path: String,
) -> Result<PieceView> {
    state.with_library(|lib| {
        api::pieces::captions_from_file(
            lib,
            PieceId(id),
            version,
            item.map(|i| i as usize),
            std::path::Path::new(&path),
        )?;
        Ok(views::piece_view(lib.conn(), id)?)
    })
}

/// The brand kit: colours with their contrast, fonts.
#[tauri::command]
#[specta::specta]
pub async fn brand_view(state: State<'_, AppState>) -> Result<api::brand::BrandView> {
    state.with_library(|lib| Ok(api::brand::view(lib)?))
}

/// Uses a font file (a path on this machine) as the kit's heading or body font.
#[tauri::command]
#[specta::specta]
pub async fn brand_set_font(
    state: State<'_, AppState>,
    role: api::brand::FontRole,
    path: String,
) -> Result<api::brand::BrandView> {
    state.with_library(|lib| Ok(api::brand::set_font(lib, role, Path::new(&path))?))
}

/// The beat of the library's music bed, for the storyboard's grid (`None` without one).
#[tauri::command]
#[specta::specta]
pub async fn beat_grid(
    state: State<'_, AppState>,
) -> Result<Option<chorus::media::beats::BeatGrid>> {
    state.with_library(|lib| Ok(api::pieces::beat_grid(lib)))
}

fn progress_event(
    app: &AppHandle,
    job: u32,
    kind: JobKind,
    piece_id: i64,
    started: Instant,
    fraction: f64,
) {
    let elapsed = started.elapsed().as_millis() as f64;
    let eta_ms =
        (fraction > 0.02 && fraction < 1.0).then(|| (elapsed * (1.0 - fraction) / fraction) as u64);
    let _ = RenderProgress {
        job,
        kind,
        piece_id,
        fraction,
        eta_ms,
    }
    .emit(app);
}

fn finish(app: &AppHandle, job: u32, kind: JobKind, outcome: Result<(PathBuf, Option<String>)>) {
    let finished = match outcome {
        Ok((path, url)) => JobFinished {
            job,
            kind,
            cancelled: false,
            ingest: None,
            error: None,
            output: Some(path.display().to_string()),
            output_url_path: url,
        },
        Err(e) => JobFinished {
            job,
            kind,
            cancelled: e.message.contains("cancelled"),
            ingest: None,
            error: Some(e.message),
            output: None,
            output_url_path: None,
        },
    };
    let _ = finished.emit(app);
    app.state::<AppState>().jobs.finish(job);
}

/// Starts a job on its own thread with its own connection to the library.
fn spawn_job(
    app: AppHandle,
    state: &AppState,
    kind: JobKind,
    work: impl FnOnce(&mut Library, u32, &dyn Fn() -> bool) -> Result<(PathBuf, Option<String>)>
        + Send
        + 'static,
) -> Result<u32> {
    let root = state
        .library_root()
        .ok_or_else(|| invalid("open or create a library first"))?;
    let (job, cancel) = state.jobs.start();
    std::thread::Builder::new()
        .name(format!("job-{job}"))
        .spawn(move || {
            let keep_going = || !cancel.load(Ordering::Relaxed);
            let outcome = Library::open(&root)
                .map_err(CommandError::from)
                .and_then(|mut lib| work(&mut lib, job, &keep_going));
            finish(&app, job, kind, outcome);
        })
        .map_err(|e| invalid(format!("cannot start the job: {e}")))?;
    Ok(job)
}

/// A piece of a preview's file, in order (base64): the player appends each to what it
/// has and starts on the first fragment, long before the render ends.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct PreviewBytes {
    pub base64: String,
    /// The file is complete: nothing follows. (A failed or cancelled preview sends no
    /// last piece; its `JobFinished` says why.)
    pub last: bool,
}

/// The frame of a document (saved or not) at `at_ms`, `width` pixels wide, as a base64
/// JPEG: the frame under the timeline's playhead. Refused unless its assets are cleared.
#[tauri::command]
#[specta::specta]
pub async fn piece_frame(
    state: State<'_, AppState>,
    piece_id: i64,
    document: piece::PieceDoc,
    at_ms: u32,
    width: u32,
) -> Result<String> {
    use base64::Engine as _;
    let mut scrub = state
        .scrub
        .lock()
        .map_err(|_| invalid("the frame maker failed before; reopen the piece"))?;
    let jpeg = state.with_library(|lib| {
        Ok(api::pieces::frame(
            lib,
            &mut scrub,
            PieceId(piece_id),
            &document,
            u64::from(at_ms),
            width,
        )?)
    })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(jpeg))
}

/// The piece's soundtrack as edited, a base64 WAV (mono, 24 kHz), for the timeline's
/// live preview. Refused unless its assets are cleared.
#[tauri::command]
#[specta::specta]
pub async fn piece_sound(
    state: State<'_, AppState>,
    piece_id: i64,
    document: piece::PieceDoc,
) -> Result<String> {
    use base64::Engine as _;
    let recipe = state
        .with_library(|lib| Ok(api::pieces::soundtrack(lib, PieceId(piece_id), &document)?))?;
    // Mixed without holding the library: frames keep coming while it mixes.
    let wav = tauri::async_runtime::spawn_blocking(move || recipe.wav())
        .await
        .map_err(|e| invalid(format!("the mix stopped: {e}")))??;
    Ok(base64::engine::general_purpose::STANDARD.encode(wav))
}

/// Starts decoding the piece's clip shots for the timeline's frames (returns at once).
#[tauri::command]
#[specta::specta]
pub async fn piece_frames_warm(
    state: State<'_, AppState>,
    piece_id: i64,
    document: piece::PieceDoc,
    width: u32,
) -> Result<()> {
    let mut scrub = state
        .scrub
        .lock()
        .map_err(|_| invalid("the frame maker failed before; reopen the piece"))?;
    state.with_library(|lib| {
        Ok(api::pieces::warm_frames(
            lib,
            &mut scrub,
            PieceId(piece_id),
            &document,
            width,
        )?)
    })
}

/// Waveforms of each item's sound and of the music bed, for the timeline.
#[tauri::command]
#[specta::specta]
pub async fn piece_waveforms(
    state: State<'_, AppState>,
    document: piece::PieceDoc,
    per_second: u32,
) -> Result<api::pieces::Waveforms> {
    state.with_library(|lib| Ok(api::pieces::waveforms(lib, &document, per_second)?))
}

/// Renders a quick low-resolution preview of a document (saved or not) into the library's
/// tmp folder. Its bytes go to `bytes` as they are written (a fragmented MP4);
/// `JobFinished.output_url_path` is the whole file.
#[tauri::command]
#[specta::specta]
pub async fn preview_start(
    app: AppHandle,
    state: State<'_, AppState>,
    piece_id: i64,
    document: piece::PieceDoc,
    bytes: IpcChannel<PreviewBytes>,
) -> Result<u32> {
    use base64::Engine as _;
    let handle = app.clone();
    spawn_job(
        app,
        &state,
        JobKind::Preview,
        move |lib, job, keep_going| {
            let started = Instant::now();
            let out = api::pieces::preview_streamed(
                lib,
                PieceId(piece_id),
                &document,
                &mut |f| {
                    progress_event(&handle, job, JobKind::Preview, piece_id, started, f);
                    keep_going()
                },
                &mut |chunk| {
                    let base64 = base64::engine::general_purpose::STANDARD.encode(chunk);
                    // A player that has gone away (the editor closed) needs no more.
                    let _ = bytes.send(PreviewBytes {
                        base64,
                        last: false,
                    });
                },
            )?;
            let _ = bytes.send(PreviewBytes {
                base64: String::new(),
                last: true,
            });
            // Served from inside the library, like every file the webview sees.
            let rel = out.strip_prefix(lib.root()).unwrap_or(&out).to_path_buf();
            Ok((out, Some(format!("/file/{}", rel.display()))))
        },
    )
}

/// Exports the saved piece for each preset and platform into
/// `<library>/exports/<campaign>/`. A platform the piece is too long for is refused here,
/// before a job starts.
#[tauri::command]
#[specta::specta]
pub async fn export_start(
    app: AppHandle,
    state: State<'_, AppState>,
    piece_id: i64,
    presets: Vec<piece::Preset>,
    platforms: Vec<Platform>,
) -> Result<u32> {
    state.with_library(|lib| {
        Ok(api::exports::check_platforms(
            lib,
            PieceId(piece_id),
            &platforms,
        )?)
    })?;
    let handle = app.clone();
    spawn_job(app, &state, JobKind::Export, move |lib, job, keep_going| {
        let started = Instant::now();
        let folder = api::exports::export(
            lib,
            PieceId(piece_id),
            &presets,
            &platforms,
            None,
            &mut |f| {
                progress_event(&handle, job, JobKind::Export, piece_id, started, f);
                keep_going()
            },
        )?;
        Ok((folder, None))
    })
}

/// Where a wall of `count` pictures puts each, as the render lays it out.
#[tauri::command]
#[specta::specta]
pub async fn wall_layout(
    state: State<'_, AppState>,
    count: u32,
    layout: piece::Layout,
    preset: piece::Preset,
    band: bool,
) -> Result<api::pieces::WallLayout> {
    state.with_library(|lib| Ok(api::pieces::wall_layout(lib, count, layout, preset, band)?))
}

/// Makes the campaign's web wall into `<library>/exports/<campaign>/web-<time>/`; the
/// job's output is the wall's folder.
#[tauri::command]
#[specta::specta]
pub async fn wall_start(
    app: AppHandle,
    state: State<'_, AppState>,
    campaign_id: i64,
) -> Result<u32> {
    let handle = app.clone();
    spawn_job(app, &state, JobKind::Export, move |lib, job, keep_going| {
        let started = Instant::now();
        let wall = api::exports::web_wall(lib, CampaignId(campaign_id), None, None, &mut |f| {
            progress_event(&handle, job, JobKind::Export, 0, started, f);
            keep_going()
        })?;
        Ok((wall.folder, None))
    })
}

/// The platforms an export can be made for, with their frames, limits and safe areas.
#[tauri::command]
#[specta::specta]
pub async fn platforms() -> Vec<api::exports::PlatformView> {
    api::exports::platforms()
}

/// What an export holds, for viewing in the app.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct ExportContents {
    pub folder: String,
    pub files: Vec<String>,
    pub credits: String,
    /// The agency's rights report (no contact details, no consent text).
    pub rights_report_csv: String,
    /// The full evidence report, kept in the library (contact details, the consent's own
    /// words, guardians, the audit); empty when there is none.
    pub internal_report_csv: String,
    pub internal_report_path: Option<String>,
    /// The files that carry rights metadata and signed content credentials (C2PA).
    pub credentials_files: Vec<String>,
    /// `/file/...` paths under the media stream base, for playing the exported videos.
    pub video_url_paths: Vec<String>,
    /// Each platform file measured now against its platform's limits.
    pub readiness: Vec<chorus::platform::Readiness>,
}

fn inside_exports(root: &Path, folder: &str) -> Result<PathBuf> {
    let exports = root
        .join("exports")
        .canonicalize()
        .map_err(|_| invalid("this library has no exports yet"))?;
    let folder = PathBuf::from(folder)
        .canonicalize()
        .map_err(|_| invalid(format!("{folder}: no such export folder")))?;
    if !folder.starts_with(&exports) {
        return Err(invalid(
            "only folders inside this library's exports can be opened here",
        ));
    }
    Ok(folder)
}

#[tauri::command]
#[specta::specta]
pub async fn export_contents(state: State<'_, AppState>, folder: String) -> Result<ExportContents> {
    let root = state
        .library_root()
        .ok_or_else(|| invalid("open or create a library first"))?;
    let folder = inside_exports(&root, &folder)?;
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap_or_default();
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .map_err(|e| invalid(format!("{}: {e}", folder.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    let internal =
        state.with_library(|lib| Ok(chorus::export::internal_report_for(lib, &folder)))?;
    let canonical_root = root
        .canonicalize()
        .map_err(|_| invalid("the library folder is missing"))?;
    let rel = folder
        .strip_prefix(&canonical_root)
        .unwrap_or(&folder)
        .to_path_buf();
    Ok(ExportContents {
        video_url_paths: files
            .iter()
            .filter(|f| f.ends_with(".mp4"))
            .map(|f| format!("/file/{}", rel.join(f).display()))
            .collect(),
        credits: read("credits.txt"),
        readiness: api::exports::readiness(&folder),
        rights_report_csv: read("rights-report.csv"),
        internal_report_csv: internal
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default(),
        internal_report_path: internal.map(|p| p.with_extension("html").display().to_string()),
        credentials_files: serde_json::from_str::<serde_json::Value>(&read("manifest.json"))
            .ok()
            .and_then(|m| {
                m["credentials"]["files"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default(),
        folder: folder.display().to_string(),
        files,
    })
}

/// Shows an export in the system's file manager.
#[tauri::command]
#[specta::specta]
pub async fn reveal_export(state: State<'_, AppState>, folder: String) -> Result<()> {
    let root = state
        .library_root()
        .ok_or_else(|| invalid("open or create a library first"))?;
    let folder = inside_exports(&root, &folder)?;
    tauri_plugin_opener::reveal_item_in_dir(&folder).map_err(|e| {
        invalid(format!(
            "cannot open a file manager on {}: {e}",
            folder.display()
        ))
    })
}

/// Opens a drafted rights request in the person's mail program (`mailto:` links only).
#[tauri::command]
#[specta::specta]
pub async fn open_mail(mailto: String) -> Result<()> {
    if !mailto.starts_with("mailto:") {
        return Err(invalid("only mailto: links open from here"));
    }
    tauri_plugin_opener::open_url(&mailto, None::<&str>)
        .map_err(|e| invalid(format!("no mail program answered: {e}")))
}
