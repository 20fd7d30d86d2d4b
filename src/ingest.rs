//! Importing a batch of submissions: walk the folders, copy each file into the store,
//! catalog it, link it to its contributor. Every file gets exactly one result, and one bad
//! file never stops the run.
//!
//! Workers (one per core) copy, hash, probe and make thumbnails; the calling thread is the
//! only catalog writer and commits one transaction per file, so a killed import leaves
//! whole files catalogued or not at all, and running it again picks up the rest.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::catalog;
use crate::library::{self, Library, LibraryError, PutOutcome, Store, Stored};
use crate::manifest::{columns, sheet, uploads, FileMatch, Manifest, ManifestError, Mapping, Row};
use crate::media::{self, Limits, MediaError, MediaInfo, Sniffed};
use crate::rights::FormTerms;

/// Hamming distance between perceptual hashes at or under which two pictures are flagged
/// as near-duplicates. Resized or re-encoded copies measure 0–4; different shots 15+.
const NEAR_DUPLICATE_DISTANCE: u32 = 6;
const THUMB_QUALITY: u8 = 82;
/// The rendition shown in place of a HEIC/AVIF/TIFF original: viewed full-screen.
const DISPLAY_QUALITY: u8 = 88;
/// The most worker threads an ingest runs, whatever it is asked for: each holds a catalog
/// reader and a decoder, and more than this only contends for the disk.
pub const MAX_WORKERS: usize = 64;

/// How far workers may run ahead of the catalog writer, in files.
const REORDER_WINDOW: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}; check the path")]
    Root {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("catalog error while importing: {0}")]
    Db(#[from] rusqlite::Error),
    #[error(
        "an import worker crashed; the files catalogued so far are kept, run the import again"
    )]
    WorkerPanicked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Status {
    Ingested,
    Duplicate,
    NearDuplicate,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ingested => "ingested",
            Status::Duplicate => "duplicate",
            Status::NearDuplicate => "near_duplicate",
            Status::Error => "error",
        }
    }
}

/// The one result each file gets. Field names are a stable JSON interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileResult {
    pub path: String,
    pub status: Status,
    pub asset_id: Option<i64>,
    pub duplicate_of: Option<i64>,
    pub error_kind: Option<String>,
    pub error: Option<String>,
    /// A warning about a file that was imported: the form names it but Chorus could not
    /// tell whose it is, so it was linked to nobody.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Summary {
    pub run_id: i64,
    pub files: usize,
    pub ingested: usize,
    pub duplicate: usize,
    pub near_duplicate: usize,
    pub error: usize,
    pub skipped_hidden: usize,
    pub cancelled: bool,
}

pub enum Progress<'a> {
    /// The walk is done; `total` results will follow, and then one for each form-export
    /// row whose file was not found (`File.total` grows to include them).
    Started { total: usize },
    File {
        done: usize,
        total: usize,
        result: &'a FileResult,
    },
}

#[derive(Clone, Debug)]
pub struct Options {
    pub roots: Vec<PathBuf>,
    pub manifest: Option<PathBuf>,
    /// How to read the form's columns; `None` uses the reading remembered for a form with
    /// the same headers, else Chorus's proposal. The one used is remembered.
    pub mapping: Option<Mapping>,
    /// Whether form rows whose file was not found are reported as missing (an inbox
    /// expects them later, so it does not).
    pub report_missing: bool,
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
}

impl Options {
    pub fn new(roots: Vec<PathBuf>) -> Options {
        Options {
            roots,
            manifest: None,
            mapping: None,
            report_missing: true,
            limits: Limits::default(),
            workers: 0,
        }
    }
}

/// A file found by the walk.
struct Job {
    /// What the user sees: the path as found under the root they gave.
    path: PathBuf,
    /// Path relative to its root, for matching the form export.
    relative: String,
}

enum Outcome {
    Ready {
        stored: Stored,
        info: Box<MediaInfo>,
        phash: u64,
    },
    Known {
        id: i64,
    },
    Failed {
        kind: &'static str,
        message: String,
    },
}

