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
    /// The form export that came with the files (CSV or .xlsx from Google Forms, Typeform,
    /// Jotform, Microsoft Forms, Tally, or any spreadsheet). Chorus prints how it reads
    /// the columns; change that with --map.
    #[arg(long, visible_alias = "form", value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// How to read the form's columns, where Chorus's reading is wrong:
    /// `name="Your full name",files=5,age=` (a header or column number; empty: none;
    /// several files or name columns joined by +). Remembered for this form.
    #[arg(long, value_name = "FIELD=COLUMN,...", requires = "manifest")]
    map: Option<String>,
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
        map,
        json,
        workers,
    } = args;
    let mut lib = Library::open_or_create(dir)?;
    let mut opts = ingest::Options::new(paths);
    if let Some(form) = &manifest {
        let (sheet, mapping, remembered) =
            chorus::api::forms::reading(&lib, form, None, map.as_deref())?;
        if !json {
            print_reading(form, &sheet.headers, &mapping, remembered);
        }
        opts.mapping = Some(mapping);
    }
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

#[derive(clap::Args)]
pub(crate) struct FormArgs {
    /// The form export (CSV or spreadsheet).
    form: PathBuf,
    /// Changes to the reading, as for `ingest --map`.
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    map: Option<String>,
    /// The preview as JSON.
    #[arg(long)]
    json: bool,
}

/// `chorus form FILE`: how an import would read the form, and its first rows so read.
pub(crate) fn form(dir: &Path, args: FormArgs) -> Result<(), AnyError> {
    let lib = Library::open_or_create(dir)?;
    let preview = chorus::api::forms::preview(&lib, &args.form, None, args.map.as_deref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
        return Ok(());
    }
    let mapping = chorus::api::forms::from_view(&preview.mapping, &preview.headers)?;
    print_reading(&args.form, &preview.headers, &mapping, preview.remembered);
    println!("\n{} people; the first rows as read:", preview.people);
    for row in &preview.rows {
        println!(
            "  line {}: {} <{}> {} | age {} | consent {} | {}",
            row.line,
            row.name.as_deref().unwrap_or("(no name)"),
            row.email.as_deref().unwrap_or("no e-mail"),
            row.handle.as_deref().unwrap_or(""),
            row.age,
            row.consent.as_deref().map_or("none", |_| "given"),
            row.files.join(", ")
        );
    }
    for p in &preview.problems {
        println!("note: {p}");
    }
    Ok(())
}

/// How the form's columns are read, so a wrong reading shows before the import's results.
pub(crate) fn print_reading(
    form: &Path,
    headers: &[String],
    mapping: &chorus::manifest::Mapping,
    remembered: bool,
) {
    let how = if remembered {
        "as confirmed before"
    } else {
        "as Chorus proposes"
    };
    println!("Reading the form {} {how}:", form.display());
    for (field, columns) in mapping.describe(headers) {
        let from = if columns.is_empty() {
            "(no column)".to_string()
        } else {
            columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        println!("  {:<13} {from}", field.word());
    }
    println!("Change it with --map field=COLUMN (for example --map name=\"Your full name\").");
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
