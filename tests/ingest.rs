//! Ingest of real customer-style files into a real library, checked against the known
//! truth of `tests/fixtures/samples` (see scripts/make-samples.sh) and `tests/fixtures/bad`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;
use chorus::catalog::{self, Curation, Filter};
use chorus::ingest::Status;
use chorus::media::Kind;

/// One frame of the clip, the tolerance for durations.
fn assert_duration(ms: Option<i64>, expected_ms: i64, fps: f64) {
    let ms = ms.expect("clip has a duration");
    let frame = (1000.0 / fps).ceil() as i64;
    assert!(
        (ms - expected_ms).abs() <= frame,
        "duration {ms} ms, expected {expected_ms} ± {frame}"
    );
}

#[test]
fn ingest_sample_folder_catalogs_what_a_viewer_sees() {
    let s = ingest_samples();
    assert!(integrity_ok(&s.lib));

    // Landscape clip with audio and a creation time.
    let beach = asset_named(&s.lib, "beach_day.mp4");
    assert_eq!(beach.kind, Kind::Clip);
    assert_eq!((beach.width, beach.height, beach.rotation), (640, 360, 0));
    assert_duration(beach.duration_ms, 4000, 30.0);
    assert_eq!(beach.frame_rate, Some(30.0));
    assert_eq!(beach.video_codec.as_deref(), Some("h264"));
    assert_eq!(beach.audio_codec.as_deref(), Some("aac"));
    assert!(beach.has_audio);
    assert!(beach
        .captured_at
        .as_deref()
        .unwrap_or_default()
        .starts_with("2026-06-01T10:30:00"));
    assert_eq!(tag_names(&beach), ["has-audio", "landscape", "sd", "short"]);

    // Phone clips: stored landscape, rotated by the display matrix, seen portrait.
    // `rotate=90` metadata means a quarter turn counter-clockwise: 270° clockwise.
    let vertical = asset_named(&s.lib, "unboxing_vertical.mp4");
    assert_eq!(
        (vertical.width, vertical.height, vertical.rotation),
        (360, 640, 270)
    );
    assert_duration(vertical.duration_ms, 3000, 30.0);
    assert!(tag_names(&vertical).contains(&"portrait"));
    let skate = asset_named(&s.lib, "skate_trick.mov");
    assert_eq!(skate.format, "mov");
    assert_eq!((skate.width, skate.height, skate.rotation), (360, 640, 90));

    // A clip with no audio stream at all.
    let sunset = asset_named(&s.lib, "sunset_silent.mp4");
    assert_eq!((sunset.width, sunset.height), (1280, 720));
    assert_eq!(sunset.frame_rate, Some(25.0));
    assert!(!sunset.has_audio);
    assert_eq!(sunset.audio_codec, None);
    assert_eq!(tag_names(&sunset), ["hd", "landscape", "short"]);

    let concert = asset_named(&s.lib, "concert.webm");
    assert_eq!(
        (concert.format.as_str(), concert.video_codec.as_deref()),
        ("webm", Some("vp9"))
    );
    assert_eq!(concert.audio_codec.as_deref(), Some("opus"));
    assert_eq!(concert.frame_rate, Some(24.0));
    assert_duration(concert.duration_ms, 2000, 24.0);
    let square = asset_named(&s.lib, "dance_square.mkv");
    assert_eq!(
        (square.format.as_str(), square.width, square.height),
        ("mkv", 480, 480)
    );
    assert!(tag_names(&square).contains(&"square"));
    let old = asset_named(&s.lib, "old_phone.3gp");
    assert_eq!(
        (old.width, old.height, old.frame_rate),
        (176, 144, Some(15.0))
    );

    // Photos: EXIF orientation applied to width/height.
    let picnic = asset_named(&s.lib, "family_picnic.jpg");
    assert_eq!(
        (picnic.kind, picnic.width, picnic.height),
        (Kind::Photo, 1600, 1200)
    );
    assert_eq!(picnic.exif_orientation, Some(1));
    assert_eq!(picnic.camera_make.as_deref(), Some("Canon"));
    assert_eq!(picnic.camera_model.as_deref(), Some("Canon EOS R6"));
    assert_eq!(picnic.captured_at.as_deref(), Some("2026-05-20T14:03:11"));
    assert!(!picnic.has_gps);
    let rotated = asset_named(&s.lib, "portrait_rotated.jpg");
    assert_eq!(
        (rotated.width, rotated.height, rotated.exif_orientation),
        (900, 1200, Some(6))
    );
    assert!(tag_names(&rotated).contains(&"portrait"));
    let upside = asset_named(&s.lib, "upside_down.jpg");
    assert_eq!(
        (upside.width, upside.height, upside.exif_orientation),
        (1024, 768, Some(3))
    );
    let hiking = asset_named(&s.lib, "hiking_gps.jpg");
    assert!(hiking.has_gps);
    assert_eq!(hiking.camera_model.as_deref(), Some("Pixel 8"));

    let png = asset_named(&s.lib, "fan_art.png");
    assert_eq!(
        (png.format.as_str(), png.width, png.height),
        ("png", 800, 800)
    );
    assert_eq!(tag_names(&png), ["low-res", "square"]);
    let webp = asset_named(&s.lib, "team_photo.webp");
    assert_eq!(
        (webp.format.as_str(), webp.width, webp.height),
        ("webp", 1024, 682)
    );
    let gif = asset_named(&s.lib, "party.gif");
    assert_eq!(
        (gif.format.as_str(), gif.width, gif.height),
        ("gif", 320, 240)
    );
    let tiff = asset_named(&s.lib, "scan.tiff");
    assert_eq!(
        (tiff.format.as_str(), tiff.width, tiff.height),
        ("tiff", 640, 480)
    );
}

