//! Rendering montages: real MP4s, opened again and checked — length to the frame,
//! resolution, codecs, frame rate, fast start, orientation and fill — and renders that
//! cannot happen: uncleared assets, cancellation.

use std::path::Path;

use crate::common::*;
use chorus::campaign;
use chorus::catalog::{self, Curation};
use chorus::media::{self, Kind, Limits, Sniffed};
use chorus::piece::{self, assemble};
use chorus::render::{self, RenderError};
use chorus::rights::{self, Channel, Usage};

fn setup() -> (Ingested, campaign::Campaign) {
    let mut s = ingest_samples();
    let ids: Vec<i64> = [
        "beach_day.mp4",
        "unboxing_vertical.mp4",
        "sunset_silent.mp4",
        "concert.webm",
        "family_picnic.jpg",
    ]
    .iter()
    .map(|n| asset_named(&s.lib, n).id)
    .collect();
    catalog::curate(&mut s.lib, &ids, Curation::Selected).unwrap();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2026-07-01").unwrap(),
        ends_on: campaign::parse_date("2026-07-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Render test", &usage).unwrap();
    (s, c)
}

/// The top-level boxes of an MP4, in order.
fn boxes(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        out.push(String::from_utf8_lossy(&bytes[at + 4..at + 8]).to_string());
        if size < 8 {
            break;
        }
        at += size;
    }
    out
}

#[test]
fn an_auto_assembled_square_montage_renders_to_the_frame() {
    let (s, c) = setup();
    let doc = assemble::auto_montage(&s.lib, &c, "Square", piece::Preset::Square1x1, 6).unwrap();
    let cleared = rights::require_cleared(s.lib.conn(), &c, &doc.asset_ids()).unwrap();
    let out = s.dir.path().join("square.mp4");
    let mut seen = Vec::new();
    let done = render::render_video(&s.lib, &cleared, &doc, &out, &mut |f| {
        seen.push(f);
        true
    })
    .unwrap();
    assert_eq!(done.frames, 180);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&1.0),
        "progress rises to 1"
    );

    let info = media::probe(&out, &Sniffed::Clip("mp4"), &Limits::default())
        .unwrap()
        .info;
    assert_eq!((info.width, info.height), (1080, 1080));
    assert!(
        (info.duration_ms.unwrap() - 6000).abs() <= 34,
        "{:?}",
        info.duration_ms
    );
    assert_eq!(info.frame_rate, Some(30.0));
    assert_eq!(info.video_codec.as_deref(), Some("h264"));
    assert_eq!(info.audio_codec.as_deref(), Some("aac"));
    let order = boxes(&out);
    let moov = order.iter().position(|b| b == "moov").unwrap();
    let mdat = order.iter().position(|b| b == "mdat").unwrap();
    assert!(moov < mdat, "fast start: the index comes first ({order:?})");
    assert!(!s.dir.path().join(".square.mp4.partial").exists());
}

#[test]
fn a_rotated_clip_in_a_wide_frame_is_upright_over_a_blurred_fill() {
    let (s, c) = setup();
    let clip = catalog::get(
        s.lib.conn(),
        asset_named(&s.lib, "unboxing_vertical.mp4").id,
    )
    .unwrap();
    let item = |fit| piece::Item {
        asset_id: clip.id,
        source_hash: clip.hash.clone(),
        kind: Kind::Clip,
        in_ms: 0,
        out_ms: 1000,
        pan_zoom: false,
        fit,
        transition: piece::Transition::default(),
        credit: "@benskates".into(),
        sound: Default::default(),
        captions: Vec::new(),
    };
    let doc = |fit| montage("one", piece::Preset::Hero16x9, vec![item(fit)]);
    let cleared = rights::require_cleared(s.lib.conn(), &c, &[clip.id]).unwrap();
    let poster = |fit| {
        let out = s.dir.path().join(format!("{fit:?}.mp4"));
        render::render_video(&s.lib, &cleared, &doc(fit), &out, &mut |_| true).unwrap();
        media::probe(&out, &Sniffed::Clip("mp4"), &Limits::default())
            .unwrap()
            .poster
    };
    let blurred = poster(piece::Fit::BlurredFill);
    let letterbox = poster(piece::Fit::Letterbox);
    assert_eq!(blurred.dimensions(), (512, 288));
    let sum = |p: &image::Rgb<u8>| p.0.iter().map(|&v| u32::from(v)).sum::<u32>();
    // Left of the picture: the blurred fill has colour, the letterbox is black.
    assert!(
        sum(blurred.get_pixel(20, 144)) > 60,
        "blurred fill is not black"
    );
    assert!(
        sum(letterbox.get_pixel(20, 144)) < 30,
        "letterbox bars are black"
    );
    // The picture stands upright: 608 of 1920 px wide, centred; the sample's white marker
    // (top-left of the stored pixels, turned a quarter counter-clockwise) sits bottom-left.
    let white =
        (176..196).any(|x| (270..286).any(|y| blurred.get_pixel(x, y).0.iter().all(|&v| v > 200)));
    assert!(
        white,
        "the marker box lands bottom-left of the upright picture"
    );
}

