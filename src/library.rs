//! A library is a folder: `chorus.db` (the catalog), `store/` (every original, once, named
//! by its blake3 hash, read-only) and `thumbs/` (derived pictures, safe to regenerate).

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub const DB_FILE: &str = "chorus.db";
const STORE_DIR: &str = "store";
const THUMBS_DIR: &str = "thumbs";
/// Temporary files live inside `store/` so the final rename never crosses filesystems.
const TMP_DIR: &str = "store/.tmp";

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("no Chorus library at {0}: run `chorus init` or `chorus ingest` to create one, or point --library / CHORUS_LIBRARY at an existing one")]
    NotFound(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot open the catalog {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the catalog {path} was written by a newer Chorus (schema {found}, this one knows {known}); update Chorus")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("migrating the catalog to schema {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

impl LibraryError {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        LibraryError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// Numbered migrations, applied in order at open; `PRAGMA user_version` holds the last one.
/// Never edit a shipped migration: add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: catalog foundation.
    r#"
    CREATE TABLE contributors (
        id          INTEGER PRIMARY KEY,
        name        TEXT,
        email       TEXT COLLATE NOCASE UNIQUE,
        handle      TEXT COLLATE NOCASE UNIQUE,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE assets (
        id                INTEGER PRIMARY KEY,
        hash              TEXT NOT NULL UNIQUE,
        kind              TEXT NOT NULL CHECK (kind IN ('photo', 'clip')),
        format            TEXT NOT NULL,
        original_name     TEXT NOT NULL,
        size_bytes        INTEGER NOT NULL,
        width             INTEGER NOT NULL,
        height            INTEGER NOT NULL,
        exif_orientation  INTEGER,
        rotation          INTEGER NOT NULL DEFAULT 0,
        duration_ms       INTEGER,
        frame_rate        REAL,
        video_codec       TEXT,
        audio_codec       TEXT,
        has_audio         INTEGER NOT NULL DEFAULT 0,
        captured_at       TEXT,
        camera_make       TEXT,
        camera_model      TEXT,
        has_gps           INTEGER NOT NULL DEFAULT 0,
        phash             INTEGER,
        near_duplicate_of INTEGER REFERENCES assets(id) ON DELETE SET NULL,
        contributor_id    INTEGER REFERENCES contributors(id),
        rating            INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        curation          TEXT NOT NULL DEFAULT 'new'
                          CHECK (curation IN ('new', 'shortlisted', 'selected', 'rejected')),
        ingested_at       TEXT NOT NULL
    );
    CREATE INDEX assets_kind ON assets(kind);
    CREATE INDEX assets_contributor ON assets(contributor_id);
    CREATE INDEX assets_curation ON assets(curation);
    CREATE TABLE ingest_runs (
        id           INTEGER PRIMARY KEY,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        status       TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'interrupted')),
        pid          INTEGER,
        roots        TEXT NOT NULL,
        manifest     TEXT
    );
    CREATE TABLE submissions (
        id              INTEGER PRIMARY KEY,
        asset_id        INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        contributor_id  INTEGER REFERENCES contributors(id),
        run_id          INTEGER REFERENCES ingest_runs(id),
        original_path   TEXT NOT NULL,
        channel         TEXT NOT NULL CHECK (channel IN ('folder', 'form', 'drop', 'inbox')),
        consent_text    TEXT,
        submitted_at    TEXT,
        recorded_at     TEXT NOT NULL,
        UNIQUE (asset_id, contributor_id, original_path)
    );
    CREATE INDEX submissions_asset ON submissions(asset_id);
    CREATE TABLE tags (
        asset_id  INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        tag       TEXT NOT NULL,
        source    TEXT NOT NULL CHECK (source IN ('manual', 'auto')),
        PRIMARY KEY (asset_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX tags_tag ON tags(tag, asset_id);
    CREATE TABLE ingest_results (
        id            INTEGER PRIMARY KEY,
        run_id        INTEGER NOT NULL REFERENCES ingest_runs(id),
        path          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('ingested', 'duplicate', 'near_duplicate', 'error')),
        asset_id      INTEGER REFERENCES assets(id) ON DELETE SET NULL,
        duplicate_of  INTEGER REFERENCES assets(id) ON DELETE SET NULL,
        error_kind    TEXT,
        error         TEXT
    );
    CREATE INDEX ingest_results_run ON ingest_results(run_id);
    -- Text search over what a marketer types: file name, tags, contributor, camera.
    -- Rows are kept in step by catalog::refresh_search (rowid = asset id).
    CREATE VIRTUAL TABLE asset_search USING fts5(name, tags, contributor, camera,
        tokenize = 'unicode61 remove_diacritics 2');
    -- Library-wide settings (rights templates, default terms) arrive with later features.
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // 2: rights clearance and campaigns' usage.
    r#"
    CREATE TABLE campaigns (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL COLLATE NOCASE UNIQUE,
        channels     TEXT NOT NULL,
        territories  TEXT NOT NULL,
        starts_on    TEXT NOT NULL,
        ends_on      TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        CHECK (ends_on >= starts_on)
    );
    -- A contributor's answer, for one asset or (asset_id NULL) all their assets. Changes
    -- (revocation, an edit of the scope) are recorded in the audit log with before/after.
    CREATE TABLE grants (
        id               INTEGER PRIMARY KEY,
        contributor_id   INTEGER NOT NULL REFERENCES contributors(id),
        asset_id         INTEGER REFERENCES assets(id),
        decision         TEXT NOT NULL CHECK (decision IN ('granted', 'denied')),
        channels         TEXT NOT NULL DEFAULT '[]',
        territories      TEXT NOT NULL DEFAULT '[]',
        valid_from       TEXT NOT NULL,
        valid_until      TEXT,
        adult            INTEGER NOT NULL DEFAULT 1,
        guardian         TEXT,
        evidence_text    TEXT,
        evidence_source  TEXT NOT NULL
                         CHECK (evidence_source IN ('form', 'email', 'social', 'release', 'other')),
        -- When the contributor gave it (the form's submitted-at, the reply's date).
        evidence_at      TEXT NOT NULL,
        evidence_hash    TEXT,
        decided_at       TEXT NOT NULL,
        revoked_on       TEXT,
        revoked_reason   TEXT
    );
    CREATE INDEX grants_contributor ON grants(contributor_id);
    CREATE INDEX grants_asset ON grants(asset_id);
    -- One row per asset asked about; the scope asked for is what a "yes" reply grants.
    CREATE TABLE rights_requests (
        id              INTEGER PRIMARY KEY,
        contributor_id  INTEGER NOT NULL REFERENCES contributors(id),
        asset_id        INTEGER NOT NULL REFERENCES assets(id),
        campaign_id     INTEGER REFERENCES campaigns(id),
        channels        TEXT NOT NULL,
        territories     TEXT NOT NULL,
        valid_from      TEXT NOT NULL,
        valid_until     TEXT,
        keyword         TEXT NOT NULL,
        message         TEXT NOT NULL,
        requested_at    TEXT NOT NULL
    );
    CREATE INDEX rights_requests_contributor ON rights_requests(contributor_id);
    -- A person's decision that an asset may be used in a campaign although the gate blocks
    -- it (permission held outside Chorus, a separate contract). Never beats a contributor's
    -- own "no" or withdrawal.
    CREATE TABLE rights_overrides (
        id           INTEGER PRIMARY KEY,
        asset_id     INTEGER NOT NULL REFERENCES assets(id),
        campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
        reason       TEXT NOT NULL,
        actor        TEXT NOT NULL,
        at           TEXT NOT NULL
    );
    CREATE TABLE audit_events (
        id              INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,
        actor           TEXT NOT NULL,
        action          TEXT NOT NULL,
        contributor_id  INTEGER,
        asset_id        INTEGER,
        grant_id        INTEGER,
        detail          TEXT NOT NULL
    );
    CREATE INDEX audit_contributor ON audit_events(contributor_id);
    CREATE INDEX audit_asset ON audit_events(asset_id);
    -- The audit trail is evidence: the database itself refuses to rewrite it.
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the rights audit log is append-only'); END;
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'the rights audit log is append-only'); END;
    "#,
    // 3: campaign pieces, every saved version kept.
    r#"
    CREATE TABLE pieces (
        id           INTEGER PRIMARY KEY,
        campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
        name         TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('montage', 'mosaic', 'still')),
        version      INTEGER NOT NULL,
        document     TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (campaign_id, name)
    );
    CREATE TABLE piece_versions (
        piece_id  INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
        version   INTEGER NOT NULL,
        document  TEXT NOT NULL,
        saved_at  TEXT NOT NULL,
        PRIMARY KEY (piece_id, version)
    );
    CREATE TABLE piece_assets (
        piece_id  INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
        asset_id  INTEGER NOT NULL REFERENCES assets(id),
        PRIMARY KEY (piece_id, asset_id)
    ) WITHOUT ROWID;
    CREATE INDEX piece_assets_asset ON piece_assets(asset_id);
    "#,
    // 4: indexes for the desktop grid's filters on large libraries (orientation is an auto
    // tag; rating is a range).
    r#"
    CREATE INDEX tags_tag_source ON tags(tag, source, asset_id);
    CREATE INDEX assets_rating ON assets(rating);
    "#,
    // 5: every asset's rights status kept on the asset, so the grid filters and counts by
    // it through an index (`rights::refresh_statuses`). Triggers mark an asset stale
    // whenever something its status derives from changes (its grants, its requests, its
    // contributor); the day it may change by itself (a grant ending, a withdrawal taking
    // effect) is kept too.
    r#"
    ALTER TABLE assets ADD COLUMN rights_status TEXT;
    ALTER TABLE assets ADD COLUMN rights_changes_on TEXT;
    CREATE INDEX assets_rights_status ON assets(rights_status);
    CREATE INDEX assets_rights_changes ON assets(rights_changes_on)
        WHERE rights_changes_on IS NOT NULL;
    CREATE TABLE rights_status_stale (asset_id INTEGER PRIMARY KEY);
    -- The day the kept statuses hold for (one row).
    CREATE TABLE rights_status_day (day TEXT NOT NULL);
    INSERT INTO rights_status_stale SELECT id FROM assets;
    CREATE TRIGGER rights_status_asset_new AFTER INSERT ON assets
        BEGIN INSERT OR IGNORE INTO rights_status_stale VALUES (NEW.id); END;
    CREATE TRIGGER rights_status_asset_contributor AFTER UPDATE OF contributor_id ON assets
        BEGIN INSERT OR IGNORE INTO rights_status_stale VALUES (NEW.id); END;
    CREATE TRIGGER rights_status_asset_gone AFTER DELETE ON assets
        BEGIN DELETE FROM rights_status_stale WHERE asset_id = OLD.id; END;
    CREATE TRIGGER rights_status_grant_new AFTER INSERT ON grants
        BEGIN INSERT OR IGNORE INTO rights_status_stale
            SELECT id FROM assets WHERE contributor_id = NEW.contributor_id; END;
    CREATE TRIGGER rights_status_grant_changed AFTER UPDATE ON grants
        BEGIN INSERT OR IGNORE INTO rights_status_stale
            SELECT id FROM assets WHERE contributor_id IN (OLD.contributor_id, NEW.contributor_id); END;
    CREATE TRIGGER rights_status_grant_gone AFTER DELETE ON grants
        BEGIN INSERT OR IGNORE INTO rights_status_stale
            SELECT id FROM assets WHERE contributor_id = OLD.contributor_id; END;
    CREATE TRIGGER rights_status_request_new AFTER INSERT ON rights_requests
        BEGIN INSERT OR IGNORE INTO rights_status_stale VALUES (NEW.asset_id); END;
    CREATE TRIGGER rights_status_request_changed AFTER UPDATE ON rights_requests
        BEGIN INSERT OR IGNORE INTO rights_status_stale VALUES (OLD.asset_id), (NEW.asset_id); END;
    CREATE TRIGGER rights_status_request_gone AFTER DELETE ON rights_requests
        BEGIN INSERT OR IGNORE INTO rights_status_stale VALUES (OLD.asset_id); END;
    "#,
    // 6: a grant's age is three-valued: adult, minor, or unknown. Until now `adult`
    // defaulted to 1 and forms assumed it, so only what a person recorded (a release, an
    // e-mail or "other" evidence entered by hand) keeps "adult"; form and reply grants
    // become "unknown" until an age is established. `adult` stays for older readers.
    r#"
    ALTER TABLE grants ADD COLUMN age TEXT NOT NULL DEFAULT 'unknown'
        CHECK (age IN ('adult', 'minor', 'unknown'));
    UPDATE grants SET age = CASE
        WHEN adult = 0 THEN 'minor'
        WHEN evidence_source IN ('form', 'social') THEN 'unknown'
        WHEN evidence_source = 'email' AND evidence_hash IS NULL THEN 'unknown'
        ELSE 'adult' END;
    "#,
    // 7: what phones record about colour: a photo's wide-gamut profile (converted to sRGB
    // for display), a clip's transfer, primaries and bit depth, and whether it is HDR.
    r#"
    ALTER TABLE assets ADD COLUMN colour_profile TEXT;
    ALTER TABLE assets ADD COLUMN transfer TEXT;
    ALTER TABLE assets ADD COLUMN primaries TEXT;
    ALTER TABLE assets ADD COLUMN bit_depth INTEGER;
    ALTER TABLE assets ADD COLUMN hdr INTEGER NOT NULL DEFAULT 0;
    "#,
    // 8: collection as it happens: how each form's columns were read (by the form's
    // headers, so the next export of the same form reads the same), replies left for a
    // person, follow-ups to requests, and thank-yous for exported pieces.
    r#"
    CREATE TABLE form_mappings (
        signature TEXT PRIMARY KEY,
        headers TEXT NOT NULL,
        mapping TEXT NOT NULL,
        saved_at TEXT NOT NULL
    );
    -- Replies no rule could decide (an unknown sender, a maybe), kept for a person, with
    -- the stored message when it came by e-mail.
    CREATE TABLE pending_replies (
        id            INTEGER PRIMARY KEY,
        sender        TEXT NOT NULL,
        text          TEXT NOT NULL,
        why           TEXT NOT NULL,
        received_at   TEXT,
        origin        TEXT NOT NULL,
        evidence_hash TEXT,
        imported_at   TEXT NOT NULL,
        resolved_at   TEXT
    );
    -- The one polite follow-up a request may get.
    ALTER TABLE rights_requests ADD COLUMN followed_up_at TEXT;
    -- Files taken from inbox folders, as they were when taken, so none is taken twice.
    CREATE TABLE inbox_files (
        path     TEXT PRIMARY KEY,
        kind     TEXT NOT NULL CHECK (kind IN ('file', 'form')),
        size     INTEGER NOT NULL,
        modified TEXT NOT NULL,
        taken_at TEXT NOT NULL
    );
    -- Thanks to each contributor featured in an exported piece.
    CREATE TABLE thank_yous (
        id             INTEGER PRIMARY KEY,
        contributor_id INTEGER NOT NULL REFERENCES contributors(id),
        piece_id       INTEGER NOT NULL,
        piece_name     TEXT NOT NULL,
        message        TEXT NOT NULL,
        drafted_at     TEXT NOT NULL,
        sent_at        TEXT,
        UNIQUE (contributor_id, piece_id)
    );
    "#,
    // 9: trust that can be proved. The audit log becomes a hash chain (`crate::audit`;
    // events written before are linked by `audit::seal_existing`, and a "seal" event keeps
    // every grant as it stood, the start the grants are derived from). Exports are
    // recorded with the assets they hold, and erasures leave tombstones without personal
    // data.
    r#"
    ALTER TABLE audit_events ADD COLUMN detail_hash TEXT;
    ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit_events ADD COLUMN hash TEXT;
    ALTER TABLE audit_events ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
    DROP TRIGGER audit_events_no_update;
    CREATE TABLE exports (
        id           INTEGER PRIMARY KEY,
        piece_id     INTEGER NOT NULL,
        piece_name   TEXT NOT NULL,
        campaign_id  INTEGER NOT NULL,
        path         TEXT NOT NULL,
        exported_at  TEXT NOT NULL,
        chain_head   TEXT,
        valid_until  TEXT
    );
    CREATE TABLE export_assets (
        export_id  INTEGER NOT NULL REFERENCES exports(id) ON DELETE CASCADE,
        asset_id   INTEGER NOT NULL,
        PRIMARY KEY (export_id, asset_id)
    ) WITHOUT ROWID;
    CREATE INDEX export_assets_asset ON export_assets(asset_id);
    -- A contributor erased: a salted hash of their e-mail (so a later submission from the
    -- same address is flagged) and nothing else about them.
    CREATE TABLE erasures (
        id              INTEGER PRIMARY KEY,
        contributor_id  INTEGER NOT NULL,
        email_hash      TEXT,
        assets          INTEGER NOT NULL,
        erased_at       TEXT NOT NULL
    );
    -- A new contributor whose e-mail was erased before: check before use.
    ALTER TABLE contributors ADD COLUMN previously_erased TEXT;
    -- Assets that went with an erased contributor, so pieces that used them say why.
    CREATE TABLE erased_assets (
        asset_id    INTEGER PRIMARY KEY,
        erasure_id  INTEGER NOT NULL REFERENCES erasures(id)
    );
    "#,
];

/// Where a library lives when nobody says: the platform's data folder for Chorus.
pub fn default_root() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "chorus").map(|d| d.data_dir().join("library"))
}

pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub struct Library {
    root: PathBuf,
    conn: Connection,
}

impl Library {
    /// Opens the library at `root`, creating the folder and catalog when missing.
    pub fn open_or_create(root: &Path) -> Result<Library> {
        for dir in [
            root.to_path_buf(),
            root.join(STORE_DIR),
            root.join(THUMBS_DIR),
            root.join(TMP_DIR),
        ] {
            fs::create_dir_all(&dir).map_err(|e| LibraryError::io(&dir, e))?;
        }
        private_dir(root).map_err(|e| LibraryError::io(root, e))?;
        Self::open_db(root, true)
    }

    /// Opens an existing library; a missing one is an error that says how to make one.
    pub fn open(root: &Path) -> Result<Library> {
        if !root.join(DB_FILE).is_file() {
            return Err(LibraryError::NotFound(root.to_path_buf()));
        }
        Self::open_db(root, false)
    }

    fn open_db(root: &Path, create: bool) -> Result<Library> {
        let path = root.join(DB_FILE);
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn =
            Connection::open_with_flags(&path, flags).map_err(|source| LibraryError::Open {
                path: path.clone(),
                source,
            })?;
        private_file(&path).map_err(|e| LibraryError::io(&path, e))?;
        configure(&mut conn).map_err(|source| LibraryError::Open {
            path: path.clone(),
            source,
        })?;
        let mut lib = Library {
            root: root.to_path_buf(),
            conn,
        };
        lib.migrate()?;
        lib.clean_tmp();
        Ok(lib)
    }

    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > schema_version() {
            return Err(LibraryError::TooNew {
                path: self.root.join(DB_FILE),
                found: current,
                known: schema_version(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .and_then(|_| after_migration(&tx, version))
                .and_then(|_| tx.pragma_update(None, "user_version", version))
                .map_err(|source| LibraryError::Migration { version, source })?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Leftovers of an interrupted copy are never referenced by the catalog: drop them.
    /// Only files older than a minute go, so a concurrent ingest's temp files survive.
    fn clean_tmp(&self) {
        let Ok(entries) = fs::read_dir(self.root.join(TMP_DIR)) else {
            return;
        };
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 60);
            if old {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// A second connection to the same catalog, for reader threads.
    pub fn reader(&self) -> Result<Connection> {
        let path = self.root.join(DB_FILE);
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| LibraryError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }

    /// A library-wide setting, or `None` when it was never set (callers own the default).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
            [key, value],
        )?;
        Ok(())
    }

    pub fn store(&self) -> Store {
        Store {
            root: self.root.clone(),
        }
    }
}

/// The parts of a migration SQL cannot do.
fn after_migration(tx: &Connection, version: i64) -> rusqlite::Result<()> {
    if version == 9 {
        crate::audit::seal_existing(tx)?;
        crate::audit::append(
            tx,
            &now(),
            "chorus",
            "seal",
            None,
            None,
            None,
            &crate::audit::grants_snapshot(tx)?.to_string(),
        )?;
        tx.execute_batch(crate::audit::NO_UPDATE_TRIGGER)?;
    }
    Ok(())
}

fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    // Long enough to ride out another process's commit, short enough to tell a person.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Writers take the write lock when they begin: a deferred transaction that reads and
    // then writes fails with "database is locked" at once when another process wrote in
    // between, busy timeout or not. Immediate ones wait their turn.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // WAL + NORMAL survives a killed process without an fsync per commit.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// A library holds people's faces, names and e-mail addresses: its folder is the owner's
/// alone (0700), and so is every file of personal data Chorus writes (0600).
pub fn private_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// See `private_dir`.
pub fn private_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode();
        // Read-only originals stay read-only; only group and other bits go.
        fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes a file of personal data (a report, a draft, a manifest) readable by its owner
/// only.
pub fn write_private(path: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes.as_ref())?;
    private_file(path)
}

/// The blake3 of a stored file, as 64 lowercase hex digits: the only thing the store
/// turns into a path. Hashes come from documents, URLs and a database anyone can edit, so
/// they are checked here, once, and a `Store` takes nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(String);

#[derive(Debug, thiserror::Error)]
#[error("'{0}' is not a content hash (64 hex digits)")]
pub struct InvalidHash(pub String);

impl ContentHash {
    pub fn parse(s: &str) -> Result<ContentHash, InvalidHash> {
        let ok = s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if ok {
            Ok(ContentHash(s.to_ascii_lowercase()))
        } else {
            let shown: String = s.chars().take(80).collect();
            Err(InvalidHash(shown))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl rusqlite::ToSql for ContentHash {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The content-addressed store and the thumbnail folder of one library. Cheap to clone and
/// safe to use from worker threads: it only touches files.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// Where a copy landed and whether this call put it there.
pub struct Stored {
    pub hash: ContentHash,
    pub path: PathBuf,
    pub size: u64,
    pub newly_written: bool,
}

impl Store {
    /// The store of the library at `root`, without opening its catalog (for file servers).
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn original(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root.join(STORE_DIR).join(&h[..2]).join(h)
    }

    pub fn thumb(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(THUMBS_DIR)
            .join(&h[..2])
            .join(format!("{h}.jpg"))
    }

    pub fn filmstrip(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(THUMBS_DIR)
            .join(&h[..2])
            .join(format!("{h}.strip.jpg"))
    }

    /// The JPEG shown in place of a photo the webview cannot decode (HEIC, AVIF, TIFF).
    pub fn display(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(THUMBS_DIR)
            .join(&h[..2])
            .join(format!("{h}.view.jpg"))
    }

    /// The SDR copy an HDR clip plays from in the desktop app (made on first play).
    pub fn sdr_proxy(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(THUMBS_DIR)
            .join(&h[..2])
            .join(format!("{h}.sdr.mp4"))
    }

    /// How lively each half second of a clip is (JSON, made the first time auto-assemble
    /// trims the clip).
    pub fn liveliness(&self, hash: &ContentHash) -> PathBuf {
        let h = hash.as_str();
        self.root
            .join(THUMBS_DIR)
            .join(&h[..2])
            .join(format!("{h}.lively.json"))
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join(TMP_DIR)
    }

    /// Copies `reader` into the store while hashing it, in one pass: the hash names exactly
    /// the bytes that were stored, even if the source changes meanwhile. Temp file, fsync,
    /// rename, then read-only. A file already in the store is not written twice.
    pub fn put(&self, mut reader: impl Read, max_bytes: u64) -> io::Result<PutOutcome> {
        let mut tmp = tempfile::Builder::new()
            .prefix("in-")
            .tempfile_in(self.tmp_dir())?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            size += n as u64;
            if size > max_bytes {
                return Ok(PutOutcome::TooLarge(size));
            }
            hasher.update(&buf[..n]);
            fault::check_write(n)?;
            tmp.write_all(&buf[..n])?;
        }
        let hash = ContentHash(hasher.finalize().to_hex().to_string());
        let dest = self.original(&hash);
        if dest.exists() {
            return Ok(PutOutcome::Stored(Stored {
                hash,
                path: dest,
                size,
                newly_written: false,
            }));
        }
        tmp.as_file().sync_all()?;
        let mut perms = tmp.as_file().metadata()?.permissions();
        perms.set_readonly(true);
        tmp.as_file().set_permissions(perms)?;
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        tmp.persist(&dest).map_err(|e| e.error)?;
        Ok(PutOutcome::Stored(Stored {
            hash,
            path: dest,
            size,
            newly_written: true,
        }))
    }

    /// Writes a derived file (thumbnail) atomically: readers never see half a picture.
    pub fn write_derived(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut tmp = tempfile::Builder::new()
            .prefix("th-")
            .tempfile_in(self.tmp_dir())?;
        fault::check_write(bytes.len())?;
        tmp.write_all(bytes)?;
        tmp.persist(dest).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes a stored original that the catalog never came to reference.
    pub fn discard(&self, stored: &Stored) {
        if stored.newly_written {
            let _ = fs::remove_file(&stored.path);
        }
    }
}

pub enum PutOutcome {
    Stored(Stored),
    TooLarge(u64),
}

/// RFC 3339 UTC timestamp for catalog rows. Microseconds, always six digits, so that
/// strings sort in time order and a request and its answer never tie.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A write-failure injection point for the fault tests: with `CHORUS_FAULT_DISK_FULL_AFTER=N`
/// in the environment, store writes fail with "no space left on device" once N bytes have
/// been written by this process. Unset (always, outside tests), it costs one atomic load.
mod fault {
    use std::io;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;

    static LIMIT: OnceLock<Option<u64>> = OnceLock::new();
    static WRITTEN: AtomicU64 = AtomicU64::new(0);

    pub fn check_write(n: usize) -> io::Result<()> {
        let limit = LIMIT.get_or_init(|| {
            std::env::var("CHORUS_FAULT_DISK_FULL_AFTER")
                .ok()
                .and_then(|v| v.parse().ok())
        });
        if let Some(limit) = limit {
            if WRITTEN.fetch_add(n as u64, Ordering::Relaxed) + n as u64 > *limit {
                return Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "No space left on device",
                ));
            }
        }
        Ok(())
    }
}
