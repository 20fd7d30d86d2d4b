//! Rights decisions as the front ends take them: a form's fields (the desktop's grant form,
//! the CLI's flags) become a checked scope and evidence, then one engine call.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{AssetId, CampaignId, Error, Result};
use crate::campaign;
use crate::library::Library;
use crate::rights::{self, Age, Channel, Decision, Evidence, RequestPlan, Scope, Target};
use crate::usage;

/// Who a decision is about: these assets, or every asset of one contributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Assets(Vec<AssetId>),
    Contributor(i64),
}

impl Subject {
    /// From a form's two fields: a contributor wins over the asset list.
    pub fn of(assets: &[i64], contributor: Option<i64>) -> Result<Subject> {
        match contributor {
            Some(c) => Ok(Subject::Contributor(c)),
            None if assets.is_empty() => {
                Err(Error::invalid("choose the assets or the contributor"))
            }
            None => Ok(Subject::Assets(
                assets.iter().copied().map(AssetId).collect(),
            )),
        }
    }

    /// The CLI's `@handle`, e-mail or asset references, once resolved.
    pub fn from_target(target: Target) -> Subject {
        match target {
            Target::Assets(ids) => Subject::Assets(ids.into_iter().map(AssetId).collect()),
            Target::Contributor(c) => Subject::Contributor(c),
        }
    }

    fn target(&self) -> Target {
        match self {
            Subject::Assets(ids) => Target::Assets(ids.iter().map(|a| a.0).collect()),
            Subject::Contributor(c) => Target::Contributor(*c),
        }
    }
}

/// A contributor's yes, with its scope and the evidence of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GrantForm {
    pub asset_ids: Vec<i64>,
    /// Grant for every asset of this contributor, now and later, instead of `asset_ids`.
    pub contributor_id: Option<i64>,
    pub channels: Vec<Channel>,
    pub territories: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// What is established about the contributor's age.
    pub age: Age,
    pub guardian: Option<String>,
    /// Their words (the reply, the signed release's text).
    pub evidence: String,
    /// form, email, social, release or other.
    pub source: String,
}

fn evidence(text: &str, source: &str) -> Evidence {
    Evidence {
        text: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        source: source.to_string(),
        given_at: None,
        file: None,
    }
}

/// Records a grant; returns the new grants' ids.
pub fn grant(lib: &mut Library, form: &GrantForm) -> Result<Vec<i64>> {
    grant_with(lib, form, None, None)
}

/// `grant`, with a signed release file copied into the library as evidence and the time
/// the contributor gave it (the CLI's `--evidence-file` and `--given`; the desktop app
/// takes neither, so a page cannot make it copy a file of its choosing).
pub fn grant_with(
    lib: &mut Library,
    form: &GrantForm,
    evidence_file: Option<&std::path::Path>,
    given_at: Option<&str>,
) -> Result<Vec<i64>> {
    let subject = Subject::of(&form.asset_ids, form.contributor_id)?;
    let scope = Scope {
        channels: form.channels.iter().copied().collect(),
        territories: usage::territory_set(&form.territories)?,
        valid_from: form.valid_from,
        valid_until: form.valid_until,
        age: form.age,
        guardian: form
            .guardian
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string),
    };
    let mut evidence = evidence(&form.evidence, &form.source);
    evidence.file = evidence_file.map(std::path::Path::to_path_buf);
    evidence.given_at = given_at.map(str::to_string);
    Ok(rights::decide(
        lib,
        &subject.target(),
        Decision::Granted,
        &scope,
        &evidence,
    )?)
}

/// Records a refusal; returns the new decisions' ids.
pub fn deny(lib: &mut Library, subject: &Subject, said: &str, source: &str) -> Result<Vec<i64>> {
    deny_given(lib, subject, said, source, None)
}

