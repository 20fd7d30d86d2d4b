//! Importing contributors' replies (e-mail or social, exported as CSV). A reply that says the
//! yes keyword in the contributor's own words, with nothing that negates, conditions or
//! jokes about it, grants what was asked; a clear no or stop denies (or withdraws an earlier
//! yes); anything else goes to a person with the reason. Chorus never guesses silently: "I
//! can't say #YesBrandCo" and "#YesBrandCo but not in paid ads" are not yeses.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::reading::{read_reply, Reading};
use super::{audit, insert_decision, Decision, Evidence, RightsError, RightsSettings, Scope};
use crate::library::Library;

#[derive(Debug, thiserror::Error)]
pub enum RepliesError {
    #[error("cannot read the replies file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("the replies file {path} needs a column for who replied (handle or email) and one for the reply text; found: {found}")]
    Columns { path: PathBuf, found: String },
    #[error(transparent)]
    Mail(#[from] super::mail::MailError),
    #[error("cannot keep the message from {origin} as evidence: {source}")]
    Store {
        origin: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Rights(#[from] RightsError),
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ReplyOutcome {
    Granted {
        grant_ids: Vec<i64>,
    },
    Denied {
        grant_ids: Vec<i64>,
    },
    Revoked {
        grants: usize,
    },
    /// Left for a person to decide, with why; kept in the Rights queue's replies.
    NeedsPerson {
        why: String,
    },
    /// The same message was imported before; nothing was recorded again.
    AlreadyImported,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Reply {
    pub line: usize,
    pub from: String,
    pub text: String,
    pub date: Option<String>,
    #[serde(flatten)]
    pub outcome: ReplyOutcome,
}

fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.contains(&crate::manifest::header_key(h).as_str()))
}

/// Imports replies from a CSV export, an e-mail saved as `.eml`, or an `.mbox` archive
/// (told apart by their contents, not their names).
pub fn import_replies(
    lib: &mut Library,
    path: &Path,
    settings: &RightsSettings,
) -> Result<Vec<Reply>, RepliesError> {
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(|e| RepliesError::Read {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
    if super::mail::is_mail(&head[..n]) {
        return import_mail(lib, path, settings);
    }
    let read_err = |source| RepliesError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = crate::manifest::open_csv(path).map_err(read_err)?;
    let headers = reader.headers().map_err(read_err)?.clone();
    let who = column(
        &headers,
        &[
            "handle",
            "email",
            "from",
            "sender",
            "contributor",
            "username",
        ],
    );
    let text_col = column(
        &headers,
        &["reply", "text", "message", "body", "replytext", "comment"],
    );
    let date_col = column(
        &headers,
        &["date", "receivedat", "repliedat", "timestamp", "sentat"],
    );
    let (Some(who), Some(text_col)) = (who, text_col) else {
        return Err(RepliesError::Columns {
            path: path.to_path_buf(),
            found: headers.iter().collect::<Vec<_>>().join(", "),
        });
    };
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(read_err)?;
        let from = record.get(who).unwrap_or_default().to_string();
        let text = record.get(text_col).unwrap_or_default().to_string();
        let date = date_col
            .and_then(|c| record.get(c))
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        let line = record.position().map_or(0, |p| p.line() as usize);
        let origin = format!("{}, line {line}", path.display());
        let outcome = decide_reply(lib, &from, &text, date.as_deref(), settings, None)?;
        keep_for_person(lib, &outcome, &from, &text, date.as_deref(), &origin, None)?;
        out.push(Reply {
            line,
            from,
            text,
            date,
            outcome,
        });
    }
    Ok(out)
}

/// Each message of a mail file: the sender matched by address, the words above the quote
/// read, the message stored whole as the evidence. A message seen before is skipped.
fn import_mail(
    lib: &mut Library,
    path: &Path,
    settings: &RightsSettings,
) -> Result<Vec<Reply>, RepliesError> {
    let mut out = Vec::new();
    for (i, message) in super::mail::read_mail(path)?.into_iter().enumerate() {
        let mail = match message {
            Ok(m) => m,
            Err(why) => {
                out.push(Reply {
                    line: i + 1,
                    from: String::new(),
                    text: String::new(),
                    date: None,
                    outcome: ReplyOutcome::NeedsPerson { why },
                });
                continue;
            }
        };
        let stored = lib
            .store()
            .put(std::io::Cursor::new(&mail.raw), u64::MAX)
            .map_err(|source| RepliesError::Store {
                origin: mail.origin.clone(),
                source,
            })?;
        let hash = match stored {
            crate::library::PutOutcome::Stored(s) => s.hash.to_string(),
            crate::library::PutOutcome::TooLarge(_) => unreachable!("no size limit on evidence"),
        };
        let seen: bool = lib.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM grants WHERE evidence_hash = ?1)
                 OR EXISTS (SELECT 1 FROM pending_replies WHERE evidence_hash = ?1)",
            [&hash],
            |r| r.get(0),
        )?;
        let outcome = if seen {
            ReplyOutcome::AlreadyImported
        } else if mail.from.is_empty() || !mail.from.contains('@') {
            ReplyOutcome::NeedsPerson {
                why: "the message has no sender address".into(),
            }
        } else {
            decide_reply(
                lib,
                &mail.from,
                &mail.text,
                mail.date.as_deref(),
                settings,
                Some(&hash),
            )?
        };
        keep_for_person(
            lib,
            &outcome,
            &mail.from,
            &mail.text,
            mail.date.as_deref(),
            &mail.origin,
            Some(&hash),
        )?;
        out.push(Reply {
            line: i + 1,
            from: mail.from,
            text: mail.text,
            date: mail.date,
            outcome,
        });
    }
    Ok(out)
}

/// A reply no rule could decide waits in the Rights queue for a person, with why.
fn keep_for_person(
    lib: &Library,
    outcome: &ReplyOutcome,
    from: &str,
    text: &str,
    date: Option<&str>,
    origin: &str,
    evidence_hash: Option<&str>,
) -> Result<(), RepliesError> {
    if let ReplyOutcome::NeedsPerson { why } = outcome {
        lib.conn().execute(
            "INSERT INTO pending_replies (sender, text, why, received_at, origin, evidence_hash, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![from, text, why, date, origin, evidence_hash, crate::library::now()],
        )?;
    }
    Ok(())
}

/// A reply waiting for a person.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PendingReply {
    pub id: i64,
    pub sender: String,
    pub text: String,
    pub why: String,
    pub received_at: Option<String>,
    pub origin: String,
    /// The stored message (blake3), when it came by e-mail.
    pub evidence_hash: Option<String>,
}

/// Marks a waiting reply as dealt with (the person recorded a grant or a no by hand, or
/// it needs nothing). It stays in the table; it leaves the queue. `false` when there is
/// no such reply waiting.
pub fn resolve_pending(conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE pending_replies SET resolved_at = ?1 WHERE id = ?2 AND resolved_at IS NULL",
        params![crate::library::now(), id],
    )?;
    Ok(changed == 1)
}