/// Imports files and folders into the library. `on_progress` is called on this thread for
/// every result; returning `false` cancels (files already catalogued stay).
pub fn run(
    lib: &mut Library,
    opts: &Options,
    on_progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<Summary, IngestError> {
    let rights_settings = crate::rights::RightsSettings::load(lib)?;
    let form = match &opts.manifest {
        Some(path) => Some(read_form(
            lib,
            path,
            opts.mapping.as_ref(),
            rights_settings.adult_age,
        )?),
        None => None,
    };
    let manifest = form.as_ref().map(|f| &f.manifest);
    let mut skip: HashSet<PathBuf> = HashSet::new();
    if let Some(m) = &manifest {
        skip.extend(fs::canonicalize(&m.path).ok());
    }
    skip.extend(fs::canonicalize(lib.root()).ok());
    let walk = walk(&opts.roots, &skip)?;
    let run_id = start_run(lib.conn(), opts)?;
    let total = walk.jobs.len() + walk.failures.len();
    let mut summary = Summary {
        run_id,
        skipped_hidden: walk.skipped_hidden,
        ..Summary::default()
    };
    let mut cancelled = !on_progress(Progress::Started { total });
    let mut done = 0usize;
    let mut state = RunState {
        run_id,
        manifest,
        form_matches: manifest.map_or_else(Vec::new, |m| {
            let files: Vec<(&str, &Path)> = walk
                .jobs
                .iter()
                .map(|j| (j.relative.as_str(), j.path.as_path()))
                .collect();
            m.match_files(&files)
        }),
        used_rows: HashSet::new(),
        near_index: load_phashes(lib.conn())?,
        form_terms: rights_settings.form,
    };

    let mut emit = |result: FileResult, summary: &mut Summary, done: &mut usize| -> bool {
        *done += 1;
        summary.files += 1;
        match result.status {
            Status::Ingested => summary.ingested += 1,
            Status::Duplicate => summary.duplicate += 1,
            Status::NearDuplicate => summary.near_duplicate += 1,
            Status::Error => summary.error += 1,
        }
        on_progress(Progress::File {
            done: *done,
            // Form rows whose file never turned up are reported after the walk's files.
            total: total.max(*done),
            result: &result,
        })
    };

    for (path, kind, message) in walk.failures {
        let result = failed(path.display().to_string(), kind, message);
        let tx = lib.conn_mut().transaction()?;
        insert_result(&tx, run_id, &result)?;
        tx.commit()?;
        if !cancelled && !emit(result, &mut summary, &mut done) {
            cancelled = true;
        }
    }

    let workers = if opts.workers == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.workers
    }
    .clamp(1, MAX_WORKERS);
    let store = lib.store();
    let next = AtomicUsize::new(0);
    let committed = AtomicUsize::new(0);
    let stop = AtomicBool::new(cancelled);
    let jobs = &walk.jobs;
    // A reader connection per worker: WAL lets it see commits without blocking the writer.
    // Without one a worker still works; the writer catches duplicates anyway.
    let readers: Vec<Option<Connection>> = (0..workers).map(|_| lib.reader().ok()).collect();
    let (tx_out, rx) = mpsc::sync_channel::<(usize, Outcome)>(workers * 2);

    let outcome: Result<(), IngestError> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for reader in readers {
            let tx_out = tx_out.clone();
            let (store, next, stop, limits, committed) =
                (&store, &next, &stop, &opts.limits, &committed);
            handles.push(scope.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    // Stay within a window of the writer, so the reorder buffer (and memory)
                    // stays bounded behind one slow file.
                    while i >= committed.load(Ordering::Relaxed) + REORDER_WINDOW
                        && !stop.load(Ordering::Relaxed)
                    {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    // A bug in a decoder must cost one file, not the import.
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        process(&job.path, store, limits, reader.as_ref())
                    }))
                    .unwrap_or_else(|_| Outcome::Failed {
                        kind: "internal",
                        message: "Chorus failed while reading this file (an internal error; please report it with the file); the file was skipped".into(),
                    });
                    if tx_out.send((i, outcome)).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(tx_out);

        let mut result = Ok(());
        // Outcomes are catalogued in walk order, whatever order workers finish in, so
        // the first of two identical files is always the one kept, and output is stable.
        let mut pending: BTreeMap<usize, Outcome> = BTreeMap::new();
        'receive: for (i, outcome) in rx.iter() {
            pending.insert(i, outcome);
            while let Some(outcome) = pending.remove(&committed.load(Ordering::Relaxed)) {
                let index = committed.load(Ordering::Relaxed);
                let recorded = record(lib, &mut state, index, &jobs[index], outcome);
                committed.fetch_add(1, Ordering::Relaxed);
                match recorded {
                    Ok(file_result) => {
                        if !cancelled && !emit(file_result, &mut summary, &mut done) {
                            cancelled = true;
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        result = Err(e);
                        stop.store(true, Ordering::Relaxed);
                        break 'receive;
                    }
                }
            }
        }
        // Unblock workers waiting to send, then wait for them.
        drop(rx);
        for h in handles {
            if h.join().is_err() && result.is_ok() {
                result = Err(IngestError::WorkerPanicked);
            }
        }
        result
    });
    outcome?;

    if let (Some(form), false) = (&form, cancelled) {
        columns::remember(lib.conn(), &form.headers, &form.mapping)?;
        let m = &form.manifest;
        for (idx, row) in m.rows.iter().enumerate() {
            if state.used_rows.contains(&idx) || !opts.report_missing {
                continue;
            }
            let who = row
                .name
                .as_deref()
                .or(row.handle.as_deref())
                .unwrap_or("the contributor");
            let message = if uploads::is_nameless_link(&row.file) {
                format!(
                    "the form export {} (line {}) gives a link with no file name, and no imported file is named \"… - {who}\" as Google Drive's download names it; download the form's upload folder from Drive into the imported folder and import again, or link the file by hand",
                    m.path.display(),
                    row.line,
                )
            } else {
                format!(
                    "listed in the form export {} (line {}) but no such file was found in the imported folders; ask {who} to send it again",
                    m.path.display(),
                    row.line,
                )
            };
            let result = failed(row.file.clone(), "missing", message);
            let tx = lib.conn_mut().transaction()?;
            insert_result(&tx, run_id, &result)?;
            tx.commit()?;
            emit(result, &mut summary, &mut done);
        }
    }

    summary.cancelled = cancelled;
    lib.conn().execute(
        "UPDATE ingest_runs SET finished_at = ?1, status = ?2 WHERE id = ?3",
        params![
            library::now(),
            if cancelled { "cancelled" } else { "finished" },
            run_id
        ],
    )?;
    Ok(summary)
}

