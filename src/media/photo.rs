//! Photos: dimensions, EXIF (kamadak-exif), colour space and an oriented thumbnail.
//!
//! JPEGs, the bulk of what customers send, decode through libjpeg-turbo at a reduced DCT
//! scale (1/2, 1/4, 1/8): a 12 MP photo never exists in memory at full size just to make
//! a 512 px thumbnail. HEIC/HEIF and AVIF decode through libheif, the other formats through
//! `image` under allocation limits. Every picture leaves here upright and in sRGB.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

use super::colour::{self, SourceColour};
use super::sniff::PhotoFormat;
use super::{heif, Limits, MediaError, MediaInfo, Probed, DISPLAY_SIZE, THUMB_SIZE};

pub(super) fn probe(
    path: &Path,
    format: PhotoFormat,
    limits: &Limits,
) -> Result<Probed, MediaError> {
    let bytes = read(path, limits)?;
    check_complete(&bytes, format)?;

    let mut info = MediaInfo {
        kind: Some(super::Kind::Photo),
        format: format.name().to_string(),
        ..MediaInfo::default()
    };
    read_exif(&bytes, &mut info);

    // Formats the webview cannot show get a JPEG rendition for the asset panel, so decode
    // them large enough for that; the rest only as large as the thumbnail needs.
    let display = !format.webview_shows();
    let fit = if display { DISPLAY_SIZE } else { THUMB_SIZE };
    let decoded = decode(&bytes, format, limits, Some(fit))?;
    info.colour_profile = decoded.colour.as_ref().map(|c| c.name.clone());
    if decoded.upright {
        // HEIF's own geometry is already applied; its EXIF Orientation says the same.
        info.exif_orientation = None;
    }
    let orientation = orientation_of(info.exif_orientation);
    let (stored_w, stored_h) = decoded.stored;
    (info.width, info.height) = if swaps(orientation) {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    let picture = decoded.into_srgb();
    // Shrink first, then turn: turning the thumbnail is cheaper than the decoded picture.
    let (rendition, thumb) = if display {
        let shown = upright(super::fit_within(&picture, DISPLAY_SIZE), orientation);
        let thumb = super::fit_within(&shown, THUMB_SIZE);
        (Some(shown), thumb)
    } else {
        (
            None,
            upright(super::fit_within(&picture, THUMB_SIZE), orientation),
        )
    };
    Ok(Probed {
        info,
        poster: thumb,
        filmstrip: None,
        display: rendition,
    })
}

/// A photo at full resolution, upright and in sRGB: what renders and stills are made of.
/// Orientation comes from the file itself, never from the catalog.
pub fn load(path: &Path, limits: &Limits) -> Result<RgbImage, MediaError> {
    let bytes = read(path, limits)?;
    let format = match super::sniff(&bytes[..bytes.len().min(512)]) {
        super::Sniffed::Photo(f) => f,
        _ => {
            return Err(MediaError::Unsupported(
                "the file is not a photo format Chorus decodes".into(),
            ))
        }
    };
    let mut info = MediaInfo::default();
    read_exif(&bytes, &mut info);
    let decoded = decode(&bytes, format, limits, None)?;
    let orientation = if decoded.upright {
        Orientation::NoTransforms
    } else {
        orientation_of(info.exif_orientation)
    };
    Ok(upright(decoded.into_srgb(), orientation))
}

fn read(path: &Path, limits: &Limits) -> Result<Vec<u8>, MediaError> {
    let size = fs::metadata(path)?.len();
    if size == 0 {
        return Err(MediaError::Empty);
    }
    if size > limits.max_photo_bytes {
        return Err(MediaError::TooLarge(format!(
            "the photo is {} MB; Chorus takes photos up to {} MB",
            size / 1_000_000,
            limits.max_photo_bytes / 1_000_000
        )));
    }
    Ok(fs::read(path)?)
}

fn orientation_of(tag: Option<u8>) -> Orientation {
    tag.and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms)
}