#[test]
fn uncovered_assets_and_cancelled_renders_leave_nothing() {
    let (s, c) = setup();
    let doc = assemble::auto_montage(&s.lib, &c, "Square", piece::Preset::Square1x1, 6).unwrap();
    let ids = doc.asset_ids();
    let out = s.dir.path().join("out.mp4");

    // A proof for fewer assets than the piece uses does not let it render.
    let partial = rights::require_cleared(s.lib.conn(), &c, &ids[..1]).unwrap();
    let err = render::render_video(&s.lib, &partial, &doc, &out, &mut |_| true).unwrap_err();
    assert!(
        matches!(err, RenderError::NotCleared(id) if id == ids[1]),
        "{err}"
    );

    let cleared = rights::require_cleared(s.lib.conn(), &c, &ids).unwrap();
    let err = render::render_video(&s.lib, &cleared, &doc, &out, &mut |f| f < 0.3).unwrap_err();
    assert!(matches!(err, RenderError::Cancelled));
    assert!(!out.exists(), "no output after a cancel");
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "no partial file either");
}

/// The output frame shown at `ms`, decoded again through ffmpeg-next.
fn frame_at(path: &Path, ms: i64) -> image::RgbImage {
    use ffmpeg_next as ff;
    let mut ictx = ff::format::input(&path).unwrap();
    let stream = ictx.streams().best(ff::media::Type::Video).unwrap();
    let (index, tb) = (stream.index(), stream.time_base());
    let mut dec = ff::codec::context::Context::from_parameters(stream.parameters())
        .unwrap()
        .decoder()
        .video()
        .unwrap();
    let target = ms * i64::from(tb.denominator()) / (1000 * i64::from(tb.numerator()));
    let mut frame = ff::util::frame::Video::empty();
    for (s, p) in ictx.packets() {
        if s.index() != index {
            continue;
        }
        dec.send_packet(&p).unwrap();
        while dec.receive_frame(&mut frame).is_ok() {
            if frame.timestamp().unwrap_or(0) >= target {
                let mut rgb = ff::util::frame::Video::empty();
                let mut sc = ff::software::scaling::Context::get(
                    frame.format(),
                    frame.width(),
                    frame.height(),
                    ff::format::Pixel::RGB24,
                    frame.width(),
                    frame.height(),
                    ff::software::scaling::Flags::BILINEAR,
                )
                .unwrap();
                sc.run(&frame, &mut rgb).unwrap();
                let (w, h, stride) = (rgb.width(), rgb.height(), rgb.stride(0));
                let mut buf = Vec::new();
                for y in 0..h as usize {
                    buf.extend_from_slice(&rgb.data(0)[y * stride..y * stride + w as usize * 3]);
                }
                return image::RgbImage::from_raw(w, h, buf).unwrap();
            }
        }
    }
    panic!("no frame at {ms} ms");
}