fn failed(path: String, kind: &str, message: String) -> FileResult {
    FileResult {
        path,
        status: Status::Error,
        asset_id: None,
        duplicate_of: None,
        error_kind: Some(kind.to_string()),
        error: Some(message),
        note: None,
    }
}

struct Walk {
    jobs: Vec<Job>,
    failures: Vec<(PathBuf, &'static str, String)>,
    skipped_hidden: usize,
}

/// Hidden files and the litter operating systems leave in folders are not submissions.
fn is_hidden_or_system(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "Thumbs.db"
                | "desktop.ini"
                | "__MACOSX"
                | "$RECYCLE.BIN"
                | "System Volume Information"
                | "Icon\r"
        )
}

fn walk(roots: &[PathBuf], skip: &HashSet<PathBuf>) -> Result<Walk, IngestError> {
    let mut out = Walk {
        jobs: Vec::new(),
        failures: Vec::new(),
        skipped_hidden: 0,
    };
    let mut canonical_roots = Vec::new();
    for root in roots {
        let canonical = fs::canonicalize(root).map_err(|source| IngestError::Root {
            path: root.clone(),
            source,
        })?;
        canonical_roots.push(canonical);
    }
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for root in roots {
        let mut hidden = 0usize;
        let walker = WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if is_hidden_or_system(&e.file_name().to_string_lossy()) {
                    hidden += 1;
                    return false;
                }
                !fs::canonicalize(e.path()).is_ok_and(|c| skip.contains(&c))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    let message = match e.io_error() {
                        Some(io) => format!(
                            "unreadable: cannot read this folder ({io}); check its permissions"
                        ),
                        None => format!("unreadable: {e}"),
                    };
                    out.failures.push((path, "unreadable", message));
                    continue;
                }
            };
            let path = entry.path().to_path_buf();
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            if ft.is_symlink() {
                match fs::canonicalize(&path) {
                    Err(e) => out.failures.push((
                        path,
                        "unreadable",
                        format!("unreadable: a broken or looping symbolic link ({e}); not followed"),
                    )),
                    Ok(target) if !canonical_roots.iter().any(|r| target.starts_with(r)) => out.failures.push((
                        path,
                        "outside_link",
                        "unsupported: a symbolic link to a file outside the imported folders; not followed (import that file's folder itself if you mean to)".into(),
                    )),
                    // A link to a folder inside the tree: its files are walked anyway.
                    Ok(target) if target.is_dir() => {}
                    Ok(target) => {
                        if skip.contains(&target) {
                            continue;
                        }
                        out.jobs.push(Job { relative: relative(root, &path), path });
                    }
                }
                continue;
            }
            if !ft.is_file() {
                out.failures.push((
                    path,
                    "unsupported",
                    "unsupported format: not a regular file (a device, pipe or socket)".into(),
                ));
                continue;
            }
            // The same file given twice (overlapping roots) gets one result.
            if !seen.insert(path.clone()) {
                continue;
            }
            out.jobs.push(Job {
                relative: relative(root, &path),
                path,
            });
        }
        out.skipped_hidden += hidden;
    }
    Ok(out)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Worker side: copy into the store, then read everything from the stored copy.
