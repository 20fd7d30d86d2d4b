//! `chorus watch`: imports what arrives in inbox folders, as it arrives.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use chorus::inbox::{self, Inbox, InboxEvent, InboxOptions};
use chorus::library::Library;

use crate::AnyError;

#[derive(clap::Args)]
pub(crate) struct WatchArgs {
    /// Folders to watch (default: the library's inbox_folders setting).
    #[arg(value_name = "DIR")]
    folders: Vec<PathBuf>,
    /// Seconds a file must stop changing before it is taken (sync clients write slowly).
    #[arg(long, default_value_t = 3.0, value_parser = parse_settle)]
    settle: f64,
    /// Take what is there once it has settled, then stop (for scripts and schedulers).
    #[arg(long)]
    once: bool,
}

fn parse_settle(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=600.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds from 0 to 600")),
    }
}

pub(crate) fn watch(dir: &Path, args: WatchArgs) -> Result<(), AnyError> {
    let mut lib = Library::open_or_create(dir)?;
    let folders = if args.folders.is_empty() {
        inbox::folders(&lib)?
    } else {
        args.folders
            .iter()
            .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
            .collect()
    };
    if folders.is_empty() {
        return Err("no folders to watch: name them (chorus watch DIR...) or set inbox_folders (chorus settings set inbox_folders /full/path|/another)".into());
    }
    let mut inbox = Inbox::new(folders)?;
    let options = InboxOptions {
        settle: Duration::from_secs_f64(args.settle),
        ..InboxOptions::default()
    };
    let mut print = |e: InboxEvent| match e {
        InboxEvent::Imported(r) => {
            let what = match (&r.asset_id, &r.duplicate_of, &r.error) {
                (Some(id), _, _) => format!("imported as asset {id}"),
                (_, Some(id), _) => format!("already in the library as asset {id}"),
                (_, _, Some(e)) => format!("not imported: {e}"),
                _ => "seen".to_string(),
            };
            println!("{}: {what}", r.path);
        }
        InboxEvent::FormRead { path, files } => {
            println!(
                "{}: form export read; {files} file(s) already in were linked",
                path.display()
            );
        }
    };
    for f in inbox.roots() {
        eprintln!("Watching {}", f.display());
    }
    if args.once {
        loop {
            inbox.pass(&mut lib, &options, &mut print)?;
            if inbox.waiting() == 0 {
                break;
            }
            std::thread::sleep(
                options
                    .settle
                    .min(Duration::from_millis(500))
                    .max(Duration::from_millis(50)),
            );
        }
        return Ok(());
    }
    eprintln!("Press Ctrl-C to stop; nothing is taken twice when you start again.");
    let stop = AtomicBool::new(false);
    inbox::watch(&mut lib, &mut inbox, &options, &stop, &mut print)?;
    Ok(())
}