#[test]
fn credit_lines_show_and_a_dip_goes_through_black() {
    let (s, c) = setup();
    let beach = catalog::get(s.lib.conn(), asset_named(&s.lib, "beach_day.mp4").id).unwrap();
    let sunset = catalog::get(s.lib.conn(), asset_named(&s.lib, "sunset_silent.mp4").id).unwrap();
    let item = |a: &chorus::catalog::Asset, credit: &str, transition| piece::Item {
        asset_id: a.id,
        source_hash: a.hash.clone(),
        kind: Kind::Clip,
        in_ms: 0,
        out_ms: 2000,
        pan_zoom: false,
        fit: piece::Fit::Letterbox,
        transition,
        credit: credit.into(),
        sound: Default::default(),
        captions: Vec::new(),
    };
    let dip = piece::Transition {
        kind: piece::TransitionKind::DipToBlack,
        duration_ms: 600,
    };
    let doc = montage(
        "credits",
        piece::Preset::Square1x1,
        vec![
            item(&beach, "@ana.surfs", piece::Transition::default()),
            item(&sunset, "", dip),
        ],
    );
    let cleared = rights::require_cleared(s.lib.conn(), &c, &doc.asset_ids()).unwrap();
    let out = s.dir.path().join("credits.mp4");
    render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();

    // Letterboxed landscape in a square: the bottom band is black but for the credit.
    let ink = |f: &image::RgbImage| {
        (0..400)
            .flat_map(|x| (960..1060).map(move |y| (x, y)))
            .filter(|&(x, y)| f.get_pixel(x, y).0.iter().all(|&v| v > 200))
            .count()
    };
    let with_credit = frame_at(&out, 1000);
    let without = frame_at(&out, 3000);
    assert!(
        ink(&with_credit) > 300,
        "the credit line is drawn lower left"
    );
    assert_eq!(ink(&without), 0, "no credit, no text");

    // The dip: the last frame before the cut is nearly black, mid-item is not.
    let mean = |f: &image::RgbImage| {
        f.pixels()
            .map(|p| p.0.iter().map(|&v| u64::from(v)).sum::<u64>())
            .sum::<u64>()
            / u64::from(f.width() * f.height())
    };
    let mid = mean(&frame_at(&out, 1000));
    let edge = mean(&frame_at(&out, 1967));
    assert!(
        edge * 5 < mid,
        "fading out to black at the cut: {edge} vs {mid}"
    );
}

/// Integrated loudness (LUFS) of a file's audio, measured again from the file.
fn loudness_of(path: &Path) -> f64 {
    let (l, r) = decoded_audio(path);
    let mut meter = ebur128::EbuR128::new(2, 48_000, ebur128::Mode::I).unwrap();
    meter.add_frames_planar_f32(&[&l, &r]).unwrap();
    meter.loudness_global().unwrap()
}

#[test]
fn the_mix_is_normalised_to_the_loudness_target() {
    let (s, c) = setup();
    let base = assemble::auto_montage(&s.lib, &c, "Loud", piece::Preset::Square1x1, 6).unwrap();
    assert!(base
        .asset_ids()
        .iter()
        .any(|id| catalog::get(s.lib.conn(), *id).unwrap().has_audio));
    let cleared = rights::require_cleared(s.lib.conn(), &c, &base.asset_ids()).unwrap();
    for target in [-14.0, -23.0] {
        let mut doc = base.clone();
        if let piece::Content::Montage(m) = &mut doc.content {
            m.target_lufs = target;
        }
        let out = s.dir.path().join(format!("loud{target}.mp4"));
        render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
        let measured = loudness_of(&out);
        assert!(
            (measured - target).abs() <= 1.0,
            "target {target} LUFS, measured {measured:.2}"
        );
    }
}

#[test]
fn silent_mono_low_rate_and_rotated_clips_all_render() {
    let (mut s, c) = setup();
    // old_phone.3gp: AAC mono at 16 kHz, and nobody to ask, so a person overrides for the test.
    let old = catalog::get(s.lib.conn(), asset_named(&s.lib, "old_phone.3gp").id).unwrap();
    rights::override_clearance(
        &mut s.lib,
        &c,
        &[old.id],
        "Recorded by our own staff; release on file with HR",
        "QA, test suite",
    )
    .unwrap();
    let items: Vec<piece::Item> = [
        "old_phone.3gp",
        "sunset_silent.mp4",
        "unboxing_vertical.mp4",
    ]
    .iter()
    .map(|n| {
        let a = catalog::get(s.lib.conn(), asset_named(&s.lib, n).id).unwrap();
        piece::Item {
            asset_id: a.id,
            source_hash: a.hash.clone(),
            kind: Kind::Clip,
            in_ms: 0,
            out_ms: 1000,
            pan_zoom: false,
            fit: piece::Fit::Crop,
            transition: piece::Transition::default(),
            credit: String::new(),
            sound: Default::default(),
            captions: Vec::new(),
        }
    })
    .collect();
    let doc = montage("mixed", piece::Preset::Feed4x5, items);
    let cleared = rights::require_cleared(s.lib.conn(), &c, &doc.asset_ids()).unwrap();
    let out = s.dir.path().join("mixed.mp4");
    let done = render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
    assert_eq!(done.frames, 90);
    let info = media::probe(&out, &Sniffed::Clip("mp4"), &Limits::default())
        .unwrap()
        .info;
    assert_eq!((info.width, info.height), (1080, 1350));
    assert!((info.duration_ms.unwrap() - 3000).abs() <= 34);
    assert!(info.has_audio);
    // The mono 16 kHz clip's sound arrives as 48 kHz stereo: audible, not silence.
    assert!(loudness_of(&out) > -40.0);
}

