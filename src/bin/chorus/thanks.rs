//! `chorus thanks`: the thank-yous drafted for exported pieces, per contributor, and
//! marking one sent.

use std::path::Path;

use chorus::library::Library;

use crate::AnyError;

#[derive(clap::Args)]
pub(crate) struct ThanksArgs {
    /// Only this contributor's (their id, from `chorus contributors`).
    #[arg(long, value_name = "ID")]
    contributor: Option<i64>,
    /// Record that this thank-you was sent.
    #[arg(long, value_name = "ID")]
    sent: Option<i64>,
    /// Print each message in full.
    #[arg(long)]
    full: bool,
    #[arg(long)]
    json: bool,
}

pub(crate) fn thanks(dir: &Path, args: ThanksArgs) -> Result<(), AnyError> {
    let lib = Library::open(dir)?;
    if let Some(id) = args.sent {
        let t = chorus::api::rights::thank_you_sent(&lib, id)?;
        println!(
            "thank-you {} to {} for \"{}\" recorded as sent {}",
            t.id,
            t.contributor,
            t.piece_name,
            t.sent_at.as_deref().unwrap_or_default()
        );
        return Ok(());
    }
    let list = chorus::api::rights::thank_yous(&lib, args.contributor)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    for t in &list {
        let state = match &t.sent_at {
            Some(at) => format!("sent {}", &at[..at.len().min(10)]),
            None => "to send".to_string(),
        };
        println!(
            "{:>3}  {:<24} featured in \"{}\"  [{state}]",
            t.id, t.contributor, t.piece_name
        );
        if args.full {
            println!(
                "     To: {}\n     Subject: {}\n\n{}\n",
                t.email
                    .as_deref()
                    .unwrap_or("(no e-mail: send it where they posted)"),
                t.subject,
                t.body
            );
        }
    }
    let unsent = list.iter().filter(|t| t.sent_at.is_none()).count();
    println!(
        "{} thank-you(s), {unsent} to send (see one in full with --full; mark it sent with --sent ID)",
        list.len()
    );
    Ok(())
}