fn process(path: &Path, store: &Store, limits: &Limits, reader: Option<&Connection>) -> Outcome {
    let fail = |e: MediaError| Outcome::Failed {
        kind: e.kind(),
        message: e.to_string(),
    };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return fail(MediaError::from(e)),
    };
    if meta.len() == 0 {
        return fail(MediaError::Empty);
    }
    if meta.len() > limits.max_file_bytes {
        return fail(MediaError::TooLarge(format!(
            "the file is {} GB; Chorus takes files up to {} GB",
            meta.len() / 1_000_000_000,
            limits.max_file_bytes / 1_000_000_000
        )));
    }
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return fail(MediaError::from(e)),
    };
    let mut head = [0u8; 256];
    let n = match read_up_to(&mut file, &mut head) {
        Ok(n) => n,
        Err(e) => return fail(MediaError::Unreadable(e)),
    };
    if n == 0 {
        return fail(MediaError::Empty);
    }
    let sniffed = media::sniff(&head[..n]);
    if let Sniffed::NotMedia(why) = sniffed {
        return fail(MediaError::Unsupported(why.to_string()));
    }
    if let Err(e) = file.seek(SeekFrom::Start(0)) {
        return fail(MediaError::Unreadable(e));
    }
    let stored = match store.put(&mut file, limits.max_file_bytes) {
        Ok(PutOutcome::Stored(s)) => s,
        Ok(PutOutcome::TooLarge(_)) => {
            return fail(MediaError::TooLarge("the file grew past Chorus's size limit while it was read".into()))
        }
        Err(e) => {
            return Outcome::Failed {
                kind: "store_failed",
                message: format!(
                    "could not be copied into the library ({e}); check free space and permissions of the library folder, then import again"
                ),
            }
        }
    };
    if let Some(conn) = reader {
        let known: Option<i64> = conn
            .query_row(
                "SELECT id FROM assets WHERE hash = ?",
                [&stored.hash],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        if let Some(id) = known {
            return Outcome::Known { id };
        }
    }
    let probed = match media::probe(&stored.path, &sniffed, limits) {
        Ok(p) => p,
        Err(e) => {
            store.discard(&stored);
            return fail(e);
        }
    };
    let writes = store
        .write_derived(
            &store.thumb(&stored.hash),
            &media::encode_jpeg(&probed.poster, THUMB_QUALITY),
        )
        .and_then(|_| match &probed.filmstrip {
            Some(strip) => store.write_derived(
                &store.filmstrip(&stored.hash),
                &media::encode_jpeg(strip, THUMB_QUALITY),
            ),
            None => Ok(()),
        })
        .and_then(|_| match &probed.display {
            Some(view) => store.write_derived(
                &store.display(&stored.hash),
                &media::encode_jpeg(view, DISPLAY_QUALITY),
            ),
            None => Ok(()),
        });
    if let Err(e) = writes {
        store.discard(&stored);
        return Outcome::Failed {
            kind: "store_failed",
            message: format!("could not write its thumbnail into the library ({e}); check free space, then import again"),
        };
    }
    Outcome::Ready {
        phash: media::dhash(&probed.poster),
        stored,
        info: Box::new(probed.info),
    }
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn start_run(conn: &Connection, opts: &Options) -> rusqlite::Result<i64> {
    let pid = std::process::id();
    // Runs left "running" by a process that no longer exists were killed.
    let mut stmt = conn.prepare("SELECT id, pid FROM ingest_runs WHERE status = 'running'")?;
    let stale: Vec<i64> = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<u32>>(1)?))
        })?
        .filter_map(Result::ok)
        .filter(|(_, p)| p.is_none_or(|p| p != pid && !Path::new(&format!("/proc/{p}")).exists()))
        .map(|(id, _)| id)
        .collect();
    for id in stale {
        conn.execute(
            "UPDATE ingest_runs SET status = 'interrupted' WHERE id = ?",
            [id],
        )?;
    }
    let roots: Vec<String> = opts.roots.iter().map(|r| r.display().to_string()).collect();
    conn.execute(
        "INSERT INTO ingest_runs (started_at, status, pid, roots, manifest) VALUES (?1, 'running', ?2, ?3, ?4)",
        params![
            library::now(),
            pid,
            serde_json::to_string(&roots).unwrap_or_default(),
            opts.manifest.as_ref().map(|m| m.display().to_string())
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn load_phashes(conn: &Connection) -> rusqlite::Result<Vec<(i64, u64)>> {
    let mut stmt =
        conn.prepare("SELECT id, phash FROM assets WHERE phash IS NOT NULL ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64))
    })?;
    rows.collect()
}

fn insert_result(tx: &Transaction, run_id: i64, r: &FileResult) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO ingest_results (run_id, path, status, asset_id, duplicate_of, error_kind, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![run_id, r.path, r.status.as_str(), r.asset_id, r.duplicate_of, r.error_kind, r.error],
    )?;
    Ok(())
}

