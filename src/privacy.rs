//! A contributor's rights over their data: erasure (GDPR article 17) and a copy of
//! everything held about them (article 15).
//!
//! Erasure deletes their originals and everything made from them, their personal fields,
//! evidence, requests, replies and drafts, and blanks their audit events (the chain still
//! verifies: see `crate::audit`). Their assets stay as tombstones without content so the
//! pieces that used them say "contributor erased" and can be repaired; the audit keeps an
//! "erase" event and `erasures` a salted hash of their e-mail, nothing else.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::library::{ContentHash, Library};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error("no contributor matches '{0}' (use their id, @handle, e-mail or name; see `chorus contributors`)")]
    NoSuchContributor(String),
    #[error("'{0}' matches several contributors; use their id or e-mail")]
    Ambiguous(String),
    #[error("{path} already exists; choose another --out or remove it")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

type Result<T> = std::result::Result<T, PrivacyError>;

/// Finds one contributor by id, @handle, e-mail or exact name.
pub fn find(conn: &Connection, reference: &str) -> Result<i64> {
    let r = reference.trim();
    if let Ok(id) = r.parse::<i64>() {
        return conn
            .query_row("SELECT id FROM contributors WHERE id = ?", [id], |row| {
                row.get(0)
            })
            .optional()?
            .ok_or_else(|| PrivacyError::NoSuchContributor(r.to_string()));
    }
    let mut stmt = conn.prepare(
        "SELECT id FROM contributors WHERE email = ?1 OR handle = ?1 OR handle = '@' || ?1 OR name = ?1 LIMIT 2",
    )?;
    let ids = stmt
        .query_map([r], |row| row.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(PrivacyError::NoSuchContributor(r.to_string())),
        _ => Err(PrivacyError::Ambiguous(r.to_string())),
    }
}

/// What an erasure will take, shown before it happens.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErasurePlan {
    pub contributor_id: i64,
    /// Their name or handle, for the confirmation.
    pub who: String,
    pub assets: Vec<String>,
    pub grants: u32,
    pub evidence_files: u32,
    pub requests: u32,
    pub replies: u32,
    /// Pieces that will be blocked, by name.
    pub pieces: Vec<String>,
    /// Export folders they appear in.
    pub exports: Vec<String>,
}

/// What an erasure did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Erasure {
    pub contributor_id: i64,
    pub assets: u32,
    pub files_deleted: u32,
    pub pieces_blocked: Vec<String>,
    /// Exports in the library's own exports folder that held them: deleted.
    pub exports_deleted: Vec<String>,
    /// Exports elsewhere that held them: to withdraw wherever they were published, and delete.
    pub exports_to_withdraw: Vec<String>,
}

fn ids(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    rows.collect()
}

fn texts(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    rows.collect()
}

fn who(conn: &Connection, id: i64) -> Result<(String, Option<String>)> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT name, handle, email FROM contributors WHERE id = ?",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (name, handle, email) =
        row.ok_or_else(|| PrivacyError::NoSuchContributor(id.to_string()))?;
    let shown = name
        .or(handle)
        .unwrap_or_else(|| format!("contributor {id}"));
    Ok((shown, email))
}

const ASSETS_OF: &str = "SELECT id FROM assets WHERE contributor_id = ?1
    UNION SELECT asset_id FROM submissions WHERE contributor_id = ?1";

pub fn plan_erasure(conn: &Connection, contributor: i64) -> Result<ErasurePlan> {
    let (shown, email) = who(conn, contributor)?;
    let assets = texts(
        conn,
        &format!("SELECT original_name FROM assets WHERE id IN ({ASSETS_OF}) ORDER BY id"),
        contributor,
    )?;
    let count =
        |sql: &str| -> rusqlite::Result<u32> { conn.query_row(sql, [contributor], |r| r.get(0)) };
    let replies: u32 = match &email {
        Some(e) => conn.query_row(
            "SELECT count(*) FROM pending_replies WHERE sender = ?1 COLLATE NOCASE",
            [e],
            |r| r.get(0),
        )?,
        None => 0,
    };
    Ok(ErasurePlan {
        contributor_id: contributor,
        who: shown,
        assets,
        grants: count("SELECT count(*) FROM grants WHERE contributor_id = ?")?,
        evidence_files: count(
            "SELECT count(DISTINCT evidence_hash) FROM grants WHERE contributor_id = ? AND evidence_hash IS NOT NULL",
        )?,
        requests: count("SELECT count(*) FROM rights_requests WHERE contributor_id = ?")?,
        replies,
        pieces: texts(
            conn,
            &format!(
                "SELECT DISTINCT p.name FROM pieces p JOIN piece_assets pa ON pa.piece_id = p.id
                 WHERE pa.asset_id IN ({ASSETS_OF}) ORDER BY p.name"
            ),
            contributor,
        )?,
        exports: texts(
            conn,
            &format!(
                "SELECT DISTINCT e.path FROM exports e JOIN export_assets ea ON ea.export_id = e.id
                 WHERE ea.asset_id IN ({ASSETS_OF}) ORDER BY e.path"
            ),
            contributor,
        )?,
    })
}

