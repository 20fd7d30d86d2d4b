//! Shared helpers for the engine integration tests: real libraries in temp folders, real
//! sample files from `tests/fixtures/samples` (made by scripts/make-samples.sh).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chorus::api::rights::GrantForm;
use chorus::campaign;
use chorus::catalog::{self, Asset, Filter};
use chorus::ingest::{self, FileResult, Progress, Summary};
use chorus::library::Library;
use chorus::piece::{self, Fit, Transition};
use chorus::rights::{self, Age, Channel, Usage};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn samples() -> PathBuf {
    repo().join("tests/fixtures/samples")
}

pub fn bad_fixtures() -> PathBuf {
    repo().join("tests/fixtures/bad")
}

pub struct Ingested {
    pub dir: tempfile::TempDir,
    pub lib: Library,
    pub summary: Summary,
    pub results: Vec<FileResult>,
}

pub fn ingest(roots: &[&Path], manifest: Option<&Path>) -> Ingested {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lib = Library::open_or_create(&dir.path().join("lib")).expect("library");
    let (summary, results) = ingest_into(&mut lib, roots, manifest);
    Ingested {
        dir,
        lib,
        summary,
        results,
    }
}

pub fn ingest_into(
    lib: &mut Library,
    roots: &[&Path],
    manifest: Option<&Path>,
) -> (Summary, Vec<FileResult>) {
    let mut opts = ingest::Options::new(roots.iter().map(|p| p.to_path_buf()).collect());
    opts.manifest = manifest.map(Path::to_path_buf);
    let mut results = Vec::new();
    let summary = ingest::run(lib, &opts, &mut |p| {
        if let Progress::File { result, .. } = p {
            results.push(result.clone());
        }
        true
    })
    .expect("ingest run");
    (summary, results)
}

pub fn ingest_samples() -> Ingested {
    let samples = samples();
    ingest(&[&samples], Some(&samples.join("submissions.csv")))
}

pub fn result_for<'a>(results: &'a [FileResult], name: &str) -> &'a FileResult {
    results
        .iter()
        .find(|r| {
            Path::new(&r.path)
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == name)
                || r.path == name
        })
        .unwrap_or_else(|| panic!("no result for {name} in {results:#?}"))
}

pub fn asset_named(lib: &Library, name: &str) -> Asset {
    catalog::list(lib.conn(), &Filter::default())
        .expect("list")
        .into_iter()
        .find(|a| a.original_name == name)
        .unwrap_or_else(|| panic!("no asset named {name}"))
}

pub fn tag_names(a: &Asset) -> Vec<&str> {
    a.tags.iter().map(|t| t.name.as_str()).collect()
}

pub fn integrity_ok(lib: &Library) -> bool {
    let r: String = lib
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    r == "ok"
}

/// A montage without cards or music, for tests that look at the items.
pub fn montage(name: &str, preset: piece::Preset, items: Vec<piece::Item>) -> piece::PieceDoc {
    piece::PieceDoc {
        format: piece::FORMAT,
        name: name.to_string(),
        preset,
        content: piece::Content::Montage(piece::Montage {
            items,
            intro_card: false,
            outro_card: false,
            card_ms: 0,
            music_bed: false,
            target_lufs: -14.0,
            bed_db: 0.0,
            outro_fade_ms: 0,
            cta: None,
            card_motion: Default::default(),
            corner_logo: false,
            captions: Vec::new(),
            burn_captions: true,
            target_ms: 0,
        }),
    }
}

