//! The brand kit: colours, tagline, logo and fonts for cards, bands and overlays. The demo
//! kit in `assets/brand/` (`brand.json`, `logo.png`) is built in; the `brand_kit` setting
//! names a folder holding a `brand.json` (and its logo and font files) of the brand's own.
//! The brand's name is the `brand_name` setting, the same one rights requests use. Text
//! colours are checked against the card colour (WCAG contrast at least 4.5:1): the text
//! colour is refused with a sentence below that, the accent is lightened or darkened until
//! it reads.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage, RgbaImage};
use serde::Deserialize;

use super::yuv::Yuv;
use super::RenderError;
use crate::library::Library;
use crate::piece::CardMotion;

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
    /// Font families of the brand's own heading and body fonts (loaded), if it has them.
    pub heading_font: Option<String>,
    pub body_font: Option<String>,
    /// The wall's gutter between pictures and their corners' radius, in pixels of a
    /// 1080-pixel-tall frame (scaled with the frame).
    pub gutter: u32,
    pub radius: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KitFile {
    tagline: String,
    colours: Colours,
    logo: Option<String>,
    #[serde(default)]
    fonts: KitFonts,
    #[serde(default)]
    wall: KitWall,
}

/// How the brand's walls look: gutters and rounded corners.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KitWall {
    gutter: u32,
    radius: u32,
}

impl Default for KitWall {
    fn default() -> Self {
        KitWall {
            gutter: 8,
            radius: 0,
        }
    }
}

/// The largest gutter and radius a kit may ask for (of 1080): beyond them a wall is
/// mostly gutter.
const MAX_GUTTER: u32 = 60;
const MAX_RADIUS: u32 = 120;

/// Font files in the kit's folder (TrueType or OpenType).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KitFonts {
    heading: Option<String>,
    body: Option<String>,
}

