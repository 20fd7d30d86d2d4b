//! Text on frames (credit lines, cards): glyphs rasterised once into a coverage mask with
//! ab_glyph, then blended per frame. The font ships in the brand kit with its licence.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use image::{GrayImage, RgbImage};

use super::yuv::{self, Yuv};

const FONT: &[u8] = include_bytes!("../../assets/brand/fonts/DejaVuSans-Bold.ttf");

/// A line of text rasterised at one size: coverage 0–255 per pixel.
pub struct Mask {
    pub image: GrayImage,
}

pub fn rasterise(text: &str, px: f32) -> Mask {
    // The font is compiled in and known to parse; an empty mask is the safe fallback.
    let Ok(font) = FontRef::try_from_slice(FONT) else {
        return Mask {
            image: GrayImage::new(1, 1),
        };
    };
    let scaled = font.as_scaled(PxScale::from(px));
    let mut x = 0.0f32;
    let mut glyphs = Vec::new();
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(PxScale::from(px), point(x, scaled.ascent())));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    let width = x.ceil().max(1.0) as u32 + 2;
    let height = (scaled.ascent() - scaled.descent()).ceil().max(1.0) as u32 + 2;
    let mut image = GrayImage::new(width, height);
    for g in glyphs {
        if let Some(outlined) = font.outline_glyph(g) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, c| {
                let (px_, py_) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if px_ >= 0 && py_ >= 0 && (px_ as u32) < width && (py_ as u32) < height {
                    let p = image.get_pixel_mut(px_ as u32, py_ as u32);
                    p.0[0] = p.0[0].max((c * 255.0) as u8);
                }
            });
        }
    }
    Mask { image }
}

/// Blends `mask` in `rgb` colour onto `frame` with its top-left at (x, y), with a soft
/// dark shadow so it reads on any picture.
pub fn draw(frame: &mut RgbImage, mask: &Mask, x: i64, y: i64, rgb: [u8; 3]) {
    let shadow = mask.shadow();
    blend(frame, mask, x + shadow, y + shadow, [0, 0, 0], 0.6);
    blend(frame, mask, x, y, rgb, 1.0);
}

/// `draw` on a video frame.
pub fn draw_yuv(frame: &mut Yuv, mask: &Mask, x: i64, y: i64, rgb: [u8; 3]) {
    let shadow = mask.shadow();
    frame.blend(&mask.image, x + shadow, y + shadow, yuv::BLACK, 0.6);
    frame.blend(&mask.image, x, y, yuv::colour(rgb), 1.0);
}

impl Mask {
    /// How far the shadow falls, right and down.
    fn shadow(&self) -> i64 {
        (self.image.height() as i64 / 14).max(1)
    }
}

fn blend(frame: &mut RgbImage, mask: &Mask, x: i64, y: i64, rgb: [u8; 3], strength: f32) {
    let (fw, fh) = (frame.width() as i64, frame.height() as i64);
    for (mx, my, cov) in mask.image.enumerate_pixels() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_ink_and_lands_where_asked() {
        let mask = rasterise("@ana.surfs", 40.0);
        assert!(mask.image.width() > 150 && mask.image.height() >= 40);
        assert!(mask.image.pixels().filter(|p| p.0[0] > 200).count() > 200);
        let mut frame = RgbImage::new(400, 100);
        draw(&mut frame, &mask, 10, 10, [255, 255, 255]);
        let lit = frame.pixels().filter(|p| p.0[0] > 200).count();
        assert!(lit > 200);
        assert!(
            frame.get_pixel(399, 99).0 == [0, 0, 0],
            "nothing outside the text box"
        );
    }
}
