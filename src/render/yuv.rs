//! YUV 4:2:0 pictures and the compositing the renderer does on them.
//!
//! Video frames stay in the encoder's format from the decoder to x264, as in ffmpeg's own
//! filter graphs: half the bytes of RGB, every resize on swscale's SIMD paths, and no
//! colour conversion per frame (the RGB compositor this replaced spent most of a render
//! converting; see BENCHMARKS.md). Colours are BT.709 limited range (HD video's), and the
//! encoder tags them so; HDR sources arrive already tone-mapped (`media::ToSdr`). Every picture has an even width and height and everything placed on
//! one sits at even coordinates, so each chroma sample covers whole 2×2 blocks.

use ff::format::Pixel;
use ff::software::scaling;
use ff::util::frame;
use ffmpeg_next as ff;
use image::{GrayImage, RgbImage};

use super::{scale, RenderError};
use crate::piece::Fit;

/// A rectangle in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl Rect {
    pub fn of(w: u32, h: u32) -> Rect {
        Rect { x: 0, y: 0, w, h }
    }

    /// The middle `1/zoom` of a `w`×`h` picture.
    pub fn centre(w: u32, h: u32, zoom: f64) -> Rect {
        let (cw, ch) = (
            even((f64::from(w) / zoom).round() as u32).min(w),
            even((f64::from(h) / zoom).round() as u32).min(h),
        );
        Rect {
            x: ((w - cw) / 2) & !1,
            y: ((h - ch) / 2) & !1,
            w: cw,
            h: ch,
        }
    }

    /// Even origin and size, inside a `w`×`h` picture.
    fn within(self, w: u32, h: u32) -> Rect {
        let (x, y) = ((self.x & !1).min(w - 2), (self.y & !1).min(h - 2));
        Rect {
            x,
            y,
            w: even(self.w).min(w - x),
            h: even(self.h).min(h - y),
        }
    }
}

/// `v` rounded down to even, at least 2.
pub fn even(v: u32) -> u32 {
    (v & !1).max(2)
}

/// Black in limited range.
pub const BLACK: [u8; 3] = [16, 128, 128];

/// The YUV (BT.709, limited range) of an RGB colour, as swscale converts it.
pub fn colour(rgb: [u8; 3]) -> [u8; 3] {
    let [r, g, b] = rgb.map(f32::from);
    // Kr = 0.2126, Kb = 0.0722; luma scaled to 219 levels, chroma to 224.
    let y = 16.0 + (46.559 * r + 156.629 * g + 15.812 * b) / 255.0;
    let u = 128.0 + (-25.664 * r - 86.336 * g + 112.0 * b) / 255.0;
    let v = 128.0 + (112.0 * r - 101.730 * g - 10.270 * b) / 255.0;
    [y, u, v].map(|c| c.round().clamp(0.0, 255.0) as u8)
}

fn refused(what: &str, from: (u32, u32), to: (u32, u32)) -> RenderError {
    RenderError::Encode(format!(
        "swscale cannot {what} {}×{} to {}×{}",
        from.0, from.1, to.0, to.1
    ))
}

/// A YUV 4:2:0 picture with an even width and height; hands its frame to the encoder.
pub struct Yuv(frame::Video);

impl Clone for Yuv {
    fn clone(&self) -> Yuv {
        Yuv(self.0.clone())
    }
}

impl Yuv {
    /// A black picture; `w` and `h` are rounded down to even.
    pub fn new(w: u32, h: u32) -> Yuv {
        Yuv::filled(w, h, BLACK)
    }

    pub fn filled(w: u32, h: u32, c: [u8; 3]) -> Yuv {
        let mut pic = Yuv::uninit(w, h);
        for (p, v) in c.into_iter().enumerate() {
            pic.0.data_mut(p).fill(v);
        }
        pic
    }

    fn uninit(w: u32, h: u32) -> Yuv {
        Yuv(frame::Video::new(Pixel::YUV420P, even(w), even(h)))
    }

    pub fn width(&self) -> u32 {
        self.0.width()
    }

    pub fn height(&self) -> u32 {
        self.0.height()
    }

    pub fn into_frame(self) -> frame::Video {
        self.0
    }

