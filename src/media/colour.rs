//! Colour spaces of photos. Phones and cameras record wider gamuts than sRGB (Display P3
//! on iPhones, Adobe RGB on cameras) and say so in an embedded ICC profile or, in HEIF, in
//! `nclx` code points. Shown or rendered as if they were sRGB, their colours come out dull
//! and shifted; Chorus converts every photo to sRGB once, right after decoding (moxcms).

use image::RgbImage;
use moxcms::{ColorProfile, Layout, ProfileText, TransformOptions};

/// Where a decoded photo's colours live, when that is not plain sRGB.
pub(crate) struct SourceColour {
    /// Plain words for the asset panel: "Display P3", "Adobe RGB (1998)".
    pub name: String,
    profile: ColorProfile,
}

/// The colour space named by an embedded ICC profile; `None` for sRGB itself, for a
/// profile that cannot be read (the pixels are then taken as sRGB, as browsers do), and
/// for non-RGB profiles (grey, CMYK).
pub(crate) fn from_icc(icc: &[u8]) -> Option<SourceColour> {
    let profile = ColorProfile::new_from_slice(icc).ok()?;
    if profile.color_space != moxcms::DataColorSpace::Rgb {
        return None;
    }
    let name = profile
        .description
        .as_ref()
        .and_then(text)
        .unwrap_or_else(|| "an embedded colour profile".to_string());
    if is_srgb(&profile, &name) {
        return None;
    }
    Some(SourceColour { name, profile })
}

/// HEIF's `nclx` colour primaries (ITU-T H.273 code points) as a colour space.
pub(crate) fn from_primaries(code: u16) -> Option<SourceColour> {
    let (name, profile) = match code {
        // Display P3 (SMPTE EG 432-1), the iPhone's.
        12 => ("Display P3", ColorProfile::new_display_p3()),
        9 => ("BT.2020 (wide gamut)", ColorProfile::new_bt2020()),
        _ => return None,
    };
    Some(SourceColour {
        name: name.to_string(),
        profile,
    })
}

/// Converts `img` from `colour` to sRGB in place. A transform moxcms cannot build leaves
/// the picture as it is, which is what a viewer without colour management would show.
pub(crate) fn to_srgb(img: &mut RgbImage, colour: &SourceColour) {
    let srgb = ColorProfile::new_srgb();
    let Ok(transform) = colour.profile.create_transform_8bit(
        Layout::Rgb,
        &srgb,
        Layout::Rgb,
        TransformOptions::default(),
    ) else {
        return;
    };
    let src = img.as_raw().clone();
    let _ = transform.transform(&src, img.as_mut());
}

/// An sRGB ICC profile, embedded in still exports so that every viewer reads their colours
/// the same way.
pub fn srgb_icc() -> Vec<u8> {
    ColorProfile::new_srgb().encode().unwrap_or_default()
}

fn is_srgb(profile: &ColorProfile, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("srgb") || lower.contains("iec61966-2.1") || lower.contains("iec 61966-2-1") {
        return true;
    }
    // Unnamed or oddly named profiles: compare the red colorant with sRGB's.
    let srgb = ColorProfile::new_srgb();
    let close = |a: f64, b: f64| (a - b).abs() < 0.002;
    close(profile.red_colorant.x, srgb.red_colorant.x)
        && close(profile.red_colorant.y, srgb.red_colorant.y)
        && close(profile.green_colorant.x, srgb.green_colorant.x)
        && close(profile.blue_colorant.z, srgb.blue_colorant.z)
}

fn text(t: &ProfileText) -> Option<String> {
    let s = match t {
        ProfileText::PlainString(s) => s.clone(),
        ProfileText::Localizable(list) => list
            .iter()
            .find(|l| l.language == "en")
            .or(list.first())
            .map(|l| l.value.clone())?,
        ProfileText::Description(d) => {
            if d.ascii_string.trim().is_empty() {
                d.unicode_string.clone()
            } else {
                d.ascii_string.clone()
            }
        }
    };
    let s: String = s
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    (!s.is_empty()).then_some(s)
}

/// The ICC profile of a JPEG: its APP2 `ICC_PROFILE` chunks, joined in sequence order.
pub(crate) fn jpeg_icc(bytes: &[u8]) -> Option<Vec<u8>> {
    const TAG: &[u8] = b"ICC_PROFILE\0";
    let mut chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            break;
        }
        let marker = bytes[i + 1];
        // Start of scan: no more metadata segments.
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        if marker == 0xFF || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += if marker == 0xFF { 1 } else { 2 };
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let body = bytes.get(i + 4..i + 2 + len)?;
        if marker == 0xE2 && body.len() > TAG.len() + 2 && body.starts_with(TAG) {
            chunks.push((body[TAG.len()], &body[TAG.len() + 2..]));
        }
        i += 2 + len;
    }
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|(seq, _)| *seq);
    Some(
        chunks
            .into_iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Display P3's pure red lies outside sRGB: it must come out as sRGB's most saturated
    /// red, and P3 mid-grey must stay grey.
    #[test]
    fn display_p3_red_becomes_srgb_red() {
        let p3 = from_icc(&ColorProfile::new_display_p3().encode().unwrap()).unwrap();
        assert!(p3.name.contains("P3"), "{}", p3.name);
        let mut img =
            RgbImage::from_raw(3, 1, vec![255, 0, 0, 128, 128, 128, 200, 60, 40]).unwrap();
        to_srgb(&mut img, &p3);
        let red = img.get_pixel(0, 0).0;
        assert!(red[0] == 255 && red[1] < 10 && red[2] < 10, "{red:?}");
        let grey = img.get_pixel(1, 0).0;
        assert!(grey.iter().all(|c| c.abs_diff(128) <= 2), "{grey:?}");
        // A P3 orange is more saturated in sRGB numbers: red up, green down.
        let orange = img.get_pixel(2, 0).0;
        assert!(orange[0] > 200 && orange[1] < 60, "{orange:?}");
    }

    #[test]
    fn srgb_profiles_need_no_conversion() {
        assert!(from_icc(&srgb_icc()).is_none());
        assert!(from_icc(b"not a profile").is_none());
        assert!(from_icc(&ColorProfile::new_adobe_rgb().encode().unwrap()).is_some());
    }

    #[test]
    fn finds_a_jpegs_icc_profile_in_its_app2_chunks() {
        let icc = ColorProfile::new_display_p3().encode().unwrap();
        let (a, b) = icc.split_at(icc.len() / 2);
        let mut jpeg = vec![0xFF, 0xD8];
        for (seq, part) in [(2u8, b), (1u8, a)] {
            let len = (2 + 12 + 2 + part.len()) as u16;
            jpeg.extend([0xFF, 0xE2]);
            jpeg.extend(len.to_be_bytes());
            jpeg.extend(b"ICC_PROFILE\0");
            jpeg.extend([seq, 2]);
            jpeg.extend(part);
        }
        jpeg.extend([0xFF, 0xDA, 0, 2]);
        assert_eq!(jpeg_icc(&jpeg).unwrap(), icc);
    }
}
