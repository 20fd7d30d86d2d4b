//! Automatic tags, derived from catalogued metadata. Each rule is one function in `RULES`:
//! adding a tag means adding a function here and nothing else.

use crate::media::{Kind, MediaInfo};

type Rule = fn(&MediaInfo) -> Option<&'static str>;

const RULES: &[Rule] = &[orientation, resolution, duration, audio, hdr];

/// Every automatic tag that applies to an asset, in a stable order.
pub fn tags_for(info: &MediaInfo) -> Vec<&'static str> {
    RULES.iter().filter_map(|rule| rule(info)).collect()
}

fn orientation(info: &MediaInfo) -> Option<&'static str> {
    let (w, h) = (info.width, info.height);
    // Within 2% counts as square: phones crop 1:1 to slightly uneven sizes.
    Some(if w.abs_diff(h) * 50 <= w.max(h) {
        "square"
    } else if w > h {
        "landscape"
    } else {
        "portrait"
    })
}

fn resolution(info: &MediaInfo) -> Option<&'static str> {
    let short = info.width.min(info.height);
    let pixels = u64::from(info.width) * u64::from(info.height);
    Some(match info.kind? {
        Kind::Clip if short >= 2160 => "4k",
        Kind::Clip if short >= 720 => "hd",
        Kind::Clip => "sd",
        // A 1080 px feed post needs about 1 MP; below that a photo looks soft on screen.
        Kind::Photo if pixels < 1_000_000 => "low-res",
        Kind::Photo if short >= 2160 => "4k",
        Kind::Photo => "hd",
    })
}

fn duration(info: &MediaInfo) -> Option<&'static str> {
    if info.kind? != Kind::Clip {
        return None;
    }
    let ms = info.duration_ms?;
    Some(match ms {
        ..=5_999 => "short",
        6_000..=29_999 => "medium",
        _ => "long",
    })
}

fn audio(info: &MediaInfo) -> Option<&'static str> {
    (info.kind? == Kind::Clip && info.has_audio).then_some("has-audio")
}

fn hdr(info: &MediaInfo) -> Option<&'static str> {
    (info.kind? == Kind::Clip && info.hdr).then_some("hdr")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(w: u32, h: u32, ms: i64, audio: bool) -> MediaInfo {
        MediaInfo {
            kind: Some(Kind::Clip),
            width: w,
            height: h,
            duration_ms: Some(ms),
            has_audio: audio,
            ..MediaInfo::default()
        }
    }

    #[test]
    fn vertical_phone_clip() {
        assert_eq!(
            tags_for(&clip(1080, 1920, 12_000, true)),
            ["portrait", "hd", "medium", "has-audio"]
        );
    }

    #[test]
    fn small_square_silent_clip() {
        assert_eq!(
            tags_for(&clip(480, 480, 2_000, false)),
            ["square", "sd", "short"]
        );
    }

    #[test]
    fn photos_have_no_clip_tags() {
        let photo = MediaInfo {
            kind: Some(Kind::Photo),
            width: 640,
            height: 480,
            ..MediaInfo::default()
        };
        assert_eq!(tags_for(&photo), ["landscape", "low-res"]);
    }
}