#[test]
fn thumbnails_are_oriented_and_filmstrips_have_eight_frames() {
    let s = ingest_samples();
    let store = s.lib.store();
    let thumb =
        |name: &str| {
            image::open(store.thumb(
                &chorus::library::ContentHash::parse(&asset_named(&s.lib, name).hash).unwrap(),
            ))
            .expect("thumbnail")
            .to_rgb8()
        };

    let rotated = thumb("portrait_rotated.jpg");
    assert_eq!(
        rotated.dimensions(),
        (384, 512),
        "EXIF 6 photo thumbnail is portrait"
    );
    let big = thumb("family_picnic.jpg");
    assert_eq!(big.dimensions(), (512, 384));
    let small = thumb("party.gif");
    assert_eq!(small.dimensions(), (320, 240), "never upscaled");

    // The samples carry a white box in the top-left corner of their stored pixels; where
    // it lands proves the direction of the turn.
    let white =
        |img: &image::RgbImage, x: u32, y: u32| img.get_pixel(x, y).0.iter().all(|&v| v > 220);
    assert!(
        white(&rotated, 384 - 12, 12),
        "EXIF 6 turns the box to the top-right"
    );
    let skate = thumb("skate_trick.mov");
    assert!(
        white(&skate, 288 - 12, 12),
        "a clockwise quarter turn puts the box top-right"
    );

    let poster = thumb("unboxing_vertical.mp4");
    assert!(
        white(&poster, 12, 512 - 12),
        "a counter-clockwise quarter turn puts it bottom-left"
    );
    assert_eq!(
        poster.dimensions(),
        (288, 512),
        "rotated clip poster is portrait"
    );
    let strip = image::open(
        store.filmstrip(
            &chorus::library::ContentHash::parse(
                &asset_named(&s.lib, "unboxing_vertical.mp4").hash,
            )
            .unwrap(),
        ),
    )
    .expect("filmstrip")
    .to_rgb8();
    assert_eq!(strip.height(), chorus::media::FILMSTRIP_HEIGHT);
    assert_eq!(strip.width(), 8 * 72, "eight portrait frames of 72×128");
    // The frames differ from one another: the clip moves.
    let first = image::imageops::crop_imm(&strip, 0, 0, 72, 128).to_image();
    let last = image::imageops::crop_imm(&strip, 7 * 72, 0, 72, 128).to_image();
    assert_ne!(first.as_raw(), last.as_raw());
}