#[test]
fn a_crossfade_overlaps_two_items_by_its_length() {
    let (s, c) = setup();
    let clip = |name: &str, transition| {
        let a = catalog::get(s.lib.conn(), asset_named(&s.lib, name).id).unwrap();
        piece::Item {
            asset_id: a.id,
            source_hash: a.hash.clone(),
            kind: Kind::Clip,
            in_ms: 0,
            out_ms: 2000,
            pan_zoom: false,
            fit: piece::Fit::Letterbox,
            transition,
            credit: String::new(),
            sound: Default::default(),
            captions: Vec::new(),
        }
    };
    let xfade = piece::Transition {
        kind: piece::TransitionKind::Crossfade,
        duration_ms: 600,
    };
    let doc = montage(
        "xfade",
        piece::Preset::Square1x1,
        vec![
            clip("beach_day.mp4", piece::Transition::default()),
            clip("sunset_silent.mp4", xfade),
        ],
    );
    assert_eq!(doc.duration_frames(), 60 + 60 - 18);
    let cleared = rights::require_cleared(s.lib.conn(), &c, &doc.asset_ids()).unwrap();
    let out = s.dir.path().join("xfade.mp4");
    let done = render::render_video(&s.lib, &cleared, &doc, &out, &mut |_| true).unwrap();
    assert_eq!(done.frames, 102);
    let info = media::probe(&out, &Sniffed::Clip("mp4"), &Limits::default())
        .unwrap()
        .info;
    assert!((info.duration_ms.unwrap() - 3400).abs() <= 34);
    // Mid-fade the picture is neither the outgoing clip nor the incoming one.
    let before = frame_at(&out, 1300);
    let during = frame_at(&out, 1700);
    let after = frame_at(&out, 2600);
    let diff = |a: &image::RgbImage, b: &image::RgbImage| {
        a.pixels()
            .zip(b.pixels())
            .map(|(p, q)| {
                p.0.iter()
                    .zip(q.0)
                    .map(|(x, y)| u64::from(x.abs_diff(y)))
                    .sum::<u64>()
            })
            .sum::<u64>()
            / u64::from(a.width() * a.height())
    };
    assert!(
        diff(&during, &before) > 5 && diff(&during, &after) > 5,
        "a blend of both"
    );
}