/// Replies waiting for a person, oldest first.
pub fn pending_replies(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<PendingReply>> {
    let mut stmt = conn.prepare(
        "SELECT id, sender, text, why, received_at, origin, evidence_hash FROM pending_replies
         WHERE resolved_at IS NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(PendingReply {
                id: r.get(0)?,
                sender: r.get(1)?,
                text: r.get(2)?,
                why: r.get(3)?,
                received_at: r.get(4)?,
                origin: r.get(5)?,
                evidence_hash: r.get(6)?,
            })
        })?
        .collect();
    rows
}

fn decide_reply(
    lib: &mut Library,
    from: &str,
    text: &str,
    date: Option<&str>,
    settings: &RightsSettings,
    evidence_hash: Option<&str>,
) -> Result<ReplyOutcome, RepliesError> {
    let handle = if from.starts_with('@') || from.contains('@') {
        from.to_string()
    } else {
        format!("@{from}")
    };
    let contributor: Option<i64> = lib
        .conn()
        .query_row(
            "SELECT id FROM contributors WHERE email = ?1 OR handle = ?2",
            params![from.trim(), handle.trim()],
            |r| r.get(0),
        )
        .optional()?;
    let Some(contributor) = contributor else {
        return Ok(ReplyOutcome::NeedsPerson {
            why: format!("nobody in the library has the address or handle '{from}'; a reply from an unknown sender never grants"),
        });
    };
    let by_email = from.contains('@') && !from.starts_with('@');
    let evidence = Evidence {
        text: Some(text.to_string()),
        source: if by_email { "email" } else { "social" }.to_string(),
        given_at: date.map(str::to_string),
        file: None,
    };
    let reading = read_reply(text, &settings.reply_keyword);
    let tx = lib.conn_mut().transaction()?;
    // The newest request per asset that no decision has answered since.
    let open: Vec<(i64, String, String, String, Option<String>)> = {
        let mut stmt = tx.prepare(
            "SELECT r.asset_id, r.channels, r.territories, r.valid_from, r.valid_until FROM rights_requests r
             WHERE r.contributor_id = ?1
               AND r.id = (SELECT max(id) FROM rights_requests WHERE contributor_id = ?1 AND asset_id = r.asset_id)
               AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.contributor_id = ?1 AND g.asset_id = r.asset_id
                               AND g.decided_at >= r.requested_at)
             ORDER BY r.asset_id",
        )?;
        let rows = stmt
            .query_map([contributor], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let outcome = match reading {
        Reading::NeedsPerson(why) => ReplyOutcome::NeedsPerson { why },
        Reading::Yes if open.is_empty() => ReplyOutcome::NeedsPerson {
            why: "a yes, but no open rights request for this contributor".into(),
        },
        Reading::Yes => {
            let mut ids = Vec::new();
            for (asset, channels, territories, from, until) in &open {
                let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
                let scope = Scope {
                    channels: serde_json::from_str(channels).unwrap_or_default(),
                    territories: serde_json::from_str(territories).unwrap_or_default(),
                    valid_from: date(from),
                    valid_until: until.as_deref().and_then(date),
                    // A reply says nothing reliable about age: what is on record stands.
                    age: super::established_age(&tx, contributor)?,
                    guardian: None,
                };
                ids.push(insert_decision(
                    &tx,
                    contributor,
                    Some(*asset),
                    Decision::Granted,
                    &scope,
                    &evidence,
                    evidence_hash,
                )?);
            }
            ReplyOutcome::Granted { grant_ids: ids }
        }
        Reading::No if open.is_empty() => {
            // "Stop" after a yes: withdraw what they granted.
            let today = chrono::Local::now().date_naive().to_string();
            let live: Vec<(i64, Option<i64>)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, asset_id FROM grants WHERE contributor_id = ? AND decision = 'granted' AND revoked_on IS NULL",
                )?;
                let rows = stmt
                    .query_map([contributor], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                rows
            };
            if live.is_empty() {
                ReplyOutcome::NeedsPerson {
                    why: "a no, but nothing was asked or granted".into(),
                }
            } else {
                for (id, asset) in &live {
                    tx.execute(
                        "UPDATE grants SET revoked_on = ?1, revoked_reason = ?2 WHERE id = ?3",
                        params![today, text, id],
                    )?;
                    audit(
                        &tx,
                        "revoke",
                        Some(contributor),
                        *asset,
                        Some(*id),
                        serde_json::json!({ "revoked_on": today, "reason": text, "source": evidence.source }),
                    )?;
                }
                ReplyOutcome::Revoked { grants: live.len() }
            }
        }
        Reading::No => {
            let mut ids = Vec::new();
            for (asset, ..) in &open {
                ids.push(insert_decision(
                    &tx,
                    contributor,
                    Some(*asset),
                    Decision::Denied,
                    &Scope::default(),
                    &evidence,
                    evidence_hash,
                )?);
            }
            ReplyOutcome::Denied { grant_ids: ids }
        }
    };
    tx.commit()?;
    Ok(outcome)
}