/// Every file the library keeps for one content hash: the original (or evidence) and
/// what was derived from it (thumbnails, filmstrip, display copy, proxy, liveliness).
fn files_of(lib: &Library, hash: &str) -> Vec<PathBuf> {
    let Ok(h) = ContentHash::parse(hash) else {
        return Vec::new();
    };
    let store = lib.store();
    let mut out = vec![store.original(&h)];
    if let Some(dir) = store.thumb(&h).parent() {
        if let Ok(entries) = fs::read_dir(dir) {
            out.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(hash))
                    .map(|e| e.path()),
            );
        }
    }
    out
}

fn remove(path: &Path) -> bool {
    if !path.exists() {
        return false;
    }
    // Originals are stored read-only; the folder's permission is what deletion needs.
    fs::remove_file(path).is_ok()
}

/// Erases a contributor. Irreversible: callers confirm with the plan first.
pub fn erase(lib: &mut Library, contributor: i64) -> Result<Erasure> {
    let plan = plan_erasure(lib.conn(), contributor)?;
    let (_, email) = who(lib.conn(), contributor)?;
    let conn = lib.conn();
    let asset_ids = ids(conn, ASSETS_OF, contributor)?;
    let hashes = texts(
        conn,
        &format!("SELECT hash FROM assets WHERE id IN ({ASSETS_OF})"),
        contributor,
    )?;
    let original_paths = texts(
        conn,
        "SELECT original_path FROM submissions WHERE contributor_id = ?",
        contributor,
    )?;
    let mut evidence: BTreeSet<String> = texts(
        conn,
        "SELECT evidence_hash FROM grants WHERE contributor_id = ? AND evidence_hash IS NOT NULL",
        contributor,
    )?
    .into_iter()
    .collect();
    if let Some(e) = &email {
        let mut stmt = conn.prepare(
            "SELECT evidence_hash FROM pending_replies WHERE sender = ?1 COLLATE NOCASE AND evidence_hash IS NOT NULL",
        )?;
        for h in stmt.query_map([e], |r| r.get::<_, String>(0))? {
            evidence.insert(h?);
        }
    }
    let exports: Vec<(i64, String)> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT DISTINCT e.id, e.path FROM exports e JOIN export_assets ea ON ea.export_id = e.id
             WHERE ea.asset_id IN ({ASSETS_OF}) ORDER BY e.path"
        ))?;
        let rows = stmt.query_map([contributor], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };

    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = lib.conn_mut().transaction()?;
    let email_hash = match &email {
        Some(e) => crate::catalog::erased_email_hash(&tx, e, true)?,
        None => None,
    };
    tx.execute(
        "INSERT INTO erasures (contributor_id, email_hash, assets, erased_at) VALUES (?1, ?2, ?3, ?4)",
        params![contributor, email_hash, asset_ids.len() as i64, crate::library::now()],
    )?;
    let erasure_id = tx.last_insert_rowid();
    // The events about them or their assets lose their detail; the chain keeps its hashes.
    crate::audit::redact_contributor(&tx, contributor)?;
    for &a in &asset_ids {
        tx.execute(
            "UPDATE audit_events SET detail = ?1, redacted = 1 WHERE asset_id = ?2 AND redacted = 0",
            params![crate::audit::REDACTED, a],
        )?;
        tx.execute("DELETE FROM tags WHERE asset_id = ?", [a])?;
        tx.execute("DELETE FROM asset_search WHERE rowid = ?", [a])?;
        tx.execute("DELETE FROM rights_overrides WHERE asset_id = ?", [a])?;
        tx.execute(
            "DELETE FROM ingest_results WHERE asset_id = ?1 OR duplicate_of = ?1",
            [a],
        )?;
        tx.execute(
            "UPDATE assets SET near_duplicate_of = NULL WHERE near_duplicate_of = ?",
            [a],
        )?;
        // Piece documents name each source by its hash too.
        let hash: String =
            tx.query_row("SELECT hash FROM assets WHERE id = ?", [a], |r| r.get(0))?;
        let tombstone = format!("erased:{a}");
        for table in ["pieces", "piece_versions"] {
            tx.execute(
                &format!("UPDATE {table} SET document = replace(document, ?1, ?2) WHERE instr(document, ?1) > 0"),
                params![hash, tombstone],
            )?;
        }
        // A tombstone: its shape and kind (so a repair finds a like replacement) and
        // nothing that identifies the person or the file.
        tx.execute(
            "UPDATE assets SET hash = 'erased:' || id, original_name = 'erased', size_bytes = 0,
                exif_orientation = NULL, captured_at = NULL, camera_make = NULL,
                camera_model = NULL, has_gps = 0, phash = NULL, near_duplicate_of = NULL,
                contributor_id = NULL, curation = 'rejected', rating = 0, colour_profile = NULL,
                rights_status = NULL, rights_changes_on = NULL
             WHERE id = ?",
            [a],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO erased_assets (asset_id, erasure_id) VALUES (?1, ?2)",
            [a, erasure_id],
        )?;
    }
    // On-screen credits and captions in piece documents may name them: every stored
    // version is rewritten without them.
    let (name, handle): (Option<String>, Option<String>) = tx.query_row(
        "SELECT name, handle FROM contributors WHERE id = ?",
        [contributor],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let personal: Vec<String> = [name, handle, email.clone()]
        .into_iter()
        .flatten()
        .filter(|s| s.trim().chars().count() >= 3)
        .collect();
    scrub_documents(&tx, &personal, &asset_ids)?;
    for p in &original_paths {
        tx.execute("DELETE FROM inbox_files WHERE path = ?", [p])?;
        tx.execute("DELETE FROM ingest_results WHERE path = ?", [p])?;
    }
    if let Some(e) = &email {
        tx.execute(
            "DELETE FROM pending_replies WHERE sender = ?1 COLLATE NOCASE",
            [e],
        )?;
    }
    for sql in [
        "DELETE FROM submissions WHERE contributor_id = ?",
        "DELETE FROM grants WHERE contributor_id = ?",
        "DELETE FROM rights_requests WHERE contributor_id = ?",
        "DELETE FROM thank_yous WHERE contributor_id = ?",
        "UPDATE assets SET contributor_id = NULL WHERE contributor_id = ?",
        "DELETE FROM contributors WHERE id = ?",
    ] {
        tx.execute(sql, [contributor])?;
    }
    // Evidence another contributor's grant also rests on (one release for a family) stays.
    let mut evidence_gone = Vec::new();
    for h in &evidence {
        let shared: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM grants WHERE evidence_hash = ?1)
                 OR EXISTS (SELECT 1 FROM pending_replies WHERE evidence_hash = ?1)",
            [h],
            |r| r.get(0),
        )?;
        if !shared {
            evidence_gone.push(h.clone());
        }
    }
    crate::audit::append(
        &tx,
        &crate::library::now(),
        &crate::rights::actor_name(),
        "erase",
        Some(contributor),
        None,
        None,
        &serde_json::json!({
            "assets": asset_ids,
            "email_hash": email_hash,
            "exports": exports.len(),
        })
        .to_string(),
    )?;
    tx.commit()?;

    // Files go once the catalog no longer points at them.
    let mut files_deleted = 0u32;
    for h in hashes.iter().chain(evidence_gone.iter()) {
        for f in files_of(lib, h) {
            files_deleted += u32::from(remove(&f));
        }
    }
    let own_exports = lib.root().join("exports");
    let mut exports_deleted = Vec::new();
    let mut exports_to_withdraw = Vec::new();
    for (id, path) in &exports {
        // The internal evidence report of an export that held them names them.
        let _ = fs::remove_dir_all(crate::export::internal_report_dir(lib, *id));
        let p = Path::new(path);
        if p.starts_with(&own_exports) && p.is_dir() {
            if fs::remove_dir_all(p).is_ok() {
                exports_deleted.push(path.clone());
            }
        } else {
            exports_to_withdraw.push(path.clone());
        }
    }
    // Previews are a cache of renders that may show them.
    let _ = fs::remove_dir_all(lib.root().join("previews"));
    // Request drafts written into the library that name them.
    let needles: Vec<String> = {
        let mut n = vec![plan.who.clone()];
        n.extend(email.clone());
        n
    };
    if let Ok(entries) = fs::read_dir(lib.root().join("requests")) {
        for e in entries.flatten() {
            let text = fs::read_to_string(e.path()).unwrap_or_default();
            if needles
                .iter()
                .any(|n| !n.is_empty() && text.contains(n.as_str()))
            {
                files_deleted += u32::from(remove(&e.path()));
            }
        }
    }
    // Freed pages and the search index's old segments would still hold their words.
    let conn = lib.conn();
    conn.execute(
        "INSERT INTO asset_search(asset_search) VALUES ('optimize')",
        [],
    )?;
    conn.execute_batch(
        "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
    )?;
    Ok(Erasure {
        contributor_id: contributor,
        assets: asset_ids.len() as u32,
        files_deleted,
        pieces_blocked: plan.pieces,
        exports_deleted,
        exports_to_withdraw,
    })
}