    /// Width, height and stride of plane `p`.
    fn plane(&self, p: usize) -> (usize, usize, usize) {
        let sub = usize::from(p > 0);
        (
            self.width() as usize >> sub,
            self.height() as usize >> sub,
            self.0.stride(p),
        )
    }

    /// A decoded frame in any pixel format: taken as it is when already 4:2:0 with an even
    /// size (the usual case, no copy), converted otherwise.
    pub fn from_frame(f: frame::Video) -> Result<Yuv, RenderError> {
        let (w, h) = (f.width(), f.height());
        if f.format() == Pixel::YUV420P && w % 2 == 0 && h % 2 == 0 && w > 0 && h > 0 {
            return Ok(Yuv(f));
        }
        let mut out = Yuv::uninit(w, h);
        let to = (out.width(), out.height());
        scale::with_scaler(
            (f.format(), w, h),
            (Pixel::YUV420P, to.0, to.1),
            scaling::Flags::BILINEAR,
            |ctx| ctx.run(&f, &mut out.0).is_ok(),
        )
        .filter(|ok| *ok)
        .ok_or_else(|| refused("convert a decoded frame of", (w, h), to))?;
        Ok(out)
    }

    /// An RGB picture (photos, cards, stills), converted once.
    pub fn from_rgb(img: &RgbImage) -> Result<Yuv, RenderError> {
        let (w, h) = img.dimensions();
        let src = crate::media::image_to_frame(img);
        let mut out = Yuv::uninit(w, h);
        let to = (out.width(), out.height());
        scale::with_scaler(
            (Pixel::RGB24, w, h),
            (Pixel::YUV420P, to.0, to.1),
            scale::flags_for(w, h, to.0, to.1),
            |ctx| ctx.run(&src, &mut out.0).is_ok(),
        )
        .filter(|ok| *ok)
        .ok_or_else(|| refused("convert a picture of", (w, h), to))?;
        Ok(out)
    }

    /// The picture as RGB (the export's poster, tests).
    pub fn to_rgb(&self) -> Result<RgbImage, RenderError> {
        let (w, h) = (self.width(), self.height());
        let mut dst = frame::Video::new(Pixel::RGB24, w, h);
        scale::with_scaler(
            (Pixel::YUV420P, w, h),
            (Pixel::RGB24, w, h),
            scaling::Flags::BILINEAR,
            |ctx| ctx.run(&self.0, &mut dst).is_ok(),
        )
        .filter(|ok| *ok)
        .ok_or_else(|| refused("convert to RGB", (w, h), (w, h)))?;
        Ok(crate::media::frame_to_image(&dst))
    }

    /// `crop` of this picture as seen turned `rotation`° clockwise, resized to `w`×`h`.
    /// Scales first and turns the (usually smaller) result, so a rotated phone clip costs
    /// about what an upright one does.
    pub fn resized(&self, rotation: u16, crop: Rect, w: u32, h: u32) -> Result<Yuv, RenderError> {
        let (sw, sh) = (self.width(), self.height());
        let turned = rotation == 90 || rotation == 270;
        let crop = if turned {
            crop.within(sh, sw)
        } else {
            crop.within(sw, sh)
        };
        // The crop in the stored picture's own coordinates.
        let s = match rotation {
            90 => Rect {
                x: crop.y,
                y: sh - crop.x - crop.w,
                w: crop.h,
                h: crop.w,
            },
            180 => Rect {
                x: sw - crop.x - crop.w,
                y: sh - crop.y - crop.h,
                ..crop
            },
            270 => Rect {
                x: sw - crop.y - crop.h,
                y: crop.x,
                w: crop.h,
                h: crop.w,
            },
            _ => crop,
        };
        let mut out = if turned {
            Yuv::uninit(h, w)
        } else {
            Yuv::uninit(w, h)
        };
        let to = (out.width(), out.height());
        let mut src: [*const u8; 4] = [std::ptr::null(); 4];
        let mut src_stride = [0i32; 4];
        for p in 0..3 {
            let sub = u32::from(p > 0);
            let stride = self.0.stride(p);
            let offset = (s.y >> sub) as usize * stride + (s.x >> sub) as usize;
            src[p] = self.0.data(p)[offset..].as_ptr();
            src_stride[p] = stride as i32;
        }
        let dst = &mut out.0;
        scale::with_scaler(
            (Pixel::YUV420P, s.w, s.h),
            (Pixel::YUV420P, to.0, to.1),
            scale::flags_for(s.w, s.h, to.0, to.1),
            |ctx| unsafe {
                // SAFETY: the source pointers address `s`, which `within` keeps inside
                // this picture's planes; the destination is a frame of the scaler's size.
                ff::ffi::sws_scale(
                    ctx.as_mut_ptr(),
                    src.as_ptr(),
                    src_stride.as_ptr(),
                    0,
                    s.h as i32,
                    (*dst.as_mut_ptr()).data.as_ptr(),
                    (*dst.as_mut_ptr()).linesize.as_ptr(),
                ) > 0
            },
        )
        .filter(|ok| *ok)
        .ok_or_else(|| refused("resize", (s.w, s.h), to))?;
        Ok(match rotation {
            90 | 180 | 270 => out.rotated(rotation),
            _ => out,
        })
    }

