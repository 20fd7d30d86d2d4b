//! The brand kit: colours, tagline and logo for cards, bands and overlays. The demo kit in
//! `assets/brand/` (`brand.json`, `logo.png`) is built in; the `brand_kit` setting names a
//! folder holding a `brand.json` (and its logo) of the brand's own. The brand's name is the
//! `brand_name` setting, the same one rights requests use.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage, RgbaImage};
use serde::Deserialize;

use super::RenderError;
use crate::library::Library;

const DEFAULT_KIT: &str = include_str!("../../assets/brand/brand.json");
const DEFAULT_LOGO: &[u8] = include_bytes!("../../assets/brand/logo.png");

#[derive(Clone, Debug)]
pub struct BrandKit {
    pub name: String,
    pub tagline: String,
    pub primary: [u8; 3],
    pub accent: [u8; 3],
    pub text: [u8; 3],
    pub logo: Option<RgbaImage>,
}

#[derive(Deserialize)]
struct KitFile {
    tagline: String,
    colours: Colours,
    logo: Option<String>,
}

#[derive(Deserialize)]
struct Colours {
    primary: String,
    accent: String,
    text: String,
}

/// `#rrggbb` to bytes.
pub fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

fn kit_error(path: &Path, why: String) -> RenderError {
    RenderError::Source {
        path: path.to_path_buf(),
        why: format!("{why} (fix the brand kit, or `chorus settings set brand_kit FOLDER`)"),
    }
}

fn parse(
    json: &str,
    logo: Option<Vec<u8>>,
    file: &Path,
    name: String,
) -> Result<BrandKit, RenderError> {
    let kit: KitFile =
        serde_json::from_str(json).map_err(|e| kit_error(file, format!("not a brand kit: {e}")))?;
    let colour = |key: &str, v: &str| {
        parse_colour(v).ok_or_else(|| kit_error(file, format!("colour {key} '{v}' is not #rrggbb")))
    };
    let logo = match logo {
        Some(bytes) => Some(
            image::load_from_memory(&bytes)
                .map_err(|e| kit_error(file, format!("the logo cannot be read: {e}")))?
                .into_rgba8(),
        ),
        None => None,
    };
    Ok(BrandKit {
        name,
        tagline: kit.tagline,
        primary: colour("primary", &kit.colours.primary)?,
        accent: colour("accent", &kit.colours.accent)?,
        text: colour("text", &kit.colours.text)?,
        logo,
    })
}

/// The library's brand kit: the `brand_kit` folder if set, else the built-in demo kit.
pub fn load(lib: &Library) -> Result<BrandKit, RenderError> {
    let name = crate::rights::RightsSettings::load(lib)
        .map(|r| r.brand_name)
        .unwrap_or_else(|_| "Our brand".into());
    match lib.setting("brand_kit").ok().flatten() {
        Some(dir) => {
            let file = PathBuf::from(dir).join("brand.json");
            let json = std::fs::read_to_string(&file)
                .map_err(|e| kit_error(&file, format!("cannot read it: {e}")))?;
            let logo_name: Option<String> = serde_json::from_str::<KitFile>(&json)
                .ok()
                .and_then(|k| k.logo);
            let logo = match logo_name {
                Some(l) => {
                    let path = file.with_file_name(l);
                    Some(
                        std::fs::read(&path)
                            .map_err(|e| kit_error(&path, format!("cannot read the logo: {e}")))?,
                    )
                }
                None => None,
            };
            parse(&json, logo, &file, name)
        }
        None => parse(
            DEFAULT_KIT,
            Some(DEFAULT_LOGO.to_vec()),
            Path::new("assets/brand/brand.json"),
            name,
        ),
    }
}

