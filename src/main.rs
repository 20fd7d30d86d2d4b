//! `chorus`: the command-line door into the engine. Each subcommand parses its arguments,
//! calls one engine function and presents the result; no media or rights logic lives here.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chorus::api::{self, CampaignId, PieceId};
use chorus::campaign;
use chorus::catalog::{self, Asset, Curation, Filter};
use chorus::ingest::{self, FileResult, Progress, Status, Summary};
use chorus::library::Library;
use chorus::media::Kind;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "chorus",
    version,
    about = "Campaigns made from your customers' own photos and clips"
)]
struct Cli {
    /// Library folder (default: the platform data folder, e.g. ~/.local/share/chorus/library).
    #[arg(long, global = true, env = "CHORUS_LIBRARY", value_name = "DIR")]
    library: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty library (ingest creates one too).
    Init,
    /// Import files and folders of submissions (recursive).
    Ingest {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Form export (CSV: name, email, handle, file, consent, submitted_at; any order).
        #[arg(long, value_name = "CSV")]
        manifest: Option<PathBuf>,
        /// One JSON object per file, then a summary object.
        #[arg(long)]
        json: bool,
        /// Worker threads, 1 to 64 (default: one per core).
        #[arg(long, default_value_t = 0, value_parser = parse_workers)]
        workers: usize,
    },
    /// List assets, filtered.
    #[command(alias = "search")]
    Ls {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        #[arg(long)]
        orientation: Option<String>,
        /// new, shortlisted, selected or rejected.
        #[arg(long)]
        curation: Option<String>,
        #[arg(long, value_name = "0-5")]
        min_rating: Option<u8>,
        /// Words to find in file names, tags, contributors and cameras.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Everything about one asset.
    Show {
        asset: String,
        #[arg(long)]
        json: bool,
    },
    /// Add (+tag) and remove (-tag) manual tags: `chorus tag 3 4 +summer -draft`.
    #[command(allow_hyphen_values = true)]
    Tag {
        #[arg(required = true, num_args = 2.., value_name = "ASSET... +TAG|-TAG")]
        args: Vec<String>,
    },
    /// Rate assets 0–5: `chorus rate 3 4 5`.
    Rate {
        #[arg(required = true, num_args = 2.., value_name = "ASSET... RATING")]
        args: Vec<String>,
    },
    /// Set curation: `chorus curate 3 4 shortlist|select|reject|new`.
    Curate {
        #[arg(required = true, num_args = 2.., value_name = "ASSET... STATE")]
        args: Vec<String>,
    },
    /// List contributors and how many assets each sent.
    Contributors {
        #[arg(long)]
        json: bool,
    },
    /// Campaigns and their usage (channels, territories, run dates).
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Rights clearance: grants, denials, revocations, status for a campaign, audit log.
    #[command(subcommand)]
    Rights(RightsCommand),
    /// Campaign pieces: auto-assemble, list, show, export and edit their documents.
    #[command(subcommand)]
    Piece(PieceCommand),
    /// Render a montage piece to MP4 (refused unless every asset is cleared).
    Render {
        piece: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Export a piece: media per preset, poster, credits, rights report and manifest.
    Export {
        piece: String,
        /// One or more of hero_16x9, story_9x16, square_1x1, feed_4x5 (default: the piece's).
        #[arg(long = "preset")]
        presets: Vec<String>,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Library settings: brand name, reply keyword, request template, form consent terms.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Build the demo library from the bundled samples into a fresh folder and summarise it.
    Demo {
        /// Folder of sample submissions (with submissions.csv).
        #[arg(long, value_name = "DIR")]
        samples: Option<PathBuf>,
        /// Also render and export the pieces (takes a minute or two).
        #[arg(long)]
        render: bool,
    },
}

#[derive(Subcommand)]
enum CampaignCommand {
    /// `chorus campaign create "Summer 2026" --channels web,social --territories US,GB --from 2026-07-01 --until 2026-09-30`
    Create {
        name: String,
        #[command(flatten)]
        usage: UsageArgs,
    },
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// The campaign's usage and every asset that blocks it, with the reasons.
    Status { name: String },
}

#[derive(Subcommand)]
enum PieceCommand {
    /// A montage of exactly --length seconds from the campaign's selected, cleared assets.
    Auto {
        #[arg(long)]
        campaign: String,
        /// hero_16x9, story_9x16, square_1x1 or feed_4x5.
        #[arg(long, default_value = "hero_16x9")]
        preset: String,
        /// 6, 15, 30 or 60.
        #[arg(long, default_value_t = 30)]
        length: u64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A still (one photo, brand band, credit) or a mosaic wall from the given assets.
    New {
        #[arg(long)]
        campaign: String,
        /// still or mosaic (montages come from `piece auto` or `piece import`).
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "square_1x1")]
        preset: String,
        #[arg(long)]
        name: String,
        #[arg(required = true, value_name = "ASSET")]
        assets: Vec<String>,
    },
    Ls {
        #[arg(long)]
        campaign: String,
    },
    Show {
        piece: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the piece's document to a JSON file (edit it, then `piece edit`).
    Export {
        piece: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Save an edited document as the piece's next version.
    Edit {
        piece: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Create a piece from a document file.
    Import {
        file: PathBuf,
        #[arg(long)]
        campaign: String,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Every setting, its value and what it means.
    Ls,
    Set {
        key: String,
        value: String,
    },
}

#[derive(clap::Args)]
struct UsageArgs {
    /// Comma-separated: web, social, paid_social, tv, out_of_home, print, email.
    #[arg(long)]
    channels: String,
    /// Comma-separated ISO 3166 codes, or worldwide.
    #[arg(long)]
    territories: String,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    from: String,
    /// Last day (YYYY-MM-DD).
    #[arg(long)]
    until: String,
}

#[derive(clap::Args)]
struct DecisionArgs {
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
enum RightsCommand {
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
    /// Import replies (CSV: handle or email, reply text, date).
    Import {
        replies: PathBuf,
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
    /// Grants that end soon, or before a campaign using their asset ends.
    Due {
        /// e.g. 30d (days).
        #[arg(long, default_value = "30d")]
        within: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the campaign's rights report (CSV and HTML) into a folder.
    Report {
        #[arg(long)]
        campaign: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
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

fn parse_workers(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n <= chorus::ingest::MAX_WORKERS => Ok(n),
        _ => Err(format!(
            "'{s}' is not a number of workers: use 1 to {} (0 = one per core)",
            chorus::ingest::MAX_WORKERS
        )),
    }
}

fn parse_usage(u: &UsageArgs) -> Result<chorus::rights::Usage, AnyError> {
    Ok(chorus::rights::Usage {
        channels: campaign::parse_channels(&u.channels)?,
        territories: campaign::parse_territories(&u.territories)?,
        starts_on: campaign::parse_date(&u.from)?,
        ends_on: campaign::parse_date(&u.until)?,
    })
}

fn campaign_cmd(dir: &Path, cmd: CampaignCommand) -> Result<(), AnyError> {
    match cmd {
        CampaignCommand::Status { name } => {
            let lib = Library::open(dir)?;
            let c = campaign::get(lib.conn(), &name)?;
            println!(
                "{}: {}, {}",
                c.name,
                chorus::rights::usage_words(&c.usage),
                chorus::rights::period_words(&c.usage)
            );
            let list = chorus::rights::campaign_clearance(lib.conn(), &c)?;
            let blocked: Vec<_> = list.iter().filter(|a| !a.clearance.is_cleared()).collect();
            for a in &blocked {
                if let chorus::rights::Clearance::Blocked { blockers } = &a.clearance {
                    let why: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                    println!(
                        "  blocked: asset {} {} ({}): {}",
                        a.asset_id,
                        a.original_name,
                        a.contributor.clone().unwrap_or_default(),
                        why.join("; ")
                    );
                }
            }
            println!("{} asset(s) in play, {} blocked", list.len(), blocked.len());
            for p in chorus::piece::list(lib.conn(), &c)? {
                let st = chorus::piece::status(lib.conn(), &c, &p)?;
                if st.blocked.is_empty() {
                    println!("piece {} '{}': cleared", st.piece_id, st.name);
                } else {
                    println!("piece {} '{}': BLOCKED", st.piece_id, st.name);
                    for (asset, blockers) in &st.blocked {
                        let why: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                        println!("    asset {asset}: {}", why.join("; "));
                    }
                }
            }
        }
        CampaignCommand::Create { name, usage } => {
            let lib = Library::open(dir)?;
            let c = campaign::create(lib.conn(), &name, &parse_usage(&usage)?)?;
            println!("campaign {} '{}' created", c.id, c.name);
        }
        CampaignCommand::Ls { json } => {
            let lib = Library::open(dir)?;
            let list = campaign::list(lib.conn())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            }
            for c in list.iter().filter(|_| !json) {
                let channels: Vec<&str> = c.usage.channels.iter().map(|ch| ch.as_str()).collect();
                let territories: Vec<&str> =
                    c.usage.territories.iter().map(String::as_str).collect();
                println!(
                    "{:>3}  {:<24} {} to {}  {}  {}",
                    c.id,
                    c.name,
                    c.usage.starts_on,
                    c.usage.ends_on,
                    channels.join(","),
                    territories.join(",")
                );
            }
        }
    }
    Ok(())
}

fn bar(message: &str) -> ProgressBar {
    let bar = ProgressBar::new(1000);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {percent}%  {elapsed} (eta {eta})  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(message.to_string());
    bar
}

fn export_with_bar(
    lib: &Library,
    p: &chorus::piece::Piece,
    presets: &[chorus::piece::Preset],
    out: &Path,
) -> Result<PathBuf, AnyError> {
    let bar = bar(&p.document.name);
    let folder = api::exports::export(lib, PieceId(p.id), presets, Some(out), &mut |f| {
        bar.set_position((f * 1000.0) as u64);
        true
    })?;
    bar.finish_and_clear();
    Ok(folder)
}

fn print_piece(p: &chorus::piece::Piece) {
    use chorus::piece::Content;
    let d = &p.document;
    println!(
        "piece {} '{}' (version {}): {} {}, {:.2} s",
        p.id,
        d.name,
        p.version,
        d.kind_name(),
        d.preset.name(),
        d.duration_ms() as f64 / 1000.0
    );
    if let Content::Montage(m) = &d.content {
        for (n, i) in m.items.iter().enumerate() {
            println!(
                "  {:>2}. asset {:<4} {:<5} {:>6} → {:>6} ms  {:<14} {:?} {:?}",
                n + 1,
                i.asset_id,
                i.kind.as_str(),
                i.in_ms,
                i.out_ms,
                i.credit,
                i.fit,
                i.transition.kind
            );
        }
    }
}

fn piece_cmd(dir: &Path, cmd: PieceCommand) -> Result<(), AnyError> {
    use chorus::piece;
    let lib = Library::open(dir)?;
    let conn = lib.conn();
    match cmd {
        PieceCommand::Auto {
            campaign: name,
            preset,
            length,
            name: piece_name,
            json,
        } => {
            let c = campaign::get(conn, &name)?;
            let preset = piece::Preset::parse(&preset).ok_or(format!(
                "'{preset}' is not a preset (hero_16x9, story_9x16, square_1x1, feed_4x5)"
            ))?;
            let piece_name =
                piece_name.unwrap_or_else(|| format!("{} {} {length}s", c.name, preset.name()));
            let doc = chorus::piece::assemble::auto_montage(conn, &c, &piece_name, preset, length)?;
            let p = piece::create(conn, &c, &doc)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                print_piece(&p);
            }
        }
        PieceCommand::New {
            campaign: name,
            kind,
            preset,
            name: piece_name,
            assets,
        } => {
            let c = campaign::get(conn, &name)?;
            let preset =
                piece::Preset::parse(&preset).ok_or(format!("'{preset}' is not a preset"))?;
            let ids = resolve_all(&lib, &assets)?;
            let content = match kind.as_str() {
                "still" => {
                    let [id] = ids.as_slice() else {
                        return Err("a still shows exactly one asset".into());
                    };
                    let a = catalog::get(conn, *id)?;
                    piece::Content::Still(piece::Still {
                        asset_id: *id,
                        credit: a
                            .contributor
                            .and_then(|c| c.handle.or(c.name))
                            .unwrap_or_default(),
                    })
                }
                "mosaic" => piece::Content::Mosaic(piece::Mosaic {
                    asset_ids: ids,
                    layout: piece::Layout::Grid,
                    brand_overlay: true,
                    animated_ms: 6000,
                    music_bed: true,
                    target_lufs: -14.0,
                }),
                other => return Err(format!("'{other}' is not still or mosaic").into()),
            };
            let doc = piece::PieceDoc {
                format: piece::FORMAT,
                name: piece_name,
                preset,
                content,
            };
            print_piece(&piece::create(conn, &c, &doc)?);
        }
        PieceCommand::Ls { campaign: name } => {
            let c = campaign::get(conn, &name)?;
            for p in piece::list(conn, &c)? {
                print_piece(&p);
            }
        }
        PieceCommand::Show { piece: r, json } => {
            let p = piece::get(conn, &r)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                print_piece(&p);
            }
        }
        PieceCommand::Export { piece: r, out } => {
            let p = piece::get(conn, &r)?;
            std::fs::write(&out, serde_json::to_string_pretty(&p.document)?)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!("wrote {}", out.display());
        }
        PieceCommand::Edit { piece: r, file } => {
            let p = piece::get(conn, &r)?;
            print_piece(&api::pieces::replace(&lib, PieceId(p.id), &file)?);
        }
        PieceCommand::Import {
            file,
            campaign: name,
        } => {
            let c = campaign::get(conn, &name)?;
            print_piece(&api::pieces::import(&lib, CampaignId(c.id), &file)?);
        }
    }
    Ok(())
}

fn rights_cmd(dir: &Path, cmd: RightsCommand) -> Result<ExitCode, AnyError> {
    use chorus::rights::{self, Decision, Evidence, Scope};
    let mut lib = Library::open(dir)?;
    let evidence = |d: &DecisionArgs| Evidence {
        text: d.evidence.clone(),
        source: d.source.clone(),
        given_at: d.given.clone(),
        file: d.evidence_file.clone(),
    };
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
            let age = if adult { rights::Age::Adult } else { age };
            let target = rights::resolve_target(lib.conn(), &decision.targets)?;
            let scope = Scope {
                channels: campaign::parse_channels(&channels)?,
                territories: campaign::parse_territories(&territories)?,
                valid_from: from.as_deref().map(campaign::parse_date).transpose()?,
                valid_until: until.as_deref().map(campaign::parse_date).transpose()?,
                age,
                guardian,
            };
            let ids = rights::decide(
                &mut lib,
                &target,
                Decision::Granted,
                &scope,
                &evidence(&decision),
            )?;
            println!("recorded {} grant(s)", ids.len());
        }
        RightsCommand::Deny { decision } => {
            let target = rights::resolve_target(lib.conn(), &decision.targets)?;
            let ids = rights::decide(
                &mut lib,
                &target,
                Decision::Denied,
                &Scope::default(),
                &evidence(&decision),
            )?;
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
            let made = rights::override_clearance(&mut lib, &c, &ids, &reason, &by)?;
            println!("{} override(s) recorded for '{}'", made.len(), c.name);
        }
        RightsCommand::Revoke { targets, reason } => {
            let target = rights::resolve_target(lib.conn(), &targets)?;
            let today = chrono::Local::now().date_naive();
            let n = rights::revoke(&mut lib, &target, today, &reason)?;
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
            let results = rights::import_replies(&mut lib, &replies, &settings)?;
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
        RightsCommand::Due { within, json } => {
            let days: i64 = within
                .trim_end_matches('d')
                .parse()
                .map_err(|_| format!("--within takes days, like 30d, not '{within}'"))?;
            let list = rights::due(lib.conn(), days, chrono::Local::now().date_naive())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
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
        } => {
            let c = campaign::get(lib.conn(), &name)?;
            let assets = rights::campaign_assets(lib.conn())?;
            let (csv, html) = rights::write_report(lib.conn(), &c, &assets, &out)?;
            println!(
                "rights report: {}\n               {}",
                csv.display(),
                html.display()
            );
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

fn print_clearance(campaign: &str, list: &[chorus::rights::AssetClearance]) {
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

fn main() -> ExitCode {
    // `chorus ls | head` closes the pipe early: end quietly, as other Unix tools do,
    // instead of panicking in println!.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chorus: {e}");
            if let Some(advice) = advice(e.as_ref()) {
                eprintln!("  {advice}");
            }
            ExitCode::from(1)
        }
    }
}

type AnyError = Box<dyn std::error::Error>;

/// What to do about the catalog problems a person can fix, found anywhere in the chain.
fn advice(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    use rusqlite::ErrorCode;
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(rusqlite::Error::SqliteFailure(f, _)) = err.downcast_ref::<rusqlite::Error>() {
            return match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Some(
                    "the library is busy: another Chorus is writing to it; wait for it to finish, then try again",
                ),
                ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => Some(
                    "Chorus cannot write to the library folder: check its permissions, or use another --library",
                ),
                ErrorCode::DiskFull => Some(
                    "the disk holding the library is full: free some space and run the same command again; nothing already imported is lost",
                ),
                _ => None,
            };
        }
        cur = err.source();
    }
    None
}

fn library_dir(cli_value: Option<PathBuf>) -> Result<PathBuf, AnyError> {
    if let Some(dir) = cli_value {
        return Ok(dir);
    }
    Ok(chorus::library::default_root()
        .ok_or("cannot find a home folder for the default library; pass --library DIR")?)
}

fn run(cli: Cli) -> Result<ExitCode, AnyError> {
    let dir = library_dir(cli.library)?;
    match cli.command {
        Command::Init => {
            Library::open_or_create(&dir)?;
            println!("library ready at {}", dir.display());
        }
        Command::Ingest {
            paths,
            manifest,
            json,
            workers,
        } => {
            let mut lib = Library::open_or_create(&dir)?;
            let mut opts = ingest::Options::new(paths);
            opts.manifest = manifest;
            opts.workers = workers;
            let (summary, results) = ingest_with_progress(&mut lib, &opts, json)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&serde_json::json!({ "summary": summary }))?
                );
            } else {
                print_results(&results, false);
                print_summary(&summary, &dir);
            }
        }
        Command::Ls {
            kind,
            tags,
            orientation,
            curation,
            min_rating,
            search,
            json,
        } => {
            let lib = Library::open(&dir)?;
            let filter = Filter {
                kind: kind
                    .map(|k| {
                        Kind::parse(&k).ok_or(format!("'{k}' is not a kind (use photo or clip)"))
                    })
                    .transpose()?,
                tags,
                orientation,
                curation: curation.map(|c| Curation::parse(&c)).transpose()?,
                min_rating,
                search,
                ..Filter::default()
            };
            let assets = catalog::list(lib.conn(), &filter)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&assets)?);
            } else {
                print_table(&assets);
            }
        }
        Command::Show { asset, json } => {
            let lib = Library::open(&dir)?;
            let id = catalog::resolve(lib.conn(), &asset)?;
            let detail = catalog::detail(&lib, id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&detail)?);
            } else {
                print_detail(&detail);
            }
        }
        Command::Tag { args } => {
            let mut lib = Library::open(&dir)?;
            let (mut ids, mut add, mut remove) = (Vec::new(), Vec::new(), Vec::new());
            for a in &args {
                if let Some(t) = a.strip_prefix('+') {
                    add.push(t.to_string());
                } else if let Some(t) = a.strip_prefix('-') {
                    remove.push(t.to_string());
                } else {
                    ids.push(catalog::resolve(lib.conn(), a)?);
                }
            }
            if ids.is_empty() || (add.is_empty() && remove.is_empty()) {
                return Err(
                    "give at least one asset and one +tag or -tag, e.g. `chorus tag 3 +summer`"
                        .into(),
                );
            }
            catalog::tag(&mut lib, &ids, &add, &remove)?;
            println!("tagged {} asset(s)", ids.len());
        }
        Command::Rate { args } => {
            let mut lib = Library::open(&dir)?;
            let (rating, assets) = args.split_last().ok_or("give assets and a rating")?;
            let ids = resolve_all(&lib, assets)?;
            let value = catalog::rate(&mut lib, &ids, rating)?;
            println!("rated {} asset(s) {value}/5", ids.len());
        }
        Command::Curate { args } => {
            let mut lib = Library::open(&dir)?;
            let (state, assets) = args.split_last().ok_or("give assets and a state")?;
            let state = Curation::parse(state)?;
            let ids = resolve_all(&lib, assets)?;
            catalog::curate(&mut lib, &ids, state)?;
            println!("{} asset(s) now {}", ids.len(), state.as_str());
        }
        Command::Contributors { json } => {
            let lib = Library::open(&dir)?;
            let list = catalog::contributors(lib.conn())?;
            if json {
                let rows: Vec<_> = list
                    .iter()
                    .map(|(c, n)| serde_json::json!({ "contributor": c, "assets": n }))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for (c, n) in list {
                    println!(
                        "{:>4}  {:<24} {:<18} {:<28} {n} asset(s)",
                        c.id,
                        c.name.unwrap_or_default(),
                        c.handle.unwrap_or_default(),
                        c.email.unwrap_or_default()
                    );
                }
            }
        }
        Command::Campaign(cmd) => campaign_cmd(&dir, cmd)?,
        Command::Piece(cmd) => piece_cmd(&dir, cmd)?,
        Command::Export {
            piece: r,
            presets,
            out,
        } => {
            let lib = Library::open(&dir)?;
            let p = chorus::piece::get(lib.conn(), &r)?;
            let presets = presets
                .iter()
                .map(|n| chorus::piece::Preset::parse(n).ok_or(format!("'{n}' is not a preset")))
                .collect::<Result<Vec<_>, _>>()?;
            let folder = export_with_bar(&lib, &p, &presets, &out)?;
            println!("exported {}", folder.display());
        }
        Command::Render { piece: r, out } => {
            let lib = Library::open(&dir)?;
            let p = chorus::piece::get(lib.conn(), &r)?;
            let bar = bar("");
            let done = api::exports::render(&lib, PieceId(p.id), &out, &mut |f| {
                bar.set_position((f * 1000.0) as u64);
                true
            })?;
            bar.finish_and_clear();
            match done {
                api::exports::Output::Picture(path) => println!("rendered {}", path.display()),
                api::exports::Output::Video(done) => println!(
                    "rendered {} ({}×{}, {} frames, {:.2} s)",
                    done.path.display(),
                    done.width,
                    done.height,
                    done.frames,
                    done.frames as f64 / 30.0
                ),
            }
        }
        Command::Settings(cmd) => {
            let lib = Library::open(&dir)?;
            match cmd {
                SettingsCommand::Ls => {
                    for (key, about) in chorus::rights::KEYS.iter().chain(chorus::render::KEYS) {
                        let value = lib.setting(key)?.unwrap_or_else(|| "(default)".into());
                        println!("{key:<20} {value:<24} {about}");
                    }
                }
                SettingsCommand::Set { key, value } => {
                    if !chorus::rights::KEYS
                        .iter()
                        .chain(chorus::render::KEYS)
                        .any(|(k, _)| *k == key)
                    {
                        return Err(
                            format!("unknown setting '{key}' (see `chorus settings ls`)").into(),
                        );
                    }
                    // Refuse a value the engine could not use later, before storing it.
                    if chorus::rights::KEYS.iter().any(|(k, _)| *k == key) {
                        chorus::rights::validate_setting(&key, &value)
                            .map_err(|why| format!("{key} not changed: {why}"))?;
                    }
                    lib.set_setting(&key, &value)?;
                    if key == "music_bed" {
                        chorus::render::bed_path(&lib)?;
                    }
                    println!("{key} = {value}");
                }
            }
        }
        Command::Rights(cmd) => return rights_cmd(&dir, cmd),
        Command::Demo { samples, render } => demo(&dir, samples, render)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn resolve_all(lib: &Library, refs: &[String]) -> Result<Vec<i64>, AnyError> {
    refs.iter()
        .map(|r| catalog::resolve(lib.conn(), r).map_err(Into::into))
        .collect()
}

