//! Platform exports: each file made to its platform's published spec and read back by
//! ffprobe, text kept out of the platform's buttons and captions, and a piece a platform
//! cannot take refused before anything renders.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use chorus::api::{self, ErrorKind, PieceId};
use chorus::export::{self, ExportError};
use chorus::piece::{self, Cta, Preset};
use chorus::platform::{self, Platform};
use chorus::render::{self, Quality};
use serde_json::Value;

fn photo_item(a: &chorus::catalog::Asset, ms: u64) -> piece::Item {
    piece::Item {
        kind: a.kind,
        ..clip_item(a.id, 0, ms)
    }
}

/// ffprobe's view of a file's streams: (codec_type, codec_name, width, height).
fn streams(path: &Path) -> Vec<(String, String, u64, u64)> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,codec_name,width,height",
        ])
        .args(["-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["codec_type"].as_str().unwrap_or("").to_string(),
                s["codec_name"].as_str().unwrap_or("").to_string(),
                s["width"].as_u64().unwrap_or(0),
                s["height"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn one_piece_exported_for_reels_tiktok_and_the_web_is_made_to_each_spec_and_checked() {
    let mut s = ingest_samples();
    let clip = asset_named(&s.lib, "beach_day.mp4");
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let mut first = clip_item(clip.id, 0, 2000);
    first.credit = "@beach".into();
    let mut second = photo_item(&photo, 1500);
    second.credit = "@picnic".into();
    let (mut doc, _) = cleared_montage(&mut s, vec![first, second]);
    doc.name = "Summer".into();
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let folder = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[],
        &[
            Platform::Reels,
            Platform::Tiktok,
            Platform::X,
            Platform::WebHero,
        ],
        Some(&out),
        &mut |_| true,
    )
    .unwrap();
    // Read back by an outside tool: the frame, codec and sound each platform wants.
    let v = |t: &str, c: &str, w: u64, h: u64| (t.to_string(), c.to_string(), w, h);
    for name in ["summer-reels.mp4", "summer-tiktok.mp4"] {
        let st = streams(&folder.join(name));
        assert!(
            st.contains(&v("video", "h264", 1080, 1920)),
            "{name}: {st:?}"
        );
        assert!(
            st.iter().any(|s| s.0 == "audio" && s.1 == "aac"),
            "{name}: {st:?}"
        );
    }
    // The home page's loop: no sound track at all, 720p, and a VP9 WebM beside it.
    let hero = streams(&folder.join("summer-web_hero.mp4"));
    assert_eq!(hero, vec![v("video", "h264", 1280, 720)]);
    let webm = streams(&folder.join("summer-web_hero.webm"));
    assert_eq!(webm, vec![v("video", "vp9", 1280, 720)]);
    // Reels and TikTok ask for the same encoding of the same frames: one encode, two names
    // (each file then carries its own signed content credentials, so compare the streams).
    let packets = |name: &str| {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(folder.join(name))
            .args(["-map", "0", "-c", "copy", "-f", "streamhash", "-"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(packets("summer-reels.mp4"), packets("summer-tiktok.mp4"));
    let bytes = std::fs::metadata(folder.join("summer-web_hero.mp4"))
        .unwrap()
        .len();
    assert!(
        bytes < 1_000_000,
        "a 3.5 s muted loop is small ({bytes} bytes)"
    );
    // Each checked against its platform, now and as the app shows it.
    let ready = api::exports::readiness(&folder);
    assert_eq!(ready.len(), 5, "{ready:?}");
    for r in &ready {
        assert!(r.ready, "{}: {}", r.file, r.summary());
    }
    assert!(ready.iter().any(|r| r.summary() == "ready for TikTok"));
    let manifest: export::Manifest =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    let reels = manifest
        .outputs
        .iter()
        .find(|o| o.file == "summer-reels.mp4")
        .unwrap();
    assert_eq!(reels.platform, Some(Platform::Reels));
    assert_eq!(reels.preset, Preset::Story9x16);
    assert_eq!(manifest.readiness.len(), 5);
    // X (1920×1080) and the web hero (1280×720) are one 16:9 pass, the hero scaled down.
    let x = streams(&folder.join("summer-x.mp4"));
    assert!(x.contains(&v("video", "h264", 1920, 1080)), "{x:?}");

    // Someone edits the manifest to call the loop a TikTok and to point outside the
    // folder: the viewer measures again and says what is wrong, and skips the path.
    let mut edited: Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    for o in edited["outputs"].as_array_mut().unwrap() {
        if o["file"] == "summer-web_hero.mp4" {
            o["platform"] = "tiktok".into();
        }
        if o["file"] == "summer-reels.mp4" {
            o["file"] = "../../../etc/passwd".into();
        }
    }
    std::fs::write(folder.join("manifest.json"), edited.to_string()).unwrap();
    let again = api::exports::readiness(&folder);
    assert_eq!(
        again.len(),
        4,
        "the path outside the folder is skipped: {again:?}"
    );
    let fake = again
        .iter()
        .find(|r| r.file == "summer-web_hero.mp4")
        .unwrap();
    assert!(!fake.ready);
    let said = fake.summary();
    assert!(
        said.contains("1280×720; TikTok wants 1080×1920") && said.contains("it has no sound"),
        "{said}"
    );
}

#[test]
fn a_file_that_breaks_a_platforms_limits_is_told_exactly_what_is_over() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.mp4");
    // Two seconds of MPEG-4 Part 2 at 640×360, no sound, at a high bitrate.
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=640x360:rate=120:duration=2",
        "-c:v",
        "mpeg4",
        "-q:v",
        "1",
        bad.to_str().unwrap(),
    ]);
    let r = platform::check(&Platform::Tiktok.spec(), &bad);
    assert!(!r.ready);
    let all = r.problems.join(" | ");
    for want in [
        "its video is mpeg4; TikTok wants h264",
        "it is 640×360; TikTok wants 1080×1920",
        "under TikTok's 3 s",
        "it has no sound",
        "it runs at 120 frames a second; TikTok takes 24 to 60",
    ] {
        assert!(all.contains(want), "missing '{want}' in: {all}");
    }
    // The web loop's ceiling: this file averages far more than 1.4 Mb/s.
    let r = platform::check(&Platform::WebHero.spec(), &bad);
    assert!(
        r.problems.iter().any(|p| p.contains("Mb/s, over")),
        "{:?}",
        r.problems
    );
    // Not a video at all.
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "not a video").unwrap();
    let r = platform::check(&Platform::X.spec(), &text);
    assert!(
        !r.ready && r.problems[0].starts_with("cannot be read back"),
        "{r:?}"
    );
}

#[test]
fn a_piece_longer_than_a_platform_takes_is_refused_before_anything_renders() {
    let mut s = ingest_samples();
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    // Two and a half minutes on one photo: fine for YouTube, too long for X (2 min 20 s).
    let (mut doc, _) = cleared_montage(&mut s, vec![photo_item(&photo, 150_000)]);
    doc.name = "Long read".into();
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let out = s.dir.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let started = std::time::Instant::now();
    let err = api::exports::export(
        &s.lib,
        PieceId(p.id),
        &[],
        &[Platform::Youtube, Platform::X, Platform::Stories],
        Some(&out),
        &mut |_| panic!("nothing renders"),
    )
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid);
    assert!(
        err.message
            .contains("\"Long read\" runs 2 min 30 s, and X takes at most 2 min 20 s")
            && err
                .message
                .contains("Instagram Stories takes at most 1 min"),
        "{}",
        err.message
    );
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing written"
    );
    // The engine's own door says the same.
    let e = export::export(&s.lib, &c, &p, &[], &[Platform::X], &out, &mut |_| true).unwrap_err();
    assert!(matches!(e, ExportError::NotForPlatform(_)));
    assert!(export::check_platforms(&p.document, &[Platform::Youtube]).is_ok());
}

