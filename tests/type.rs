//! Type on pieces as an audience reads it: names in every script shaped with real fonts
//! (no empty boxes), the brand's own fonts, colours that keep 4.5:1 contrast, the end
//! card's call to action, the corner logo, and captions burned in and written beside the
//! export as WebVTT and SRT, timed to the piece.

use std::path::Path;

use crate::common::*;
use chorus::campaign;
use chorus::library::Library;
use chorus::piece::{self, captions::Cue, Cta};
use chorus::render::{self, brand, text};
use chorus::rights::{self, Channel, Usage};

#[test]
fn names_in_every_script_render_without_empty_boxes() {
    for name in [
        "山田 健二",
        "김민준",
        "さくら・たなか",
        "محمد الأحمد",
        "שירה כהן",
        "प्रिया शर्मा",
        "Zoë Søren Łukasz",
        "Ольга",
        "@mia 😄🎉",
    ] {
        assert_eq!(
            text::missing_glyphs(name),
            0,
            "'{name}' would show empty boxes: a font for its script is missing"
        );
    }
    // Arabic letters join: shaped, the name is narrower than its letters set apart.
    let joined = text::rasterise("محمد", 40.0).width();
    let apart: u32 = ["م", "ح", "م", "د"]
        .iter()
        .map(|l| text::rasterise(l, 40.0).width())
        .sum();
    assert!(
        joined < apart,
        "shaped {joined} px, letters apart {apart} px"
    );
    // Emoji keep their colours.
    let emoji = text::rasterise("😄", 40.0);
    assert!(
        emoji.colour.is_some(),
        "colour emoji are drawn in colour: {}x{}, missing {}, ink {}",
        emoji.width(),
        emoji.height(),
        emoji.missing,
        emoji.image.pixels().filter(|p| p.0[0] > 0).count()
    );
}

fn kit_dir(dir: &Path, json: &str, files: &[(&str, &[u8])]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("brand.json"), json).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir.to_string_lossy().into_owned()
}

#[test]
fn the_brand_kit_brings_its_fonts_and_keeps_its_text_legible() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    let font = std::fs::read(repo().join("assets/brand/fonts/DejaVuSans-Bold.ttf")).unwrap();
    // The brand's own heading font; an accent too faint on the primary is made legible.
    let good = kit_dir(
        &dir.path().join("good"),
        r##"{"tagline":"Shot by you","colours":{"primary":"#1d3f72","accent":"#e8553e","text":"#ffffff"},"fonts":{"heading":"Brand-Bold.ttf"}}"##,
        &[("Brand-Bold.ttf", &font)],
    );
    lib.set_setting("brand_kit", &good).unwrap();
    let kit = brand::load(&lib).unwrap();
    assert_eq!(kit.heading_font.as_deref(), Some("DejaVu Sans"));
    assert!(brand::contrast([0xe8, 0x55, 0x3e], kit.primary) < 4.5);
    assert!(
        brand::contrast(kit.accent, kit.primary) >= 4.5,
        "accent adjusted to {:?}",
        kit.accent
    );
    // Text the audience cannot read is refused with the ratio and what to do.
    let grey = kit_dir(
        &dir.path().join("grey"),
        r##"{"tagline":"x","colours":{"primary":"#777777","accent":"#000000","text":"#999999"}}"##,
        &[],
    );
    lib.set_setting("brand_kit", &grey).unwrap();
    let e = brand::load(&lib).unwrap_err().to_string();
    assert!(e.contains("contrast of 1.") && e.contains("4.5:1"), "{e}");
    // A "font" that is not one, and a font path that leaves the kit's folder.
    let fake = kit_dir(
        &dir.path().join("fake"),
        r##"{"tagline":"x","colours":{"primary":"#000000","accent":"#ffffff","text":"#ffffff"},"fonts":{"body":"body.otf"}}"##,
        &[("body.otf", b"<html>not a font</html>")],
    );
    lib.set_setting("brand_kit", &fake).unwrap();
    let e = brand::load(&lib).unwrap_err().to_string();
    assert!(
        e.contains("the body font: not a TrueType or OpenType font"),
        "{e}"
    );
    let escape = kit_dir(
        &dir.path().join("escape"),
        r##"{"tagline":"x","colours":{"primary":"#000000","accent":"#ffffff","text":"#ffffff"},"fonts":{"heading":"../good/Brand-Bold.ttf"}}"##,
        &[],
    );
    lib.set_setting("brand_kit", &escape).unwrap();
    let e = brand::load(&lib).unwrap_err().to_string();
    assert!(e.contains("must be a file in the kit's folder"), "{e}");
}