/// WCAG 2 contrast text needs against its background.
pub const MIN_CONTRAST: f64 = 4.5;

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg`, or the nearest lighter or darker shade of it that reads on `bg` (4.5:1).
pub fn legible(fg: [u8; 3], bg: [u8; 3]) -> [u8; 3] {
    if contrast(fg, bg) >= MIN_CONTRAST {
        return fg;
    }
    let towards = |target: u8, k: f64| {
        fg.map(|v| (f64::from(v) + (f64::from(target) - f64::from(v)) * k).round() as u8)
    };
    (1..=20)
        .map(|i| f64::from(i) / 20.0)
        .flat_map(|k| [towards(255, k), towards(0, k)])
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(if luminance(bg) > 0.18 {
            [0, 0, 0]
        } else {
            [255; 3]
        })
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[derive(Deserialize)]
struct Colours {
    primary: String,
    accent: String,
    text: String,
}

/// The built-in kit's `brand.json` and logo, to start a library's own copy from.
pub fn built_in() -> (&'static str, &'static [u8]) {
    (DEFAULT_KIT, DEFAULT_LOGO)
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
    fonts: (Option<Vec<u8>>, Option<Vec<u8>>),
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
    let font = |which: &str, bytes: Option<Vec<u8>>| -> Result<Option<String>, RenderError> {
        bytes
            .map(|b| {
                super::text::load_font(&b)
                    .map_err(|why| kit_error(file, format!("the {which} font: {why}")))
            })
            .transpose()
    };
    let (primary, text) = (
        colour("primary", &kit.colours.primary)?,
        colour("text", &kit.colours.text)?,
    );
    if kit.wall.gutter > MAX_GUTTER || kit.wall.radius > MAX_RADIUS {
        return Err(kit_error(
            file,
            format!(
                "wall gutter {} and radius {} must be at most {MAX_GUTTER} and {MAX_RADIUS} (pixels of a 1080-pixel-tall frame)",
                kit.wall.gutter, kit.wall.radius
            ),
        ));
    }
    let ratio = contrast(text, primary);
    if ratio < MIN_CONTRAST {
        return Err(kit_error(
            file,
            format!(
                "the text colour {} on the primary colour {} has a contrast of {ratio:.1}:1; text needs at least {MIN_CONTRAST}:1 (WCAG) to be read, so choose a lighter text or a darker primary (or the other way round)",
                hex(text),
                hex(primary)
            ),
        ));
    }
    Ok(BrandKit {
        name,
        tagline: kit.tagline,
        primary,
        accent: legible(colour("accent", &kit.colours.accent)?, primary),
        text,
        logo,
        heading_font: font("heading", fonts.0)?,
        body_font: font("body", fonts.1)?,
        gutter: kit.wall.gutter,
        radius: kit.wall.radius,
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
            let named = serde_json::from_str::<KitFile>(&json).ok();
            // Files of the kit are plain names in its folder, never paths elsewhere.
            let read = |what: &str, n: Option<&String>| -> Result<Option<Vec<u8>>, RenderError> {
                let Some(n) = n else { return Ok(None) };
                if Path::new(n).components().count() != 1 {
                    return Err(kit_error(
                        &file,
                        format!("the {what} must be a file in the kit's folder, not '{n}'"),
                    ));
                }
                let path = file.with_file_name(n);
                std::fs::read(&path)
                    .map(Some)
                    .map_err(|e| kit_error(&path, format!("cannot read the {what}: {e}")))
            };
            let logo = read("logo", named.as_ref().and_then(|k| k.logo.as_ref()))?;
            let fonts = (
                read(
                    "heading font",
                    named.as_ref().and_then(|k| k.fonts.heading.as_ref()),
                )?,
                read(
                    "body font",
                    named.as_ref().and_then(|k| k.fonts.body.as_ref()),
                )?,
            );
            parse(&json, logo, fonts, &file, name)
        }
        None => parse(
            DEFAULT_KIT,
            Some(DEFAULT_LOGO.to_vec()),
            (None, None),
            Path::new("assets/brand/brand.json"),
            name,
        ),
    }
}

/// The logo scaled to `height` pixels tall (at least one), its shape kept.
pub fn logo_at(logo: &RgbaImage, height: u32) -> RgbaImage {
    let h = height.max(1);
    let w = (u64::from(logo.width()) * u64::from(h) / u64::from(logo.height().max(1))).max(1);
    image::imageops::resize(logo, w as u32, h, image::imageops::FilterType::Triangle)
}

/// Draws the logo `size` pixels tall with its top-left corner at (x, y), blending its alpha.
pub fn draw_logo(frame: &mut RgbImage, logo: &RgbaImage, x: i64, y: i64, size: u32) {
    if size == 0 || logo.height() == 0 {
        return;
    }
    super::text::blend_rgba(frame, &logo_at(logo, size), x, y, 1.0);
}

/// A full-frame card in the brand's colour: the logo, then a line, then a smaller one, as
/// it stands once its entrance is over.
pub fn card(kit: &BrandKit, width: u32, height: u32, line: &str, sub: &str) -> RgbImage {
    let insets = super::layout::Insets::plain(width, height);
    match Card::new(kit, width, height, insets, line, sub, false)
        .and_then(|c| c.frame(ENTRANCE, ENTRANCE * 2).to_rgb())
    {
        Ok(img) => img,
        Err(_) => RgbImage::from_pixel(width, height, Rgb(kit.primary)),
    }
}

/// Frames an entrance takes (half a second), and the fade of the intro's text before the
/// cut to the first item.
const ENTRANCE: u64 = 15;
const EXIT: u64 = 8;

/// A brand card that moves (`CardMotion`): on the intro the logo comes in, then the line
/// and the smaller line after it, each over half a second with an ease-out; the intro's
/// text fades away just before the cut.
pub struct Card {
    motion: CardMotion,
    background: Yuv,
    logo: Option<RgbaImage>,
    logo_top: i64,
    logo_centre: i64,
    main: super::text::Mask,
    main_at: (i64, i64),
    small: super::text::Mask,
    small_at: (i64, i64),
    text: [u8; 3],
    accent: [u8; 3],
    rise: f64,
    intro: bool,
}

fn ease_out(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    1.0 - (1.0 - t).powi(3)
}

impl Card {
    pub fn new(
        kit: &BrandKit,
        width: u32,
        height: u32,
        insets: super::layout::Insets,
        line: &str,
        sub: &str,
        intro: bool,
    ) -> Result<Card, RenderError> {
        use super::text::{rasterise_styled, Style};
        // Wrapped inside the platform's safe area (and never wider than 84% of the frame).
        let wrap = (width as f32 * 0.84).min(insets.inner_width() as f32);
        let style = |heading: bool, wrap_width: Option<f32>| match heading {
            true => Style {
                family: kit.heading_font.as_deref(),
                bold: true,
                wrap_width,
            },
            false => Style {
                family: kit.body_font.as_deref(),
                bold: kit.body_font.is_none(),
                wrap_width,
            },
        };
        // Words are never broken: a word wider than the safe area (a long hashtag) sets
        // a smaller size instead.
        let fit_words = |text: &str, px: f32, heading: bool| {
            let widest = text
                .split_whitespace()
                .map(|w| rasterise_styled(w, px, style(heading, None)).width())
                .max()
                .unwrap_or(0) as f32;
            if widest > wrap {
                px * wrap / widest * 0.97
            } else {
                px
            }
        };
        let main_px = fit_words(line, height as f32 * 0.065, true);
        let small_px = fit_words(sub, height as f32 * 0.04, false);
        // Everything scaled down together until it fits between the safe area's top and
        // floor (the Reels area is half the frame's height).
        let mut scale = 1.0f32;
        let (logo, main, small, gap, logo_h, total) = loop {
            let logo_size = ((height as f32 / 6.0) * scale) as u32;
            let main = rasterise_styled(line, main_px * scale, style(true, Some(wrap)));
            let small = rasterise_styled(sub, small_px * scale, style(false, Some(wrap)));
            let gap = ((height as f32 / 30.0) * scale) as u32;
            let logo = kit.logo.as_ref().map(|l| logo_at(l, logo_size.max(1)));
            let logo_h = logo.as_ref().map_or(0, |_| logo_size + gap);
            let total = logo_h + main.height() + gap + small.height();
            let room = insets.inner_height().max(1) as f32;
            if total as f32 <= room || scale < 0.3 {
                break (logo, main, small, gap, logo_h, total);
            }
            scale *= (room / total as f32).max(0.5) * 0.98;
        };
        // Centred in the safe area: on Reels that is above the frame's middle.
        let top = insets.top + (insets.inner_height() - i64::from(total)).max(0) / 2;
        let centre = |w: u32| insets.centre_x(w);
        let main_y = top + i64::from(logo_h);
        let small_y = main_y + i64::from(main.height() + gap);
        Ok(Card {
            motion: CardMotion::default(),
            background: Yuv::filled(width, height, super::yuv::colour(kit.primary)),
            logo,
            logo_top: top,
            logo_centre: insets.left + insets.inner_width() / 2,
            main_at: (centre(main.width()), main_y),
            small_at: (centre(small.width()), small_y),
            main,
            small,
            text: kit.text,
            accent: kit.accent,
            rise: f64::from(height) / 25.0,
            intro,
        })
    }

    /// The same card, moving in this way.
    pub fn moving(self, motion: CardMotion) -> Card {
        Card { motion, ..self }
    }

    /// Frame `f` of a card shown for `n` frames.
    pub fn frame(&self, f: u64, n: u64) -> Yuv {
        let mut frame = self.background.clone();
        let phase = |delay: u64| ease_out((f as f64 - delay as f64 + 1.0) / ENTRANCE as f64);
        let exit = if self.intro && n > ENTRANCE + EXIT {
            ((n - f) as f64 / EXIT as f64).min(1.0)
        } else {
            1.0
        };
        if let Some(logo) = &self.logo {
            let (k, scale) = match (self.intro, self.motion) {
                (false, _) => (1.0, 1.0),
                (true, CardMotion::Rise) => (phase(0), 0.7 + 0.3 * phase(0)),
                (true, CardMotion::Fade) => (phase(0), 1.0),
                (true, CardMotion::Scale) => (phase(0), 0.85 + 0.15 * phase(0)),
            };
            let h = ((f64::from(logo.height()) * scale).round() as u32).max(1);
            let w = ((f64::from(logo.width()) * scale).round() as u32).max(1);
            let scaled;
            let img = if (w, h) == logo.dimensions() {
                logo
            } else {
                scaled = image::imageops::resize(logo, w, h, image::imageops::FilterType::Triangle);
                &scaled
            };
            let x = self.logo_centre - i64::from(w / 2);
            let y = self.logo_top + i64::from(logo.height().saturating_sub(h) / 2);
            frame.blend_rgba(img, x, y, (k * exit) as f32);
        }
        for (mask, at, colour, delay) in [
            (&self.main, self.main_at, self.text, 4),
            (&self.small, self.small_at, self.accent, 9),
        ] {
            let k = phase(delay);
            let alpha = (k * exit) as f32;
            match self.motion {
                CardMotion::Rise => {
                    let y = at.1 + ((1.0 - k) * self.rise).round() as i64;
                    super::text::draw_flat_yuv(&mut frame, mask, at.0, y, colour, alpha);
                }
                CardMotion::Scale if k < 1.0 => {
                    // Grown about its own centre.
                    let grown = mask.scaled((0.85 + 0.15 * k) as f32);
                    let x = at.0 + (i64::from(mask.width()) - i64::from(grown.width())) / 2;
                    let y = at.1 + (i64::from(mask.height()) - i64::from(grown.height())) / 2;
                    super::text::draw_flat_yuv(&mut frame, &grown, x, y, colour, alpha);
                }
                CardMotion::Fade | CardMotion::Scale => {
                    super::text::draw_flat_yuv(&mut frame, mask, at.0, at.1, colour, alpha);
                }
            }
        }
        frame
    }
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
        let kit = brand_co();
        assert_eq!((kit.gutter, kit.radius), (8, 14));
        // A hand-edited kit asking for walls that are mostly gutter, or with fields Chorus
        // does not know, is refused with a sentence.
        for (wall, why) in [
            (r#"{"gutter": 500, "radius": 0}"#, "at most 60"),
            (r#"{"gutter": 8, "radius": 9999}"#, "at most 60 and 120"),
            (
                r#"{"gutter": 8, "radius": 4, "shadow": 2}"#,
                "unknown field",
            ),
            (r#"{"gutter": -1, "radius": 4}"#, "not a brand kit"),
        ] {
            let json = format!(
                r##"{{"tagline":"x","colours":{{"primary":"#000000","accent":"#ffffff","text":"#ffffff"}},"wall":{wall}}}"##
            );
            let e = parse(
                &json,
                None,
                (None, None),
                Path::new("brand.json"),
                "B".into(),
            )
            .unwrap_err()
            .to_string();
            assert!(e.contains(why), "{wall}: {e}");
        }
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
            (None, None),
            Path::new("b.json"),
            "B".into(),
        );
        assert!(bad.unwrap_err().to_string().contains("primary"));
    }

    /// The built-in kit under the name "BrandCo".
    fn brand_co() -> BrandKit {
        parse(
            DEFAULT_KIT,
            Some(DEFAULT_LOGO.to_vec()),
            (None, None),
            Path::new("brand.json"),
            "BrandCo".into(),
        )
        .unwrap()
    }

    #[test]
    fn each_card_motion_moves_the_way_it_is_named() {
        let kit = brand_co();
        let insets = super::super::layout::Insets::plain(640, 360);
        let card = |m: CardMotion| {
            Card::new(
                &kit,
                640,
                360,
                insets,
                "BrandCo",
                "Made by our customers",
                true,
            )
            .unwrap()
            .moving(m)
        };
        // The main line's box (left, top, right, bottom) in frame `f` of a 3 s intro:
        // pixels that differ from the card's colour, between the logo and the small line.
        let line_box = |c: &Card, f: u64| {
            let img = c.frame(f, 90).to_rgb().unwrap();
            let logo_bottom = c.logo_top + c.logo.as_ref().map_or(0, |l| i64::from(l.height()));
            let rows = logo_bottom.max(0) as u32..c.small_at.1.max(0) as u32;
            let mut b = (u32::MAX, u32::MAX, 0, 0);
            for (x, y, p) in img.enumerate_pixels() {
                let off: u32 =
                    p.0.iter()
                        .zip(kit.primary)
                        .map(|(a, b)| u32::from(a.abs_diff(b)))
                        .sum();
                if rows.contains(&y) && off > 90 {
                    b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
                }
            }
            b
        };
        let (rise, fade, scale) = (
            card(CardMotion::Rise),
            card(CardMotion::Fade),
            card(CardMotion::Scale),
        );
        // Settled, the three cards are one.
        let settled = line_box(&fade, 45);
        assert!(settled.2 > settled.0 + 40, "the line is drawn: {settled:?}");
        for (c, name) in [(&rise, "rise"), (&scale, "scale")] {
            let b = line_box(c, 45);
            assert!(
                [
                    b.0.abs_diff(settled.0),
                    b.1.abs_diff(settled.1),
                    b.2.abs_diff(settled.2)
                ]
                .iter()
                .all(|d| *d <= 1),
                "{name} settles at {b:?}, fade at {settled:?}"
            );
        }
        // A fifth of the way into the line's entrance: risen from below, faded in where
        // it stands, grown from smaller about its centre.
        let (r, f, s) = (line_box(&rise, 6), line_box(&fade, 6), line_box(&scale, 6));
        assert!(r.1 >= settled.1 + 4, "rise {r:?} vs {settled:?}");
        assert!(
            f.0.abs_diff(settled.0) <= 1 && f.1.abs_diff(settled.1) <= 1,
            "fade {f:?} vs {settled:?}"
        );
        let (w, sw) = (settled.2 - settled.0, s.2 - s.0);
        assert!(sw + 4 <= w, "scale {s:?} vs {settled:?}");
        let (mid, smid) = (settled.0 + settled.2, s.0 + s.2);
        assert!(
            mid.abs_diff(smid) <= 2,
            "scaled about its centre: {s:?} vs {settled:?}"
        );
    }

    #[test]
    fn a_card_has_the_brand_colour_and_the_logo() {
        let kit = brand_co();
        let c = card(&kit, 640, 360, "BrandCo", "Made by our customers");
        // Composed in YUV like every frame: the colour within a level of the kit's.
        let corner = c.get_pixel(5, 5).0;
        assert!(
            corner
                .iter()
                .zip(kit.primary)
                .all(|(a, b)| a.abs_diff(b) <= 2),
            "{corner:?} vs {:?}",
            kit.primary
        );
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