/// Pixels of `a` that differ clearly from `b`, as (x, y).
fn differences(a: &image::RgbImage, b: &image::RgbImage) -> Vec<(u32, u32)> {
    a.enumerate_pixels()
        .filter(|(x, y, p)| {
            let q = b.get_pixel(*x, *y);
            (0..3).any(|c| (i16::from(p.0[c]) - i16::from(q.0[c])).abs() > 40)
        })
        .map(|(x, y, _)| (x, y))
        .collect()
}

#[test]
fn credits_captions_and_cards_stay_inside_the_platforms_safe_area() {
    let mut s = ingest_samples();
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let mut item = photo_item(&photo, 2000);
    item.credit = "@a_rather_long_handle".into();
    item.captions = vec![piece::captions::Cue {
        start_ms: 0,
        end_ms: 2000,
        text: "Our picnic by the lake, every single summer".into(),
    }];
    let (mut doc, cleared) = cleared_montage(&mut s, vec![item]);
    doc.preset = Preset::Story9x16;
    let mut bare = doc.clone();
    if let piece::Content::Montage(m) = &mut doc.content {
        m.outro_card = true;
        m.card_ms = 1000;
        m.cta = Some(Cta {
            text: "Share your summer with #ShotWithOurBrandThisYear".into(),
            url: "brand.example/summer-stories-2027".into(),
        });
    }
    if let piece::Content::Montage(m) = &mut bare.content {
        m.items[0].credit.clear();
        m.items[0].captions.clear();
    }
    for platform in [Platform::Reels, Platform::Tiktok] {
        let spec = platform.spec();
        let (w, h) = spec.size;
        let safe = spec.safe;
        let inside = |(x, y): (u32, u32)| {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            // A pixel or two of the text's soft shadow.
            let slack = 0.004;
            fx >= safe.left - slack
                && fx <= 1.0 - safe.right + slack
                && fy >= safe.top - slack
                && fy <= 1.0 - safe.bottom + slack
        };
        let path = s.dir.path().join(format!("{}.mp4", platform.name()));
        let plain = s.dir.path().join(format!("{}-bare.mp4", platform.name()));
        let q = Quality::Deliver(platform);
        render::render_with(&s.lib, &cleared, &doc, &path, q, &mut |_| true).unwrap();
        render::render_with(&s.lib, &cleared, &bare, &plain, q, &mut |_| true).unwrap();
        // The credit and the caption: everything they add lies inside the safe area.
        let diff = differences(&frame_of_video(&path, 1000), &frame_of_video(&plain, 1000));
        assert!(
            diff.len() > 5_000,
            "{platform:?}: text was drawn ({})",
            diff.len()
        );
        let outside: Vec<_> = diff.iter().copied().filter(|&p| !inside(p)).collect();
        assert!(
            outside.is_empty(),
            "{platform:?}: {} text pixels under the platform's interface, e.g. {:?}",
            outside.len(),
            &outside[..outside.len().min(5)]
        );
        // The end card: logo, call to action and address all inside, on a flat ground.
        let card = frame_of_video(&path, 2900);
        let ground = *card.get_pixel(2, 2);
        let ground = image::RgbImage::from_pixel(w, h, ground);
        let ink = differences(&card, &ground);
        assert!(ink.len() > 10_000, "{platform:?}: the card has its text");
        let outside = ink.iter().filter(|&&p| !inside(p)).count();
        assert_eq!(
            outside, 0,
            "{platform:?}: card pixels outside the safe area"
        );
    }
}

