//! Read models for the desktop app: one call gathers what a screen shows, so the shell
//! stays a thin door and no screen re-derives engine logic.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::campaign::{self, Campaign};
use crate::catalog::{self, AssetDetail, Contributor};
use crate::library::Library;
use crate::piece::{self, Piece, Preset};
use crate::rights::{self, AuditEvent, DueGrant, Grant, RightsError, RightsStatus};

/// What the asset panel shows: the asset, its files, and where its rights stand.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetView {
    pub detail: AssetDetail,
    pub rights_status: RightsStatus,
    /// Grants and denials that apply to it (its own and its contributor's), oldest first.
    pub grants: Vec<Grant>,
    /// The audit history for it, oldest first.
    pub history: Vec<AuditEvent>,
}

pub fn asset_view(lib: &Library, id: i64, today: NaiveDate) -> Result<AssetView, RightsError> {
    let detail = catalog::detail(lib, id)?;
    let standing = rights::asset_rights(lib.conn(), id)?;
    let contributor = detail.asset.contributor.as_ref().map(|c| c.id);
    Ok(AssetView {
        rights_status: rights::status(&standing, today),
        grants: standing.grants,
        history: rights::audit_log_for(lib.conn(), id, contributor)?,
        detail,
    })
}

/// A contributor and how their assets stand.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ContributorRow {
    pub contributor: Contributor,
    pub assets: i64,
    /// Assets by rights status; statuses with none are left out.
    pub statuses: Vec<(RightsStatus, i64)>,
}

pub fn contributors(
    conn: &Connection,
    today: NaiveDate,
) -> Result<Vec<ContributorRow>, RightsError> {
    let statuses = rights::all_statuses(conn, today)?;
    // One pass over the assets, counting each contributor's statuses as it goes.
    let mut counts: HashMap<i64, Vec<(RightsStatus, i64)>> = HashMap::new();
    let mut stmt = conn
        .prepare_cached("SELECT id, contributor_id FROM assets WHERE contributor_id IS NOT NULL")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (asset, contributor) = row?;
        let Some(status) = statuses.get(&asset) else {
            continue;
        };
        let mine = counts.entry(contributor).or_default();
        match mine.iter_mut().find(|(s, _)| s == status) {
            Some((_, n)) => *n += 1,
            None => mine.push((*status, 1)),
        }
    }
    Ok(catalog::contributors(conn)?
        .into_iter()
        .map(|(contributor, assets)| {
            let mut statuses = counts.remove(&contributor.id).unwrap_or_default();
            statuses.sort_by_key(|(s, _)| s.as_str());
            ContributorRow {
                contributor,
                assets,
                statuses,
            }
        })
        .collect())
}

/// One asset in a rights queue.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueueItem {
    pub asset_id: i64,
    pub original_name: String,
    pub contributor: Option<String>,
    pub status: RightsStatus,
}

/// The rights work to do. "To request" holds only assets in play (shortlisted or
/// selected): nobody asks for permission on what they will not use.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RightsQueue {
    pub to_request: Vec<QueueItem>,
    pub awaiting_answer: Vec<QueueItem>,
    pub expiring_soon: Vec<DueGrant>,
    pub revoked: Vec<QueueItem>,
}

/// Grants ending within this many days count as expiring soon.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

pub fn rights_queue(conn: &Connection, today: NaiveDate) -> Result<RightsQueue, RightsError> {
    let in_play: std::collections::HashSet<i64> =
        rights::campaign_assets(conn)?.into_iter().collect();
    let mut queue = RightsQueue {
        to_request: Vec::new(),
        awaiting_answer: Vec::new(),
        expiring_soon: rights::due(conn, EXPIRING_WITHIN_DAYS, today)?,
        revoked: Vec::new(),
    };
    for s in rights::asset_statuses(conn, today)? {
        let item = QueueItem {
            asset_id: s.asset_id,
            original_name: s.original_name,
            contributor: s.contributor,
            status: s.status,
        };
        match s.status {
            RightsStatus::Unrequested | RightsStatus::Expired
                if in_play.contains(&item.asset_id) =>
            {
                queue.to_request.push(item)
            }
            RightsStatus::Requested => queue.awaiting_answer.push(item),
            RightsStatus::Revoked => queue.revoked.push(item),
            _ => {}
        }
    }
    Ok(queue)
}