/// A form export as this import reads it.
struct Form {
    headers: Vec<String>,
    mapping: Mapping,
    manifest: Manifest,
}

/// Reads a form export through the mapping given, else the one remembered for its
/// headers, else Chorus's proposal; ages are judged against the library's adult age.
fn read_form(
    lib: &Library,
    path: &Path,
    mapping: Option<&Mapping>,
    adult_age: u32,
) -> Result<Form, IngestError> {
    let sheet = sheet::read(path)?;
    let mapping = match mapping {
        Some(m) => m.clone(),
        None => columns::remembered(lib.conn(), &sheet.headers)?
            .unwrap_or_else(|| columns::propose(&sheet.headers)),
    };
    let today = chrono::Local::now().date_naive();
    let manifest = Manifest::from_sheet(&sheet, &mapping, adult_age, today)?;
    Ok(Form {
        headers: sheet.headers,
        mapping,
        manifest,
    })
}

/// The form row for a file, as `Manifest::match_files` decided for the whole walk (by the
/// form's path, or a name only one row and one file have), and the warning to put on the
/// file's result when rows name it but none could be trusted. The rows the file answers
/// for are marked used, so they are not reported as files that never arrived.
fn manifest_row<'m>(
    m: &'m Manifest,
    found: Option<&FileMatch>,
    used: &mut HashSet<usize>,
) -> (Option<&'m Row>, Option<String>) {
    let Some(found) = found else {
        return (None, None);
    };
    used.extend(found.rows.iter().copied());
    (found.row.map(|r| &m.rows[r]), found.warning.clone())
}

/// Records how the file arrived; a first submission through the form also turns the form's
/// consent into a grant on the library's form terms, if its answer is a yes (any other
/// answer is kept on the submission row, and the asset waits for a person to ask).
fn link_submission(
    tx: &Transaction,
    asset_id: i64,
    run_id: i64,
    job: &Job,
    row: Option<&Row>,
    form_terms: &FormTerms,
) -> rusqlite::Result<()> {
    let contributor = match row {
        Some(r) => catalog::upsert_contributor(
            tx,
            r.name.as_deref(),
            r.email.as_deref(),
            r.handle.as_deref(),
        )?,
        None => None,
    };
    tx.execute(
        "INSERT OR IGNORE INTO submissions (asset_id, contributor_id, run_id, original_path, channel, consent_text, submitted_at, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            asset_id,
            contributor,
            run_id,
            job.path.display().to_string(),
            if row.is_some() { "form" } else { "folder" },
            row.and_then(|r| r.consent.as_deref()),
            row.and_then(|r| r.submitted_at.as_deref()),
            library::now()
        ],
    )?;
    let new_submission = tx.changes() == 1;
    if let (true, Some(c), Some(consent)) = (
        new_submission,
        contributor,
        row.and_then(|r| r.consent.as_deref()),
    ) {
        let submitted = row.and_then(|r| r.submitted_at.as_deref());
        let age = row.map(|r| r.age).unwrap_or_default();
        crate::rights::record_form_consent(tx, c, asset_id, consent, submitted, &age, form_terms)?;
    }
    if contributor.is_some() {
        tx.execute(
            "UPDATE assets SET contributor_id = ?1 WHERE id = ?2 AND contributor_id IS NULL",
            params![contributor, asset_id],
        )?;
    }
    Ok(())
}

