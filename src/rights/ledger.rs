//! The rights state as the audit chain tells it. Every grant's gate-relevant fields are
//! derived by replaying the events that wrote them (the seal, grants and denials, edits,
//! withdrawals, erasures) and compared with the catalog's rows: a row changed, added or
//! deleted in sqlite3 without an event differs, and the gate refuses to clear its
//! contributor's assets. A broken chain (an event edited, deleted or slipped in) means no
//! row can be trusted, and the gate clears nothing until it verifies.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{self, Break, ChainHead};

use super::RightsError;

/// The fields of a grant the gate reads, as text the way the catalog stores them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct GrantState {
    contributor: i64,
    asset: Option<i64>,
    decision: String,
    channels: BTreeSet<String>,
    territories: BTreeSet<String>,
    valid_from: String,
    valid_until: Option<String>,
    age: String,
    /// The blake3 of the guardian's name: the seal keeps no names.
    guardian: Option<String>,
    revoked_on: Option<String>,
}

/// A grant row that differs from its events, with what differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AlteredGrant {
    pub grant_id: i64,
    pub contributor_id: i64,
    pub what: String,
}

/// What `chorus rights verify` reports.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Verification {
    pub events: u32,
    pub head: Option<ChainHead>,
    /// Every break in the chain, first first.
    pub breaks: Vec<Break>,
    pub break_sentences: Vec<String>,
    pub altered: Vec<AlteredGrant>,
    /// Exports whose recorded chain head the chain no longer holds.
    pub exports_unanchored: Vec<String>,
}

impl Verification {
    pub fn verified(&self) -> bool {
        self.breaks.is_empty() && self.altered.is_empty() && self.exports_unanchored.is_empty()
    }

    /// The first thing wrong, as a sentence.
    pub fn first_problem(&self) -> Option<String> {
        self.break_sentences
            .first()
            .cloned()
            .or_else(|| {
                self.altered
                    .first()
                    .map(|a| format!("grant {}: {}", a.grant_id, a.what))
            })
            .or_else(|| self.exports_unanchored.first().cloned())
    }
}

fn guardian_hash(name: Option<&str>) -> Option<String> {
    name.filter(|g| !g.trim().is_empty())
        .map(audit::detail_hash)
}

/// A list stored as JSON text or written into an event as an array.
fn set_of(v: &Value) -> BTreeSet<String> {
    match v {
        Value::String(s) => serde_json::from_str::<Vec<String>>(s)
            .unwrap_or_default()
            .into_iter()
            .collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => BTreeSet::new(),
    }
}

fn opt_text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string).filter(|s| !s.is_empty())
}

/// What replaying the chain gives: each grant's state, the grants whose events cannot be
/// read (blanked without an erasure), and contributors erased.
#[derive(Default)]
struct Replay {
    grants: BTreeMap<i64, GrantState>,
    unreadable: BTreeMap<i64, i64>,
    erased: BTreeSet<i64>,
}

