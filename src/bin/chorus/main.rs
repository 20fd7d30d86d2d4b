//! `chorus`: the command-line door into the engine. Each subcommand parses its arguments,
//! calls one engine function and presents the result; no media or rights logic lives here.
//!
//! One module per command group, each with its arguments, its handler and its printing;
//! this file holds the top-level parser, the dispatch and what several groups share.

mod assets;
mod brand;
mod campaign;
mod contributor;
mod demo;
mod ingest;
mod piece;
mod render;
mod rights;
mod settings;
mod thanks;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use chorus::catalog;
use chorus::library::Library;
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
    Ingest(ingest::IngestArgs),
    /// Import what arrives in inbox folders as it arrives (waits until each file has stopped
    /// changing; ignores sync clients' temporary files; reads form exports that appear).
    Watch(watch::WatchArgs),
    /// How Chorus reads a form export's columns (name, e-mail, files, consent, age...), with
    /// its first rows as read; `--map` changes the reading.
    Form(ingest::FormArgs),
    /// List assets, filtered.
    #[command(alias = "search")]
    Ls(assets::LsArgs),
    /// Everything about one asset.
    Show(assets::ShowArgs),
    /// Add (+tag) and remove (-tag) manual tags: `chorus tag 3 4 +summer -draft`.
    #[command(allow_hyphen_values = true)]
    Tag(assets::TagArgs),
    /// Rate assets 0–5: `chorus rate 3 4 5`.
    Rate(assets::RateArgs),
    /// Set curation: `chorus curate 3 4 shortlist|select|reject|new`.
    Curate(assets::CurateArgs),
    /// List contributors and how many assets each sent.
    Contributors(assets::ContributorsArgs),
    /// One contributor's rights over their data: erase, or export everything held.
    #[command(subcommand)]
    Contributor(contributor::ContributorCommand),
    /// Campaigns and their usage (channels, territories, run dates).
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Rights clearance: grants, denials, revocations, status for a campaign, audit log.
    #[command(subcommand)]
    Rights(rights::RightsCommand),
    /// Campaign pieces: auto-assemble, list, show, export and edit their documents.
    #[command(subcommand)]
    Piece(piece::PieceCommand),
    /// Render a montage piece to MP4 (refused unless every asset is cleared).
    Render(render::RenderArgs),
    /// Export a piece: media per preset or platform, poster, credits, rights report and
    /// manifest.
    Export(render::ExportArgs),
    /// The platforms `export --for` makes files for: frame, limits, encoding.
    Platforms,
    /// A web wall for the home page: the campaign's hero as a muted loop and its
    /// web-cleared photos and clips, as a self-contained folder.
    Wall(render::WallArgs),
    /// Thank-yous to the contributors featured in exported pieces; mark one sent.
    Thanks(thanks::ThanksArgs),
    /// Library settings: brand name, reply keyword, request template, form consent terms.
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
    /// The brand kit: colours and their contrast, the brand's own fonts.
    #[command(subcommand)]
    Brand(brand::BrandCommand),
    /// Build the demo library from the bundled samples into a fresh folder and summarise it.
    Demo(demo::DemoArgs),
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

fn parse_usage(u: &UsageArgs) -> Result<chorus::rights::Usage, AnyError> {
    Ok(chorus::rights::Usage {
        channels: chorus::campaign::parse_channels(&u.channels)?,
        territories: chorus::campaign::parse_territories(&u.territories)?,
        starts_on: chorus::campaign::parse_date(&u.from)?,
        ends_on: chorus::campaign::parse_date(&u.until)?,
    })
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
        Command::Ingest(args) => ingest::ingest(&dir, args)?,
        Command::Form(args) => ingest::form(&dir, args)?,
        Command::Thanks(args) => thanks::thanks(&dir, args)?,
        Command::Watch(args) => watch::watch(&dir, args)?,
        Command::Ls(args) => assets::ls(&dir, args)?,
        Command::Show(args) => assets::show(&dir, args)?,
        Command::Tag(args) => assets::tag(&dir, args)?,
        Command::Rate(args) => assets::rate(&dir, args)?,
        Command::Curate(args) => assets::curate(&dir, args)?,
        Command::Contributors(args) => assets::contributors(&dir, args)?,
        Command::Contributor(cmd) => contributor::contributor_cmd(&dir, cmd)?,
        Command::Campaign(cmd) => campaign::campaign_cmd(&dir, cmd)?,
        Command::Piece(cmd) => piece::piece_cmd(&dir, cmd)?,
        Command::Export(args) => render::export(&dir, args)?,
        Command::Platforms => render::platforms(),
        Command::Wall(args) => render::wall(&dir, args)?,
        Command::Render(args) => render::render(&dir, args)?,
        Command::Settings(cmd) => settings::settings_cmd(&dir, cmd)?,
        Command::Rights(cmd) => return rights::rights_cmd(&dir, cmd),
        Command::Demo(args) => demo::demo(&dir, args)?,
        Command::Brand(cmd) => brand::brand_cmd(&dir, cmd)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn resolve_all(lib: &Library, refs: &[String]) -> Result<Vec<i64>, AnyError> {
    refs.iter()
        .map(|r| catalog::resolve(lib.conn(), r).map_err(Into::into))
        .collect()
}