    /// The area `x`, `y`, `w`, `h` (fractions of a pixel allowed) resampled bilinearly to
    /// `out_w`×`out_h`. A push-in moves its window by a fraction of a pixel per frame; a
    /// whole-pixel crop (all swscale takes) would step, then stall, then step.
    pub fn sample(&self, (x, y, w, h): (f64, f64, f64, f64), out_w: u32, out_h: u32) -> Yuv {
        let mut out = Yuv::uninit(out_w, out_h);
        for p in 0..3 {
            let k = if p == 0 { 1.0 } else { 2.0 };
            let (pw, ph, ss) = self.plane(p);
            let (ow, oh, ds) = out.plane(p);
            sample_plane(
                (self.0.data(p), ss, pw, ph),
                (x / k, y / k, w / k, h / k),
                (out.0.data_mut(p), ds, ow, oh),
            );
        }
        out
    }

    /// This picture turned `rotation` (90, 180 or 270) degrees clockwise.
    fn rotated(&self, rotation: u16) -> Yuv {
        let (w, h) = (self.width(), self.height());
        let mut out = if rotation == 180 {
            Yuv::uninit(w, h)
        } else {
            Yuv::uninit(h, w)
        };
        for p in 0..3 {
            let (pw, ph, ss) = self.plane(p);
            let ds = out.0.stride(p);
            let (s, d) = (self.0.data(p), out.0.data_mut(p));
            for y in 0..ph {
                for (x, &v) in s[y * ss..y * ss + pw].iter().enumerate() {
                    let (dx, dy) = match rotation {
                        90 => (ph - 1 - y, x),
                        180 => (pw - 1 - x, ph - 1 - y),
                        _ => (y, pw - 1 - x),
                    };
                    d[dy * ds + dx] = v;
                }
            }
        }
        out
    }

    /// Copies `src` onto this picture with its top-left at (`x`, `y`), rounded down to
    /// even, clipped to the frame.
    pub fn blit(&mut self, src: &Yuv, x: u32, y: u32) {
        let (x, y) = (x as usize & !1, y as usize & !1);
        for p in 0..3 {
            let sub = usize::from(p > 0);
            let (sw, sh, ss) = src.plane(p);
            let (dw, dh, ds) = self.plane(p);
            let (x, y) = (x >> sub, y >> sub);
            let cols = sw.min(dw.saturating_sub(x));
            let rows = sh.min(dh.saturating_sub(y));
            let (s, d) = (src.0.data(p), self.0.data_mut(p));
            for r in 0..rows {
                let at = (y + r) * ds + x;
                d[at..at + cols].copy_from_slice(&s[r * ss..r * ss + cols]);
            }
        }
    }

    /// Scales every colour towards black by `g` (0 black, 1 unchanged): a dip, or a
    /// darkened background.
    pub fn darken(&mut self, g: f32) {
        let lut = |base: f32| -> [u8; 256] {
            std::array::from_fn(|v| (base + (v as f32 - base) * g).round().clamp(0.0, 255.0) as u8)
        };
        let luts = [lut(16.0), lut(128.0), lut(128.0)];
        for (p, lut) in luts.iter().enumerate() {
            for v in self.0.data_mut(p) {
                *v = lut[usize::from(*v)];
            }
        }
    }