fn replay(events: &[audit::StoredEvent]) -> Replay {
    let mut r = Replay::default();
    for e in events {
        if e.action == "erase" {
            if let Some(c) = e.contributor_id {
                r.erased.insert(c);
                r.grants.retain(|_, g| g.contributor != c);
                r.unreadable.retain(|_, owner| *owner != c);
            }
            continue;
        }
        let touches_grant = matches!(e.action.as_str(), "grant" | "deny" | "edit" | "revoke");
        if e.redacted {
            if let (true, Some(id), Some(c)) = (touches_grant, e.grant_id, e.contributor_id) {
                r.unreadable.insert(id, c);
            }
            continue;
        }
        let detail: Value = serde_json::from_str(&e.detail).unwrap_or(Value::Null);
        match e.action.as_str() {
            "seal" => {
                // The library as it stood when the chain began: earlier events are linked
                // but not read, since older versions wrote other fields.
                r.grants.clear();
                for g in detail["grants"].as_array().into_iter().flatten() {
                    let (Some(id), Some(contributor)) =
                        (g["id"].as_i64(), g["contributor_id"].as_i64())
                    else {
                        continue;
                    };
                    r.grants.insert(
                        id,
                        GrantState {
                            contributor,
                            asset: g["asset_id"].as_i64(),
                            decision: g["decision"].as_str().unwrap_or_default().to_string(),
                            channels: set_of(&g["channels"]),
                            territories: set_of(&g["territories"]),
                            valid_from: g["valid_from"].as_str().unwrap_or_default().to_string(),
                            valid_until: opt_text(&g["valid_until"]),
                            age: g["age"].as_str().unwrap_or_default().to_string(),
                            guardian: opt_text(&g["guardian_hash"]),
                            revoked_on: opt_text(&g["revoked_on"]),
                        },
                    );
                }
            }
            "grant" | "deny" => {
                let (Some(id), Some(contributor)) = (e.grant_id, e.contributor_id) else {
                    continue;
                };
                r.grants.insert(
                    id,
                    GrantState {
                        contributor,
                        asset: e.asset_id,
                        decision: if e.action == "grant" {
                            "granted".into()
                        } else {
                            "denied".into()
                        },
                        channels: set_of(&detail["channels"]),
                        territories: set_of(&detail["territories"]),
                        valid_from: detail["valid_from"].as_str().unwrap_or_default().into(),
                        valid_until: opt_text(&detail["valid_until"]),
                        age: detail["age"].as_str().unwrap_or("unknown").to_string(),
                        guardian: guardian_hash(detail["guardian"].as_str()),
                        revoked_on: None,
                    },
                );
            }
            "edit" => {
                let Some(g) = e.grant_id.and_then(|id| r.grants.get_mut(&id)) else {
                    continue;
                };
                let after = &detail["after"];
                g.channels = set_of(&after["channels"]);
                g.territories = set_of(&after["territories"]);
                g.valid_until = opt_text(&after["valid_until"]);
                g.guardian = guardian_hash(after["guardian"].as_str());
            }
            "revoke" => {
                if let Some(g) = e.grant_id.and_then(|id| r.grants.get_mut(&id)) {
                    g.revoked_on = opt_text(&detail["revoked_on"]);
                }
            }
            _ => {}
        }
    }
    r
}

fn rows(conn: &Connection) -> rusqlite::Result<BTreeMap<i64, GrantState>> {
    let mut stmt = conn.prepare(
        "SELECT id, contributor_id, asset_id, decision, channels, territories, valid_from,
                valid_until, age, guardian, revoked_on FROM grants",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            GrantState {
                contributor: r.get(1)?,
                asset: r.get(2)?,
                decision: r.get(3)?,
                channels: set_of(&Value::String(r.get(4)?)),
                territories: set_of(&Value::String(r.get(5)?)),
                valid_from: r.get(6)?,
                valid_until: r.get::<_, Option<String>>(7)?.filter(|s| !s.is_empty()),
                age: r.get(8)?,
                guardian: guardian_hash(r.get::<_, Option<String>>(9)?.as_deref()),
                revoked_on: r.get::<_, Option<String>>(10)?.filter(|s| !s.is_empty()),
            },
        ))
    })?;
    rows.collect()
}

fn differences(row: &GrantState, derived: &GrantState) -> Vec<String> {
    let mut out = Vec::new();
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "empty".into());
    if row.contributor != derived.contributor || row.asset != derived.asset {
        out.push("it was moved to another contributor or asset".to_string());
    }
    if row.decision != derived.decision {
        out.push(format!(
            "it says {} where its events say {}",
            row.decision, derived.decision
        ));
    }
    if row.channels != derived.channels {
        out.push("its channels differ from its events".to_string());
    }
    if row.territories != derived.territories {
        out.push("its territories differ from its events".to_string());
    }
    if row.valid_from != derived.valid_from || row.valid_until != derived.valid_until {
        out.push(format!(
            "its dates differ from its events (until {} where they say {})",
            show(&row.valid_until),
            show(&derived.valid_until)
        ));
    }
    if row.age != derived.age {
        out.push(format!(
            "its age is {} where its events say {}",
            row.age, derived.age
        ));
    }
    if row.guardian != derived.guardian {
        out.push("its guardian differs from its events".to_string());
    }
    if row.revoked_on != derived.revoked_on {
        out.push(format!(
            "its withdrawal is {} where its events say {}",
            show(&row.revoked_on),
            show(&derived.revoked_on)
        ));
    }
    out
}