/// `deny`, with the time the contributor said it.
pub fn deny_given(
    lib: &mut Library,
    subject: &Subject,
    said: &str,
    source: &str,
    given_at: Option<&str>,
) -> Result<Vec<i64>> {
    let mut evidence = evidence(said, source);
    evidence.given_at = given_at.map(str::to_string);
    Ok(rights::decide(
        lib,
        &subject.target(),
        Decision::Denied,
        &Scope::default(),
        &evidence,
    )?)
}

/// Withdraws permission from `on`; returns how many grants ended.
pub fn revoke(lib: &mut Library, subject: &Subject, on: NaiveDate, reason: &str) -> Result<usize> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "say why permission was withdrawn (it goes in the audit log)",
        ));
    }
    Ok(rights::revoke(lib, &subject.target(), on, reason)?)
}

/// Drafts the permission requests for these assets, for a campaign's usage, and records
/// that they were asked.
pub fn request(lib: &mut Library, assets: &[AssetId], campaign: CampaignId) -> Result<RequestPlan> {
    if assets.is_empty() {
        return Err(Error::invalid("choose the assets to ask about"));
    }
    let c = campaign::get(lib.conn(), &campaign.0.to_string())?;
    let settings = rights::RightsSettings::load(lib)?;
    let ids: Vec<i64> = assets.iter().map(|a| a.0).collect();
    Ok(rights::request(lib, &ids, &c.usage, Some(c.id), &settings)?)
}

/// Clears blocked assets for one campaign on a person's authority (permission held outside
/// Chorus), with a reason of substance and who authorised it; never a contributor's no or
/// withdrawal, a minor without a guardian, or an unknown age for paid use.
pub fn override_gate(
    lib: &mut Library,
    campaign: CampaignId,
    assets: &[AssetId],
    reason: &str,
    authorised_by: &str,
) -> Result<Vec<i64>> {
    if assets.is_empty() {
        return Err(Error::invalid("choose the assets to clear"));
    }
    let c = campaign::get(lib.conn(), &campaign.0.to_string())?;
    let ids: Vec<i64> = assets.iter().map(|a| a.0).collect();
    Ok(rights::override_clearance(
        lib,
        &c,
        &ids,
        reason,
        authorised_by,
    )?)
}

/// Imports replies from each file: `.eml` messages, `.mbox` archives or a CSV export.
/// Files are read in order; the first that cannot be read stops with its name.
pub fn import_replies(lib: &mut Library, paths: &[String]) -> Result<Vec<rights::Reply>> {
    let files: Vec<&str> = paths
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    if files.is_empty() {
        return Err(Error::invalid(
            "choose the reply files to import (.eml, .mbox or .csv)",
        ));
    }
    let settings = rights::RightsSettings::load(lib)?;
    let mut out = Vec::new();
    for file in files {
        out.extend(rights::import_replies(
            lib,
            std::path::Path::new(file),
            &settings,
        )?);
    }
    Ok(out)
}

/// Replies waiting for a person (an unknown sender, a maybe), oldest first.
pub fn pending_replies(lib: &Library) -> Result<Vec<rights::PendingReply>> {
    Ok(rights::pending_replies(lib.conn())?)
}

/// Takes a waiting reply off the queue once a person has dealt with it.
pub fn resolve_pending_reply(lib: &Library, id: i64) -> Result<()> {
    if rights::resolve_pending(lib.conn(), id)? {
        Ok(())
    } else {
        Err(Error::new(
            super::ErrorKind::NotFound,
            format!("no reply {id} is waiting for a person (see `chorus rights pending`)"),
        ))
    }
}

/// Requests unanswered after the library's `follow_up_days`, per contributor.
pub fn unanswered(lib: &Library, today: NaiveDate) -> Result<Vec<rights::Unanswered>> {
    let settings = rights::RightsSettings::load(lib)?;
    Ok(rights::unanswered(
        lib.conn(),
        settings.follow_up_days,
        today,
    )?)
}

/// Drafts the one follow-up each waiting contributor may get, and records it.
pub fn follow_up(lib: &mut Library, today: NaiveDate) -> Result<Vec<rights::Draft>> {
    let settings = rights::RightsSettings::load(lib)?;
    Ok(rights::follow_up(lib, &settings, today)?)
}