    /// This picture at weight `a` over `old` at `1 - a` (a crossfade's step).
    pub fn mix_over(&mut self, old: &Yuv, a: f32) {
        let k = (a.clamp(0.0, 1.0) * 256.0).round() as u16;
        for p in 0..3 {
            let (w, h, ds) = self.plane(p);
            let (ow, oh, os) = old.plane(p);
            let (cols, rows) = (w.min(ow), h.min(oh));
            let (s, d) = (old.0.data(p), self.0.data_mut(p));
            for r in 0..rows {
                let dst = &mut d[r * ds..r * ds + cols];
                for (n, o) in dst.iter_mut().zip(&s[r * os..r * os + cols]) {
                    *n = ((u16::from(*n) * k + u16::from(*o) * (256 - k) + 128) >> 8) as u8;
                }
            }
        }
    }

    /// Blends colour `c` (YUV) through `mask`'s coverage at `strength`, the mask's
    /// top-left at (`x`, `y`). Chroma takes each 2×2 block's mean coverage.
    pub fn blend(&mut self, mask: &GrayImage, x: i64, y: i64, c: [u8; 3], strength: f32) {
        let s = (strength.clamp(0.0, 1.0) * 256.0) as u32;
        let (mw, mh) = (i64::from(mask.width()), i64::from(mask.height()));
        let raw = mask.as_raw();
        let cov = |px: i64, py: i64| -> u32 {
            let (mx, my) = (px - x, py - y);
            if mx < 0 || my < 0 || mx >= mw || my >= mh {
                0
            } else {
                u32::from(raw[(my * mw + mx) as usize])
            }
        };
        let mix = |v: &mut u8, target: u8, a: u32| {
            *v = ((u32::from(*v) * (255 - a) + u32::from(target) * a + 127) / 255) as u8;
        };
        for (p, target) in c.into_iter().enumerate() {
            let sub = u32::from(p > 0);
            let (pw, ph, stride) = self.plane(p);
            let (pw, ph) = (pw as i64, ph as i64);
            let d = self.0.data_mut(p);
            let (x0, x1) = ((x >> sub).max(0), ((x + mw + 1) >> sub).min(pw));
            let (y0, y1) = ((y >> sub).max(0), ((y + mh + 1) >> sub).min(ph));
            for py in y0..y1 {
                for px in x0..x1 {
                    let a = if sub == 0 {
                        (cov(px, py) * s) >> 8
                    } else {
                        let (lx, ly) = (px * 2, py * 2);
                        let sum =
                            cov(lx, ly) + cov(lx + 1, ly) + cov(lx, ly + 1) + cov(lx + 1, ly + 1);
                        (sum * s) >> 10
                    };
                    if a > 0 {
                        mix(
                            &mut d[py as usize * stride + px as usize],
                            target,
                            a.min(255),
                        );
                    }
                }
            }
        }
    }
}

impl Yuv {
    /// Blends an RGBA image (straight alpha: a logo, colour emoji) at `strength`, its
    /// top-left at (`x`, `y`). Chroma takes each 2×2 block's alpha-weighted colour.
    pub fn blend_rgba(&mut self, layer: &image::RgbaImage, x: i64, y: i64, strength: f32) {
        let s = strength.clamp(0.0, 1.0);
        let (lw, lh) = (i64::from(layer.width()), i64::from(layer.height()));
        // Alpha (0-1) and YUV of layer pixel (px, py) in frame coordinates.
        let at = |px: i64, py: i64| -> Option<(f32, [u8; 3])> {
            let (mx, my) = (px - x, py - y);
            if mx < 0 || my < 0 || mx >= lw || my >= lh {
                return None;
            }
            let p = layer.get_pixel(mx as u32, my as u32).0;
            let a = f32::from(p[3]) / 255.0 * s;
            (a > 0.0).then(|| (a, colour([p[0], p[1], p[2]])))
        };
        for p in 0..3 {
            let sub = u32::from(p > 0);
            let (pw, ph, stride) = self.plane(p);
            let (pw, ph) = (pw as i64, ph as i64);
            let d = self.0.data_mut(p);
            let (x0, x1) = ((x >> sub).max(0), ((x + lw + 1) >> sub).min(pw));
            let (y0, y1) = ((y >> sub).max(0), ((y + lh + 1) >> sub).min(ph));
            for py in y0..y1 {
                for px in x0..x1 {
                    let (mut a, mut v) = (0.0f32, 0.0f32);
                    if sub == 0 {
                        if let Some((al, c)) = at(px, py) {
                            a = al;
                            v = f32::from(c[p]) * al;
                        }
                    } else {
                        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                            if let Some((al, c)) = at(px * 2 + dx, py * 2 + dy) {
                                a += al / 4.0;
                                v += f32::from(c[p]) * al / 4.0;
                            }
                        }
                    }
                    if a > 0.0 {
                        let old = &mut d[py as usize * stride + px as usize];
                        *old = (f32::from(*old) * (1.0 - a) + v).round().clamp(0.0, 255.0) as u8;
                    }
                }
            }
        }
    }
}

