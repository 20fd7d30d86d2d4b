//! `chorus ingest`: import submissions with a progress bar, then the per-file results and
//! the summary (or a JSON line per file). The demo reuses the importer and its printing.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chorus::ingest::{self, FileResult, Progress, Status, Summary};
use chorus::library::Library;
use indicatif::{ProgressBar, ProgressStyle};

use crate::AnyError;

#[derive(clap::Args)]
pub(crate) struct IngestArgs {
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

pub(crate) fn ingest(dir: &Path, args: IngestArgs) -> Result<(), AnyError> {
    let IngestArgs {
        paths,
        manifest,
        json,
        workers,
    } = args;
    let mut lib = Library::open_or_create(dir)?;
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
        print_summary(&summary, dir);
    }
    Ok(())
}

pub(crate) fn ingest_with_progress(
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

pub(crate) fn print_results(results: &[FileResult], all: bool) {
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

pub(crate) fn print_summary(s: &Summary, dir: &Path) {
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