fn ingest_with_progress(
    lib: &mut Library,
    opts: &ingest::Options,
    json: bool,
) -> Result<(Summary, Vec<FileResult>), AnyError> {
    let bar = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} files  {elapsed} (eta {eta})  {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut results = Vec::new();
    let stdout = io::stdout();
    let summary = ingest::run(lib, opts, &mut |p| {
        match p {
            Progress::Started { total } => bar.set_length(total as u64),
            Progress::File { done, result, .. } => {
                bar.set_position(done as u64);
                bar.set_message(file_name(&result.path));
                // JSON streams out and keeps nothing, so memory stays flat on huge imports.
                if json {
                    if let Ok(line) = serde_json::to_string(result) {
                        let _ = writeln!(stdout.lock(), "{line}");
                    }
                } else {
                    results.push(result.clone());
                }
            }
        }
        true
    })?;
    bar.finish_and_clear();
    Ok((summary, results))
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.to_string())
}

fn print_results(results: &[FileResult], all: bool) {
    let mut sorted: Vec<&FileResult> = results
        .iter()
        .filter(|r| all || r.status != Status::Ingested || r.note.is_some())
        .collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for r in sorted {
        let what = match r.status {
            Status::Ingested => format!("ingested as asset {}", r.asset_id.unwrap_or_default()),
            Status::Duplicate => format!(
                "duplicate of asset {} (already in the library, not stored twice)",
                r.duplicate_of.unwrap_or_default()
            ),
            Status::NearDuplicate => format!(
                "near-duplicate: stored as asset {}, looks like asset {}",
                r.asset_id.unwrap_or_default(),
                r.duplicate_of.unwrap_or_default()
            ),
            Status::Error => r.error.clone().unwrap_or_default(),
        };
        println!(
            "  {:<15} {}\n  {:<15} {what}",
            r.status.as_str(),
            r.path,
            ""
        );
        if let Some(note) = &r.note {
            println!("  {:<15} warning: {note}", "");
        }
    }
}

