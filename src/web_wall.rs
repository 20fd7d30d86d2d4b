//! The web wall: a folder a web team drops into the brand's home page. The campaign's hero
//! piece as a muted loop (H.264 and VP9, captions as WebVTT), and a wall of its customers'
//! photos and clips cleared for the web channel: each tile a small poster, a short muted
//! loop on hover, and the clip with its sound (or the photo large) when opened, with its
//! credit. Plain HTML, CSS and a small script: no CDN, no tracking, no cookies; it works
//! from `file://` and from any static host. The credits and the rights summary for exactly
//! the assets shown are part of the page.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::campaign::Campaign;
use crate::catalog::{self, Asset, Curation, Filter};
use crate::export::{file_name_for, ExportError};
use crate::library::Library;
use crate::media::Kind;
use crate::piece::{self, Content, Fit, Item, Montage, Piece, PieceDoc, Preset, FORMAT};
use crate::render::{self, Quality, Target};
use crate::rights::{self, Channel};

/// The most tiles a wall shows: a home page section, not an archive.
pub const MAX_TILES: usize = 24;
/// A poster's long side, and an opened photo's.
const POSTER_PX: u32 = 480;
const LARGE_PX: u32 = 1440;
/// The most of a clip a wall plays.
const CLIP_MAX_MS: u64 = 12_000;

/// One tile of the wall, as the page's script reads it.
#[derive(Clone, Debug, Serialize)]
pub struct Tile {
    pub kind: &'static str,
    pub poster: String,
    /// A clip's short muted loop, played on hover or focus.
    pub loop_video: Option<String>,
    /// The clip with its sound, or the photo large: what opens.
    pub full: String,
    pub credit: String,
    pub alt: String,
}

/// What a wall holds, for the CLI and the app to report.
#[derive(Clone, Debug)]
pub struct Wall {
    pub folder: PathBuf,
    pub hero: Option<String>,
    pub tiles: Vec<Tile>,
    /// Bytes a visitor downloads for the first view: the page, its style and script, the
    /// hero's poster and the tiles' posters. The hero's loop streams once the page has
    /// loaded (its poster shows until then); tiles' loops and clips load on demand.
    pub first_view_bytes: u64,
    /// The hero loop's MP4, streamed after the first view.
    pub hero_bytes: u64,
}

/// The campaign's usage narrowed to the web: what a home page may show.
fn for_the_web(campaign: &Campaign) -> Result<Campaign, ExportError> {
    if !campaign.usage.channels.contains(&Channel::Web) {
        return Err(ExportError::NotForPlatform(format!(
            "'{}' is not for the web: its usage has no web channel, so none of it may go on a home page (add the web channel to the campaign)",
            campaign.name
        )));
    }
    let mut web = campaign.clone();
    web.usage.channels = [Channel::Web].into();
    Ok(web)
}

/// The selected assets cleared for the campaign's web channel, best first.
fn wall_assets(lib: &Library, web: &Campaign) -> Result<Vec<Asset>, ExportError> {
    let filter = Filter {
        curation: Some(Curation::Selected),
        ..Filter::default()
    };
    let mut out = Vec::new();
    for a in catalog::list(lib.conn(), &filter).map_err(rights::RightsError::from)? {
        if rights::clearance_for(lib.conn(), a.id, web)?.is_cleared() {
            out.push(a);
        }
    }
    out.sort_by(|x, y| y.rating.cmp(&x.rating).then(x.id.cmp(&y.id)));
    out.truncate(MAX_TILES);
    Ok(out)
}

/// The campaign's hero: the piece named (refused by the gate if it is not cleared for the
/// web), else its first 16:9 montage that is, else its first montage that is; `None` when
/// it has none.
fn hero_piece(
    lib: &Library,
    campaign: &Campaign,
    web: &Campaign,
    named: Option<&Piece>,
) -> Result<Option<Piece>, ExportError> {
    if let Some(p) = named {
        return match p.document.content {
            Content::Montage(_) => Ok(Some(p.clone())),
            _ => Err(ExportError::NotForPlatform(format!(
                "'{}' is a {}; the wall's hero is a montage",
                p.document.name,
                p.document.kind_name()
            ))),
        };
    }
    let pieces = piece::list(lib.conn(), campaign).map_err(rights::RightsError::from)?;
    let montages: Vec<&Piece> = pieces
        .iter()
        .filter(|p| matches!(p.document.content, Content::Montage(_)))
        .filter(|p| p.document.validate(lib.conn()).is_ok())
        .filter(|p| rights::require_cleared(lib.conn(), web, &p.document.asset_ids()).is_ok())
        .collect();
    Ok(montages
        .iter()
        .find(|p| p.document.preset == Preset::Hero16x9)
        .or(montages.first())
        .map(|p| (*p).clone()))
}