/// Whether `text` names `who` as a whole word: "@ana.surfs" names in "thanks @ana.surfs!"
/// but not in "@ana.surfsclub", which is someone else.
fn names(text: &str, who: &str) -> bool {
    let (text, who) = (text.to_lowercase(), who.to_lowercase());
    let part = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '@' | '-');
    text.match_indices(&who).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + who.len()..].chars().next();
        // A sentence's full stop after a name is not part of it.
        let after_ok = match after {
            None => true,
            Some('.') => text[at + who.len() + 1..]
                .chars()
                .next()
                .is_none_or(|c| !part(c)),
            Some(c) => !part(c),
        };
        before.is_none_or(|c| !part(c)) && after_ok
    })
}

/// Rewrites every stored piece document: the items of the erased assets lose their credit
/// and captions, and no other text (another item's caption, the piece's own captions)
/// names the person.
fn scrub_documents(conn: &Connection, personal: &[String], erased: &[i64]) -> rusqlite::Result<()> {
    fn walk(v: &mut serde_json::Value, personal: &[String], erased: &[i64]) -> bool {
        let named = |t: &str| personal.iter().any(|p| names(t, p));
        match v {
            serde_json::Value::String(s) => {
                let hit = named(s);
                if hit {
                    s.clear();
                }
                hit
            }
            serde_json::Value::Array(a) => {
                // A caption naming them goes whole: a cue may not be empty.
                let before = a.len();
                a.retain(|x| {
                    let cue = x.get("start_ms").is_some() && x.get("end_ms").is_some();
                    !(cue && named(x.get("text").and_then(|t| t.as_str()).unwrap_or_default()))
                });
                let mut changed = a.len() != before;
                for x in a.iter_mut() {
                    changed |= walk(x, personal, erased);
                }
                changed
            }
            serde_json::Value::Object(o) => {
                let mut changed = false;
                let theirs = o
                    .get("asset_id")
                    .and_then(|a| a.as_i64())
                    .is_some_and(|a| erased.contains(&a));
                if theirs && o.contains_key("credit") {
                    o.insert("credit".into(), "".into());
                    o.insert("captions".into(), serde_json::json!([]));
                    changed = true;
                }
                for x in o.values_mut() {
                    changed |= walk(x, personal, erased);
                }
                changed
            }
            _ => false,
        }
    }
    for (table, key) in [("pieces", "id"), ("piece_versions", "rowid")] {
        let docs: Vec<(i64, String)> = {
            let mut stmt = conn.prepare(&format!("SELECT {key}, document FROM {table}"))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, doc) in docs {
            let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&doc) else {
                continue;
            };
            if walk(&mut value, personal, erased) {
                conn.execute(
                    &format!("UPDATE {table} SET document = ?1 WHERE {key} = ?2"),
                    params![value.to_string(), id],
                )?;
            }
        }
    }
    Ok(())
}

