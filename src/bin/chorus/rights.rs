//! `chorus rights`: grants, denials, edits, overrides, revocations, requests and replies,
//! status, due dates, the report and the audit log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chorus::api;
use chorus::campaign;
use chorus::library::Library;
use clap::Subcommand;

use crate::{parse_usage, resolve_all, AnyError, UsageArgs};

#[derive(clap::Args)]
pub(crate) struct DecisionArgs {
    /// A contributor (@handle or email) or one or more assets.
    #[arg(required = true, value_name = "CONTRIBUTOR|ASSET...")]
    targets: Vec<String>,
    /// The consent text or the contributor's reply, verbatim.
    #[arg(long)]
    evidence: Option<String>,
    /// A signed release or screenshot, copied into the library.
    #[arg(long, value_name = "FILE")]
    evidence_file: Option<PathBuf>,
    /// Where the evidence came from: form, email, social, release, other.
    #[arg(long, default_value = "email")]
    source: String,
    /// When the contributor gave it (default: now).
    #[arg(long, value_name = "DATE")]
    given: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum RightsCommand {
    /// Record permission, with its scope and evidence.
    Grant {
        #[command(flatten)]
        decision: DecisionArgs,
        #[arg(long)]
        channels: String,
        #[arg(long)]
        territories: String,
        /// First valid day (default: today).
        #[arg(long)]
        from: Option<String>,
        /// Last valid day (default: open-ended).
        #[arg(long)]
        until: Option<String>,
        /// What is established about the contributor's age: adult (an age, a date of
        /// birth or an 18+ confirmation in the evidence), minor, or unknown (the default:
        /// allows web, social, print and e-mail, never paid social, TV or out-of-home).
        #[arg(long, default_value = "unknown", value_parser = parse_age)]
        age: chorus::rights::Age,
        /// Shorthand for `--age adult`.
        #[arg(long, conflicts_with_all = ["guardian", "age"])]
        adult: bool,
        /// For a minor: the guardian who consented (name and relation).
        #[arg(long)]
        guardian: Option<String>,
    },
    /// Record a refusal.
    Deny {
        #[command(flatten)]
        decision: DecisionArgs,
    },
    /// Correct a recorded grant; the audit log keeps the old values.
    Edit {
        grant: i64,
        #[arg(long)]
        channels: Option<String>,
        #[arg(long)]
        territories: Option<String>,
        /// New last day (YYYY-MM-DD), or `open`.
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        guardian: Option<String>,
        /// Why it changed (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Clear blocked assets for one campaign on a person's authority (permission held
    /// outside Chorus); audited. Never overrides a contributor's no or withdrawal.
    Override {
        #[arg(required = true, value_name = "ASSET")]
        assets: Vec<String>,
        #[arg(long)]
        campaign: String,
        /// Where the permission is held, in a sentence a colleague can check later.
        #[arg(long)]
        reason: String,
        /// Who authorised it (name and role), e.g. "Dana Lee, legal".
        #[arg(long)]
        by: String,
    },
    /// Withdraw permission (the contributor asked to stop).
    Revoke {
        #[arg(required = true, value_name = "CONTRIBUTOR|ASSET...")]
        targets: Vec<String>,
        #[arg(long, default_value = "withdrawn by the contributor")]
        reason: String,
    },
    /// Draft one request per contributor (printed with mailto: links, or written to --out)
    /// and record that they were asked.
    Request {
        /// Ask about this campaign's shortlisted and selected assets not yet cleared.
        #[arg(long, conflicts_with_all = ["assets", "channels"])]
        campaign: Option<String>,
        #[arg(value_name = "ASSET")]
        assets: Vec<String>,
        /// Without --campaign: the usage to ask for.
        #[arg(long, requires_all = ["territories", "from", "until"])]
        channels: Option<String>,
        #[arg(long)]
        territories: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        until: Option<String>,
        /// Write one .txt draft per contributor into this folder instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import replies: e-mails saved as .eml, mailbox archives (.mbox, from Gmail's Takeout,
    /// Thunderbird, Apple Mail), or a CSV (handle or email, reply text, date).
    Import {
        #[arg(required = true, value_name = "FILE")]
        replies: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Per asset: rights status as of today; with --campaign, cleared or every reason not.
    Status {
        #[arg(long)]
        campaign: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// What needs doing: grants that end soon (or before a campaign using their asset ends)
    /// and requests unanswered after `follow_up_days`.
    Due {
        /// e.g. 30d (days).
        #[arg(long, default_value = "30d")]
        within: String,
        /// Draft the one polite follow-up each waiting contributor may get, and record it.
        #[arg(long)]
        follow_up: bool,
        /// With --follow-up: write one .txt draft per contributor into this folder.
        #[arg(long, value_name = "DIR", requires = "follow_up")]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Replies waiting for a person: unknown senders, maybes, messages that could not be read.
    Pending {
        /// Take this reply off the list once you have dealt with it.
        #[arg(long, value_name = "ID")]
        done: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Write the campaign's rights report (CSV and HTML) into a folder: the one an agency
    /// may see, or with --internal the full evidence (e-mail addresses, the consent's own
    /// words, guardians, the audit), which stays with the brand.
    Report {
        #[arg(long)]
        campaign: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long)]
        internal: bool,
    },
    /// Walk the audit chain and compare every grant with the events that recorded it;
    /// exits 1 and names the first problem when anything was changed by hand.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// A grant's evidence as it was received: the reply e-mail (its headers and text), the
    /// submission form's row, or what the release file is (--save copies it out).
    Evidence {
        grant: i64,
        #[arg(long)]
        save: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The append-only audit log.
    Log {
        #[arg(long)]
        json: bool,
    },
}

fn parse_age(s: &str) -> Result<chorus::rights::Age, String> {
    chorus::rights::Age::parse(s)
        .ok_or_else(|| format!("'{s}' is not an age status (use adult, minor or unknown)"))
}

pub(crate) fn rights_cmd(dir: &Path, cmd: RightsCommand) -> Result<ExitCode, AnyError> {
    use chorus::api::rights::{GrantForm, Subject};
    use chorus::rights;
    let mut lib = Library::open(dir)?;
    match cmd {
        RightsCommand::Grant {
            decision,
            channels,
            territories,
            from,
            until,
            age,
            adult,
            guardian,
        } => {
            let subject =
                Subject::from_target(rights::resolve_target(lib.conn(), &decision.targets)?);
            let (asset_ids, contributor_id) = match &subject {
                Subject::Assets(ids) => (ids.iter().map(|a| a.0).collect(), None),
                Subject::Contributor(c) => (Vec::new(), Some(*c)),
            };
            let form = GrantForm {
                asset_ids,
                contributor_id,
                channels: campaign::parse_channels(&channels)?.into_iter().collect(),
                territories: territories.split(',').map(str::to_string).collect(),
                valid_from: from.as_deref().map(campaign::parse_date).transpose()?,
                valid_until: until.as_deref().map(campaign::parse_date).transpose()?,
                age: if adult { rights::Age::Adult } else { age },
                guardian,
                evidence: decision.evidence.clone().unwrap_or_default(),
                source: decision.source.clone(),
            };
            let ids = api::rights::grant_with(
                &mut lib,
                &form,
                decision.evidence_file.as_deref(),
                decision.given.as_deref(),
            )?;
            println!("recorded {} grant(s)", ids.len());
        }
        RightsCommand::Deny { decision } => {
            let subject =
                Subject::from_target(rights::resolve_target(lib.conn(), &decision.targets)?);
            let said = decision.evidence.clone().unwrap_or_default();
            let given = decision.given.as_deref();
            let ids = api::rights::deny_given(&mut lib, &subject, &said, &decision.source, given)?;
            println!("recorded {} denial(s)", ids.len());
        }
        RightsCommand::Edit {
            grant,
            channels,
            territories,
            until,
            guardian,
            reason,
        } => {
            let edit = rights::GrantEdit {
                channels: channels
                    .as_deref()
                    .map(campaign::parse_channels)
                    .transpose()?,
                territories: territories
                    .as_deref()
                    .map(campaign::parse_territories)
                    .transpose()?,
                valid_until: match until.as_deref() {
                    None => None,
                    Some("open") => Some(None),
                    Some(d) => Some(Some(campaign::parse_date(d)?)),
                },
                guardian,
                reason,
            };
            rights::edit_grant(&mut lib, grant, &edit)?;
            println!("grant {grant} updated");
        }
        RightsCommand::Override {
            assets,
            campaign: name,
            reason,
            by,
        } => {
            let c = campaign::get(lib.conn(), &name)?;
            let ids = resolve_all(&lib, &assets)?;
            let ids: Vec<api::AssetId> = ids.into_iter().map(api::AssetId).collect();
            let made =
                api::rights::override_gate(&mut lib, api::CampaignId(c.id), &ids, &reason, &by)?;
            println!("{} override(s) recorded for '{}'", made.len(), c.name);
        }
        RightsCommand::Revoke { targets, reason } => {
            let subject = Subject::from_target(rights::resolve_target(lib.conn(), &targets)?);
            let today = chrono::Local::now().date_naive();
            let n = api::rights::revoke(&mut lib, &subject, today, &reason)?;
            println!("revoked {n} grant(s) from {today}");
        }
        RightsCommand::Request {
            campaign: name,
            assets,
            channels,
            territories,
            from,
            until,
            out,
            json,
        } => {
            let settings = rights::RightsSettings::load(&lib)?;
            let (ids, usage, campaign_id) = match name {
                Some(name) => {
                    let c = campaign::get(lib.conn(), &name)?;
                    let pending: Vec<i64> = rights::campaign_clearance(lib.conn(), &c)?
                        .into_iter()
                        .filter(|a| !a.clearance.is_cleared())
                        .map(|a| a.asset_id)
                        .collect();
                    (pending, c.usage, Some(c.id))
                }
                None => {
                    let usage = parse_usage(&UsageArgs {
                        channels: channels
                            .ok_or("give --campaign, or the usage to ask for (--channels ...)")?,
                        territories: territories.unwrap_or_default(),
                        from: from.unwrap_or_default(),
                        until: until.unwrap_or_default(),
                    })?;
                    (resolve_all(&lib, &assets)?, usage, None)
                }
            };
            let plan = rights::request(&mut lib, &ids, &usage, campaign_id, &settings)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&plan)?);
            } else if let Some(dir) = out {
                for path in rights::write_drafts(&plan, &dir)? {
                    println!("wrote {}", path.display());
                }
            } else {
                for d in &plan.drafts {
                    println!(
                        "──── To: {} {} <{}>\nSubject: {}\n\n{}",
                        d.name.clone().unwrap_or_default(),
                        d.handle.clone().unwrap_or_default(),
                        d.email.clone().unwrap_or_default(),
                        d.subject,
                        d.body
                    );
                    if let Some(m) = &d.mailto {
                        println!("Open in your mail app: {m}\n");
                    }
                }
            }
            for (_, why) in &plan.skipped {
                eprintln!("not asked: {why}");
            }
            if !json {
                println!(
                    "{} request(s) drafted for {} asset(s); recorded as requested",
                    plan.drafts.len(),
                    plan.drafts.iter().map(|d| d.asset_ids.len()).sum::<usize>()
                );
            }
        }
        RightsCommand::Import { replies, json } => {
            let settings = rights::RightsSettings::load(&lib)?;
            let mut results = Vec::new();
            for file in &replies {
                results.extend(rights::import_replies(&mut lib, file, &settings)?);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                let mut undecided = 0;
                for r in &results {
                    let what = match &r.outcome {
                        rights::ReplyOutcome::Granted { grant_ids } => {
                            format!("granted ({} asset(s))", grant_ids.len())
                        }
                        rights::ReplyOutcome::Denied { grant_ids } => {
                            format!("denied ({} asset(s))", grant_ids.len())
                        }
                        rights::ReplyOutcome::Revoked { grants } => {
                            format!("withdrawn ({grants} grant(s) revoked)")
                        }
                        rights::ReplyOutcome::NeedsPerson { why } => {
                            undecided += 1;
                            format!("NEEDS A PERSON: {why}")
                        }
                        rights::ReplyOutcome::AlreadyImported => {
                            "already imported; nothing recorded again".to_string()
                        }
                    };
                    println!(
                        "line {:>3}  {:<24} {what}\n           \"{}\"",
                        r.line, r.from, r.text
                    );
                }
                println!(
                    "{} repl(ies) read, {undecided} left for a person to decide",
                    results.len()
                );
            }
        }
        RightsCommand::Pending { done: Some(id), .. } => {
            chorus::api::rights::resolve_pending_reply(&lib, id)?;
            println!("reply {id} is off the list");
        }
        RightsCommand::Pending { done: None, json } => {
            let pending = chorus::api::rights::pending_replies(&lib)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&pending)?);
            } else {
                for p in &pending {
                    println!(
                        "{:>3}  {:<28} {}\n     \"{}\"\n     needs a person: {}",
                        p.id, p.sender, p.origin, p.text, p.why
                    );
                }
                println!("{} repl(ies) waiting for a person", pending.len());
            }
        }
        RightsCommand::Due {
            within,
            follow_up,
            out,
            json,
        } => {
            let days: i64 = within
                .trim_end_matches('d')
                .parse()
                .map_err(|_| format!("--within takes days, like 30d, not '{within}'"))?;
            let today = chrono::Local::now().date_naive();
            let list = rights::due(lib.conn(), days, today)?;
            let unanswered = chorus::api::rights::unanswered(&lib, today)?;
            let drafts = if follow_up {
                chorus::api::rights::follow_up(&mut lib, today)?
            } else {
                Vec::new()
            };
            if let Some(dir) = &out {
                let plan = rights::RequestPlan {
                    drafts: drafts.clone(),
                    skipped: Vec::new(),
                };
                for path in rights::write_drafts(&plan, dir)? {
                    eprintln!("follow-up draft: {}", path.display());
                }
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "expiring": list,
                        "unanswered": unanswered,
                        "follow_ups": drafts,
                    }))?
                );
            } else {
                let settings = rights::RightsSettings::load(&lib)?;
                println!(
                    "Unanswered after {} days (follow_up_days):",
                    settings.follow_up_days
                );
                for u in &unanswered {
                    let followed = u
                        .followed_up_on
                        .as_deref()
                        .map_or("no follow-up yet".to_string(), |d| {
                            format!("followed up on {d}; Chorus will not ask again")
                        });
                    println!(
                        "  {:<24} asked {} ({} days): {}  [{followed}]",
                        u.contributor,
                        u.asked_on,
                        u.days_waiting,
                        u.original_names.join(", ")
                    );
                }
                if !drafts.is_empty() && out.is_none() {
                    for d in &drafts {
                        println!(
                            "\n--- follow-up to {}\nSubject: {}\n\n{}",
                            d.email
                                .as_deref()
                                .or(d.handle.as_deref())
                                .unwrap_or("the contributor"),
                            d.subject,
                            d.body
                        );
                    }
                }
                if follow_up {
                    println!("{} follow-up(s) drafted and recorded", drafts.len());
                }
                println!("Grants that end soon:");
                for d in &list {
                    println!(
                        "grant {:>3}  {:<14} {:<24} until {}  {}",
                        d.grant_id,
                        d.contributor.clone().unwrap_or_default(),
                        d.original_name
                            .clone()
                            .unwrap_or_else(|| "all their assets".into()),
                        d.valid_until,
                        d.reason
                    );
                }
                println!("{} grant(s) need attention", list.len());
            }
        }
        RightsCommand::Report {
            campaign: name,
            out,
            internal,
        } => {
            let c = campaign::get(lib.conn(), &name)?;
            let assets = rights::campaign_assets(lib.conn())?;
            let audience = if internal {
                rights::Audience::Internal
            } else {
                rights::Audience::Agency
            };
            let (csv, html) = rights::write_report(lib.conn(), &c, &assets, &out, audience)?;
            println!(
                "rights report: {}\n               {}",
                csv.display(),
                html.display()
            );
        }
        RightsCommand::Evidence { grant, save, json } => {
            let v = api::rights::evidence_of(&lib, grant)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "grant {} ({}), given {} through {}",
                    v.grant_id, v.decision, v.given_at, v.source
                );
                if let Some(t) = &v.text {
                    println!("  their words: \"{t}\"");
                }
                if let Some(f) = &v.form {
                    println!(
                        "  form row: {} sent {} on {}{}",
                        f.name
                            .as_deref()
                            .or(f.email.as_deref())
                            .or(f.handle.as_deref())
                            .unwrap_or("someone"),
                        f.file_name,
                        f.submitted_at.as_deref().unwrap_or("an unknown date"),
                        f.consent_text
                            .as_deref()
                            .map(|c| format!(", consent: \"{c}\""))
                            .unwrap_or_default()
                    );
                }
                if let Some(m) = &v.mail {
                    println!(
                        "  e-mail from {} <{}>",
                        m.name.as_deref().unwrap_or(""),
                        m.from
                    );
                    println!("  subject: {}", m.subject.as_deref().unwrap_or("(none)"));
                    println!("  date: {}", m.date.as_deref().unwrap_or("(none)"));
                    for line in m.body.lines() {
                        println!("  | {line}");
                    }
                }
                if let Some(f) = &v.file {
                    println!("  file: {:?}, {} bytes, blake3 {}", f.kind, f.bytes, f.hash);
                }
            }
            if let Some(dir) = save {
                let to = api::rights::evidence_copy(&lib, grant, &dir)?;
                println!("copied to {}", to.display());
            }
        }
        RightsCommand::Verify { json } => {
            let v = api::rights::verify(&lib)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if v.verified() {
                println!(
                    "audit verified: {} event(s), head {} {}; every grant matches its events",
                    v.events,
                    v.head.as_ref().map_or(0, |h| h.event_id),
                    v.head
                        .as_ref()
                        .map_or("", |h| &h.hash[..16.min(h.hash.len())])
                );
            } else {
                if let Some(first) = v.first_problem() {
                    println!("audit does NOT verify: {first}");
                }
                for b in v.break_sentences.iter().skip(1) {
                    println!("  also: {b}");
                }
                for a in &v.altered {
                    println!(
                        "  grant {} (contributor {}): {}",
                        a.grant_id, a.contributor_id, a.what
                    );
                }
                for e in &v.exports_unanchored {
                    println!("  {e}");
                }
                println!("Nothing these grants cover is cleared until the library is restored from a backup.");
            }
            if !v.verified() {
                return Ok(ExitCode::from(1));
            }
        }
        RightsCommand::Status {
            campaign: None,
            json,
        } => {
            let list = rights::asset_statuses(lib.conn(), chrono::Local::now().date_naive())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for a in &list {
                    println!(
                        "{:>4}  {:<24} {:<14} {}",
                        a.asset_id,
                        a.original_name,
                        a.contributor.clone().unwrap_or_default(),
                        a.status.as_str()
                    );
                }
            }
        }
        RightsCommand::Status {
            campaign: Some(name),
            json,
        } => {
            let c = campaign::get(lib.conn(), &name)?;
            let list = rights::campaign_clearance(lib.conn(), &c)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_clearance(&c.name, &list);
            }
        }
        RightsCommand::Log { json } => {
            let events = rights::audit_log(lib.conn())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&events)?);
            } else {
                let or_dash = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
                for e in events {
                    println!(
                        "{}  {:<8} {:<7} contributor {:<4} asset {:<4}  {}",
                        e.at,
                        e.actor,
                        e.action,
                        or_dash(e.contributor_id),
                        or_dash(e.asset_id),
                        e.detail
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_clearance(campaign: &str, list: &[chorus::rights::AssetClearance]) {
    use chorus::rights::Clearance;
    for a in list {
        let status = match &a.clearance {
            Clearance::Cleared { grant_ids } => {
                let ids: Vec<String> = grant_ids.iter().map(i64::to_string).collect();
                format!("cleared (grant {})", ids.join(", "))
            }
            Clearance::Overridden {
                override_id,
                reason,
            } => format!("cleared by override #{override_id}: {reason}"),
            Clearance::Blocked { blockers } => {
                let why: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                format!("BLOCKED: {}", why.join("; "))
            }
        };
        println!(
            "{:>4}  {:<24} {:<14} {status}",
            a.asset_id,
            a.original_name,
            a.contributor.clone().unwrap_or_default()
        );
    }
    let blocked = list.iter().filter(|a| !a.clearance.is_cleared()).count();
    println!(
        "{} asset(s) for '{campaign}': {} cleared, {blocked} blocked",
        list.len(),
        list.len() - blocked
    );
}
