//! Campaigns: a name and a usage (channels, territories, run dates). The usage is what the
//! rights gate checks every asset against; pieces (`crate::piece`) belong to a campaign.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::usage::{self, Channel, Usage};

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("no campaign named '{0}' (see `chorus campaign ls`)")]
    NotFound(String),
    #[error("a campaign named '{0}' already exists")]
    Exists(String),
    #[error(
        "'{0}' is not a channel (use web, social, paid_social, tv, out_of_home, print, email)"
    )]
    BadChannel(String),
    #[error(
        "'{0}' is not a territory (use ISO 3166 two-letter codes such as US or GB, or worldwide)"
    )]
    BadTerritory(String),
    #[error("'{0}' is not a date (use YYYY-MM-DD)")]
    BadDate(String),
    #[error("the campaign ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("name at least one {0}")]
    Empty(&'static str),
    #[error("the piece is not valid: {0}")]
    InvalidPiece(String),
    #[error("this campaign already has a piece named '{0}'")]
    PieceExists(String),
    #[error("no piece '{0}' (see `chorus piece ls --campaign C`)")]
    NoSuchPiece(String),
    #[error("several pieces are named '{name}' ({campaigns}): give the piece's id")]
    AmbiguousPiece { name: String, campaigns: String },
    #[error("rights check failed: {0}")]
    Rights(String),
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub usage: Usage,
}

pub fn parse_date(s: &str) -> Result<NaiveDate, CampaignError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| CampaignError::BadDate(s.to_string()))
}

/// Parses comma-separated channels, e.g. `web,paid-social`.
pub fn parse_channels(s: &str) -> Result<BTreeSet<Channel>, CampaignError> {
    let set = s
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(|c| Channel::parse(c).ok_or_else(|| CampaignError::BadChannel(c.trim().to_string())))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if set.is_empty() {
        return Err(CampaignError::Empty("channel"));
    }
    Ok(set)
}

/// Parses comma-separated territories, e.g. `US,GB` or `worldwide`.
pub fn parse_territories(s: &str) -> Result<BTreeSet<String>, CampaignError> {
    let set = s
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            usage::parse_territory(t)
                .ok_or_else(|| CampaignError::BadTerritory(t.trim().to_string()))
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    if set.is_empty() {
        return Err(CampaignError::Empty("territory"));
    }
    Ok(set)
}

pub fn create(conn: &Connection, name: &str, usage: &Usage) -> Result<Campaign, CampaignError> {
    if usage.ends_on < usage.starts_on {
        return Err(CampaignError::EndsBeforeStart {
            start: usage.starts_on,
            end: usage.ends_on,
        });
    }
    let exists: Option<i64> = conn
        .query_row("SELECT id FROM campaigns WHERE name = ?", [name], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_some() {
        return Err(CampaignError::Exists(name.to_string()));
    }
    conn.execute(
        "INSERT INTO campaigns (name, channels, territories, starts_on, ends_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            name,
            serde_json::to_string(&usage.channels).unwrap_or_default(),
            serde_json::to_string(&usage.territories).unwrap_or_default(),
            usage.starts_on.to_string(),
            usage.ends_on.to_string(),
            crate::library::now()
        ],
    )?;
    get(conn, name)
}

/// Changes a campaign's name and usage. Clearance is derived from the usage every time, so
/// pieces re-check against the new channels, territories and dates at once.
pub fn update(
    conn: &Connection,
    id: i64,
    name: &str,
    usage: &Usage,
) -> Result<Campaign, CampaignError> {
    if usage.ends_on < usage.starts_on {
        return Err(CampaignError::EndsBeforeStart {
            start: usage.starts_on,
            end: usage.ends_on,
        });
    }
    let clash: Option<i64> = conn
        .query_row(
            "SELECT id FROM campaigns WHERE name = ?1 AND id <> ?2",
            params![name, id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(CampaignError::Exists(name.to_string()));
    }
    let n = conn.execute(
        "UPDATE campaigns SET name = ?1, channels = ?2, territories = ?3, starts_on = ?4, ends_on = ?5 WHERE id = ?6",
        params![
            name,
            serde_json::to_string(&usage.channels).unwrap_or_default(),
            serde_json::to_string(&usage.territories).unwrap_or_default(),
            usage.starts_on.to_string(),
            usage.ends_on.to_string(),
            id
        ],
    )?;
    if n == 0 {
        return Err(CampaignError::NotFound(id.to_string()));
    }
    get(conn, &id.to_string())
}

pub fn get(conn: &Connection, name: &str) -> Result<Campaign, CampaignError> {
    conn.query_row(
        "SELECT id, name, channels, territories, starts_on, ends_on FROM campaigns WHERE name = ?1 OR CAST(id AS TEXT) = ?1",
        [name],
        row_to_campaign,
    )
    .optional()?
    .ok_or_else(|| CampaignError::NotFound(name.to_string()))
}

pub fn list(conn: &Connection) -> Result<Vec<Campaign>, CampaignError> {
    let mut stmt = conn.prepare(
        "SELECT id, name, channels, territories, starts_on, ends_on FROM campaigns ORDER BY id",
    )?;
    let rows = stmt.query_map([], row_to_campaign)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row_to_campaign(r: &rusqlite::Row) -> rusqlite::Result<Campaign> {
    let date = |i: usize| -> rusqlite::Result<NaiveDate> {
        let s: String = r.get(i)?;
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    let channels: String = r.get(2)?;
    let territories: String = r.get(3)?;
    Ok(Campaign {
        id: r.get(0)?,
        name: r.get(1)?,
        usage: Usage {
            channels: serde_json::from_str(&channels).unwrap_or_default(),
            territories: serde_json::from_str(&territories).unwrap_or_default(),
            starts_on: date(4)?,
            ends_on: date(5)?,
        },
    })
}
