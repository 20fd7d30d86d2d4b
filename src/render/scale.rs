//! Picture resizes through FFmpeg's swscale (SIMD code paths), with one scaler kept per
//! size pair and thread: the compositor's resizes were most of a frame's cost in the
//! generic `image` code (see BENCHMARKS.md, render vs the ffmpeg CLI).

use std::cell::RefCell;
use std::collections::HashMap;

use ff::format::Pixel;
use ff::software::scaling;
use ff::util::frame;
use ffmpeg_next as ff;
use image::RgbImage;

type Key = (u32, u32, u32, u32);

thread_local! {
    static SCALERS: RefCell<HashMap<Key, scaling::Context>> = RefCell::new(HashMap::new());
}

/// `img` resized to `w`×`h`: area averaging when shrinking (clean, no aliasing),
/// bilinear when growing. Falls back to `image`'s resize if swscale refuses the sizes.
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
    if sw == 0 || sh == 0 || w == 0 || h == 0 {
        return None;
    }
    let mut src = frame::Video::new(Pixel::RGB24, sw, sh);
    let stride = src.stride(0);
    let row = sw as usize * 3;
    {
        let data = src.data_mut(0);
        for (y, line) in img.as_raw().chunks_exact(row).enumerate() {
            data[y * stride..y * stride + row].copy_from_slice(line);
        }
    }
    let mut dst = frame::Video::empty();
    let flags = if w <= sw && h <= sh {
        scaling::Flags::AREA
    } else {
        scaling::Flags::BILINEAR
    };
    let ok = SCALERS.with(|cell| {
        let mut map = cell.borrow_mut();
        if !map.contains_key(&(sw, sh, w, h)) {
            // A long render meets a handful of sizes; a very mixed one should not hoard.
            if map.len() > 32 {
                map.clear();
            }
            let ctx =
                scaling::Context::get(Pixel::RGB24, sw, sh, Pixel::RGB24, w, h, flags).ok()?;
            map.insert((sw, sh, w, h), ctx);
        }
        map.get_mut(&(sw, sh, w, h))?.run(&src, &mut dst).ok()
    });
    ok?;
    let out_stride = dst.stride(0);
    let out_row = w as usize * 3;
    let mut buf = Vec::with_capacity(out_row * h as usize);
    let data = dst.data(0);
    for y in 0..h as usize {
        buf.extend_from_slice(&data[y * out_stride..y * out_stride + out_row]);
    }
    RgbImage::from_raw(w, h, buf)
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
