//! Rights records in the catalog: decisions with their evidence, revocations, requests, and
//! the append-only audit log every one of them writes to.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{Age, AssetRights, Blocker, Channel, Clearance, Decision, Grant};
use crate::campaign::Campaign;
use crate::catalog::{self, Curation};
use crate::library::{Library, PutOutcome};

#[derive(Debug, thiserror::Error)]
pub enum RightsError {
    #[error(
        "no contributor matches '{0}' (use their @handle or email, see `chorus contributors`)"
    )]
    NoSuchContributor(String),
    #[error("asset {0} has no known contributor: import it with a form export (--manifest) first")]
    NoContributor(i64),
    #[error("cannot store the evidence file {path}: {source}")]
    Evidence {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("an override needs a reason a colleague can check later: a sentence of at least 20 characters and four words saying where the permission is held (--reason \"...\")")]
    OverrideReason,
    #[error("an override must name the person who authorised it, e.g. --by \"Dana Lee, legal\"")]
    OverrideBy,
    #[error("asset {asset}: {why}; an override cannot clear it")]
    OverrideRefused { asset: i64, why: String },
    #[error("no grant {0} (see `chorus rights report` or `chorus show`)")]
    NoSuchGrant(i64),
    #[error("not cleared for campaign '{campaign}'; these assets block it:\n  {blocked}")]
    NotCleared { campaign: String, blocked: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("'{0}' is not an evidence source (use form, email, social, release or other)")]
    BadSource(String),
    #[error("grant {grant}'s evidence file ({hash}) is not in the library's store: it was deleted or the catalog was edited by hand; restore the library from a backup")]
    EvidenceMissing { grant: i64, hash: String },
    #[error("an asset's record changed in the catalog while the export ran; nothing was published: export again")]
    SourcesChanged,
    #[error("choose at least one {0}")]
    EmptyScope(&'static str),
    #[error("a grant needs evidence: the consent text or reply (--evidence), or a signed release (--evidence-file)")]
    NoEvidence,
    #[error("the grant ends ({until}) before it starts ({from}); check --from and --until")]
    EndsBeforeStart { from: NaiveDate, until: NaiveDate },
    #[error("a guardian consents for a minor or a contributor of unknown age, not for an adult: drop the guardian or record the age as minor")]
    GuardianForAdult,
    #[error("a guardian's consent needs the guardian's name and relation (e.g. 'Ana Souza, mother'), not '{0}'")]
    GuardianName(String),
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Campaign(#[from] crate::campaign::CampaignError),
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

/// Who or what a decision is about.
#[derive(Clone, Debug)]
pub enum Target {
    /// Every asset of this contributor, now and later.
    Contributor(i64),
    Assets(Vec<i64>),
}

/// Resolves `@handle`, an email address or an asset reference.
pub fn resolve_target(conn: &Connection, refs: &[String]) -> Result<Target, RightsError> {
    if let [one] = refs {
        if one.contains('@') {
            let id: Option<i64> = conn
                .query_row(
                    "SELECT id FROM contributors WHERE handle = ?1 OR email = ?1 OR handle = '@' || ?1",
                    [one.trim()],
                    |r| r.get(0),
                )
                .optional()?;
            return id
                .map(Target::Contributor)
                .ok_or_else(|| RightsError::NoSuchContributor(one.clone()));
        }
    }
    let ids = refs
        .iter()
        .map(|r| catalog::resolve(conn, r))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Target::Assets(ids))
}

#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub channels: BTreeSet<Channel>,
    pub territories: BTreeSet<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub age: Age,
    pub guardian: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub text: Option<String>,
    /// form, email, social, release or other.
    pub source: String,
    /// When the contributor gave it (default: now).
    pub given_at: Option<String>,
    pub file: Option<PathBuf>,
}

/// Who is recording, for the audit log: the login name from the environment, else the
/// account the process runs as (an app started by a launcher or a driver may have no
/// `USER`), else "unknown".
fn actor() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_string())
}

/// Who is recording, for events written outside this module (an erasure).
pub fn actor_name() -> String {
    actor()
}

/// The name of the account this process runs as.
#[cfg(unix)]
pub fn account_name() -> Option<String> {
    let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r fills `pwd` with pointers into `buf`, both ours and alive while
    // the name is copied out; `found` is null unless an entry was written.
    unsafe {
        let rc = libc::getpwuid_r(
            libc::geteuid(),
            pwd.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        );
        if rc != 0 || found.is_null() || (*found).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*found).pw_name)
            .to_str()
            .ok()
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    }
}

#[cfg(not(unix))]
pub fn account_name() -> Option<String> {
    None
}