fn swaps(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn upright(img: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return img;
    }
    let mut img = DynamicImage::ImageRgb8(img);
    img.apply_orientation(orientation);
    img.into_rgb8()
}

/// A decoded photo before colour conversion and orientation.
struct Decoded {
    /// Size as stored, before EXIF orientation (HEIF: as displayed).
    stored: (u32, u32),
    image: RgbImage,
    colour: Option<SourceColour>,
    /// The decoder already applied the file's geometry (HEIF).
    upright: bool,
}

impl Decoded {
    fn into_srgb(self) -> RgbImage {
        let mut img = self.image;
        if let Some(c) = &self.colour {
            colour::to_srgb(&mut img, c);
        }
        img
    }
}

/// Decodes a photo, at least `fit` pixels on its long side when a reduced decode is
/// possible (JPEG's DCT scaling), and never larger than needed for `fit` otherwise.
fn decode(
    bytes: &[u8],
    format: PhotoFormat,
    limits: &Limits,
    fit: Option<u32>,
) -> Result<Decoded, MediaError> {
    let shrink = |img: RgbImage| match fit {
        Some(max) => super::fit_within_owned(img, max),
        None => img,
    };
    match format {
        PhotoFormat::Jpeg => {
            let (w, h, img) = decode_jpeg(bytes, limits, fit)?;
            Ok(Decoded {
                stored: (w, h),
                image: shrink(img),
                colour: colour::jpeg_icc(bytes).and_then(|icc| colour::from_icc(&icc)),
                upright: false,
            })
        }
        PhotoFormat::Heif | PhotoFormat::Avif => {
            let what = if format == PhotoFormat::Avif {
                "AVIF"
            } else {
                "HEIC"
            };
            let d = heif::decode(bytes, limits, what)?;
            Ok(Decoded {
                stored: d.image.dimensions(),
                image: shrink(d.image),
                colour: d.colour,
                upright: true,
            })
        }
        _ => {
            let (w, h, img, icc) = decode_with_image(bytes, format, limits)?;
            Ok(Decoded {
                stored: (w, h),
                image: shrink(img.into_rgb8()),
                colour: icc.and_then(|icc| colour::from_icc(&icc)),
                upright: false,
            })
        }
    }
}

/// The `image` crate's name for the formats it decodes here (JPEG, HEIF and AVIF have
/// their own decoders above).
fn image_format(format: PhotoFormat) -> Option<ImageFormat> {
    match format {
        PhotoFormat::Png => Some(ImageFormat::Png),
        PhotoFormat::Gif => Some(ImageFormat::Gif),
        PhotoFormat::WebP => Some(ImageFormat::WebP),
        PhotoFormat::Tiff => Some(ImageFormat::Tiff),
        PhotoFormat::Jpeg | PhotoFormat::Heif | PhotoFormat::Avif => None,
    }
}

/// JPEG through libjpeg-turbo at the smallest DCT scale that still covers `fit`; CMYK
/// JPEGs and anything turbo refuses (it stops at damage jpeg-decoder reads past) go
/// through jpeg-decoder, which also words the errors.
fn decode_jpeg(
    bytes: &[u8],
    limits: &Limits,
    fit: Option<u32>,
) -> Result<(u32, u32, RgbImage), MediaError> {
    if let Some(done) = decode_turbo(bytes, limits, fit)? {
        return Ok(done);
    }
    let (w, h, img) = decode_jpeg_scaled(bytes, limits, fit)?;
    Ok((w, h, img.into_rgb8()))
}

