//! Stills and mosaic walls as images (JPEG, PNG or WebP): one photo framed with the brand
//! band and its credit, or a wall of customer photos and clip posters. Only our own pixels
//! are written: no metadata from any customer file.

use std::fs;
use std::path::{Path, PathBuf};

use image::RgbImage;

use super::brand::{self, BrandKit};
use super::layout::Insets;
use super::yuv::Yuv;
use super::{scale, sound, text, Output, RenderError, Rendered, Soundtrack, Span, Target};
use crate::library::Library;
use crate::media::Kind;
use crate::piece::{Content, Fit, Mosaic, PieceDoc, Still};
use crate::rights::ClearedForUse;

/// Renders a still or a mosaic to `out`; the extension picks the format (.jpg, .png, .webp).
pub fn render_image(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    out: &Path,
) -> Result<PathBuf, RenderError> {
    for id in doc.asset_ids() {
        if !cleared.covers(id) {
            return Err(RenderError::NotCleared(id));
        }
    }
    let (width, height) = doc.preset.size();
    let kit = brand::load(lib)?;
    let picture = match &doc.content {
        Content::Still(s) => still(lib, cleared, s, width, height, &kit)?,
        Content::Mosaic(m) => mosaic(lib, cleared, m, width, height, &kit)?,
        Content::Montage(_) => {
            return Err(RenderError::UnsupportedKind(
                "montage (render it as a video)",
            ))
        }
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_lowercase();
    let format = match ext.as_str() {
        "jpg" | "jpeg" => image::ImageFormat::Jpeg,
        "png" => image::ImageFormat::Png,
        "webp" => image::ImageFormat::WebP,
        other => {
            return Err(RenderError::Encode(format!(
                "'.{other}' is not an image format Chorus writes (jpg, png, webp)"
            )))
        }
    };
    let bytes = crate::media::encode_srgb(&picture, format).map_err(RenderError::Encode)?;
    let partial = out.with_file_name(format!(
        ".{}.partial",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RenderError::Write { path, source }
    };
    fs::write(&partial, bytes).map_err(write_err(&partial))?;
    if let Err(e) = cleared.still_holds(lib.conn()) {
        let _ = fs::remove_file(&partial);
        return Err(RenderError::NoLongerCleared(e.to_string()));
    }
    fs::rename(&partial, out).map_err(write_err(out))?;
    Ok(out.to_path_buf())
}

fn source_picture(
    lib: &Library,
    cleared: &ClearedForUse,
    asset: i64,
) -> Result<RgbImage, RenderError> {
    let src = super::source_of(cleared, asset)?;
    let store = lib.store();
    // Photos at full resolution; clips by their poster frame.
    let path = match src.kind {
        Kind::Photo => store.original(&src.hash),
        Kind::Clip => store.thumb(&src.hash),
    };
    let err = |why: String| RenderError::Source {
        path: path.clone(),
        why,
    };
    if src.kind == Kind::Photo {
        return crate::media::load_photo(&path, &crate::media::Limits::default())
            .map_err(|e| err(e.to_string()));
    }
    let bytes = fs::read(&path).map_err(|e| err(e.to_string()))?;
    let img = image::load_from_memory(&bytes).map_err(|e| err(e.to_string()))?;
    Ok(img.into_rgb8())
}

/// The brand band along the bottom: the brand's colour, its logo at the left, a line of
/// text in the middle.
fn band(frame: &mut RgbImage, kit: &BrandKit, line: &str, floor: u32) {
    let (w, full) = frame.dimensions();
    // The band's foot: the frame's, or a platform's safe floor above it.
    let h = floor.min(full);
    let band_h = super::wall::band_height(h);
    for y in h - band_h..h {
        for x in 0..w {
            frame.put_pixel(x, y, image::Rgb(kit.primary));
        }
    }
    // Where the text may start: right of the logo, with a gap.
    let mut text_from = band_h / 4;
    if let Some(logo) = &kit.logo {
        let size = band_h * 7 / 10;
        let scaled = brand::logo_at(logo, size);
        text::blend_rgba(
            frame,
            &scaled,
            i64::from(band_h / 4),
            i64::from(h - band_h + (band_h - size) / 2),
            1.0,
        );
        text_from = band_h / 4 + scaled.width() + band_h / 4;
    }
    // Centred in the frame, or right of the logo when it would run into it; smaller when
    // the frame is too narrow for it (a tall story).
    let room = w.saturating_sub(text_from + band_h / 4).max(1);
    let mut mask = text::rasterise(line, band_h as f32 * 0.45);
    if mask.image.width() > room {
        let px = band_h as f32 * 0.45 * room as f32 / mask.image.width() as f32 * 0.97;
        mask = text::rasterise(line, px);
    }
    let (mw, mh) = mask.image.dimensions();
    let x = (w.saturating_sub(mw) / 2).max(text_from);
    let y = i64::from(h - band_h) + i64::from(band_h.saturating_sub(mh) / 2);
    text::draw(frame, &mask, i64::from(x), y, kit.text);
}

fn still(
    lib: &Library,
    cleared: &ClearedForUse,
    s: &Still,
    width: u32,
    height: u32,
    kit: &BrandKit,
) -> Result<RgbImage, RenderError> {
    let mut frame = compose(
        &source_picture(lib, cleared, s.asset_id)?,
        Fit::BlurredFill,
        width,
        height,
    );
    band(&mut frame, kit, &kit.name, height);
    if !s.credit.trim().is_empty() {
        let mask = text::rasterise(s.credit.trim(), height as f32 * 0.04);
        let margin = i64::from(height / 25);
        let y = i64::from(height - height / 9) - margin - i64::from(mask.image.height());
        text::draw(&mut frame, &mask, margin, y, kit.text);
    }
    Ok(frame)
}

/// The tiles of a wall: each picture cropped to its cell (`wall::cells`: every picture a
/// cell, none empty), its corners rounded into the brand colour, with the cell's top-left
/// corner. With the brand band the pictures fill the frame above it, so the band never
/// covers one.
fn tiles(
    lib: &Library,
    cleared: &ClearedForUse,
    m: &Mosaic,
    kit: &BrandKit,
    width: u32,
    height: u32,
) -> Result<Vec<(RgbImage, i64, i64)>, RenderError> {
    let cells = super::wall::wall(
        m.asset_ids.len(),
        m.layout,
        width,
        height,
        kit.gutter,
        m.brand_overlay,
    );
    let radius = super::wall::scaled(kit.radius, height);
    m.asset_ids
        .iter()
        .zip(cells)
        .map(|(&asset, c)| {
            let mut tile = compose(&source_picture(lib, cleared, asset)?, Fit::Crop, c.w, c.h);
            super::wall::round_corners(&mut tile, radius, kit.primary);
            Ok((tile, i64::from(c.x), i64::from(c.y)))
        })
        .collect()
}

fn wall_line(kit: &BrandKit) -> String {
    format!("{} · {}", kit.name, kit.tagline)
}

fn mosaic(
    lib: &Library,
    cleared: &ClearedForUse,
    m: &Mosaic,
    width: u32,
    height: u32,
    kit: &BrandKit,
) -> Result<RgbImage, RenderError> {
    // The gutters show the brand's colour.
    let mut frame = RgbImage::from_pixel(width, height, image::Rgb(kit.primary));
    for (tile, x, y) in tiles(lib, cleared, m, kit, width, height)? {
        image::imageops::replace(&mut frame, &tile, x, y);
    }
    if m.brand_overlay {
        band(&mut frame, kit, &wall_line(kit), height);
    }
    Ok(frame)
}

/// Frames over which one tile fades in.
const TILE_FADE_FRAMES: u64 = 12;

/// The animated wall: tiles fade in one after another over the first 60% of the piece,
/// then the brand band; the finished wall holds to the end, over the music bed.
pub(super) fn animate_mosaic(
    lib: &Library,
    cleared: &ClearedForUse,
    doc: &PieceDoc,
    m: &Mosaic,
    targets: &[Target],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Rendered, RenderError> {
    let Some(first) = targets.first() else {
        return Err(RenderError::Encode("nothing to render to".into()));
    };
    let (width, height) = super::frame_size(targets, doc.preset);
    // On a platform the band sits on its safe area's floor, clear of its caption and
    // buttons; the brand colour fills below it.
    let floor = Insets::new(width, height, super::safe_of(targets)).floor();
    let floor = match super::safe_of(targets).bottom > 0.0 {
        true => floor.clamp(i64::from(height / 2), i64::from(height)) as u32,
        false => height,
    };
    let total = doc.duration_frames().max(1);
    let kit = brand::load(lib)?;
    let tiles = tiles(lib, cleared, m, &kit, width, floor)?;
    let bed = match m.music_bed {
        true => Some((sound::bed_path(lib)?, 0.0)),
        false => None,
    };
    let soundtrack = sound::mix(Vec::new(), bed, m.target_lufs, total)?;
    let mut out = Output::open(targets, doc.preset, Soundtrack::ready(soundtrack))?;
    let reveal = (total * 6 / 10).max(1);
    let start =
        |i: usize| i as u64 * reveal.saturating_sub(TILE_FADE_FRAMES) / tiles.len().max(1) as u64;
    let mut settled = RgbImage::from_pixel(width, height, image::Rgb(kit.primary));
    let mut placed = 0usize;
    let mut finished: Option<RgbImage> = None;
    for f in 0..total {
        // Tiles whose fade is over join the settled canvas once.
        while placed < tiles.len() && f >= start(placed) + TILE_FADE_FRAMES {
            let (tile, x, y) = &tiles[placed];
            image::imageops::replace(&mut settled, tile, *x, *y);
            placed += 1;
        }
        let mut frame = settled.clone();
        for (i, (tile, x, y)) in tiles.iter().enumerate().skip(placed) {
            if f < start(i) {
                break;
            }
            let a = (f - start(i) + 1) as f32 / (TILE_FADE_FRAMES + 1) as f32;
            for (tx, ty, p) in tile.enumerate_pixels() {
                let (px, py) = (*x as u32 + tx, *y as u32 + ty);
                if px < width && py < height {
                    let q = frame.get_pixel_mut(px, py);
                    for c in 0..3 {
                        q.0[c] = (f32::from(q.0[c]) * (1.0 - a) + f32::from(p.0[c]) * a) as u8;
                    }
                }
            }
        }
        if m.brand_overlay && f >= reveal {
            band(&mut frame, &kit, &wall_line(&kit), floor);
        }
        if f + 1 == total {
            finished = Some(frame.clone());
        }
        out.push(Yuv::from_rgb(&frame)?)?;
        if f % 5 == 0 && !progress(f as f64 / total as f64) {
            return Err(RenderError::Cancelled);
        }
    }
    let frames = out.frames as u64;
    out.finish()?;
    progress(1.0);
    Ok(Rendered {
        path: first.path.clone(),
        frames,
        width,
        height,
        poster: finished,
        timeline: m
            .asset_ids
            .iter()
            .enumerate()
            .map(|(i, &asset_id)| Span {
                from: start(i),
                to: frames,
                asset_id,
            })
            .collect(),
    })
}

/// Fits a picture into a still's frame (RGB; video frames use `yuv::fit`).
fn compose(pic: &RgbImage, fit: Fit, width: u32, height: u32) -> RgbImage {
    use image::imageops;
    let scale = scale::resize;
    let (pw, ph) = pic.dimensions();
    let contain = (width as f64 / pw as f64).min(height as f64 / ph as f64);
    let cover = (width as f64 / pw as f64).max(height as f64 / ph as f64);
    match fit {
        Fit::Crop | Fit::Follow => {
            let (sw, sh) = (
                ((pw as f64 * cover).round() as u32).max(width),
                ((ph as f64 * cover).round() as u32).max(height),
            );
            let scaled = scale(pic, sw, sh);
            imageops::crop_imm(&scaled, (sw - width) / 2, (sh - height) / 2, width, height)
                .to_image()
        }
        Fit::Letterbox | Fit::BlurredFill => {
            let (fw, fh) = (
                ((pw as f64 * contain).round() as u32).clamp(1, width),
                ((ph as f64 * contain).round() as u32).clamp(1, height),
            );
            let fg = scale(pic, fw, fh);
            let mut canvas = if fit == Fit::Letterbox {
                RgbImage::new(width, height)
            } else {
                // A tiny copy blown up is a cheap, strong blur; darkened so the clip leads.
                let mut tiny = scale(pic, (width / 40).max(1), (height / 40).max(1));
                // Darkened while tiny: the same result for 1/1600 of the work.
                for p in tiny.pixels_mut() {
                    p.0 = p.0.map(|v| (u16::from(v) * 3 / 5) as u8);
                }
                scale(&tiny, width, height)
            };
            imageops::replace(
                &mut canvas,
                &fg,
                i64::from((width - fw) / 2),
                i64::from((height - fh) / 2),
            );
            canvas
        }
    }
}
