//! The commands the webview may call. Each validates its input and calls the engine;
//! their types reach TypeScript through tauri-specta (`ui/src/lib/bindings.ts`).

use std::sync::atomic::Ordering;

use chorus::api::rights::{GrantForm, Subject};
use chorus::api::{self, AssetId, CampaignId};
use chorus::campaign::{self, Campaign};
use chorus::catalog::{self, Curation, TagCount};
use chorus::ingest;
use chorus::library::Library;
use chorus::rights::RequestPlan;
use chorus::views::{self, AssetView, Browse, ContributorRow, RightsQueue};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::error::{invalid, today, CommandError, Result};

/// Ids as the engine types them.
fn asset_ids(ids: &[i64]) -> Vec<AssetId> {
    ids.iter().copied().map(AssetId).collect()
}
use crate::jobs::{IngestProgress, JobFinished, JobKind};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct LibraryInfo {
    pub root: String,
    pub assets: i64,
    pub contributors: i64,
}

fn info(lib: &Library) -> Result<LibraryInfo> {
    let conn = lib.conn();
    Ok(LibraryInfo {
        root: lib.root().display().to_string(),
        assets: catalog::count(conn, &catalog::Filter::default())?,
        contributors: conn.query_row("SELECT count(*) FROM contributors", [], |r| r.get(0))?,
    })
}

/// The library open now, if any.
#[tauri::command]
#[specta::specta]
pub async fn library_current(state: State<'_, AppState>) -> Result<Option<LibraryInfo>> {
    state.with_library_opt(|lib| lib.map(|l| info(l)).transpose())
}

