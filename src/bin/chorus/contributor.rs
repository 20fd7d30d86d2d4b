//! `chorus contributor`: a person's rights over their data (erasure, a copy of it all).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chorus::api::{self, ContributorId};
use chorus::library::Library;
use clap::Subcommand;

use crate::AnyError;

#[derive(Subcommand)]
pub(crate) enum ContributorCommand {
    /// Erase a contributor (GDPR article 17): their originals, thumbnails, proxies, personal
    /// details, evidence and drafts are deleted; pieces that used them are blocked; export
    /// folders they appear in are listed. Asks first unless --yes.
    Erase {
        /// Their id, @handle, e-mail or name.
        contributor: String,
        /// Do not ask (for scripts).
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Everything held about one person (GDPR article 15), as a folder they can read:
    /// their files, evidence, data.json and index.html.
    Export {
        contributor: String,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub(crate) fn contributor_cmd(dir: &Path, cmd: ContributorCommand) -> Result<(), AnyError> {
    let mut lib = Library::open(dir)?;
    match cmd {
        ContributorCommand::Erase {
            contributor,
            yes,
            json,
        } => {
            let id = ContributorId(chorus::privacy::find(lib.conn(), &contributor)?);
            let plan = api::privacy::erase_plan(&lib, id)?;
            if !yes {
                println!("Erasing {} deletes, for good:", plan.who);
                println!(
                    "  {} asset(s): {}",
                    plan.assets.len(),
                    plan.assets.join(", ")
                );
                println!(
                    "  {} grant(s), {} evidence file(s), {} request(s), {} waiting repl(ies), their details",
                    plan.grants, plan.evidence_files, plan.requests, plan.replies
                );
                for p in &plan.pieces {
                    println!("  piece \"{p}\" will be blocked until its shots are replaced");
                }
                for e in &plan.exports {
                    println!("  they appear in the export {e}");
                }
                print!("Type ERASE to go on: ");
                std::io::stdout().flush()?;
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer)?;
                if answer.trim() != "ERASE" {
                    return Err("nothing erased".into());
                }
            }
            let done = api::privacy::erase(&mut lib, id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&done)?);
                return Ok(());
            }
            println!(
                "erased contributor {}: {} asset(s), {} file(s) deleted",
                done.contributor_id, done.assets, done.files_deleted
            );
            for p in &done.pieces_blocked {
                println!("  blocked: \"{p}\" (contributor erased; `chorus piece repair` replaces the shots)");
            }
            for e in &done.exports_deleted {
                println!("  deleted the library's own export {e}");
            }
            for e in &done.exports_to_withdraw {
                println!("  WITHDRAW this export wherever it was published, then delete it: {e}");
            }
        }
        ContributorCommand::Export { contributor, out } => {
            let id = ContributorId(chorus::privacy::find(lib.conn(), &contributor)?);
            let folder = api::privacy::export(&lib, id, &out)?;
            println!("everything held about them: {}", folder.display());
            println!("  open {}", folder.join("index.html").display());
        }
    }
    Ok(())
}
