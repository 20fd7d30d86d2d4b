//! Inbox folders: files that appear in them are imported without anyone pressing Import.
//! They are often folders a sync client fills (Google Drive, Dropbox, OneDrive desktop
//! folders), so a file is taken only once it has stopped changing for `settle`, the
//! clients' temporary and partial files are ignored, and a form export that appears or
//! changes is read and its rows linked to the files already in, and to those still to come.
//!
//! What was taken is kept in the catalog (`inbox_files`, by path, size and modification
//! time), so stopping and starting again never imports a file twice; a file changed in
//! place is taken again (as the new content it is).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::params;
use walkdir::WalkDir;

use crate::ingest::{self, FileResult, IngestError, Progress};
use crate::library::Library;
use crate::manifest::{columns, sheet};

/// The settings key for a library's inbox folders (full paths, separated by `|`).
pub const SETTING: &str = "inbox_folders";

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("the inbox folder {path} is not a folder Chorus can watch: {why}")]
    Folder { path: PathBuf, why: String },
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("catalog error in the inbox: {0}")]
    Db(#[from] rusqlite::Error),
}

#[derive(Clone, Copy, Debug)]
pub struct InboxOptions {
    /// How long a file must keep its size and time before it is taken.
    pub settle: Duration,
    /// How often the folders are looked at again even without a change event (network
    /// and sync folders do not always send them).
    pub rescan: Duration,
}

impl Default for InboxOptions {
    fn default() -> InboxOptions {
        InboxOptions {
            settle: Duration::from_secs(3),
            rescan: Duration::from_secs(2),
        }
    }
}

/// What a pass did, as it happens.
pub enum InboxEvent<'a> {
    /// A file was imported (or found to be a copy of one in the library).
    Imported(&'a FileResult),
    /// A form export was read and its rows linked to the files in.
    FormRead { path: &'a Path, files: usize },
}

/// The inbox folders from a `|`-separated setting, checked: full paths of folders.
pub fn parse_folders(value: &str) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for part in value.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(part);
        if !path.is_absolute() {
            return Err(format!(
                "'{part}' is not a full path; give the folder's whole path"
            ));
        }
        if !path.is_dir() {
            return Err(format!("'{part}' is not a folder that exists"));
        }
        if !out.contains(&path) {
            out.push(path);
        }
    }
    Ok(out)
}

/// The library's inbox folders (none when the setting is unset). A stored value that is no
/// longer valid (a folder removed, an edit by hand) is an error that names it.
pub fn folders(lib: &Library) -> Result<Vec<PathBuf>, crate::library::LibraryError> {
    match lib.setting(SETTING)? {
        None => Ok(Vec::new()),
        Some(v) => parse_folders(&v).map_err(|why| {
            crate::library::LibraryError::Invalid(format!(
                "setting {SETTING} = '{v}' is not valid: {why}; change it with `chorus settings set {SETTING} FOLDER|FOLDER`"
            ))
        }),
    }
}

/// The files sync clients write while a transfer is under way, and their litter. They are
/// never submissions, and the finished file appears under its own name.
pub fn is_partial(name: &str) -> bool {
    let lower = name.to_lowercase();
    const ENDINGS: &[&str] = &[
        ".tmp",
        ".temp",
        ".part",
        ".partial",
        ".crdownload",
        ".download",
        ".downloading",
        ".opdownload",
        ".!sync",
        ".!qb",
        ".filepart",
        ".gdownload",
        "~",
    ];
    lower.starts_with('.')
        || lower.starts_with("~$")
        || lower.starts_with(".~lock")
        || lower.starts_with(".syncthing.")
        || ENDINGS.iter().any(|e| lower.ends_with(e))
        || matches!(
            lower.as_str(),
            "desktop.ini" | "thumbs.db" | "icon\r" | "__macosx" | "$recycle.bin"
        )
}

fn is_form_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".csv", ".tsv", ".xlsx", ".xls", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// A file as last seen: its size and modification time (nanoseconds since the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified: i128,
}

fn stamp_of(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    Some(Stamp {
        size: meta.len(),
        modified,
    })
}