#[test]
fn duplicates_are_not_stored_twice_and_near_duplicates_are_linked() {
    let s = ingest_samples();
    let picnic = asset_named(&s.lib, "family_picnic.jpg");
    let copy = result_for(&s.results, "family_picnic_copy.jpg");
    assert_eq!(copy.status, Status::Duplicate);
    assert_eq!(copy.duplicate_of, Some(picnic.id));
    assert_eq!(copy.asset_id, None);

    let hiking = asset_named(&s.lib, "hiking_gps.jpg");
    let small = result_for(&s.results, "hiking_gps_small.jpg");
    // Whichever of the pair arrived second is the one flagged.
    let flagged = [result_for(&s.results, "hiking_gps.jpg"), small]
        .into_iter()
        .filter(|r| r.status == Status::NearDuplicate)
        .collect::<Vec<_>>();
    assert_eq!(
        flagged.len(),
        1,
        "exactly one of the pair is flagged: {:#?}",
        s.results
    );
    let small_asset = asset_named(&s.lib, "hiking_gps_small.jpg");
    let pair = [hiking.id, small_asset.id];
    assert!(
        pair.contains(&flagged[0].asset_id.unwrap())
            && pair.contains(&flagged[0].duplicate_of.unwrap())
    );
    let detail = catalog::detail(&s.lib, hiking.id).unwrap();
    assert_eq!(detail.near_duplicates, vec![small_asset.id]);

    // No other sample is mistaken for a near-duplicate.
    assert_eq!(s.summary.near_duplicate, 1, "{:#?}", s.results);
    assert_eq!(s.summary.duplicate, 1);

    // The store holds each distinct original once.
    let stored = walkdir::WalkDir::new(s.lib.root().join("store"))
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n != ".tmp")
        })
        .count();
    let assets = catalog::list(s.lib.conn(), &Filter::default()).unwrap();
    assert_eq!(stored, assets.len());
    assert_eq!(assets.len(), 16);
}

#[test]
fn form_export_links_files_to_contributors_and_reports_missing_rows() {
    let s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4");
    let ana = beach.contributor.expect("beach_day has a contributor");
    assert_eq!(ana.name.as_deref(), Some("Ana Souza"));
    assert_eq!(ana.handle.as_deref(), Some("@ana.surfs"));
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
    assert_eq!(
        asset_named(&s.lib, "hiking_gps.jpg")
            .contributor
            .map(|c| c.id),
        Some(ana.id)
    );
    // The PNG lives in more/ but the form only names the file.
    let emma = asset_named(&s.lib, "fan_art.png")
        .contributor
        .expect("fan_art linked");
    assert_eq!(emma.handle.as_deref(), Some("@emmalund"));
    let chloe = asset_named(&s.lib, "portrait_rotated.jpg")
        .contributor
        .unwrap();
    assert_eq!(chloe.name.as_deref(), Some("Chloé Martin"));
    assert!(asset_named(&s.lib, "party.gif").contributor.is_none());

    let detail = catalog::detail(&s.lib, beach.id).unwrap();
    assert_eq!(detail.submissions.len(), 1);
    let sub = &detail.submissions[0];
    assert_eq!(sub.channel, "form");
    assert!(sub
        .consent_text
        .as_deref()
        .unwrap_or_default()
        .contains("may use"));
    assert!(sub.submitted_at.is_some());

    let missing = result_for(&s.results, "missing_clip.mp4");
    assert_eq!(missing.status, Status::Error);
    assert_eq!(missing.error_kind.as_deref(), Some("missing"));
    assert!(missing.error.as_deref().unwrap().contains("Emma Lund"));

    let people = catalog::contributors(s.lib.conn()).unwrap();
    assert_eq!(people.len(), 5);
    // The manifest itself is not treated as a submission.
    assert!(s
        .results
        .iter()
        .all(|r| !r.path.ends_with("submissions.csv")));
    // Every file under samples got exactly one result (+1 for the missing row).
    let files = walkdir::WalkDir::new(samples())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && !e.path().ends_with("submissions.csv"))
        .count();
    assert_eq!(s.results.len(), files + 1);
    assert_eq!(s.summary.files, s.results.len());
}

