//! Where a piece goes: each platform's published delivery spec (frame, codec, bitrate,
//! audio, length and size limits, and the part of the frame its own buttons and captions
//! leave clear), and the check of a rendered file against it.
//!
//! One table, `Platform::spec`. Sources, read 2026-11: YouTube Help "Recommended upload
//! encoding settings" (H.264 High, 8 Mb/s at 1080p30 SDR, 35–45 Mb/s at 2160p, AAC-LC
//! 384 kb/s; 12 h / 256 GB) and "Upload YouTube Shorts" (up to 3 min); Meta Business Help
//! Center ad and creative specs (Reels: 9:16, up to 3 min, 4 GB, keep text clear of the top
//! 14%, the bottom 35% and 6% at each side; Stories: 60 s a card, top 14% and bottom 20%
//! clear; feed 4:5 with ~6% margins; Facebook feed up to 241 min, 10 GB); TikTok Help and
//! TikTok Ads Manager video specs (9:16 1080×1920, up to 10 min, 287.6 MB from the iOS app,
//! the right-hand button column ~14% and the caption ~20–25% at the bottom); LinkedIn Help
//! "Video specifications" (3 s to 15 min, up to 5 GB); X "Media best practices" (up to
//! 2 min 20 s, 512 MB, H.264 High, AAC-LC). Safe areas are fractions of each side, so one
//! number holds at every size; where guides disagree we took the larger margin.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use crate::piece::Preset;

/// A place a piece is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Platform {
    Youtube,
    #[serde(rename = "youtube_4k")]
    Youtube4k,
    Shorts,
    Reels,
    Stories,
    InstagramFeed,
    InstagramSquare,
    Tiktok,
    Facebook,
    Linkedin,
    X,
    WebHero,
}

/// Which video encoder a deliverable uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    H264,
    Vp9,
}

/// How a deliverable's picture is encoded: a quality (CRF) with an optional ceiling, or
/// an average bitrate with a ceiling (x264's VBV, so peaks stay within what a platform's
/// ingest or a web page's bandwidth allows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub codec: Codec,
    pub crf: Option<u8>,
    pub average_kbps: Option<u32>,
    pub max_kbps: Option<u32>,
    /// x264's profile and level, as the platform names them.
    pub profile: &'static str,
    pub level: &'static str,
    /// AAC bitrate; `None` makes a file with no sound track at all (a muted autoplay loop).
    pub audio_kbps: Option<u32>,
}

/// The part of the frame a platform's own interface covers, as fractions of the width
/// (left, right) and height (top, bottom). Text Chorus draws stays inside the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SafeArea {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl SafeArea {
    /// The stricter of two (for one render shared by several platforms).
    pub fn union(self, o: SafeArea) -> SafeArea {
        SafeArea {
            top: self.top.max(o.top),
            bottom: self.bottom.max(o.bottom),
            left: self.left.max(o.left),
            right: self.right.max(o.right),
        }
    }
}

/// A platform's published delivery spec.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    pub platform: Platform,
    /// "YouTube", "TikTok": as a marketer says it.
    pub label: &'static str,
    pub shape: Preset,
    pub size: (u32, u32),
    pub encoding: Encoding,
    pub min_ms: u64,
    pub max_ms: u64,
    pub max_bytes: u64,
    pub safe: SafeArea,
    /// Also a WebM (VP9) beside the MP4, for browsers that prefer it.
    pub webm: bool,
}

const MB: u64 = 1_000_000;
const GB: u64 = 1_000 * MB;
const MIN: u64 = 60_000;

const fn h264(average_kbps: u32, max_kbps: u32, level: &'static str, audio: u32) -> Encoding {
    Encoding {
        codec: Codec::H264,
        crf: None,
        average_kbps: Some(average_kbps),
        max_kbps: Some(max_kbps),
        profile: "high",
        level,
        audio_kbps: Some(audio),
    }
}

const fn safe(top: f32, bottom: f32, left: f32, right: f32) -> SafeArea {
    SafeArea {
        top,
        bottom,
        left,
        right,
    }
}

/// Title-safe for players that show controls over the bottom of a landscape video.
const PLAYER: SafeArea = safe(0.05, 0.10, 0.05, 0.05);
/// Feeds that frame a video with their own chrome outside it: a small margin.
const FEED: SafeArea = safe(0.05, 0.05, 0.06, 0.06);