/// Where one output sample reads in a source line: two neighbours and the second's
/// weight out of 256.
fn taps(start: f64, step: f64, len: usize, count: usize) -> Vec<(usize, usize, u32)> {
    let last = len.saturating_sub(1);
    (0..count)
        .map(|j| {
            let u = (start + (j as f64 + 0.5) * step - 0.5).clamp(0.0, last as f64);
            let i = (u as usize).min(last);
            let f = ((u - i as f64) * 256.0).round() as u32;
            (i, (i + 1).min(last), f.min(256))
        })
        .collect()
}

/// One plane of `Yuv::sample`: separable, a horizontal pass per source line (each line
/// once, kept while two output rows need it) and a vertical blend of two lines.
fn sample_plane(
    (src, ss, pw, ph): (&[u8], usize, usize, usize),
    (x, y, w, h): (f64, f64, f64, f64),
    (dst, ds, ow, oh): (&mut [u8], usize, usize, usize),
) {
    if pw == 0 || ph == 0 || ow == 0 || oh == 0 {
        return;
    }
    let cols = taps(x, w / ow as f64, pw, ow);
    let rows = taps(y, h / oh as f64, ph, oh);
    let line = |k: usize, buf: &mut Vec<u16>| {
        let l = &src[k * ss..k * ss + pw];
        for (o, &(i0, i1, f)) in buf.iter_mut().zip(&cols) {
            *o = (u32::from(l[i0]) * (256 - f) + u32::from(l[i1]) * f) as u16;
        }
    };
    let (mut lo, mut hi) = ((usize::MAX, vec![0u16; ow]), (usize::MAX, vec![0u16; ow]));
    for (r, &(k0, k1, f)) in rows.iter().enumerate() {
        if hi.0 == k0 {
            std::mem::swap(&mut lo, &mut hi);
        }
        if lo.0 != k0 {
            line(k0, &mut lo.1);
            lo.0 = k0;
        }
        if hi.0 != k1 {
            line(k1, &mut hi.1);
            hi.0 = k1;
        }
        let out = &mut dst[r * ds..r * ds + ow];
        for ((o, a), b) in out.iter_mut().zip(&lo.1).zip(&hi.1) {
            *o = ((u32::from(*a) * (256 - f) + u32::from(*b) * f + 32768) >> 16) as u8;
        }
    }
}

/// The size a picture of `pw`×`ph` takes when fitted into `width`×`height`: contained
/// (letterbox, blurred fill) or covering (crop).
fn fitted_scale(pw: f64, ph: f64, fit: Fit, width: u32, height: u32) -> f64 {
    let (sx, sy) = (f64::from(width) / pw, f64::from(height) / ph);
    match fit {
        Fit::Crop | Fit::Follow => sx.max(sy),
        Fit::Letterbox | Fit::BlurredFill => sx.min(sy),
    }
}

/// A photo brought down, once, to the most detail a render can show of it (at `zoom`, the
/// push-in's closest), so per-frame work does not depend on the camera's megapixels.
pub fn working_copy(
    pic: Yuv,
    fit: Fit,
    width: u32,
    height: u32,
    zoom: f64,
) -> Result<Yuv, RenderError> {
    let (pw, ph) = (pic.width(), pic.height());
    let s = fitted_scale(f64::from(pw), f64::from(ph), fit, width, height) * zoom;
    if s >= 0.8 {
        return Ok(pic);
    }
    let (w, h) = (
        even((f64::from(pw) * s).ceil() as u32),
        even((f64::from(ph) * s).ceil() as u32),
    );
    pic.resized(0, Rect::of(pw, ph), w, h)
}

