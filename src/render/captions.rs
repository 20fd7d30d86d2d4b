//! Captions burned into the picture: each cue shaped once (the brand's body font, any
//! script), drawn centred over a soft dark box in the lower part of the safe area (above
//! the credit line, clear of a platform's buttons and caption) on the frames it spans.

use image::GrayImage;

use super::brand::BrandKit;
use super::layout::Insets;
use super::text::{self, Mask, Style};
use super::yuv::{self, Yuv};
use crate::piece::captions;

pub struct Burner {
    cues: Vec<Cue>,
    colour: [u8; 3],
}

/// A cue ready to draw: its `[from, to)` output frames, its text and where it goes, and
/// the box behind it (made once, not per frame).
struct Cue {
    from: u64,
    to: u64,
    text: Mask,
    at: (i64, i64),
    plate: GrayImage,
    plate_at: (i64, i64),
}

impl Burner {
    pub fn new(
        cues: &[captions::Cue],
        kit: &BrandKit,
        width: u32,
        height: u32,
        insets: Insets,
    ) -> Burner {
        let px = height.min(width) as f32 * 0.05;
        let padding = (px * 0.35) as u32;
        // At most 80% of the width and inside the safe area; the box ends a tenth of the
        // height above the safe area's floor, where the credit line sits.
        let max_w =
            (width as f32 * 0.8).min((insets.inner_width() - 2 * i64::from(padding)) as f32);
        let bottom = insets.floor() - i64::from(height) / 10;
        let frame = crate::piece::frames;
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
                let x = insets.centre_x(mask.width());
                let y = bottom - i64::from(mask.height()) - i64::from(padding);
                let p = i64::from(padding);
                Cue {
                    from: frame(c.start_ms),
                    to: frame(c.end_ms),
                    plate: GrayImage::from_pixel(
                        mask.width() + 2 * padding,
                        mask.height() + 2 * padding,
                        image::Luma([255]),
                    ),
                    plate_at: (x - p, y - p),
                    text: mask,
                    at: (x, y),
                }
            })
            .collect();
        Burner {
            cues,
            colour: kit.text,
        }
    }

    /// Draws the cues showing at output frame `f`.
    pub fn draw(&self, frame: &mut Yuv, f: u64) {
        for c in self.cues.iter().filter(|c| (c.from..c.to).contains(&f)) {
            frame.blend(&c.plate, c.plate_at.0, c.plate_at.1, yuv::BLACK, 0.55);
            text::draw_flat_yuv(frame, &c.text, c.at.0, c.at.1, self.colour, 1.0);
        }
    }
}