pub struct Inbox {
    roots: Vec<PathBuf>,
    /// Files still changing or not yet settled: their stamp and since when it held.
    pending: HashMap<PathBuf, (Stamp, Instant)>,
}

impl Inbox {
    pub fn new(roots: Vec<PathBuf>) -> Result<Inbox, InboxError> {
        for r in &roots {
            if !r.is_dir() {
                return Err(InboxError::Folder {
                    path: r.clone(),
                    why: "it does not exist or is not a folder".into(),
                });
            }
        }
        Ok(Inbox {
            roots,
            pending: HashMap::new(),
        })
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Files seen but not yet settled (still being written, or waiting out `settle`).
    pub fn waiting(&self) -> usize {
        self.pending.len()
    }

    /// Looks at every inbox folder once: files that have settled and were not taken in
    /// their current state are imported (with their folder's form export, if it has one);
    /// a form that settled links its rows. Returns how many files were taken.
    pub fn pass(
        &mut self,
        lib: &mut Library,
        options: &InboxOptions,
        on_event: &mut dyn FnMut(InboxEvent),
    ) -> Result<usize, InboxError> {
        let mut taken = 0;
        // What was taken, read once per pass: the folders are looked at every few seconds
        // and may hold thousands of files.
        let mut known = taken_files(lib)?;
        for root in self.roots.clone() {
            let mut ready_files: Vec<(PathBuf, Stamp)> = Vec::new();
            let mut ready_forms: Vec<(PathBuf, Stamp)> = Vec::new();
            let walker = WalkDir::new(&root)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_partial(&e.file_name().to_string_lossy()));
            for entry in walker.filter_map(Result::ok) {
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path().to_path_buf();
                let Some(stamp) = stamp_of(&path) else {
                    continue;
                };
                if known.get(&key(&path)).is_some_and(|t| t.stamp == stamp) {
                    self.pending.remove(&path);
                    continue;
                }
                let now = Instant::now();
                let settled = match self.pending.get(&path) {
                    Some((seen, since)) if *seen == stamp => {
                        now.duration_since(*since) >= options.settle
                    }
                    _ => {
                        self.pending.insert(path.clone(), (stamp, now));
                        false
                    }
                };
                // An empty file is a transfer that has not begun.
                if !settled || stamp.size == 0 {
                    continue;
                }
                self.pending.remove(&path);
                let name = entry.file_name().to_string_lossy().to_string();
                if is_form_name(&name) && is_form(lib, &path) {
                    ready_forms.push((path, stamp));
                } else {
                    ready_files.push((path, stamp));
                }
            }
            if ready_forms.is_empty() && ready_files.is_empty() {
                continue;
            }
            for (form, stamp) in &ready_forms {
                mark_done(lib, &mut known, form, *stamp, Kind::Form)?;
            }
            let form = current_form(&known, &root);
            if let (Some(form), false) = (&form, ready_forms.is_empty()) {
                // Files already in get the form's contributors now.
                let earlier = taken_under(&known, &root, Kind::File);
                if !earlier.is_empty() {
                    self.import(lib, earlier.clone(), Some(form.as_path()), on_event)?;
                }
                on_event(InboxEvent::FormRead {
                    path: form,
                    files: earlier.len(),
                });
            }
            if !ready_files.is_empty() {
                let paths: Vec<PathBuf> = ready_files.iter().map(|(p, _)| p.clone()).collect();
                taken += self.import(lib, paths, form.as_deref(), on_event)?;
                for (path, stamp) in &ready_files {
                    mark_done(lib, &mut known, path, *stamp, Kind::File)?;
                }
            }
        }
        Ok(taken)
    }

    fn import(
        &self,
        lib: &mut Library,
        files: Vec<PathBuf>,
        form: Option<&Path>,
        on_event: &mut dyn FnMut(InboxEvent),
    ) -> Result<usize, InboxError> {
        let mut opts = ingest::Options::new(files);
        opts.manifest = form.map(Path::to_path_buf);
        // Rows whose files are still to come are not missing yet.
        opts.report_missing = false;
        let mut n = 0;
        ingest::run(lib, &opts, &mut |p| {
            if let Progress::File { result, .. } = p {
                n += 1;
                on_event(InboxEvent::Imported(result));
            }
            true
        })?;
        Ok(n)
    }
}