/// A submission as the Inbox lists it: the newest first, with who sent it and where its
/// rights stand.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Arrival {
    pub asset_id: i64,
    pub original_name: String,
    pub kind: String,
    pub contributor: Option<String>,
    pub status: RightsStatus,
    /// When it was catalogued (RFC 3339).
    pub received_at: String,
    /// "form" when a form export named who sent it, else "folder".
    pub channel: String,
}

/// The latest submissions, newest first (at most `limit`, 1 to 500).
pub fn recent_arrivals(
    conn: &Connection,
    today: NaiveDate,
    limit: u32,
) -> Result<Vec<Arrival>, RightsError> {
    rights::refresh_statuses(conn, today)?;
    let mut stmt = conn.prepare(
        "SELECT a.id, a.original_name, a.kind, coalesce(c.name, c.handle, c.email),
                coalesce(a.rights_status, 'unrequested'), s.recorded_at, s.channel
         FROM submissions s
         JOIN assets a ON a.id = s.asset_id
         LEFT JOIN contributors c ON c.id = a.contributor_id
         WHERE s.rowid = (SELECT max(rowid) FROM submissions WHERE asset_id = a.id)
         ORDER BY s.recorded_at DESC, a.id DESC
         LIMIT ?",
    )?;
    let rows = stmt
        .query_map([limit.clamp(1, 500)], |r| {
            let status: String = r.get(4)?;
            Ok(Arrival {
                asset_id: r.get(0)?,
                original_name: r.get(1)?,
                kind: r.get(2)?,
                contributor: r.get(3)?,
                status: match status.as_str() {
                    "requested" => RightsStatus::Requested,
                    "granted" => RightsStatus::Granted,
                    "denied" => RightsStatus::Denied,
                    "revoked" => RightsStatus::Revoked,
                    "expired" => RightsStatus::Expired,
                    // Anything else (an edit by hand) is shown as not yet asked.
                    _ => RightsStatus::Unrequested,
                },
                received_at: r.get(5)?,
                channel: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What the library grid asks for: a catalog filter, a rights status, and a window.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Browse {
    #[serde(flatten)]
    pub filter: catalog::Filter,
    pub rights: Option<RightsStatus>,
}

/// One window of the grid, with each asset's rights status for its badge.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetsPage {
    pub total: i64,
    pub offset: u32,
    pub assets: Vec<catalog::Asset>,
    /// `assets[i]`'s status, derived from its grants as the gate reads them (never from
    /// the kept column, which a hand edit could change).
    pub rights: Vec<RightsStatus>,
}

pub fn browse(
    conn: &Connection,
    query: &Browse,
    today: NaiveDate,
) -> Result<AssetsPage, RightsError> {
    let mut filter = query.filter.clone();
    if let Some(wanted) = query.rights {
        // Kept per asset and refreshed as grants, requests and the calendar move: deriving
        // every status on each page took 65-105 ms at 100,000 assets.
        rights::refresh_statuses(conn, today)?;
        filter.rights_status = Some(wanted.as_str().to_string());
    }
    let page = catalog::page(conn, &filter)?;
    let rights = page
        .assets
        .iter()
        .map(|a| Ok(rights::status(&rights::asset_rights(conn, a.id)?, today)))
        .collect::<Result<_, RightsError>>()?;
    Ok(AssetsPage {
        total: page.total,
        offset: page.offset,
        assets: page.assets,
        rights,
    })
}

/// An asset a piece cannot use yet, and why, in a marketer's words.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BlockedAsset {
    pub asset_id: i64,
    pub original_name: String,
    pub contributor: Option<String>,
    pub reasons: Vec<String>,
}

/// One piece in a campaign list: what it is and whether anything blocks it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PieceSummary {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub preset: Preset,
    pub version: i64,
    pub duration_ms: u64,
    pub assets: u32,
    pub blocked: Vec<BlockedAsset>,
    /// The content hash of its first asset, whose thumbnail stands for the piece.
    pub poster: Option<String>,
}

/// Where a campaign's assets (those its pieces use and those in play) stand for its usage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClearanceCounts {
    /// Usable in this campaign (granted for its channels, territories and days, or
    /// overridden with a reason).
    pub cleared: u32,
    /// Asked, no answer yet: nothing to do but wait (or follow up).
    pub awaiting: u32,
    /// Never asked: a rights request is the next step.
    pub unasked: u32,
    /// Anything else: a no, a withdrawal, a grant too narrow or too short, a minor...
    pub blocked: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub pieces: Vec<PieceSummary>,
    pub assets: ClearanceCounts,
    /// Grants its assets rely on that end within 30 days or before the campaign does.
    pub expiring: Vec<DueGrant>,
}

/// The campaign home: every campaign, and what arrived lately.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignHome {
    pub campaigns: Vec<CampaignSummary>,
    /// Submissions catalogued in the last seven days.
    pub new_this_week: u32,
}

