//! `chorus campaign`: create and list campaigns, and a campaign's status (its usage, the
//! assets that block it and each piece's clearance).

use std::path::Path;

use chorus::campaign;
use chorus::library::Library;
use clap::Subcommand;

use crate::{parse_usage, AnyError, UsageArgs};

#[derive(Subcommand)]
pub(crate) enum CampaignCommand {
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
    /// The campaign home: each campaign's run, pieces, how many of its assets are cleared,
    /// awaiting an answer, not asked yet or blocked, what expires soon, and this week's
    /// submissions.
    Home {
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn campaign_cmd(dir: &Path, cmd: CampaignCommand) -> Result<(), AnyError> {
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
        CampaignCommand::Home { json } => {
            let lib = Library::open(dir)?;
            let home = chorus::api::campaigns::home(&lib, chrono::Local::now().date_naive())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&home)?);
                return Ok(());
            }
            println!("{} new submission(s) this week", home.new_this_week);
            for s in &home.campaigns {
                let c = &s.campaign;
                let n = s.assets;
                println!(
                    "{}: runs {} to {}; {} piece(s); assets: {} cleared, {} awaiting an answer, {} not asked yet, {} blocked",
                    c.name,
                    c.usage.starts_on,
                    c.usage.ends_on,
                    s.pieces.len(),
                    n.cleared,
                    n.awaiting,
                    n.unasked,
                    n.blocked
                );
                for d in &s.expiring {
                    println!(
                        "  expiring: grant {} ({}, {}) until {}: {}",
                        d.grant_id,
                        d.original_name.as_deref().unwrap_or("all their assets"),
                        d.contributor.as_deref().unwrap_or("unknown contributor"),
                        d.valid_until,
                        d.reason
                    );
                }
                for p in &s.pieces {
                    let state = match p.blocked.len() {
                        0 => "cleared".to_string(),
                        n => format!("blocked by {n} asset(s)"),
                    };
                    println!("  piece {} '{}' ({}): {state}", p.id, p.name, p.kind);
                }
            }
        }
        CampaignCommand::Create { name, usage } => {
            let lib = Library::open(dir)?;
            let u = parse_usage(&usage)?;
            let channels: Vec<_> = u.channels.into_iter().collect();
            let territories: Vec<_> = u.territories.into_iter().collect();
            let dates = (u.starts_on, u.ends_on);
            let c = chorus::api::campaigns::create(&lib, &name, &channels, &territories, dates)?;
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
