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