fn photo_item(a: &chorus::catalog::Asset, ms: u64) -> piece::Item {
    piece::Item {
        kind: a.kind,
        ..clip_item(a.id, 0, ms)
    }
}

#[test]
fn a_call_to_action_is_checked_like_any_hand_edited_text() {
    let s = ingest_samples();
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let check = |cta: Cta| {
        let mut doc = montage(
            "CTA",
            piece::Preset::Square1x1,
            vec![photo_item(&photo, 2000)],
        );
        if let piece::Content::Montage(m) = &mut doc.content {
            m.outro_card = true;
            m.card_ms = 1500;
            m.cta = Some(cta);
        }
        doc.validate(s.lib.conn())
            .map_err(|e| e.to_string())
            .err()
            .unwrap_or_default()
    };
    let cta = |text: &str, url: &str| Cta {
        text: text.into(),
        url: url.into(),
    };
    assert_eq!(check(cta("Share yours", "brand.example/summer")), "");
    assert_eq!(check(cta("Share yours", "https://brand.example/s?x=1")), "");
    assert!(check(cta("", "brand.example")).contains("needs words"));
    assert!(check(cta(&"x".repeat(61), "")).contains("longer than 60"));
    assert!(check(cta("Go\u{7}", "")).contains("control characters"));
    for bad in [
        "javascript:alert(1)",
        "brand",
        "http://exa mple.com",
        "-bad-.com",
    ] {
        assert!(check(cta("Go", bad)).contains("not a web address"), "{bad}");
    }
}

#[test]
fn a_long_call_to_action_wraps_inside_a_tall_frame() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    let kit = brand::load(&lib).unwrap();
    let card = brand::card(
        &kit,
        1080,
        1920,
        "Share your summer with #ShotWithLumio",
        "lumio.example/summer",
    );
    // Nothing but the card's colour (within the YUV round trip) in the outer 40 px on
    // either side: the line wrapped.
    let inked = |p: &image::Rgb<u8>| p.0.iter().zip(kit.primary).any(|(a, b)| a.abs_diff(b) > 6);
    let ink_at_edges = (0..1920)
        .flat_map(|y| (0..40).chain(1040..1080).map(move |x| (x, y)))
        .filter(|&(x, y)| inked(card.get_pixel(x, y)))
        .count();
    assert_eq!(
        ink_at_edges, 0,
        "the call to action runs off a 1080 px wide card"
    );
    let ink = card.pixels().filter(|p| inked(p)).count();
    assert!(ink > 20_000, "the card has its text ({ink} pixels)");
}

