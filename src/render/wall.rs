//! The wall's layout: where each picture of a mosaic goes. Every picture gets a cell and
//! no cell is left empty, whatever the count: pictures sit in rows whose counts differ
//! by at most one, each row split evenly ("justified rows"), with the number of rows that
//! keeps cells nearest a slightly landscape shape. `Tiled` gives the first picture a
//! feature cell (the left of a landscape frame, the top of a tall one) and lays the rest
//! beside it the same way. Gutters separate cells and frame the wall.

use crate::piece::Layout;

/// A cell in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// The brand band's height on a wall: a ninth of the frame, in a row of its own.
pub fn band_height(height: u32) -> u32 {
    height / 9
}

/// A `width`×`height` wall's cells for `n` pictures with the brand kit's gutter (pixels of
/// a 1080-pixel-tall frame): above the brand band when the wall has one, so the band
/// never covers a picture.
pub fn wall(
    n: usize,
    layout: Layout,
    width: u32,
    height: u32,
    kit_gutter: u32,
    band: bool,
) -> Vec<Cell> {
    let area_h = match band {
        true => height - band_height(height),
        false => height,
    };
    cells(n, layout, width, area_h, scaled(kit_gutter, height))
}

/// A brand kit's wall measure (pixels of a 1080-pixel-tall frame) at `height`.
pub fn scaled(px: u32, height: u32) -> u32 {
    (u64::from(px) * u64::from(height) / 1080) as u32
}

/// The shape cells aim for: a little wider than tall, between phone photos' 4:3 and 3:4
/// and clips' 16:9, so a crop keeps most of either.
const TARGET_ASPECT: f64 = 1.2;

/// Cells for `n` pictures in a `width`×`height` area, `gutter` pixels apart and from the
/// edges.
pub fn cells(n: usize, layout: Layout, width: u32, height: u32, gutter: u32) -> Vec<Cell> {
    if n == 0 {
        return Vec::new();
    }
    let area = Cell {
        x: 0,
        y: 0,
        w: width,
        h: height,
    };
    let raw = match layout {
        Layout::Tiled if n >= 3 => {
            let (feature, rest) = split_feature(area);
            let mut all = vec![feature];
            all.extend(rows(n - 1, rest));
            all
        }
        _ => rows(n, area),
    };
    raw.into_iter().map(|c| inset(c, gutter, area)).collect()
}

/// The feature cell and the area left for the others: square where it fits, never more
/// than 60% of the long side.
fn split_feature(a: Cell) -> (Cell, Cell) {
    if a.w >= a.h {
        let fw = a.h.min(a.w * 3 / 5);
        (
            Cell { w: fw, ..a },
            Cell {
                x: a.x + fw,
                w: a.w - fw,
                ..a
            },
        )
    } else {
        let fh = a.w.min(a.h * 3 / 5);
        (
            Cell { h: fh, ..a },
            Cell {
                y: a.y + fh,
                h: a.h - fh,
                ..a
            },
        )
    }
}

/// `n` cells in justified rows filling `a` exactly.
fn rows(n: usize, a: Cell) -> Vec<Cell> {
    let counts = |r: usize| -> Vec<usize> {
        // The longer rows go last, under the eye's starting point.
        (0..r)
            .map(|i| n / r + usize::from(i >= r - n % r))
            .collect()
    };
    let score = |r: usize| -> f64 {
        let row_h = f64::from(a.h) / r as f64;
        counts(r)
            .iter()
            .map(|&c| {
                let aspect = f64::from(a.w) / c as f64 / row_h;
                c as f64 * (aspect / TARGET_ASPECT).ln().abs()
            })
            .sum()
    };
    let best = (1..=n)
        .min_by(|&x, &y| score(x).total_cmp(&score(y)))
        .unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    let mut y = a.y;
    for (i, &c) in counts(best).iter().enumerate() {
        // Edges from rounded fractions, so the cells meet with no seam or overlap.
        let y_end = a.y + (u64::from(a.h) * (i as u64 + 1) / best as u64) as u32;
        let mut x = a.x;
        for j in 0..c {
            let x_end = a.x + (u64::from(a.w) * (j as u64 + 1) / c as u64) as u32;
            out.push(Cell {
                x,
                y,
                w: x_end - x,
                h: y_end - y,
            });
            x = x_end;
        }
        y = y_end;
    }
    out
}

