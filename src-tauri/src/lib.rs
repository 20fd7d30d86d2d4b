//! Chorus desktop: a thin Tauri v2 shell. Commands (`commands`) validate and call the
//! engine; long jobs (`jobs`) stream progress as events; `protocol` serves the library's
//! pictures and clips to the webview and nothing outside it.

#[cfg(test)]
mod bindings_check;
pub mod campaigns;
pub mod collection;
pub mod commands;
pub mod error;
pub mod jobs;
pub mod media_server;
pub mod protocol;
pub mod state;
pub mod trust;

use std::path::PathBuf;

use tauri::Manager;

/// Every command and event the UI may use. `bindings()` writes their TypeScript.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use commands::*;
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            library_current,
            library_open,
            assets_browse,
            tags_list,
            asset_view,
            assets_tag,
            assets_rate,
            assets_curate,
            assets_keep_both,
            contributors_list,
            rights_queue,
            campaigns_list,
            campaigns::campaign_create,
            rights_request,
            rights_grant,
            rights_deny,
            rights_revoke,
            ingest_start,
            collection::form_preview,
            collection::replies_import,
            collection::replies_pending,
            collection::replies_resolve,
            collection::rights_unanswered,
            collection::rights_follow_up,
            collection::thank_yous,
            collection::thank_you_sent,
            collection::inbox_view,
            collection::inbox_set,
            job_cancel,
            media_stream_base,
            campaigns::campaigns_overview,
            campaigns::campaign_update,
            campaigns::piece_view,
            campaigns::piece_auto,
            campaigns::piece_create,
            campaigns::piece_save,
            campaigns::piece_captions_from_file,
            campaigns::beat_grid,
            campaigns::brand_view,
            campaigns::brand_set_font,
            campaigns::preview_start,
            campaigns::piece_frame,
            campaigns::piece_waveforms,
            campaigns::piece_sound,
            campaigns::piece_frames_warm,
            campaigns::export_start,
            campaigns::platforms,
            campaigns::wall_layout,
            campaigns::wall_start,
            campaigns::export_contents,
            campaigns::reveal_export,
            campaigns::open_mail,
            trust::rights_verify,
            trust::rights_evidence,
            trust::rights_evidence_open,
            trust::contributor_erase_plan,
            trust::contributor_erase,
            trust::contributor_export,
            trust::piece_repair,
            trust::rights_expiring,
        ])
        .events(tauri_specta::collect_events![
            jobs::IngestProgress,
            jobs::RenderProgress,
            jobs::JobFinished,
            collection::InboxArrival
        ])
}

/// The TypeScript the UI imports, as generated from the Rust types.
pub fn bindings() -> Result<String, String> {
    let dir = tempfile_dir()?;
    let path = dir.join("bindings.ts");
    specta_builder()
        // Ids are SQLite rowids and counts, far below 2^53: plain TypeScript numbers.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (ours serialize and deserialize alike).
        .disable_serde_phases()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust types by tauri-specta: do not edit.\n// Regenerate: make bindings\n"),
            &path,
        )
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(text)
}

fn tempfile_dir() -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("chorus-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// The library to open at start: `--library DIR`, else `CHORUS_LIBRARY`, else the
/// platform's default folder.
fn startup_library() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--library" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--library=") {
            return Some(PathBuf::from(v));
        }
    }
    std::env::var_os("CHORUS_LIBRARY")
        .map(PathBuf::from)
        .or_else(chorus::library::default_root)
}

pub fn run() {
    let builder = specta_builder();
    let app_state = state::AppState::default();
    let mut startup_error = None;
    if let Some(root) = startup_library() {
        match chorus::library::Library::open_or_create(&root) {
            Ok(lib) => app_state.set_library(lib),
            Err(e) => startup_error = Some(format!("{}: {e}", root.display())),
        }
    }
    if let Some(e) = &startup_error {
        eprintln!("chorus: could not open the library at start: {e}");
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(app_state)
        .invoke_handler(builder.invoke_handler())
        .register_asynchronous_uri_scheme_protocol("media", |ctx, request, responder| {
            let root = ctx.app_handle().state::<state::AppState>().library_root();
            let path = request.uri().path().to_string();
            let range = request
                .headers()
                .get(tauri::http::header::RANGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            // Off the main thread: files may be large and the disk slow.
            std::thread::spawn(move || {
                responder.respond(protocol::respond(root.as_deref(), &path, range.as_deref()))
            });
        })
        .setup(move |app| {
            builder.mount_events(app);
            // Scanning the system's fonts takes a moment; do it now, off the UI thread, so
            // the first preview does not wait for it.
            std::thread::spawn(chorus::render::text::warm);
            let handle = app.handle().clone();
            let server =
                media_server::start(move || handle.state::<state::AppState>().library_root())?;
            app.state::<state::AppState>().set_stream_base(server.base);
            collection::restart_inbox(app.handle());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("chorus: the desktop app could not start: {e}");
        std::process::exit(1);
    }
}