#[test]
fn a_shot_blown_up_past_twice_its_size_is_flagged() {
    let mut s = ingest_samples();
    let small = asset_named(&s.lib, "beach_day.mp4"); // 640×360
    let sharp = asset_named(&s.lib, "sunset_silent.mp4"); // 1280×720
    let photo = asset_named(&s.lib, "family_picnic.jpg"); // 1600×1200
    let mut cropped = clip_item(sharp.id, 0, 1000);
    cropped.fit = piece::Fit::Crop;
    let mut whole = clip_item(sharp.id, 1000, 2000);
    whole.fit = piece::Fit::BlurredFill;
    let (mut doc, _) = cleared_montage(
        &mut s,
        vec![
            clip_item(small.id, 0, 1000),
            cropped,
            whole,
            photo_item(&photo, 1000),
        ],
    );
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    // 16:9 at 1080p: only the 640×360 clip (3×).
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let soft = chorus::views::piece_view(s.lib.conn(), p.id).unwrap().soft;
    assert_eq!(soft.len(), 1, "{soft:?}");
    assert_eq!((soft[0].index, soft[0].asset_id), (0, small.id));
    assert!((soft[0].scale - 3.0).abs() < 0.01);
    assert!(
        soft[0].why.contains("shown at 3.0× its 640×360 source"),
        "{}",
        soft[0].why
    );
    // 9:16: the 720p clip cropped to fill 1920 px of height is 2.7×; shown whole it is not.
    doc.name = "Tall".into();
    doc.preset = Preset::Story9x16;
    let p = piece::create(s.lib.conn(), &c, &doc).unwrap();
    let soft = chorus::views::piece_view(s.lib.conn(), p.id).unwrap().soft;
    let flagged: Vec<u32> = soft.iter().map(|x| x.index).collect();
    assert_eq!(flagged, [0, 1], "{soft:?}");
    assert!(soft[1].why.contains("show it whole"), "{}", soft[1].why);
}

#[test]
fn auto_assemble_prefers_sources_that_suit_the_frame() {
    let mut s = ingest_samples();
    let wide = asset_named(&s.lib, "sunset_silent.mp4"); // a 1280×720 clip
    let tall = asset_named(&s.lib, "portrait_rotated.jpg"); // 900×1200 upright
    let (_, _) = cleared_montage(
        &mut s,
        vec![clip_item(wide.id, 0, 1000), photo_item(&tall, 1000)],
    );
    chorus::catalog::curate(
        &mut s.lib,
        &[wide.id, tall.id],
        chorus::catalog::Curation::Selected,
    )
    .unwrap();
    let c = chorus::campaign::get(s.lib.conn(), "Phones").unwrap();
    let first = |preset: Preset, name: &str| {
        let p = api::pieces::auto(&s.lib, api::CampaignId(c.id), name, preset, 6).unwrap();
        match &p.document.content {
            piece::Content::Montage(m) => m.items[0].asset_id,
            _ => panic!("a montage"),
        }
    };
    // A story opens on the portrait photo that fills it, not the landscape clip that
    // would be a band in blur (at equal rating a clip otherwise leads).
    assert_eq!(first(Preset::Story9x16, "Tall"), tall.id);
    assert_eq!(first(Preset::Hero16x9, "Wide"), wide.id);
}