/// Half a gutter off each side of a cell, a whole one where it meets the area's edge.
fn inset(c: Cell, gutter: u32, area: Cell) -> Cell {
    let half = gutter / 2;
    let side = |at_edge: bool| if at_edge { gutter } else { half };
    let left = side(c.x == area.x);
    let top = side(c.y == area.y);
    let right = side(c.x + c.w == area.x + area.w);
    let bottom = side(c.y + c.h == area.y + area.h);
    Cell {
        x: c.x + left,
        y: c.y + top,
        w: c.w.saturating_sub(left + right).max(1),
        h: c.h.saturating_sub(top + bottom).max(1),
    }
}

/// Rounds a tile's corners into `background`, anti-aliased over the edge pixel.
pub fn round_corners(tile: &mut image::RgbImage, radius: u32, background: [u8; 3]) {
    let (w, h) = tile.dimensions();
    let r = radius.min(w / 2).min(h / 2);
    if r == 0 {
        return;
    }
    let rf = f64::from(r);
    for y in 0..r {
        for x in 0..r {
            // Distance of the pixel's centre from the corner circle's centre.
            let (dx, dy) = (rf - f64::from(x) - 0.5, rf - f64::from(y) - 0.5);
            let cover = (rf - (dx * dx + dy * dy).sqrt() + 0.5).clamp(0.0, 1.0);
            if cover >= 1.0 {
                continue;
            }
            for (px, py) in [
                (x, y),
                (w - 1 - x, y),
                (x, h - 1 - y),
                (w - 1 - x, h - 1 - y),
            ] {
                let p = tile.get_pixel_mut(px, py);
                for (v, b) in p.0.iter_mut().zip(background) {
                    *v = (f64::from(*v) * cover + f64::from(b) * (1.0 - cover)).round() as u8;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(cells: &[Cell]) -> u64 {
        cells.iter().map(|c| u64::from(c.w) * u64::from(c.h)).sum()
    }

    #[test]
    fn every_count_fills_the_frame_with_no_empty_cell_and_no_overlap() {
        for (w, h) in [(1920, 960), (1080, 1080), (1080, 1920), (1080, 1230)] {
            for layout in [Layout::Grid, Layout::Tiled] {
                for n in 1..=24 {
                    let cells = cells(n, layout, w, h, 0);
                    assert_eq!(cells.len(), n);
                    // With no gutter the cells tile the area exactly.
                    assert_eq!(
                        covered(&cells),
                        u64::from(w) * u64::from(h),
                        "{n} {layout:?} {w}x{h}"
                    );
                    for (i, a) in cells.iter().enumerate() {
                        assert!(a.x + a.w <= w && a.y + a.h <= h);
                        for b in &cells[i + 1..] {
                            let apart = a.x + a.w <= b.x
                                || b.x + b.w <= a.x
                                || a.y + a.h <= b.y
                                || b.y + b.h <= a.y;
                            assert!(apart, "{a:?} overlaps {b:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn seven_photos_on_a_wide_wall_are_two_rows_of_three_and_four() {
        let c = cells(7, Layout::Grid, 1920, 960, 0);
        let ys: Vec<u32> = c.iter().map(|c| c.y).collect();
        assert_eq!(ys, [0, 0, 0, 480, 480, 480, 480]);
        assert_eq!((c[0].w, c[3].w), (640, 480));
        // Tiled: the first is a square feature at the left.
        let t = cells(4, Layout::Tiled, 1920, 960, 0);
        assert_eq!(
            t[0],
            Cell {
                x: 0,
                y: 0,
                w: 960,
                h: 960
            }
        );
        assert!(t[1..].iter().all(|c| c.x >= 960));
    }

    #[test]
    fn gutters_separate_cells_and_frame_the_wall() {
        let c = cells(4, Layout::Grid, 1000, 600, 10);
        assert_eq!((c[0].x, c[0].y), (10, 10));
        assert_eq!(c[1].x - (c[0].x + c[0].w), 10, "{c:?}");
        assert_eq!(1000 - (c[1].x + c[1].w), 10);
    }

    #[test]
    fn corners_round_into_the_background() {
        let mut t = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 10, 10]));
        round_corners(&mut t, 10, [0, 0, 255]);
        assert_eq!(t.get_pixel(0, 0).0, [0, 0, 255]);
        assert_eq!(t.get_pixel(39, 29).0, [0, 0, 255]);
        assert_eq!(t.get_pixel(20, 15).0, [200, 10, 10]);
        assert_eq!(t.get_pixel(10, 0).0, [200, 10, 10]);
    }
}