/// What the catalog writer carries from file to file during one run.
struct RunState<'m> {
    run_id: i64,
    manifest: Option<&'m Manifest>,
    /// The form's verdict on each walked file, by job index (empty without a form).
    form_matches: Vec<FileMatch>,
    /// Form rows already matched to a file.
    used_rows: HashSet<usize>,
    /// Perceptual hashes of every asset, for near-duplicate search.
    near_index: Vec<(i64, u64)>,
    form_terms: FormTerms,
}

fn record(
    lib: &mut Library,
    st: &mut RunState,
    index: usize,
    job: &Job,
    outcome: Outcome,
) -> Result<FileResult, IngestError> {
    let (run_id, form_terms) = (st.run_id, &st.form_terms);
    let path = job.path.display().to_string();
    let (row, note) = match (&outcome, st.manifest) {
        (Outcome::Failed { .. }, _) | (_, None) => (None, None),
        (_, Some(m)) => manifest_row(m, st.form_matches.get(index), &mut st.used_rows),
    };
    let tx = lib.conn_mut().transaction()?;
    let mut result = match outcome {
        Outcome::Failed { kind, message } => failed(path, kind, message),
        Outcome::Known { id } => {
            link_submission(&tx, id, run_id, job, row, form_terms)?;
            FileResult {
                path,
                status: Status::Duplicate,
                asset_id: None,
                duplicate_of: Some(id),
                error_kind: None,
                error: None,
                note: None,
            }
        }
        Outcome::Ready {
            stored,
            info,
            phash,
        } => {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM assets WHERE hash = ?",
                    [&stored.hash],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                // Two copies of one file in the same batch: the first one won.
                link_submission(&tx, id, run_id, job, row, form_terms)?;
                FileResult {
                    path,
                    status: Status::Duplicate,
                    asset_id: None,
                    duplicate_of: Some(id),
                    error_kind: None,
                    error: None,
                    note: None,
                }
            } else {
                let similar = media::dhash_is_informative(phash)
                    .then(|| {
                        st.near_index
                            .iter()
                            .map(|&(id, h)| (id, (h ^ phash).count_ones()))
                            .filter(|&(_, d)| d <= NEAR_DUPLICATE_DISTANCE)
                            .min_by_key(|&(_, d)| d)
                            .map(|(id, _)| id)
                    })
                    .flatten();
                let id = insert_asset(&tx, job, &stored, &info, phash, similar)?;
                link_submission(&tx, id, run_id, job, row, form_terms)?;
                catalog::refresh_search(&tx, id)?;
                st.near_index.push((id, phash));
                FileResult {
                    path,
                    status: if similar.is_some() {
                        Status::NearDuplicate
                    } else {
                        Status::Ingested
                    },
                    asset_id: Some(id),
                    duplicate_of: similar,
                    error_kind: None,
                    error: None,
                    note: None,
                }
            }
        }
    };
    result.note = note;
    insert_result(&tx, run_id, &result)?;
    tx.commit()?;
    Ok(result)
}

fn insert_asset(
    tx: &Transaction,
    job: &Job,
    stored: &Stored,
    info: &MediaInfo,
    phash: u64,
    near_duplicate_of: Option<i64>,
) -> rusqlite::Result<i64> {
    let name = job
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO assets (hash, kind, format, original_name, size_bytes, width, height, exif_orientation,
            rotation, duration_ms, frame_rate, video_codec, audio_codec, has_audio, captured_at, camera_make,
            camera_model, has_gps, phash, near_duplicate_of, ingested_at, colour_profile, transfer,
            primaries, bit_depth, hdr)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26)",
        params![
            stored.hash,
            info.kind.map_or("photo", |k| k.as_str()),
            info.format,
            name,
            stored.size as i64,
            info.width,
            info.height,
            info.exif_orientation,
            info.rotation,
            info.duration_ms,
            info.frame_rate,
            info.video_codec,
            info.audio_codec,
            info.has_audio,
            info.captured_at,
            info.camera_make,
            info.camera_model,
            info.has_gps,
            phash as i64,
            near_duplicate_of,
            library::now(),
            info.colour_profile,
            info.transfer,
            info.primaries,
            info.bit_depth,
            info.hdr
        ],
    )?;
    let id = tx.last_insert_rowid();
    for tag in crate::autotag::tags_for(info) {
        tx.execute(
            "INSERT OR IGNORE INTO tags (asset_id, tag, source) VALUES (?1, ?2, 'auto')",
            params![id, tag],
        )?;
    }
    Ok(id)
}
