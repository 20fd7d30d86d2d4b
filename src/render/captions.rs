//! Captions burned into the picture: each cue shaped once (the brand's body font, any
//! script), drawn centred over a soft dark box in the lower part of the title-safe area
//! (above the credit line) on the frames it spans.

use image::GrayImage;

use super::brand::BrandKit;
use super::text::{self, Mask, Style};
use super::yuv::{self, Yuv};
use crate::piece::captions::Cue;
use crate::piece::FPS;

pub struct Burner {
    /// [from, to) output frames, the text, and where its box sits.
    cues: Vec<(u64, u64, Mask, (i64, i64))>,
    colour: [u8; 3],
    padding: u32,
}

impl Burner {
    pub fn new(cues: &[Cue], kit: &BrandKit, width: u32, height: u32) -> Burner {
        let px = height.min(width) as f32 * 0.05;
        let padding = (px * 0.35) as u32;
        // Title-safe: 10% in from the sides; the box ends 14% above the bottom, clear of
        // the credit line.
        let max_w = width as f32 * 0.8;
        let bottom = i64::from(height) * 86 / 100;
        let frame = |ms: u64| (ms * FPS + 500) / 1000;
        let cues = cues
            .iter()
            .map(|c| {
                let mask = text::rasterise_styled(
                    &c.text,
                    px,
                    Style {
                        family: kit.body_font.as_deref(),
                        bold: kit.body_font.is_none(),
                        wrap_width: Some(max_w),
                    },
                );
                let x = (i64::from(width) - i64::from(mask.width())) / 2;
                let y = bottom - i64::from(mask.height()) - i64::from(padding);
                (frame(c.start_ms), frame(c.end_ms), mask, (x, y))
            })
            .collect();
        Burner {
            cues,
            colour: kit.text,
            padding,
        }
    }

    /// Draws the cues showing at output frame `f`.
    pub fn draw(&self, frame: &mut Yuv, f: u64) {
        for (from, to, mask, (x, y)) in &self.cues {
            if (*from..*to).contains(&f) {
                let p = self.padding;
                let plate = GrayImage::from_pixel(
                    mask.width() + 2 * p,
                    mask.height() + 2 * p,
                    image::Luma([255]),
                );
                frame.blend(&plate, x - i64::from(p), y - i64::from(p), yuv::BLACK, 0.55);
                text::draw_flat_yuv(frame, mask, *x, *y, self.colour, 1.0);
            }
        }
    }
}
