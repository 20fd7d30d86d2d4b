//! Text on frames (credit lines, cards, captions). cosmic-text shapes and lays it out
//! (HarfRust shaping, bidirectional text, per-script font fallback), swash rasterises the
//! glyphs into a coverage mask (colour emoji into a colour layer), then frames blend it.
//! Fonts: the brand kit's own first, then the system's (Noto, installed by
//! `scripts/bootstrap.sh`), then the built-in DejaVu Sans Bold, so there is always a face.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use cosmic_text::{
    fontdb, Align, Attrs, Buffer, Fallback, Family, FontSystem, Metrics, PlatformFallback, Shaping,
    SwashCache, SwashContent, Weight, Wrap,
};
use image::{GrayImage, RgbImage, RgbaImage};

use super::yuv::{self, Yuv};

const FALLBACK_FONT: &[u8] = include_bytes!("../../assets/brand/fonts/DejaVuSans-Bold.ttf");
/// Sans-serif families in order of preference when the brand sets none.
const SANS: &[&str] = &["Noto Sans", "DejaVu Sans"];

/// The process's fonts: scanned once (it takes a moment), shared by every render.
struct Fonts {
    system: FontSystem,
    cache: SwashCache,
    /// Brand fonts already loaded, by the blake3 of their bytes: their family name.
    loaded: HashMap<[u8; 32], String>,
    sans: String,
}

/// The platform's per-script fallbacks, but emoji from the colour emoji font before any
/// text font that happens to hold monochrome copies of them (DejaVu Sans does).
struct ColourEmojiFirst;

impl Fallback for ColourEmojiFirst {
    fn common_fallback(&self) -> &[&'static str] {
        &[
            "Noto Color Emoji",
            "Noto Sans",
            "DejaVu Sans",
            "Noto Sans Symbols",
            "Noto Sans Symbols2",
        ]
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[]
    }

    fn script_fallback(&self, script: unicode_script::Script, locale: &str) -> &[&'static str] {
        PlatformFallback.script_fallback(script, locale)
    }
}

fn fonts() -> &'static Mutex<Fonts> {
    static FONTS: OnceLock<Mutex<Fonts>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db.load_font_data(FALLBACK_FONT.to_vec());
        // A fixed locale: a render must not change with the machine's language.
        let system =
            FontSystem::new_with_locale_and_db_and_fallback("en-US".into(), db, ColourEmojiFirst);
        let sans = SANS
            .iter()
            .find(|f| {
                system
                    .db()
                    .faces()
                    .any(|face| face.families.iter().any(|(name, _)| name == *f))
            })
            .map_or_else(|| "DejaVu Sans".to_string(), |f| f.to_string());
        Mutex::new(Fonts {
            system,
            cache: SwashCache::new(),
            loaded: HashMap::new(),
            sans,
        })
    })
}

/// Scans the system's fonts now (once per process) rather than at the first text drawn.
pub fn warm() {
    let _ = fonts();
}

/// Adds a brand's font file (TrueType or OpenType) and returns its family name.
pub fn load_font(bytes: &[u8]) -> Result<String, String> {
    let key = *blake3::hash(bytes).as_bytes();
    let mut f = fonts().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(family) = f.loaded.get(&key) {
        return Ok(family.clone());
    }
    let before: Vec<_> = f.system.db().faces().map(|face| face.id).collect();
    f.system.db_mut().load_font_data(bytes.to_vec());
    let family = f
        .system
        .db()
        .faces()
        .find(|face| !before.contains(&face.id))
        .and_then(|face| face.families.first().map(|(name, _)| name.clone()))
        .ok_or_else(|| "not a TrueType or OpenType font".to_string())?;
    f.loaded.insert(key, family.clone());
    Ok(family)
}