#[test]
fn every_bad_file_gets_a_specific_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad");
    fs::create_dir(&input).unwrap();
    for entry in fs::read_dir(bad_fixtures()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), input.join(entry.file_name())).unwrap();
    }
    // A good file among the bad ones must still arrive.
    fs::copy(samples().join("party.gif"), input.join("party.gif")).unwrap();
    // Made here because git cannot hold them portably.
    let loop_dir = input.join("loop");
    fs::create_dir(&loop_dir).unwrap();
    std::os::unix::fs::symlink(&loop_dir, loop_dir.join("again")).unwrap();
    std::os::unix::fs::symlink("self-link", input.join("self-link")).unwrap();
    let outside = dir.path().join("outside.jpg");
    fs::copy(samples().join("upside_down.jpg"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, input.join("outside.jpg")).unwrap();
    let weird = non_utf8_name(&input);
    fs::copy(samples().join("scan.tiff"), &weird).unwrap();
    fs::write(input.join(".hidden.jpg"), b"not a submission").unwrap();

    let s = ingest(&[&input], None);
    let kind = |name: &str| {
        let r = result_for(&s.results, name);
        assert_eq!(r.status, Status::Error, "{name}: {r:?}");
        assert!(!r.error.as_deref().unwrap_or_default().is_empty());
        r.error_kind.clone().unwrap()
    };
    assert_eq!(kind("empty.jpg"), "empty");
    assert_eq!(kind("truncated.mp4"), "truncated");
    assert_eq!(kind("corrupt.jpg"), "corrupt");
    assert_eq!(kind("notes.jpg"), "unsupported");
    assert!(result_for(&s.results, "notes.jpg")
        .error
        .as_deref()
        .unwrap()
        .contains("text file"));
    assert_eq!(kind("bomb.png"), "too_large");
    assert!(result_for(&s.results, "bomb.png")
        .error
        .as_deref()
        .unwrap()
        .contains("100000×100000"));
    // A HEIC header over data that is no picture: decoded as HEIC, found damaged.
    assert_eq!(kind("unsupported.heic"), "corrupt");
    assert!(result_for(&s.results, "unsupported.heic")
        .error
        .as_deref()
        .unwrap()
        .contains("HEIC"));
    assert_eq!(kind("self-link"), "unreadable");
    assert_eq!(kind("outside.jpg"), "outside_link");

    assert_eq!(result_for(&s.results, "party.gif").status, Status::Ingested);
    let weird_result = s
        .results
        .iter()
        .find(|r| r.path.contains("caf"))
        .expect("the non-UTF-8 name got a result");
    assert_eq!(weird_result.status, Status::Ingested);
    assert!(s.results.iter().all(|r| !r.path.contains(".hidden")));
    assert_eq!(s.summary.skipped_hidden, 1);
    // The loop is walked once, not forever.
    assert!(s.results.iter().all(|r| !r.path.contains("again/again")));
    // Failed files leave nothing behind in the store.
    let assets = catalog::list(s.lib.conn(), &Filter::default()).unwrap();
    assert_eq!(assets.len(), 2);
    assert!(integrity_ok(&s.lib));
}

fn non_utf8_name(dir: &Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9-scan.tiff"))
}

#[test]
fn originals_are_never_modified() {
    let before = snapshot(&samples());
    let _s = ingest_samples();
    assert_eq!(snapshot(&samples()), before);
}

fn snapshot(dir: &Path) -> HashMap<PathBuf, (String, std::time::SystemTime, bool)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            let hash = blake3::hash(&fs::read(e.path()).unwrap())
                .to_hex()
                .to_string();
            (
                e.path().to_path_buf(),
                (
                    hash,
                    meta.modified().unwrap(),
                    meta.permissions().readonly(),
                ),
            )
        })
        .collect()
}

#[test]
fn second_ingest_of_the_same_folder_adds_nothing() {
    let mut s = ingest_samples();
    let count = catalog::list(s.lib.conn(), &Filter::default())
        .unwrap()
        .len();
    let samples = samples();
    let (summary, _) = ingest_into(
        &mut s.lib,
        &[&samples],
        Some(&samples.join("submissions.csv")),
    );
    assert_eq!(summary.ingested + summary.near_duplicate, 0);
    assert_eq!(
        summary.duplicate,
        count + 1,
        "every file (and the copy) is a duplicate now"
    );
    assert_eq!(
        catalog::list(s.lib.conn(), &Filter::default())
            .unwrap()
            .len(),
        count
    );
    // Re-submitting does not duplicate submissions either.
    let beach = asset_named(&s.lib, "beach_day.mp4");
    assert_eq!(
        catalog::detail(&s.lib, beach.id).unwrap().submissions.len(),
        1
    );
}