#[test]
fn stills_and_mosaic_walls_render_as_pictures() {
    let (s, c) = setup();
    let ids: Vec<i64> = [
        "beach_day.mp4",
        "family_picnic.jpg",
        "sunset_silent.mp4",
        "concert.webm",
    ]
    .iter()
    .map(|n| asset_named(&s.lib, n).id)
    .collect();
    let wall = piece::PieceDoc {
        format: piece::FORMAT,
        name: "wall".into(),
        preset: piece::Preset::Hero16x9,
        content: piece::Content::Mosaic(piece::Mosaic {
            asset_ids: ids.clone(),
            layout: piece::Layout::Grid,
            brand_overlay: true,
            animated_ms: 6000,
            music_bed: true,
            target_lufs: -14.0,
        }),
    };
    let still = piece::PieceDoc {
        format: piece::FORMAT,
        name: "still".into(),
        preset: piece::Preset::Feed4x5,
        content: piece::Content::Still(piece::Still {
            asset_id: ids[1],
            credit: "@chloe_m".into(),
        }),
    };
    let cleared = rights::require_cleared(s.lib.conn(), &c, &ids).unwrap();
    for (doc, file, size) in [
        (&wall, "wall.png", (1920, 1080)),
        (&still, "still.jpg", (1080, 1350)),
        (&still, "still.webp", (1080, 1350)),
    ] {
        let out = s.dir.path().join(file);
        render::render_image(&s.lib, &cleared, doc, &out).unwrap();
        let img = image::open(&out).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), size, "{file}");
    }
    // The wall has as many distinct tiles as assets: sample each tile's centre.
    let img = image::open(s.dir.path().join("wall.png"))
        .unwrap()
        .to_rgb8();
    // Four tiles on a 16:9 frame: two by two above the brand band (its own row, 960 px
    // down), no cell empty, the gutters in the brand's colour.
    let primary = [0x1d, 0x3f, 0x72];
    let near = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6);
    let tiles = [(480, 240), (1440, 240), (480, 720), (1440, 720)];
    let centres: std::collections::BTreeSet<[u8; 3]> =
        tiles.iter().map(|&(x, y)| img.get_pixel(x, y).0).collect();
    assert_eq!(centres.len(), 4, "four different pictures on the wall");
    for &(x, y) in &tiles {
        assert!(
            !near(img.get_pixel(x, y).0, primary),
            "a picture at ({x}, {y})"
        );
    }
    for (x, y) in [(960, 240), (480, 480), (4, 4), (1900, 1000)] {
        assert!(
            near(img.get_pixel(x, y).0, primary),
            "gutter or band at ({x}, {y}): {:?}",
            img.get_pixel(x, y).0
        );
    }
    // Tiled: the first picture takes a square at the left, the other three fill the
    // right in two rows (one, then two); again no empty cell.
    let mut tiled = wall.clone();
    if let piece::Content::Mosaic(m) = &mut tiled.content {
        m.layout = piece::Layout::Tiled;
    }
    let tiled_out = s.dir.path().join("tiled.png");
    render::render_image(&s.lib, &cleared, &tiled, &tiled_out).unwrap();
    let t = image::open(&tiled_out).unwrap().to_rgb8();
    let spots = [(480, 480), (1440, 240), (1200, 720), (1680, 720)];
    let cells: std::collections::BTreeSet<[u8; 3]> =
        spots.iter().map(|&(x, y)| t.get_pixel(x, y).0).collect();
    assert_eq!(cells.len(), 4, "four different pictures, one of them large");
    for &(x, y) in &spots {
        assert!(
            !near(t.get_pixel(x, y).0, primary),
            "a picture at ({x}, {y})"
        );
    }
    // The animated wall: tiles arrive one by one over the bed, and the last frame is the
    // whole wall.
    let video = s.dir.path().join("wall.mp4");
    let done = render::render_video(&s.lib, &cleared, &wall, &video, &mut |_| true).unwrap();
    assert_eq!((done.frames, done.width, done.height), (180, 1920, 1080));
    let info = media::probe(&video, &Sniffed::Clip("mp4"), &Limits::default())
        .unwrap()
        .info;
    assert!(
        (info.duration_ms.unwrap() - 6000).abs() <= 40,
        "{:?}",
        info.duration_ms
    );
    assert!(info.has_audio);
    let loud = loudness_of(&video);
    assert!(
        (loud + 14.0).abs() <= 1.0,
        "the bed alone is brought to -14 LUFS: {loud:.2}"
    );
    // Sampled at each tile's centre: none of the wall on the first frame, all of it (as
    // the still picture has it) on the last.
    let first = frame_at(&video, 0);
    let last = frame_at(&video, 5900);
    let block = |frame: &image::RgbImage, (x, y): (u32, u32)| -> [u32; 3] {
        let mut sum = [0u32; 3];
        for dy in 0..40 {
            for dx in 0..40 {
                let p = frame.get_pixel(x - 20 + dx, y - 20 + dy).0;
                for c in 0..3 {
                    sum[c] += u32::from(p[c]);
                }
            }
        }
        sum.map(|v| v / 1600)
    };
    // Within what H.264 at CRF 23 in 4:2:0 keeps of these saturated test colours.
    let close = |a: [u32; 3], b: [u32; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 20);
    let shown = |frame: &image::RgbImage| {
        tiles
            .iter()
            .filter(|&&t| close(block(frame, t), block(&img, t)))
            .count()
    };
    assert_eq!(
        shown(&last),
        4,
        "the whole wall on the last frame: {:?} against the picture's {:?}",
        tiles.map(|t| block(&last, t)),
        tiles.map(|t| block(&img, t))
    );
    assert!(
        shown(&first) < 4,
        "the wall is still building on the first frame"
    );
    assert!(
        tiles
            .iter()
            .all(|&t| close(block(&first, t), primary.map(u32::from))),
        "the brand's colour before the first tile arrives"
    );
    let partial = rights::require_cleared(s.lib.conn(), &c, &ids[..2]).unwrap();
    let err =
        render::render_image(&s.lib, &partial, &wall, &s.dir.path().join("no.png")).unwrap_err();
    assert!(matches!(err, RenderError::NotCleared(_)));
    assert!(!s.dir.path().join("no.png").exists());
}

