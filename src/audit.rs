//! The audit log as a hash chain. Every event stores the blake3 of its detail and the hash
//! of the event before it, and its own hash covers both with every other field, so an
//! event edited, deleted or slipped in with sqlite3 (triggers dropped) breaks the chain at
//! that point. The detail is hashed apart so an erasure can blank a person's data in an
//! event (`redact`) without breaking the chain: the hash of what was there stays.
//!
//! This module sits below the catalog's migrations and the rights layer; what the events
//! mean (grants derived from them) is `rights::ledger`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The previous hash of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a redacted event's detail becomes.
pub const REDACTED: &str = r#"{"erased":true}"#;

/// One event as stored, with its links.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub contributor_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub grant_id: Option<i64>,
    pub detail: String,
    pub detail_hash: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
    pub redacted: bool,
}

/// The newest event, as an export records it: a later rewrite of the log cannot keep
/// both this id and this hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainHead {
    pub event_id: i64,
    pub hash: String,
}

fn hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

pub fn detail_hash(detail: &str) -> String {
    hex(detail.as_bytes())
}

/// The canonical encoding: a version tag, then a JSON array of the fields in a fixed
/// order (serde_json writes arrays the same way every time).
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    contributor: Option<i64>,
    asset: Option<i64>,
    grant: Option<i64>,
    detail_hash: &str,
    prev_hash: &str,
) -> String {
    let fields = serde_json::json!([
        id,
        at,
        actor,
        action,
        contributor,
        asset,
        grant,
        detail_hash,
        prev_hash
    ]);
    hex(format!("chorus-audit-1\n{fields}").as_bytes())
}

impl StoredEvent {
    /// The hash this event should carry, from its fields and its stored detail hash.
    pub fn expected_hash(&self) -> Option<String> {
        Some(event_hash(
            self.id,
            &self.at,
            &self.actor,
            &self.action,
            self.contributor_id,
            self.asset_id,
            self.grant_id,
            self.detail_hash.as_deref()?,
            self.prev_hash.as_deref()?,
        ))
    }
}

pub fn head(conn: &Connection) -> rusqlite::Result<Option<ChainHead>> {
    conn.query_row(
        "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1",
        [],
        |r| {
            Ok(ChainHead {
                event_id: r.get(0)?,
                hash: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            })
        },
    )
    .optional()
}

/// Appends one event, linked to the newest. Call inside the writer's transaction (every
/// library transaction is immediate, so no other writer can append in between).
#[allow(clippy::too_many_arguments)]
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    contributor: Option<i64>,
    asset: Option<i64>,
    grant: Option<i64>,
    detail: &str,
) -> rusqlite::Result<i64> {
    let (id, prev) = match head(conn)? {
        Some(h) => (h.event_id + 1, h.hash),
        None => (1, GENESIS.to_string()),
    };
    let dh = detail_hash(detail);
    let hash = event_hash(id, at, actor, action, contributor, asset, grant, &dh, &prev);
    conn.execute(
        "INSERT INTO audit_events (id, at, actor, action, contributor_id, asset_id, grant_id, detail,
            detail_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![id, at, actor, action, contributor, asset, grant, detail, dh, prev, hash],
    )?;
    Ok(id)
}

pub fn events(conn: &Connection) -> rusqlite::Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, contributor_id, asset_id, grant_id, detail, detail_hash,
                prev_hash, hash, redacted
         FROM audit_events ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(StoredEvent {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            contributor_id: r.get(4)?,
            asset_id: r.get(5)?,
            grant_id: r.get(6)?,
            detail: r.get(7)?,
            detail_hash: r.get(8)?,
            prev_hash: r.get(9)?,
            hash: r.get(10)?,
            redacted: r.get::<_, i64>(11)? != 0,
        })
    })?;
    rows.collect()
}

/// Where the chain is broken, with the sentence a person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Break {
    /// The event's fields no longer give its hash.
    Altered { event_id: i64 },
    /// Its detail no longer gives the detail hash it was sealed with.
    DetailAltered { event_id: i64 },
    /// Ids `from..=to` are gone.
    Missing { from: i64, to: i64 },
    /// It does not follow the event before it: one was put in or replaced.
    Inserted { event_id: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Altered { event_id } => write!(
                f,
                "audit event {event_id} was changed after it was written"
            ),
            Break::DetailAltered { event_id } => write!(
                f,
                "the detail of audit event {event_id} was changed after it was written"
            ),
            Break::Missing { from, to } if from == to => {
                write!(f, "audit event {from} was deleted")
            }
            Break::Missing { from, to } => write!(f, "audit events {from} to {to} were deleted"),
            Break::Inserted { event_id } => write!(
                f,
                "audit event {event_id} does not follow the one before it: it was inserted or replaced"
            ),
        }
    }
}

