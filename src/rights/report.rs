//! The rights report: for every asset a campaign (or an export) uses, who made it, what
//! they granted, the evidence, and the full audit history. Written as CSV for
//! spreadsheets and as one self-contained HTML page for people.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{
    asset_rights, audit_log_for, clearance_for, status, AuditEvent, Clearance, RightsError,
    RightsStatus,
};
use crate::campaign::Campaign;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GrantRecord {
    pub id: i64,
    pub asset_id: Option<i64>,
    pub decision: String,
    pub channels: Vec<String>,
    pub territories: Vec<String>,
    pub valid_from: String,
    pub valid_until: Option<String>,
    /// adult, minor or unknown.
    pub age: String,
    pub guardian: Option<String>,
    pub evidence_text: Option<String>,
    pub evidence_source: String,
    pub evidence_at: String,
    pub evidence_file: Option<String>,
    pub revoked_on: Option<String>,
    pub revoked_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportRow {
    pub asset_id: i64,
    pub original_name: String,
    pub hash: String,
    pub contributor_name: Option<String>,
    pub contributor_handle: Option<String>,
    pub contributor_email: Option<String>,
    pub status: RightsStatus,
    pub clearance: Clearance,
    pub grants: Vec<GrantRecord>,
    pub history: Vec<AuditEvent>,
}

pub fn report_rows(
    conn: &Connection,
    assets: &[i64],
    campaign: &Campaign,
    as_of: NaiveDate,
) -> Result<Vec<ReportRow>, RightsError> {
    let mut rows = Vec::new();
    for &id in assets {
        let (name, hash, cname, handle, email, contributor): (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        ) = conn.query_row(
            "SELECT a.original_name, a.hash, c.name, c.handle, c.email, c.id
                 FROM assets a LEFT JOIN contributors c ON c.id = a.contributor_id WHERE a.id = ?",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
        let rights = asset_rights(conn, id)?;
        let mut stmt = conn.prepare(
            "SELECT id, asset_id, decision, channels, territories, valid_from, valid_until, age, guardian,
                    evidence_text, evidence_source, evidence_at, evidence_hash, revoked_on, revoked_reason
             FROM grants WHERE contributor_id = ?1 AND (asset_id IS NULL OR asset_id = ?2) ORDER BY id",
        )?;
        let grants = stmt
            .query_map(rusqlite::params![contributor, id], |r| {
                let channels: String = r.get(3)?;
                let territories: String = r.get(4)?;
                Ok(GrantRecord {
                    id: r.get(0)?,
                    asset_id: r.get(1)?,
                    decision: r.get(2)?,
                    channels: serde_json::from_str(&channels).unwrap_or_default(),
                    territories: serde_json::from_str(&territories).unwrap_or_default(),
                    valid_from: r.get(5)?,
                    valid_until: r.get(6)?,
                    age: r.get(7)?,
                    guardian: r.get(8)?,
                    evidence_text: r.get(9)?,
                    evidence_source: r.get(10)?,
                    evidence_at: r.get(11)?,
                    evidence_file: r.get(12)?,
                    revoked_on: r.get(13)?,
                    revoked_reason: r.get(14)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.push(ReportRow {
            asset_id: id,
            original_name: name,
            hash,
            contributor_name: cname,
            contributor_handle: handle,
            contributor_email: email,
            status: status(&rights, as_of),
            clearance: clearance_for(conn, id, campaign)?,
            grants,
            history: audit_log_for(conn, id, contributor)?,
        });
    }
    Ok(rows)
}

fn reasons(c: &Clearance) -> String {
    match c {
        Clearance::Cleared { .. } => String::new(),
        Clearance::Overridden {
            override_id,
            reason,
        } => format!("cleared by override #{override_id}: {reason}"),
        Clearance::Blocked { blockers } => blockers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn grant_summary(g: &GrantRecord) -> String {
    format!(
        "#{} {} {} in {} from {} to {}{}{}",
        g.id,
        g.decision,
        g.channels.join("+"),
        g.territories.join("+"),
        g.valid_from,
        g.valid_until.as_deref().unwrap_or("open"),
        match g.age.as_str() {
            "adult" => "",
            "minor" => ", minor",
            _ => ", age unknown",
        },
        g.revoked_on
            .as_ref()
            .map(|r| format!(", revoked {r}"))
            .unwrap_or_default()
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Who a report is for. The agency that receives an export sees who appears, what they
/// granted and what kind of evidence is held, and when; e-mail addresses, the consent's
/// own words, guardians' names and the raw audit stay with the brand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Agency,
    Internal,
}

impl Audience {
    pub fn file_stem(self) -> &'static str {
        match self {
            Audience::Agency => "rights-report",
            Audience::Internal => "rights-report-internal",
        }
    }
}

/// The name the agency sees: the display name, else the handle.
fn public_name(r: &ReportRow) -> String {
    r.contributor_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| r.contributor_handle.clone())
        .unwrap_or_else(|| "a customer".into())
}

/// Writes `<stem>.csv` and `<stem>.html` into `out`, for `audience`.
pub fn write_report(
    conn: &Connection,
    campaign: &Campaign,
    assets: &[i64],
    out: &Path,
    audience: Audience,
) -> Result<(PathBuf, PathBuf), RightsError> {
    let internal = audience == Audience::Internal;
    let stem = audience.file_stem();
    let (title, usage) = (&campaign.name, &campaign.usage);
    let as_of = chrono::Local::now().date_naive();
    let rows = report_rows(conn, assets, campaign, as_of)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RightsError::Write { path, source }
    };
    fs::create_dir_all(out).map_err(io(out))?;
    let csv_path = out.join(format!("{stem}.csv"));
    let mut w =
        csv::Writer::from_path(&csv_path).map_err(|e| io(&csv_path)(std::io::Error::other(e)))?;
    let agency_header = [
        "asset_id",
        "file",
        "blake3",
        "contributor",
        "status",
        "cleared",
        "reasons",
        "grants",
        "evidence_kind",
        "evidence_date",
    ];
    let header = [
        "asset_id",
        "file",
        "blake3",
        "contributor",
        "handle",
        "email",
        "status",
        "cleared",
        "reasons",
        "grants",
        "evidence_source",
        "evidence",
        "evidence_at",
        "evidence_file",
    ];
    let csv_err = |e: csv::Error| io(&csv_path)(std::io::Error::other(e));
    if internal {
        w.write_record(header).map_err(csv_err)?;
    } else {
        w.write_record(agency_header).map_err(csv_err)?;
    }
    for r in &rows {
        let granted: Vec<&GrantRecord> = r.grants.iter().collect();
        let join = |f: &dyn Fn(&GrantRecord) -> String| {
            granted.iter().map(|g| f(g)).collect::<Vec<_>>().join(" | ")
        };
        let agency_cells = || {
            vec![
                r.asset_id.to_string(),
                r.original_name.clone(),
                r.hash.clone(),
                public_name(r),
                r.status.as_str().to_string(),
                r.clearance.is_cleared().to_string(),
                reasons(&r.clearance),
                join(&grant_summary),
                join(&|g| g.evidence_source.clone()),
                join(&|g| g.evidence_at.chars().take(10).collect()),
            ]
        };
        let cells = if !internal {
            agency_cells()
        } else {
            vec![
                r.asset_id.to_string(),
                r.original_name.clone(),
                r.hash.clone(),
                r.contributor_name.clone().unwrap_or_default(),
                r.contributor_handle.clone().unwrap_or_default(),
                r.contributor_email.clone().unwrap_or_default(),
                r.status.as_str().to_string(),
                r.clearance.is_cleared().to_string(),
                reasons(&r.clearance),
                join(&grant_summary),
                join(&|g| g.evidence_source.clone()),
                join(&|g| g.evidence_text.clone().unwrap_or_default()),
                join(&|g| g.evidence_at.clone()),
                join(&|g| g.evidence_file.clone().unwrap_or_default()),
            ]
        };
        // Names, handles and evidence are the contributors' own words: none may run as a
        // spreadsheet formula.
        let safe = cells
            .iter()
            .map(|c| crate::manifest::csv_safe(c).into_owned());
        w.write_record(safe).map_err(csv_err)?;
    }
    w.flush().map_err(io(&csv_path))?;
    crate::library::private_file(&csv_path).map_err(io(&csv_path))?;

    let mut html = String::new();
    let cleared = rows.iter().filter(|r| r.clearance.is_cleared()).count();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Rights report: {t}</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;width:100%;margin:.5em 0 2em}}\
         td,th{{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\
         .ok{{color:#176c2c;font-weight:600}}.blocked{{color:#a31515;font-weight:600}}h2{{margin-top:2em}}</style>\
         <h1>Rights report: {t}</h1><p>{audience}</p><p>Usage: {u}, {p}. Generated {now}. {cleared} of {n} asset(s) cleared.</p>",
        t = escape(title),
        audience = if internal {
            "Internal evidence report: contains contributors' contact details and their own words. Do not send outside the brand."
        } else {
            "For the agency: who appears, what they granted and the evidence held. Contact details and the evidence itself stay with the brand."
        },
        u = escape(&super::usage_words(usage)),
        p = escape(&super::period_words(usage)),
        now = crate::library::now(),
        n = rows.len()
    );
    for r in &rows {
        let _ = write!(
            html,
            "<h2>Asset {id}: {name}</h2><p>blake3 <code>{hash}</code><br>Contributor: {who}<br>Status: {status} — {verdict}</p>",
            id = r.asset_id,
            name = escape(&r.original_name),
            hash = r.hash,
            who = escape(&if internal {
                [r.contributor_name.clone(), r.contributor_handle.clone(), r.contributor_email.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                public_name(r)
            }),
            status = r.status.as_str(),
            verdict = if r.clearance.is_cleared() {
                "<span class=\"ok\">cleared</span>".to_string()
            } else {
                format!("<span class=\"blocked\">blocked: {}</span>", escape(&reasons(&r.clearance)))
            }
        );
        html.push_str("<table><tr><th>grant</th><th>scope</th><th>adult</th><th>evidence</th><th>given</th><th>revoked</th></tr>");
        for g in &r.grants {
            let _ = write!(
                html,
                "<tr><td>#{} {}</td><td>{} in {}, {} to {}</td><td>{}</td><td>{}: {}{}</td><td>{}</td><td>{}</td></tr>",
                g.id,
                escape(&g.decision),
                escape(&g.channels.join(", ")),
                escape(&g.territories.join(", ")),
                escape(&g.valid_from),
                escape(g.valid_until.as_deref().unwrap_or("open-ended")),
                match (g.age.as_str(), g.guardian.as_deref()) {
                    ("adult", _) => "yes".to_string(),
                    (age, guardian) => format!(
                        "{}; guardian: {}",
                        if age == "minor" { "no" } else { "unknown" },
                        match (internal, guardian) {
                            (true, g) => escape(g.unwrap_or("none")),
                            (false, Some(_)) => "consent recorded".into(),
                            (false, None) => "none".into(),
                        }
                    ),
                },
                escape(&g.evidence_source),
                if internal {
                    format!("“{}”", escape(g.evidence_text.as_deref().unwrap_or("")))
                } else {
                    "held by the brand".into()
                },
                match (internal, &g.evidence_file) {
                    (true, Some(h)) => format!(" (file blake3 {h})"),
                    _ => String::new(),
                },
                escape(&g.evidence_at),
                escape(&g.revoked_on.as_ref().map(|d| if internal {
                    format!("{d}: {}", g.revoked_reason.clone().unwrap_or_default())
                } else {
                    d.clone()
                }).unwrap_or_default()),
            );
        }
        html.push_str("</table>");
        if !internal {
            continue;
        }
        html.push_str("<table><tr><th>when</th><th>who</th><th>what</th><th>detail</th></tr>");
        for e in &r.history {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                escape(&e.at),
                escape(&e.actor),
                escape(&e.action),
                escape(&e.detail.to_string())
            );
        }
        html.push_str("</table>");
    }
    html.push_str("</html>\n");
    let html_path = out.join(format!("{stem}.html"));
    crate::library::write_private(&html_path, html).map_err(io(&html_path))?;
    Ok((csv_path, html_path))
}