/// Makes the wall for `campaign` in a new folder under `out_dir`; returns what it holds.
pub fn export(
    lib: &Library,
    campaign: &Campaign,
    hero: Option<&Piece>,
    out_dir: &Path,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Wall, ExportError> {
    let web = for_the_web(campaign)?;
    let hero = hero_piece(lib, campaign, &web, hero)?;
    let assets = wall_assets(lib, &web)?;
    if assets.is_empty() && hero.is_none() {
        return Err(ExportError::NotForPlatform(format!(
            "nothing in '{}' is selected and cleared for the web yet: select assets and clear them for the web channel",
            campaign.name
        )));
    }
    if let Some(h) = &hero {
        h.document
            .validate(lib.conn())
            .map_err(rights::RightsError::from)?;
        crate::export::check_platforms(&h.document, &[crate::platform::Platform::WebHero])?;
    }
    // One gate for everything the page shows, judged for the web alone.
    let mut ids: Vec<i64> = hero
        .as_ref()
        .map(|h| h.document.asset_ids())
        .unwrap_or_default();
    for a in &assets {
        if !ids.contains(&a.id) {
            ids.push(a.id);
        }
    }
    let cleared = rights::require_cleared(lib.conn(), &web, &ids)?;
    let name = format!(
        "{}-web-wall",
        file_name_for(&campaign.name, &format!("campaign-{}", campaign.id))
    );
    let folder = out_dir.join(&name);
    if folder.exists() {
        return Err(ExportError::Exists { path: folder });
    }
    let partial = out_dir.join(format!(".{name}.partial"));
    let _ = fs::remove_dir_all(&partial);
    let result = write(
        lib,
        &web,
        hero.as_ref(),
        &assets,
        &cleared,
        &ids,
        &partial,
        progress,
    )
    .and_then(|wall| {
        // A contributor may have withdrawn while it was made.
        cleared.still_holds(lib.conn())?;
        Ok(wall)
    });
    match result {
        Ok(mut wall) => {
            fs::rename(&partial, &folder).map_err(|source| ExportError::Write {
                path: folder.clone(),
                source,
            })?;
            wall.folder = folder;
            Ok(wall)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError {
    let path = path.to_path_buf();
    move |source| ExportError::Write { path, source }
}

fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), ExportError> {
    fs::write(path, bytes).map_err(io(path))
}

/// A picture's long side brought to `px` (never enlarged), as an sRGB JPEG of our own
/// pixels (no metadata of the customer's file).
fn jpeg(img: &image::RgbImage, px: u32) -> Vec<u8> {
    let scaled;
    let img = if img.width().max(img.height()) > px {
        scaled = crate::media::fit_within(img, px);
        &scaled
    } else {
        img
    };
    crate::media::encode_srgb(img, image::ImageFormat::Jpeg)
        .unwrap_or_else(|_| crate::media::encode_jpeg(img, 88))
}

/// A one-clip piece: the clip's liveliest stretch of at most `CLIP_MAX_MS`, whole in a
/// frame of its own shape, with its sound levelled for the web.
fn clip_doc(lib: &Library, a: &Asset) -> PieceDoc {
    let (w, h) = piece::upright(a);
    let preset = if w * 5 > h * 6 {
        Preset::Hero16x9
    } else if h * 5 > w * 6 {
        Preset::Story9x16
    } else {
        Preset::Square1x1
    };
    let duration = a.duration_ms.unwrap_or(0).max(0) as u64;
    let len = duration.min(CLIP_MAX_MS);
    let start = piece::assemble::liveliness(lib, &a.hash)
        .and_then(|l| l.best_start(len, duration))
        .unwrap_or(0);
    PieceDoc {
        format: FORMAT,
        name: a.original_name.clone(),
        preset,
        content: Content::Montage(Montage {
            items: vec![Item {
                asset_id: a.id,
                source_hash: a.hash.clone(),
                kind: Kind::Clip,
                in_ms: start,
                out_ms: start + len,
                pan_zoom: false,
                fit: Fit::BlurredFill,
                transition: Default::default(),
                credit: String::new(),
                sound: Default::default(),
                captions: Vec::new(),
            }],
            intro_card: false,
            outro_card: false,
            card_ms: 0,
            music_bed: false,
            target_lufs: -16.0,
            bed_db: 0.0,
            outro_fade_ms: 0,
            cta: None,
            card_motion: Default::default(),
            corner_logo: false,
            captions: Vec::new(),
            burn_captions: false,
            target_ms: 0,
        }),
    }
}

fn credit_of(a: &Asset) -> String {
    a.contributor
        .as_ref()
        .and_then(|c| c.handle.clone().or_else(|| c.name.clone()))
        .unwrap_or_else(|| "a customer".into())
}

#[allow(clippy::too_many_arguments)]
fn write(
    lib: &Library,
    web: &Campaign,
    hero: Option<&Piece>,
    assets: &[Asset],
    cleared: &rights::ClearedForUse,
    ids: &[i64],
    dir: &Path,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Wall, ExportError> {
    let media = dir.join("media");
    fs::create_dir_all(&media).map_err(io(&media))?;
    let steps = assets.len() as f64 + if hero.is_some() { 3.0 } else { 0.0 };
    let mut done = 0.0;
    let mut first_view = 0u64;
    let mut hero_bytes = 0u64;
    let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0);

    // The hero: a muted loop for the top of the page.
    let mut hero_name = None;
    let mut has_captions = false;
    if let Some(h) = hero {
        let mut doc = h.document.clone();
        doc.preset = Preset::Hero16x9;
        let quality = Quality::Deliver(crate::platform::Platform::WebHero);
        let targets = [
            Target {
                path: dir.join("hero.mp4"),
                quality,
                webm: false,
            },
            Target {
                path: dir.join("hero.webm"),
                quality,
                webm: true,
            },
        ];
        let made = render::render_many(lib, cleared, &doc, &targets, &mut |f| {
            progress(f * 3.0 / steps)
        })?;
        if let Some(poster) = made.first().and_then(|r| r.poster.as_ref()) {
            write_file(&dir.join("hero.jpg"), jpeg(poster, 1280))?;
        }
        if let Content::Montage(m) = &doc.content {
            let cues = piece::captions::timeline(m);
            if !cues.is_empty() {
                write_file(&dir.join("hero.vtt"), piece::captions::to_vtt(&cues))?;
                has_captions = true;
            }
        }
        first_view += size(&dir.join("hero.jpg"));
        hero_bytes = size(&dir.join("hero.mp4"));
        hero_name = Some(h.document.name.clone());
        done += 3.0;
    }

    // The tiles.
    let mut tiles = Vec::new();
    for (i, a) in assets.iter().enumerate() {
        let credit = credit_of(a);
        let stem = format!("{:02}", i + 1);
        let poster = format!("media/{stem}-poster.jpg");
        match a.kind {
            Kind::Photo => {
                let src = cleared
                    .source(a.id)
                    .ok_or(render::RenderError::NotCleared(a.id))?;
                let path = lib.store().original(&src.hash);
                let img = crate::media::load_photo(&path, &crate::media::Limits::default())
                    .map_err(|e| render::RenderError::Source {
                        path: path.clone(),
                        why: e.to_string(),
                    })?;
                write_file(&dir.join(&poster), jpeg(&img, POSTER_PX))?;
                let full = format!("media/{stem}.jpg");
                write_file(&dir.join(&full), jpeg(&img, LARGE_PX))?;
                tiles.push(Tile {
                    kind: "photo",
                    poster: poster.clone(),
                    loop_video: None,
                    full,
                    credit: credit.clone(),
                    alt: format!("A photo by {credit}"),
                });
            }
            Kind::Clip => {
                let doc = clip_doc(lib, a);
                let looped = format!("media/{stem}-loop.mp4");
                let full = format!("media/{stem}.mp4");
                let quiet = [Target {
                    path: dir.join(&looped),
                    quality: Quality::WebTile,
                    webm: false,
                }];
                render::render_many(lib, cleared, &doc, &quiet, &mut |_| true)?;
                let loud = [Target {
                    path: dir.join(&full),
                    quality: Quality::WebClip,
                    webm: false,
                }];
                let made = render::render_many(lib, cleared, &doc, &loud, &mut |_| true)?;
                if let Some(p) = made.first().and_then(|r| r.poster.as_ref()) {
                    write_file(&dir.join(&poster), jpeg(p, POSTER_PX))?;
                }
                tiles.push(Tile {
                    kind: "clip",
                    poster: poster.clone(),
                    loop_video: Some(looped),
                    full,
                    credit: credit.clone(),
                    alt: format!("A clip by {credit}"),
                });
            }
        }
        first_view += size(&dir.join(&poster));
        done += 1.0;
        if !progress(done / steps) {
            return Err(render::RenderError::Cancelled.into());
        }
    }

    rights::write_report(lib.conn(), web, ids, dir, rights::Audience::Agency)?;
    let kit = render::brand::load(lib)?;
    let page = page(web, &kit, hero_name.as_deref(), has_captions, &tiles);
    for (file, text) in [
        ("index.html", page),
        ("wall.css", css(&kit)),
        ("wall.js", SCRIPT.to_string()),
    ] {
        let path = dir.join(file);
        first_view += text.len() as u64;
        write_file(&path, text)?;
    }
    Ok(Wall {
        folder: dir.to_path_buf(),
        hero: hero_name,
        tiles,
        first_view_bytes: first_view,
        hero_bytes,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn page(
    web: &Campaign,
    kit: &render::brand::BrandKit,
    hero: Option<&str>,
    captions: bool,
    tiles: &[Tile],
) -> String {
    let mut html = String::new();
    html.push_str(&format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · {}</title>\n<link rel=\"stylesheet\" href=\"wall.css\">\n</head>\n<body>\n",
        esc(&kit.name),
        esc(&web.name)
    ));
    if let Some(name) = hero {
        html.push_str(&format!(
            "<header class=\"hero\">\n<video class=\"hero-video\" muted loop playsinline preload=\"none\" poster=\"hero.jpg\" aria-label=\"{}, made from our customers' clips\">\n<source src=\"hero.webm\" type=\"video/webm\">\n<source src=\"hero.mp4\" type=\"video/mp4\">\n{}</video>\n</header>\n",
            esc(name),
            if captions { "<track kind=\"captions\" src=\"hero.vtt\" srclang=\"en\" label=\"Captions\" default>\n" } else { "" }
        ));
    }
    html.push_str(&format!(
        "<main>\n<h1>{}</h1>\n<p class=\"lede\">{}</p>\n<ul class=\"wall\" id=\"wall\">\n",
        esc(&web.name),
        esc(&kit.tagline)
    ));
    for (i, t) in tiles.iter().enumerate() {
        let verb = if t.kind == "clip" { "Play" } else { "Open" };
        html.push_str(&format!(
            "<li><button class=\"tile {}\" data-index=\"{i}\" aria-label=\"{verb} {}\"><img src=\"{}\" alt=\"\" loading=\"lazy\" decoding=\"async\"><span class=\"credit\">{}</span></button></li>\n",
            t.kind,
            esc(&t.alt),
            esc(&t.poster),
            esc(&t.credit)
        ));
    }
    html.push_str("</ul>\n</main>\n<dialog id=\"player\" aria-label=\"Customer clip\">\n<button class=\"close\" aria-label=\"Close\">×</button>\n<div class=\"stage\"></div>\n<p class=\"by\"></p>\n</dialog>\n");
    let mut names: Vec<&str> = tiles.iter().map(|t| t.credit.as_str()).collect();
    names.dedup();
    html.push_str(&format!(
        "<footer>\n<p>Made with our customers. Thank you to {}.</p>\n<p><a href=\"rights-report.html\">Rights summary</a></p>\n</footer>\n",
        esc(&names.join(", "))
    ));
    // The tiles for the script, inside the page so it works from file:// (no fetch).
    let json = serde_json::to_string(tiles)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    html.push_str(&format!(
        "<script type=\"application/json\" id=\"tiles\">{json}</script>\n<script src=\"wall.js\"></script>\n</body>\n</html>\n"
    ));
    html
}

fn css(kit: &render::brand::BrandKit) -> String {
    format!(
        ":root {{ --brand: {}; --accent: {}; --text: {}; --gutter: {}px; --radius: {}px; }}\n{}",
        hex(kit.primary),
        hex(kit.accent),
        hex(kit.text),
        kit.gutter.max(4),
        kit.radius,
        STYLE
    )
}

const STYLE: &str = r#"* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #fff; color: #15181c; }
.hero { background: var(--brand); }
.hero-video { display: block; width: 100%; max-height: 80vh; aspect-ratio: 16 / 9; object-fit: cover; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { margin: 8px 0 0; font-size: clamp(22px, 4vw, 36px); }
.lede { margin: 0 0 16px; color: #555; }
.wall { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--gutter); grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.tile { position: relative; display: block; width: 100%; aspect-ratio: 1; padding: 0; border: 0; border-radius: var(--radius); overflow: hidden; background: var(--brand); cursor: pointer; }
.tile img, .tile video { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; }
.tile .credit { position: absolute; left: 0; right: 0; bottom: 0; padding: 18px 8px 6px; color: #fff; font-weight: 600; font-size: 13px; text-align: left; background: linear-gradient(transparent, rgba(0, 0, 0, 0.65)); }
.tile.clip::after { content: "▶"; position: absolute; top: 8px; right: 10px; color: #fff; text-shadow: 0 1px 3px #000; }
.tile:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
dialog { width: min(960px, 94vw); max-height: 94vh; padding: 0; border: 0; border-radius: 10px; background: #111; color: #fff; }
dialog::backdrop { background: rgba(0, 0, 0, 0.75); }
dialog .stage video, dialog .stage img { display: block; width: 100%; max-height: 80vh; object-fit: contain; background: #000; }
dialog .by { margin: 0; padding: 10px 14px; font-weight: 600; }
dialog .close { position: absolute; top: 8px; right: 8px; z-index: 1; width: 40px; height: 40px; border: 0; border-radius: 50%; background: rgba(0, 0, 0, 0.6); color: #fff; font-size: 24px; cursor: pointer; }
footer { max-width: 1200px; margin: 24px auto; padding: 0 16px; color: #555; font-size: 14px; }
@media (prefers-reduced-motion: reduce) { .tile video { display: none; } }
"#;

const SCRIPT: &str = r#"// The wall: a muted loop on hover or focus, the clip with its sound (or the photo large)
// when a tile is opened, in a dialog that Escape closes and that gives focus back.
(() => {
  const tiles = JSON.parse(document.getElementById('tiles').textContent);
  const dialog = document.getElementById('player');
  const stage = dialog.querySelector('.stage');
  const by = dialog.querySelector('.by');
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  let opener = null;
  // The hero loop streams once the page is in: its poster holds the first view.
  const hero = document.querySelector('.hero-video');
  if (hero && !still) {
    const go = () => hero.play().catch(() => {});
    if (document.readyState === 'complete') go();
    else addEventListener('load', go, { once: true });
  }
  function open(t, button) {
    opener = button;
    stage.replaceChildren();
    if (t.kind === 'clip') {
      const v = document.createElement('video');
      Object.assign(v, { src: t.full, poster: t.poster, controls: true, autoplay: true, playsInline: true });
      stage.append(v);
    } else {
      const img = document.createElement('img');
      Object.assign(img, { src: t.full, alt: t.alt });
      stage.append(img);
    }
    by.textContent = t.credit;
    dialog.setAttribute('aria-label', t.alt);
    dialog.showModal();
    dialog.querySelector('.close').focus();
  }
  dialog.addEventListener('close', () => {
    stage.replaceChildren();
    opener?.focus();
  });
  dialog.querySelector('.close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  for (const button of document.querySelectorAll('.tile')) {
    const t = tiles[Number(button.dataset.index)];
    button.addEventListener('click', () => open(t, button));
    if (!t.loop_video || still) continue;
    let loop = null;
    const start = () => {
      if (!loop) {
        loop = document.createElement('video');
        Object.assign(loop, { src: t.loop_video, muted: true, loop: true, playsInline: true });
        loop.setAttribute('aria-hidden', 'true');
        button.insertBefore(loop, button.querySelector('.credit'));
      }
      loop.play().catch(() => {});
    };
    const stop = () => loop?.pause();
    button.addEventListener('mouseenter', start);
    button.addEventListener('focus', start);
    button.addEventListener('mouseleave', stop);
    button.addEventListener('blur', stop);
  }
})();
"#;
