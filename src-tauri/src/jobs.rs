//! Long jobs (import now; render and export next) run on their own threads, report
//! progress as events and stop when the UI cancels them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chorus::ingest::{FileResult, Summary};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Ingest,
    /// A quick low-resolution render to watch in the editor.
    Preview,
    /// The finished files of a piece, with credits, rights report and manifest.
    Export,
}

/// How far a render or export is, and how long it should still take.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct RenderProgress {
    pub job: u32,
    pub kind: JobKind,
    pub piece_id: i64,
    /// 0 to 1.
    pub fraction: f64,
    /// Estimated from the pace so far; absent until there is a pace to go by.
    pub eta_ms: Option<u64>,
}

/// One file's result during an import (`result` is absent on the first event, which only
/// says how many files the walk found).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct IngestProgress {
    pub job: u32,
    pub done: u32,
    pub total: u32,
    pub result: Option<FileResult>,
}

/// A job ended: finished, cancelled, or failed as a whole (`error`).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct JobFinished {
    pub job: u32,
    pub kind: JobKind,
    pub cancelled: bool,
    pub ingest: Option<Summary>,
    pub error: Option<String>,
    /// A render's file or an export's folder (absolute path).
    pub output: Option<String>,
    /// For previews: the URL path under the media stream base (`/file/...`).
    pub output_url_path: Option<String>,
}

#[derive(Default)]
pub struct Jobs {
    next: AtomicU32,
    running: Mutex<HashMap<u32, Arc<AtomicBool>>>,
}

impl Jobs {
    /// Registers a job; returns its id and the flag it must poll.
    pub fn start(&self) -> (u32, Arc<AtomicBool>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut map) = self.running.lock() {
            map.insert(id, flag.clone());
        }
        (id, flag)
    }

    pub fn cancel(&self, id: u32) -> bool {
        match self.running.lock().ok().and_then(|m| m.get(&id).cloned()) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    pub fn finish(&self, id: u32) {
        if let Ok(mut map) = self.running.lock() {
            map.remove(&id);
        }
    }
}