fn blocked_assets(
    conn: &Connection,
    campaign: &Campaign,
    piece: &Piece,
) -> Result<Vec<BlockedAsset>, RightsError> {
    let status = piece::status(conn, campaign, piece)?;
    status
        .blocked
        .into_iter()
        .map(|(asset_id, blockers)| {
            let a = catalog::get(conn, asset_id)?;
            Ok(BlockedAsset {
                asset_id,
                original_name: a.original_name,
                contributor: a.contributor.and_then(|c| c.handle.or(c.name).or(c.email)),
                reasons: blockers.iter().map(ToString::to_string).collect(),
            })
        })
        .collect()
}

fn summary(conn: &Connection, campaign: &Campaign, p: &Piece) -> Result<PieceSummary, RightsError> {
    Ok(PieceSummary {
        id: p.id,
        name: p.document.name.clone(),
        kind: p.document.kind_name().to_string(),
        preset: p.document.preset,
        version: p.version,
        duration_ms: p.document.duration_ms(),
        assets: p.document.asset_ids().len() as u32,
        blocked: blocked_assets(conn, campaign, p)?,
        poster: match p.document.asset_ids().first() {
            Some(&id) => found(catalog::get(conn, id))?.map(|a| a.hash),
            None => None,
        },
    })
}

/// An asset a piece still names may be gone (erased at its contributor's request).
fn found(
    got: Result<catalog::Asset, catalog::CatalogError>,
) -> Result<Option<catalog::Asset>, catalog::CatalogError> {
    match got {
        Ok(a) => Ok(Some(a)),
        Err(catalog::CatalogError::NoSuchAsset(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sorts one clearance into the home's four counts.
fn count(counts: &mut ClearanceCounts, clearance: &rights::Clearance) {
    use rights::{Blocker, Clearance};
    let all = |blockers: &[Blocker], one: &Blocker| blockers.iter().all(|b| b == one);
    match clearance {
        Clearance::Cleared { .. } | Clearance::Overridden { .. } => counts.cleared += 1,
        Clearance::Blocked { blockers } if all(blockers, &Blocker::AwaitingAnswer) => {
            counts.awaiting += 1
        }
        Clearance::Blocked { blockers } if all(blockers, &Blocker::NoGrant) => counts.unasked += 1,
        Clearance::Blocked { .. } => counts.blocked += 1,
    }
}

/// Every campaign with its pieces and what blocks each, for the Campaigns screen.
pub fn campaigns(conn: &Connection, today: NaiveDate) -> Result<CampaignHome, RightsError> {
    let in_play = rights::campaign_assets(conn)?;
    let due = rights::due(conn, EXPIRING_WITHIN_DAYS, today)?;
    let campaigns = campaign::list(conn)?
        .into_iter()
        .map(|c| {
            let stored = piece::list(conn, &c)?;
            let pieces = stored
                .iter()
                .map(|p| summary(conn, &c, p))
                .collect::<Result<_, _>>()?;
            // Its assets: what its pieces use, and what is in play for pieces to come.
            let mut ids: std::collections::BTreeSet<i64> = in_play.iter().copied().collect();
            ids.extend(stored.iter().flat_map(|p| p.document.asset_ids()));
            let mut assets = ClearanceCounts::default();
            let mut contributors = std::collections::HashSet::new();
            for &id in &ids {
                count(&mut assets, &rights::clearance_on(conn, id, &c, today)?);
                if let Some(a) = found(catalog::get(conn, id))? {
                    contributors.insert(a.contributor.map(|p| p.id));
                }
            }
            let horizon = today + chrono::Duration::days(EXPIRING_WITHIN_DAYS);
            let expiring = due
                .iter()
                .filter(|d| match d.asset_id {
                    Some(a) => ids.contains(&a),
                    // A grant for all of a contributor's assets.
                    None => contributors.contains(&d.contributor_id),
                })
                .filter_map(|d| {
                    // Said for this campaign: the list names another campaign's end.
                    let reason = if d.valid_until < c.usage.ends_on && c.usage.ends_on >= today {
                        format!("ends before this campaign does ({})", c.usage.ends_on)
                    } else if d.valid_until <= horizon {
                        format!("ends in {} day(s)", (d.valid_until - today).num_days())
                    } else {
                        return None;
                    };
                    Some(DueGrant {
                        reason,
                        ..d.clone()
                    })
                })
                .collect();
            Ok(CampaignSummary {
                campaign: c,
                pieces,
                assets,
                expiring,
            })
        })
        .collect::<Result<_, RightsError>>()?;
    let cutoff = (chrono::Utc::now() - chrono::Duration::days(7))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let new_this_week = conn.query_row(
        "SELECT count(DISTINCT s.asset_id) FROM submissions s JOIN assets a ON a.id = s.asset_id
         WHERE s.recorded_at >= ?1",
        [cutoff],
        |r| r.get(0),
    )?;
    Ok(CampaignHome {
        campaigns,
        new_this_week,
    })
}

/// What the piece editor shows: the document, its campaign, the assets it uses (for
/// posters, filmstrips and lengths) and what blocks it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PieceView {
    pub piece: Piece,
    pub campaign: Campaign,
    pub assets: Vec<catalog::Asset>,
    pub duration_ms: u64,
    /// The length the piece is meant to run (a montage's `target_ms`), else its own length.
    pub target_ms: u64,
    pub blocked: Vec<BlockedAsset>,
    /// Items blown up past twice their source's size in the piece's frame.
    pub soft: Vec<piece::SoftItem>,
}

pub fn piece_view(conn: &Connection, id: i64) -> Result<PieceView, RightsError> {
    let piece = piece::get(conn, &id.to_string())?;
    let campaign = campaign::get(conn, &piece.campaign_id.to_string())?;
    let assets = piece
        .document
        .asset_ids()
        .into_iter()
        .map(|a| catalog::get(conn, a))
        .collect::<Result<Vec<_>, _>>()?;
    let duration_ms = piece.document.duration_ms();
    let target_ms = match &piece.document.content {
        piece::Content::Montage(m) if m.target_ms > 0 => m.target_ms,
        _ => duration_ms,
    };
    Ok(PieceView {
        blocked: blocked_assets(conn, &campaign, &piece)?,
        soft: piece
            .document
            .soft_items(&assets, piece.document.preset.size()),
        piece,
        campaign,
        assets,
        duration_ms,
        target_ms,
    })
}