#[test]
fn captions_are_burned_in_and_exported_beside_the_video_timed_to_the_piece() {
    let s = ingest_samples();
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let clip = asset_named(&s.lib, "beach_day.mp4");
    // A contributor's SRT for the clip, read onto an item trimmed to 1-3 s of it.
    let srt = s.dir.path().join("beach.srt");
    std::fs::write(
        &srt,
        "1\n00:00:00,500 --> 00:00:01,500\nSurf's up\n\n2\n00:00:02,000 --> 00:00:03,500\nשלום 😄\n",
    )
    .unwrap();
    let mut first = photo_item(&photo, 2000);
    first.captions = vec![Cue {
        start_ms: 0,
        end_ms: 2000,
        text: "Picnic day, 山田さん".into(),
    }];
    let mut second = clip_item(clip.id, 1000, 3000);
    second.captions = piece::captions::for_trim(
        &piece::captions::read_file(&srt).unwrap(),
        second.in_ms,
        second.out_ms,
    );
    assert_eq!(second.captions.len(), 2, "{:?}", second.captions);
    let mut doc = montage("Captions", piece::Preset::Square1x1, vec![first, second]);
    if let piece::Content::Montage(m) = &mut doc.content {
        m.intro_card = true;
        m.outro_card = true;
        m.card_ms = 1000;
        m.corner_logo = true;
        m.cta = Some(Cta {
            text: "Share yours".into(),
            url: "brand.example/summer".into(),
        });
    }
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Captions", &usage).unwrap();
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("exports");
    let folder = chorus::export::export(&s.lib, &c, &p, &[], &[], &out, &mut |_| true).unwrap();
    // Intro 1 s, photo 1-3 s, clip 3-5 s (its cues from 0-0.5 s and 1-2 s of the item).
    let vtt = std::fs::read_to_string(folder.join("captions-square_1x1.vtt")).unwrap();
    assert_eq!(
        vtt,
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nPicnic day, 山田さん\n\n00:00:03.000 --> 00:00:03.500\nSurf's up\n\n00:00:04.000 --> 00:00:05.000\nשלום 😄\n"
    );
    let srt_out = std::fs::read_to_string(folder.join("captions-square_1x1.srt")).unwrap();
    assert!(srt_out.starts_with("1\n00:00:01,000 --> 00:00:03,000\nPicnic day, 山田さん\n"));
    // Burned in: a dark box behind light text low in the frame while a cue shows, none
    // after the cues; the corner logo over the footage; the CTA on the end card.
    let video = folder.join("captions-square_1x1.mp4");
    let uncaptioned = {
        let mut plain = p.document.clone();
        if let piece::Content::Montage(m) = &mut plain.content {
            m.burn_captions = false;
        }
        let cleared = rights::require_cleared(s.lib.conn(), &c, &plain.asset_ids()).unwrap();
        let path = s.dir.path().join("plain.mp4");
        render::render_video(&s.lib, &cleared, &plain, &path, &mut |_| true).unwrap();
        path
    };
    // Mean brightness of the lower middle of the frame, where captions sit.
    let band = |path: &Path, ms: i64| {
        let f = frame_of_video(path, ms);
        let (w, h) = f.dimensions();
        let (mut sum, mut n) = (0u64, 0u64);
        for y in h * 78 / 100..h * 85 / 100 {
            for x in w * 30 / 100..w * 70 / 100 {
                sum += f
                    .get_pixel(x, y)
                    .0
                    .iter()
                    .map(|v| u64::from(*v))
                    .sum::<u64>();
                n += 3;
            }
        }
        sum as f64 / n as f64
    };
    let (with, without) = (band(&video, 2000), band(&uncaptioned, 2000));
    assert!(
        with < without * 0.8,
        "a caption box at 2 s: brightness {with:.0} against {without:.0} without captions"
    );
    let (after, plain_after) = (band(&video, 3700), band(&uncaptioned, 3700));
    assert!(
        (after - plain_after).abs() < 3.0,
        "no caption between cues: {after:.0} against {plain_after:.0}"
    );
    let logo = frame_of_video(&video, 2000);
    let (w, _) = logo.dimensions();
    let coral = (w * 80 / 100..w * 96 / 100)
        .flat_map(|x| (10..60).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = logo.get_pixel(x, y).0;
            p[0] > 180 && p[1] < 130 && p[2] < 120
        })
        .count();
    assert!(coral > 50, "the corner logo ({coral} coral pixels)");
}

#[test]
fn a_font_the_brand_sends_becomes_its_heading_font_in_the_librarys_own_kit() {
    use chorus::api::brand::{self as kit_api, FontRole};
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open_or_create(&dir.path().join("lib")).unwrap();
    let before = kit_api::view(&lib).unwrap();
    assert_eq!(
        (before.folder.as_deref(), before.heading_font.as_deref()),
        (None, None)
    );
    assert!(before.text_contrast >= 4.5 && before.accent_contrast >= 4.5);
    // Not a font: refused, nothing changed.
    let fake = dir.path().join("brand.ttf");
    std::fs::write(&fake, b"GIF89a not a font").unwrap();
    let e = kit_api::set_font(&lib, FontRole::Heading, &fake)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a TrueType or OpenType font file"), "{e}");
    assert_eq!(kit_api::view(&lib).unwrap().folder, None);
    // A real one: the kit is copied into the library and the font added to the copy.
    let font = repo().join("assets/brand/fonts/DejaVuSans-Bold.ttf");
    let after = kit_api::set_font(&lib, FontRole::Heading, &font).unwrap();
    assert_eq!(after.heading_font.as_deref(), Some("DejaVu Sans"));
    let folder = std::path::PathBuf::from(after.folder.unwrap());
    assert!(folder.starts_with(lib.root()));
    assert!(folder.join("heading.ttf").is_file() && folder.join("logo.png").is_file());
    assert_eq!(after.name, before.name);
    // The built-in kit in the repository is untouched.
    let shipped = std::fs::read_to_string(repo().join("assets/brand/brand.json")).unwrap();
    assert!(!shipped.contains("heading"));
    // A kit folder that cannot be used is refused by the setting, the old one kept.
    let e = chorus::api::settings::set(&lib, "brand_kit", "/nonexistent/kit")
        .unwrap_err()
        .to_string();
    assert!(e.contains("brand_kit not changed"), "{e}");
    assert_eq!(
        kit_api::view(&lib).unwrap().heading_font.as_deref(),
        Some("DejaVu Sans")
    );
}