/// Is this asset a tombstone of an erased contributor's?
pub fn is_erased(conn: &Connection, asset: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erased_assets WHERE asset_id = ?)",
        [asset],
        |r| r.get(0),
    )
}

// ---- Access (article 15) ----------------------------------------------------------

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rows_json(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<serde_json::Value>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let rows = stmt.query_map([id], |r| {
        let mut obj = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => serde_json::Value::Null,
                rusqlite::types::ValueRef::Integer(x) => x.into(),
                rusqlite::types::ValueRef::Real(x) => x.into(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).to_string().into(),
                rusqlite::types::ValueRef::Blob(_) => serde_json::Value::Null,
            };
            obj.insert(n.clone(), v);
        }
        Ok(serde_json::Value::Object(obj))
    })?;
    rows.collect()
}

/// Writes everything held about one person into `<out>/<name>-data`: their originals,
/// evidence files, and `data.json` and `index.html` with their details, submissions,
/// grants, requests, audit events, and the pieces and exports they appear in.
pub fn export_for(lib: &Library, contributor: i64, out: &Path) -> Result<PathBuf> {
    let conn = lib.conn();
    let (shown, _) = who(conn, contributor)?;
    let name = crate::export::file_name_for(&shown, &format!("contributor-{contributor}"));
    let folder = out.join(format!("{name}-data"));
    if folder.exists() {
        return Err(PrivacyError::Exists { path: folder });
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PrivacyError::Write { path, source }
    };
    let partial = out.join(format!(".{name}-data.partial"));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(partial.join("submissions")).map_err(io(&partial))?;
    fs::create_dir_all(partial.join("evidence")).map_err(io(&partial))?;
    crate::library::private_dir(&partial).map_err(io(&partial))?;

    let person = rows_json(
        conn,
        "SELECT id, name, email, handle, created_at FROM contributors WHERE id = ?",
        contributor,
    )?;
    let submissions = rows_json(
        conn,
        &format!(
            "SELECT a.id AS asset_id, a.original_name, a.kind, a.format, a.width, a.height,
                a.duration_ms, a.captured_at, a.curation, a.rating, a.hash,
                s.channel, s.submitted_at, s.consent_text, s.original_path
             FROM assets a LEFT JOIN submissions s ON s.asset_id = a.id AND s.contributor_id = ?1
             WHERE a.id IN ({ASSETS_OF}) ORDER BY a.id"
        ),
        contributor,
    )?;
    let grants = rows_json(
        conn,
        "SELECT id, asset_id, decision, channels, territories, valid_from, valid_until, age, guardian,
            evidence_source, evidence_text, evidence_at, evidence_hash, decided_at, revoked_on, revoked_reason
         FROM grants WHERE contributor_id = ? ORDER BY id",
        contributor,
    )?;
    let requests = rows_json(
        conn,
        "SELECT id, asset_id, channels, territories, valid_from, valid_until, message, requested_at, followed_up_at
         FROM rights_requests WHERE contributor_id = ? ORDER BY id",
        contributor,
    )?;
    let events = rows_json(
        conn,
        &format!(
            "SELECT id, at, actor, action, asset_id, grant_id, detail FROM audit_events
             WHERE contributor_id = ?1 OR asset_id IN ({ASSETS_OF}) ORDER BY id"
        ),
        contributor,
    )?;
    let pieces = rows_json(
        conn,
        &format!(
            "SELECT DISTINCT p.id, p.name, c.name AS campaign FROM pieces p
             JOIN piece_assets pa ON pa.piece_id = p.id JOIN campaigns c ON c.id = p.campaign_id
             WHERE pa.asset_id IN ({ASSETS_OF}) ORDER BY p.id"
        ),
        contributor,
    )?;
    let exports = rows_json(
        conn,
        &format!(
            "SELECT DISTINCT e.id, e.piece_name, e.path, e.exported_at, e.valid_until FROM exports e
             JOIN export_assets ea ON ea.export_id = e.id WHERE ea.asset_id IN ({ASSETS_OF}) ORDER BY e.id"
        ),
        contributor,
    )?;
    let thanks = rows_json(
        conn,
        "SELECT piece_name, message, drafted_at, sent_at FROM thank_yous WHERE contributor_id = ?",
        contributor,
    )?;

    // Their own files, under the names they sent them with.
    let mut used = BTreeSet::new();
    for s in &submissions {
        let (Some(hash), Some(original)) = (s["hash"].as_str(), s["original_name"].as_str()) else {
            continue;
        };
        let Ok(h) = ContentHash::parse(hash) else {
            continue;
        };
        let path = Path::new(original);
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let mut file = crate::export::file_name_for(&stem, &hash[..12]);
        if let Some(ext) = path.extension() {
            file = format!(
                "{file}.{}",
                crate::export::file_name_for(&ext.to_string_lossy(), "bin")
            );
        }
        if !used.insert(file.clone()) {
            file = format!("{}-{file}", &hash[..8]);
        }
        let dest = partial.join("submissions").join(&file);
        fs::copy(lib.store().original(&h), &dest).map_err(io(&dest))?;
    }
    for g in &grants {
        let Some(hash) = g["evidence_hash"].as_str() else {
            continue;
        };
        let Ok(h) = ContentHash::parse(hash) else {
            continue;
        };
        let dest = partial.join("evidence").join(hash);
        if !dest.exists() {
            fs::copy(lib.store().original(&h), &dest).map_err(io(&dest))?;
        }
    }
    let data = serde_json::json!({
        "exported_at": crate::library::now(),
        "contributor": person.first(),
        "submissions": submissions,
        "grants": grants,
        "requests": requests,
        "audit_events": events,
        "pieces": pieces,
        "exports": exports,
        "thank_yous": thanks,
    });
    let json_path = partial.join("data.json");
    crate::library::write_private(
        &json_path,
        serde_json::to_string_pretty(&data).unwrap_or_default(),
    )
    .map_err(io(&json_path))?;

    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>What we hold about {n}</title>\
         <style>body{{font:15px system-ui,sans-serif;margin:2em;max-width:60em;color:#222}}\
         table{{border-collapse:collapse;width:100%;margin:.5em 0 2em}}td,th{{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}}\
         th{{background:#f3f3f3}}</style><h1>What we hold about {n}</h1>\
         <p>Everything this library keeps about you, as of {at}. Your files are in the <code>submissions</code> folder, \
         the evidence of your consent in <code>evidence</code>, and all of it as data in <code>data.json</code>.</p>",
        n = escape(&shown),
        at = escape(&crate::library::now()),
    );
    let mut section = |title: &str, rows: &[serde_json::Value], skip: &[&str]| {
        let _ = write!(html, "<h2>{}</h2>", escape(title));
        let Some(first) = rows.first().and_then(|r| r.as_object()) else {
            html.push_str("<p>None.</p>");
            return;
        };
        let cols: Vec<&String> = first
            .keys()
            .filter(|k| !skip.contains(&k.as_str()))
            .collect();
        html.push_str("<table><tr>");
        for c in &cols {
            let _ = write!(html, "<th>{}</th>", escape(&c.replace('_', " ")));
        }
        html.push_str("</tr>");
        for r in rows {
            html.push_str("<tr>");
            for c in &cols {
                let v = match &r[c.as_str()] {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let _ = write!(html, "<td>{}</td>", escape(&v));
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
    };
    section("Your details", &person, &[]);
    section("What you sent", &submissions, &["hash", "original_path"]);
    section("What you agreed to", &grants, &["evidence_hash"]);
    section("What we asked you", &requests, &[]);
    section("Where your work appears", &pieces, &[]);
    section("Exports that include it", &exports, &[]);
    section("Thank-you messages", &thanks, &[]);
    section("Everything recorded about your rights", &events, &[]);
    html.push_str("</html>\n");
    let html_path = partial.join("index.html");
    crate::library::write_private(&html_path, html).map_err(io(&html_path))?;
    fs::rename(&partial, &folder).map_err(io(&folder))?;
    Ok(folder)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_is_matched_as_a_whole_word_only() {
        use super::names;
        assert!(names("Thanks @ana.surfs!", "@ana.surfs"));
        assert!(names("@ANA.SURFS", "@ana.surfs"));
        assert!(names("Shot by Ana Souza.", "Ana Souza"));
        assert!(!names("@ana.surfsclub", "@ana.surfs"));
        assert!(!names("Hana Souzaki", "Ana Souza"));
    }
}
