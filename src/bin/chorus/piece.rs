//! `chorus piece`: auto-assemble, create, list, show, and export, edit or import a piece's
//! document.

use std::path::{Path, PathBuf};

use chorus::api::{self, CampaignId, PieceId};
use chorus::campaign;
use chorus::catalog;
use chorus::library::Library;
use clap::Subcommand;

use crate::{resolve_all, AnyError};

#[derive(Subcommand)]
pub(crate) enum PieceCommand {
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
    /// Put the captions a contributor sent (SRT or WebVTT) on an item of a montage, cut to
    /// its trim; they are burned in and written beside the video on export.
    Captions {
        piece: String,
        /// The item, counted from 1 as `piece show` lists them; without it, the captions
        /// are the piece's own, timed from its first frame.
        #[arg(long)]
        item: Option<usize>,
        #[arg(long)]
        file: PathBuf,
    },
    /// Write the frame a montage shows at --at seconds to a JPEG (the timeline's playhead
    /// frame), as its render would make it; refused unless its assets are cleared.
    Frame {
        piece: String,
        #[arg(long)]
        at: f64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 640)]
        width: u32,
    },
    /// Set (or with --clear, remove) the call to action on a montage's end card.
    Cta {
        piece: String,
        /// What the viewer should do, e.g. "Share yours with #ShotWithLumio".
        #[arg(long, required_unless_present = "clear")]
        text: Option<String>,
        /// Where, e.g. lumio.example/summer.
        #[arg(long, default_value = "")]
        url: String,
        #[arg(long)]
        clear: bool,
    },
    /// Replace blocked shots (withdrawn, expired, erased) with cleared ones of the same kind
    /// and shape, keeping the piece's length; saved as a new version. Exits 1, saving
    /// nothing, when there is not enough cleared material, and says what could fill it.
    Repair {
        piece: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a piece from a document file.
    Import {
        file: PathBuf,
        #[arg(long)]
        campaign: String,
    },
}

pub(crate) fn print_piece(p: &chorus::piece::Piece) {
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
        if let Some(cta) = &m.cta {
            println!("  end card: {} {}", cta.text, cta.url);
        }
    }
}

pub(crate) fn piece_cmd(dir: &Path, cmd: PieceCommand) -> Result<(), AnyError> {
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
            let p = api::pieces::auto(&lib, CampaignId(c.id), &piece_name, preset, length)?;
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
            print_piece(&api::pieces::create(&lib, CampaignId(c.id), &doc)?);
        }
        PieceCommand::Ls { campaign: name } => {
            let c = campaign::get(conn, &name)?;
            for p in piece::list(conn, &c)? {
                print_piece(&p);
            }
        }
        PieceCommand::Repair { piece: r, json } => {
            let p = piece::get(conn, &r)?;
            let done = chorus::api::pieces::repair(&lib, chorus::api::PieceId(p.id))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&done)?);
            } else {
                println!("{}", done.summary);
                for s in &done.swaps {
                    println!(
                        "  #{}: {} (blocked: {}) → {}{}",
                        s.position,
                        s.from_name,
                        s.reason,
                        s.to_name,
                        s.to_contributor
                            .as_deref()
                            .map(|c| format!(" by {c}"))
                            .unwrap_or_default()
                    );
                }
                for c in &done.could_fill {
                    println!(
                        "  could fill if cleared: {} ({})",
                        c.original_name,
                        c.reasons.join("; ")
                    );
                }
                if let Some(saved) = &done.piece {
                    println!("saved as version {}", saved.version);
                }
            }
            if !done.unfilled.is_empty() {
                return Err("the piece was not changed".into());
            }
        }
        PieceCommand::Show { piece: r, json } => {
            let p = piece::get(conn, &r)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                print_piece(&p);
                for soft in chorus::views::piece_view(conn, p.id)?.soft {
                    println!(
                        "  ! item {} (asset {}) is {}",
                        soft.index + 1,
                        soft.asset_id,
                        soft.why
                    );
                }
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
        PieceCommand::Captions {
            piece: r,
            item,
            file,
        } => {
            let p = piece::get(conn, &r)?;
            let index = match item {
                Some(n) => Some(n.checked_sub(1).ok_or("items are counted from 1")?),
                None => None,
            };
            let saved =
                api::pieces::captions_from_file(&lib, PieceId(p.id), p.version, index, &file)?;
            print_piece(&saved);
            if let piece::Content::Montage(m) = &saved.document.content {
                match index {
                    Some(i) => {
                        println!("  item {}: {} caption(s)", i + 1, m.items[i].captions.len())
                    }
                    None => println!("  the piece: {} caption(s)", m.captions.len()),
                }
            }
        }
        PieceCommand::Frame {
            piece: r,
            at,
            out,
            width,
        } => {
            if !(0.0..86_400.0).contains(&at) {
                return Err(format!("--at is a time in seconds from the start, not {at}").into());
            }
            let p = piece::get(conn, &r)?;
            let mut scrub = chorus::render::scrub::Scrubber::new();
            let at_ms = (at * 1000.0).round() as u64;
            let jpeg =
                api::pieces::frame(&lib, &mut scrub, PieceId(p.id), &p.document, at_ms, width)?;
            std::fs::write(&out, jpeg)
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            println!(
                "frame at {at:.3} s of '{}' written to {}",
                p.document.name,
                out.display()
            );
        }
        PieceCommand::Cta {
            piece: r,
            text,
            url,
            clear,
        } => {
            let p = piece::get(conn, &r)?;
            let mut doc = p.document.clone();
            let piece::Content::Montage(m) = &mut doc.content else {
                return Err(format!("'{}' is not a montage", doc.name).into());
            };
            m.cta = match (clear, text) {
                (true, _) | (false, None) => None,
                (false, Some(text)) => Some(piece::Cta { text, url }),
            };
            if m.cta.is_some() && !m.outro_card {
                m.outro_card = true;
                if m.card_ms == 0 {
                    m.card_ms = 1800;
                }
            }
            print_piece(&api::pieces::save(&lib, PieceId(p.id), p.version, &doc)?);
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