/// RMS level (dBFS) of a file's left channel between two times.
fn level_db(path: &Path, from_ms: i64, to_ms: i64) -> f64 {
    let (left, _) = decoded_audio(path);
    let at = |ms: i64| (ms.max(0) as usize * 48).min(left.len());
    let window = &left[at(from_ms)..at(to_ms)];
    let sum: f64 = window.iter().map(|v| f64::from(*v) * f64::from(*v)).sum();
    10.0 * (sum / window.len().max(1) as f64).max(1e-12).log10()
}

#[test]
fn the_music_bed_fills_silence_and_the_whole_mix_meets_the_target() {
    let (s, c) = setup();
    let photo = asset_named(&s.lib, "family_picnic.jpg");
    let clip = asset_named(&s.lib, "beach_day.mp4");
    let item = |a: &chorus::catalog::Asset| piece::Item {
        asset_id: a.id,
        source_hash: a.hash.clone(),
        kind: a.kind,
        in_ms: 0,
        out_ms: 3000,
        pan_zoom: false,
        fit: piece::Fit::Crop,
        transition: piece::Transition::default(),
        credit: String::new(),
        sound: Default::default(),
        captions: Vec::new(),
    };
    let items = vec![item(&photo), item(&clip)];
    let cleared = rights::require_cleared(s.lib.conn(), &c, &[photo.id, clip.id]).unwrap();
    let mut with_bed = montage("Bed", piece::Preset::Square1x1, items);
    let without = with_bed.clone();
    if let piece::Content::Montage(m) = &mut with_bed.content {
        m.music_bed = true;
    }
    let (a, b) = (s.dir.path().join("bed.mp4"), s.dir.path().join("dry.mp4"));
    render::render_video(&s.lib, &cleared, &with_bed, &a, &mut |_| true).unwrap();
    render::render_video(&s.lib, &cleared, &without, &b, &mut |_| true).unwrap();
    // Under the photo: silence without the bed, music with it.
    assert!(
        level_db(&b, 700, 2300) < -80.0,
        "dry photo section is silent"
    );
    let bed_level = level_db(&a, 700, 2300);
    assert!(
        bed_level > -40.0,
        "the bed plays under the photo: {bed_level:.1} dBFS"
    );
    // The loudness target holds for the whole mix, bed included.
    let loud = loudness_of(&a);
    assert!((loud + 14.0).abs() <= 1.0, "mix at {loud:.2} LUFS");
    // The voice stays on top, the bed close under it: the clip section is louder than the
    // bed alone, but not by so much that the piece jumps between them.
    let voice_section = level_db(&a, 3700, 5300);
    assert!(
        (1.0..=6.0).contains(&(voice_section - bed_level)),
        "voice {voice_section:.1} vs bed {bed_level:.1}"
    );

    // A bed with no sound (the setting edited by hand to a picture) fails in the mixer,
    // which runs beside the pictures: the render says so, naming the file, and leaves
    // nothing behind.
    let picture = samples().join("family_picnic.jpg");
    s.lib
        .set_setting("music_bed", picture.to_str().unwrap())
        .unwrap();
    let c_out = s.dir.path().join("no-bed.mp4");
    let err = render::render_video(&s.lib, &cleared, &with_bed, &c_out, &mut |_| true).unwrap_err();
    match &err {
        RenderError::Source { path, .. } => assert_eq!(path, &picture, "{err}"),
        other => panic!("not the bed's own error: {other}"),
    }
    assert!(!c_out.exists());
    assert!(
        !render::partial_path(&c_out).exists(),
        "a partial file was left"
    );
}

/// Frames ffprobe decodes from a file (whatever part of it is there).
fn decodable_frames(path: &Path) -> u64 {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "quiet", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_end_matches(',')
        .parse()
        .unwrap_or(0)
}