fn decode_turbo(
    bytes: &[u8],
    limits: &Limits,
    fit: Option<u32>,
) -> Result<Option<(u32, u32, RgbImage)>, MediaError> {
    let Ok(mut dec) = turbojpeg::Decompressor::new() else {
        return Ok(None);
    };
    let Ok(header) = dec.read_header(bytes) else {
        return Ok(None);
    };
    if matches!(
        header.colorspace,
        turbojpeg::Colorspace::CMYK | turbojpeg::Colorspace::YCCK
    ) {
        return Ok(None);
    }
    let (w, h) = (header.width as u32, header.height as u32);
    check_pixels(w, h, limits)?;
    let long = w.max(h) as usize;
    let factor = fit
        .map(|max| {
            [
                turbojpeg::ScalingFactor::ONE_EIGHTH,
                turbojpeg::ScalingFactor::ONE_QUARTER,
                turbojpeg::ScalingFactor::ONE_HALF,
            ]
            .into_iter()
            .find(|f| f.scale(long) >= max as usize)
            .unwrap_or(turbojpeg::ScalingFactor::ONE)
        })
        .unwrap_or(turbojpeg::ScalingFactor::ONE);
    if dec.set_scaling_factor(factor).is_err() {
        return Ok(None);
    }
    let scaled = header.scaled(factor);
    let pitch = scaled.width * 3;
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; pitch * scaled.height],
        width: scaled.width,
        pitch,
        height: scaled.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    if dec.decompress(bytes, image.as_deref_mut()).is_err() {
        return Ok(None);
    }
    Ok(
        RgbImage::from_raw(scaled.width as u32, scaled.height as u32, image.pixels)
            .map(|img| (w, h, img)),
    )
}

/// Formats with an end marker tell us when a file was cut short, which decoders often
/// forgive silently (a grey lower half is still "decoded").
fn check_complete(bytes: &[u8], format: PhotoFormat) -> Result<(), MediaError> {
    match format {
        PhotoFormat::Jpeg => {
            // Motion photos append a video after the JPEG, so look for the end-of-image
            // marker anywhere after the start of the scan, not only at the very end.
            let sos = find(bytes, &[0xFF, 0xDA]).ok_or_else(|| {
                MediaError::Truncated("the JPEG ends before its image data starts".into())
            })?;
            // Searched from the end: the marker is normally the last two bytes.
            if !bytes[sos..].windows(2).rev().any(|w| w == [0xFF, 0xD9]) {
                return Err(MediaError::Truncated(
                    "the JPEG has no end-of-image marker".into(),
                ));
            }
        }
        PhotoFormat::Png => {
            let tail = &bytes[bytes.len().saturating_sub(64)..];
            if find(tail, b"IEND").is_none() {
                return Err(MediaError::Truncated("the PNG has no IEND chunk".into()));
            }
        }
        _ => {}
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn check_pixels(w: u32, h: u32, limits: &Limits) -> Result<(), MediaError> {
    let pixels = w as u64 * h as u64;
    if pixels > limits.max_photo_pixels {
        return Err(MediaError::TooLarge(format!(
            "the photo declares {w}×{h} pixels ({:.0} megapixels); Chorus refuses photos over {} megapixels, which protects it from decompression bombs",
            pixels as f64 / 1e6,
            limits.max_photo_pixels / 1_000_000
        )));
    }
    if w == 0 || h == 0 {
        return Err(MediaError::Corrupt(format!(
            "the photo declares a size of {w}×{h} pixels"
        )));
    }
    Ok(())
}

fn decode_jpeg_scaled(
    bytes: &[u8],
    limits: &Limits,
    fit: Option<u32>,
) -> Result<(u32, u32, DynamicImage), MediaError> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().map_err(jpeg_error)?;
    let meta = dec
        .info()
        .ok_or_else(|| MediaError::Corrupt("the JPEG header is unreadable".into()))?;
    let (w, h) = (u32::from(meta.width), u32::from(meta.height));
    check_pixels(w, h, limits)?;
    let want = fit.map_or(u16::MAX, |f| f.min(u32::from(u16::MAX)) as u16);
    let (sw, sh) = dec.scale(want, want).map_err(jpeg_error)?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let pixels = dec.decode().map_err(jpeg_error)?;
    let img = match meta.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8)
        }
        jpeg_decoder::PixelFormat::L16 => {
            let px: Vec<u8> = pixels.chunks_exact(2).map(|c| c[0]).collect();
            image::GrayImage::from_raw(sw, sh, px).map(DynamicImage::ImageLuma8)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            let px: Vec<u8> = pixels
                .chunks_exact(4)
                .flat_map(|c| {
                    let k = u16::from(c[3]);
                    [c[0], c[1], c[2]].map(|v| ((u16::from(v) * k) / 255) as u8)
                })
                .collect();
            RgbImage::from_raw(sw, sh, px).map(DynamicImage::ImageRgb8)
        }
    };
    let img = img.ok_or_else(|| {
        MediaError::Corrupt("the JPEG decoded to fewer pixels than it declares".into())
    })?;
    Ok((w, h, img))
}