fn print_summary(s: &Summary, dir: &Path) {
    println!(
        "{} file(s): {} ingested, {} duplicate, {} near-duplicate, {} error{}{}",
        s.files,
        s.ingested,
        s.duplicate,
        s.near_duplicate,
        s.error,
        if s.skipped_hidden > 0 {
            format!(" ({} hidden/system file(s) skipped)", s.skipped_hidden)
        } else {
            String::new()
        },
        if s.cancelled { " — cancelled" } else { "" }
    );
    println!("library: {}", dir.display());
}

fn print_table(assets: &[Asset]) {
    println!(
        "{:>4}  {:<5} {:>9}  {:>6}  {:<11} {:<2} {:<11} {:<14} {:<24} TAGS",
        "ID", "KIND", "SIZE", "LENGTH", "FORMAT", "★", "CURATION", "CONTRIBUTOR", "NAME"
    );
    for a in assets {
        let length = a
            .duration_ms
            .map(|ms| format!("{:.1}s", ms as f64 / 1000.0))
            .unwrap_or_default();
        let tags: Vec<String> = a
            .tags
            .iter()
            .map(|t| match t.source {
                catalog::TagSource::Auto => t.name.clone(),
                catalog::TagSource::Manual => format!("#{}", t.name),
            })
            .collect();
        println!(
            "{:>4}  {:<5} {:>9}  {:>6}  {:<11} {:<2} {:<11} {:<14} {:<24} {}",
            a.id,
            a.kind.as_str(),
            format!("{}×{}", a.width, a.height),
            length,
            a.format,
            a.rating,
            a.curation.as_str(),
            a.contributor
                .as_ref()
                .and_then(|c| c.handle.clone())
                .unwrap_or_default(),
            a.original_name,
            tags.join(" ")
        );
    }
    println!("{} asset(s)", assets.len());
}

