//! HEIC/HEIF and AVIF photos through libheif (built with the crate: Debian 12's is too old).
//!
//! libheif applies the file's own geometry (`irot`, `imir`, `clap`) while decoding, so the
//! picture comes out as the phone showed it. The EXIF Orientation an iPhone also writes
//! describes the same turn and must not be applied a second time.

use std::sync::OnceLock;

use libheif_rs::{ColorSpace, HeifContext, HeifError, HeifErrorCode, LibHeif, RgbChroma};

use super::colour::{self, SourceColour};
use super::{Limits, MediaError};
use image::RgbImage;

/// A decoded HEIF picture: upright, 8-bit RGB, in the colour space it was stored in.
pub(super) struct Decoded {
    pub image: RgbImage,
    pub colour: Option<SourceColour>,
}

/// libheif registers its decoders on first initialisation and drops them when the last
/// handle goes: one handle for the process keeps that from happening per photo.
fn libheif() -> &'static LibHeif {
    static LIB: OnceLock<LibHeif> = OnceLock::new();
    LIB.get_or_init(LibHeif::new)
}

pub(super) fn decode(bytes: &[u8], limits: &Limits, what: &str) -> Result<Decoded, MediaError> {
    let lib = libheif();
    // libheif's own default limits stay; ours (`check_pixels`) is applied to the image's
    // declared size before anything is decoded. Setting limits through libheif-rs copied
    // its limits struct by value, and the libheif built here reads fields past the end of
    // that copy: the total-memory limit came out as whatever was on the stack (a 12 MP
    // iPhone photo was once refused for "921600 bytes").
    let ctx = HeifContext::read_from_bytes(bytes).map_err(|e| heif_error(e, what))?;
    let handle = ctx
        .primary_image_handle()
        .map_err(|e| heif_error(e, what))?;
    super::photo::check_pixels(handle.width(), handle.height(), limits)?;
    let colour = handle
        .color_profile_raw()
        .and_then(|raw| colour::from_icc(&raw.data))
        .or_else(|| {
            handle
                .color_profile_nclx()
                .and_then(|n| colour::from_primaries(n.color_primaries() as u16))
        });
    let img = lib
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(|e| heif_error(e, what))?;
    let planes = img.planes();
    let plane = planes
        .interleaved
        .ok_or_else(|| MediaError::Corrupt(format!("the {what} decoded to no picture")))?;
    let (w, h) = (plane.width, plane.height);
    let row = w as usize * 3;
    let mut buf = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        let line = plane
            .data
            .get(y * plane.stride..y * plane.stride + row)
            .ok_or_else(|| MediaError::Corrupt(format!("the {what} decoded short")))?;
        buf.extend_from_slice(line);
    }
    let image = RgbImage::from_raw(w, h, buf)
        .ok_or_else(|| MediaError::Corrupt(format!("the {what} decoded short")))?;
    Ok(Decoded { image, colour })
}

fn heif_error(e: HeifError, what: &str) -> MediaError {
    let detail = e.message.trim().to_string();
    match e.code {
        HeifErrorCode::MemoryAllocationError => MediaError::TooLarge(format!(
            "decoding this {what} would need more memory than Chorus allows for one photo ({detail})"
        )),
        HeifErrorCode::UnsupportedFileType | HeifErrorCode::UnsupportedFeature => {
            MediaError::Unsupported(format!(
                "a {what} variant Chorus cannot decode ({detail}); ask the contributor to send it as JPEG"
            ))
        }
        HeifErrorCode::DecoderPluginError => MediaError::Corrupt(format!(
            "the {what} picture data is damaged ({detail})"
        )),
        _ if detail.to_ascii_lowercase().contains("end of") => {
            MediaError::Truncated(format!("the {what} ends in the middle of its data"))
        }
        _ => MediaError::Corrupt(format!("the {what} is damaged ({detail})")),
    }
}
