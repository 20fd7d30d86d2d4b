//! Where Chorus's own text and logo may go in a frame: inside the platform's safe area
//! (clear of its buttons and captions), and never nearer an edge than the title-safe
//! margin, a 25th of the height.

use crate::platform::SafeArea;

/// Pixels kept clear at each edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insets {
    pub left: i64,
    pub top: i64,
    pub right: i64,
    pub bottom: i64,
    width: i64,
    height: i64,
}

impl Insets {
    pub fn new(width: u32, height: u32, safe: SafeArea) -> Insets {
        let margin = i64::from(height / 25);
        // A hand-edited or absurd area still leaves the middle of the frame.
        let px =
            |f: f32, side: u32| ((f.clamp(0.0, 0.45) * side as f32).round() as i64).max(margin);
        Insets {
            left: px(safe.left, width),
            top: px(safe.top, height),
            right: px(safe.right, width),
            bottom: px(safe.bottom, height),
            width: i64::from(width),
            height: i64::from(height),
        }
    }

    /// The title-safe margin alone (no platform).
    pub fn plain(width: u32, height: u32) -> Insets {
        Insets::new(width, height, SafeArea::default())
    }

    pub fn inner_width(&self) -> i64 {
        self.width - self.left - self.right
    }

    pub fn inner_height(&self) -> i64 {
        self.height - self.top - self.bottom
    }

    /// The y of the safe area's bottom edge.
    pub fn floor(&self) -> i64 {
        self.height - self.bottom
    }

    /// The x at which something `w` wide is centred in the safe area.
    pub fn centre_x(&self, w: u32) -> i64 {
        self.left + (self.inner_width() - i64::from(w)) / 2
    }

    /// Whether a `w`×`h` box at (`x`, `y`) lies inside the safe area.
    pub fn holds(&self, x: i64, y: i64, w: u32, h: u32) -> bool {
        x >= self.left
            && y >= self.top
            && x + i64::from(w) <= self.width - self.right
            && y + i64::from(h) <= self.floor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_is_a_floor_and_absurd_areas_are_clamped() {
        let plain = Insets::plain(1080, 1920);
        assert_eq!((plain.left, plain.bottom), (76, 76));
        let reels = Insets::new(
            1080,
            1920,
            SafeArea {
                top: 0.14,
                bottom: 0.35,
                left: 0.06,
                right: 0.06,
            },
        );
        assert_eq!((reels.top, reels.bottom, reels.left), (269, 672, 76));
        assert!(reels.holds(100, 300, 800, 900) && !reels.holds(100, 300, 800, 1000));
        let silly = Insets::new(
            100,
            100,
            SafeArea {
                top: 9.0,
                bottom: f32::NAN,
                left: -1.0,
                right: 0.5,
            },
        );
        assert!(silly.inner_height() > 0 && silly.inner_width() > 0);
    }
}