fn jpeg_error(e: jpeg_decoder::Error) -> MediaError {
    match e {
        jpeg_decoder::Error::Io(io) => MediaError::from(io),
        jpeg_decoder::Error::Unsupported(feature) => {
            MediaError::Unsupported(format!("a JPEG variant Chorus cannot decode ({feature:?})"))
        }
        other => MediaError::Corrupt(format!("the JPEG data is damaged ({other})")),
    }
}

/// Stored width and height, the picture, its ICC profile.
type Generic = (u32, u32, DynamicImage, Option<Vec<u8>>);

fn decode_with_image(
    bytes: &[u8],
    format: PhotoFormat,
    limits: &Limits,
) -> Result<Generic, MediaError> {
    let name = format.name().to_uppercase();
    let image_format = image_format(format)
        .ok_or_else(|| MediaError::Unsupported(format!("no {name} decoder here")))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut lim = image::Limits::default();
    lim.max_alloc = Some(limits.max_photo_pixels.saturating_mul(4));
    reader.limits(lim);
    let mut decoder = reader.into_decoder().map_err(|e| image_error(e, &name))?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, limits)?;
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, &name))?;
    Ok((w, h, img, icc))
}

fn image_error(e: ImageError, name: &str) -> MediaError {
    match e {
        ImageError::Limits(l) => MediaError::TooLarge(format!(
            "decoding this {name} would need more memory than Chorus allows for one photo ({l}); it may be a decompression bomb"
        )),
        // Decoders report damaged data (a bad LZW code, say) as I/O errors too.
        ImageError::IoError(io) => match io.kind() {
            std::io::ErrorKind::UnexpectedEof => MediaError::from(io),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => MediaError::Unreadable(io),
            _ => MediaError::Corrupt(format!("the {name} data is damaged ({io})")),
        },
        ImageError::Unsupported(u) => MediaError::Unsupported(format!("a {name} variant Chorus cannot decode ({u})")),
        other => MediaError::Corrupt(format!("the {name} data is damaged ({other})")),
    }
}

fn read_exif(bytes: &[u8], info: &mut MediaInfo) {
    use exif::{In, Tag, Value};
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return;
    };
    let text = |tag: Tag| -> Option<String> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        match &field.value {
            Value::Ascii(parts) => parts
                .first()
                .map(|p| {
                    String::from_utf8_lossy(p)
                        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                        .to_string()
                })
                .filter(|s| !s.is_empty()),
            _ => None,
        }
    };
    info.exif_orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    info.camera_make = text(Tag::Make);
    info.camera_model = text(Tag::Model);
    info.has_gps = exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some()
        || exif.get_field(Tag::GPSLongitude, In::PRIMARY).is_some();
    info.captured_at = [Tag::DateTimeOriginal, Tag::DateTimeDigitized, Tag::DateTime]
        .into_iter()
        .find_map(|tag| {
            let field = exif.get_field(tag, In::PRIMARY)?;
            let Value::Ascii(parts) = &field.value else {
                return None;
            };
            let dt = exif::DateTime::from_ascii(parts.first()?).ok()?;
            // EXIF local time, without a zone unless the camera wrote one.
            Some(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
            ))
        });
}