/// Walks the chain from the first event; every break, in order.
pub fn breaks(events: &[StoredEvent]) -> Vec<Break> {
    let mut out = Vec::new();
    let mut prev: Option<&StoredEvent> = None;
    for e in events {
        let expected_prev = prev.and_then(|p| p.hash.clone());
        let prev_id = prev.map_or(0, |p| p.id);
        if e.id > prev_id + 1 {
            out.push(Break::Missing {
                from: prev_id + 1,
                to: e.id - 1,
            });
        } else if e.prev_hash.as_deref() != Some(expected_prev.as_deref().unwrap_or(GENESIS)) {
            out.push(Break::Inserted { event_id: e.id });
        }
        if e.hash.is_none() || e.expected_hash() != e.hash {
            out.push(Break::Altered { event_id: e.id });
        } else if (!e.redacted && e.detail_hash.as_deref() != Some(&detail_hash(&e.detail)))
            || (e.redacted && e.detail != REDACTED)
        {
            out.push(Break::DetailAltered { event_id: e.id });
        }
        prev = Some(e);
    }
    out
}

/// Blanks the detail of every event about a contributor (erasure). The chain still
/// verifies: the hash of the detail that was there is kept. The trigger allows this one
/// change and no other.
pub fn redact_contributor(conn: &Connection, contributor: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE audit_events SET detail = ?1, redacted = 1 WHERE contributor_id = ?2 AND redacted = 0",
        params![REDACTED, contributor],
    )
}

/// Links every event written before the chain existed (migration 9). Runs once, inside
/// the migration's transaction, before the update trigger is put back.
pub fn seal_existing(conn: &Connection) -> rusqlite::Result<()> {
    let mut prev = GENESIS.to_string();
    for e in events(conn)? {
        let dh = detail_hash(&e.detail);
        let hash = event_hash(
            e.id,
            &e.at,
            &e.actor,
            &e.action,
            e.contributor_id,
            e.asset_id,
            e.grant_id,
            &dh,
            &prev,
        );
        conn.execute(
            "UPDATE audit_events SET detail_hash = ?1, prev_hash = ?2, hash = ?3 WHERE id = ?4",
            params![dh, prev, hash, e.id],
        )?;
        prev = hash;
    }
    Ok(())
}

/// The append-only rule, as the database enforces it from migration 9: no update but a
/// redaction (detail blanked, flag set, nothing else touched).
pub const NO_UPDATE_TRIGGER: &str = r#"
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    WHEN NOT (OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.detail = '{"erased":true}'
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
        AND NEW.action = OLD.action AND NEW.contributor_id IS OLD.contributor_id
        AND NEW.asset_id IS OLD.asset_id AND NEW.grant_id IS OLD.grant_id
        AND NEW.detail_hash IS OLD.detail_hash AND NEW.prev_hash IS OLD.prev_hash
        AND NEW.hash IS OLD.hash)
    BEGIN SELECT RAISE(ABORT, 'the rights audit log is append-only'); END;
"#;

/// Every grant as it stands, in the catalog's own columns: the start `rights::ledger`
/// derives grants from when a library predates the chain.
pub fn grants_snapshot(conn: &Connection) -> rusqlite::Result<serde_json::Value> {
    let mut stmt = conn.prepare(
        "SELECT id, contributor_id, asset_id, decision, channels, territories, valid_from,
                valid_until, age, guardian, revoked_on FROM grants ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(serde_json::json!({
            "id": r.get::<_, i64>(0)?,
            "contributor_id": r.get::<_, i64>(1)?,
            "asset_id": r.get::<_, Option<i64>>(2)?,
            "decision": r.get::<_, String>(3)?,
            "channels": r.get::<_, String>(4)?,
            "territories": r.get::<_, String>(5)?,
            "valid_from": r.get::<_, String>(6)?,
            "valid_until": r.get::<_, Option<String>>(7)?,
            "age": r.get::<_, String>(8)?,
            // A name is personal data and this event is nobody's to erase: only its hash.
            "guardian_hash": r.get::<_, Option<String>>(9)?.map(|g| detail_hash(&g)),
            "revoked_on": r.get::<_, Option<String>>(10)?,
        }))
    })?;
    Ok(serde_json::json!({ "grants": rows.collect::<rusqlite::Result<Vec<_>>>()? }))
}