/// Which face to set text in: a family (the brand's; `None` for the default sans) and
/// whether bold.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style<'a> {
    pub family: Option<&'a str>,
    pub bold: bool,
    /// Wrap at words to this width, lines centred; `None` for one line per paragraph.
    pub wrap_width: Option<f32>,
}

/// A line (or lines) of text rasterised at one size: coverage 0–255 per pixel, colour
/// glyphs (emoji) in their own layer, and how many characters no font could show.
pub struct Mask {
    pub image: GrayImage,
    pub colour: Option<RgbaImage>,
    /// The colour layer's coverage, for its shadow (made once: credits draw every frame).
    colour_alpha: Option<GrayImage>,
    pub missing: usize,
}

impl Mask {
    /// The same text drawn `factor` times as large (a card's line growing into place).
    pub fn scaled(&self, factor: f32) -> Mask {
        use image::imageops::{resize, FilterType};
        let size = |w: u32, h: u32| {
            let f = |v: u32| ((v as f32 * factor).round() as u32).max(1);
            (f(w), f(h))
        };
        let (w, h) = size(self.image.width(), self.image.height());
        let colour = self.colour.as_ref().map(|c| {
            let (w, h) = size(c.width(), c.height());
            resize(c, w, h, FilterType::Triangle)
        });
        Mask {
            image: resize(&self.image, w, h, FilterType::Triangle),
            colour_alpha: colour.as_ref().map(|c| {
                GrayImage::from_fn(c.width(), c.height(), |x, y| {
                    image::Luma([c.get_pixel(x, y)[3]])
                })
            }),
            colour,
            missing: self.missing,
        }
    }
}

/// Bold sans text, as credits have always been set.
pub fn rasterise(text: &str, px: f32) -> Mask {
    rasterise_styled(
        text,
        px,
        Style {
            family: None,
            bold: true,
            wrap_width: None,
        },
    )
}

