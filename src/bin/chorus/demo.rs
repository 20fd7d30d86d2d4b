//! `chorus demo`: a fresh library from the bundled samples, rights cleared, pieces
//! assembled (and with --render, exported), printed with the other groups' printers.

use std::path::{Path, PathBuf};

use chorus::catalog::{self, Filter};
use chorus::ingest;
use chorus::library::Library;

use crate::assets::print_table;
use crate::ingest::{ingest_with_progress, print_results, print_summary};
use crate::piece::print_piece;
use crate::render::export_with_bar;
use crate::rights::print_clearance;
use crate::AnyError;

#[derive(clap::Args)]
pub(crate) struct DemoArgs {
    /// Folder with the demo script (demo.json: the files, form export and replies to use).
    #[arg(long, value_name = "DIR")]
    samples: Option<PathBuf>,
    /// Also render and export the pieces (takes a minute or two).
    #[arg(long)]
    render: bool,
}

pub(crate) fn demo(dir: &Path, args: DemoArgs) -> Result<(), AnyError> {
    let DemoArgs { samples, render } = args;
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
    let script = chorus::demo::Script::load(&samples)?;
    let mut opts = ingest::Options::new(vec![script.files.clone()]);
    opts.manifest = Some(script.form.clone());
    println!(
        "Chorus demo: importing {} with the form export {} into {}",
        script.files.display(),
        script.form.display(),
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

    let today = chrono::Local::now().date_naive();
    let rights = chorus::demo::clear_rights(&mut lib, &script, today)?;
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
    println!("Replies read from {}:", script.replies.display());
    for r in &rights.replies {
        let what = match &r.outcome {
            chorus::rights::ReplyOutcome::Granted { .. } => "granted".to_string(),
            chorus::rights::ReplyOutcome::Denied { .. } => "denied".to_string(),
            chorus::rights::ReplyOutcome::Revoked { .. } => "withdrawn".to_string(),
            chorus::rights::ReplyOutcome::NeedsPerson { why } => format!("needs a person: {why}"),
            chorus::rights::ReplyOutcome::AlreadyImported => "already imported".to_string(),
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
    let (always_on, pieces) = chorus::demo::assemble_pieces(&lib, &script, today)?;
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
            let folder = export_with_bar(&lib, p, &[p.document.preset], &[], &exports)?;
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