#[test]
fn a_preview_plays_while_it_is_written() {
    use chorus::api::{self, PieceId};
    use chorus::demo;
    let samples = repo().join("assets/samples");
    let script = demo::Script::load(&samples).unwrap();
    let mut s = ingest(&[&script.files], Some(&script.form));
    let today = campaign::parse_date("2026-11-29").unwrap();
    demo::clear_rights(&mut s.lib, &script, today).unwrap();
    let (_, pieces) = demo::assemble_pieces(&s.lib, &script, today).unwrap();
    let story = &pieces[1];
    let id = PieceId(story.id);
    let files = api::pieces::preview_files(&s.lib, id);
    // A growing file a crashed preview left behind is not taken for this one's start.
    std::fs::write(&files.growing, b"\0\0\0\x10ftypstale!!").unwrap();

    // The fonts loaded first, as the app does at launch.
    chorus::render::text::warm();
    let started = std::time::Instant::now();
    let mut streamed: Vec<u8> = Vec::new();
    let mut first_fragment = None;
    let streamed_len = std::cell::Cell::new(0usize);
    // What the player had when the render last reported progress, before it ended.
    let before_the_end = std::cell::Cell::new(0usize);
    let out = {
        let mut progress = |f: f64| {
            if f < 1.0 {
                before_the_end.set(streamed_len.get());
            }
            true
        };
        api::pieces::preview_streamed(&s.lib, id, &story.document, &mut progress, &mut |b| {
            streamed.extend_from_slice(b);
            if first_fragment.is_none() && streamed.windows(4).any(|w| w == b"moof") {
                first_fragment = Some(started.elapsed());
            }
            streamed_len.set(streamed.len());
        })
        .unwrap()
    };
    eprintln!(
        "first fragment after {first_fragment:?}, whole preview after {:?}",
        started.elapsed()
    );
    assert_eq!(out, files.file);
    assert!(!files.growing.exists(), "the growing file took its name");
    assert_eq!(
        streamed,
        std::fs::read(&out).unwrap(),
        "the bytes handed over are the whole file"
    );
    let part = s.dir.path().join("early.mp4");
    std::fs::write(&part, &streamed[..before_the_end.get()]).unwrap();
    let found = boxes(&part);
    assert_eq!(
        &found[..2],
        ["ftyp", "moov"],
        "an index first, before the render ends: {found:?}"
    );
    assert!(found.iter().any(|b| b == "moof"), "{found:?}");
    let (part, whole) = (decodable_frames(&part), decodable_frames(&out));
    assert!(
        part >= 30 && part < whole,
        "before the render ended, {part} of {whole} frames could play"
    );
    // 15 s at 30 fps, a keyframe (a fragment's start) at least every half second.
    assert_eq!(whole, 450);
    let keyframes = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "quiet",
            "-select_streams",
            "v:0",
            "-skip_frame",
            "nokey",
        ])
        .args(["-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(&out)
        .output()
        .unwrap();
    let keys: Vec<f64> = String::from_utf8_lossy(&keyframes.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    assert!(keys.len() >= 30, "{keys:?}");
    for w in keys.windows(2) {
        assert!(
            w[1] - w[0] < 0.5 + 0.034,
            "a fragment longer than 0.5 s: {keys:?}"
        );
    }
}

/// The frame under the timeline's playhead, made on its own, is the frame the render
/// writes at that instant: through the intro card, a credited clip, a crossfade, a photo
/// pushing in after a dip, and the outro card fading in over the last shot. A frame from
/// another instant is told apart, so the comparison can fail.
#[test]
fn a_frame_on_demand_is_the_frame_the_render_writes() {
    let (s, c) = setup();
    let asset = |name: &str| catalog::get(s.lib.conn(), asset_named(&s.lib, name).id).unwrap();
    let item = |a: &chorus::catalog::Asset, kind, out_ms, transition, credit: &str| piece::Item {
        asset_id: a.id,
        source_hash: a.hash.clone(),
        kind,
        in_ms: 0,
        out_ms,
        pan_zoom: kind == Kind::Photo,
        fit: piece::Fit::Crop,
        transition,
        credit: credit.into(),
        sound: Default::default(),
        captions: Vec::new(),
    };
    let xfade = piece::Transition {
        kind: piece::TransitionKind::Crossfade,
        duration_ms: 600,
    };
    let dip = piece::Transition {
        kind: piece::TransitionKind::DipToBlack,
        duration_ms: 600,
    };
    let (beach, sunset, picnic) = (
        asset("beach_day.mp4"),
        asset("sunset_silent.mp4"),
        asset("family_picnic.jpg"),
    );
    let mut doc = montage(
        "scrub",
        piece::Preset::Hero16x9,
        vec![
            item(
                &beach,
                Kind::Clip,
                2000,
                piece::Transition::default(),
                "@ana.surfs",
            ),
            item(&sunset, Kind::Clip, 2000, xfade, ""),
            item(&picnic, Kind::Photo, 1500, dip, "@chloe_m"),
        ],
    );
    if let piece::Content::Montage(m) = &mut doc.content {
        m.intro_card = true;
        m.outro_card = true;
        m.card_ms = 1000;
        m.outro_fade_ms = 400;
    }
    let cleared = rights::require_cleared(s.lib.conn(), &c, &doc.asset_ids()).unwrap();
    let out = s.dir.path().join("scrub.mp4");
    let done = render::render_with(
        &s.lib,
        &cleared,
        &doc,
        &out,
        render::Quality::Preview,
        &mut |_| true,
    )
    .unwrap();
    let diff = |a: &image::RgbImage, b: &image::RgbImage| {
        assert_eq!(a.dimensions(), b.dimensions());
        a.pixels()
            .zip(b.pixels())
            .map(|(p, q)| {
                p.0.iter()
                    .zip(q.0)
                    .map(|(x, y)| f64::from(x.abs_diff(y)))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / f64::from(a.width() * a.height() * 3)
    };
    let mut scrub = render::scrub::Scrubber::new();
    // Intro card, clip with its credit, mid-crossfade, the photo after the dip (pushing
    // in), the outro card over the photo's end, the outro card alone.
    let times = [500, 1500, 2800, 3300, 4500, 5250, 5800];
    for ms in times {
        let made = scrub
            .frame_at(&s.lib, &cleared, &doc, ms, done.width)
            .unwrap();
        // The render's frame at that instant (its timestamps are frame starts).
        let written = frame_at(&out, ms as i64);
        let d = diff(&made, &written);
        // What is left is the preview's encoding loss (fine detail at CRF 28).
        assert!(
            d < 10.0,
            "frame at {ms} ms differs from the render's by {d:.1} per channel"
        );
        // Where the picture moves, it is that instant's frame, not a neighbour's.
        if [2800, 4500, 5800].contains(&ms) {
            for off in [-33i64, 33] {
                let near = diff(&made, &frame_at(&out, ms as i64 + off));
                assert!(
                    d < near,
                    "at {ms} ms the frame {off} ms away matches better: {near:.1} vs {d:.1}"
                );
            }
        }
    }
    let early = scrub
        .frame_at(&s.lib, &cleared, &doc, 1500, done.width)
        .unwrap();
    let later = frame_at(&out, 4500);
    assert!(
        diff(&early, &later) > 30.0,
        "another instant is another picture"
    );

    // The live preview's sound: the render's mix, as long as the piece, at its loudness.
    let mix = render::soundtrack(&s.lib, &cleared, &doc)
        .unwrap()
        .mix()
        .unwrap();
    assert_eq!(mix.len() as u64, doc.duration_frames() * 1600);
    let (lufs, _) = render::loudness(&mix).unwrap().expect("it has sound");
    assert!((lufs - (-14.0)).abs() < 1.0, "{lufs} LUFS");

    // The timeline's waveforms: the clip's sound drawn, the photo's and the silent clip's
    // flat, and a nonsense resolution refused.
    let waves = chorus::api::pieces::waveforms(&s.lib, &doc, 20).unwrap();
    assert_eq!(waves.items[0].len(), 40, "2 s at 20 points a second");
    assert!(waves.items[0].iter().any(|&p| p > 0.01));
    assert!(waves.items[2].is_empty(), "a photo has no sound");
    for bad in [0, 201] {
        let err = chorus::api::pieces::waveforms(&s.lib, &doc, bad).unwrap_err();
        assert_eq!(err.kind, chorus::api::ErrorKind::Invalid);
    }

    // An asset the gate did not clear is never shown, even one frame of it.
    let other = asset("concert.webm");
    let mut uncleared = doc.clone();
    if let piece::Content::Montage(m) = &mut uncleared.content {
        m.items.push(item(
            &other,
            Kind::Clip,
            1000,
            piece::Transition::default(),
            "",
        ));
    }
    assert!(matches!(
        scrub.frame_at(&s.lib, &cleared, &uncleared, 100, 640),
        Err(RenderError::NotCleared(id)) if id == other.id
    ));
    assert!(matches!(
        render::soundtrack(&s.lib, &cleared, &uncleared),
        Err(RenderError::NotCleared(id)) if id == other.id
    ));
}
