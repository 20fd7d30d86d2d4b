//! Commands of trust: the audit chain verified, a contributor erased or given everything
//! held about them, blocked shots replaced, and what expires soon. Same engine calls as
//! the CLI.

use std::path::PathBuf;

use chorus::api::{self, ContributorId, PieceId};
use tauri::{AppHandle, Manager, State};

use crate::error::{today, Result};
use crate::state::AppState;

/// The audit chain walked and every grant compared with its events.
#[tauri::command]
#[specta::specta]
pub async fn rights_verify(
    state: State<'_, AppState>,
) -> Result<chorus::rights::ledger::Verification> {
    state.with_library(|lib| Ok(api::rights::verify(lib)?))
}

/// A grant's evidence as it was received, to read in place.
#[tauri::command]
#[specta::specta]
pub async fn rights_evidence(
    state: State<'_, AppState>,
    grant_id: i64,
) -> Result<chorus::rights::evidence::EvidenceView> {
    state.with_library(|lib| Ok(api::rights::evidence_of(lib, grant_id)?))
}

/// Opens a grant's evidence file (a signed release PDF) in the system's viewer, from a
/// copy in the library's temporary folder: the stored original is never handed out.
#[tauri::command]
#[specta::specta]
pub async fn rights_evidence_open(state: State<'_, AppState>, grant_id: i64) -> Result<()> {
    let copy = state.with_library(|lib| {
        let dir = lib.store().tmp_dir();
        Ok(api::rights::evidence_copy(lib, grant_id, &dir)?)
    })?;
    tauri_plugin_opener::open_path(&copy, None::<&str>)
        .map_err(|e| crate::error::invalid(format!("no program opens {}: {e}", copy.display())))
}

/// What erasing a contributor would take, for the confirmation.
#[tauri::command]
#[specta::specta]
pub async fn contributor_erase_plan(
    state: State<'_, AppState>,
    contributor_id: i64,
) -> Result<chorus::privacy::ErasurePlan> {
    state.with_library(|lib| {
        Ok(api::privacy::erase_plan(
            lib,
            ContributorId(contributor_id),
        )?)
    })
}

/// Erases a contributor (after the window's confirmation).
#[tauri::command]
#[specta::specta]
pub async fn contributor_erase(
    state: State<'_, AppState>,
    contributor_id: i64,
) -> Result<chorus::privacy::Erasure> {
    state.with_library(|lib| Ok(api::privacy::erase(lib, ContributorId(contributor_id))?))
}

/// Writes everything held about a contributor into a folder (`out`, else the Downloads
/// folder); returns the folder.
#[tauri::command]
#[specta::specta]
pub async fn contributor_export(
    app: AppHandle,
    state: State<'_, AppState>,
    contributor_id: i64,
    out: Option<String>,
) -> Result<String> {
    let out = match out.map(|o| o.trim().to_string()).filter(|o| !o.is_empty()) {
        Some(o) => PathBuf::from(o),
        None => app
            .path()
            .download_dir()
            .or_else(|_| app.path().home_dir())
            .unwrap_or_else(|_| std::env::temp_dir()),
    };
    state.with_library(|lib| {
        let folder = api::privacy::export(lib, ContributorId(contributor_id), &out)?;
        Ok(folder.to_string_lossy().to_string())
    })
}

/// Replaces a piece's blocked shots and saves a new version (or says what is missing).
#[tauri::command]
#[specta::specta]
pub async fn piece_repair(state: State<'_, AppState>, id: i64) -> Result<api::pieces::Repair> {
    state.with_library(|lib| Ok(api::pieces::repair(lib, PieceId(id))?))
}

/// Grants that end within 30 days, or before a campaign that uses them does.
#[tauri::command]
#[specta::specta]
pub async fn rights_expiring(state: State<'_, AppState>) -> Result<Vec<chorus::rights::DueGrant>> {
    state.with_reader(|conn| Ok(chorus::rights::due(conn, 30, today())?))
}