/// `text` shaped and rasterised at `px` pixels in `style`; lines split at newlines.
pub fn rasterise_styled(text: &str, px: f32, style: Style) -> Mask {
    let mut guard = fonts().lock().unwrap_or_else(|e| e.into_inner());
    let Fonts {
        system,
        cache,
        sans,
        ..
    } = &mut *guard;
    let px = px.max(1.0);
    let mut buffer = Buffer::new(system, Metrics::new(px, px * 1.25));
    buffer.set_wrap(if style.wrap_width.is_some() {
        Wrap::WordOrGlyph
    } else {
        Wrap::None
    });
    buffer.set_size(style.wrap_width, None);
    let family = style.family.unwrap_or(sans.as_str());
    let attrs = Attrs::new()
        .family(Family::Name(family))
        .weight(if style.bold {
            Weight::BOLD
        } else {
            Weight::NORMAL
        });
    let align = style.wrap_width.map(|_| Align::Center);
    // Emoji fonts come in one weight: asked for bold, fallback would pass the colour font
    // over for a text font's monochrome copies. Emoji runs are set at normal weight.
    let emoji_attrs = attrs.clone().weight(Weight::NORMAL);
    let spans = emoji_runs(text).into_iter().map(|(run, emoji)| {
        (
            run,
            if emoji {
                emoji_attrs.clone()
            } else {
                attrs.clone()
            },
        )
    });
    buffer.set_rich_text(spans, &attrs, Shaping::Advanced, align);
    buffer.shape_until_scroll(system, false);

    // The ink's horizontal extent (centred lines start inside the wrap width).
    let (mut left_x, mut right_x) = (f32::MAX, 0.0f32);
    let mut height = 0.0f32;
    let mut missing = 0;
    let mut glyphs = Vec::new();
    for run in buffer.layout_runs() {
        height = height.max(run.line_top + run.line_height);
        for g in run.glyphs {
            if g.glyph_id == 0 {
                missing += 1;
            }
            left_x = left_x.min(g.x);
            right_x = right_x.max(g.x + g.w);
            glyphs.push(g.physical((0.0, run.line_y), 1.0));
        }
    }
    let shift = if left_x == f32::MAX {
        0
    } else {
        left_x.floor() as i32
    };
    let width = (right_x - shift as f32).max(0.0);
    let (w, h) = (
        width.ceil().max(1.0) as u32 + 2,
        height.ceil().max(1.0) as u32 + 2,
    );
    let mut image = GrayImage::new(w, h);
    let mut colour: Option<RgbaImage> = None;
    for g in glyphs {
        let Some(img) = cache.get_image(system, g.cache_key).as_ref() else {
            continue;
        };
        let (left, top) = (g.x - shift + img.placement.left, g.y - img.placement.top);
        let (gw, gh) = (img.placement.width as i32, img.placement.height as i32);
        for dy in 0..gh {
            for dx in 0..gw {
                let (x, y) = (left + dx + 1, top + dy + 1);
                if x < 0 || y < 0 || x as u32 >= w || y as u32 >= h {
                    continue;
                }
                let i = (dy * gw + dx) as usize;
                match img.content {
                    SwashContent::Mask => {
                        let p = image.get_pixel_mut(x as u32, y as u32);
                        p.0[0] = p.0[0].max(img.data[i]);
                    }
                    SwashContent::Color => {
                        let c = &img.data[i * 4..i * 4 + 4];
                        let layer = colour.get_or_insert_with(|| RgbaImage::new(w, h));
                        let p = layer.get_pixel_mut(x as u32, y as u32);
                        if c[3] >= p.0[3] {
                            p.0 = [c[0], c[1], c[2], c[3]];
                        }
                    }
                    SwashContent::SubpixelMask => {
                        let c = &img.data[i * 4..i * 4 + 3];
                        let v = c.iter().copied().max().unwrap_or(0);
                        let p = image.get_pixel_mut(x as u32, y as u32);
                        p.0[0] = p.0[0].max(v);
                    }
                }
            }
        }
    }
    let colour_alpha = colour.as_ref().map(|c| {
        GrayImage::from_fn(c.width(), c.height(), |x, y| {
            image::Luma([c.get_pixel(x, y).0[3]])
        })
    });
    Mask {
        image,
        colour,
        colour_alpha,
        missing,
    }
}

/// Pictographs, flags, keycaps and the joiners and selectors that build emoji sequences.
fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
        | 0xFE0F | 0x200D | 0x20E3 | 0xE0020..=0xE007F)
}

/// `text` cut into runs of emoji and of everything else, in order.
fn emoji_runs(text: &str) -> Vec<(&str, bool)> {
    let mut runs: Vec<(&str, bool)> = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let e = is_emoji(c);
        if current.is_some_and(|k| k != e) {
            runs.push((&text[start..i], current.unwrap_or(false)));
            start = i;
        }
        current = Some(e);
    }
    if start < text.len() {
        runs.push((&text[start..], current.unwrap_or(false)));
    }
    runs
}

/// How many characters of `text` no installed font can show (they would be empty boxes).
pub fn missing_glyphs(text: &str) -> usize {
    rasterise(text, 24.0).missing
}

impl Mask {
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// How far the shadow falls, right and down.
    fn shadow(&self) -> i64 {
        (self.image.height() as i64 / 14).max(1)
    }
}

/// Blends `mask` in `rgb` colour onto `frame` with its top-left at (x, y), with a soft
/// dark shadow so it reads on any picture.
pub fn draw(frame: &mut RgbImage, mask: &Mask, x: i64, y: i64, rgb: [u8; 3]) {
    let shadow = mask.shadow();
    blend(frame, &mask.image, x + shadow, y + shadow, [0, 0, 0], 0.6);
    if let Some(cov) = &mask.colour_alpha {
        blend(frame, cov, x + shadow, y + shadow, [0, 0, 0], 0.6);
    }
    blend(frame, &mask.image, x, y, rgb, 1.0);
    if let Some(layer) = &mask.colour {
        blend_rgba(frame, layer, x, y, 1.0);
    }
}

