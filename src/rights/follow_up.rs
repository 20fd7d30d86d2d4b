//! Requests nobody answered: listed once they have waited `follow_up_days`, and given one
//! polite follow-up, never more. A contributor who said no has answered, so is never
//! followed up; one who never answers after the follow-up is left alone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::request::{compose, Draft};
use super::{audit, RightsError, RightsSettings};
use crate::library::Library;

/// The follow-up message, shipped in `assets/brand/` and built into the binary.
pub const FOLLOW_UP_TEMPLATE: &str = include_str!("../../assets/brand/follow-up.txt");

/// One contributor's unanswered requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Unanswered {
    pub contributor_id: i64,
    pub contributor: String,
    pub asset_ids: Vec<i64>,
    pub original_names: Vec<String>,
    /// The day of the oldest unanswered request.
    pub asked_on: String,
    pub days_waiting: u32,
    /// When the one follow-up went, if it has.
    pub followed_up_on: Option<String>,
}

/// (request id, contributor, who, asset, original name, kind, requested day, followed up)
type Row = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    Option<String>,
);

/// Requests (the latest per contributor and asset) that no decision has answered and that
/// are at least `days` old on `today`, per contributor, longest waiting first.
pub fn unanswered(
    conn: &rusqlite::Connection,
    days: u32,
    today: NaiveDate,
) -> Result<Vec<Unanswered>, RightsError> {
    Ok(group(&open_requests(conn, days, today)?, today))
}

fn open_requests(
    conn: &rusqlite::Connection,
    days: u32,
    today: NaiveDate,
) -> Result<Vec<Row>, RightsError> {
    let cutoff = today - chrono::Days::new(u64::from(days));
    let mut stmt = conn.prepare(
        "SELECT r.id, r.contributor_id, coalesce(c.name, c.handle, c.email, 'contributor ' || c.id),
                r.asset_id, a.original_name, a.kind, substr(r.requested_at, 1, 10),
                substr(r.followed_up_at, 1, 10)
         FROM rights_requests r
         JOIN contributors c ON c.id = r.contributor_id
         JOIN assets a ON a.id = r.asset_id
         WHERE r.id = (SELECT max(id) FROM rights_requests
                       WHERE contributor_id = r.contributor_id AND asset_id = r.asset_id)
           AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.contributor_id = r.contributor_id
                           AND (g.asset_id = r.asset_id OR g.asset_id IS NULL)
                           AND g.decided_at >= r.requested_at)
           AND substr(r.requested_at, 1, 10) <= ?1
         ORDER BY r.requested_at, r.id",
    )?;
    let rows = stmt
        .query_map([cutoff.to_string()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<Row>>>()?;
    Ok(rows)
}

fn group(rows: &[Row], today: NaiveDate) -> Vec<Unanswered> {
    let mut by: BTreeMap<i64, Unanswered> = BTreeMap::new();
    for (_, contributor, who, asset, name, _, asked, followed) in rows {
        let entry = by.entry(*contributor).or_insert_with(|| Unanswered {
            contributor_id: *contributor,
            contributor: who.clone(),
            asset_ids: Vec::new(),
            original_names: Vec::new(),
            asked_on: asked.clone(),
            days_waiting: NaiveDate::parse_from_str(asked, "%Y-%m-%d")
                .map_or(0, |d| (today - d).num_days().max(0) as u32),
            followed_up_on: None,
        });
        entry.asset_ids.push(*asset);
        entry.original_names.push(name.clone());
        if followed.is_some() {
            entry.followed_up_on = entry.followed_up_on.clone().max(followed.clone());
        }
    }
    let mut out: Vec<Unanswered> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.days_waiting
            .cmp(&a.days_waiting)
            .then(a.contributor_id.cmp(&b.contributor_id))
    });
    out
}

/// Drafts the one follow-up for each contributor whose requests have waited long enough
/// and were never followed up, and records that it went (audited). Requests already
/// followed up are not drafted again, however long they wait.
pub fn follow_up(
    lib: &mut Library,
    settings: &RightsSettings,
    today: NaiveDate,
) -> Result<Vec<Draft>, RightsError> {
    let rows = open_requests(lib.conn(), settings.follow_up_days, today)?;
    let mut by: BTreeMap<i64, Vec<&Row>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.7.is_none()) {
        by.entry(row.1).or_default().push(row);
    }
    let tx = lib.conn_mut().transaction()?;
    let mut drafts = Vec::new();
    for (contributor, rows) in by {
        let items: Vec<(i64, String, String)> = rows
            .iter()
            .map(|r| (r.3, r.4.clone(), r.5.clone()))
            .collect();
        let asked = rows
            .iter()
            .map(|r| r.6.as_str())
            .min()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or_else(String::new, |d| d.format("%-d %B").to_string());
        let template = FOLLOW_UP_TEMPLATE.replace("{asked_on}", &asked);
        let draft = compose(&tx, contributor, &items, &template, settings)?;
        let now = crate::library::now();
        for r in &rows {
            tx.execute(
                "UPDATE rights_requests SET followed_up_at = ?1 WHERE id = ?2 AND followed_up_at IS NULL",
                params![now, r.0],
            )?;
            audit(
                &tx,
                "follow_up",
                Some(contributor),
                Some(r.3),
                None,
                serde_json::json!({ "request_id": r.0, "asked_on": r.6 }),
            )?;
        }
        drafts.push(draft);
    }
    tx.commit()?;
    Ok(drafts)
}
