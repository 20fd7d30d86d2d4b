//! Everything that reads pixels or containers: type detection by content, metadata, and
//! the thumbnails. ffmpeg-next and image stay inside this module (and, later, `render`).

pub mod audio;
pub mod beats;
mod clip;
mod colour;
mod heif;
pub mod lively;
mod photo;
mod sniff;
mod tonemap;

use std::fmt;
use std::io;
use std::path::Path;

use image::{imageops, RgbImage};
use serde::{Deserialize, Serialize};

pub(crate) use clip::{frame_to_image, image_to_frame};
pub use clip::{look as clip_look, Look};
pub use colour::srgb_icc;
pub use photo::load as load_photo;
pub use sniff::{mime, sniff, PhotoFormat, Sniffed};
pub(crate) use tonemap::use_bt709;
pub use tonemap::{ToSdr, VideoColour};

/// Long side of photo thumbnails and clip posters, in pixels.
pub const THUMB_SIZE: u32 = 512;
/// Long side of the JPEG rendition shown in place of photos a webview cannot decode
/// (HEIC, AVIF, TIFF).
pub const DISPLAY_SIZE: u32 = 2048;
/// Height of each frame in a clip's filmstrip.
pub const FILMSTRIP_HEIGHT: u32 = 128;
pub const FILMSTRIP_FRAMES: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Kind {
    Photo,
    Clip,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Photo => "photo",
            Kind::Clip => "clip",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "photo" => Some(Kind::Photo),
            "clip" => Some(Kind::Clip),
            _ => None,
        }
    }
}

/// What the catalog records about a photo or clip. `width`/`height` are what a viewer sees,
/// after EXIF orientation or display-matrix rotation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MediaInfo {
    pub kind: Option<Kind>,
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// EXIF orientation tag (1–8) of a photo, when it has one.
    pub exif_orientation: Option<u8>,
    /// Clockwise rotation a player applies to a clip (0, 90, 180, 270).
    pub rotation: u16,
    pub duration_ms: Option<i64>,
    pub frame_rate: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub has_audio: bool,
    pub captured_at: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    /// Photos and clips: location recorded in the file (EXIF GPS, QuickTime `©xyz`).
    pub has_gps: bool,
    /// A wide-gamut colour space the picture is converted from ("Display P3"), if not sRGB.
    #[serde(default)]
    pub colour_profile: Option<String>,
    /// Clips: transfer, primaries and bit depth as recorded in the stream.
    #[serde(default)]
    pub transfer: Option<String>,
    #[serde(default)]
    pub primaries: Option<String>,
    #[serde(default)]
    pub bit_depth: Option<u8>,
    /// Clips in HLG or PQ: tone-mapped to SDR wherever Chorus shows or renders them.
    #[serde(default)]
    pub hdr: bool,
}

/// A probed file: its metadata and its pictures, already oriented as a viewer sees them.
pub struct Probed {
    pub info: MediaInfo,
    /// Photo thumbnail or clip poster, at most `THUMB_SIZE` on the long side.
    pub poster: RgbImage,
    /// Clips only: `FILMSTRIP_FRAMES` frames side by side.
    pub filmstrip: Option<RgbImage>,
    /// Photos the webview cannot show (HEIC, AVIF, TIFF): an upright sRGB rendition at most
    /// `DISPLAY_SIZE` on the long side, shown in their place.
    pub display: Option<RgbImage>,
}

/// Resource limits, so that a crafted header cannot make Chorus allocate without bound.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_photo_pixels: u64,
    pub max_photo_bytes: u64,
    pub max_clip_pixels: u64,
    pub max_file_bytes: u64,
    /// Wall-clock budget for reading one file; a crafted file must not hang an import.
    pub max_seconds_per_file: u64,
    /// Longest clip accepted; phone videos are minutes, a header claiming days is a lie.
    pub max_clip_hours: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Phone sensors reach 200 MP; anything beyond is a bomb or not a photo.
            max_photo_pixels: 250_000_000,
            max_photo_bytes: 512 * 1024 * 1024,
            // 8K video.
            max_clip_pixels: 8192 * 4320,
            max_file_bytes: 32 * 1024 * 1024 * 1024,
            max_seconds_per_file: 60,
            max_clip_hours: 12,
        }
    }
}

