//! The thank-you loop: when a piece is exported, each contributor whose photo or clip is in
//! it gets a thank-you drafted from the brand's template (their name, the piece, where and
//! until when it runs), once per piece. The marketer sends it and marks it sent; the
//! Contributors view shows what each person has been featured in.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::campaign::Campaign;
use crate::piece::Piece;
use crate::rights::{self, RightsError, RightsSettings};

/// A thank-you to one contributor for one piece.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThankYou {
    pub id: i64,
    pub contributor_id: i64,
    pub contributor: String,
    pub email: Option<String>,
    pub piece_id: i64,
    pub piece_name: String,
    pub subject: String,
    pub body: String,
    /// A `mailto:` link when the contributor has one plausible address.
    pub mailto: Option<String>,
    pub drafted_at: String,
    pub sent_at: Option<String>,
}

/// Drafts a thank-you for every contributor featured in `piece` who has none for it yet;
/// returns the new ones' ids. Contributors are thanked once per piece, however often it is
/// exported again.
pub fn draft_for_piece(
    lib: &crate::library::Library,
    campaign: &Campaign,
    piece: &Piece,
    settings: &RightsSettings,
) -> Result<Vec<i64>, RightsError> {
    let conn = lib.conn();
    let mut by_contributor: BTreeMap<i64, Vec<(i64, String, String)>> = BTreeMap::new();
    for asset in piece.document.asset_ids() {
        let row: Option<(Option<i64>, String, String)> = conn
            .query_row(
                "SELECT contributor_id, original_name, kind FROM assets WHERE id = ?",
                [asset],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((Some(c), name, kind)) = row {
            let items = by_contributor.entry(c).or_default();
            if !items.iter().any(|(a, _, _)| *a == asset) {
                items.push((asset, name, kind));
            }
        }
    }
    let usage = &campaign.usage;
    let template = settings
        .thank_you
        .replace("{piece}", &piece.document.name)
        .replace("{campaign}", &campaign.name)
        .replace("{usage}", &rights::usage_words(usage))
        .replace("{until}", &usage.ends_on.format("%-d %B %Y").to_string());
    let mut ids = Vec::new();
    for (contributor, items) in by_contributor {
        let draft = rights::compose(conn, contributor, &items, &template, settings)?;
        let added = conn.execute(
            "INSERT OR IGNORE INTO thank_yous (contributor_id, piece_id, piece_name, message, drafted_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                contributor,
                piece.id,
                piece.document.name,
                serde_json::json!({ "subject": draft.subject, "body": draft.body }).to_string(),
                crate::library::now()
            ],
        )?;
        if added == 1 {
            let id = conn.last_insert_rowid();
            rights::audit(
                conn,
                "thank_you",
                Some(contributor),
                None,
                None,
                serde_json::json!({ "piece_id": piece.id, "thank_you_id": id }),
            )?;
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Thank-yous, newest first: one contributor's (what they have been featured in), or all.
pub fn list(
    conn: &rusqlite::Connection,
    contributor: Option<i64>,
) -> Result<Vec<ThankYou>, RightsError> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.contributor_id, coalesce(c.name, c.handle, c.email, 'contributor ' || c.id),
                c.email, t.piece_id, t.piece_name, t.message, t.drafted_at, t.sent_at
         FROM thank_yous t JOIN contributors c ON c.id = t.contributor_id
         WHERE ?1 IS NULL OR t.contributor_id = ?1
         ORDER BY t.id DESC",
    )?;
    let rows = stmt
        .query_map([contributor], |r| {
            let message: String = r.get(6)?;
            // The stored message is ours, but the catalog can be edited by hand: a row
            // that no longer parses shows empty rather than failing the whole list.
            let parsed: serde_json::Value = serde_json::from_str(&message).unwrap_or_default();
            let text = |k: &str| {
                parsed
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let email: Option<String> = r.get(3)?;
            let (subject, body) = (text("subject"), text("body"));
            let mailto = email
                .as_deref()
                .filter(|e| rights::single_address(e))
                .map(|e| rights::mailto(e, &subject, &body));
            Ok(ThankYou {
                id: r.get(0)?,
                contributor_id: r.get(1)?,
                contributor: r.get(2)?,
                email,
                piece_id: r.get(4)?,
                piece_name: r.get(5)?,
                subject,
                body,
                mailto,
                drafted_at: r.get(7)?,
                sent_at: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[derive(Debug, thiserror::Error)]
pub enum ThanksError {
    #[error("there is no thank-you {0}")]
    NoSuchThankYou(i64),
    #[error(transparent)]
    Rights(#[from] RightsError),
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

/// Records that a thank-you was sent (once: the first time stands).
pub fn mark_sent(conn: &rusqlite::Connection, id: i64) -> Result<ThankYou, ThanksError> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM thank_yous WHERE id = ?)",
        [id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(ThanksError::NoSuchThankYou(id));
    }
    conn.execute(
        "UPDATE thank_yous SET sent_at = ?1 WHERE id = ?2 AND sent_at IS NULL",
        params![crate::library::now(), id],
    )?;
    list(conn, None)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ThanksError::NoSuchThankYou(id))
}
