//! Commands of collection: reading a form export's columns before an import, replies by
//! e-mail, follow-ups, thank-yous, and the inbox folders (watched on a thread of their own,
//! whose arrivals reach the window as `InboxArrival` events).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chorus::api::{self, forms::FieldColumns};
use chorus::inbox::{self, Inbox, InboxEvent, InboxOptions};
use chorus::ingest::FileResult;
use chorus::library::Library;
use chorus::views::{self, Arrival};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::error::{today, Result};
use crate::state::AppState;

/// How an import would read this form export's columns (remembered, else proposed, or
/// `mapping` as the person changed it), with its first rows so read.
#[tauri::command]
#[specta::specta]
pub async fn form_preview(
    state: State<'_, AppState>,
    path: String,
    mapping: Option<Vec<FieldColumns>>,
) -> Result<api::forms::FormPreview> {
    state.with_library(|lib| {
        Ok(api::forms::preview(
            lib,
            Path::new(path.trim()),
            mapping.as_deref(),
            None,
        )?)
    })
}

/// Imports replies: `.eml` messages, `.mbox` archives or a CSV export.
#[tauri::command]
#[specta::specta]
pub async fn replies_import(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> Result<Vec<api::rights::ReplyView>> {
    state.with_library(|lib| {
        let replies = api::rights::import_replies(lib, &paths)?;
        Ok(replies.iter().map(api::rights::ReplyView::from).collect())
    })
}

/// Replies waiting for a person.
#[tauri::command]
#[specta::specta]
pub async fn replies_pending(
    state: State<'_, AppState>,
) -> Result<Vec<chorus::rights::PendingReply>> {
    state.with_library(|lib| Ok(api::rights::pending_replies(lib)?))
}

/// Takes a waiting reply off the queue once a person has dealt with it.
#[tauri::command]
#[specta::specta]
pub async fn replies_resolve(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.with_library(|lib| Ok(api::rights::resolve_pending_reply(lib, id)?))
}

/// Requests unanswered after the library's `follow_up_days`.
#[tauri::command]
#[specta::specta]
pub async fn rights_unanswered(
    state: State<'_, AppState>,
) -> Result<Vec<chorus::rights::Unanswered>> {
    state.with_library(|lib| Ok(api::rights::unanswered(lib, today())?))
}

/// Drafts and records the one follow-up each waiting contributor may get.
#[tauri::command]
#[specta::specta]
pub async fn rights_follow_up(state: State<'_, AppState>) -> Result<Vec<chorus::rights::Draft>> {
    state.with_library(|lib| Ok(api::rights::follow_up(lib, today())?))
}

/// Thank-yous for exported pieces: one contributor's (what they were featured in), or all.
#[tauri::command]
#[specta::specta]
pub async fn thank_yous(
    state: State<'_, AppState>,
    contributor_id: Option<i64>,
) -> Result<Vec<chorus::thanks::ThankYou>> {
    state.with_library(|lib| Ok(api::rights::thank_yous(lib, contributor_id)?))
}

/// Records that a thank-you was sent.
#[tauri::command]
#[specta::specta]
pub async fn thank_you_sent(
    state: State<'_, AppState>,
    id: i64,
) -> Result<chorus::thanks::ThankYou> {
    state.with_library(|lib| Ok(api::rights::thank_you_sent(lib, id)?))
}

/// The inbox folders and the latest submissions.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct InboxView {
    pub folders: Vec<String>,
    /// Whether the folders are being watched now.
    pub watching: bool,
    pub arrivals: Vec<Arrival>,
}

#[tauri::command]
#[specta::specta]
pub async fn inbox_view(state: State<'_, AppState>) -> Result<InboxView> {
    let watching = state.inbox.is_watching();
    state.with_library(|lib| {
        Ok(InboxView {
            folders: inbox::folders(lib)?
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
            watching,
            arrivals: views::recent_arrivals(lib.conn(), today(), 100)?,
        })
    })
}

/// Sets the library's inbox folders (full paths of folders) and watches them from now on.
#[tauri::command]
#[specta::specta]
pub async fn inbox_set(
    app: AppHandle,
    state: State<'_, AppState>,
    folders: Vec<String>,
) -> Result<InboxView> {
    let value = folders
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join("|");
    state.with_library(|lib| {
        if value.is_empty() {
            lib.conn()
                .execute("DELETE FROM settings WHERE key = ?", [inbox::SETTING])?;
            Ok(())
        } else {
            Ok(api::settings::set(lib, inbox::SETTING, &value)?)
        }
    })?;
    restart_inbox(&app);
    inbox_view(state).await
}

/// A file taken from an inbox folder.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct InboxArrival {
    pub result: FileResult,
}

/// The thread watching the open library's inbox folders.
#[derive(Default)]
pub struct InboxWatch {
    running: Mutex<Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>>,
}

impl InboxWatch {
    pub fn is_watching(&self) -> bool {
        self.running
            .lock()
            .map(|r| r.as_ref().is_some_and(|(_, h)| !h.is_finished()))
            .unwrap_or(false)
    }

    fn stop(&self) {
        if let Ok(mut r) = self.running.lock() {
            if let Some((stop, handle)) = r.take() {
                stop.store(true, Ordering::Relaxed);
                let _ = handle.join();
            }
        }
    }
}

/// Stops watching, then watches the open library's inbox folders (if it has any) on a
/// thread with its own connection, so imports go on while the person works.
pub fn restart_inbox(app: &AppHandle) {
    let state = app.state::<AppState>();
    state.inbox.stop();
    let Some(root) = state.library_root() else {
        return;
    };
    let stop = Arc::new(AtomicBool::new(false));
    let handle = app.clone();
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("inbox".into())
        .spawn(move || {
            if let Err(e) = watch(&handle, &root, &flag) {
                eprintln!("chorus: the inbox stopped: {e}");
            }
        });
    let Ok(thread) = thread else { return };
    if let Ok(mut running) = state.inbox.running.lock() {
        *running = Some((stop, thread));
    };
}

fn watch(app: &AppHandle, root: &Path, stop: &AtomicBool) -> std::result::Result<(), String> {
    let mut lib = Library::open(root).map_err(|e| e.to_string())?;
    let folders = inbox::folders(&lib).map_err(|e| e.to_string())?;
    if folders.is_empty() {
        return Ok(());
    }
    let mut inbox = Inbox::new(folders).map_err(|e| e.to_string())?;
    let options = InboxOptions::default();
    inbox::watch(&mut lib, &mut inbox, &options, stop, &mut |e| {
        if let InboxEvent::Imported(result) = e {
            let _ = InboxArrival {
                result: result.clone(),
            }
            .emit(app);
        }
    })
    .map_err(|e| e.to_string())
}