/// Appends one event to the audit log.
pub fn audit(
    tx: &Connection,
    action: &str,
    contributor: Option<i64>,
    asset: Option<i64>,
    grant: Option<i64>,
    detail: serde_json::Value,
) -> rusqlite::Result<()> {
    crate::audit::append(
        tx,
        &crate::library::now(),
        &actor(),
        action,
        contributor,
        asset,
        grant,
        &detail.to_string(),
    )?;
    Ok(())
}

fn contributor_of(tx: &Transaction, asset: i64) -> Result<i64, RightsError> {
    tx.query_row(
        "SELECT contributor_id FROM assets WHERE id = ?",
        [asset],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .ok_or(RightsError::NoContributor(asset))
}

/// Records a grant or a denial, with its evidence, and audits it. Returns the new ids.
pub fn decide(
    lib: &mut Library,
    target: &Target,
    decision: Decision,
    scope: &Scope,
    evidence: &Evidence,
) -> Result<Vec<i64>, RightsError> {
    if !matches!(
        evidence.source.as_str(),
        "form" | "email" | "social" | "release" | "other"
    ) {
        return Err(RightsError::BadSource(evidence.source.clone()));
    }
    let no_text = evidence.text.as_deref().is_none_or(|t| t.trim().is_empty());
    if decision == Decision::Granted && no_text && evidence.file.is_none() {
        return Err(RightsError::NoEvidence);
    }
    if decision == Decision::Granted {
        check_scope(scope)?;
    }
    let evidence_hash = match &evidence.file {
        Some(path) => Some(store_evidence(lib, path)?),
        None => None,
    };
    let tx = lib.conn_mut().transaction()?;
    let rows: Vec<(i64, Option<i64>)> = match target {
        Target::Contributor(c) => vec![(*c, None)],
        Target::Assets(ids) => ids
            .iter()
            .map(|&a| Ok((contributor_of(&tx, a)?, Some(a))))
            .collect::<Result<_, RightsError>>()?,
    };
    let mut ids = Vec::new();
    for (contributor, asset) in rows {
        ids.push(insert_decision(
            &tx,
            contributor,
            asset,
            decision,
            scope,
            evidence,
            evidence_hash.as_deref(),
        )?);
    }
    tx.commit()?;
    Ok(ids)
}

/// The rules every recorded grant keeps, whichever door it came through.
pub fn check_scope(scope: &Scope) -> Result<(), RightsError> {
    if scope.channels.is_empty() {
        return Err(RightsError::EmptyScope("channel the contributor agreed to"));
    }
    if scope.territories.is_empty() {
        return Err(RightsError::EmptyScope("territory (or WORLDWIDE)"));
    }
    let today = chrono::Local::now().date_naive();
    let from = scope.valid_from.unwrap_or(today);
    if let Some(until) = scope.valid_until.filter(|u| *u < from) {
        return Err(RightsError::EndsBeforeStart { from, until });
    }
    if let Some(g) = &scope.guardian {
        if scope.age == Age::Adult {
            return Err(RightsError::GuardianForAdult);
        }
        if g.trim().chars().filter(|c| c.is_alphabetic()).count() < 3 {
            return Err(RightsError::GuardianName(g.clone()));
        }
    }
    Ok(())
}

/// What is established about a contributor's age from what is recorded: a minor once is a
/// minor (until a person records otherwise with evidence, which is newer); else an adult
/// if a grant established it; else unknown.
pub fn established_age(tx: &Connection, contributor: i64) -> rusqlite::Result<Age> {
    let newest: Option<String> = tx
        .query_row(
            "SELECT age FROM grants WHERE contributor_id = ?1 AND age != 'unknown' ORDER BY id DESC LIMIT 1",
            [contributor],
            |r| r.get(0),
        )
        .optional()?;
    Ok(newest.and_then(|a| Age::parse(&a)).unwrap_or_default())
}

/// Inserts one grant or denial and its audit event, inside the caller's transaction.
pub fn insert_decision(
    tx: &Connection,
    contributor: i64,
    asset: Option<i64>,
    decision: Decision,
    scope: &Scope,
    evidence: &Evidence,
    evidence_hash: Option<&str>,
) -> rusqlite::Result<i64> {
    let today = chrono::Local::now().date_naive();
    let given_at = evidence
        .given_at
        .clone()
        .unwrap_or_else(crate::library::now);
    let action = if decision == Decision::Granted {
        "grant"
    } else {
        "deny"
    };
    tx.execute(
        "INSERT INTO grants (contributor_id, asset_id, decision, channels, territories, valid_from, valid_until,
            adult, age, guardian, evidence_text, evidence_source, evidence_at, evidence_hash, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            contributor,
            asset,
            if decision == Decision::Granted { "granted" } else { "denied" },
            serde_json::to_string(&scope.channels).unwrap_or_default(),
            serde_json::to_string(&scope.territories).unwrap_or_default(),
            scope.valid_from.unwrap_or(today).to_string(),
            scope.valid_until.map(|d| d.to_string()),
            scope.age == Age::Adult,
            scope.age.as_str(),
            scope.guardian,
            evidence.text,
            evidence.source,
            given_at,
            evidence_hash,
            crate::library::now()
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit(
        tx,
        action,
        Some(contributor),
        asset,
        Some(id),
        serde_json::json!({
            "channels": scope.channels,
            "territories": scope.territories,
            "valid_from": scope.valid_from.unwrap_or(today),
            "valid_until": scope.valid_until,
            "age": scope.age,
            "guardian": scope.guardian,
            "evidence": evidence.text,
            "evidence_source": evidence.source,
            "evidence_at": given_at,
            "evidence_file": evidence_hash,
        }),
    )?;
    Ok(id)
}

/// The consent box of the submission form, as a grant on the library's form terms, when
/// its answer is one the library's settings call a yes ([`super::form_consent_given`]).
/// Any other answer ("No", "FALSE", "I do NOT agree to any use") records nothing: the
/// answer stays on the submission row and the asset reads as unrequested, for a person to
/// ask. Returns the grant's id, or `None` when the answer was not a yes.
pub fn record_form_consent(
    tx: &Connection,
    contributor: i64,
    asset: i64,
    consent: &str,
    submitted_at: Option<&str>,
    age: &crate::manifest::AgeStatement,
    terms: &super::FormTerms,
) -> rusqlite::Result<Option<i64>> {
    if !super::form_consent_given(consent, terms) {
        return Ok(None);
    }
    // Form tools write the day as they like (`2026/06/02 9:15:00 AM GMT+1`, `6/2/2026`);
    // where it could be two days, the earlier one, so permission never runs longer.
    let from = submitted_at
        .and_then(|s| crate::manifest::date_readings(s).into_iter().min())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let scope = Scope {
        channels: terms.channels.clone(),
        territories: terms.territories.clone(),
        valid_from: Some(from),
        valid_until: from.checked_add_months(chrono::Months::new(terms.months)),
        // The consent box says nothing about age; the form's own age answer does.
        age: match age {
            crate::manifest::AgeStatement::Adult => Age::Adult,
            crate::manifest::AgeStatement::Minor { .. } => Age::Minor,
            crate::manifest::AgeStatement::Unknown => Age::Unknown,
        },
        guardian: None,
    };
    let evidence = Evidence {
        text: Some(consent.to_string()),
        source: "form".into(),
        given_at: submitted_at.map(str::to_string),
        file: None,
    };
    insert_decision(
        tx,
        contributor,
        Some(asset),
        Decision::Granted,
        &scope,
        &evidence,
        None,
    )
    .map(Some)
}

/// Copies a signed release or screenshot into the store like any original.
fn store_evidence(lib: &Library, path: &Path) -> Result<String, RightsError> {
    let err = |source| RightsError::Evidence {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(err)?;
    match lib.store().put(file, u64::MAX).map_err(err)? {
        PutOutcome::Stored(s) => Ok(s.hash.to_string()),
        PutOutcome::TooLarge(_) => unreachable!("no size limit on evidence"),
    }
}

/// Corrects a recorded grant (a typo in its dates, a scope the contributor widened by
/// e-mail). Only the fields given change; the audit log keeps what it was before.
#[derive(Clone, Debug, Default)]
pub struct GrantEdit {
    pub channels: Option<BTreeSet<Channel>>,
    pub territories: Option<BTreeSet<String>>,
    pub valid_until: Option<Option<NaiveDate>>,
    pub guardian: Option<String>,
    pub reason: String,
}

/// contributor, asset, channels, territories, valid_until, guardian
type EditableGrant = (
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
);

pub fn edit_grant(lib: &mut Library, grant_id: i64, edit: &GrantEdit) -> Result<(), RightsError> {
    let tx = lib.conn_mut().transaction()?;
    let before: Option<EditableGrant> = tx
        .query_row(
            "SELECT contributor_id, asset_id, channels, territories, valid_until, guardian FROM grants WHERE id = ?",
            [grant_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let Some((contributor, asset, channels, territories, until, guardian)) = before else {
        return Err(RightsError::NoSuchGrant(grant_id));
    };
    let new_channels = edit
        .channels
        .as_ref()
        .map(|c| serde_json::to_string(c).unwrap_or_default())
        .unwrap_or(channels.clone());
    let new_territories = edit
        .territories
        .as_ref()
        .map(|t| serde_json::to_string(t).unwrap_or_default())
        .unwrap_or(territories.clone());
    let new_until = match edit.valid_until {
        Some(u) => u.map(|d| d.to_string()),
        None => until.clone(),
    };
    let new_guardian = edit.guardian.clone().or(guardian.clone());
    tx.execute(
        "UPDATE grants SET channels = ?1, territories = ?2, valid_until = ?3, guardian = ?4 WHERE id = ?5",
        params![new_channels, new_territories, new_until, new_guardian, grant_id],
    )?;
    audit(
        &tx,
        "edit",
        Some(contributor),
        asset,
        Some(grant_id),
        serde_json::json!({
            "reason": edit.reason,
            "before": { "channels": channels, "territories": territories, "valid_until": until, "guardian": guardian },
            "after": { "channels": new_channels, "territories": new_territories, "valid_until": new_until, "guardian": new_guardian },
        }),
    )?;
    tx.commit()?;
    Ok(())
}

/// Proof that every asset of a render passed the gate for a campaign's usage, with the
/// sources of exactly those assets as the catalog has them. Its fields are private and it
/// has no public constructor: rendering and export take one, so they cannot run without
/// `require_cleared` having said yes, and cannot open a file it did not resolve.
#[derive(Clone, Debug)]
pub struct ClearedForUse {
    campaign: Campaign,
    grants: Vec<(i64, Vec<i64>)>,
    sources: Vec<catalog::Source>,
}

impl ClearedForUse {
    pub fn campaign_id(&self) -> i64 {
        self.campaign.id
    }

    /// Whether this proof covers the asset.
    pub fn covers(&self, asset: i64) -> bool {
        self.grants.iter().any(|(a, _)| *a == asset)
    }

    /// The grants that cover each asset, for manifests and reports.
    pub fn grants_for(&self, asset: i64) -> &[i64] {
        self.grants
            .iter()
            .find(|(a, _)| *a == asset)
            .map(|(_, g)| g.as_slice())
            .unwrap_or_default()
    }

    /// The source of a cleared asset; `None` for any other.
    pub fn source(&self, asset: i64) -> Option<&catalog::Source> {
        self.sources.iter().find(|s| s.asset_id == asset)
    }

    /// Asks the gate again, now: a contributor may have withdrawn while a long render or
    /// export ran. Called right before the output is put in place.
    pub fn still_holds(&self, conn: &Connection) -> Result<(), RightsError> {
        let assets: Vec<i64> = self.grants.iter().map(|(a, _)| *a).collect();
        let now = require_cleared(conn, &self.campaign, &assets)?;
        let same = now
            .sources
            .iter()
            .all(|s| self.source(s.asset_id) == Some(s));
        if same {
            Ok(())
        } else {
            Err(RightsError::SourcesChanged)
        }
    }
}

/// The one place that decides whether an asset may be used in a campaign: the gate over
/// its grants, then a person's override if there is one and the contributor has not said
/// no or withdrawn, and is not a minor (or of unknown age) without a guardian's consent.
pub fn clearance_for(
    conn: &Connection,
    asset: i64,
    campaign: &Campaign,
) -> Result<Clearance, RightsError> {
    clearance_on(conn, asset, campaign, chrono::Local::now().date_naive())
}

/// The usage an asset is judged for on `today`: the campaign's own, stretched to today
/// when the campaign started in the past, so that nothing is published on a grant that has
/// run out, even for a campaign dated in the past.
pub fn usage_as_of(usage: &super::Usage, today: NaiveDate) -> super::Usage {
    let mut judged = usage.clone();
    if today > judged.ends_on {
        judged.ends_on = today;
    }
    judged
}

/// `clearance_for` as of a given day.
pub fn clearance_on(
    conn: &Connection,
    asset: i64,
    campaign: &Campaign,
    today: NaiveDate,
) -> Result<Clearance, RightsError> {
    let mut verdict = super::evaluate(
        &asset_rights(conn, asset)?,
        &usage_as_of(&campaign.usage, today),
    );
    let Clearance::Blocked { blockers } = &mut verdict else {
        return Ok(verdict);
    };
    for b in blockers.iter_mut() {
        if let Blocker::ExpiresBeforeRunEnd { until } = *b {
            if until < today && campaign.usage.ends_on <= until {
                *b = Blocker::Expired { on: until };
            }
        }
    }
    if blockers.iter().any(|b| !b.can_be_overridden()) {
        return Ok(verdict);
    }
    let overridden: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, reason FROM rights_overrides WHERE asset_id = ?1 AND campaign_id = ?2 ORDER BY id DESC LIMIT 1",
            params![asset, campaign.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match overridden {
        Some((override_id, reason)) => Clearance::Overridden {
            override_id,
            reason,
        },
        None => verdict,
    })
}

/// An override needs a reason a colleague can check later: a sentence, not a word.
fn reason_of_substance(reason: &str) -> bool {
    let words: BTreeSet<String> = reason
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect();
    reason.trim().chars().count() >= 20 && words.len() >= 4
}

/// Records a person's override for these assets in this campaign, with the reason and what
/// the gate said at the time, in the audit log.
pub fn override_clearance(
    lib: &mut Library,
    campaign: &Campaign,
    assets: &[i64],
    reason: &str,
    authorised_by: &str,
) -> Result<Vec<i64>, RightsError> {
    if !reason_of_substance(reason) {
        return Err(RightsError::OverrideReason);
    }
    let by = authorised_by.trim();
    if by.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return Err(RightsError::OverrideBy);
    }
    let today = chrono::Local::now().date_naive();
    let tx = lib.conn_mut().transaction()?;
    let mut ids = Vec::new();
    for &a in assets {
        let before = super::evaluate(&asset_rights(&tx, a)?, &usage_as_of(&campaign.usage, today));
        if let Clearance::Blocked { blockers } = &before {
            if let Some(b) = blockers.iter().find(|b| !b.can_be_overridden()) {
                return Err(RightsError::OverrideRefused {
                    asset: a,
                    why: b.to_string(),
                });
            }
        }
        let actor = format!("{by} (recorded by {})", actor());
        tx.execute(
            "INSERT INTO rights_overrides (asset_id, campaign_id, reason, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a, campaign.id, reason, actor, crate::library::now()],
        )?;
        let id = tx.last_insert_rowid();
        let contributor: Option<i64> =
            tx.query_row("SELECT contributor_id FROM assets WHERE id = ?", [a], |r| {
                r.get(0)
            })?;
        audit(
            &tx,
            "override",
            contributor,
            Some(a),
            None,
            serde_json::json!({ "override_id": id, "campaign": campaign.name, "reason": reason, "authorised_by": by, "gate_said": before }),
        )?;
        ids.push(id);
    }
    tx.commit()?;
    Ok(ids)
}

/// The gate for rendering and export: all of `assets` cleared for the campaign, or an error
/// naming each blocking asset and every reason.
pub fn require_cleared(
    conn: &Connection,
    campaign: &Campaign,
    assets: &[i64],
) -> Result<ClearedForUse, RightsError> {
    let mut grants = Vec::new();
    let mut blocked = Vec::new();
    for &a in assets {
        match clearance_for(conn, a, campaign)? {
            Clearance::Cleared { grant_ids } => grants.push((a, grant_ids)),
            Clearance::Overridden { .. } => grants.push((a, Vec::new())),
            Clearance::Blocked { blockers } => {
                let name: String =
                    conn.query_row("SELECT original_name FROM assets WHERE id = ?", [a], |r| {
                        r.get(0)
                    })?;
                let why: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                blocked.push(format!("asset {a} ({name}): {}", why.join("; ")));
            }
        }
    }
    if blocked.is_empty() {
        let ids: Vec<i64> = grants.iter().map(|(a, _)| *a).collect();
        Ok(ClearedForUse {
            campaign: campaign.clone(),
            grants,
            sources: catalog::sources(conn, &ids)?,
        })
    } else {
        Err(RightsError::NotCleared {
            campaign: campaign.name.clone(),
            blocked: blocked.join("\n  "),
        })
    }
}

/// Withdraws every live grant that covers the target, from `on`. Returns how many.
pub fn revoke(
    lib: &mut Library,
    target: &Target,
    on: NaiveDate,
    reason: &str,
) -> Result<usize, RightsError> {
    let tx = lib.conn_mut().transaction()?;
    let scopes: Vec<(i64, Option<i64>)> = match target {
        Target::Contributor(c) => vec![(*c, None)],
        Target::Assets(ids) => ids
            .iter()
            .map(|&a| Ok((contributor_of(&tx, a)?, Some(a))))
            .collect::<Result<_, RightsError>>()?,
    };
    let mut grants: Vec<(i64, i64, Option<i64>)> = Vec::new();
    {
        // For one asset: its own grants and the contributor-wide ones that cover it.
        let mut stmt = tx.prepare(
            "SELECT id, contributor_id, asset_id FROM grants WHERE contributor_id = ?1
             AND (?2 IS NULL OR asset_id IS NULL OR asset_id = ?2)
             AND decision = 'granted' AND revoked_on IS NULL ORDER BY id",
        )?;
        for (contributor, asset) in scopes {
            for row in stmt.query_map(params![contributor, asset], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })? {
                let row = row?;
                if !grants.contains(&row) {
                    grants.push(row);
                }
            }
        }
    }
    for (id, contributor, asset) in &grants {
        tx.execute(
            "UPDATE grants SET revoked_on = ?1, revoked_reason = ?2 WHERE id = ?3",
            params![on.to_string(), reason, id],
        )?;
        audit(
            &tx,
            "revoke",
            Some(*contributor),
            *asset,
            Some(*id),
            serde_json::json!({ "revoked_on": on, "reason": reason }),
        )?;
    }
    tx.commit()?;
    Ok(grants.len())
}

const GRANT_COLUMNS: &str = "id, asset_id, decision, channels, territories, valid_from, valid_until, age, guardian, revoked_on, contributor_id";

fn grant_from_row(r: &rusqlite::Row) -> rusqlite::Result<Grant> {
    let date = |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let decision: String = r.get(2)?;
    let channels: String = r.get(3)?;
    let territories: String = r.get(4)?;
    Ok(Grant {
        id: r.get(0)?,
        asset_id: r.get(1)?,
        decision: if decision == "granted" {
            Decision::Granted
        } else {
            Decision::Denied
        },
        channels: serde_json::from_str(&channels).unwrap_or_default(),
        territories: serde_json::from_str(&territories).unwrap_or_default(),
        valid_from: date(r.get(5)?).unwrap_or(NaiveDate::MIN),
        valid_until: date(r.get(6)?),
        // A value the catalog never writes (an edit in sqlite3) is read as unknown.
        age: Age::parse(&r.get::<_, String>(7)?).unwrap_or_default(),
        guardian: r.get(8)?,
        revoked_on: date(r.get(9)?),
    })
}

/// A request still out: asked, and no answer recorded since.
const OPEN_REQUEST: &str = "EXISTS (SELECT 1 FROM rights_requests r WHERE r.contributor_id = a.contributor_id AND r.asset_id = a.id
    AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.contributor_id = a.contributor_id
                    AND (g.asset_id IS NULL OR g.asset_id = a.id) AND g.decided_at >= r.requested_at))";

/// Everything the gate needs for one asset, read from the catalog.
pub fn asset_rights(conn: &Connection, asset: i64) -> Result<AssetRights, RightsError> {
    let (curation, contributor, requested): (String, Option<i64>, bool) = conn.query_row(
        &format!(
            "SELECT a.curation, a.contributor_id, {OPEN_REQUEST} FROM assets a WHERE a.id = ?"
        ),
        [asset],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let curation = Curation::parse(&curation).ok();
    let erased: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erased_assets WHERE asset_id = ?)",
        [asset],
        |r| r.get(0),
    )?;
    let distrust = if erased {
        Some(Blocker::ContributorErased)
    } else {
        super::ledger::trust(conn)?.blocker(contributor)
    };
    let Some(contributor) = contributor else {
        return Ok(AssetRights {
            curation,
            distrust,
            ..AssetRights::default()
        });
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GRANT_COLUMNS} FROM grants WHERE contributor_id = ?1 AND (asset_id IS NULL OR asset_id = ?2) ORDER BY id"
    ))?;
    let grants = stmt
        .query_map(params![contributor, asset], grant_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(AssetRights {
        curation,
        requested,
        grants,
        distrust,
    })
}