impl Platform {
    pub const ALL: [Platform; 12] = [
        Platform::Youtube,
        Platform::Youtube4k,
        Platform::Shorts,
        Platform::Reels,
        Platform::Stories,
        Platform::InstagramFeed,
        Platform::InstagramSquare,
        Platform::Tiktok,
        Platform::Facebook,
        Platform::Linkedin,
        Platform::X,
        Platform::WebHero,
    ];

    /// The name in documents, file names and `--for` (`youtube`, `tiktok`, `web_hero`).
    pub fn name(self) -> &'static str {
        match self {
            Platform::Youtube => "youtube",
            Platform::Youtube4k => "youtube_4k",
            Platform::Shorts => "shorts",
            Platform::Reels => "reels",
            Platform::Stories => "stories",
            Platform::InstagramFeed => "instagram_feed",
            Platform::InstagramSquare => "instagram_square",
            Platform::Tiktok => "tiktok",
            Platform::Facebook => "facebook",
            Platform::Linkedin => "linkedin",
            Platform::X => "x",
            Platform::WebHero => "web_hero",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Platform::ALL.into_iter().find(|p| p.name() == s)
    }

    pub fn spec(self) -> Spec {
        use Platform as P;
        use Preset::*;
        let (label, shape, size, encoding, min_ms, max_ms, max_bytes, safe_area, webm) = match self
        {
            P::Youtube => (
                "YouTube",
                Hero16x9,
                (1920, 1080),
                h264(8_000, 12_000, "4.1", 384),
                0,
                12 * 60 * MIN,
                256 * GB,
                PLAYER,
                false,
            ),
            P::Youtube4k => (
                "YouTube 4K",
                Hero16x9,
                (3840, 2160),
                h264(40_000, 50_000, "5.1", 384),
                0,
                12 * 60 * MIN,
                256 * GB,
                PLAYER,
                false,
            ),
            P::Shorts => (
                "YouTube Shorts",
                Story9x16,
                (1080, 1920),
                h264(8_000, 12_000, "4.1", 384),
                0,
                3 * MIN,
                256 * GB,
                safe(0.08, 0.25, 0.06, 0.15),
                false,
            ),
            P::Reels => (
                "Instagram Reels",
                Story9x16,
                (1080, 1920),
                h264(6_000, 8_000, "4.1", 128),
                3_000,
                3 * MIN,
                4 * GB,
                safe(0.14, 0.35, 0.06, 0.06),
                false,
            ),
            P::Stories => (
                "Instagram Stories",
                Story9x16,
                (1080, 1920),
                h264(6_000, 8_000, "4.1", 128),
                1_000,
                MIN,
                4 * GB,
                safe(0.14, 0.20, 0.06, 0.06),
                false,
            ),
            P::InstagramFeed => (
                "Instagram feed (4:5)",
                Feed4x5,
                (1080, 1350),
                h264(6_000, 8_000, "4.1", 128),
                3_000,
                60 * MIN,
                4 * GB,
                FEED,
                false,
            ),
            P::InstagramSquare => (
                "Instagram feed (1:1)",
                Square1x1,
                (1080, 1080),
                h264(6_000, 8_000, "4.1", 128),
                3_000,
                60 * MIN,
                4 * GB,
                FEED,
                false,
            ),
            P::Tiktok => (
                "TikTok",
                Story9x16,
                (1080, 1920),
                h264(6_000, 8_000, "4.1", 128),
                3_000,
                10 * MIN,
                287 * MB,
                safe(0.08, 0.22, 0.06, 0.15),
                false,
            ),
            P::Facebook => (
                "Facebook feed",
                Feed4x5,
                (1080, 1350),
                h264(6_000, 8_000, "4.1", 128),
                1_000,
                241 * MIN,
                10 * GB,
                FEED,
                false,
            ),
            P::Linkedin => (
                "LinkedIn",
                Square1x1,
                (1080, 1080),
                h264(5_000, 8_000, "4.1", 192),
                3_000,
                15 * MIN,
                5 * GB,
                FEED,
                false,
            ),
            P::X => (
                "X",
                Hero16x9,
                (1920, 1080),
                h264(6_000, 10_000, "4.1", 128),
                500,
                140_000,
                512 * MB,
                PLAYER,
                false,
            ),
            P::WebHero => (
                "Web hero",
                Hero16x9,
                (1280, 720),
                // A muted loop on a home page: small enough to start at once on a
                // phone's connection (~180 KB a second).
                Encoding {
                    codec: Codec::H264,
                    crf: Some(26),
                    average_kbps: None,
                    max_kbps: Some(1_400),
                    profile: "main",
                    level: "3.1",
                    audio_kbps: None,
                },
                1_000,
                MIN,
                12 * MB,
                PLAYER,
                true,
            ),
        };
        Spec {
            platform: self,
            label,
            shape,
            size,
            encoding,
            min_ms,
            max_ms,
            max_bytes,
            safe: safe_area,
            webm,
        }
    }
}