/// Opens the library in this folder, making a new one if the folder has none.
#[tauri::command]
#[specta::specta]
pub async fn library_open(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<LibraryInfo> {
    let lib = api::library::open(&path)?;
    let out = info(&lib)?;
    state.set_library(lib);
    crate::collection::restart_inbox(&app);
    Ok(out)
}

/// One window of the library grid.
#[tauri::command]
#[specta::specta]
pub async fn assets_browse(
    state: State<'_, AppState>,
    query: Browse,
) -> Result<chorus::views::AssetsPage> {
    state.with_reader(|conn| Ok(api::assets::browse(conn, &query, today())?))
}

#[tauri::command]
#[specta::specta]
pub async fn tags_list(state: State<'_, AppState>) -> Result<Vec<TagCount>> {
    state.with_reader(|conn| Ok(catalog::tag_counts(conn)?))
}

#[tauri::command]
#[specta::specta]
pub async fn asset_view(state: State<'_, AppState>, id: i64) -> Result<AssetView> {
    state.with_library(|lib| Ok(api::assets::view(lib, AssetId(id), today())?))
}

#[tauri::command]
#[specta::specta]
pub async fn assets_tag(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<()> {
    state.with_library(|lib| Ok(api::assets::tag(lib, &asset_ids(&ids), &add, &remove)?))
}

#[tauri::command]
#[specta::specta]
pub async fn assets_rate(state: State<'_, AppState>, ids: Vec<i64>, rating: u8) -> Result<u8> {
    state.with_library(|lib| {
        Ok(api::assets::rate(
            lib,
            &asset_ids(&ids),
            &rating.to_string(),
        )?)
    })
}

#[tauri::command]
#[specta::specta]
pub async fn assets_curate(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    curation: Curation,
) -> Result<()> {
    state.with_library(|lib| Ok(api::assets::curate(lib, &asset_ids(&ids), curation)?))
}

/// Two near-duplicates are both wanted: they stop being paired.
#[tauri::command]
#[specta::specta]
pub async fn assets_keep_both(state: State<'_, AppState>, a: i64, b: i64) -> Result<()> {
    state.with_library(|lib| Ok(api::assets::keep_both(lib, AssetId(a), AssetId(b))?))
}

#[tauri::command]
#[specta::specta]
pub async fn contributors_list(state: State<'_, AppState>) -> Result<Vec<ContributorRow>> {
    state.with_reader(|conn| Ok(views::contributors(conn, today())?))
}

#[tauri::command]
#[specta::specta]
pub async fn rights_queue(state: State<'_, AppState>) -> Result<RightsQueue> {
    state.with_reader(|conn| Ok(views::rights_queue(conn, today())?))
}

#[tauri::command]
#[specta::specta]
pub async fn campaigns_list(state: State<'_, AppState>) -> Result<Vec<Campaign>> {
    state.with_reader(|conn| Ok(campaign::list(conn)?))
}

/// Drafts the permission requests for these assets, for this campaign's usage, and records
/// that they were asked.
#[tauri::command]
#[specta::specta]
pub async fn rights_request(
    state: State<'_, AppState>,
    asset_ids: Vec<i64>,
    campaign_id: i64,
) -> Result<RequestPlan> {
    let assets = self::asset_ids(&asset_ids);
    state.with_library(|lib| Ok(api::rights::request(lib, &assets, CampaignId(campaign_id))?))
}

#[tauri::command]
#[specta::specta]
pub async fn rights_grant(state: State<'_, AppState>, form: GrantForm) -> Result<Vec<i64>> {
    state.with_library(|lib| Ok(api::rights::grant(lib, &form)?))
}

#[tauri::command]
#[specta::specta]
pub async fn rights_deny(
    state: State<'_, AppState>,
    asset_ids: Vec<i64>,
    contributor_id: Option<i64>,
    evidence: String,
    source: String,
) -> Result<Vec<i64>> {
    let subject = Subject::of(&asset_ids, contributor_id)?;
    state.with_library(|lib| Ok(api::rights::deny(lib, &subject, &evidence, &source)?))
}

/// Withdraws permission from today; returns how many grants ended.
#[tauri::command]
#[specta::specta]
pub async fn rights_revoke(
    state: State<'_, AppState>,
    asset_ids: Vec<i64>,
    contributor_id: Option<i64>,
    reason: String,
) -> Result<u32> {
    let subject = Subject::of(&asset_ids, contributor_id)?;
    state.with_library(|lib| {
        let n = api::rights::revoke(lib, &subject, today(), &reason)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    })
}

/// Starts importing files and folders; progress arrives as `IngestProgress` events and the
/// end as `JobFinished`. Returns the job's id, for `job_cancel`.
#[tauri::command]
#[specta::specta]
pub async fn ingest_start(
    app: AppHandle,
    state: State<'_, AppState>,
    paths: Vec<String>,
    manifest: Option<String>,
    mapping: Option<Vec<api::forms::FieldColumns>>,
) -> Result<u32> {
    let opts = api::library::import_options(&paths, manifest.as_deref(), mapping.as_deref())?;
    let root = state
        .library_root()
        .ok_or_else(|| invalid("open or create a library first"))?;
    let (job, cancel) = state.jobs.start();
    std::thread::Builder::new()
        .name(format!("ingest-{job}"))
        .spawn(move || {
            let outcome = Library::open(&root)
                .map_err(CommandError::from)
                .and_then(|mut lib| {
                    ingest::run(&mut lib, &opts, &mut |p| {
                        let event = match p {
                            ingest::Progress::Started { total } => IngestProgress {
                                job,
                                done: 0,
                                total: total as u32,
                                result: None,
                            },
                            ingest::Progress::File {
                                done,
                                total,
                                result,
                            } => IngestProgress {
                                job,
                                done: done as u32,
                                total: total as u32,
                                result: Some(result.clone()),
                            },
                        };
                        let _ = event.emit(&app);
                        !cancel.load(Ordering::Relaxed)
                    })
                    .map_err(CommandError::from)
                });
            let finished = match outcome {
                Ok(summary) => JobFinished {
                    job,
                    kind: JobKind::Ingest,
                    cancelled: summary.cancelled,
                    ingest: Some(summary),
                    error: None,
                    output: None,
                    output_url_path: None,
                },
                Err(e) => JobFinished {
                    job,
                    kind: JobKind::Ingest,
                    cancelled: false,
                    ingest: None,
                    error: Some(e.message),
                    output: None,
                    output_url_path: None,
                },
            };
            let _ = finished.emit(&app);
            use tauri::Manager;
            app.state::<AppState>().jobs.finish(job);
        })
        .map_err(|e| invalid(format!("cannot start the import: {e}")))?;
    Ok(job)
}

/// Asks a running job to stop; work already done stays.
#[tauri::command]
#[specta::specta]
pub async fn job_cancel(state: State<'_, AppState>, job: u32) -> Result<bool> {
    Ok(state.jobs.cancel(job))
}

/// The base URL clips stream from: `<base>/asset/<id>` plays an asset's original,
/// `<base>/file/<path>` a preview or an export (the `/file/...` paths jobs and exports give).
/// The `<video>` player cannot read the `media://` protocol on Linux (see `media_server`).
#[tauri::command]
#[specta::specta]
pub async fn media_stream_base(state: State<'_, AppState>) -> Result<String> {
    state
        .stream_base()
        .ok_or_else(|| invalid("the media server did not start; clips cannot play"))
}