/// Thank-yous drafted for exported pieces: one contributor's, or everyone's.
pub fn thank_yous(lib: &Library, contributor: Option<i64>) -> Result<Vec<crate::thanks::ThankYou>> {
    Ok(crate::thanks::list(lib.conn(), contributor)?)
}

/// Records that a thank-you was sent.
pub fn thank_you_sent(lib: &Library, id: i64) -> Result<crate::thanks::ThankYou> {
    Ok(crate::thanks::mark_sent(lib.conn(), id)?)
}

/// A reply's result as the desktop shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReplyView {
    /// The CSV line, or the message's number in its file.
    pub number: u32,
    pub from: String,
    pub text: String,
    pub date: Option<String>,
    /// granted, denied, revoked, needs_person or already_imported.
    pub outcome: String,
    /// In words: how many assets, or why a person must decide.
    pub detail: String,
}

impl From<&rights::Reply> for ReplyView {
    fn from(r: &rights::Reply) -> ReplyView {
        use rights::ReplyOutcome as O;
        let (outcome, detail) = match &r.outcome {
            O::Granted { grant_ids } => (
                "granted",
                format!("granted for {} asset(s)", grant_ids.len()),
            ),
            O::Denied { grant_ids } => (
                "denied",
                format!("declined for {} asset(s)", grant_ids.len()),
            ),
            O::Revoked { grants } => ("revoked", format!("withdrawn: {grants} grant(s) revoked")),
            O::NeedsPerson { why } => ("needs_person", why.clone()),
            O::AlreadyImported => (
                "already_imported",
                "imported before; nothing recorded again".to_string(),
            ),
        };
        ReplyView {
            number: r.line as u32,
            from: r.from.clone(),
            text: r.text.clone(),
            date: r.date.clone(),
            outcome: outcome.to_string(),
            detail,
        }
    }
}

/// The audit chain walked and every grant compared with its events (`chorus rights verify`).
pub fn verify(lib: &Library) -> Result<rights::ledger::Verification> {
    Ok(rights::ledger::verify(lib.conn())?)
}

/// A grant's evidence as it was received: the e-mail, the form row, the release file.
pub fn evidence_of(lib: &Library, grant: i64) -> Result<rights::evidence::EvidenceView> {
    Ok(rights::evidence::evidence(lib, grant)?)
}

/// A copy of a grant's evidence file under `dir`, named for what it is (a viewer picks
/// its program by the name), for opening in the system's viewer.
pub fn evidence_copy(
    lib: &Library,
    grant: i64,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    use std::io::Read;
    // Only its first bytes say what it is: the file itself is copied, not read here.
    let Some(from) = rights::evidence::evidence_path(lib, grant)? else {
        return Err(Error::new(
            super::ErrorKind::NotFound,
            format!(
                "grant {grant} has no evidence file: its evidence is the words recorded with it"
            ),
        ));
    };
    let mut head = Vec::new();
    std::fs::File::open(&from)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| {
            Error::new(
                super::ErrorKind::Io,
                format!("cannot read the evidence {}: {e}", from.display()),
            )
        })?;
    let ext = match rights::evidence::kind_of(&head) {
        rights::evidence::EvidenceKind::Pdf => "pdf",
        rights::evidence::EvidenceKind::Mail => "eml",
        rights::evidence::EvidenceKind::Image => image::guess_format(&head)
            .ok()
            .and_then(|f| f.extensions_str().first().copied())
            .unwrap_or("img"),
        rights::evidence::EvidenceKind::Other => "bin",
    };
    let to = dir.join(format!("evidence-grant-{grant}.{ext}"));
    std::fs::copy(&from, &to).map_err(|e| {
        Error::new(
            super::ErrorKind::Io,
            format!("cannot copy the evidence to {}: {e}", to.display()),
        )
    })?;
    Ok(to)
}
