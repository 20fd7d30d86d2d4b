//! Resizes and pixel-format conversions through FFmpeg's swscale (SIMD code paths), with
//! one scaler kept per (format, size) pair and thread: a render meets a handful of sizes
//! and makes thousands of frames with each.

use std::cell::RefCell;
use std::collections::HashMap;

use ff::format::Pixel;
use ff::software::scaling;
use ff::util::frame;
use ffmpeg_next as ff;
use image::RgbImage;

/// Source format and size, destination format and size, flags.
type Key = (i32, u32, u32, i32, u32, u32, i32);

fn format_id(p: Pixel) -> i32 {
    ff::ffi::AVPixelFormat::from(p) as i32
}

thread_local! {
    static SCALERS: RefCell<HashMap<Key, scaling::Context>> = RefCell::new(HashMap::new());
}

/// Area averaging when shrinking (clean, no aliasing), bilinear when growing.
pub fn flags_for(sw: u32, sh: u32, w: u32, h: u32) -> scaling::Flags {
    if w <= sw && h <= sh {
        scaling::Flags::AREA
    } else {
        scaling::Flags::BILINEAR
    }
}

/// Runs `f` with this thread's scaler for the conversion, made on first use; `None` if
/// swscale refuses the formats or sizes.
pub fn with_scaler<R>(
    (src, sw, sh): (Pixel, u32, u32),
    (dst, w, h): (Pixel, u32, u32),
    flags: scaling::Flags,
    f: impl FnOnce(&mut scaling::Context) -> R,
) -> Option<R> {
    if sw == 0 || sh == 0 || w == 0 || h == 0 {
        return None;
    }
    let key = (format_id(src), sw, sh, format_id(dst), w, h, flags.bits());
    SCALERS.with(|cell| {
        let mut map = cell.borrow_mut();
        if !map.contains_key(&key) {
            // A long render meets a handful of sizes; a very mixed one should not hoard.
            if map.len() > 64 {
                map.clear();
            }
            let mut ctx = scaling::Context::get(src, sw, sh, dst, w, h, flags).ok()?;
            // Between RGB and limited-range YUV: HD video's BT.709 coefficients.
            if (src == Pixel::RGB24) != (dst == Pixel::RGB24)
                && ![src, dst].contains(&Pixel::YUVJ420P)
            {
                crate::media::use_bt709(&mut ctx);
            }
            map.insert(key, ctx);
        }
        map.get_mut(&key).map(f)
    })
}

/// `img` resized to `w`×`h` (stills and mosaic tiles; video frames stay in YUV, see
/// `yuv`). Falls back to `image`'s resize if swscale refuses the sizes.
pub fn resize(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let (sw, sh) = img.dimensions();
    if (sw, sh) == (w, h) {
        return img.clone();
    }
    sws(img, w, h).unwrap_or_else(|| {
        image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle)
    })
}

fn sws(img: &RgbImage, w: u32, h: u32) -> Option<RgbImage> {
    let (sw, sh) = img.dimensions();
    let src = crate::media::image_to_frame(img);
    let mut dst = frame::Video::empty();
    with_scaler(
        (Pixel::RGB24, sw, sh),
        (Pixel::RGB24, w, h),
        flags_for(sw, sh, w, h),
        |ctx| ctx.run(&src, &mut dst).ok(),
    )??;
    Some(crate::media::frame_to_image(&dst))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resizes_both_ways_and_keeps_flat_colour() {
        crate::media::init_ffmpeg();
        let img = RgbImage::from_pixel(640, 360, image::Rgb([200, 100, 50]));
        for (w, h) in [(1920, 1080), (48, 27), (641, 359), (1, 1)] {
            let out = resize(&img, w, h);
            assert_eq!(out.dimensions(), (w, h));
            let p = out.get_pixel(w / 2, h / 2).0;
            assert!(
                p.iter()
                    .zip([200u8, 100, 50])
                    .all(|(a, b)| a.abs_diff(b) <= 2),
                "{w}×{h}: {p:?}"
            );
        }
        // Halves stay halves: a left-black, right-white picture keeps its edge in the middle.
        let mut split = RgbImage::new(200, 100);
        for (x, _, p) in split.enumerate_pixels_mut() {
            if x >= 100 {
                *p = image::Rgb([255, 255, 255]);
            }
        }
        let big = resize(&split, 800, 400);
        assert!(big.get_pixel(300, 200).0[0] < 10 && big.get_pixel(500, 200).0[0] > 245);
    }
}