/// `fit` of `1/zoom` of an upright picture (a photo's push-in), its window centred on
/// `centre` (fractions of the picture; the middle is (0.5, 0.5)) as far as its edges
/// allow, placed to a fraction of a pixel.
pub fn fit_zoomed(
    pic: &Yuv,
    zoom: f64,
    centre: (f64, f64),
    how: Fit,
    width: u32,
    height: u32,
) -> Result<Yuv, RenderError> {
    let (pw, ph) = (f64::from(pic.width()), f64::from(pic.height()));
    let (cw, ch) = (pw / zoom, ph / zoom);
    let s = fitted_scale(cw, ch, how, width, height);
    // The window shown, and the size it is shown at.
    let (vw, vh, fw, fh) = match how {
        Fit::Crop | Fit::Follow => (f64::from(width) / s, f64::from(height) / s, width, height),
        Fit::Letterbox | Fit::BlurredFill => (
            cw,
            ch,
            even((cw * s).round() as u32).min(width),
            even((ch * s).round() as u32).min(height),
        ),
    };
    let place = |c: f64, size: f64, room: f64| (c * room - size / 2.0).clamp(0.0, room - size);
    let fg = pic.sample(
        (place(centre.0, vw, pw), place(centre.1, vh, ph), vw, vh),
        fw,
        fh,
    );
    if (fw, fh) == (width, height) {
        return Ok(fg);
    }
    // The blurred background's window may step a pixel: nobody sees it under the blur.
    let mut canvas = background(
        pic,
        0,
        Rect::centre(pic.width(), pic.height(), zoom),
        how,
        width,
        height,
    )?;
    canvas.blit(&fg, (width - fw) / 2, (height - fh) / 2);
    Ok(canvas)
}

/// What shows around a contained picture: black (letterbox), or a tiny copy of the
/// picture blown up, a cheap strong blur, darkened (while tiny) so the picture leads.
fn background(
    pic: &Yuv,
    rotation: u16,
    crop: Rect,
    how: Fit,
    width: u32,
    height: u32,
) -> Result<Yuv, RenderError> {
    if how != Fit::BlurredFill {
        return Ok(Yuv::new(width, height));
    }
    let mut tiny = pic.resized(rotation, crop, even(width / 40), even(height / 40))?;
    tiny.darken(0.6);
    tiny.resized(0, Rect::of(tiny.width(), tiny.height()), width, height)
}