/// Draws the logo `size` pixels tall with its top-left corner at (x, y), blending its alpha.
pub fn draw_logo(frame: &mut RgbImage, logo: &RgbaImage, x: i64, y: i64, size: u32) {
    if size == 0 || logo.height() == 0 {
        return;
    }
    let w = (u64::from(logo.width()) * u64::from(size) / u64::from(logo.height())).max(1) as u32;
    let scaled = image::imageops::resize(logo, w, size, image::imageops::FilterType::Triangle);
    for (lx, ly, p) in scaled.enumerate_pixels() {
        let (fx, fy) = (x + i64::from(lx), y + i64::from(ly));
        if fx < 0 || fy < 0 || fx >= i64::from(frame.width()) || fy >= i64::from(frame.height()) {
            continue;
        }
        let a = f32::from(p.0[3]) / 255.0;
        if a <= 0.0 {
            continue;
        }
        let q = frame.get_pixel_mut(fx as u32, fy as u32);
        for c in 0..3 {
            q.0[c] = (f32::from(q.0[c]) * (1.0 - a) + f32::from(p.0[c]) * a).round() as u8;
        }
    }
}

/// A full-frame card in the brand's colour: the logo, then a line, then a smaller one.
pub fn card(kit: &BrandKit, width: u32, height: u32, line: &str, sub: &str) -> RgbImage {
    let mut c = RgbImage::from_pixel(width, height, Rgb(kit.primary));
    let logo_size = height / 6;
    let main = super::text::rasterise(line, height as f32 * 0.065);
    let small = super::text::rasterise(sub, height as f32 * 0.04);
    let gap = height / 30;
    let total = logo_size + gap + main.image.height() + gap + small.image.height();
    let mut y = i64::from(height.saturating_sub(total) / 2);
    if let Some(logo) = &kit.logo {
        let w = (u64::from(logo.width()) * u64::from(logo_size) / u64::from(logo.height().max(1)))
            as u32;
        draw_logo(
            &mut c,
            logo,
            i64::from(width.saturating_sub(w) / 2),
            y,
            logo_size,
        );
    }
    y += i64::from(logo_size + gap);
    let centre = |w: u32| i64::from(width.saturating_sub(w) / 2);
    super::text::draw(&mut c, &main, centre(main.image.width()), y, kit.text);
    y += i64::from(main.image.height() + gap);
    super::text::draw(&mut c, &small, centre(small.image.width()), y, kit.accent);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_the_built_in_kit() {
        assert_eq!(parse_colour("#1d3f72"), Some([0x1d, 0x3f, 0x72]));
        assert_eq!(parse_colour("1d3f72"), None);
        assert_eq!(parse_colour("#12345"), None);
        assert_eq!(parse_colour("#zz0000"), None);
        let kit = parse(
            DEFAULT_KIT,
            Some(DEFAULT_LOGO.to_vec()),
            Path::new("brand.json"),
            "BrandCo".into(),
        )
        .unwrap();
        let logo = kit.logo.as_ref().unwrap();
        assert_eq!(logo.dimensions(), (512, 512));
        assert_eq!(
            logo.get_pixel(0, 0).0[3],
            0,
            "the logo has a transparent background"
        );
        let bad = parse(
            r##"{"tagline":"x","colours":{"primary":"blue","accent":"#000000","text":"#ffffff"}}"##,
            None,
            Path::new("b.json"),
            "B".into(),
        );
        assert!(bad.unwrap_err().to_string().contains("primary"));
    }

    #[test]
    fn a_card_has_the_brand_colour_and_the_logo() {
        let kit = parse(
            DEFAULT_KIT,
            Some(DEFAULT_LOGO.to_vec()),
            Path::new("brand.json"),
            "BrandCo".into(),
        )
        .unwrap();
        let c = card(&kit, 640, 360, "BrandCo", "Made by our customers");
        assert_eq!(c.get_pixel(5, 5).0, kit.primary);
        // The logo's coral disc sits centred in the upper part of the card.
        let coral = (0..360)
            .filter(|&y| {
                let p = c.get_pixel(320, y).0;
                p[0] > 200 && p[1] < 120
            })
            .count();
        assert!(
            coral > 10,
            "logo drawn ({coral} coral pixels down the centre line)"
        );
    }
}