/// The rights status of every asset as of a date, read in three queries whatever the
/// library's size (the per-asset `asset_rights` would make two queries per asset).
pub fn all_statuses(
    conn: &Connection,
    as_of: NaiveDate,
) -> Result<HashMap<i64, super::RightsStatus>, RightsError> {
    let mut out = HashMap::new();
    each_asset_rights(conn, |id, rights| {
        out.insert(id, super::status(&rights, as_of));
        Ok(())
    })?;
    Ok(out)
}

/// Every asset's rights as the gate reads them, in three queries whatever the library's
/// size.
fn each_asset_rights(
    conn: &Connection,
    mut each: impl FnMut(i64, AssetRights) -> Result<(), RightsError>,
) -> Result<(), RightsError> {
    let trust = super::ledger::trust(conn)?;
    let erased: std::collections::HashSet<i64> = conn
        .prepare_cached("SELECT asset_id FROM erased_assets")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_contributor: HashMap<i64, Vec<Grant>> = HashMap::new();
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {GRANT_COLUMNS} FROM grants ORDER BY id"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(10)?, grant_from_row(r)?)))?;
    for row in rows {
        let (contributor, grant) = row?;
        by_contributor.entry(contributor).or_default().push(grant);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.curation, a.contributor_id,
                CASE WHEN a.id IN (SELECT asset_id FROM rights_requests) THEN {OPEN_REQUEST} ELSE 0 END
         FROM assets a"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })?;
    for row in rows {
        let (id, curation, contributor, requested) = row?;
        let grants = contributor
            .and_then(|c| by_contributor.get(&c))
            .map(|all| {
                all.iter()
                    .filter(|g| g.asset_id.is_none_or(|a| a == id))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let rights = AssetRights {
            curation: Curation::parse(&curation).ok(),
            requested: requested && contributor.is_some(),
            grants,
            distrust: if erased.contains(&id) {
                Some(Blocker::ContributorErased)
            } else {
                trust.blocker(contributor)
            },
        };
        each(id, rights)?;
    }
    Ok(())
}

/// Above this many stale statuses one pass over every asset beats asking asset by asset.
const STALE_BATCH: usize = 200;

/// Brings the kept statuses (`assets.rights_status`, which the grid filters through) up to
/// `today`: those the catalog's triggers marked stale, those whose day to change has come,
/// and all of them if the clock went back. Two indexed reads when nothing changed.
pub fn refresh_statuses(conn: &Connection, today: NaiveDate) -> Result<(), RightsError> {
    let day = today.to_string();
    let kept: Option<String> = conn
        .query_row("SELECT day FROM rights_status_day", [], |r| r.get(0))
        .optional()?;
    let due: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM rights_status_stale)
             OR EXISTS (SELECT 1 FROM assets WHERE rights_changes_on <= ?1)",
        [&day],
        |r| r.get(0),
    )?;
    if !due && kept.as_deref() == Some(day.as_str()) {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    if kept.as_deref().is_some_and(|k| k > day.as_str()) {
        tx.execute(
            "INSERT OR IGNORE INTO rights_status_stale SELECT id FROM assets",
            [],
        )?;
    }
    tx.execute(
        "INSERT OR IGNORE INTO rights_status_stale
         SELECT id FROM assets WHERE rights_changes_on <= ?1",
        [&day],
    )?;
    let stale: Vec<i64> = tx
        .prepare("SELECT asset_id FROM rights_status_stale")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    {
        let mut put = tx.prepare(
            "UPDATE assets SET rights_status = ?2, rights_changes_on = ?3 WHERE id = ?1",
        )?;
        let mut keep = |id: i64, rights: &AssetRights| -> Result<(), RightsError> {
            put.execute(params![
                id,
                super::status(rights, today).as_str(),
                super::status_changes_on(rights, today).map(|d| d.to_string()),
            ])?;
            Ok(())
        };
        if stale.len() > STALE_BATCH {
            let wanted: BTreeSet<i64> = stale.iter().copied().collect();
            each_asset_rights(&tx, |id, rights| match wanted.contains(&id) {
                true => keep(id, &rights),
                false => Ok(()),
            })?;
        } else {
            for &id in &stale {
                match asset_rights(&tx, id) {
                    Ok(rights) => keep(id, &rights)?,
                    // Gone since it was marked.
                    Err(RightsError::Db(rusqlite::Error::QueryReturnedNoRows)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    tx.execute("DELETE FROM rights_status_stale", [])?;
    tx.execute("DELETE FROM rights_status_day", [])?;
    tx.execute("INSERT INTO rights_status_day (day) VALUES (?1)", [&day])?;
    tx.commit()?;
    Ok(())
}

/// One asset's standing for a campaign.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetClearance {
    pub asset_id: i64,
    pub original_name: String,
    pub contributor: Option<String>,
    #[serde(flatten)]
    pub clearance: Clearance,
}

/// (id, file name, contributor) of every asset, or only of those in play (shortlisted or
/// selected).
fn named_assets(
    conn: &Connection,
    in_play: bool,
) -> Result<Vec<(i64, String, Option<String>)>, RightsError> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.original_name, coalesce(c.handle, c.name, c.email)
         FROM assets a LEFT JOIN contributors c ON c.id = a.contributor_id
         WHERE ?1 = 0 OR a.curation IN ('shortlisted', 'selected') ORDER BY a.id",
    )?;
    let rows = stmt
        .query_map([in_play], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The assets a campaign is working with until it has pieces: those shortlisted or selected.
pub fn campaign_assets(conn: &Connection) -> Result<Vec<i64>, RightsError> {
    let mut stmt = conn.prepare(
        "SELECT id FROM assets WHERE curation IN ('shortlisted', 'selected') ORDER BY id",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The gate for a campaign: every shortlisted or selected asset, cleared or blocked with
/// its reasons. Render and export call this and refuse unless all are cleared.
pub fn campaign_clearance(
    conn: &Connection,
    campaign: &Campaign,
) -> Result<Vec<AssetClearance>, RightsError> {
    named_assets(conn, true)?
        .into_iter()
        .map(|(id, name, contributor)| {
            Ok(AssetClearance {
                asset_id: id,
                original_name: name,
                contributor,
                clearance: clearance_for(conn, id, campaign)?,
            })
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub contributor_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub grant_id: Option<i64>,
    pub detail: serde_json::Value,
}

pub fn audit_log(conn: &Connection) -> Result<Vec<AuditEvent>, RightsError> {
    Ok(crate::audit::events(conn)?
        .into_iter()
        .map(|e| AuditEvent {
            id: e.id,
            at: e.at,
            actor: e.actor,
            action: e.action,
            contributor_id: e.contributor_id,
            asset_id: e.asset_id,
            grant_id: e.grant_id,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}

/// The audit history that concerns one asset: its own events and its contributor's
/// contributor-wide ones.
pub fn audit_log_for(
    conn: &Connection,
    asset: i64,
    contributor: Option<i64>,
) -> Result<Vec<AuditEvent>, RightsError> {
    Ok(audit_log(conn)?
        .into_iter()
        .filter(|e| {
            e.asset_id == Some(asset)
                || (e.asset_id.is_none()
                    && e.contributor_id.is_some()
                    && e.contributor_id == contributor)
        })
        .collect())
}

/// One asset's rights status as of a date, for `rights status` without a campaign.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetStatus {
    pub asset_id: i64,
    pub original_name: String,
    pub contributor: Option<String>,
    pub status: super::RightsStatus,
}

pub fn asset_statuses(
    conn: &Connection,
    as_of: NaiveDate,
) -> Result<Vec<AssetStatus>, RightsError> {
    let statuses = all_statuses(conn, as_of)?;
    named_assets(conn, false)?
        .into_iter()
        .map(|(id, name, contributor)| {
            Ok(AssetStatus {
                asset_id: id,
                original_name: name,
                contributor,
                status: match statuses.get(&id) {
                    Some(s) => *s,
                    None => super::status(&asset_rights(conn, id)?, as_of),
                },
            })
        })
        .collect()
}

/// A grant that needs attention: it ends soon, or before a campaign using its asset ends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueGrant {
    pub grant_id: i64,
    pub contributor_id: Option<i64>,
    pub contributor: Option<String>,
    pub asset_id: Option<i64>,
    pub original_name: Option<String>,
    pub valid_until: NaiveDate,
    pub reason: String,
}

pub fn due(
    conn: &Connection,
    within_days: i64,
    today: NaiveDate,
) -> Result<Vec<DueGrant>, RightsError> {
    let horizon = today + chrono::Duration::days(within_days);
    let campaigns = crate::campaign::list(conn)?;
    let in_campaigns: Vec<i64> = campaign_assets(conn)?;
    let mut stmt = conn.prepare(
        "SELECT g.id, coalesce(c.handle, c.name, c.email), g.asset_id, a.original_name, g.valid_until, g.contributor_id
         FROM grants g JOIN contributors c ON c.id = g.contributor_id LEFT JOIN assets a ON a.id = g.asset_id
         WHERE g.decision = 'granted' AND g.revoked_on IS NULL AND g.valid_until IS NOT NULL ORDER BY g.valid_until, g.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, contributor, asset, name, until, contributor_id) in rows {
        let Ok(until) = NaiveDate::parse_from_str(&until, "%Y-%m-%d") else {
            continue;
        };
        if until < today {
            continue;
        }
        let used = asset.is_none_or(|a| in_campaigns.contains(&a));
        let before_campaign = campaigns
            .iter()
            .find(|c| used && c.usage.ends_on > until && c.usage.ends_on >= today)
            .map(|c| {
                format!(
                    "ends before campaign '{}' does ({})",
                    c.name, c.usage.ends_on
                )
            });
        let reason = match (before_campaign, until <= horizon) {
            (Some(r), _) => r,
            (None, true) => format!("ends in {} day(s)", (until - today).num_days()),
            (None, false) => continue,
        };
        out.push(DueGrant {
            grant_id: id,
            contributor_id,
            contributor,
            asset_id: asset,
            original_name: name,
            valid_until: until,
            reason,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn the_account_name_comes_from_the_system_not_the_environment() {
        // What `actor` falls back to when an app is started without USER (tauri-driver
        // does that): the account the process runs as.
        let name = super::account_name().expect("the process's account");
        assert!(!name.trim().is_empty(), "{name:?}");
    }
}