/// Fits `crop` of a picture (as seen turned `rotation`° clockwise) into a `width`×`height`
/// frame: blurred fill puts it over a blurred, darkened copy of itself; letterbox over
/// black; crop fills the frame with its middle.
pub fn fit(
    pic: &Yuv,
    rotation: u16,
    crop: Rect,
    fit: Fit,
    width: u32,
    height: u32,
) -> Result<Yuv, RenderError> {
    let s = fitted_scale(f64::from(crop.w), f64::from(crop.h), fit, width, height);
    match fit {
        Fit::Crop | Fit::Follow => {
            // Only the middle that shows is scaled.
            let (cw, ch) = (
                ((f64::from(width) / s).round() as u32).min(crop.w),
                ((f64::from(height) / s).round() as u32).min(crop.h),
            );
            let inner = Rect {
                x: crop.x + (crop.w - cw) / 2,
                y: crop.y + (crop.h - ch) / 2,
                w: cw,
                h: ch,
            };
            pic.resized(rotation, inner, width, height)
        }
        Fit::Letterbox | Fit::BlurredFill => {
            let (fw, fh) = (
                even((f64::from(crop.w) * s).round() as u32).min(width),
                even((f64::from(crop.h) * s).round() as u32).min(height),
            );
            if (fw, fh) == (width, height) {
                return pic.resized(rotation, crop, width, height);
            }
            let mut canvas = background(pic, rotation, crop, fit, width, height)?;
            let fg = pic.resized(rotation, crop, fw, fh)?;
            canvas.blit(&fg, (width - fw) / 2, (height - fh) / 2);
            Ok(canvas)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb(f(x, y)))
    }

    fn near(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
    }

    #[test]
    fn converts_both_ways_and_matches_the_colour_formula() {
        crate::media::init_ffmpeg();
        for c in [[200, 100, 50], [0, 0, 0], [255, 255, 255], [30, 160, 220]] {
            let pic = Yuv::from_rgb(&rgb(64, 32, |_, _| c)).unwrap();
            let yuv = colour(c);
            assert!(near(
                [pic.0.data(0)[0], pic.0.data(1)[0], pic.0.data(2)[0]],
                yuv,
                1
            ));
            let back = pic.to_rgb().unwrap();
            assert!(
                near(back.get_pixel(10, 10).0, c, 3),
                "{c:?} -> {:?}",
                back.get_pixel(10, 10)
            );
        }
        // Odd sizes become even.
        let odd = Yuv::from_rgb(&rgb(65, 33, |_, _| [9, 9, 9])).unwrap();
        assert_eq!((odd.width(), odd.height()), (64, 32));
    }

    #[test]
    fn rotation_and_crop_take_the_right_corner() {
        crate::media::init_ffmpeg();
        // Stored 80×40: red top-left quarter, the rest blue.
        let red = [220, 20, 20];
        let stored = Yuv::from_rgb(&rgb(80, 40, |x, y| {
            if x < 40 && y < 20 {
                red
            } else {
                [20, 20, 220]
            }
        }))
        .unwrap();
        // Turned 90° clockwise it is 40×80 with the red corner at the top right; turned
        // 270°, bottom left; 180°, bottom right.
        for (rotation, corner) in [
            (0u16, (5, 5)),
            (90, (35, 5)),
            (180, (75, 35)),
            (270, (5, 75)),
        ] {
            let (w, h) = if rotation % 180 == 90 {
                (40, 80)
            } else {
                (80, 40)
            };
            let out = stored
                .resized(rotation, Rect::of(w, h), w, h)
                .unwrap()
                .to_rgb()
                .unwrap();
            assert_eq!(out.dimensions(), (w, h));
            assert!(
                near(out.get_pixel(corner.0, corner.1).0, red, 40),
                "{rotation}°"
            );
            assert!(!near(
                out.get_pixel(w - 1 - corner.0, h - 1 - corner.1).0,
                red,
                60
            ));
            // A crop of just that quarter, blown up, is all red.
            let q = Rect {
                x: if corner.0 < w / 2 { 0 } else { w / 2 },
                y: if corner.1 < h / 2 { 0 } else { h / 2 },
                w: w / 2,
                h: h / 2,
            };
            let zoomed = stored
                .resized(rotation, q, 64, 64)
                .unwrap()
                .to_rgb()
                .unwrap();
            assert!(
                near(zoomed.get_pixel(32, 32).0, red, 40),
                "{rotation}° crop"
            );
        }
    }

    #[test]
    fn blurred_fill_letterbox_and_crop_geometry() {
        crate::media::init_ffmpeg();
        // A tall green picture with a white edge, into a wide frame.
        let tall = Yuv::from_rgb(&rgb(90, 160, |_, _| [40, 200, 40])).unwrap();
        let full = Rect::of(90, 160);
        let blurred = fit(&tall, 0, full, Fit::BlurredFill, 320, 180)
            .unwrap()
            .to_rgb()
            .unwrap();
        let side = blurred.get_pixel(10, 90).0;
        assert!(
            side[1] > 60 && side[1] < 160,
            "darkened green fill: {side:?}"
        );
        assert!(near(blurred.get_pixel(160, 90).0, [40, 200, 40], 6));
        let boxed = fit(&tall, 0, full, Fit::Letterbox, 320, 180)
            .unwrap()
            .to_rgb()
            .unwrap();
        assert!(near(boxed.get_pixel(10, 90).0, [0, 0, 0], 3));
        let cropped = fit(&tall, 0, full, Fit::Crop, 320, 180)
            .unwrap()
            .to_rgb()
            .unwrap();
        assert!(near(cropped.get_pixel(10, 90).0, [40, 200, 40], 6));
    }

    #[test]
    fn sampling_reads_between_pixels() {
        crate::media::init_ffmpeg();
        // A ramp: grey level 16 + 2x in luma.
        let mut ramp = Yuv::new(64, 8);
        let stride = ramp.0.stride(0);
        for y in 0..8 {
            for x in 0..64 {
                ramp.0.data_mut(0)[y * stride + x] = 16 + 2 * x as u8;
            }
        }
        // Half a pixel to the right of column 10, one to one: half-way between 36 and 38.
        let out = ramp.sample((10.5, 0.0, 32.0, 8.0), 32, 8);
        assert_eq!(out.0.data(0)[0], 37);
        assert_eq!(out.0.data(0)[out.0.stride(0) * 4 + 5], 47);
        // Doubled, the same window spans twice the columns.
        let wide = ramp.sample((10.0, 0.0, 32.0, 8.0), 64, 16);
        assert!(wide.0.data(0)[20].abs_diff(36 + 20) <= 1);
    }

    #[test]
    fn a_push_in_moves_every_frame_without_stalls_or_jumps() {
        crate::media::init_ffmpeg();
        // A photo with detail everywhere, pushed in over 60 frames (2 s) as a montage does.
        let photo = Yuv::from_rgb(&rgb(1600, 1200, |x, y| {
            let v = ((x * 7 + y * 13) % 64 * 4) as u8;
            [v, 255 - v, (x % 200) as u8]
        }))
        .unwrap();
        let photo = working_copy(photo, Fit::BlurredFill, 640, 360, 1.08).unwrap();
        let frames: Vec<Yuv> = (0..12)
            .map(|f| {
                let z = 1.0 + 0.08 * f64::from(f) / 60.0;
                fit_zoomed(&photo, z, (0.5, 0.5), Fit::BlurredFill, 640, 360).unwrap()
            })
            .collect();
        let diffs: Vec<f64> = frames
            .windows(2)
            .map(|w| {
                let (a, b) = (w[0].0.data(0), w[1].0.data(0));
                let stride = w[0].0.stride(0);
                let mut sum = 0u64;
                for y in 100..260 {
                    for x in 200..440 {
                        sum += u64::from(a[y * stride + x].abs_diff(b[y * stride + x]));
                    }
                }
                sum as f64 / (160.0 * 240.0)
            })
            .collect();
        let (lo, hi) = diffs
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), d| (l.min(*d), h.max(*d)));
        // Whole-pixel windows would give frames that repeat (difference ~0), then jump.
        assert!(
            lo > 0.5 && hi < 3.0 * lo,
            "frame-to-frame change: {diffs:?}"
        );
    }

    #[test]
    fn darken_mix_blit_and_blend() {
        crate::media::init_ffmpeg();
        let white = colour([255, 255, 255]);
        let mut a = Yuv::filled(32, 32, white);
        a.darken(0.5);
        let grey = a.to_rgb().unwrap().get_pixel(3, 3).0;
        assert!(near(grey, [128, 128, 128], 3), "{grey:?}");
        let mut b = Yuv::filled(32, 32, white);
        b.mix_over(&Yuv::new(32, 32), 0.25);
        assert!(near(b.to_rgb().unwrap().get_pixel(3, 3).0, [64, 64, 64], 3));
        let mut c = Yuv::new(32, 32);
        c.blit(&Yuv::filled(8, 8, white), 20, 20);
        let c_rgb = c.to_rgb().unwrap();
        assert!(near(c_rgb.get_pixel(23, 23).0, [255, 255, 255], 3));
        assert!(near(c_rgb.get_pixel(10, 10).0, [0, 0, 0], 3));
        // Clipped at the edge, no panic.
        c.blit(&Yuv::filled(8, 8, white), 28, 30);
        let mut mask = GrayImage::new(6, 6);
        for p in mask.pixels_mut() {
            p.0[0] = 255;
        }
        let mut d = Yuv::new(32, 32);
        d.blend(&mask, 4, 4, colour([255, 0, 0]), 1.0);
        d.blend(&mask, 29, -2, colour([255, 0, 0]), 1.0);
        let d_rgb = d.to_rgb().unwrap();
        assert!(
            near(d_rgb.get_pixel(6, 6).0, [255, 0, 0], 12),
            "{:?}",
            d_rgb.get_pixel(6, 6)
        );
        assert!(near(d_rgb.get_pixel(16, 16).0, [0, 0, 0], 3));
    }
}