/// Why a file could not be catalogued. Each says what is wrong and what to do about it.
#[derive(Debug)]
pub enum MediaError {
    Empty,
    Truncated(String),
    Corrupt(String),
    Unsupported(String),
    TooLarge(String),
    Timeout(String),
    /// Protected by DRM (a purchased or streamed video): the pixels cannot be read.
    Encrypted(String),
    Unreadable(io::Error),
}

impl MediaError {
    /// Stable snake_case name, for JSON output and the catalog.
    pub fn kind(&self) -> &'static str {
        match self {
            MediaError::Empty => "empty",
            MediaError::Truncated(_) => "truncated",
            MediaError::Corrupt(_) => "corrupt",
            MediaError::Unsupported(_) => "unsupported",
            MediaError::TooLarge(_) => "too_large",
            MediaError::Timeout(_) => "timeout",
            MediaError::Encrypted(_) => "encrypted",
            MediaError::Unreadable(_) => "unreadable",
        }
    }
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::Empty => write!(
                f,
                "empty: the file has no content (0 bytes); ask the contributor to send it again"
            ),
            MediaError::Truncated(why) => write!(
                f,
                "truncated: {why}; the upload or copy was probably cut off, ask the contributor to send it again"
            ),
            MediaError::Corrupt(why) => write!(
                f,
                "corrupt: {why}; ask the contributor to export the file again"
            ),
            MediaError::Unsupported(why) => write!(f, "unsupported format: {why}"),
            MediaError::TooLarge(why) => write!(f, "too large: {why}"),
            MediaError::Timeout(why) => write!(
                f,
                "timeout: {why}; the file is probably damaged or crafted, ask the contributor to export it again"
            ),
            MediaError::Encrypted(why) => write!(
                f,
                "encrypted (DRM): {why}; Chorus cannot read protected video, so ask the contributor for the clip as their phone recorded it"
            ),
            MediaError::Unreadable(e) => write!(
                f,
                "unreadable: {e}; check the file's permissions and that the drive is still connected"
            ),
        }
    }
}

impl std::error::Error for MediaError {}

impl From<io::Error> for MediaError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                MediaError::Truncated("the file ends in the middle of its data".into())
            }
            io::ErrorKind::NotFound => MediaError::Unreadable(io::Error::new(
                io::ErrorKind::NotFound,
                "the file disappeared while it was being imported (moved or deleted)",
            )),
            _ => MediaError::Unreadable(e),
        }
    }
}

/// Initialises FFmpeg once per process (quiet logging: problems are reported in our words).
/// A video decoder for `params` that decodes frames on several threads (phones' 4K HEVC is
/// too slow on one core); FFmpeg picks the count.
pub fn threaded_video_decoder(
    params: ffmpeg_next::codec::Parameters,
) -> Result<ffmpeg_next::decoder::Video, ffmpeg_next::Error> {
    ffmpeg_next::codec::context::Context::from_parameters(params).and_then(|mut c| {
        c.set_threading(ffmpeg_next::codec::threading::Config {
            kind: ffmpeg_next::codec::threading::Type::Frame,
            count: 0,
            safe: false,
        });
        c.decoder().video()
    })
}

pub fn init_ffmpeg() {
    clip::init();
}

/// Reads metadata and makes the pictures for a file whose type `sniff` recognised.
pub fn probe(path: &Path, sniffed: &Sniffed, limits: &Limits) -> Result<Probed, MediaError> {
    match sniffed {
        Sniffed::Photo(format) => photo::probe(path, *format, limits),
        Sniffed::Clip(container) => clip::probe(path, container, limits),
        Sniffed::Unknown => clip::probe(path, "unknown", limits).map_err(|e| match e {
            MediaError::Unsupported(_) | MediaError::Corrupt(_) => MediaError::Unsupported(
                "not a photo or video format Chorus recognises (supported: JPEG, HEIC/HEIF, AVIF, PNG, WebP, GIF, TIFF, MP4, MOV, WebM, MKV, AVI, 3GP)".into(),
            ),
            other => other,
        }),
        Sniffed::NotMedia(why) => Err(MediaError::Unsupported((*why).to_string())),
    }
}

