//! The catalog commands: `ls` (alias `search`), `show`, `tag`, `rate`, `curate` and
//! `contributors`, with the asset table and the detail view.

use std::path::Path;

use chorus::api;
use chorus::catalog::{self, Asset, Curation, Filter};
use chorus::library::Library;
use chorus::media::Kind;

use crate::{resolve_all, AnyError};

#[derive(clap::Args)]
pub(crate) struct LsArgs {
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
}

#[derive(clap::Args)]
pub(crate) struct ShowArgs {
    asset: String,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub(crate) struct TagArgs {
    #[arg(required = true, num_args = 2.., value_name = "ASSET... +TAG|-TAG")]
    args: Vec<String>,
}

#[derive(clap::Args)]
pub(crate) struct RateArgs {
    #[arg(required = true, num_args = 2.., value_name = "ASSET... RATING")]
    args: Vec<String>,
}

#[derive(clap::Args)]
pub(crate) struct CurateArgs {
    #[arg(required = true, num_args = 2.., value_name = "ASSET... STATE")]
    args: Vec<String>,
}

#[derive(clap::Args)]
pub(crate) struct ContributorsArgs {
    #[arg(long)]
    json: bool,
}

pub(crate) fn ls(dir: &Path, args: LsArgs) -> Result<(), AnyError> {
    let LsArgs {
        kind,
        tags,
        orientation,
        curation,
        min_rating,
        search,
        json,
    } = args;
    let lib = Library::open(dir)?;
    let filter = Filter {
        kind: kind
            .map(|k| Kind::parse(&k).ok_or(format!("'{k}' is not a kind (use photo or clip)")))
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
    Ok(())
}

pub(crate) fn show(dir: &Path, args: ShowArgs) -> Result<(), AnyError> {
    let ShowArgs { asset, json } = args;
    let lib = Library::open(dir)?;
    let id = catalog::resolve(lib.conn(), &asset)?;
    let detail = catalog::detail(&lib, id)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&detail)?);
    } else {
        print_detail(&detail);
    }
    Ok(())
}

pub(crate) fn tag(dir: &Path, args: TagArgs) -> Result<(), AnyError> {
    let TagArgs { args } = args;
    let mut lib = Library::open(dir)?;
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
            "give at least one asset and one +tag or -tag, e.g. `chorus tag 3 +summer`".into(),
        );
    }
    api::assets::tag(&mut lib, &asset_ids(&ids), &add, &remove)?;
    println!("tagged {} asset(s)", ids.len());
    Ok(())
}

pub(crate) fn rate(dir: &Path, args: RateArgs) -> Result<(), AnyError> {
    let RateArgs { args } = args;
    let mut lib = Library::open(dir)?;
    let (rating, assets) = args.split_last().ok_or("give assets and a rating")?;
    let ids = resolve_all(&lib, assets)?;
    let value = api::assets::rate(&mut lib, &asset_ids(&ids), rating)?;
    println!("rated {} asset(s) {value}/5", ids.len());
    Ok(())
}

pub(crate) fn curate(dir: &Path, args: CurateArgs) -> Result<(), AnyError> {
    let CurateArgs { args } = args;
    let mut lib = Library::open(dir)?;
    let (state, assets) = args.split_last().ok_or("give assets and a state")?;
    let state = Curation::parse(state)?;
    let ids = resolve_all(&lib, assets)?;
    api::assets::curate(&mut lib, &asset_ids(&ids), state)?;
    println!("{} asset(s) now {}", ids.len(), state.as_str());
    Ok(())
}

pub(crate) fn contributors(dir: &Path, args: ContributorsArgs) -> Result<(), AnyError> {
    let ContributorsArgs { json } = args;
    let lib = Library::open(dir)?;
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
                "{:>4}  {:<24} {:<18} {:<28} {n} asset(s){}",
                c.id,
                c.name.unwrap_or_default(),
                c.handle.unwrap_or_default(),
                c.email.unwrap_or_default(),
                c.previously_erased
                    .map(|d| format!("  ! previously erased ({d}): check before use"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}

pub(crate) fn print_table(assets: &[Asset]) {
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
    line("colour", a.colour.clone());
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

fn asset_ids(ids: &[i64]) -> Vec<api::AssetId> {
    ids.iter().copied().map(api::AssetId).collect()
}