fn print_detail(d: &catalog::AssetDetail) {
    let a = &d.asset;
    let line = |k: &str, v: String| println!("{k:<18}{v}");
    line("asset", format!("{} ({})", a.id, a.hash));
    line(
        "file",
        format!("{} ({} bytes, {})", a.original_name, a.size_bytes, a.format),
    );
    line("kind", a.kind.as_str().to_string());
    line("size", format!("{}×{} as displayed", a.width, a.height));
    if let Some(o) = a.exif_orientation {
        line("exif orientation", o.to_string());
    }
    if a.kind == Kind::Clip {
        line("rotation", format!("{}°", a.rotation));
        line(
            "duration",
            format!("{:.3} s", a.duration_ms.unwrap_or_default() as f64 / 1000.0),
        );
        line(
            "frame rate",
            a.frame_rate.map(|r| format!("{r} fps")).unwrap_or_default(),
        );
        line("video codec", a.video_codec.clone().unwrap_or_default());
        line(
            "audio",
            a.audio_codec.clone().unwrap_or_else(|| "none".to_string()),
        );
    }
    line(
        "captured",
        a.captured_at.clone().unwrap_or_else(|| "unknown".into()),
    );
    let camera = [a.camera_make.clone(), a.camera_model.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !camera.is_empty() {
        line("camera", camera);
    }
    line(
        "gps",
        if a.has_gps {
            "present (stripped from every export)".into()
        } else {
            "none".into()
        },
    );
    line("rating", format!("{}/5", a.rating));
    line("curation", a.curation.as_str().into());
    let tags: Vec<String> = a
        .tags
        .iter()
        .map(|t| {
            format!(
                "{} ({})",
                t.name,
                if t.source == catalog::TagSource::Auto {
                    "auto"
                } else {
                    "manual"
                }
            )
        })
        .collect();
    line("tags", tags.join(", "));
    if let Some(c) = &a.contributor {
        line(
            "contributor",
            [c.name.clone(), c.handle.clone(), c.email.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("  "),
        );
    }
    for s in &d.submissions {
        line(
            "submission",
            format!(
                "{} via {}{}{}",
                s.original_path,
                s.channel,
                s.submitted_at
                    .as_ref()
                    .map(|t| format!(" at {t}"))
                    .unwrap_or_default(),
                s.consent_text
                    .as_ref()
                    .map(|t| format!(", consent: \"{t}\""))
                    .unwrap_or_default()
            ),
        );
    }
    if !d.near_duplicates.is_empty() {
        line(
            "looks like",
            d.near_duplicates
                .iter()
                .map(|i| format!("asset {i}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    line("original", d.store_path.clone());
    line("thumbnail", d.thumbnail_path.clone());
    if let Some(f) = &d.filmstrip_path {
        line("filmstrip", f.clone());
    }
}

fn demo(dir: &Path, samples: Option<PathBuf>, render: bool) -> Result<(), AnyError> {
    let samples = samples
        .or_else(|| Some(PathBuf::from("assets/samples")).filter(|p| p.is_dir()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples"));
    if !samples.is_dir() {
        return Err(format!(
            "no sample folder at {}; pass --samples DIR",
            samples.display()
        )
        .into());
    }
    // A fresh library each time, but never wipe a folder that is not a Chorus library.
    if dir.exists() {
        let is_library = dir.join(chorus::library::DB_FILE).is_file();
        let is_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !is_library && !is_empty {
            return Err(format!(
                "{} exists and is not a Chorus library; choose another --library for the demo",
                dir.display()
            )
            .into());
        }
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    let mut lib = Library::open_or_create(dir)?;
    let mut opts = ingest::Options::new(vec![samples.clone()]);
    let manifest = samples.join("submissions.csv");
    opts.manifest = manifest.is_file().then_some(manifest);
    println!(
        "Chorus demo: importing {} into {}",
        samples.display(),
        dir.display()
    );
    let (summary, results) = ingest_with_progress(&mut lib, &opts, false)?;
    println!("\nPer-file results:");
    print_results(&results, true);
    println!("\nThe library (auto tags plain, manual tags with #):");
    let assets = catalog::list(lib.conn(), &Filter::default())?;
    print_table(&assets);
    println!("\nContributors:");
    for (c, n) in catalog::contributors(lib.conn())? {
        println!(
            "  {:<20} {:<14} {n} asset(s)",
            c.name.unwrap_or_default(),
            c.handle.unwrap_or_default()
        );
    }

    let replies = Some(PathBuf::from("assets/demo/replies.csv"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/replies.csv"));
    let today = chrono::Local::now().date_naive();
    let rights = chorus::demo::clear_rights(&mut lib, &replies, today)?;
    let c = &rights.campaign;
    println!(
        "\nCampaign '{}': {}, {}",
        c.name,
        chorus::rights::usage_words(&c.usage),
        chorus::rights::period_words(&c.usage)
    );
    println!(
        "Rights requests drafted for {} contributor(s), in {}",
        rights.requests.drafts.len(),
        rights.requests_dir.display()
    );
    println!("Replies read from {}:", replies.display());
    for r in &rights.replies {
        let what = match &r.outcome {
            chorus::rights::ReplyOutcome::Granted { .. } => "granted".to_string(),
            chorus::rights::ReplyOutcome::Denied { .. } => "denied".to_string(),
            chorus::rights::ReplyOutcome::Revoked { .. } => "withdrawn".to_string(),
            chorus::rights::ReplyOutcome::NeedsPerson { why } => format!("needs a person: {why}"),
        };
        println!("  {:<24} \"{}\" -> {what}", r.from, r.text);
    }
    println!("\nRights for '{}':", c.name);
    print_clearance(&c.name, &chorus::rights::campaign_clearance(lib.conn(), c)?);
    println!("\nDue within 30 days:");
    for d in chorus::rights::due(lib.conn(), 30, today)? {
        println!(
            "  grant {} {} {}: until {}, {}",
            d.grant_id,
            d.contributor.unwrap_or_default(),
            d.original_name.unwrap_or_default(),
            d.valid_until,
            d.reason
        );
    }
    let (always_on, pieces) = chorus::demo::assemble_pieces(&lib, today)?;
    println!(
        "\nCampaign '{}' ({}, {}): pieces made from cleared, selected assets:",
        always_on.name,
        chorus::rights::usage_words(&always_on.usage),
        chorus::rights::period_words(&always_on.usage)
    );
    for p in &pieces {
        print_piece(p);
    }
    if render {
        let exports = dir.join("exports");
        println!();
        for p in &pieces {
            let folder = export_with_bar(&lib, p, &[p.document.preset], &exports)?;
            println!("Exported '{}': {}", p.document.name, folder.display());
        }
        println!(
            "The rendered ad: {}",
            exports
                .join("homepage-hero/homepage-hero-hero_16x9.mp4")
                .display()
        );
    } else {
        println!("(Render with `chorus render PIECE --out FILE`, export with `chorus export`, or run the demo with --render.)");
    }
    println!();
    print_summary(&summary, dir);
    println!(
        "Try: chorus --library {} ls --orientation portrait   |   chorus --library {} show 1",
        dir.display(),
        dir.display()
    );
    Ok(())
}
