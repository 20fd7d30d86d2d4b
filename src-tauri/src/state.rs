//! What the app holds: the open library and the running jobs.

use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use chorus::library::Library;
use chorus::rusqlite::Connection;

use crate::error::CommandError;
use crate::jobs::Jobs;

#[derive(Default)]
pub struct AppState {
    library: Mutex<Option<Library>>,
    /// The open library's folder, readable without waiting for the catalog (the media
    /// protocol serves files while a command writes).
    root: RwLock<Option<PathBuf>>,
    pub jobs: Jobs,
    /// Where the loopback media server streams clips (see `media_server`).
    stream_base: RwLock<Option<String>>,
    /// The thread watching the library's inbox folders.
    pub inbox: crate::collection::InboxWatch,
    /// What the timeline's frames keep between calls (the brand kit, cards, fitted photos).
    pub scrub: Mutex<chorus::render::scrub::Scrubber>,
}

fn no_library() -> CommandError {
    CommandError {
        kind: chorus::api::ErrorKind::NotFound,
        message: "no library is open: open or create one first".into(),
    }
}

impl AppState {
    pub fn set_library(&self, lib: Library) {
        if let Ok(mut root) = self.root.write() {
            *root = Some(lib.root().to_path_buf());
        }
        if let Ok(mut slot) = self.library.lock() {
            *slot = Some(lib);
        }
    }

    pub fn set_stream_base(&self, base: String) {
        if let Ok(mut b) = self.stream_base.write() {
            *b = Some(base);
        }
    }

    pub fn stream_base(&self) -> Option<String> {
        self.stream_base.read().ok().and_then(|b| b.clone())
    }

    pub fn library_root(&self) -> Option<PathBuf> {
        self.root.read().ok().and_then(|r| r.clone())
    }

    pub fn with_library_opt<T>(
        &self,
        f: impl FnOnce(Option<&mut Library>) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        let mut slot = self.library.lock().map_err(|_| no_library())?;
        f(slot.as_mut())
    }

    pub fn with_library<T>(
        &self,
        f: impl FnOnce(&mut Library) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        self.with_library_opt(|lib| f(lib.ok_or_else(no_library)?))
    }

    /// Reads on the library's own connection; WAL lets imports write meanwhile.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        self.with_library(|lib| f(lib.conn()))
    }
}