/// Whether a spreadsheet or CSV is a form export: Chorus can read a column of it as files.
fn is_form(lib: &Library, path: &Path) -> bool {
    let Ok(sheet) = sheet::read(path) else {
        return false;
    };
    let mapping = columns::remembered(lib.conn(), &sheet.headers)
        .ok()
        .flatten()
        .unwrap_or_else(|| columns::propose(&sheet.headers));
    !mapping.columns(crate::manifest::Field::Files).is_empty()
}

fn key(path: &Path) -> String {
    path.display().to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Form,
}

struct Taken {
    kind: Kind,
    stamp: Stamp,
}

/// Every file taken from any inbox folder, by path, as it was when taken.
fn taken_files(lib: &Library) -> Result<HashMap<String, Taken>, InboxError> {
    let mut stmt = lib
        .conn()
        .prepare("SELECT path, kind, size, modified FROM inbox_files")?;
    let rows = stmt
        .query_map([], |r| {
            let kind: String = r.get(1)?;
            let modified: String = r.get(3)?;
            Ok((
                r.get::<_, String>(0)?,
                Taken {
                    kind: if kind == "form" {
                        Kind::Form
                    } else {
                        Kind::File
                    },
                    stamp: Stamp {
                        size: r.get::<_, i64>(2)? as u64,
                        // A value edited by hand reads as "changed": the file is taken again,
                        // which content hashing turns into a duplicate, never a second asset.
                        modified: modified.parse().unwrap_or(-1),
                    },
                },
            ))
        })?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(rows)
}

fn mark_done(
    lib: &Library,
    known: &mut HashMap<String, Taken>,
    path: &Path,
    stamp: Stamp,
    kind: Kind,
) -> Result<(), InboxError> {
    lib.conn().execute(
        "INSERT INTO inbox_files (path, kind, size, modified, taken_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, size = excluded.size,
             modified = excluded.modified, taken_at = excluded.taken_at",
        params![
            key(path),
            if kind == Kind::Form { "form" } else { "file" },
            stamp.size as i64,
            stamp.modified.to_string(),
            crate::library::now()
        ],
    )?;
    known.insert(key(path), Taken { kind, stamp });
    Ok(())
}

/// What was taken from this folder and is still there, in path order.
fn taken_under(known: &HashMap<String, Taken>, root: &Path, kind: Kind) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = known
        .iter()
        .filter(|(_, t)| t.kind == kind)
        .map(|(p, _)| PathBuf::from(p))
        .filter(|p| p.starts_with(root) && p.exists())
        .collect();
    paths.sort();
    paths
}

/// The newest form export taken in this folder, if it is still there.
fn current_form(known: &HashMap<String, Taken>, root: &Path) -> Option<PathBuf> {
    taken_under(known, root, Kind::Form)
        .into_iter()
        .max_by_key(|p| stamp_of(p).map_or(0, |s| s.modified))
}

/// Watches the folders until `stop` is set: a pass whenever the file system reports a
/// change, and every `rescan` anyway. Events come from `notify`; where it cannot watch
/// (a network share, too many folders), the rescans still find everything.
pub fn watch(
    lib: &mut Library,
    inbox: &mut Inbox,
    options: &InboxOptions,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(InboxEvent),
) -> Result<(), InboxError> {
    use notify::Watcher;
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).ok();
    if let Some(w) = watcher.as_mut() {
        for root in inbox.roots() {
            // A folder that cannot be watched is still rescanned.
            let _ = w.watch(root, notify::RecursiveMode::Recursive);
        }
    }
    while !stop.load(Ordering::Relaxed) {
        inbox.pass(lib, options, on_event)?;
        // Wake early on a change; settling files need a look at least every `settle`.
        let wait = options
            .rescan
            .min(options.settle.max(Duration::from_millis(100)));
        let _ = rx.recv_timeout(wait);
        while rx.try_recv().is_ok() {}
    }
    Ok(())
}