/// `draw` on a video frame, at `strength` (for text fading in and out).
pub fn draw_yuv(frame: &mut Yuv, mask: &Mask, x: i64, y: i64, rgb: [u8; 3], strength: f32) {
    let shadow = mask.shadow();
    frame.blend(
        &mask.image,
        x + shadow,
        y + shadow,
        yuv::BLACK,
        0.6 * strength,
    );
    if let Some(cov) = &mask.colour_alpha {
        frame.blend(cov, x + shadow, y + shadow, yuv::BLACK, 0.6 * strength);
    }
    frame.blend(&mask.image, x, y, yuv::colour(rgb), strength);
    if let Some(layer) = &mask.colour {
        frame.blend_rgba(layer, x, y, strength);
    }
}

/// `draw_yuv` without the shadow: text on a flat card needs none.
pub fn draw_flat_yuv(frame: &mut Yuv, mask: &Mask, x: i64, y: i64, rgb: [u8; 3], strength: f32) {
    frame.blend(&mask.image, x, y, yuv::colour(rgb), strength);
    if let Some(layer) = &mask.colour {
        frame.blend_rgba(layer, x, y, strength);
    }
}

fn blend(frame: &mut RgbImage, mask: &GrayImage, x: i64, y: i64, rgb: [u8; 3], strength: f32) {
    let (fw, fh) = (frame.width() as i64, frame.height() as i64);
    for (mx, my, cov) in mask.enumerate_pixels() {
        let a = f32::from(cov.0[0]) / 255.0 * strength;
        if a <= 0.0 {
            continue;
        }
        let (tx, ty) = (x + i64::from(mx), y + i64::from(my));
        if tx < 0 || ty < 0 || tx >= fw || ty >= fh {
            continue;
        }
        let p = frame.get_pixel_mut(tx as u32, ty as u32);
        for (v, target) in p.0.iter_mut().zip(rgb) {
            *v = (f32::from(*v) * (1.0 - a) + f32::from(target) * a).round() as u8;
        }
    }
}

/// Blends an RGBA image (straight alpha) onto `frame` at (x, y).
pub fn blend_rgba(frame: &mut RgbImage, layer: &RgbaImage, x: i64, y: i64, strength: f32) {
    let (fw, fh) = (frame.width() as i64, frame.height() as i64);
    for (mx, my, p) in layer.enumerate_pixels() {
        let a = f32::from(p.0[3]) / 255.0 * strength;
        if a <= 0.0 {
            continue;
        }
        let (tx, ty) = (x + i64::from(mx), y + i64::from(my));
        if tx < 0 || ty < 0 || tx >= fw || ty >= fh {
            continue;
        }
        let q = frame.get_pixel_mut(tx as u32, ty as u32);
        for c in 0..3 {
            q.0[c] = (f32::from(q.0[c]) * (1.0 - a) + f32::from(p.0[c]) * a).round() as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_ink_and_lands_where_asked() {
        let mask = rasterise("@ana.surfs", 40.0);
        assert!(mask.width() > 150 && mask.height() >= 40);
        assert!(mask.image.pixels().filter(|p| p.0[0] > 200).count() > 200);
        assert_eq!(mask.missing, 0);
        let mut frame = RgbImage::new(400, 100);
        draw(&mut frame, &mask, 10, 10, [255, 255, 255]);
        let lit = frame.pixels().filter(|p| p.0[0] > 200).count();
        assert!(lit > 200);
        assert!(
            frame.get_pixel(399, 99).0 == [0, 0, 0],
            "nothing outside the text box"
        );
    }

    #[test]
    fn a_font_file_that_is_not_a_font_is_refused() {
        assert!(load_font(b"not a font at all").is_err());
        assert_eq!(load_font(FALLBACK_FONT).unwrap(), "DejaVu Sans");
    }
}