#[test]
fn curation_tags_ratings_and_search() {
    let mut s = ingest_samples();
    let beach = asset_named(&s.lib, "beach_day.mp4").id;
    let skate = asset_named(&s.lib, "skate_trick.mov").id;
    catalog::tag(&mut s.lib, &[beach, skate], &["Summer Sale".into()], &[]).unwrap();
    catalog::tag(&mut s.lib, &[skate], &[], &["summer-sale".into()]).unwrap();
    catalog::rate(&mut s.lib, &[beach], "5").unwrap();
    assert!(catalog::rate(&mut s.lib, &[beach], "6").is_err());
    catalog::curate(&mut s.lib, &[beach, skate], Curation::Shortlisted).unwrap();

    let conn = s.lib.conn();
    let by = |f: Filter| {
        catalog::list(conn, &f)
            .unwrap()
            .into_iter()
            .map(|a| a.original_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by(Filter {
            tags: vec!["summer-sale".into()],
            ..Filter::default()
        }),
        ["beach_day.mp4"]
    );
    assert_eq!(
        by(Filter {
            min_rating: Some(5),
            ..Filter::default()
        }),
        ["beach_day.mp4"]
    );
    assert_eq!(
        by(Filter {
            curation: Some(Curation::Shortlisted),
            ..Filter::default()
        })
        .len(),
        2
    );
    let portrait = by(Filter {
        orientation: Some("portrait".into()),
        kind: Some(Kind::Clip),
        ..Filter::default()
    });
    assert_eq!(portrait, ["skate_trick.mov", "unboxing_vertical.mp4"]);
    // Full-text: contributor handle, name with accents folded, camera, tag.
    assert_eq!(
        by(Filter {
            search: Some("benskates".into()),
            ..Filter::default()
        })
        .len(),
        2
    );
    assert_eq!(
        by(Filter {
            search: Some("chloe".into()),
            ..Filter::default()
        })
        .len(),
        2
    );
    assert_eq!(
        by(Filter {
            search: Some("pixel".into()),
            ..Filter::default()
        }),
        ["hiking_gps.jpg"]
    );
    assert_eq!(
        by(Filter {
            search: Some("summer".into()),
            ..Filter::default()
        }),
        ["beach_day.mp4"]
    );
    assert!(by(Filter {
        search: Some("\"unbalanced OR (".into()),
        ..Filter::default()
    })
    .is_empty());
}

#[test]
fn near_duplicates_both_kept_stop_being_paired() {
    use chorus::api::{self, AssetId, ErrorKind};
    let mut s = ingest_samples();
    let hiking = asset_named(&s.lib, "hiking_gps.jpg").id;
    let small = asset_named(&s.lib, "hiking_gps_small.jpg").id;
    let picnic = asset_named(&s.lib, "family_picnic.jpg").id;
    // Two assets that were never paired: refused, nothing changes.
    let err = api::assets::keep_both(&mut s.lib, AssetId(hiking), AssetId(picnic)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Invalid, "{err}");
    assert!(
        err.to_string().contains("not marked as looking alike"),
        "{err}"
    );
    assert_eq!(
        catalog::detail(&s.lib, hiking).unwrap().near_duplicates,
        vec![small]
    );
    // Asked from either side, the pair is undone for both.
    api::assets::keep_both(&mut s.lib, AssetId(small), AssetId(hiking)).unwrap();
    for id in [hiking, small] {
        assert!(catalog::detail(&s.lib, id)
            .unwrap()
            .near_duplicates
            .is_empty());
    }
    // Neither was rejected or changed otherwise.
    for id in [hiking, small] {
        assert_eq!(
            catalog::detail(&s.lib, id).unwrap().asset.curation,
            catalog::Curation::New
        );
    }
    let again = api::assets::keep_both(&mut s.lib, AssetId(hiking), AssetId(small)).unwrap_err();
    assert_eq!(again.kind, ErrorKind::Invalid);
}
