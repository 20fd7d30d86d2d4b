//! Photos: dimensions, EXIF (kamadak-exif) and an oriented thumbnail.
//!
//! JPEGs, the bulk of what customers send, decode through jpeg-decoder at a reduced DCT
//! scale (1/2, 1/4, 1/8): a 12 MP photo never exists in memory at full size just to make
//! a 512 px thumbnail. The other formats decode through `image` under allocation limits.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

use super::{Limits, MediaError, MediaInfo, Probed, THUMB_SIZE};

pub(super) fn probe(
    path: &Path,
    format: ImageFormat,
    limits: &Limits,
) -> Result<Probed, MediaError> {
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
    let bytes = fs::read(path)?;
    check_complete(&bytes, format)?;

    let mut info = MediaInfo {
        kind: Some(super::Kind::Photo),
        format: format_name(format).to_string(),
        ..MediaInfo::default()
    };
    read_exif(&bytes, &mut info);

    let (stored_w, stored_h, img) = match format {
        ImageFormat::Jpeg => decode_jpeg_scaled(&bytes, limits)?,
        _ => decode_with_image(&bytes, format, limits)?,
    };
    let orientation = info
        .exif_orientation
        .and_then(Orientation::from_exif)
        .unwrap_or(Orientation::NoTransforms);
    // Shrink first, then turn: rotating the thumbnail is cheaper than the decoded picture.
    let mut thumb = image::DynamicImage::ImageRgb8(super::fit_within(&img.into_rgb8(), THUMB_SIZE));
    thumb.apply_orientation(orientation);
    let swaps = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    (info.width, info.height) = if swaps {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    let poster = thumb.into_rgb8();
    Ok(Probed {
        info,
        poster,
        filmstrip: None,
    })
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::Gif => "gif",
        ImageFormat::WebP => "webp",
        ImageFormat::Tiff => "tiff",
        _ => "image",
    }
}

/// Formats with an end marker tell us when a file was cut short, which decoders often
/// forgive silently (a grey lower half is still "decoded").
fn check_complete(bytes: &[u8], format: ImageFormat) -> Result<(), MediaError> {
    match format {
        ImageFormat::Jpeg => {
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
        ImageFormat::Png => {
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

fn check_pixels(w: u32, h: u32, limits: &Limits) -> Result<(), MediaError> {
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
) -> Result<(u32, u32, DynamicImage), MediaError> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().map_err(jpeg_error)?;
    let meta = dec
        .info()
        .ok_or_else(|| MediaError::Corrupt("the JPEG header is unreadable".into()))?;
    let (w, h) = (u32::from(meta.width), u32::from(meta.height));
    check_pixels(w, h, limits)?;
    let (sw, sh) = dec
        .scale(THUMB_SIZE as u16, THUMB_SIZE as u16)
        .map_err(jpeg_error)?;
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

fn decode_with_image(
    bytes: &[u8],
    format: ImageFormat,
    limits: &Limits,
) -> Result<(u32, u32, DynamicImage), MediaError> {
    let name = format_name(format).to_uppercase();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut lim = image::Limits::default();
    lim.max_alloc = Some(limits.max_photo_pixels.saturating_mul(4));
    reader.limits(lim);
    let decoder = reader.into_decoder().map_err(|e| image_error(e, &name))?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h, limits)?;
    let img = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, &name))?;
    Ok((w, h, img))
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
