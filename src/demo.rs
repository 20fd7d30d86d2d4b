//! The demo: a fresh library from the bundled samples, then a campaign taken through rights
//! clearance, so the first run shows every state a marketer meets (cleared, awaiting an
//! answer, denied, a reply a person must read, a grant about to expire). The CLI and the
//! desktop app both call this.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::campaign::{self, Campaign};
use crate::catalog::{self, Curation, Filter};
use crate::library::Library;
use crate::piece::assemble;
use crate::piece::{self, Piece, Preset};
use crate::rights::{self, Channel, Decision, Evidence, Reply, RequestPlan, Scope, Target, Usage};

pub const CAMPAIGN: &str = "Summer Stories";
pub const ALWAYS_ON: &str = "Always On";
/// The file in a sample folder that tells the demo what to do with it.
pub const SCRIPT_FILE: &str = "demo.json";

/// What the demo does, read from `demo.json` in its folder: the brand the submissions were
/// sent to, the folder of files and the form export to import, which files the marketer
/// selects, the one rated best, the one with a signed release that runs out soon, and the
/// file of replies to the rights requests. Paths are relative to the script's folder.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub brand_name: String,
    pub files: PathBuf,
    pub form: PathBuf,
    pub replies: PathBuf,
    pub select: Vec<String>,
    pub best: String,
    pub short_release: String,
    /// The call to action the demo's montages end on.
    #[serde(default)]
    pub cta: Option<piece::Cta>,
    /// The brand's page of terms for customer content (written into exported files).
    #[serde(default)]
    pub rights_url: Option<String>,
}

impl Script {
    /// Reads `demo.json` from `folder`, with its paths resolved against that folder.
    pub fn load(folder: &Path) -> Result<Script, DemoError> {
        let path = folder.join(SCRIPT_FILE);
        let bad = |why: String| DemoError::Script {
            path: path.clone(),
            why,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
        let mut script: Script = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        for p in [&mut script.files, &mut script.form, &mut script.replies] {
            *p = folder.join(&*p);
        }
        if !script.files.is_dir() {
            return Err(bad(format!(
                "no folder of files at {}",
                script.files.display()
            )));
        }
        rights::validate_setting("brand_name", &script.brand_name).map_err(bad)?;
        if let Some(url) = &script.rights_url {
            rights::validate_setting("rights_url", url).map_err(bad)?;
        }
        Ok(script)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo sample {0} is missing from the library")]
    MissingSample(String),
    #[error("{path}: {why}")]
    Script { path: PathBuf, why: String },
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Campaign(#[from] campaign::CampaignError),
    #[error(transparent)]
    Rights(#[from] rights::RightsError),
    #[error(transparent)]
    Replies(#[from] rights::RepliesError),
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
}

pub struct DemoRights {
    pub campaign: Campaign,
    pub requests: RequestPlan,
    pub requests_dir: PathBuf,
    pub replies: Vec<Reply>,
}

/// Selects the demo assets, creates a campaign running from next week for three months
/// (dates relative to today, so the demo never goes stale), asks for rights, reads the
/// script's replies, and records one signed release that expires before the campaign ends.
pub fn clear_rights(
    lib: &mut Library,
    script: &Script,
    today: NaiveDate,
) -> Result<DemoRights, DemoError> {
    lib.set_setting("brand_name", &script.brand_name)?;
    if let Some(url) = &script.rights_url {
        lib.set_setting("rights_url", url)?;
    }
    let assets = catalog::list(lib.conn(), &Filter::default())?;
    let id_of = |name: &str| {
        assets
            .iter()
            .find(|a| a.original_name == name)
            .map(|a| a.id)
            .ok_or_else(|| DemoError::MissingSample(name.to_string()))
    };
    let selected = script
        .select
        .iter()
        .map(|n| id_of(n))
        .collect::<Result<Vec<_>, _>>()?;
    catalog::curate(lib, &selected, Curation::Selected)?;
    catalog::rate(lib, &[id_of(&script.best)?], "5")?;

    let usage = Usage {
        channels: [Channel::Web, Channel::Social, Channel::PaidSocial].into(),
        territories: ["US".to_string(), "GB".to_string()].into(),
        starts_on: today + Duration::days(7),
        ends_on: today + Duration::days(97),
    };
    let campaign = campaign::create(lib.conn(), CAMPAIGN, &usage)?;
    let settings = rights::RightsSettings::load(lib)?;
    let pending: Vec<i64> = rights::campaign_clearance(lib.conn(), &campaign)?
        .into_iter()
        .filter(|a| !a.clearance.is_cleared())
        .map(|a| a.asset_id)
        .collect();
    let requests = rights::request(lib, &pending, &usage, Some(campaign.id), &settings)?;
    let requests_dir = lib.root().join("requests");
    rights::write_drafts(&requests, &requests_dir)?;
    let replies = rights::import_replies(lib, &script.replies, &settings)?;

    // One contributor signs a release that runs out three weeks from now: cleared today,
    // due soon, and blocked for a campaign that outlasts it.
    let released = id_of(&script.short_release)?;
    let scope = Scope {
        channels: usage.channels.clone(),
        territories: usage.territories.clone(),
        valid_from: Some(today),
        valid_until: Some(today + Duration::days(21)),
        age: rights::Age::Adult,
        guardian: None,
    };
    let evidence = Evidence {
        text: Some("Signed release, valid three weeks (demo)".into()),
        source: "release".into(),
        given_at: None,
        file: None,
    };
    rights::decide(
        lib,
        &Target::Assets(vec![released]),
        Decision::Granted,
        &scope,
        &evidence,
    )?;
    Ok(DemoRights {
        campaign,
        requests,
        requests_dir,
        replies,
    })
}

/// A second campaign inside what the form consent already covers (web and social,
/// worldwide, starting tomorrow for two months), with pieces made from what is cleared: a
/// 30 s homepage hero and a 15 s story (auto-assembled) and a wall of fans (mosaic).
pub fn assemble_pieces(
    lib: &Library,
    script: &Script,
    today: NaiveDate,
) -> Result<(Campaign, Vec<Piece>), DemoError> {
    let usage = Usage {
        channels: [Channel::Web, Channel::Social].into(),
        territories: [rights::WORLDWIDE.to_string()].into(),
        starts_on: today + Duration::days(1),
        ends_on: today + Duration::days(61),
    };
    let c = campaign::create(lib.conn(), ALWAYS_ON, &usage)?;
    let mut pieces = Vec::new();
    for (name, preset, length) in [
        ("Homepage hero", Preset::Hero16x9, 30),
        ("Story cut", Preset::Story9x16, 15),
    ] {
        let mut doc = assemble::auto_montage(lib, &c, name, preset, length)?;
        if let piece::Content::Montage(m) = &mut doc.content {
            m.cta = script.cta.clone();
        }
        pieces.push(piece::create(lib.conn(), &c, &doc)?);
    }
    // A wall of fans from everything the hero uses.
    let wall = piece::PieceDoc {
        format: piece::FORMAT,
        name: "Wall of fans".into(),
        preset: Preset::Hero16x9,
        content: piece::Content::Mosaic(piece::Mosaic {
            asset_ids: pieces[0].document.asset_ids(),
            layout: piece::Layout::Grid,
            brand_overlay: true,
            animated_ms: 6000,
            music_bed: true,
            target_lufs: -14.0,
        }),
    };
    pieces.push(piece::create(lib.conn(), &c, &wall)?);
    Ok((c, pieces))
}