/// Runs the ffmpeg CLI (test inputs and reference outputs), failing with its message.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-y", "-hide_banner", "-loglevel", "error"])
        .args(args)
        .output()
        .expect("ffmpeg runs (scripts/bootstrap.sh test installs it)");
    assert!(
        out.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Ingests `files` with a form export naming their contributor (no consent on it: the
/// tests record the grant themselves).
pub fn ingest_from_someone(files: &[&Path]) -> Ingested {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("form.csv");
    let mut rows = String::from("Submitted At,Handle,Full Name,Email,File\n");
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy();
        rows.push_str(&format!(
            "2026-11-01T10:00:00Z,@phone.tester,Pat Tester,pat@example.com,{name}\n"
        ));
    }
    std::fs::write(&csv, rows).unwrap();
    ingest(files, Some(&csv))
}

/// A montage of whole clips, cleared for the web in the US for 2027.
pub fn cleared_montage(
    s: &mut Ingested,
    items: Vec<piece::Item>,
) -> (piece::PieceDoc, rights::ClearedForUse) {
    let ids: Vec<i64> = items.iter().map(|i| i.asset_id).collect();
    chorus::api::rights::grant(
        &mut s.lib,
        &GrantForm {
            asset_ids: ids.clone(),
            contributor_id: None,
            channels: vec![Channel::Web],
            territories: vec!["US".into()],
            valid_from: None,
            valid_until: None,
            age: Age::Adult,
            guardian: None,
            evidence: "Yes, use my photos and clips on your website.".into(),
            source: "release".into(),
        },
    )
    .unwrap();
    let usage = Usage {
        channels: [Channel::Web].into(),
        territories: ["US".to_string()].into(),
        starts_on: campaign::parse_date("2027-03-01").unwrap(),
        ends_on: campaign::parse_date("2027-03-31").unwrap(),
    };
    let c = campaign::create(s.lib.conn(), "Phones", &usage).unwrap();
    let cleared = rights::require_cleared(s.lib.conn(), &c, &ids).unwrap();
    (montage("phones", piece::Preset::Hero16x9, items), cleared)
}

pub fn clip_item(id: i64, in_ms: u64, out_ms: u64) -> piece::Item {
    piece::Item {
        asset_id: id,
        source_hash: String::new(),
        kind: chorus::media::Kind::Clip,
        in_ms,
        out_ms,
        pan_zoom: false,
        fit: Fit::Crop,
        transition: Transition::default(),
        credit: String::new(),
        sound: Default::default(),
        captions: Vec::new(),
    }
}

/// A file's audio decoded again through ffmpeg-next: the left and right channels, after
/// checking it is 48 kHz stereo.
pub fn decoded_audio(path: &Path) -> (Vec<f32>, Vec<f32>) {
    use ffmpeg_next as ff;
    let mut ictx = ff::format::input(&path).unwrap();
    let stream = ictx.streams().best(ff::media::Type::Audio).unwrap();
    let index = stream.index();
    let mut dec = ff::codec::context::Context::from_parameters(stream.parameters())
        .unwrap()
        .decoder()
        .audio()
        .unwrap();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut frame = ff::util::frame::Audio::empty();
    for (s, p) in ictx.packets() {
        if s.index() != index {
            continue;
        }
        dec.send_packet(&p).unwrap();
        while dec.receive_frame(&mut frame).is_ok() {
            assert_eq!((frame.rate(), frame.channels()), (48_000, 2));
            left.extend_from_slice(frame.plane::<f32>(0));
            right.extend_from_slice(frame.plane::<f32>(1));
        }
    }
    (left, right)
}

/// A frame of a rendered file, decoded by the ffmpeg CLI (an outside reader).
pub fn frame_of_video(path: &Path, ms: i64) -> image::RgbImage {
    let out = path.with_extension(format!("{ms}.png"));
    ffmpeg(&[
        "-ss",
        &format!("{:.3}", ms as f64 / 1000.0),
        "-i",
        path.to_str().unwrap(),
        "-frames:v",
        "1",
        out.to_str().unwrap(),
    ]);
    image::open(&out).unwrap().to_rgb8()
}

/// One person's clip and photo (beach_day.mp4, hiking_gps.jpg), a second of each in a
/// montage cleared for the web in the US for 2027 (campaign "Phones").
pub fn phones_piece() -> (Ingested, [i64; 2], piece::PieceDoc) {
    let mut s = ingest_from_someone(&[
        &samples().join("beach_day.mp4"),
        &samples().join("hiking_gps.jpg"),
    ]);
    let ids = [
        asset_named(&s.lib, "beach_day.mp4").id,
        asset_named(&s.lib, "hiking_gps.jpg").id,
    ];
    let mut photo = clip_item(ids[1], 0, 1000);
    photo.kind = chorus::media::Kind::Photo;
    let (doc, _) = cleared_montage(&mut s, vec![clip_item(ids[0], 0, 1000), photo]);
    (s, ids, doc)
}