/// "2 min 20 s", "45 s", "12 h".
pub fn duration_words(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    match (s / 3600, s % 3600 / 60, s % 60) {
        (h, 0, 0) if h > 0 => format!("{h} h"),
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

fn size_words(bytes: u64) -> String {
    if bytes >= GB {
        format!("{:.1} GB", bytes as f64 / GB as f64)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

/// Why a piece cannot go to a platform at all, said before any rendering: too long, or
/// too short.
pub fn refuse_length(spec: &Spec, piece_name: &str, duration_ms: u64) -> Option<String> {
    if duration_ms > spec.max_ms {
        Some(format!(
            "\"{piece_name}\" runs {}, and {} takes at most {}: shorten it (fewer or shorter items) or choose another platform",
            duration_words(duration_ms),
            spec.label,
            duration_words(spec.max_ms)
        ))
    } else if duration_ms < spec.min_ms {
        Some(format!(
            "\"{piece_name}\" runs {}, and {} needs at least {}: add items or lengthen them",
            duration_words(duration_ms),
            spec.label,
            duration_words(spec.min_ms)
        ))
    } else {
        None
    }
}

/// A rendered file measured against its platform: "ready for TikTok", or each thing over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Readiness {
    pub platform: Platform,
    pub label: String,
    pub file: String,
    pub ready: bool,
    /// One sentence per limit the file breaks; empty when ready.
    pub problems: Vec<String>,
    /// What was measured, for the viewer: "1080×1920, 15.2 s, 6.1 Mb/s, 11.6 MB, h264 + aac".
    pub measured: String,
}

impl Readiness {
    pub fn summary(&self) -> String {
        if self.ready {
            format!("ready for {}", self.label)
        } else {
            format!("not ready for {}: {}", self.label, self.problems.join("; "))
        }
    }
}

/// What a file holds, read back with FFmpeg.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probe {
    pub bytes: u64,
    pub duration_ms: u64,
    pub video_codec: Option<String>,
    pub size: (u32, u32),
    pub audio_codec: Option<String>,
    pub kbps: u32,
    /// The video's average frame rate (0 when unknown).
    pub fps: f64,
}

/// The frame rates every platform here takes (film's 23.976 to 60).
const FPS_RANGE: std::ops::RangeInclusive<f64> = 23.9..=60.0;

/// Reads a media file's streams and length.
pub fn probe(path: &Path) -> Result<Probe, String> {
    crate::media::init_ffmpeg();
    let bytes = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    let ictx = ff::format::input(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let duration_ms = u64::try_from(ictx.duration()).unwrap_or(0) / 1000;
    let mut p = Probe {
        bytes,
        duration_ms,
        kbps: (bytes * 8 / duration_ms.max(1)) as u32,
        ..Probe::default()
    };
    for s in ictx.streams() {
        let params = s.parameters();
        let name = params.id().name().to_string();
        match params.medium() {
            ff::media::Type::Video if p.video_codec.is_none() => {
                let r = s.avg_frame_rate();
                if r.denominator() != 0 {
                    p.fps = f64::from(r.numerator()) / f64::from(r.denominator());
                }
                if let Ok(ctx) = ff::codec::context::Context::from_parameters(params) {
                    if let Ok(v) = ctx.decoder().video() {
                        p.size = (v.width(), v.height());
                    }
                }
                p.video_codec = Some(name);
            }
            ff::media::Type::Audio if p.audio_codec.is_none() => p.audio_codec = Some(name),
            _ => {}
        }
    }
    Ok(p)
}

/// Checks a rendered file against `spec`: codec, frame size, length, file size, average
/// bitrate, and sound (present where the platform plays it, absent for a muted loop).
pub fn check(spec: &Spec, path: &Path) -> Readiness {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let measured = match probe(path) {
        Err(e) => {
            problems.push(format!("cannot be read back: {e}"));
            String::new()
        }
        Ok(p) => {
            let want_codec = match (spec.encoding.codec, file.ends_with(".webm")) {
                (_, true) | (Codec::Vp9, _) => "vp9",
                (Codec::H264, false) => "h264",
            };
            match p.video_codec.as_deref() {
                Some(c) if c == want_codec => {}
                Some(c) => problems.push(format!(
                    "its video is {c}; {} wants {want_codec}",
                    spec.label
                )),
                None => problems.push("it has no video".into()),
            }
            if p.video_codec.is_some() && !FPS_RANGE.contains(&p.fps) {
                problems.push(format!(
                    "it runs at {:.0} frames a second; {} takes 24 to 60",
                    p.fps, spec.label
                ));
            }
            if p.size != spec.size {
                problems.push(format!(
                    "it is {}×{}; {} wants {}×{}",
                    p.size.0, p.size.1, spec.label, spec.size.0, spec.size.1
                ));
            }
            if p.duration_ms > spec.max_ms {
                problems.push(format!(
                    "it runs {}, over {}'s {}",
                    duration_words(p.duration_ms),
                    spec.label,
                    duration_words(spec.max_ms)
                ));
            }
            if p.duration_ms < spec.min_ms {
                problems.push(format!(
                    "it runs {}, under {}'s {}",
                    duration_words(p.duration_ms),
                    spec.label,
                    duration_words(spec.min_ms)
                ));
            }
            if p.bytes > spec.max_bytes {
                problems.push(format!(
                    "it is {}, over {}'s {}",
                    size_words(p.bytes),
                    spec.label,
                    size_words(spec.max_bytes)
                ));
            }
            // The container's overhead and the sound ride on top of the picture's ceiling.
            let ceiling = spec
                .encoding
                .max_kbps
                .map(|v| v + spec.encoding.audio_kbps.unwrap_or(0) + v / 10);
            if let Some(max) = ceiling {
                if p.kbps > max {
                    problems.push(format!(
                        "it averages {:.1} Mb/s, over the {:.1} Mb/s {} allows",
                        f64::from(p.kbps) / 1000.0,
                        f64::from(max) / 1000.0,
                        spec.label
                    ));
                }
            }
            match (&p.audio_codec, spec.encoding.audio_kbps) {
                (None, Some(_)) => {
                    problems.push(format!("it has no sound; {} plays sound", spec.label))
                }
                (Some(_), None) => {
                    problems.push(format!("it has a sound track; a {} is muted", spec.label))
                }
                _ => {}
            }
            format!(
                "{}×{}, {:.1} s, {:.1} Mb/s, {}, {}{}",
                p.size.0,
                p.size.1,
                p.duration_ms as f64 / 1000.0,
                f64::from(p.kbps) / 1000.0,
                size_words(p.bytes),
                p.video_codec.as_deref().unwrap_or("no video"),
                p.audio_codec
                    .as_deref()
                    .map(|a| format!(" + {a}"))
                    .unwrap_or_else(|| ", no sound".into())
            )
        }
    };
    Readiness {
        platform: spec.platform,
        label: spec.label.to_string(),
        file,
        ready: problems.is_empty(),
        problems,
        measured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_platform_has_a_coherent_spec() {
        for p in Platform::ALL {
            let s = p.spec();
            assert_eq!(Platform::parse(p.name()), Some(p));
            let (w, h) = s.size;
            let (sw, sh) = s.shape.size();
            // The frame has the shape's proportions and even sides (4:2:0).
            assert_eq!(
                u64::from(w) * u64::from(sh),
                u64::from(h) * u64::from(sw),
                "{p:?}"
            );
            assert!(w % 2 == 0 && h % 2 == 0);
            let a = s.safe;
            assert!(a.top + a.bottom < 0.7 && a.left + a.right < 0.4, "{p:?}");
            assert!(s.min_ms < s.max_ms && s.max_bytes > 0);
        }
        assert_eq!(Platform::parse(" TikTok "), Some(Platform::Tiktok));
        assert_eq!(Platform::parse("web-hero"), Some(Platform::WebHero));
        assert_eq!(Platform::parse("myspace"), None);
    }

    #[test]
    fn lengths_are_refused_with_a_sentence() {
        let x = Platform::X.spec();
        let why = refuse_length(&x, "Summer", 150_000).unwrap();
        assert!(
            why.contains("2 min 30 s") && why.contains("2 min 20 s"),
            "{why}"
        );
        assert!(refuse_length(&x, "Summer", 140_000).is_none());
        let reels = Platform::Reels.spec();
        assert!(refuse_length(&reels, "S", 2_000)
            .unwrap()
            .contains("at least 3 s"));
        assert_eq!(duration_words(12 * 3_600_000), "12 h");
        assert_eq!(duration_words(45_000), "45 s");
    }
}