fn altered(
    conn: &Connection,
    events: &[audit::StoredEvent],
) -> rusqlite::Result<Vec<AlteredGrant>> {
    let replay = replay(events);
    let rows = rows(conn)?;
    let mut out = Vec::new();
    for (id, row) in &rows {
        if let Some(owner) = replay.unreadable.get(id) {
            out.push(AlteredGrant {
                grant_id: *id,
                contributor_id: *owner,
                what: "its events were blanked, though its contributor was never erased".into(),
            });
            continue;
        }
        match replay.grants.get(id) {
            None => out.push(AlteredGrant {
                grant_id: *id,
                contributor_id: row.contributor,
                what: "no audit event records it: it was added to the catalog by hand".into(),
            }),
            Some(derived) => {
                let diff = differences(row, derived);
                if !diff.is_empty() {
                    out.push(AlteredGrant {
                        grant_id: *id,
                        contributor_id: row.contributor,
                        what: diff.join("; "),
                    });
                }
            }
        }
    }
    for (id, derived) in &replay.grants {
        if !rows.contains_key(id) {
            out.push(AlteredGrant {
                grant_id: *id,
                contributor_id: derived.contributor,
                what: format!(
                    "the {} its events record was deleted from the catalog",
                    if derived.decision == "denied" {
                        "denial"
                    } else {
                        "grant"
                    }
                ),
            });
        }
    }
    out.sort_by_key(|a| a.grant_id);
    Ok(out)
}

/// Walks the chain, derives every grant from it and compares with the catalog.
pub fn verify(conn: &Connection) -> Result<Verification, RightsError> {
    let events = audit::events(conn)?;
    let breaks = audit::breaks(&events);
    let altered = altered(conn, &events)?;
    // An export recorded the chain's head when it was made: a chain rewritten since
    // (every hash recomputed) no longer holds that id with that hash.
    let mut exports_unanchored = Vec::new();
    let by_id: BTreeMap<i64, &audit::StoredEvent> = events.iter().map(|e| (e.id, e)).collect();
    let mut stmt = conn
        .prepare("SELECT path, chain_head FROM exports WHERE chain_head IS NOT NULL ORDER BY id")?;
    let heads = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (path, head) in heads {
        let Ok(head) = serde_json::from_str::<ChainHead>(&head) else {
            exports_unanchored.push(format!(
                "the export at {path} records a chain head that cannot be read"
            ));
            continue;
        };
        let holds = by_id
            .get(&head.event_id)
            .is_some_and(|e| e.hash.as_deref() == Some(head.hash.as_str()));
        if !holds {
            exports_unanchored.push(format!(
                "the export at {path} was made when audit event {} had hash {}, which the log no longer holds: it was rewritten",
                head.event_id,
                &head.hash[..head.hash.len().min(12)]
            ));
        }
    }
    Ok(Verification {
        events: events.len() as u32,
        head: audit::head(conn)?,
        break_sentences: breaks.iter().map(|b| b.to_string()).collect(),
        breaks,
        altered,
        exports_unanchored,
    })
}

/// What the gate needs of the verification: is the chain whole, and whose grants differ.
#[derive(Debug, Default)]
pub struct Trust {
    pub first_break: Option<i64>,
    pub altered: BTreeMap<i64, i64>,
}

impl Trust {
    /// Why this contributor's grants cannot be trusted, if they cannot.
    pub fn blocker(&self, contributor: Option<i64>) -> Option<super::Blocker> {
        if let Some(at_event) = self.first_break {
            return Some(super::Blocker::AuditBroken { at_event });
        }
        let c = contributor?;
        self.altered
            .iter()
            .find(|(_, owner)| **owner == c)
            .map(|(grant_id, _)| super::Blocker::GrantAltered {
                grant_id: *grant_id,
            })
    }
}

type TrustKey = (String, i64, u64, Option<i64>);

thread_local! {
    static TRUST: RefCell<Option<(TrustKey, Rc<Trust>)>> = const { RefCell::new(None) };
}

/// The gate's view, cached until the catalog changes (this connection's writes, or any
/// other connection's: `data_version`), so a grid of thousands asks once.
pub fn trust(conn: &Connection) -> Result<Rc<Trust>, RightsError> {
    let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    let newest: Option<i64> =
        conn.query_row("SELECT max(id) FROM audit_events", [], |r| r.get(0))?;
    let key = (
        conn.path().unwrap_or_default().to_string(),
        version,
        conn.total_changes(),
        newest,
    );
    if let Some(hit) = TRUST.with(|t| {
        t.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }) {
        return Ok(hit);
    }
    let events = audit::events(conn)?;
    let first_break = audit::breaks(&events).first().map(|b| match b {
        Break::Altered { event_id }
        | Break::DetailAltered { event_id }
        | Break::Inserted { event_id } => *event_id,
        Break::Missing { from, .. } => *from,
    });
    let altered = altered(conn, &events)?
        .into_iter()
        .map(|a| (a.grant_id, a.contributor_id))
        .collect();
    let trust = Rc::new(Trust {
        first_break,
        altered,
    });
    TRUST.with(|t| *t.borrow_mut() = Some((key, trust.clone())));
    Ok(trust)
}