/// 64-bit difference hash of a picture: survives resizing and re-encoding, so near-duplicate
/// submissions land close together in Hamming distance.
pub fn dhash(img: &RgbImage) -> u64 {
    let gray = imageops::grayscale(img);
    let small = imageops::resize(&gray, 9, 8, imageops::FilterType::Triangle);
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let left = small.get_pixel(x, y)[0];
            let right = small.get_pixel(x + 1, y)[0];
            hash = (hash << 1) | u64::from(left < right);
        }
    }
    hash
}

/// Whether a hash carries enough structure to compare: flat pictures (a black frame, a
/// white wall) all hash alike and would be flagged as duplicates of each other.
pub fn dhash_is_informative(hash: u64) -> bool {
    (6..=58).contains(&hash.count_ones())
}

/// Scales a picture down to fit `max` on its long side (never up).
pub fn fit_within(img: &RgbImage, max: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    if w <= max && h <= max {
        return img.clone();
    }
    let (nw, nh) = fit_dims(w, h, max);
    // Area averaging in integers: several times faster than a filtered resize, and for a
    // downscale to thumbnail size just as clean.
    imageops::thumbnail(img, nw, nh)
}

/// `fit_within` for a picture the caller no longer needs: no copy when it already fits.
pub fn fit_within_owned(img: RgbImage, max: u32) -> RgbImage {
    if img.width() <= max && img.height() <= max {
        img
    } else {
        fit_within(&img, max)
    }
}

/// Dimensions of a `w`×`h` picture scaled to fit `max` on its long side.
pub fn fit_dims(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w >= h {
        let nh = ((h as u64 * max as u64) / w.max(1) as u64).max(1) as u32;
        (max, nh)
    } else {
        let nw = ((w as u64 * max as u64) / h.max(1) as u64).max(1) as u32;
        (nw, max)
    }
}

/// Encodes a thumbnail as JPEG. Only our own pixels go in: no metadata is carried over.
pub fn encode_jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    // Encoding RGB8 into a Vec cannot fail.
    let _ = enc.encode_image(img);
    out
}

/// Encodes a finished still (JPEG quality 90, PNG, lossless WebP) with an sRGB ICC
/// profile, so every viewer reads its colours as Chorus made them.
pub fn encode_srgb(img: &RgbImage, format: image::ImageFormat) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let (w, h) = img.dimensions();
    let icc = colour::srgb_icc();
    let result = match format {
        image::ImageFormat::Jpeg => {
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            let _ = enc.set_icc_profile(icc);
            enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        }
        image::ImageFormat::Png => {
            let mut enc = image::codecs::png::PngEncoder::new(&mut out);
            let _ = enc.set_icc_profile(icc);
            enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        }
        image::ImageFormat::WebP => {
            let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            let _ = enc.set_icc_profile(icc);
            enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        }
        other => return Err(format!("Chorus does not write {other:?} stills")),
    };
    result.map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dhash_matches_resized_copy_and_differs_from_mirror() {
        let img = RgbImage::from_fn(200, 100, |x, y| {
            let v = ((x * 7 + y * 3) % 255) as u8;
            image::Rgb([v, 255 - v, (x % 50) as u8 * 5])
        });
        let small = imageops::resize(&img, 100, 50, imageops::FilterType::Lanczos3);
        let mirrored = imageops::flip_horizontal(&img);
        let a = dhash(&img);
        assert!((a ^ dhash(&small)).count_ones() <= 4);
        assert!((a ^ dhash(&mirrored)).count_ones() > 16);
    }

    #[test]
    fn fit_dims_keeps_aspect() {
        assert_eq!(fit_dims(4000, 3000, 512), (512, 384));
        assert_eq!(fit_dims(1080, 1920, 512), (288, 512));
    }
}
